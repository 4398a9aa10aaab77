"""Use cases of review: the queue, the case file (一户一档), home visits, decisions."""
import json
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import defer, selectinload

from app.applications.domain import REVIEW_STAGES, STAGE_ROLE, STAGE_TEXT, Status
from app.applications.models import Application
from app.applications.services import declared_of, get_application, household_of, today_in_china, transition
from app.applications.timeline import deadline_of, load_calendar
from app.audit import services as audit
from app.authorizations.consents import current_signature
from app.authorizations.models import Authorization
from app.checks import services as checks
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleVersion
from app.common.masking import mask_id_number, mask_name, mask_phone
from app.common.regions import scope_prefix
from app.db import session
from app.review.domain import (OUTCOME_ACTION, OUTCOME_TEXT, STEP_TEXT, CaseFacts, DecisionRequest, OutOfTurn,
                               WrongLevel, check_turn, decision_problems, granted_amount, needs_visit)
from app.regions.models import Region
from app.regions.services import get_region
from app.review.models import Decision, HomeVisit, Objection, PublicNotice
from app.verification.services import parameters_in_force

VISIT_WAIVED = "home_visit_waived"   # a region parameter: 1 lets the township confirm without a home visit
NOTICE_DAYS = "public_notice_days"   # a region parameter: days an approval stays listed (0: no notice)
DEFAULT_NOTICE_DAYS = 7


class NotThisStep(Conflict):
    error = "NOT_THIS_STEP"
    message = "该申请当前不在这一审核环节"


class NotYourLevel(PermissionDenied):
    error = "NOT_YOUR_LEVEL"
    message = "这一审核环节不属于您的层级"
    keep_changes = False


class VisitRequired(Conflict):
    error = "VISIT_REQUIRED"
    message = "尚未登记入户调查，乡镇（街道）不能确认"


# The queue ------------------------------------------------------------------------------------

def list_cases(query: dict, *, actor: Actor, pagination) -> list[dict]:
    """Cases in the caller's region, open and past submission, with their deadlines.

    The deadline filters need every matching case's deadline (and its events, for the paused
    clock); only the page's rows are decrypted for the applicant's masked name."""
    select_cases = (select(Application).options(selectinload(Application.events), defer(Application.declared),
                                                defer(Application.reason), defer(Application.snapshot))
                    .where(Application.region_code.startswith(scope_prefix(actor.region_code)))
                    .order_by(Application.submitted_at))
    if query.get("flagged"):   # objections to the public notice wait for an answer, whatever the status
        select_cases = select_cases.where(Application.id.in_(select(Objection.application_id).where(
            Objection.answered_at.is_(None))))
    else:
        stages = [query["stage"]] if query.get("stage") else [s.value for s in REVIEW_STAGES] + [Status.CHECKING]
        select_cases = select_cases.where(Application.status.in_(stages))
    if query.get("assistance_type"):
        select_cases = select_cases.where(Application.assistance_type == query["assistance_type"])
    today, calendar = today_in_china(), load_calendar()
    matching = []
    for application in session.scalars(select_cases):
        deadline = deadline_of(application, calendar, today)
        left = calendar.working_days_left(today, deadline) if deadline else None
        overdue = deadline is not None and today > deadline
        if query.get("overdue") is not None and overdue != query["overdue"]:
            continue
        if query.get("due_within") is not None and (left is None or left > query["due_within"]):
            continue
        matching.append((application, deadline, left, overdue))
    pagination.item_count = len(matching)
    start = (pagination.page - 1) * pagination.page_size
    page = matching[start:start + pagination.page_size]
    ids = [application.id for application, *_ in page]
    # A case in the queue has been submitted, so its snapshot (the frozen household) is there.
    applicants = {application_id: json.loads(snapshot)["members"][0]["name"] for application_id, snapshot
                  in session.execute(select(Application.id, Application.snapshot).where(Application.id.in_(ids)))}
    open_objections = dict(session.execute(
        select(Objection.application_id, func.count()).where(Objection.application_id.in_(ids),
                                                             Objection.answered_at.is_(None))
        .group_by(Objection.application_id)).all())
    return [_queue_row(application, applicants[application.id], deadline, left, overdue,
                       open_objections.get(application.id, 0)) for application, deadline, left, overdue in page]


def _queue_row(application: Application, applicant: str, deadline: date | None, left: int | None, overdue: bool,
               open_objections: int) -> dict:
    return {"id": application.id, "assistance_type": application.assistance_type, "status": application.status,
            "stage": STAGE_TEXT[Status(application.status)], "region_code": application.region_code,
            "applicant": mask_name(applicant), "submitted_at": application.submitted_at,
            "deadline": deadline, "working_days_left": left, "overdue": overdue,
            "waiting_for": STAGE_ROLE.get(Status(application.status)), "open_objections": open_objections}


# The case file (一户一档) --------------------------------------------------------------------

def case_file(application_id: int, *, actor: Actor, reveal_reason: str | None = None) -> dict:
    """Everything the case rests on, personal data masked; a reason unmasks it, and is audited."""
    application = get_application(application_id, actor=actor, with_events=True)
    revealed = bool(reveal_reason)
    audit.record("case.reveal" if revealed else "case.view", actor=actor, object_type="application",
                 object_id=application.id, region_code=application.region_code,
                 detail={"reason": reveal_reason} if revealed else None)
    today, calendar = today_in_china(), load_calendar()
    deadline = deadline_of(application, calendar, today)
    return {
        "id": application.id, "version": application.version, "assistance_type": application.assistance_type,
        "status": application.status, "stage": STAGE_TEXT[Status(application.status)],
        "region_code": application.region_code, "submitted_at": application.submitted_at,
        "deadline": deadline, "overdue": deadline is not None and today > deadline,
        "members": [_member(m, revealed) for m in household_of(application)],
        "declared": declared_of(application),
        "documents": [{"id": d.id, "kind": d.kind, "uploaded_at": d.uploaded_at} for d in application.documents],
        "authorizations": _authorizations(application.id),
        "checks": checks.checks_of(application.id),
        "visits": [_visit_json(v) for v in _visits(application.id)],
        "decisions": [_decision_json(d) for d in _decisions(application.id)],
        "objections": _objections(application.id),
        "events": [{"at": e.occurred_at, "kind": e.kind, "text": e.text} for e in application.events],
        "revealed": revealed,
    }


def _member(member: dict, revealed: bool) -> dict:
    keep = ("index", "relation", "lives_together", "hukou_type", "hukou_region_code", "employment",
            "guardian_member_index")
    out = {key: member.get(key) for key in keep}
    if revealed:
        return out | {"name": member["name"], "id_number": member.get("id_number"), "phone": member.get("phone")}
    return out | {"name": mask_name(member["name"]), "id_number": mask_id_number(member.get("id_number")),
                  "phone": mask_phone(member.get("phone"))}


def _authorizations(application_id: int) -> list[dict]:
    rows = []
    for authorization in session.scalars(select(Authorization).where(Authorization.application_id == application_id)
                                         .order_by(Authorization.member_position)):
        signature = current_signature(authorization)
        rows.append({"id": authorization.id, "member_index": authorization.member_position,
                     "status": authorization.status, "by_guardian": authorization.by_guardian,
                     "signed_at": signature.signed_at if signature else None,
                     "expires_at": signature.expires_at if signature else None,
                     "reviewed_at": signature.reviewed_at if signature else None})
    return rows


# Home visits (入户调查) -------------------------------------------------------------------------

def _visits(application_id: int) -> list[HomeVisit]:
    return list(session.scalars(select(HomeVisit).where(HomeVisit.application_id == application_id)
                                .order_by(HomeVisit.id)))


def _visit_json(visit: HomeVisit) -> dict:
    return {"id": visit.id, "visited_on": visit.visited_on, "visitors": json.loads(visit.visitors),
            "findings": visit.findings, "recorded_at": visit.recorded_at}


def record_visit(application_id: int, body: dict, *, actor: Actor) -> dict:
    """A home visit runs beside the check (seed 001): from checking until the township has confirmed."""
    application = get_application(application_id, actor=actor)
    open_for_visits = {Status.CHECKING, Status.VILLAGE_REVIEW, Status.TOWNSHIP_CONFIRMATION}
    if Status(application.status) not in open_for_visits:
        raise NotThisStep("当前阶段不能登记入户调查", errors={"status": [STAGE_TEXT[Status(application.status)]]})
    if body["visited_on"] > today_in_china():
        raise InvalidInput(errors={"visited_on": ["入户调查日期不能晚于今天"]})
    visit = HomeVisit(application_id=application.id, visited_on=body["visited_on"],
                      visitors=json.dumps(body["visitors"], ensure_ascii=False), findings=body["findings"],
                      recorded_by=actor.account_id, recorded_at=utcnow())
    session.add(visit)
    session.flush()
    audit.record("case.visit", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code, detail={"visit_id": visit.id})
    return _visit_json(visit)


# Decisions -----------------------------------------------------------------------------------

def _decisions(application_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.application_id == application_id)
                                .order_by(Decision.id)))


def _decision_json(decision: Decision) -> dict:
    return {"id": decision.id, "step": decision.step, "outcome": decision.outcome, "reason": decision.reason,
            "items": json.loads(decision.items) if decision.items else [], "amount": decision.amount,
            "suggested_amount": decision.suggested_amount, "check_id": decision.check_id,
            "decided_at": decision.decided_at}


def _facts(application: Application) -> tuple[CaseFacts, int | None]:
    check_id, suggested = checks.latest_suggestion(application.id)
    parameters = parameters_in_force(application.region_code, today_in_china())
    waived = parameters.get(VISIT_WAIVED)
    facts = CaseFacts(status=application.status, region_code=application.region_code, suggested_amount=suggested,
                      visited=bool(_visits(application.id)), visit_waived=bool(waived and waived.value))
    return facts, check_id


def record_decision(application_id: int, body: dict, *, expected_version: int, actor: Actor) -> dict:
    """The level whose step it is approves, rejects, or returns the case for more evidence."""
    application = get_application(application_id, actor=actor, for_update=True)
    request = DecisionRequest(step=body["step"], outcome=body["outcome"], reason=body.get("reason"),
                              amount=body.get("amount"), items=tuple(body.get("items") or ()))
    if application.version != expected_version:   # first: of two racing decisions the loser gets 412
        raise StaleVersion()
    facts, check_id = _facts(application)
    try:
        check_turn(request, facts, actor.role)
    except WrongLevel:
        raise NotYourLevel(errors={"step": [f"{STEP_TEXT[Status(request.step)]}由"
                                            f"{STAGE_ROLE[Status(request.step)]}办理"]}) from None
    except OutOfTurn:
        raise NotThisStep(errors={"step": [f"当前环节为“{STAGE_TEXT[Status(application.status)]}”"]}) from None
    problems = decision_problems(request, facts)
    if problems:
        raise InvalidInput(errors=problems)
    if needs_visit(request, facts):
        raise VisitRequired()
    amount = granted_amount(request, facts)
    decision = Decision(application_id=application.id, step=request.step, outcome=request.outcome,
                        reason=request.reason, amount=amount, suggested_amount=facts.suggested_amount,
                        items=json.dumps(list(request.items), ensure_ascii=False) if request.items else None,
                        check_id=check_id, decided_by=actor.account_id, decided_at=utcnow())
    session.add(decision)
    text = f"{STEP_TEXT[Status(request.step)]}：{OUTCOME_TEXT[request.outcome]}"
    if request.outcome != "approve" and request.reason:
        text += f"（{request.reason}）"
    if request.outcome == "return":
        application.returned_from = request.step
    transition(application, OUTCOME_ACTION[request.outcome], actor=actor, role=actor.role, text=text)
    if application.status == Status.APPROVED:
        _publish(application, amount)
    session.flush()
    audit.record("case.decision", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code,
                 detail={"step": request.step, "outcome": request.outcome, "decision_id": decision.id,
                         "amount": str(amount) if amount is not None else None})
    return _decision_json(decision) | {"application_status": application.status, "version": application.version}


# Public notice (公示) and objections ------------------------------------------------------------

def _publish(application: Application, amount) -> None:
    """List an approval for the region's notice period (none when the region set 0 days)."""
    today = today_in_china()
    configured = parameters_in_force(application.region_code, today).get(NOTICE_DAYS)
    days = int(configured.value) if configured is not None else DEFAULT_NOTICE_DAYS
    if days <= 0:
        return
    members = household_of(application)
    session.add(PublicNotice(application_id=application.id, region_code=application.region_code,
                             surname=mask_name(members[0]["name"])[:8], assistance_type=application.assistance_type,
                             household_size=sum(1 for m in members if m.get("lives_together", True)),
                             amount=amount, published_on=today, ends_on=today + timedelta(days=days)))


def list_notices(region_code: str, pagination) -> list[dict]:
    """The notices in force under a division, newest first: masked, nothing else about anyone."""
    get_region(region_code)
    today = today_in_china()
    query = (select(PublicNotice, Region.name).join(Region, Region.code == PublicNotice.region_code)
             .where(PublicNotice.region_code.startswith(scope_prefix(region_code)),
                    PublicNotice.published_on <= today, PublicNotice.ends_on >= today)
             .order_by(PublicNotice.published_on.desc(), PublicNotice.id.desc()))
    pagination.item_count = session.scalar(select(func.count()).select_from(query.subquery()))
    page = query.limit(pagination.page_size).offset((pagination.page - 1) * pagination.page_size)
    return [{"id": notice.id, "name": notice.surname, "village": village, "region_code": notice.region_code,
             "assistance_type": notice.assistance_type, "household_size": notice.household_size,
             "amount": notice.amount, "published_on": notice.published_on, "ends_on": notice.ends_on}
            for notice, village in session.execute(page)]


def file_objection(notice_id: int, body: dict, *, actor: Actor) -> Objection:
    """Anyone may object while the notice is up; the case is flagged for a caseworker."""
    notice = session.get(PublicNotice, notice_id)
    today = today_in_china()
    if notice is None or not notice.published_on <= today <= notice.ends_on:
        raise NotFound("公示不存在或已结束")
    objection = Objection(notice_id=notice.id, application_id=notice.application_id, content=body["content"],
                          contact=body.get("contact"), filed_at=utcnow())
    session.add(objection)
    session.flush()
    audit.record("notice.objection", actor=actor, object_type="application", object_id=notice.application_id,
                 region_code=notice.region_code, detail={"objection_id": objection.id})
    return objection


def answer_objection(application_id: int, objection_id: int, answer: str, *, actor: Actor) -> Objection:
    application = get_application(application_id, actor=actor)
    objection = session.get(Objection, objection_id)
    if objection is None or objection.application_id != application.id:
        raise NotFound("异议不存在")
    if objection.answered_at is not None:
        raise Conflict("该异议已答复", errors={"objection": ["已答复"]})
    objection.answer, objection.answered_by, objection.answered_at = answer, actor.account_id, utcnow()
    audit.record("notice.answer", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code, detail={"objection_id": objection.id})
    return objection


def _objections(application_id: int) -> list[dict]:
    return [{"id": o.id, "content": o.content, "filed_at": o.filed_at, "answer": o.answer,
             "answered_at": o.answered_at}
            for o in session.scalars(select(Objection).where(Objection.application_id == application_id)
                                     .order_by(Objection.id))]
