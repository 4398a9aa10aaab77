"""Timeline and application list under gunicorn (2 workers) with 100,000 households on PostgreSQL.

Usage: DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/shjz_bench \\
       .venv/bin/python -m bench.bench_applications [--households 100000] [--seconds 20] [--clients 4]
       (BENCH_INSTANCE=DIR --reuse measures again on the data of a previous run made with that DIR)

The database's public schema is dropped and rebuilt. Prints requests per second and p95 for
GET /api/v1/applications/{id}/timeline and GET /api/v1/applications beside the floor measured
in the same run: GET /api/v1/me, an authenticated endpoint that does nothing beyond
authentication. Target (issue 3): ≥ 60% of the floor's throughput and p95 ≤ 30 ms.
"""
import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from datetime import timedelta

os.environ.setdefault("JOB_BACKEND", "immediate")

from sqlalchemy import insert, text  # noqa: E402

from bench.results import record  # noqa: E402
from bench.serve import gunicorn  # noqa: E402
from app import create_app  # noqa: E402
from app.applications.models import Application, ApplicationEvent, Household, Member  # noqa: E402
from app.cli import upgrade_database  # noqa: E402
from app.common.clock import utcnow  # noqa: E402
from app.db import session  # noqa: E402
from app.demo import load_regions  # noqa: E402
from app.identity.models import Account  # noqa: E402
from app.identity.services import id_number_index, issue_session, phone_index  # noqa: E402

VILLAGES = ["610324106201", "610324106202", "610324101201", "610302100201", "610303001002"]
PORT = 5099


def id_number(serial: int) -> str:
    body = f"610324{1950 + serial % 50}0101{serial % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def generate(households: int, batch: int = 5000) -> None:
    """Bulk rows through the ORM's types (so personal data is encrypted as in production)."""
    now = utcnow()
    for start in range(0, households, batch):
        ids = range(start + 1, min(start + batch, households) + 1)
        session.execute(insert(Account), [{"id": i, "role": "applicant", "phone": f"139{i:08d}",
                                           "phone_index": phone_index(f"139{i:08d}"), "active": True,
                                           "created_at": now, "updated_at": now, "version": 1} for i in ids])
        session.execute(insert(Household), [{"id": i, "owner_account_id": i, "created_at": now, "updated_at": now}
                                             for i in ids])
        session.execute(insert(Member), [{"household_id": i, "position": 0, "name": "张三", "id_number": id_number(i),
                                          "id_number_index": id_number_index(id_number(i)), "phone": f"139{i:08d}",
                                          "phone_index": phone_index(f"139{i:08d}"), "relation": "self",
                                          "lives_together": True, "hukou_type": "rural",
                                          "hukou_region_code": VILLAGES[i % len(VILLAGES)], "serious_illness": False,
                                          "employment": "farming", "capacity": "full"} for i in ids])
        submitted = now - timedelta(days=10)
        session.execute(insert(Application), [{
            "id": i, "household_id": i, "applicant_account_id": i, "assistance_type": "dibao_rural",
            "region_code": VILLAGES[i % len(VILLAGES)], "reason": "因病致贫", "declared": "{}",
            "status": "village_review", "snapshot": "{}", "commitment_version": "2026-01",
            "commitment_sha256": "0" * 64, "commitment_accepted_at": submitted, "submitted_at": submitted,
            "created_at": submitted, "updated_at": now, "version": 1} for i in ids])
        session.execute(insert(ApplicationEvent), [
            {"application_id": i, "occurred_at": submitted, "kind": kind, "from_status": a, "to_status": b,
             "actor_role": role, "text": words}
            for i in ids for kind, a, b, role, words in (
                ("submit", "draft", "submitted", "applicant", "已提交申请"),
                ("open_authorization", "submitted", "authorizing", "system", "等待家庭成员授权"),
                ("all_signed", "authorizing", "checking", "system", "家庭成员授权已全部完成"),
                ("check_done", "checking", "village_review", "system", "村（社区）审核中"))])
        session.commit()
        print(f"  {ids[-1]:>7} households", file=sys.stderr, flush=True)
    for table in ("accounts", "households", "applications"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    session.execute(text("ANALYZE"))
    session.commit()


def load(path_for, tokens: list[tuple[int, str]], seconds: float, clients: int) -> tuple[float, float]:
    latencies, stop = [], time.monotonic() + seconds
    lock = threading.Lock()

    def worker(seed):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        mine = []
        while time.monotonic() < stop:
            applicant, token = rng.choice(tokens)
            started = time.perf_counter()
            connection.request("GET", path_for(applicant), headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path_for(applicant)} answered {response.status}")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return len(latencies) / seconds, latencies[int(len(latencies) * 0.95)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the previous run (same INSTANCE_PATH)")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    assert url.startswith("postgresql"), "this benchmark is for PostgreSQL"
    # The data keys live in the instance folder: a reused database needs the same one.
    instance = os.environ.get("BENCH_INSTANCE") or tempfile.mkdtemp(prefix="shjz-bench-")
    settings = {"INSTANCE_PATH": instance, "SMS_BACKEND": "memory", "LOG_LEVEL": "WARNING",
                "RATELIMIT_DEFAULT": "100000000 per minute", "DATABASE_URL": url}
    app = create_app(settings | {"APP_ENV": "development"})
    if not args.reuse:
        with app.extensions["db_engine"].begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade_database(app.extensions["db_engine"])
    with app.app_context():
        if not args.reuse:
            load_regions()
            session.commit()
            started = time.perf_counter()
            generate(args.households)
            print(f"generated {args.households} households in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        sample = random.Random(7).sample(range(1, args.households + 1), 200)
        tokens = [(i, issue_session(session.get(Account, i), method="bench", policy=app.extensions["auth_policy"],
                                    signer=app.extensions["tokens"]).access_token) for i in sample]
        session.commit()
    env = os.environ | {key: str(value) for key, value in settings.items()} | {"JOB_BACKEND": "immediate"}
    with gunicorn(PORT, env):
        load(lambda _i: "/api/v1/me", tokens, 3, args.clients)  # warm-up
        rows = [("GET /api/v1/me (floor: authentication only)", lambda _i: "/api/v1/me"),
                ("GET /api/v1/applications/{id}/timeline", lambda i: f"/api/v1/applications/{i}/timeline"),
                ("GET /api/v1/applications", lambda _i: "/api/v1/applications")]
        results = [(name, *load(path, tokens, args.seconds, args.clients)) for name, path in rows]
    floor = results[0][1]
    print(json.dumps({"households": args.households, "clients": args.clients, "seconds": args.seconds}))
    print(f"{'endpoint':48} {'req/s':>8} {'p95 ms':>8} {'÷ floor':>8}")
    for name, rps, p95 in results:
        print(f"{name:48} {rps:8.0f} {p95:8.1f} {rps / floor:8.0%}")
    floor_p95 = results[0][2]
    for name, rps, p95 in results[1:]:
        record("applications", f"{name}, p95, {args.households:,} households", p95, "ms",
               floor="GET /api/v1/me p95", floor_value=floor_p95)
        record("applications", f"{name}, throughput", rps, "req/s", floor="GET /api/v1/me", floor_value=floor)


if __name__ == "__main__":
    main()
