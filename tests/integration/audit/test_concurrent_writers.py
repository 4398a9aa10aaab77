"""Concurrent audit writers, each committing its own transaction: the chain stays linear."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, select

from app import db
from app.audit.models import AuditEvent
from app.audit.services import chain_report, record
from app.db import session
from tests.conftest import on_postgres
from tests.factories import ROOT_ACTOR


def write_events(app, writer: int, count: int) -> None:
    try:
        for n in range(count):
            with app.app_context():
                record("config.change", actor=ROOT_ACTOR, detail={"writer": writer, "n": n})
                db.commit()
    finally:
        session.remove()


def test_concurrent_writers_keep_the_chain_linear(fresh_app):
    # SECURITY.md's figure on PostgreSQL; SQLite serializes writers anyway.
    writers, per_writer = (50, 200) if on_postgres() else (5, 20)
    # The chain head exists before the race: creating it is the next test's concern.
    write_events(fresh_app, 0, 1)
    started = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(lambda writer: write_events(fresh_app, writer, per_writer), range(1, writers + 1)))
    elapsed = time.perf_counter() - started
    total = writers * per_writer + 1
    print(f"\naudit chain: {writers} writers x {per_writer} events in {elapsed:.1f} s "
          f"({total / elapsed:.0f} events/s)")
    with fresh_app.app_context():
        seqs = session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        report = chain_report()
    assert seqs == list(range(1, total + 1))
    assert report["ok"] and report["events"] == total, report


def test_first_two_writers_on_an_empty_chain_both_commit(fresh_app):
    first_flushed = threading.Event()
    outcomes = {}

    def first():
        with fresh_app.app_context():
            record("config.change", actor=ROOT_ACTOR, detail={"writer": 1})
            session.flush()
            first_flushed.set()
            time.sleep(0.5)  # long enough for the second writer to be waiting on the chain head
            db.commit()

    def second():
        first_flushed.wait(5)
        with fresh_app.app_context():
            record("config.change", actor=ROOT_ACTOR, detail={"writer": 2})
            db.commit()

    def run(name, target):
        try:
            target()
            outcomes[name] = "committed"
        except Exception as exc:  # noqa: BLE001 — the outcome is what the test compares
            outcomes[name] = type(exc).__name__
        finally:
            session.remove()

    threads = [threading.Thread(target=run, args=(name, target)) for name, target in
               (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"first": "committed", "second": "committed"}
    with fresh_app.app_context():
        assert chain_report()["events"] == 2


def test_chain_verified_while_an_event_is_committed_is_reported_intact(fresh_app):
    write_events(fresh_app, 0, 3)
    engine = fresh_app.extensions["db_engine"]
    writer = threading.Thread(target=write_events, args=(fresh_app, 1, 1))

    def commit_an_event_meanwhile(_connection, _cursor, statement, *_args):
        if writer.ident is None and statement.startswith("SELECT") and "FROM audit_events" in statement:
            writer.start()
            writer.join(timeout=1)  # on SQLite the writer waits for the verifier's lock instead

    event.listen(engine, "before_cursor_execute", commit_an_event_meanwhile)
    try:
        with fresh_app.app_context():
            report = chain_report()
    finally:
        event.remove(engine, "before_cursor_execute", commit_an_event_meanwhile)
        writer.join()
    assert report["ok"], report["reason"]
    with fresh_app.app_context():
        assert chain_report()["events"] == 4
