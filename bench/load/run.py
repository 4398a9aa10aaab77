"""`make load` and `make faults`: the service under locust's load on PostgreSQL and Redis, as in production.

Usage: .venv/bin/python -m bench.load.run [--users 200] [--minutes 10] [--faults] [--locust .venv-load/bin/locust]
       (LOAD_DATABASE_URL: default postgresql+psycopg://postgres@127.0.0.1:5432/shjz_load, rebuilt each run;
        LOAD_REDIS_URL: default redis://127.0.0.1:6379/14, emptied each run)

Set-up: the demo division tree and standards, 2,000 open cases of 段家镇 in every review stage (the
background a caseworker's queue reads), one-person households of 青龙村 each waiting for its member's
signature through a live link, more than the signers get through (3,000 for 200 users and 10
minutes), one account per caseworker and officer user, and the families the applicants will apply
for. Then the fake WeChat, SMS and timestamp servers, a huey consumer (Redis, 4 threads) and
gunicorn (4 workers × 2 threads, behind one trusted proxy: every locust user has an address of its
own) — and locust, headless, with the mix of bench/load/locustfile.py.

--faults, during the load: PostgreSQL is stopped for 15 s and started again; then Redis is shut down
for 30 s (without saving: its queue is lost, as a crash loses it) and started again; then the fake
WeChat and SMS servers hang for 60 s. Each phase passes when every 5xx while its dependency was down
is a 503 with Retry-After, and nothing fails from 30 s after it came back.

Both then check, in the database, that every write locust saw acknowledged is there (applications,
signatures, confirmations, checks) and none twice, that every acknowledged check ran, and that the
audit chain verifies. The figures go to BENCHMARKS.md (section "load" or "faults").
"""
import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.bench_review import GIVEN, SURNAMES, id_number, write_cases
from bench.bench_signing import households
from bench.serve import wait_for
from bench.postgres import create_database
from bench.results import machine, write_section

ROOT = Path(__file__).resolve().parents[2]
PORT, FAKES = 5200, 5201
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/shjz_load")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
SEED = 20261203
# Two processes a core, two threads each, as README §Production advises: one process holds one GIL, so
# four threads in each of two processes queue behind each other's seals (p95 1.1 s here, against 0.26 s).
WORKERS, THREADS = os.environ.get("LOAD_WORKERS", "4"), os.environ.get("LOAD_THREADS", "2")
VILLAGE, TOWNSHIP, COUNTY = "610324106201", "610324106000", "610324000000"
PASSWORD = "Load-Test-Desk-2026!"
SMS_TOKEN = "load-sms-token"
TARGETS = {"errors": 0.001, "read_p95": 500.0, "write_p95": 1000.0, "rss_growth": 0.10, "recovery": 30.0}


# Set-up ---------------------------------------------------------------------------------------

def settings(instance: str) -> dict:
    return {"INSTANCE_PATH": instance, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "JOB_BACKEND": "redis",
            "LOG_LEVEL": "WARNING", "SMS_BACKEND": "http", "SMS_HTTP_URL": f"http://127.0.0.1:{FAKES}/fake-sms/sms/send",
            "SMS_HTTP_TOKEN": SMS_TOKEN, "TSA_URL": f"http://127.0.0.1:{FAKES}/tsa/",
            "WECHAT_API_BASE": f"http://127.0.0.1:{FAKES}", "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORT}",
            "TRUSTED_PROXY_COUNT": "1", "RATELIMIT_KEY_PREFIX": f"shjz-load-{int(time.time())}"}


def signing_households(users: int, minutes: float) -> int:
    """More than the signers can sign in the run: a fifth of the users sign (the Signer's weight, 8 of
    40, in locustfile.py), none faster than once in 8 s (a think time of 5 to 15 s, then four requests)."""
    return int(users * 8 / 40 * minutes * 60 / 8)


def prepare(instance: str, users: int, minutes: float) -> dict:
    """The database rebuilt with the load's data; what locust needs to know (LOAD_DATA)."""
    os.environ.update(settings(instance))
    from app import create_app
    from app.authorizations import services as authorizations
    from app.cli import upgrade_database
    from app.common.actor import Actor
    from app.db import session
    from app.demo import load_regions, load_standards
    from app.identity import staff
    from tests.api.authorizations.conftest import signature_png, stroke_data
    from tests.browser.api_steps import png_bytes
    import base64

    create_database(DATABASE_URL)
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": instance})   # also makes the development keys and PKI in the instance
    engine = app.extensions["db_engine"]
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade_database(engine)
    rng = random.Random(SEED)
    with app.app_context():
        load_regions()
        load_standards()
        links = []
        for i, phone, idn in households(signing_households(users, minutes)):
            _, url = authorizations.issue_invitation(i, actor=Actor(account_id=i, role="applicant"), send_sms=False,
                                                     base_url="")
            links.append({"token": url.rsplit("/sign/", 1)[1], "authorization_id": i, "application_id": i,
                          "name": "张三", "id_number": idn, "phone": phone})
        session.commit()
        write_cases(2000, SEED, engine.dialect)
        creator = Actor(role="system", region_code="610000000000")
        accounts = {}
        for role, region, count in (("township_worker", TOWNSHIP, users), ("verification_officer", COUNTY, users)):
            accounts[role] = []
            for n in range(count):
                username = f"load.{role.split('_')[0]}.{n:03d}"
                _, secret = staff.create_staff(username=username, display_name=f"压测{n}", role=role, region_code=region,
                                               password=PASSWORD, actor=creator, policy=app.extensions["auth_policy"])
                accounts[role].append({"username": username, "password": PASSWORD, "totp_secret": secret})
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    serials: dict = {}
    families = []
    for n in range(users * 2):
        surname = rng.choice(SURNAMES)
        families.append([
            {"name": surname + rng.choice(GIVEN) + rng.choice(GIVEN), "id_number": id_number(rng, 1960, 1990, serials),
             "relation": relation, "phone": f"136{n * 2 + position:08d}"}
            for position, relation in enumerate(("self", "spouse"))])
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SHOW server_version").scalar()
    return {"postgres": version, "village": VILLAGE, "links": links, "staff": accounts, "families": families,
            "document_png": png_bytes().hex(),
            "signature": {"png_base64": base64.b64encode(signature_png()).decode(), "strokes": stroke_data(60)}}


class Services:
    """The fakes, the huey consumer and gunicorn, as subprocesses sharing one environment."""

    def __init__(self, instance: str, logs: Path):
        self.env = os.environ | settings(instance) | {"PYTHONPATH": str(ROOT)}
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *command: str) -> None:
        log = open(self.logs / f"{name}.log", "a")
        self.processes[name] = subprocess.Popen([sys.executable, *command], cwd=ROOT, env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def __enter__(self):
        self.start("fakes", "-m", "app.devservers", "--port", str(FAKES))
        wait_for(FAKES, "/fake-sms/messages?phone=0")
        self.start("worker", "-m", "huey.bin.huey_consumer", "app.jobs.huey", "--workers", "4", "--worker-type",
                   "thread")
        # Keep-alive longer than any client's pause (think time, a Retry-After): a connection the server
        # closes just as a client reuses it is a dropped request (behind a proxy: longer than the proxy's).
        self.start("gunicorn", "-m", "gunicorn", "--workers", WORKERS, "--threads", THREADS, "--keep-alive", "75",
                   "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning", "wsgi:app")
        wait_for(PORT, "/healthz")
        return self

    def __exit__(self, *_exc):
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def worker_rss(self) -> list[float]:
        """Resident memory (MB) of each gunicorn worker."""
        master = self.processes["gunicorn"].pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [rss_mb(int(pid)) for pid in children]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# Faults ---------------------------------------------------------------------------------------

def run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=120)


def postgres(action: str) -> None:
    cluster = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout.split()
    run(["pg_ctlcluster", cluster[0], cluster[1], action, *(["-m", "fast"] if action == "stop" else [])])


def redis(action: str) -> None:
    if action == "stop":
        subprocess.run(["redis-cli", "shutdown", "nosave"], capture_output=True, timeout=30)
    else:
        run(["redis-server", "--bind", "127.0.0.1", "--port", "6379", "--daemonize", "yes", "--save", "",
             "--appendonly", "no"])
        for _ in range(50):
            if subprocess.run(["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
                return
            time.sleep(0.2)


def fakes_hang(names: list[str]) -> None:
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{FAKES}/_faults", data=json.dumps({"hang": names}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(request, timeout=10).read()


# key: (name, seconds after the start of the load, seconds down, take down, bring back)
FAULTS = {
    "postgres": ("PostgreSQL stopped and started", 90, 15, lambda: postgres("stop"), lambda: postgres("start")),
    "redis": ("Redis shut down and started", 180, 30, lambda: redis("stop"), lambda: redis("start")),
    "fakes": ("WeChat and SMS hang", 270, 60, lambda: fakes_hang(["wechat", "sms"]), lambda: fakes_hang([])),
}


def inject(started: float, keys: list[str], timeline: list) -> None:
    """Each fault at its time; (name, down at, up at) appended as it happens."""
    for name, at, seconds, down, up in (FAULTS[key] for key in keys):
        time.sleep(max(0.0, started + at - time.time()))
        print(f"   fault: {name}", flush=True)
        went = time.time()
        down()
        time.sleep(seconds)
        up()
        timeline.append((name, went, time.time()))


# Reading the results --------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def requests_of(path: Path) -> list[dict]:
    rows = []
    for at, kind, name, ms, status, retry_after, error in csv.reader(path.open(encoding="utf-8")):
        rows.append({"at": float(at), "kind": kind, "name": name, "ms": float(ms), "status": int(status),
                     "retry_after": retry_after, "error": error})
    return rows


def failed(row: dict) -> bool:
    return row["status"] == 0 or row["status"] >= 500 or bool(row["error"]) and row["status"] >= 400


def load_figures(rows: list[dict]) -> dict:
    reads = [r["ms"] for r in rows if r["kind"] == "R" and r["status"] < 400 and r["status"]]
    writes = [r["ms"] for r in rows if r["kind"] == "W" and r["status"] < 400 and r["status"]]
    errors = sum(1 for r in rows if r["error"])
    return {"requests": len(rows), "errors": errors, "error_share": errors / max(1, len(rows)),
            "server_errors": sum(1 for r in rows if r["status"] >= 500), "read_p50": percentile(reads, 0.5),
            "read_p95": percentile(reads, 0.95), "write_p50": percentile(writes, 0.5),
            "write_p95": percentile(writes, 0.95), "reads": len(reads), "writes": len(writes)}


def fault_figures(rows: list[dict], timeline: list) -> list[dict]:
    """Per fault: what was answered while it lasted, and how long after it ended failures went on."""
    phases = []
    ends = [went for _, went, _ in timeline[1:]] + [float("inf")]
    for (name, went, came), next_fault in zip(timeline, ends):
        during = [r for r in rows if went <= r["at"] <= came]
        bad = [r for r in during if (r["status"] >= 500 and not (r["status"] == 503 and r["retry_after"]))
               or r["status"] == 0]
        after = [r["at"] + r["ms"] / 1000 for r in rows if came < r["at"] < next_fault and failed(r)]
        recovery = max(after) - came if after else 0.0
        phases.append({"fault": name, "seconds": came - went, "requests": len(during),
                       "503_retry_after": sum(1 for r in during if r["status"] == 503 and r["retry_after"]),
                       "other_5xx_or_dropped": len(bad), "recovery": recovery,
                       "ok": not bad and recovery <= TARGETS["recovery"]})
    return phases


def acknowledged(path: Path) -> dict[str, list[dict]]:
    acks: dict[str, list[dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        acks.setdefault(row["kind"], []).append(row)
    return acks


def settle(acks: dict, seconds: int = 240) -> None:
    """Checks acknowledged near the end may still be queued or running: wait for them (a lost job is
    picked up by the sweep after two minutes)."""
    from app.db import session
    from app.checks.models import Check

    ids = [a["id"] for a in acks.get("check", [])]
    deadline = time.time() + seconds
    while ids and time.time() < deadline:
        open_checks = session.scalar(select(func.count()).select_from(Check).where(
            Check.id.in_(ids), Check.status.in_(["queued", "running"])))
        session.rollback()
        if not open_checks:
            return
        time.sleep(5)


def audit_acknowledged(instance: str, acks: dict, waiting: list[int]) -> dict:
    """Every acknowledged write is in the database, none twice; the checks ran; the audit chain verifies;
    how many of the `waiting` authorizations were still unsigned (none: the signers ran out of work)."""
    os.environ.update(settings(instance))
    from app import create_app
    from app.applications.models import Application
    from app.audit.services import chain_report
    from app.authorizations.models import Authorization, Signature
    from app.checks.models import Check
    from app.db import session

    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": instance})
    with app.app_context():
        settle(acks)
        problems = []
        applications = [a["id"] for a in acks.get("application", [])]
        found = dict(session.execute(select(Application.id, Application.status).where(Application.id.in_(applications))).all())
        problems += [f"application {i} missing" for i in applications if i not in found]
        problems += [f"application {i} is a draft" for i, status in found.items() if status == "draft"]
        owners = session.execute(select(Application.applicant_account_id, func.count()).where(
            Application.applicant_account_id.in_(select(Application.applicant_account_id).where(
                Application.id.in_(applications)))).group_by(Application.applicant_account_id)
            .having(func.count() > 1)).all()
        problems += [f"applicant {owner} has {n} applications (a retried submission made two)" for owner, n in owners]

        signed = [a["authorization_id"] for a in acks.get("signature", [])]
        signatures = dict(session.execute(select(Signature.authorization_id, func.count()).where(
            Signature.authorization_id.in_(signed)).group_by(Signature.authorization_id)).all())
        problems += [f"authorization {i}: {signatures.get(i, 0)} signatures" for i in signed if signatures.get(i) != 1]
        confirmed = [a["authorization_id"] for a in acks.get("confirmation", [])]
        statuses = dict(session.execute(select(Authorization.id, Authorization.status).where(
            Authorization.id.in_(confirmed))).all())
        problems += [f"authorization {i} is {statuses.get(i)}, not confirmed" for i in confirmed
                     if statuses.get(i) != "confirmed"]

        checked = [a["id"] for a in acks.get("check", [])]
        check_status = dict(session.execute(select(Check.id, Check.status).where(Check.id.in_(checked))).all())
        problems += [f"check {i} is {check_status.get(i)}" for i in checked if check_status.get(i) != "done"]
        per_application = session.execute(select(Check.application_id, func.count()).where(
            Check.application_id.in_([a["application_id"] for a in acks.get("check", [])]))
            .group_by(Check.application_id).having(func.count() > 1)).all()
        problems += [f"application {a}: {n} checks (a retried request made two)" for a, n in per_application]
        audit = chain_report()
        unsigned = session.scalar(select(func.count()).where(Authorization.id.in_(waiting),
                                                             Authorization.status == "pending"))
        session.rollback()
    return {"acknowledged": {kind: len(rows) for kind, rows in acks.items()}, "problems": problems,
            "audit_events": audit["events"], "audit_ok": audit["ok"], "unsigned": unsigned, "waiting": len(waiting)}


# The run --------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--spawn-rate", type=float, default=4)
    parser.add_argument("--faults", nargs="*", choices=list(FAULTS), default=None,
                        help="during the load: stop PostgreSQL, shut Redis down, hang WeChat and SMS (all without names)")
    parser.add_argument("--locust", default=str(ROOT / ".venv-load" / "bin" / "locust"))
    args = parser.parse_args()
    if make_url(DATABASE_URL).database in {"test", "postgres"}:
        raise SystemExit("LOAD_DATABASE_URL must name a database of the load test's own (it is rebuilt)")
    if args.faults is not None:
        args.faults = args.faults or list(FAULTS)
        if args.minutes * 60 < max(FAULTS[key][1] + FAULTS[key][2] for key in args.faults) + 60:
            raise SystemExit("--faults needs a minute of load after the last fault ends (7 minutes for all)")
    work = Path(tempfile.mkdtemp(prefix="shjz-load-"))
    instance = str(work / "instance")
    subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], capture_output=True)
    print(f"== preparing {DATABASE_URL.rsplit('/', 1)[1]} (work files in {work})", flush=True)
    began = datetime.now(timezone.utc)
    data = prepare(instance, args.users, args.minutes)
    (work / "data.json").write_text(json.dumps(data, ensure_ascii=False))
    requests_path, acks_path = work / "requests.csv", work / "acks.jsonl"
    timeline: list = []
    with Services(instance, work) as services:
        env = os.environ | {"LOAD_DATA": str(work / "data.json"), "LOAD_REQUESTS": str(requests_path),
                            "LOAD_ACKS": str(acks_path), "LOAD_FAKES": f"http://127.0.0.1:{FAKES}",
                            "LOAD_HOST": f"http://127.0.0.1:{PORT}"}
        print(f"== locust: {args.users} users for {args.minutes:g} min{' with faults' if args.faults else ''}",
              flush=True)
        locust = subprocess.Popen([args.locust, "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
                                   "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{int(args.minutes * 60)}s",
                                   "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING"],
                                  cwd=work, env=env, stdout=open(work / "locust.log", "w"), stderr=subprocess.STDOUT)
        started = time.time()
        # RSS once every user is running and warm, and again at the end.
        time.sleep(min(args.users / args.spawn_rate + 30, args.minutes * 30))
        rss_start = services.worker_rss()
        if args.faults:
            inject(started, args.faults, timeline)
        time.sleep(max(0.0, started + args.minutes * 60 - 5 - time.time()))
        rss_end = services.worker_rss()
        locust.wait()
        rows = requests_of(requests_path)
        verdict = audit_acknowledged(instance, acknowledged(acks_path),
                                     [link["authorization_id"] for link in data["links"]])
    report(args, began, data, rows, rss_start, rss_end, timeline, verdict, work)


def report(args, began, data, rows, rss_start, rss_end, timeline, verdict, work: Path) -> None:
    figures = load_figures(rows)
    growth = max((end - start) / start for start, end in zip(rss_start, rss_end)) if rss_start else 0.0
    by_name: dict[str, list[float]] = {}
    for row in rows:
        if row["status"] and row["status"] < 400:
            by_name.setdefault(row["name"], []).append(row["ms"])
    lines = [f"{'request':44} {'count':>7} {'p50 ms':>8} {'p95 ms':>8}"]
    lines += [f"{name:44} {len(v):7} {percentile(v, 0.5):8.1f} {percentile(v, 0.95):8.1f}"
              for name, v in sorted(by_name.items())]
    print("\n".join(lines))
    load_ok = {
        "errors": figures["error_share"] <= TARGETS["errors"], "5xx": figures["server_errors"] == 0,
        "read_p95": figures["read_p95"] <= TARGETS["read_p95"], "write_p95": figures["write_p95"] <= TARGETS["write_p95"],
        "rss": growth <= TARGETS["rss_growth"]}
    mark = {True: "✓", False: "✗ not met"}
    table = [
        "| figure | measured | target |", "| --- | --- | --- |",
        f"| requests (reads / writes) | {figures['requests']:,} ({figures['reads']:,} / {figures['writes']:,}) | — |",
        f"| failed requests | {figures['errors']} ({figures['error_share']:.3%}) | ≤ 0.1% "
        f"{mark[load_ok['errors']] if not args.faults else '(faults: see below)'} |",
        f"| 5xx answers | {figures['server_errors']} | 0 {mark[load_ok['5xx']] if not args.faults else '(faults: 503 only)'} |",
        f"| reads p50 / p95 | {figures['read_p50']:.0f} / {figures['read_p95']:.0f} ms | p95 ≤ 500 ms {mark[load_ok['read_p95']]} |",
        f"| writes p50 / p95 | {figures['write_p50']:.0f} / {figures['write_p95']:.0f} ms | p95 ≤ 1,000 ms {mark[load_ok['write_p95']]} |",
        f"| RSS per gunicorn worker, start → end | {', '.join(f'{a:.0f} → {b:.0f} MB' for a, b in zip(rss_start, rss_end))} "
        f"(+{growth:.1%} at most) | ≤ +10% {mark[load_ok['rss']]} |",
        f"| acknowledged writes found, none twice | {json.dumps(verdict['acknowledged'])}: "
        f"{len(verdict['problems'])} problems | 0 {mark[not verdict['problems']]} |",
        f"| audit chain | {verdict['audit_events']:,} events, {'intact' if verdict['audit_ok'] else 'BROKEN'} | intact "
        f"{mark[verdict['audit_ok']]} |",
        f"| households still waiting to sign at the end | {verdict['unsigned']:,} of {verdict['waiting']:,} | some "
        f"(signing went on to the end) {mark[verdict['unsigned'] > 0]} |",
    ]
    phases = fault_figures(rows, timeline)
    if phases:
        table += ["", "| fault | down for | requests meanwhile | 503 with Retry-After | other 5xx or dropped | "
                      "failures went on after it returned | |", "| --- | --- | --- | --- | --- | --- | --- |"]
        table += [f"| {p['fault']} | {p['seconds']:.0f} s | {p['requests']:,} | {p['503_retry_after']:,} | "
                  f"{p['other_5xx_or_dropped']} | {p['recovery']:.1f} s (≤ 30 s) | {mark[p['ok']]} |" for p in phases]
    print("\n".join(table))
    for problem in verdict["problems"][:20]:
        print("problem:", problem)
    section = "faults" if args.faults else "load"
    title = ("`make faults`: PostgreSQL stopped, Redis shut down, WeChat and SMS hanging, under load"
             if args.faults else "`make load`: locust, a realistic mix")
    write_section(section, [
        f"## {title}", "",
        f"{began:%Y-%m-%d %H:%M} UTC, {args.users} users for {args.minutes:g} minutes on {machine(data['postgres'])}; gunicorn "
        f"{WORKERS} workers × {THREADS} threads, huey 4 threads, PostgreSQL and Redis on the same machine, locust too.", "",
        *table, "", "<details><summary>every request</summary>", "", "```", *lines, "```", "", "</details>"])
    passed = (all(load_ok.values()) if not args.faults else all(p["ok"] for p in phases)) \
        and not verdict["problems"] and verdict["audit_ok"] and verdict["unsigned"] > 0
    print(f"{'passed' if passed else 'FAILED'}; work files in {work}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
