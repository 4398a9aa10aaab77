"""The notice job on a real database: one sealed notice however often it runs, a seal outage survived."""
import json
import threading
from decimal import Decimal

from sqlalchemy import func, select

from app import jobs
from app.applications.services import household_of
from app.audit.models import AuditEvent
from app.common.actor import Actor
from app.common.clock import utcnow
from app.db import session
from app.documents.models import SealedDocument
from app.notifications.models import Message
from app.review import services as review
from app.review.letters import pending_letter_ids
from app.review.models import DecisionLetter
from tests.factories import FUFENG, StaffFactory, age, make_applicant, make_application


def decided_case(app, phone: str) -> int:
    """A case the district has just approved; its notice is queued, its job not yet run."""
    application = make_application(make_applicant(phone))
    # As if submitted, signed, checked and confirmed by the township: the step this test is about.
    application.snapshot = json.dumps({"members": household_of(application)}, ensure_ascii=False)
    application.commitment_sha256, application.submitted_at = "0" * 64, utcnow()
    application.status = "district_filing"
    session.commit()
    worker = StaffFactory(app)("district_worker", FUFENG)
    review.record_decision(application.id, {"step": "district_filing", "outcome": "approve",
                                            "amount": Decimal("330.00")},
                           expected_version=application.version,
                           actor=Actor(account_id=worker.id, role="district_worker", region_code=FUFENG))
    session.info.pop("after_commit", None)   # the test runs the job itself
    session.commit()
    return session.scalar(select(DecisionLetter.id).where(DecisionLetter.application_id == application.id))


def issued(letter_id: int) -> tuple[str, int, int, int]:
    """The letter's status; its sealed notices, inbox messages and issue audits."""
    session.expire_all()
    letter = session.get(DecisionLetter, letter_id)
    documents = session.scalar(select(func.count()).select_from(SealedDocument)
                               .where(SealedDocument.kind == "decision_notice"))
    messages = session.scalar(select(func.count()).select_from(Message).where(
        Message.kind == "application.decision", Message.application_id == letter.application_id))
    audits = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "letter.issue"))
    return letter.status, documents, messages, audits


def test_the_job_run_twice_issues_one_notice(app, db):
    letter_id = decided_case(app, "13900000201")
    assert issued(letter_id) == ("pending", 0, 0, 0)
    assert jobs.issue_letter.call_local(letter_id) == "issued"
    first = db.get(DecisionLetter, letter_id)
    document_id, issued_at = first.document_id, first.issued_at
    assert jobs.issue_letter.call_local(letter_id) == "issued"
    assert issued(letter_id) == ("issued", 1, 1, 1)
    again = db.get(DecisionLetter, letter_id)
    assert (again.document_id, again.issued_at) == (document_id, issued_at)
    assert db.get(SealedDocument, document_id).status == "issued"


def test_a_seal_outage_leaves_the_notice_pending_until_a_retry_or_the_sweep_issues_it(app, db, fake_tsa):
    letter_id = decided_case(app, "13900000202")
    fake_tsa.app.config["TSA_DOWN"] = True
    try:
        scheduled_before = len(jobs.huey.scheduled())
        jobs.issue_letter(letter_id)               # as dispatched: huey catches the failure and schedules a retry
        retries = [task for task in jobs.huey.scheduled()[scheduled_before:] if task.args == (letter_id,)]
        assert [task.name for task in retries] == ["issue_letter"] and retries[0].retries == 4
        assert issued(letter_id) == ("pending", 0, 0, 0)
    finally:
        fake_tsa.app.config["TSA_DOWN"] = False

    assert letter_id not in pending_letter_ids()   # its own job may still be retrying
    age(DecisionLetter, 120, "created_at", id=letter_id)
    assert letter_id in pending_letter_ids()
    jobs.sweep_letters_and_checks.call_local()
    assert issued(letter_id) == ("issued", 1, 1, 1)
    assert letter_id not in pending_letter_ids()


def test_two_workers_racing_on_one_notice_seal_it_once(app, fresh_app):
    fresh_app.extensions["sealing"] = app.extensions["sealing"]   # the fake timestamp authority of the suite
    with fresh_app.app_context():
        letter_id = decided_case(fresh_app, "13900000203")
    start, outcomes = threading.Barrier(2), [None, None]

    def work(i):
        with fresh_app.app_context():
            start.wait()
            outcomes[i] = jobs.issue_letter.call_local(letter_id)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["issued", "issued"]
    with fresh_app.app_context():
        assert issued(letter_id) == ("issued", 1, 1, 1)
