"""Full signing under gunicorn (2 workers) on PostgreSQL, beside the pyHanko seal alone (the floor).

Usage: DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/shjz_bench \\
       .venv/bin/python -m bench.bench_signing [--signatures 300] [--clients 4]

The database's public schema is dropped and rebuilt. One household per signature, each with a live
signing link. Each client opens a link (GET /sign/{token}), asks for the code (POST …/otp), reads
it from the fake SMS provider, and signs (POST /sign/{token}: identity, code, a 600×240 PNG and
stroke data; the server renders, seals with an RFC 3161 timestamp from the local TSA, stores).
A signature's time is the sum of its three server calls. Printed beside it, measured in the same
run on the same kind of PDF: the seal alone (pyHanko certification + timestamp), sequentially.
Targets (issue 4): p95 ≤ 400 ms and ≥ 10 signatures/s on this 2-core machine.
"""
import argparse
import base64
import http.client
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time

os.environ.setdefault("JOB_BACKEND", "immediate")

from sqlalchemy import func, insert, select  # noqa: E402

from bench.postgres import reset_sequences  # noqa: E402
from bench.results import record  # noqa: E402
from bench.serve import gunicorn, wait_for  # noqa: E402
from app import create_app  # noqa: E402
from app.applications.models import Application, Household, Member  # noqa: E402
from app.authorizations import services as authorizations  # noqa: E402
from app.authorizations.models import Authorization  # noqa: E402
from app.cli import upgrade_database  # noqa: E402
from app.common.actor import Actor  # noqa: E402
from app.common.clock import utcnow  # noqa: E402
from app.db import session  # noqa: E402
from app.demo import load_regions  # noqa: E402
from app.documents.domain import EVIDENCE_FILE  # noqa: E402
from app.identity.models import Account  # noqa: E402
from app.identity.services import id_number_index, phone_index  # noqa: E402
from bench.bench_applications import id_number  # noqa: E402
from tests.api.authorizations.conftest import signature_png, stroke_data  # noqa: E402

PORT, FAKES = 5097, 5098
VILLAGE = "610324106201"
SMS_TOKEN = "bench-sms-token"


def households(count: int) -> list[tuple[int, str, str]]:
    """(authorization id, phone, ID number) of `count` one-person households waiting for their signature;
    account, household, application and authorization share that id, the first after any already there."""
    now = utcnow()
    first = 1 + max(session.scalar(select(func.coalesce(func.max(model.id), 0)))
                    for model in (Account, Household, Application, Authorization))
    people = [(i, f"137{i:08d}", id_number(i)) for i in range(first, first + count)]
    session.execute(insert(Account), [{"id": i, "role": "applicant", "phone": phone, "phone_index": phone_index(phone),
                                       "active": True, "created_at": now, "updated_at": now, "version": 1}
                                      for i, phone, _ in people])
    session.execute(insert(Household), [{"id": i, "owner_account_id": i, "created_at": now, "updated_at": now}
                                        for i, _, _ in people])
    member = {"name": "张三", "relation": "self", "lives_together": True, "hukou_type": "rural",
              "hukou_region_code": VILLAGE, "serious_illness": False, "employment": "farming", "capacity": "full"}
    session.execute(insert(Member), [member | {"household_id": i, "position": 0, "id_number": idn, "phone": phone,
                                               "id_number_index": id_number_index(idn), "phone_index": phone_index(phone)}
                                     for i, phone, idn in people])
    session.execute(insert(Application), [{
        "id": i, "household_id": i, "applicant_account_id": i, "assistance_type": "dibao_rural", "region_code": VILLAGE,
        "reason": "因病致贫", "declared": "{}", "status": "authorizing", "commitment_version": "2026-01",
        "commitment_sha256": "0" * 64, "commitment_accepted_at": now, "submitted_at": now, "created_at": now,
        "updated_at": now, "version": 1,
        "snapshot": json.dumps({"members": [member | {"index": 0, "name": "张三", "id_number": idn, "phone": phone,
                                                      "guardian_member_index": None, "disability_grade": None}]},
                               ensure_ascii=False)} for i, phone, idn in people])
    session.execute(insert(Authorization), [{"id": i, "application_id": i, "member_position": 0, "signer_position": 0,
                                             "by_guardian": False, "status": "pending", "letter_version": "2026-01",
                                             "required": True, "created_at": now, "updated_at": now}
                                            for i, _, _ in people])
    if session.get_bind().dialect.name == "postgresql":
        reset_sequences(session, ("accounts", "households", "applications", "authorizations"))
    session.commit()
    return people


def seal_floor(app, runs: int) -> list[float]:
    """The pyHanko seal alone (certification signature + RFC 3161 timestamp) on a freshly rendered letter."""
    from app.authorizations.document import render
    from tests.unit.authorizations.test_document import letter

    sealing = app.extensions["sealing"]
    pdf = render(letter(), font_path=sealing.font_path)
    evidence = json.dumps({"verify_code": "BENCH"}).encode()
    sealing.seal.seal(pdf, attachments={EVIDENCE_FILE: evidence}, reason="bench", location="bench")  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        sealing.seal.seal(pdf, attachments={EVIDENCE_FILE: evidence}, reason="bench", location="bench")
        times.append(time.perf_counter() - started)
    return times


def call(connection, method, path, body=None):
    started = time.perf_counter()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, data, time.perf_counter() - started


def sign_all(work: queue.Queue, clients: int) -> tuple[list[float], list[tuple], float, list[str]]:
    png = base64.b64encode(signature_png()).decode()
    strokes = stroke_data(120)
    latencies, steps, failures, lock = [], [], [], threading.Lock()

    def client():
        server = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        fakes = http.client.HTTPConnection("127.0.0.1", FAKES, timeout=30)
        while True:
            try:
                token, phone, idn = work.get_nowait()
            except queue.Empty:
                return
            status1, _, t1 = call(server, "GET", f"/api/v1/sign/{token}")
            status2, _, t2 = call(server, "POST", f"/api/v1/sign/{token}/otp")
            _, messages, _ = call(fakes, "GET", f"/fake-sms/messages?phone={phone}")
            code = json.loads(messages)[-1]["params"]["code"]
            status3, answer, t3 = call(server, "POST", f"/api/v1/sign/{token}", {
                "name": "张三", "id_number": idn, "otp_code": code, "agree": True,
                "signature": {"png_base64": png, "strokes": strokes}})
            with lock:
                if (status1, status2, status3) == (200, 202, 201):
                    latencies.append(t1 + t2 + t3)
                    steps.append((t1, t2, t3))
                else:
                    failures.append(f"{status1} {status2} {status3} {answer[:200]!r}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, steps, time.perf_counter() - started, failures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signatures", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--floor-runs", type=int, default=30)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    assert url.startswith("postgresql"), "this benchmark is for PostgreSQL"
    instance = tempfile.mkdtemp(prefix="shjz-bench-sign-")
    settings = {"INSTANCE_PATH": instance, "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                "SMS_BACKEND": "http", "SMS_HTTP_URL": f"http://127.0.0.1:{FAKES}/fake-sms/sms/send",
                "SMS_HTTP_TOKEN": SMS_TOKEN, "TSA_URL": f"http://127.0.0.1:{FAKES}/tsa/",
                "RATELIMIT_DEFAULT": "100000000 per minute", "RATELIMIT_LOGIN": "100000000 per minute",
                "OTP_IP_LIMIT": "100000000 per minute", "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORT}"}
    env = os.environ | {key: str(value) for key, value in settings.items()} | {"JOB_BACKEND": "immediate"}
    fakes = subprocess.Popen([sys.executable, "-m", "app.devservers", "--port", str(FAKES)], env=env,
                             stderr=subprocess.DEVNULL)
    try:
        app = create_app(settings | {"APP_ENV": "development"})   # also makes the dev PKI in the instance folder
        with app.extensions["db_engine"].begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade_database(app.extensions["db_engine"])
        wait_for(FAKES, "/fake-sms/messages?phone=0")
        work = queue.Queue()
        with app.app_context():
            load_regions()
            for i, phone, idn in households(args.signatures):
                actor = Actor(account_id=i, role="applicant")
                _, link_url = authorizations.issue_invitation(i, actor=actor, send_sms=False, base_url="")
                work.put((link_url.rsplit("/sign/", 1)[1], phone, idn))
            session.commit()
            floor = seal_floor(app, args.floor_runs)
        with gunicorn(PORT, env):
            latencies, steps, elapsed, failures = sign_all(work, args.clients)
    finally:
        fakes.terminate()
        fakes.wait()
    floor_p50 = statistics.median(floor) * 1000
    p50, p95 = statistics.median(latencies) * 1000, percentile(latencies, 0.95) * 1000
    print(json.dumps({"signatures": args.signatures, "clients": args.clients, "failures": len(failures)}))
    print(f"{'':44} {'p50 ms':>8} {'p95 ms':>8} {'per s':>8}")
    print(f"{'seal alone, sequential (floor)':44} {floor_p50:8.1f} {percentile(floor, 0.95) * 1000:8.1f} "
          f"{1000 / floor_p50:8.1f}")
    print(f"{'full signing, gunicorn 2 workers':44} {p50:8.1f} {p95:8.1f} {len(latencies) / elapsed:8.1f}")
    for name, values in zip(("  open the link", "  ask for the code", "  sign, seal, store"), zip(*steps)):
        print(f"{name:44} {statistics.median(values) * 1000:8.1f} {percentile(values, 0.95) * 1000:8.1f}")
    print(f"full signing p50 ÷ seal p50: {p50 / floor_p50:.2f}")
    p95_target = p95 <= 400
    record("signing", f"full signing p95, {args.clients} signers", p95, "ms", floor="pyHanko seal alone, p50",
           floor_value=floor_p50, target="≤ 400 ms", met=p95_target)
    rate = len(latencies) / elapsed
    record("signing", "signatures per second", rate, "/s", floor="seals per second, sequential",
           floor_value=1000 / floor_p50, target="≥ 10/s", met=rate >= 10)
    for failure in failures[:5]:
        print("failed:", failure)


if __name__ == "__main__":
    main()
