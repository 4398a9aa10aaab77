"""Periodic re-checks on a real database: a chunk's households loaded, queried and stored together,
each lookup logged with its consent, a failed chunk resumed at the cursor, one audit event a chunk."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.authorizations.models import Authorization, Signature
from app.checks import services as checks
from app.checks.models import Check, CheckBatch, CheckLookup, CheckReport
from app.common.actor import Actor
from app.datasources.services import import_file
from tests.factories import FUFENG
from tests.integration.checks.conftest import id_number

SYSTEM = Actor(role="system")


def start_batch(db, officer) -> int:
    batch = checks.request_batch(FUFENG, "dibao_rural", actor=officer)
    db.info.pop("after_commit", None)   # the test runs the chunks itself
    db.commit()
    return batch.id


def run_chunks(db, batch_id, *, chunk=2, live_sources=None) -> int:
    """The loop of app.jobs.run_batch, a commit per chunk; the number of chunks run."""
    chunks = 0
    while True:
        chunks += 1
        finished = checks.run_batch_chunk(batch_id, actor=SYSTEM, chunk=chunk, live_sources=live_sources)
        db.commit()
        if finished:
            return chunks


def report(db, check_id) -> dict:
    return json.loads(db.scalar(select(CheckReport.content).where(CheckReport.check_id == check_id)))


def test_a_chunk_that_fails_leaves_nothing_and_the_retry_resumes_at_the_cursor(db, officer, enrolled, monkeypatch):
    applications = [enrolled() for _ in range(5)]
    batch_id = start_batch(db, officer)
    assert not checks.run_batch_chunk(batch_id, actor=SYSTEM, chunk=2)
    db.commit()

    def crash(*_args, **_kwargs):
        raise RuntimeError("the worker died while storing")
    monkeypatch.setattr(checks, "store_results", crash)
    with pytest.raises(RuntimeError):
        checks.run_batch_chunk(batch_id, actor=SYSTEM, chunk=2)
    db.rollback()
    monkeypatch.undo()
    assert db.get(CheckBatch, batch_id).cursor == applications[1]

    run_chunks(db, batch_id)
    checked = db.scalars(select(Check.application_id).where(Check.batch_id == batch_id)).all()
    assert sorted(checked) == applications   # each household once: none skipped, none twice
    batch = db.get(CheckBatch, batch_id)
    assert (batch.status, batch.done, batch.total, batch.cursor) == ("done", 5, 5, applications[-1])
    assert sum(v for v in json.loads(batch.summary).values() if isinstance(v, int)) == 5
    assert db.scalar(select(func.count()).select_from(CheckReport).join(Check).where(Check.batch_id == batch_id)) == 5


def test_every_record_a_chunk_reads_is_logged_with_the_members_authorization_and_signature(
        db, officer, enrolled, deposits):
    # The second person belongs to two households: looked up for both, each under its own consent.
    shared, first, third = id_number(901), id_number(902), id_number(903)
    one = enrolled([first, shared])
    two = enrolled([third, shared])
    deposits({first: "1200.00", shared: "300000.00", third: "50.00"})
    batch_id = start_batch(db, officer)
    run_chunks(db, batch_id, chunk=10)

    for application_id in (one, two):
        check = db.scalar(select(Check).where(Check.batch_id == batch_id, Check.application_id == application_id))
        content = report(db, check.id)
        assert content["check_id"] == check.id and content["purpose"] == "periodic"
        assert sorted(r["member_index"] for r in content["records"]) == [0, 1]
        assert check.outcome == content["assessment"]["outcome"] and check.status == "done"
        lookups = db.scalars(select(CheckLookup).where(CheckLookup.check_id == check.id)).all()
        assert len(lookups) == len(content["records"]) == 2
        for lookup in lookups:
            authorization = db.scalar(select(Authorization).where(
                Authorization.application_id == application_id,
                Authorization.member_position == lookup.member_position))
            signature = db.scalar(select(Signature).where(Signature.authorization_id == authorization.id))
            assert (lookup.authorization_id, lookup.signature_id) == (authorization.id, signature.id)
            assert lookup.source == "import" and lookup.record_id is not None and lookup.kind == "bank_deposits"
    shared_check = db.scalar(select(Check).where(Check.batch_id == batch_id, Check.application_id == one))
    deposit = next(c for c in report(db, shared_check.id)["comparisons"] if c["item"] == "deposit")
    assert deposit["verified"] == "301200.00"   # both members' deposits


def test_a_lapsed_household_is_listed_untouched_and_the_chunk_is_audited_once(db, officer, enrolled):
    checked_first = enrolled()
    lapsed = enrolled(expires_in=timedelta(days=-1))
    checked_last = enrolled()
    batch_id = start_batch(db, officer)
    before = db.scalar(select(func.count()).select_from(AuditEvent))
    assert run_chunks(db, batch_id, chunk=3) == 2   # three households, then an empty chunk that finishes

    batch = db.get(CheckBatch, batch_id)
    summary = json.loads(batch.summary)
    assert summary["authorization_expired"] == 1 and summary["consent_lapsed_applications"] == [lapsed]
    assert sorted(db.scalars(select(Check.application_id).where(Check.batch_id == batch_id))) == [checked_first,
                                                                                                  checked_last]
    assert [a.status for a in db.scalars(select(Authorization).where(Authorization.application_id == lapsed))] \
        == ["confirmed"]
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "check.batch_chunk")).all()
    assert len(events) == 1
    assert events[0].object_id == str(batch_id) and events[0].detail["batch_id"] == batch_id
    assert events[0].detail["application_ids"] == [checked_first, checked_last]
    assert events[0].detail["consent_lapsed_applications"] == [lapsed] and events[0].detail["checked"] == 2
    assert db.scalar(select(func.count()).select_from(AuditEvent)) - before == 2   # the chunk, the batch's end
    assert not db.scalars(select(AuditEvent).where(AuditEvent.action == "check.run")).all()


class FakeDepartment:
    """A live source answering from a dict, counting its calls."""

    def __init__(self, records: dict[str, list[dict]]):
        self.records, self.calls = records, []

    def lookup(self, id_numbers: list[str]) -> dict[str, list[dict]]:
        self.calls.append(sorted(id_numbers))
        return {number: self.records.get(number, []) for number in id_numbers}


def test_a_live_department_is_asked_once_a_chunk_for_all_its_members(db, officer, enrolled):
    people = [[id_number(911), id_number(912)], [id_number(913)], [id_number(914)]]
    applications = [enrolled(numbers) for numbers in people]
    department = FakeDepartment({id_number(912): [{"benefit_type": "dibao_rural", "monthly_amount": "630.00",
                                                   "since": "2024-01-01"}]})
    batch_id = start_batch(db, officer)
    run_chunks(db, batch_id, chunk=10, live_sources={"civil_affairs": department})

    assert department.calls == [sorted(n for numbers in people for n in numbers)]
    check = db.scalar(select(Check).where(Check.batch_id == batch_id, Check.application_id == applications[0]))
    [lookup] = db.scalars(select(CheckLookup).where(CheckLookup.check_id == check.id)).all()
    assert (lookup.kind, lookup.source, lookup.record_id, lookup.member_position) == ("civil_affairs", "live", None, 1)
    assert [(r["member_index"], r["kind"]) for r in report(db, check.id)["records"]] == [(1, "civil_affairs")]
    others = db.scalars(select(Check.id).where(Check.batch_id == batch_id, Check.id != check.id)).all()
    assert db.scalar(select(func.count()).select_from(CheckLookup).where(CheckLookup.check_id.in_(others))) == 0


def test_a_single_check_and_a_batch_report_the_same_records_and_comparisons(db, officer, enrolled, deposits):
    number = id_number(921)
    application_id = enrolled([number])
    deposits({number: "8000.00"})
    import_file("hukou", f"id_number,name,birth_date,hukou_region_code,household_no,relation_to_head\n"
                         f"{number},张三,{number[6:10]}-{number[10:12]}-{number[12:14]},610324106201,A1,head\n".encode(),
                actor=SYSTEM)
    single = checks.request_check(application_id, "application", actor=officer)
    db.info.pop("after_commit", None)
    checks.run_check(single.id, actor=SYSTEM)
    db.commit()
    batch_id = start_batch(db, officer)
    run_chunks(db, batch_id)
    periodic = db.scalar(select(Check).where(Check.batch_id == batch_id))

    alone, in_batch = report(db, single.id), report(db, periodic.id)
    for key in ("records", "comparisons", "members", "sources", "consistency"):
        assert alone[key] == in_batch[key], key
    assert {r["kind"] for r in alone["records"]} == {"bank_deposits", "hukou"}
    assert len(db.scalars(select(CheckLookup).where(CheckLookup.check_id == single.id)).all()) == 2
