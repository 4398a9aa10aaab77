"""Use cases of review: the queue, the case file (一户一档), home visits, decisions."""
import json
from datetime import date, timedelta

from sqlalchemy import func, select

from app.applications.domain import (CLOSED, SMALL_LIMIT, STAGE_ROLE, STAGE_TEXT, Action,
                                     ReviewPath, Status)
from app.applications import reminders
from app.applications.models import Application, ApplicationEvent
from app.applications.services import (add_event, declared_of, get_application, household_of, today_in_china,
                                       transition)
from app.applications.timeline import (CLOCK_COLUMNS, Clocked, china_date, deadline_of, load_calendar,
                                       with_deadlines)
from app.audit import services as audit
from app.authorizations.consents import current_signature
from app.authorizations.models import Authorization
from app.checks import services as checks
from app.checks.models import Check
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleVersion
from app.common.masking import mask_id_number, mask_name, mask_phone
from app.common.regions import scope_prefix
from app.db import session
from app.documents import services as documents
from app.identity.services import id_number_index
from app.notifications.services import notify
from app.review.domain import (ASSIST_FIRST_FILE_DAYS, ASSIST_FIRST_ROLE, OUTCOME_TEXT, QUEUE_STAGES, REVOKE_ROLE,
                               STEP_TEXT, CaseFacts, DecisionRequest, GrantFacts, OutOfTurn, WrongLevel,
                               assist_first_refusal, check_turn, decision_action, decision_problems, dishonesty_refusal, file_state,
                               granted_amount, money_problems, needs_visit)
from app.regions.models import Region
from app.regions.services import get_region
from app.review.models import AssistFirstGrant, Decision, DishonestyRecord, HomeVisit, Objection, PublicNotice
from app.review import letters
from app.review.photos import visit_photos
from app.verification.services import parameters_in_force

VISIT_WAIVED = "home_visit_waived"   # a region parameter: 1 lets the township confirm without a home visit
NOTICE_DAYS = "public_notice_days"   # a region parameter: days an approval stays listed (0: no notice)
DEFAULT_NOTICE_DAYS = 7
ASSIST_FIRST_DAYS = "assist_first_file_days"   # a region parameter: working days to complete an assist-first file


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


class NotEligible(Conflict):
    error = "NOT_ELIGIBLE"
    message = "该申请不适用这一办理方式"


class NotProven(Conflict):
    error = "NOT_PROVEN"
    message = "须有核对报告证明申报与核对结果不一致"


# The queue ------------------------------------------------------------------------------------

def list_cases(query: dict, *, actor: Actor, pagination) -> list[dict]:
    """Cases in the caller's region, open and past submission, with their deadlines.

    The deadline filters need every matching case's deadline, so then all of them are clocked (as plain
    rows); without them only the page is. Only the page's rows are decrypted for the applicant's masked name."""
    select_cases = (select(*CLOCK_COLUMNS, Application.review_path)
                    .where(Application.region_code.startswith(scope_prefix(actor.region_code)))
                    .order_by(Application.submitted_at, Application.id))
    if query.get("flagged"):   # objections to the public notice wait for an answer, whatever the status
        select_cases = select_cases.where(Application.id.in_(select(Objection.application_id).where(
            Objection.answered_at.is_(None))))
    elif query.get("assist_first"):   # assist-first files still open, in any stage before the decision
        select_cases = select_cases.where(Application.id.in_(select(AssistFirstGrant.application_id)),
                                          Application.status.notin_([s.value for s in CLOSED]))
    else:
        stages = [query["stage"]] if query.get("stage") else list(QUEUE_STAGES)
        select_cases = select_cases.where(Application.status.in_(stages))
    if query.get("assistance_type"):
        select_cases = select_cases.where(Application.assistance_type == query["assistance_type"])
    today, calendar = today_in_china(), load_calendar()
    start = (pagination.page - 1) * pagination.page_size
    if query.get("assist_first") or query.get("overdue") is not None or query.get("due_within") is not None:
        grants = dict(session.execute(select(AssistFirstGrant.application_id, AssistFirstGrant.file_due_on)).all()) \
            if query.get("assist_first") else {}
        matching = [clocked for clocked in with_deadlines(select_cases, calendar, today)
                    if (not query.get("assist_first")
                        or file_state(grants[clocked.case.id], None, today) == query["assist_first"])
                    and (query.get("overdue") is None or clocked.overdue == query["overdue"])
                    and (query.get("due_within") is None
                         or (clocked.deadline is not None and clocked.working_days_left <= query["due_within"]))]
        pagination.item_count = len(matching)
        page = matching[start:start + pagination.page_size]
    else:
        pagination.item_count = session.scalar(select(func.count()).select_from(select_cases.order_by(None).subquery()))
        page_ids = list(session.scalars(select_cases.with_only_columns(Application.id)
                                        .limit(pagination.page_size).offset(start)))
        page = with_deadlines(select_cases.where(Application.id.in_(page_ids)), calendar, today)
    ids = [clocked.case.id for clocked in page]
    # A case in the queue has been submitted, so its snapshot (the frozen household) is there.
    applicants = {application_id: json.loads(snapshot)["members"][0]["name"] for application_id, snapshot
                  in session.execute(select(Application.id, Application.snapshot).where(Application.id.in_(ids)))}
    open_objections = dict(session.execute(
        select(Objection.application_id, func.count()).where(Objection.application_id.in_(ids),
                                                             Objection.answered_at.is_(None))
        .group_by(Objection.application_id)).all())
    grants = {grant.application_id: grant for grant in session.scalars(
        select(AssistFirstGrant).where(AssistFirstGrant.application_id.in_(ids)))}
    closed_on = _closed_on(ids) if grants else {}
    return [_queue_row(clocked, applicants[clocked.case.id], open_objections.get(clocked.case.id, 0),
                       grants.get(clocked.case.id), closed_on.get(clocked.case.id), today, calendar)
            for clocked in page]


def _queue_row(clocked: Clocked, applicant: str, open_objections: int, grant: AssistFirstGrant | None,
               closed_on: date | None, today: date, calendar) -> dict:
    case, status = clocked.case, Status(clocked.case.status)
    return {"id": case.id, "assistance_type": case.assistance_type, "status": case.status,
            "stage": STAGE_TEXT[status], "region_code": case.region_code,
            "applicant": mask_name(applicant), "submitted_at": case.submitted_at,
            "deadline": clocked.deadline, "working_days_left": clocked.working_days_left,
            "overdue": clocked.overdue, "waiting_for": STAGE_ROLE.get(status), "open_objections": open_objections,
            "review_path": case.review_path,
            "assist_first": _grant_json(grant, closed_on, today, calendar) if grant else None}


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
        "letters": letters.letters_of(application.id),
        "review_path": application.review_path,
        "assist_first": _grant_json(grant, _closed_on([application.id]).get(application.id), today, calendar)
                        if (grant := _grant(application.id)) else None,
        "dishonesty": _dishonesty_of(application),
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
                     "reviewed_at": signature.reviewed_at if signature else None,
                     # the evidence: the sealed letter anyone can verify, the handwriting beside the identity
                     "verify_code": documents.verify_code_of(signature.document_id) if signature else None,
                     "evidence_url": f"/api/v1/staff/authorizations/{authorization.id}"})
    return rows


# Home visits (入户调查) -------------------------------------------------------------------------

def _visits(application_id: int) -> list[HomeVisit]:
    return list(session.scalars(select(HomeVisit).where(HomeVisit.application_id == application_id)
                                .order_by(HomeVisit.id)))


def _visit_json(visit: HomeVisit) -> dict:
    return {"id": visit.id, "visited_on": visit.visited_on, "visitors": json.loads(visit.visitors),
            "findings": visit.findings, "recorded_at": visit.recorded_at, "photos": visit_photos(visit.id)}


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
    waived, small_limit = parameters.get(VISIT_WAIVED), parameters.get(SMALL_LIMIT)
    if application.review_path == ReviewPath.SMALL_TEMPORARY:
        suggested = application.requested_amount   # temporary assistance grants what was asked, within the limit
    facts = CaseFacts(status=application.status, region_code=application.region_code, suggested_amount=suggested,
                      visited=bool(_visits(application.id)), visit_waived=bool(waived and waived.value),
                      path=application.review_path, small_limit=small_limit.value if small_limit else None)
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
    transition(application, decision_action(request, facts), actor=actor, role=actor.role, text=text)
    if application.status == Status.APPROVED:
        _publish(application, amount)
    letters.queue_letter(application, decision, actor=actor)   # the notice, when the case is now closed
    session.flush()
    audit.record("case.decision", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code,
                 detail={"step": request.step, "outcome": request.outcome, "decision_id": decision.id,
                         "amount": str(amount) if amount is not None else None})
    return _decision_json(decision) | {"application_status": application.status, "version": application.version}


# 先行救助 (assist first, paperwork later) ------------------------------------------------------------

def _grant(application_id: int) -> AssistFirstGrant | None:
    return session.scalar(select(AssistFirstGrant).where(AssistFirstGrant.application_id == application_id))


def _closed_on(application_ids: list[int]) -> dict[int, date]:
    """The day each case now closed was decided (or withdrawn): its assist-first file is complete then."""
    closed = [s.value for s in CLOSED]
    return {application_id: china_date(at) for application_id, at in session.execute(
        select(ApplicationEvent.application_id, func.max(ApplicationEvent.occurred_at))
        .join(Application, Application.id == ApplicationEvent.application_id)
        .where(ApplicationEvent.application_id.in_(application_ids), ApplicationEvent.to_status.in_(closed),
               Application.status.in_(closed))
        .group_by(ApplicationEvent.application_id))}


def _grant_json(grant: AssistFirstGrant, closed_on: date | None, today: date, calendar) -> dict:
    return {"amount": grant.amount, "granted_at": grant.granted_at, "file_due_on": grant.file_due_on,
            "working_days_left": None if closed_on else calendar.working_days_left(today, grant.file_due_on),
            "state": file_state(grant.file_due_on, closed_on, today)}


def grant_assist_first(application_id: int, body: dict, *, actor: Actor) -> dict:
    """The township pays an emergency first (seed 003); the file must be complete within 15 working days."""
    application = get_application(application_id, actor=actor, for_update=True, with_events=True)
    refusal = assist_first_refusal(GrantFacts(assistance_type=application.assistance_type,
                                              temporary_kind=application.temporary_kind, status=application.status,
                                              granted_before=_grant(application.id) is not None))
    if refusal:
        raise NotEligible(refusal, errors={"application": [refusal]})
    problems = money_problems(body.get("amount"), body.get("reason"), what="先行救助")
    if problems:
        raise InvalidInput(errors=problems)
    today, calendar = today_in_china(), load_calendar()
    configured = parameters_in_force(application.region_code, today).get(ASSIST_FIRST_DAYS)
    days = int(configured.value) if configured is not None else ASSIST_FIRST_FILE_DAYS
    grant = AssistFirstGrant(application_id=application.id, amount=body["amount"], reason=body["reason"].strip(),
                             file_due_on=calendar.add_working_days(today, days), granted_by=actor.account_id,
                             granted_at=utcnow())
    session.add(grant)
    text = (f"乡镇（街道）已先行发放临时救助金 {grant.amount:.2f} 元；"
            f"请在 {grant.file_due_on:%Y年%m月%d日} 前补齐授权、核对等申请手续")
    add_event(application, "assist_first", text, actor)
    notify(application.applicant_account_id, "application.assist_first", text, application_id=application.id)
    session.flush()
    audit.record("case.assist_first", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code,
                 detail={"amount": str(grant.amount), "file_due_on": grant.file_due_on.isoformat()})
    return _grant_json(grant, None, today, calendar)   # granted on an open case: its file is not complete yet


def send_assist_first_notices(today: date) -> int:
    """Once a day: the township hears of assist-first files due within 3 working days or overdue."""
    calendar = load_calendar()
    open_files = session.execute(select(AssistFirstGrant.application_id, AssistFirstGrant.file_due_on,
                                        Application.region_code).join(Application)
                                 .where(Application.status.notin_([s.value for s in CLOSED])))
    items = []
    for application_id, due_on, region_code in open_files:
        left = calendar.working_days_left(today, due_on)
        if left > reminders.DUE_SOON_WORKING_DAYS:
            continue
        overdue = today > due_on
        text = (f"第{application_id}号申请已先行救助，" + (f"补齐材料已超期（{due_on.isoformat()}）" if overdue
                                                     else f"须于{due_on.isoformat()}前补齐材料，剩余{left}个工作日"))
        items.append(reminders.Reminder(application_id, region_code, ASSIST_FIRST_ROLE,
                                        "staff.assist_first_overdue" if overdue else "staff.assist_first_due", text))
    return reminders.deliver(items, today)


# 失信 and revocation (告知承诺) -------------------------------------------------------------------

def _dishonesty_of(application: Application) -> list[dict]:
    """Every record against the applicant's ID number, from this case or any earlier one."""
    applicant = household_of(application)[0].get("id_number") if application.snapshot else None
    if not applicant:
        return []
    records = session.scalars(select(DishonestyRecord).where(
        DishonestyRecord.id_number_index == id_number_index(applicant)).order_by(DishonestyRecord.id))
    return [_dishonesty_json(record) for record in records]


def _dishonesty_json(record: DishonestyRecord) -> dict:
    return {"id": record.id, "application_id": record.application_id, "check_id": record.check_id,
            "reason": record.reason, "revoked_benefit": record.revoked_benefit, "recorded_at": record.recorded_at}


def record_dishonesty(application_id: int, body: dict, *, expected_version: int, actor: Actor) -> dict:
    """A false declaration proven by a check report is recorded as 失信; the district may revoke the benefit."""
    application = get_application(application_id, actor=actor, for_update=True)
    if application.version != expected_version:
        raise StaleVersion()
    revoke = bool(body.get("revoke"))
    if revoke and actor.role != REVOKE_ROLE:
        raise NotYourLevel(errors={"revoke": ["撤销救助由县（区）民政部门办理"]})
    check = session.get(Check, body["check_id"])
    if check is None or check.application_id != application.id:
        raise InvalidInput(errors={"check_id": ["核对不存在或不属于该申请"]})
    refusal = dishonesty_refusal(application.status, proven=check.status == "done" and
                                 check.consistency == "inconsistent", revoke=revoke)
    if refusal:
        field, reason = refusal
        raise (NotProven if field == "check_id" else NotThisStep)(reason, errors={field: [reason]})
    record = DishonestyRecord(application_id=application.id, check_id=check.id, reason=body["reason"].strip(),
                              id_number_index=id_number_index(household_of(application)[0]["id_number"]),
                              revoked_benefit=revoke, recorded_by=actor.account_id, recorded_at=utcnow())
    session.add(record)
    if revoke:   # a decision of its own, with its notice (撤销救助决定) like any decision that closes a case
        decision = Decision(application_id=application.id, step=Status.DISTRICT_FILING.value, outcome="revoke",
                            reason=record.reason, check_id=check.id, decided_by=actor.account_id,
                            decided_at=record.recorded_at)
        session.add(decision)
        transition(application, Action.REVOKE, actor=actor, role=actor.role,
                   text=f"经核查存在虚假申报，撤销救助（{record.reason}）")
        _withdraw_notice(application.id)
        letters.queue_letter(application, decision, actor=actor)
    session.flush()
    audit.record("case.dishonesty", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code,
                 detail={"record_id": record.id, "check_id": check.id, "revoked": revoke})
    return _dishonesty_json(record) | {"application_status": application.status, "version": application.version}


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


def _withdraw_notice(application_id: int) -> None:
    """A revoked benefit leaves the public notice at once."""
    notice = session.scalar(select(PublicNotice).where(PublicNotice.application_id == application_id))
    yesterday = today_in_china() - timedelta(days=1)
    if notice is not None and notice.ends_on > yesterday:
        notice.ends_on = max(yesterday, notice.published_on - timedelta(days=1))


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
