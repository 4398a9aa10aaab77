"""The caseworker queue and the dashboard against the number of open cases, beside floors measured in the same run.

Usage: .venv/bin/python -m bench.bench_review [--cases 20000] [--requests 30] [--seed 20261204] \\
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/shjz_bench_review]
       (BENCH_DATABASE_URL works too; PostgreSQL only)

Data: the demo division tree, standards and staff, then --cases submitted applications spread over
the villages of 段家镇 (610324106000, in 扶风县), each waiting in checking, village_review,
township_confirmation or district_filing, submitted over the last 60 days (the national limit is
25 working days, so some are overdue and some due soon). Each has the events of the road it took
(3–6 events, every from/to pair a row of workflow_transitions); about 5% were returned once at a
review stage and resubmitted days later (3 events more, and a paused clock). Households of 1–4 members are frozen into the encrypted snapshot
the queue reads the applicant's name from. Rows go in by COPY, personal values encrypted by the
columns' own types under fixed bench keys. A marker table remembers the seed and count: a rerun
with the same ones reuses the data; anything else drops the schema and builds it again.

Measured through gunicorn (2 workers), one request at a time over a keep-alive connection, with
real access tokens of the demo township worker of 段家镇 and district worker of 扶风县: p50/p95 over
--requests requests (after 2 warm-up requests each) of GET /healthz (the no-op floor), a raw SQL
first page of the queue on a connection of its own (the database floor), the queue's first page at
both levels, its overdue and due-soon filters, the dashboard and its stage chart.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta

os.environ.setdefault("JOB_BACKEND", "immediate")

import psycopg  # noqa: E402
from sqlalchemy import func, inspect, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from bench.postgres import copy_rows, create_database, libpq, reset_sequences  # noqa: E402
from bench.results import record  # noqa: E402
from bench.serve import Client, gunicorn  # noqa: E402
from app.applications.domain import STAGE_ROLE, STAGE_TEXT, Status, allowed_pairs  # noqa: E402
from app.applications.models import Application, CommitmentText  # noqa: E402
from app.cli import upgrade_database  # noqa: E402
from app.common.actor import Actor  # noqa: E402
from app.common.clock import utcnow  # noqa: E402
from app.common.regions import scope_prefix  # noqa: E402
from app.db import session  # noqa: E402
from app.demo import STAFF, load_regions, load_standards  # noqa: E402
from app.identity import staff  # noqa: E402
from app.identity.models import Account  # noqa: E402
from app.identity.services import id_number_index, issue_session, phone_index  # noqa: E402
from app.review.domain import OUTCOME_TEXT, STEP_TEXT  # noqa: E402
from app.stats.domain import OPEN_STAGES  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/shjz_bench_review"
# Databases of the test suite and of the other benches: this one must never drop their schema.
OTHERS = {"postgres", "test", "test_a", "test_b", "test_lead", "shjz_bench_checks", "shjz_bench_import"}
SEED = 20261204
PORT = 5096
FUFENG, DUANJIA = "610324000000", "610324106000"
QUEUE_STAGES = (Status.CHECKING, Status.VILLAGE_REVIEW, Status.TOWNSHIP_CONFIRMATION, Status.DISTRICT_FILING)
STATUS_WEIGHTS = (20, 35, 25, 20)
TYPES = (("dibao_rural", 70), ("tekun", 10), ("low_income", 10), ("temporary", 10))
RETURNED_SHARE = 0.05
PASSWORD = "Bench-Review-Queue-2026!"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余杜叶程苏魏吕丁任沈姚卢段"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志海燕红梅玉文博涵浩然欣怡宇轩俊"


def _bench_key(purpose: str) -> str:
    return base64.b64encode(hashlib.sha256(f"shjz bench_review {purpose}".encode()).digest()).decode()


# Fixed keys for a benchmark database (never for real data): a rerun must decrypt what an earlier run wrote.
BENCH_KEYS = {"DATA_KEYS": f"bench1:{_bench_key('data')}", "BLIND_INDEX_KEY": _bench_key("blind index")}


def make_app(url: str):
    instance = tempfile.mkdtemp(prefix="shjz-bench-review-")
    # A queue request at 20,000 cases takes a second or more: sessions must outlive the whole run.
    return create_app({"APP_ENV": "test", "INSTANCE_PATH": instance, "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                       "SMS_BACKEND": "memory", "RATELIMIT_ENABLED": False, "ACCESS_TOKEN_TTL": 6 * 3600,
                       "STAFF_IDLE_TIMEOUT": 6 * 3600, **BENCH_KEYS})


def ensure_database(url: str) -> None:
    name = make_url(url).database
    if name in OTHERS:
        raise SystemExit(f"{name} belongs to the tests or another bench; choose a database of this bench's own")
    create_database(url)


# Synthetic cases ------------------------------------------------------------------------------

def id_number(rng: random.Random, first_year: int, last_year: int, serials: dict) -> str:
    """A valid resident ID number (GB 11643 check digit), distinct within the run."""
    born = date(first_year, 1, 1) + timedelta(days=rng.randrange((date(last_year, 12, 31) - date(first_year, 1, 1)).days))
    serial = serials[born] = serials.get(born, 0) + 1
    body = f"610324{born:%Y%m%d}{serial % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def household(rng: random.Random, village: str, phone: str, serials: dict) -> list[dict]:
    """1–4 members as submit_application freezes them: the applicant, a spouse, a child, a parent."""
    size = rng.choices((1, 2, 3, 4), (30, 30, 25, 15))[0]
    surname = rng.choice(SURNAMES)
    plan = [("self", 1950, 1990), ("spouse", 1950, 1990), ("child", 2008, 2020), ("parent", 1935, 1955)][:size]
    members = []
    for index, (relation, first, last) in enumerate(plan):
        minor = relation == "child"
        members.append({
            "index": index, "name": surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            "id_number": id_number(rng, first, last, serials), "phone": phone if index == 0 else None,
            "relation": relation, "lives_together": True, "hukou_type": "rural", "hukou_region_code": village,
            "disability_grade": None, "serious_illness": rng.random() < 0.1,
            "employment": "student" if minor else rng.choice(("farming", "farming", "unemployed", "retired")),
            "capacity": "full", "guardian_member_index": 0 if minor else None})
    return members


def road(rng: random.Random, status: Status, returned: bool, submitted, now) -> tuple[list[tuple], Status | None]:
    """The case's events (kind, from, to, role, text, at) up to `status`, and the stage that returned it, if any."""
    steps = [("all_signed", Status.AUTHORIZING, Status.CHECKING, "system", STAGE_TEXT[Status.CHECKING])]
    stages = list(QUEUE_STAGES[1:QUEUE_STAGES.index(status) + 1])
    if stages:
        steps.append(("check_done", Status.CHECKING, Status.VILLAGE_REVIEW, "system", STAGE_TEXT[Status.VILLAGE_REVIEW]))
    for stage, following in zip(stages, stages[1:]):
        steps.append(("approve", stage, following, STAGE_ROLE[stage], f"{STEP_TEXT[stage]}：{OUTCOME_TEXT['approve']}"))
    returned_from = rng.choice(stages) if returned else None
    if returned_from:
        position = 1 + next(i for i, step in enumerate(steps) if step[2] == returned_from)
        steps[position:position] = [
            ("return", returned_from, Status.RETURNED, STAGE_ROLE[returned_from],
             f"{STEP_TEXT[returned_from]}：{OUTCOME_TEXT['return']}（请补充近三个月的收入证明）"),
            ("resubmit", Status.RETURNED, Status.RESUBMITTED, "applicant", "已补充材料并重新提交"),
            ("resume", Status.RESUBMITTED, returned_from, "system", STAGE_TEXT[returned_from])]
    # Random gaps scaled into the time since submission; the applicant takes longest (a pause of days).
    gaps = [rng.uniform(0.2, 1.0) * (4 if step[0] == "resubmit" else 1) for step in steps]
    scale = ((now - submitted).total_seconds() - 120) * rng.uniform(0.6, 1.0) / sum(gaps)
    at, moments = submitted + timedelta(seconds=60), []
    for gap in gaps:
        at += timedelta(seconds=gap * scale)
        moments.append(at)
    events = [("submit", Status.DRAFT, Status.SUBMITTED, "applicant", "已提交申请，已确认告知承诺", submitted),
              ("open_authorization", Status.SUBMITTED, Status.AUTHORIZING, "system", "等待家庭成员授权",
               submitted + timedelta(seconds=1))]
    return events + [(*step, at) for step, at in zip(steps, moments)], returned_from


def write_cases(cases: int, seed: int, dialect) -> dict[str, int]:
    """Applicants, households, members, applications and their events, by COPY in the session's transaction."""
    rng = random.Random(seed)
    villages = list(session.scalars(text("SELECT code FROM regions WHERE parent_code = :town ORDER BY code"),
                                    {"town": DUANJIA}))
    commitment = session.scalar(select(CommitmentText).where(CommitmentText.version == "2026-01"))
    # Exactly what the ORM would store: each value through its column's own type.
    encrypt = Application.__table__.c.snapshot.type.process_bind_param
    allowed = allowed_pairs()
    now = utcnow()
    base = {table: session.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))
            for table in ("accounts", "households", "applications")}
    accounts, households, members, applications, events = [], [], [], [], []
    serials: dict = {}
    kinds, weights = zip(*TYPES)
    returned = 0
    for i in range(1, cases + 1):
        account_id, household_id, application_id = (base["accounts"] + i, base["households"] + i,
                                                     base["applications"] + i)
        village, phone = rng.choice(villages), f"139{i:08d}"
        accounts.append((account_id, "applicant", encrypt(phone, dialect), phone_index(phone), True, now, now, 1))
        households.append((household_id, account_id, now, now))
        people = household(rng, village, phone, serials)
        for m in people:
            members.append((household_id, m["index"], encrypt(m["name"], dialect), encrypt(m["id_number"], dialect),
                            id_number_index(m["id_number"]), m["phone"] and encrypt(m["phone"], dialect),
                            m["phone"] and phone_index(m["phone"]), m["relation"], True, "rural", village, None,
                            m["serious_illness"], m["employment"], "full", m["guardian_member_index"]))
        kind = rng.choices(kinds, weights)[0]
        requested = f"{rng.randrange(8, 40) * 100}.00" if kind == "temporary" else None
        declared = {"incomes": [{"member_index": 0, "kind": "other", "monthly_amount": f"{rng.randrange(0, 500)}.00"}]}
        snapshot = {"members": people, "declared": declared, "documents": [],
                    "commitment": {"version": commitment.version, "sha256": commitment.sha256}}
        # A return happens at a review stage, after which the applicant needs days: such cases are older.
        returned_case = rng.random() < RETURNED_SHARE
        status = rng.choices(QUEUE_STAGES[1:] if returned_case else QUEUE_STAGES,
                             STATUS_WEIGHTS[1:] if returned_case else STATUS_WEIGHTS)[0]
        submitted = now - timedelta(seconds=rng.uniform(10 * 86400 if returned_case else 3600, 60 * 86400))
        road_events, returned_from = road(rng, status, returned_case, submitted, now)
        returned += returned_from is not None
        applications.append((
            application_id, household_id, account_id, kind, "expenditure" if requested else None, requested, village,
            encrypt("因病致贫，无力维持基本生活", dialect), encrypt(json.dumps(declared, ensure_ascii=False), dialect),
            status.value, encrypt(json.dumps(snapshot, ensure_ascii=False), dialect), commitment.version,
            commitment.sha256, submitted, submitted, returned_from and returned_from.value, "standard",
            submitted - timedelta(days=1), road_events[-1][-1], len(road_events)))
        for event_kind, before, after, role, words, at in road_events:
            assert (before.value, after.value) in allowed, (before, after)
            events.append((application_id, at, event_kind, before.value, after.value, role, words))
    cursor = session.connection().connection.driver_connection.cursor()
    copy_rows(cursor, "accounts", ("id", "role", "phone", "phone_index", "active", "created_at", "updated_at", "version"),
          accounts)
    copy_rows(cursor, "households", ("id", "owner_account_id", "created_at", "updated_at"), households)
    copy_rows(cursor, "household_members",
          ("household_id", "position", "name", "id_number", "id_number_index", "phone", "phone_index", "relation",
           "lives_together", "hukou_type", "hukou_region_code", "disability_grade", "serious_illness", "employment",
           "capacity", "guardian_position"), members)
    copy_rows(cursor, "applications",
          ("id", "household_id", "applicant_account_id", "assistance_type", "temporary_kind", "requested_amount",
           "region_code", "reason", "declared", "status", "snapshot", "commitment_version", "commitment_sha256",
           "commitment_accepted_at", "submitted_at", "returned_from", "review_path", "created_at", "updated_at",
           "version"), applications)
    copy_rows(cursor, "application_events",
          ("application_id", "occurred_at", "kind", "from_status", "to_status", "actor_role", "text"), events)
    cursor.close()
    reset_sequences(session, ("accounts", "households", "applications"))
    return {"applications": len(applications), "events": len(events), "members": len(members), "returned": returned}


def reference_data(app) -> None:
    """The demo tree, the 宝鸡市 standards and the demo staff (fixed password: nobody logs in with it)."""
    load_regions()
    load_standards()
    creator = Actor(role="system", region_code="610000000000")
    for username, display_name, role, region in STAFF:
        staff.create_staff(username=username, display_name=display_name, role=role, region_code=region,
                           password=PASSWORD, actor=creator, policy=app.extensions["auth_policy"])
    session.commit()


def prepare(app, cases: int, seed: int) -> str:
    """Reuse the data of an earlier run with the same seed and count, or build it afresh; what was done."""
    engine = app.extensions["db_engine"]
    with engine.connect() as connection:
        marker = connection.execute(text("SELECT seed, cases, generated_at FROM bench_review_data")).one_or_none() \
            if inspect(connection).has_table("bench_review_data") else None
    if marker and (marker.seed, marker.cases) == (seed, cases):
        upgrade_database(engine)
        return f"reused the data generated at {marker.generated_at:%Y-%m-%d %H:%M %Z} (seed {seed}, {cases} cases)"
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade_database(engine)
    with app.app_context():
        reference_data(app)
        counts = write_cases(cases, seed, engine.dialect)
        session.execute(text("CREATE TABLE bench_review_data (seed integer, cases integer, generated_at timestamptz)"))
        session.execute(text("INSERT INTO bench_review_data VALUES (:seed, :cases, now())"),
                        {"seed": seed, "cases": cases})
        session.commit()
        session.remove()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    return f"generated {json.dumps(counts)} in {time.perf_counter() - started:.1f} s (seed {seed})"


# Measuring -----------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def timed(call, n: int, warm_up: int = 2) -> tuple[float, float, object]:
    """p50 and p95 in ms of n calls after the warm-up ones, and the last call's result."""
    for _ in range(warm_up):
        call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
    return percentile(samples, 0.5) * 1000, percentile(samples, 0.95) * 1000, result


def get(client: Client, path: str, headers: dict | None = None):
    def call():
        answer = client.get(path, headers)
        if answer.status != 200:
            raise SystemExit(f"GET {path} answered {answer.status}: {answer.body[:300]!r}")
        return answer
    return call


def tokens(app) -> dict[str, dict]:
    """Bearer headers of the demo township worker of 段家镇 and district worker of 扶风县."""
    headers = {}
    with app.app_context():
        for username in ("township.duanjia", "district.fufeng"):
            account = session.scalar(select(Account).where(Account.username == username))
            pair = issue_session(account, method="bench", policy=app.extensions["auth_policy"],
                                 signer=app.extensions["tokens"])
            headers[account.role] = {"Authorization": f"Bearer {pair.access_token}"}
        session.commit()
        session.remove()
    return headers


def open_cases(app, region_code: str) -> int:
    with app.app_context():
        count = session.scalar(select(func.count()).select_from(Application).where(
            Application.region_code.startswith(scope_prefix(region_code)),
            Application.status.in_([s.value for s in OPEN_STAGES])))
        session.remove()
    return count


def served_env(app) -> dict:
    """gunicorn's environment: the same database, keys (and instance folder, where the token keys are)."""
    config = app.config
    return os.environ | {**BENCH_KEYS, "DATABASE_URL": config["DATABASE_URL"], "INSTANCE_PATH": config["INSTANCE_PATH"],
                         "APP_ENV": "development", "LOG_LEVEL": "WARNING", "SMS_BACKEND": "memory",
                         "RATELIMIT_ENABLED": "0", "ACCESS_TOKEN_TTL": str(6 * 3600),
                         "STAFF_IDLE_TIMEOUT": str(6 * 3600), "JOB_BACKEND": "immediate"}


def measure(client: Client, n: int, queue: str, township: dict, district: dict, in_town: int, in_county: int,
            raw) -> list[tuple]:
    return [
        ("GET /healthz (floor)", None, timed(get(client, "/healthz"), n)),
        ("raw SQL: the queue's first 20 rows in the township (floor)", in_town, raw),
        (f"{queue}  township", in_town, timed(get(client, queue, township), n)),
        (f"{queue}  district", in_county, timed(get(client, queue, district), n)),
        (f"{queue}&overdue=true  township", in_town, timed(get(client, queue + "&overdue=true", township), n)),
        (f"{queue}&due_within=3  township", in_town, timed(get(client, queue + "&due_within=3", township), n)),
        ("/api/v1/staff/stats  district", in_county, timed(get(client, "/api/v1/staff/stats", district), n)),
        ("/api/v1/staff/stats/chart.png?chart=stages  district", in_county,
         timed(get(client, "/api/v1/staff/stats/chart.png?chart=stages", district), n)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    assert args.database_url.startswith("postgresql"), "this benchmark is for PostgreSQL"
    print("command:", " ".join([os.path.relpath(sys.executable), "-m", "bench.bench_review", *sys.argv[1:]]))
    ensure_database(args.database_url)
    app = make_app(args.database_url)
    done = prepare(app, args.cases, args.seed)
    print(done)
    headers = tokens(app)
    township, district = headers["township_worker"], headers["district_worker"]
    in_town, in_county = open_cases(app, DUANJIA), open_cases(app, FUFENG)
    statuses = ", ".join(f"'{s.value}'" for s in QUEUE_STAGES)
    floor_sql = (f"SELECT id, submitted_at FROM applications WHERE region_code LIKE '{DUANJIA[:9]}%' "
                 f"AND status IN ({statuses}) ORDER BY submitted_at LIMIT 20")
    with psycopg.connect(libpq(args.database_url), autocommit=True) as connection:
        cursor = connection.cursor()
        raw = timed(lambda: cursor.execute(floor_sql).fetchall(), args.requests)
    n = args.requests
    queue = "/api/v1/staff/cases?page_size=20"
    with gunicorn(PORT, served_env(app)):
        rows = measure(Client(PORT), n, queue, township, district, in_town, in_county, raw)
    healthz, sql = rows[0][2][0], rows[1][2][0]

    print(f"requests={n} (p50/p95 over them, after 2 warm-up each); open cases: 段家镇 {in_town}, 扶风县 {in_county}")
    print(f"{'path':62} {'p50 ms':>8} {'p95 ms':>8} {'÷ healthz':>10} {'÷ SQL':>8} {'open':>6} {'matched':>8}")
    for name, scope, (p50, p95, result) in rows:
        matched = ""
        if isinstance(result, list):
            matched = len(result)
        elif result.headers.get("X-Pagination"):
            matched = json.loads(result.headers["X-Pagination"])["total"]
        elif result.json and "open" in result.json:
            matched = result.json["open"]["total"]
        print(f"{name:62} {p50:8.2f} {p95:8.2f} {p50 / healthz:10.1f} {p50 / sql:8.1f} "
              f"{scope if scope is not None else '':>6} {matched:>8}")
        if name.startswith("/api"):
            record("review", f"{' '.join(name.split())}, p95, {scope:,} open cases", p95, "ms",
                   floor="raw SQL first page, p95", floor_value=rows[1][2][1])


if __name__ == "__main__":
    main()
