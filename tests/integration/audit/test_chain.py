"""The audit hash chain on a real database: written in the caller's transaction, tampering named."""
import random

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEvent, AuditHead
from app.audit.services import chain_report, record
from tests.factories import ROOT_ACTOR

SIZE = 12
EDITS = [
    "action = 'auth.logout'", "result = 'denied'", "actor_id = 999", "object_id = 'x'",
    """detail = '{"n": -1}'""", f"hash = '{'f' * 64}'", f"prev_hash = '{'e' * 64}'",
]


def swap(a: int, b: int) -> list[str]:
    return [f"UPDATE audit_events SET seq = -1 WHERE seq = {a}",
            f"UPDATE audit_events SET seq = {a} WHERE seq = {b}",
            f"UPDATE audit_events SET seq = {b} WHERE seq = -1"]


def tamper(db, statements: list[str]) -> None:
    for statement in statements:
        db.execute(text(statement))


@pytest.fixture
def chain(db):
    events = [record("config.change", actor=ROOT_ACTOR, detail={"n": n}) for n in range(1, SIZE + 1)]
    db.commit()
    return events


def test_events_are_chained_in_order(chain, db):
    db.expire_all()
    assert [event.seq for event in chain] == list(range(1, SIZE + 1))
    assert all(event.prev_hash == before.hash for before, event in zip(chain, chain[1:]))
    assert db.get(AuditHead, 1).last_hash == chain[-1].hash
    assert chain_report() == {"ok": True, "events": SIZE, "first_broken_seq": None,
                              "first_broken_id": None, "reason": None}


def test_rolled_back_event_leaves_no_row_and_no_head_change(chain, db):
    record("config.change", actor=ROOT_ACTOR, detail={"n": "rolled back"})
    db.rollback()
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == SIZE
    head = db.get(AuditHead, 1)
    assert (head.seq, head.last_hash) == (SIZE, chain[-1].hash)
    assert chain_report()["ok"]


@pytest.mark.parametrize("statements, broken_seq", [
    (["""UPDATE audit_events SET detail = '{"n": 99}' WHERE seq = 3"""], 3),
    (["UPDATE audit_events SET action = 'auth.logout' WHERE seq = 2"], 2),
    (["DELETE FROM audit_events WHERE seq = 5"], 5),
    (swap(4, 9), 4),
    ([f"DELETE FROM audit_events WHERE seq = {SIZE}"], SIZE),
], ids=["edited-detail", "edited-action", "deleted-middle", "swapped", "deleted-last"])
def test_tampering_is_detected_at_the_first_broken_seq(chain, db, statements, broken_seq):
    tamper(db, statements)
    report = chain_report()
    assert not report["ok"]
    assert report["first_broken_seq"] == broken_seq, report


def test_random_edits_deletions_and_swaps_are_all_detected(chain, db):
    rng = random.Random(20261123)
    for _ in range(1000):
        a, b = sorted(rng.sample(range(1, SIZE + 1), 2))
        statements = rng.choice([
            [f"UPDATE audit_events SET {rng.choice(EDITS)} WHERE seq = {a}"],
            [f"DELETE FROM audit_events WHERE seq = {a}"],
            [f"DELETE FROM audit_events WHERE seq >= {a}"],
            swap(a, b),
        ])
        savepoint = db.begin_nested()
        tamper(db, statements)
        report = chain_report()
        savepoint.rollback()
        assert report["first_broken_seq"] == a, statements


def test_cli_verify_exits_0_on_an_intact_chain(app, chain):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert f"intact: {SIZE} events" in result.output


def test_cli_verify_exits_1_naming_the_first_broken_seq(app, chain, db):
    tamper(db, ["DELETE FROM audit_events WHERE seq = 7"])
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at seq 7" in result.output
