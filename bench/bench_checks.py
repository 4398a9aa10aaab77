"""Checks on 100,000 enrolled households and 1,000,000 department records, beside raw lookups (the floors).

Usage: .venv/bin/python -m bench.gen_verification_data          (once: builds the database, ~3 min)
       .venv/bin/python -m bench.bench_checks [--singles 300] [--households N] [--chunk 200] \\
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/shjz_bench_checks]

(a) A household of four checked as the API and the job do it: request_check in one transaction,
    then start_check and run_check in one transaction each (no PDF); p50/p95 over --singles
    households. Floor: the same department lookups as one raw SQL query per household
    (department_records by id_number_index = ANY(the members' indexes)), interleaved with the checks.
(b) The periodic re-check of 扶风县's enrolled dibao_rural households: request_batch, then
    run_batch_chunk one transaction per chunk as app.jobs.run_batch does (--households N stops
    after N). Households per second, and the peak resident memory of this process
    (getrusage ru_maxrss, a high-water mark over the whole run, (a) and the floors included).
    Floor: the raw query per household over the same households, measured just before.
Targets: (a) p95 ≤ 50 ms; (b) ≥ 500 households/s with peak RSS ≤ 500 MB.
Checks, reports, lookups and batches of an earlier run are removed first (TRUNCATE).
"""
import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time

os.environ.setdefault("JOB_BACKEND", "immediate")

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.results import record  # noqa: E402
from app.checks import services as checks  # noqa: E402
from app.common.actor import Actor  # noqa: E402
from app.db import session, transaction  # noqa: E402
from bench.gen_verification_data import DEFAULT_URL, FUFENG, make_app  # noqa: E402

SYSTEM = Actor(role="system")
LOOKUP = ("SELECT id, kind, id_number_index, fields, import_id, as_of FROM department_records "
          "WHERE id_number_index = ANY(%s)")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def ms(values: list[float], share: float) -> float:
    return percentile(values, share) * 1000


def members_of(application_ids: list[int]) -> dict[int, list[str]]:
    """Application → its members' blind indexes (what both the check and the floor look up)."""
    rows = session.execute(text(
        "SELECT a.id, m.id_number_index FROM applications a JOIN household_members m ON m.household_id = a.household_id "
        "WHERE a.id = ANY(:ids) ORDER BY a.id, m.position"), {"ids": application_ids})
    out: dict[int, list[str]] = {}
    for application_id, index in rows:
        out.setdefault(application_id, []).append(index)
    return out


def floor_connection(app) -> psycopg.Connection:
    """A connection of its own for the raw queries, in autocommit, outside the session and its pool."""
    url = app.extensions["db_engine"].url.set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def raw_lookup(cursor, indexes: list[str]) -> float:
    started = time.perf_counter()
    cursor.execute(LOOKUP, (indexes,))
    cursor.fetchall()
    return time.perf_counter() - started


def single_checks(app, officer: Actor, count: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """(request, start + run, total, floor) seconds per household of four."""
    live = app.extensions["department_sources"]
    ids = list(session.scalars(text(
        "SELECT a.id FROM applications a JOIN household_members m ON m.household_id = a.household_id "
        "GROUP BY a.id HAVING count(*) = 4 ORDER BY a.id LIMIT :n"), {"n": count + 10}))
    indexes = members_of(ids)
    session.commit()
    connection = floor_connection(app)
    cursor = connection.cursor()
    requests, runs, floor = [], [], []
    for number, application_id in enumerate(ids):
        lookup = raw_lookup(cursor, indexes[application_id])
        started = time.perf_counter()
        check = checks.request_check(application_id, "application", actor=officer)
        session.info.pop("after_commit", None)   # the bench plays the job itself, below
        session.commit()
        requested = time.perf_counter()
        with transaction():
            checks.start_check(check.id)
        with transaction():
            done = checks.run_check(check.id, actor=SYSTEM, live_sources=live)
        finished = time.perf_counter()
        assert done.status == "done", done.status
        if number >= 10:   # the first ten warm up connections, caches and compiled statements
            requests.append(requested - started)
            runs.append(finished - requested)
            floor.append(lookup)
    connection.close()
    session.remove()
    return requests, runs, [a + b for a, b in zip(requests, runs)], floor


def batch_floor(app, limit: int | None) -> tuple[int, float]:
    """The raw lookup query once per enrolled household, in the batch's order: (households, seconds)."""
    ids = list(session.scalars(text(
        "SELECT id FROM applications WHERE region_code LIKE :prefix AND status = 'approved' "
        "AND assistance_type = 'dibao_rural' ORDER BY id" + (" LIMIT :n" if limit else "")),
        {"prefix": FUFENG[:6] + "%", "n": limit}))
    connection = floor_connection(app)
    cursor = connection.cursor()
    elapsed = 0.0
    for start in range(0, len(ids), 1000):
        indexes = members_of(ids[start:start + 1000])
        elapsed += sum(raw_lookup(cursor, indexes[i]) for i in ids[start:start + 1000])
    connection.close()
    session.remove()
    return len(ids), elapsed


def periodic_batch(app, officer: Actor, limit: int | None, chunk: int) -> tuple[int, float, dict]:
    """request_batch, then the chunk loop of app.jobs.run_batch: (households done, seconds, summary counts)."""
    live = app.extensions["department_sources"]
    batch = checks.request_batch(FUFENG, "dibao_rural", actor=officer)
    session.info.pop("after_commit", None)
    session.commit()
    started = time.perf_counter()
    gc.freeze()   # as app.jobs.run_batch does
    finished = False
    while not finished and not (limit and batch.done >= limit):
        with transaction():
            finished = checks.run_batch_chunk(batch.id, actor=SYSTEM, live_sources=live, chunk=chunk)
            batch = checks.get_batch(batch.id, actor=officer)
    elapsed = time.perf_counter() - started
    summary = {k: v for k, v in json.loads(batch.summary or "{}").items() if isinstance(v, int)}
    session.remove()
    return batch.done, elapsed, summary


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--singles", type=int, default=300, help="households of four checked one by one")
    parser.add_argument("--households", type=int, default=None, help="stop the batch after N households")
    parser.add_argument("--chunk", type=int, default=checks.BATCH_CHUNK)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    print("command:", " ".join([os.path.relpath(sys.executable), "-m", "bench.bench_checks", *sys.argv[1:]]))
    app = make_app(args.database_url)
    with app.app_context():
        session.execute(text("TRUNCATE check_lookups, check_reports, checks, check_batches CASCADE"))
        officer_id = session.scalar(text("SELECT id FROM accounts WHERE username = 'bench.checker'"))
        records = session.scalar(text("SELECT count(*) FROM department_records"))
        enrolled = session.scalar(text("SELECT count(*) FROM applications WHERE status = 'approved'"))
        session.commit()
        officer = Actor(account_id=officer_id, role="verification_officer", region_code=FUFENG)
        print(f"database: {records} department records, {enrolled} enrolled households")

        requests, runs, totals, floor = single_checks(app, officer, args.singles)
        print(f"\n(a) single check, household of four, {len(totals)} checks (after 10 warm-up)")
        print(f"{'':58} {'p50 ms':>8} {'p95 ms':>8}")
        print(f"{'raw lookup query per household (floor)':58} {ms(floor, .5):8.2f} {ms(floor, .95):8.2f}")
        print(f"{'request_check (1 transaction)':58} {ms(requests, .5):8.2f} {ms(requests, .95):8.2f}")
        print(f"{'start_check + run_check (2 transactions, as the job)':58} {ms(runs, .5):8.2f} {ms(runs, .95):8.2f}")
        print(f"{'request + start + run':58} {ms(totals, .5):8.2f} {ms(totals, .95):8.2f}")
        record("checks", "single check, household of four, p95", ms(totals, .95), "ms",
               floor="raw lookup per household, p95", floor_value=ms(floor, .95), target="≤ 50 ms",
               met=ms(totals, .95) <= 50)
        print(f"check ÷ floor (p50): {statistics.median(totals) / statistics.median(floor):.1f}x; "
              f"target p95 ≤ 50 ms: {'met' if ms(totals, .95) <= 50 else 'NOT met'}")

        floor_households, floor_seconds = batch_floor(app, args.households)
        before = rss_mb()
        done, seconds, summary = periodic_batch(app, officer, args.households, args.chunk)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate, floor_rate = done / seconds, floor_households / floor_seconds
        print(f"\n(b) periodic re-check of {FUFENG} dibao_rural, chunk {args.chunk}: {done} households")
        print(f"{'':58} {'seconds':>8} {'hh/s':>8}")
        print(f"{'raw lookup query per household (floor)':58} {floor_seconds:8.1f} {floor_rate:8.0f}")
        print(f"{'request_batch + run_batch_chunk loop (as the job)':58} {seconds:8.1f} {rate:8.0f}")
        print(f"batch ÷ floor (rate): {rate / floor_rate:.2f}; outcomes {summary}")
        print(f"memory: RSS {before:.0f} MB when the batch started; peak RSS of the process (ru_maxrss) {peak:.0f} MB")
        record("checks", f"periodic re-check, {done:,} households", rate, "households/s",
               floor="raw lookup per household", floor_value=floor_rate, target="≥ 500/s", met=rate >= 500)
        record("checks", "periodic re-check, peak RSS", peak, "MB", target="≤ 500 MB", met=peak <= 500)
        print(f"targets: ≥ 500 households/s {'met' if rate >= 500 else 'NOT met'}; "
              f"peak RSS ≤ 500 MB {'met' if peak <= 500 else 'NOT met'}")


if __name__ == "__main__":
    main()
