"""Decision notices (救助决定通知书): queued with the decision that closes a case, issued by a job as a
sealed PDF to the applicant's inbox and WeChat; read by the applicant and by staff."""
from datetime import timedelta

from sqlalchemy import select

from app.applications.models import Application
from app.applications.services import get_application, household_of, today_in_china
from app.applications.timeline import china_date, load_calendar
from app.audit import services as audit
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import Conflict, NotFound
from app.common.regions import division_level, lineage
from app.db import after_commit, session
from app.documents import services as documents
from app.documents.domain import new_verify_code, sha256
from app.notifications.services import notify
from app.regions.models import Region
from app.review import document
from app.review.letter_rules import (ASSISTANCE_TEXT, KIND_TITLE, NATIONAL_NOTICE_DAYS, LetterFacts, authority_name,
                                     is_overdue, letter_due_on, letter_kind, letter_text, split_reasons)
from app.review.models import Decision, DecisionLetter
from app.verification.services import parameters_in_force

NOTICE_LIMIT = "decision_notice_days"   # a region parameter: working days to send the notice (national: 3)
STEP_LEVEL = {"village_review": "village", "township_confirmation": "township", "district_filing": "district"}


class LetterNotIssued(Conflict):
    error = "LETTER_NOT_ISSUED"
    message = "决定通知书正在出具，请稍后再试"


_jobs = {}


def configure_dispatch(issue_job) -> None:
    """The job (huey) that issues a letter, set at start-up; it starts after the decision commits."""
    _jobs["issue"] = issue_job


# Queueing, with the decision ------------------------------------------------------------------

def notice_days(region_code: str, on) -> int:
    configured = parameters_in_force(region_code, on).get(NOTICE_LIMIT)
    return int(configured.value) if configured is not None else NATIONAL_NOTICE_DAYS


def queue_letter(application: Application, decision: Decision, *, actor: Actor) -> DecisionLetter | None:
    """A pending notice for a decision that closed the case (approved or rejected); None otherwise."""
    kind = letter_kind(application.status)
    if kind is None:
        return None
    session.flush()   # the decision's id
    decided_on = china_date(decision.decided_at)
    letter = DecisionLetter(application_id=application.id, decision_id=decision.id, kind=kind, status="pending",
                            due_on=letter_due_on(decided_on, load_calendar(),
                                                 notice_days(application.region_code, decided_on)),
                            created_at=utcnow())
    session.add(letter)
    session.flush()
    after_commit(lambda: _jobs["issue"](letter.id))
    return letter


# Issuing, in a job -----------------------------------------------------------------------------

def _division(region_code: str, level: str) -> Region | None:
    code = next((c for c in lineage(region_code) if division_level(c) == level), None)
    return session.get(Region, code) if code else None


def letter_facts(application: Application, decision: Decision, letter: DecisionLetter) -> LetterFacts:
    members = household_of(application)
    level = STEP_LEVEL.get(decision.step, "district")
    decider = _division(application.region_code, level) or _division(application.region_code, "district")
    county = _division(application.region_code, "district")
    return LetterFacts(
        kind=letter.kind, applicant=members[0]["name"], assistance_type=application.assistance_type,
        decided_on=china_date(decision.decided_at), authority=authority_name(level, decider.name),
        reconsideration_body=f"{county.name}人民政府",
        submitted_on=china_date(application.submitted_at) if application.submitted_at else None,
        amount=decision.amount, household_size=sum(1 for m in members if m.get("lives_together", True)),
        reasons=split_reasons(decision.reason) if letter.kind != "approval" else ())


def _message(letter: DecisionLetter, facts: LetterFacts) -> str:
    """The inbox and WeChat text: WeChat shows the first 20 characters, so the gist comes first."""
    assistance = ASSISTANCE_TEXT.get(facts.assistance_type, facts.assistance_type)
    if letter.kind == "approval":
        return f"救助决定通知书已出具：准予{assistance}。请在申请详情中查看或下载通知书。"
    if letter.kind == "revocation":
        return (f"救助决定通知书已出具：撤销{assistance}。通知书写明了理由，以及申请复核、行政复议"
                "或提起行政诉讼的途径和期限，请在申请详情中查看或下载。")
    return (f"救助决定通知书已出具：{assistance}申请未获批准。通知书写明了理由，以及申请复核、行政复议"
            "或提起行政诉讼的途径和期限，请在申请详情中查看或下载。")


def issue_letter(letter_id: int, *, actor: Actor, sealing) -> DecisionLetter | None:
    """Render, seal and register the notice, then tell the applicant; a second run changes nothing.

    A seal or timestamp outage raises (SealNotAvailable): nothing is kept and the letter stays
    pending for the job's retry or the sweep."""
    letter = session.get(DecisionLetter, letter_id, with_for_update=True, populate_existing=True)
    if letter is None or letter.status == "issued":
        return letter
    application = session.get(Application, letter.application_id)
    decision = session.get(Decision, letter.decision_id)
    facts = letter_facts(application, decision, letter)
    text = letter_text(facts)
    code, now = new_verify_code(), utcnow()
    pdf = document.render_letter(text, verify_url=f"{sealing.base_url.rstrip('/')}/verify/{code}", verify_code=code,
                                 font_path=sealing.font_path)
    # Hashes and ids only: the file travels, and its text already says everything the applicant needs.
    evidence = {"document_type": "decision_notice", "verify_code": code, "letter_id": letter.id,
                "application_id": application.id, "decision_id": decision.id, "kind": letter.kind,
                "decided_on": facts.decided_on.isoformat(), "due_on": letter.due_on.isoformat(),
                "text_sha256": sha256(text.plain().encode("utf-8"))}
    sealed = documents.seal_document(pdf, kind="decision_notice", verify_code=code, evidence=evidence,
                                     signer=facts.authority[:40], signed_at=now, seal=sealing.seal, actor=actor,
                                     region_code=application.region_code, status="issued")
    letter.status, letter.document_id, letter.issued_at = "issued", sealed.id, now
    notify(application.applicant_account_id, "application.decision", _message(letter, facts),
           application_id=application.id)
    audit.record("letter.issue", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code,
                 detail={"letter_id": letter.id, "kind": letter.kind, "document_id": sealed.id,
                         "late": china_date(now) > letter.due_on})
    session.flush()
    return letter


def pending_letter_ids(*, older_than_seconds: int = 60, limit: int = 100) -> list[int]:
    """Letters whose job was lost or is still failing (a seal outage, a worker crash)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(session.scalars(select(DecisionLetter.id).where(DecisionLetter.status == "pending",
                                                                DecisionLetter.created_at < cutoff)
                                .order_by(DecisionLetter.id).limit(limit)))


# Reading --------------------------------------------------------------------------------------

def _letters(application_id: int) -> list[DecisionLetter]:
    return list(session.scalars(select(DecisionLetter).where(DecisionLetter.application_id == application_id)
                                .order_by(DecisionLetter.id)))


def letters_of(application_id: int) -> list[dict]:
    """The notices of a case, oldest first, each with its limit; reasons and amount as the letter states them."""
    today = today_in_china()
    rows = []
    for letter in _letters(application_id):
        decision = session.get(Decision, letter.decision_id)
        rows.append({
            "id": letter.id, "kind": letter.kind, "title": KIND_TITLE[letter.kind], "status": letter.status,
            "decided_on": china_date(decision.decided_at), "due_on": letter.due_on,
            "overdue": is_overdue(letter.status, letter.due_on, today), "issued_at": letter.issued_at,
            "verify_code": documents.verify_code_of(letter.document_id) if letter.document_id else None,
            "amount": decision.amount if letter.kind == "approval" else None,
            "reasons": list(split_reasons(decision.reason)) if letter.kind != "approval" else [],
        })
    return rows


def list_letters(application_id: int, *, actor: Actor) -> list[dict]:
    """The applicant's own notices (another applicant's case answers like a missing one)."""
    application = get_application(application_id, actor=actor)
    return letters_of(application.id)


def letter_pdf(application_id: int, letter_id: int, *, actor: Actor) -> bytes:
    """The sealed notice, for the applicant or for staff of the case's region; every view is audited."""
    application = get_application(application_id, actor=actor)
    letter = session.get(DecisionLetter, letter_id)
    if letter is None or letter.application_id != application.id:
        raise NotFound("决定通知书不存在")
    if letter.status != "issued":
        raise LetterNotIssued(errors={"status": ["待出具"]})
    audit.record("letter.view", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code, detail={"letter_id": letter.id, "format": "pdf"})
    return documents.content_of(letter.document_id)
