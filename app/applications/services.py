"""Use cases of the applicant: household, draft, evidence, submission, withdrawal."""
import json
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import defer, selectinload

from app.adapters.storage import new_key
from app.applications.domain import (CLOSED, STAGE_TEXT, Action, AssistanceType, MemberFacts, Status,
                                     TransitionNotAllowed, authorization_progress, completeness_problems,
                                     next_status, required_signatures)
from app.applications.models import Application, ApplicationEvent, CommitmentText, Document, Household, Member
from app.audit import services as audit
from app.authorizations.consents import renew_consents
from app.authorizations.models import Authorization, LetterVersion
from app.common.actor import Actor
from app.common.clock import CHINA_TZ, utcnow
from app.common.errors import Conflict, InvalidInput, NotFound, StaleVersion
from app.common.masking import mask_numbers_in
from app.common.regions import division_level, scope_prefix
from app.common.uploads import inspect_upload
from app.db import paginate, session
from app.identity.services import id_number_index, phone_index
from app.notifications.services import notify
from app.regions.models import Region

EDITABLE = (Status.DRAFT, Status.RETURNED)
TEMPORARY_REPEATS_PER_YEAR = 2  # same person, same cause (seed 003)


class ApplicationConflict(Conflict):
    error = "APPLICATION_CONFLICT"


class NotEditable(Conflict):
    error = "NOT_EDITABLE"
    message = "申请已提交，不能再修改；如需补充材料，请等待退回"


class IllegalTransition(Conflict):
    error = "TRANSITION_NOT_ALLOWED"
    message = "当前阶段不能进行这项操作"


def today_in_china() -> date:
    return utcnow().astimezone(CHINA_TZ).date()


# Household -------------------------------------------------------------------------------

def _save_household(account_id: int, members: list[dict]) -> Household:
    """Replace the household's members; applications already submitted keep their snapshot."""
    household = session.scalar(select(Household).where(Household.owner_account_id == account_id))
    now = utcnow()
    if household is None:
        household = Household(owner_account_id=account_id, created_at=now, updated_at=now)
        session.add(household)
    household.members.clear()
    session.flush()
    for position, data in enumerate(members):
        guardian = data.get("guardian_member_index")
        if guardian is not None and not 0 <= guardian < len(members):
            raise InvalidInput(errors={f"household.members.{position}.guardian_member_index": ["监护人序号不存在"]})
        household.members.append(Member(
            position=position, name=data["name"], relation=data["relation"],
            id_number=data.get("id_number"), id_number_index=data.get("id_number") and id_number_index(data["id_number"]),
            phone=data.get("phone"), phone_index=data.get("phone") and phone_index(data["phone"]),
            lives_together=data["lives_together"], hukou_type=data["hukou_type"],
            hukou_region_code=data["hukou_region_code"], disability_grade=data.get("disability_grade"),
            serious_illness=data.get("serious_illness", False), employment=data["employment"],
            capacity=data.get("capacity", "full"), guardian_position=guardian,
        ))
    household.updated_at = now
    session.flush()
    return household


def _facts(members: list[Member]) -> list[MemberFacts]:
    return [MemberFacts(m.position, m.name, m.id_number, m.phone, m.relation, m.lives_together, m.capacity,
                        m.guardian_position) for m in members]


def _member_dict(member: Member) -> dict:
    return {"index": member.position, "name": member.name, "id_number": member.id_number, "phone": member.phone,
            "relation": member.relation, "lives_together": member.lives_together, "hukou_type": member.hukou_type,
            "hukou_region_code": member.hukou_region_code, "disability_grade": member.disability_grade,
            "serious_illness": member.serious_illness, "employment": member.employment,
            "capacity": member.capacity, "guardian_member_index": member.guardian_position}


# Reading, within access rules ---------------------------------------------------------------

def _visible(actor: Actor):
    query = select(Application)
    if actor.role == "applicant":
        return query.where(Application.applicant_account_id == actor.account_id)
    return query.where(Application.region_code.startswith(scope_prefix(actor.region_code)))


def get_application(application_id: int, *, actor: Actor, for_update: bool = False,
                    with_events: bool = False) -> Application:
    """Another applicant's or another region's case answers like a missing one."""
    query = _visible(actor).where(Application.id == application_id)
    if with_events:
        # The timeline needs the events, not the encrypted declaration and snapshot.
        query = query.options(selectinload(Application.events), defer(Application.declared),
                              defer(Application.snapshot), defer(Application.reason))
    application = session.scalar(query.with_for_update() if for_update else query)
    if application is None:
        raise NotFound("申请不存在")
    return application


def list_applications(*, actor: Actor, pagination) -> list[Application]:
    return paginate(_visible(actor).order_by(Application.id.desc()), pagination)


def household_of(application: Application) -> list[dict]:
    """What the case was based on: the frozen snapshot once submitted, the live household before."""
    if application.snapshot:
        return json.loads(application.snapshot)["members"]
    return [_member_dict(member) for member in application.household.members]


def declared_of(application: Application) -> dict:
    return json.loads(application.declared)


# Drafts --------------------------------------------------------------------------------------

def _check_region(assistance_type: str, region_code: str, members: list[dict]) -> None:
    region = session.get(Region, region_code)
    if region is None or division_level(region_code) != "village":
        raise InvalidInput(errors={"region_code": ["请选择所在村（社区）的区划代码"]})
    applicant = members[0] if members else None
    # 临时救助 may be sought where the person lives; the others only where the hukou is.
    if assistance_type != AssistanceType.TEMPORARY and applicant and applicant["hukou_region_code"] != region_code:
        raise InvalidInput(errors={"region_code": ["除临时救助外，须向户籍所在村（社区）申请"]})


def _check_no_duplicate(household_id: int, assistance_type: str, temporary_cause: str | None, exclude: int | None):
    open_same = select(Application.id).where(Application.household_id == household_id,
                                             Application.assistance_type == assistance_type,
                                             Application.status.notin_([s.value for s in CLOSED]))
    if exclude:
        open_same = open_same.where(Application.id != exclude)
    if session.scalar(open_same):
        raise ApplicationConflict("该家庭已有一个同类型的申请正在办理", error="DUPLICATE_OPEN_APPLICATION")
    if assistance_type == AssistanceType.TEMPORARY:
        year_ago = utcnow() - timedelta(days=365)
        count = session.scalar(select(func.count()).select_from(Application).where(
            Application.household_id == household_id, Application.assistance_type == assistance_type,
            Application.temporary_cause == temporary_cause, Application.submitted_at > year_ago,
            Application.status.notin_([Status.WITHDRAWN.value, Status.REJECTED.value])))
        if count >= TEMPORARY_REPEATS_PER_YEAR:
            raise ApplicationConflict("同一原因的临时救助一年内最多申请两次", error="TEMPORARY_REPEAT_LIMIT")


def create_application(data: dict, *, actor: Actor) -> Application:
    members = data.get("household", {}).get("members")
    if members is None:
        household = session.scalar(select(Household).where(Household.owner_account_id == actor.account_id))
        if household is None:
            raise InvalidInput(errors={"household": ["首次申请须填写家庭成员"]})
        members = [_member_dict(m) for m in household.members]
    _check_region(data["assistance_type"], data["region_code"], members)
    if "household" in data:
        household = _save_household(actor.account_id, members)
    _check_no_duplicate(household.id, data["assistance_type"], data.get("temporary_cause"), None)
    now = utcnow()
    application = Application(
        household=household, applicant_account_id=actor.account_id, assistance_type=data["assistance_type"],
        tekun_care=data.get("tekun_care"), temporary_kind=data.get("temporary_kind"),
        temporary_cause=data.get("temporary_cause"), requested_amount=data.get("requested_amount"),
        region_code=data["region_code"], reason=data["reason"],
        declared=json.dumps(data.get("declared", {}), ensure_ascii=False, default=str),
        status=Status.DRAFT.value, created_at=now, updated_at=now)
    session.add(application)
    session.flush()
    add_event(application, "created", "已创建申请草稿", actor)
    return application


def update_application(application_id: int, changes: dict, *, expected_version: int, actor: Actor) -> Application:
    application = get_application(application_id, actor=actor)
    if application.version != expected_version:
        raise StaleVersion()
    if application.status not in EDITABLE:
        raise NotEditable()
    if "household" in changes:
        members = changes.pop("household")["members"]
        _check_region(application.assistance_type, changes.get("region_code", application.region_code), members)
        _save_household(actor.account_id, members)
    if "declared" in changes:
        changes["declared"] = json.dumps(changes["declared"], ensure_ascii=False, default=str)
    for name, value in changes.items():
        setattr(application, name, value)
    application.updated_at = utcnow()
    session.flush()
    return application


def add_document(application_id: int, kind: str, content: bytes, *, actor: Actor, storage) -> Document:
    """Checked by its bytes, images re-encoded without metadata, stored under a name we choose."""
    application = get_application(application_id, actor=actor)
    if application.status not in EDITABLE:
        raise NotEditable("申请已提交，不能再上传材料")
    clean = inspect_upload(content)
    key = new_key(f"applications/{application.id}", clean.extension)
    document = Document(application_id=application.id, kind=kind, content_type=clean.content_type,
                        size=clean.size, sha256=clean.sha256, storage_key=key, uploaded_at=utcnow(),
                        uploaded_by=actor.account_id)
    session.add(document)
    session.flush()
    # Written before commit: a rollback leaves an orphan file, never a row without its file.
    storage.put(key, clean.content, clean.content_type)
    return document


def get_document(application_id: int, document_id: int, *, actor: Actor, storage) -> tuple[Document, bytes]:
    application = get_application(application_id, actor=actor)
    document = next((d for d in application.documents if d.id == document_id), None)
    if document is None:
        raise NotFound("材料不存在")
    return document, storage.get(document.storage_key)


# Submission and the workflow -------------------------------------------------------------------

def add_event(application: Application, kind: str, text: str, actor: Actor, *, transition=None) -> None:
    from_status, to_status = transition or (None, None)
    session.add(ApplicationEvent(application_id=application.id, occurred_at=utcnow(), kind=kind,
                                 from_status=from_status, to_status=to_status,
                                 actor_role=actor.role, text=mask_numbers_in(text)))


def transition(application: Application, action: Action, *, actor: Actor, role: str, text: str | None = None,
               resume_to: Status | None = None) -> None:
    """Move the case along the table, record the event and tell the applicant."""
    try:
        target = next_status(Status(application.status), action, role, resume_to=resume_to)
    except TransitionNotAllowed as exc:
        raise IllegalTransition(errors={"status": [f"当前状态为“{STAGE_TEXT[Status(exc.current)]}”"]}) from exc
    before = application.status
    application.status = target.value
    application.updated_at = utcnow()
    message = text or STAGE_TEXT[target]
    add_event(application, action.value, message, actor, transition=(before, target.value))
    notify(application.applicant_account_id, f"application.{target.value}", message,
           application_id=application.id)


def text_in_force(model, on: date | None = None):
    """The newest version of a versioned text (commitment, authorization letter) effective on a day."""
    return session.scalar(select(model).where(model.effective_from <= (on or today_in_china()))
                          .order_by(model.effective_from.desc()).limit(1))


def current_commitment(on: date | None = None) -> CommitmentText:
    commitment = text_in_force(CommitmentText, on)
    if commitment is None:
        raise NotFound("告知承诺书尚未配置")
    return commitment


def submit_application(application_id: int, *, actor: Actor) -> Application:
    """Complete? Freeze it, record the commitment, ask every member who must consent to sign."""
    application = get_application(application_id, actor=actor, for_update=True)
    if application.status not in EDITABLE:
        raise IllegalTransition(errors={"status": [f"当前状态为“{STAGE_TEXT[Status(application.status)]}”"]})
    today = today_in_china()
    members = _freeze(application, today)
    if application.status == Status.RETURNED:
        return _resubmit(application, members, today, actor=actor)
    _check_no_duplicate(application.household_id, application.assistance_type, application.temporary_cause,
                        application.id)
    application.submitted_at = application.commitment_accepted_at
    transition(application, Action.SUBMIT, actor=actor, role="applicant", text="已提交申请，已确认告知承诺")
    signatures = required_signatures(_facts(members), today)
    letter = text_in_force(LetterVersion, today)
    letter_version = letter.version if letter else None
    now = utcnow()
    for signature in signatures:
        session.add(Authorization(application_id=application.id, member_position=signature.member_index,
                                  signer_position=signature.signer_index, by_guardian=signature.by_guardian,
                                  status="pending", letter_version=letter_version, created_at=now, updated_at=now))
    transition(application, Action.OPEN_AUTHORIZATION, actor=actor, role="system",
               text=f"等待家庭成员授权（{authorization_progress(0, len(signatures))}）")
    audit.record("application.submit", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code, detail={"signatures": len(signatures)})
    session.flush()
    return application


def _freeze(application: Application, today: date) -> list[Member]:
    """Check completeness, then fix what the case is based on: household, declaration, evidence, commitment."""
    members = application.household.members
    problems = completeness_problems(application.assistance_type, _facts(members),
                                     {d.kind for d in application.documents},
                                     region_known=session.get(Region, application.region_code) is not None,
                                     today=today)
    if problems:
        raise InvalidInput("申请材料不完整", error="APPLICATION_INCOMPLETE", errors=problems.by_field)
    commitment = current_commitment(today)
    application.commitment_version, application.commitment_sha256 = commitment.version, commitment.sha256
    application.commitment_accepted_at = utcnow()
    application.snapshot = json.dumps({
        "members": [_member_dict(member) for member in members],
        "declared": json.loads(application.declared),
        "documents": [{"id": d.id, "kind": d.kind, "sha256": d.sha256} for d in application.documents],
        "commitment": {"version": commitment.version, "sha256": commitment.sha256},
    }, ensure_ascii=False)
    return members


def _resubmit(application: Application, members: list[Member], today: date, *, actor: Actor) -> Application:
    """The added evidence and corrections become the new snapshot; the original filing date stands.

    A household changed since the members signed needs their consent again, then a new check.
    """
    returned_from = Status(application.returned_from or Status.VILLAGE_REVIEW)
    transition(application, Action.RESUBMIT, actor=actor, role="applicant", text="已补充材料并重新提交")
    wanted = {s.member_index: s.signer_index for s in required_signatures(_facts(members), today)}
    letter = text_in_force(LetterVersion, today)
    if renew_consents(application.id, household_of(application), wanted, letter_version=letter and letter.version,
                      actor=actor):
        transition(application, Action.OPEN_AUTHORIZATION, actor=actor, role="system",
                   text="家庭成员信息已变更，需要相关成员重新授权")
    else:
        transition(application, Action.RESUME, actor=actor, role="system", resume_to=returned_from)
    return application


def withdraw_application(application_id: int, *, actor: Actor) -> Application:
    application = get_application(application_id, actor=actor, for_update=True)
    transition(application, Action.WITHDRAW, actor=actor, role="applicant", text="申请人已撤回申请")
    audit.record("application.withdraw", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code)
    session.flush()
    return application


def authorizations_of(application_id: int, *, actor: Actor) -> list[Authorization]:
    application = get_application(application_id, actor=actor)
    return list(session.scalars(select(Authorization).where(Authorization.application_id == application.id,
                                                            Authorization.required.is_(True))
                                .order_by(Authorization.member_position)))


def present(application: Application) -> dict:
    """The fields of ApplicationOut: the household as the case sees it, the declaration parsed."""
    columns = {column.key: getattr(application, column.key) for column in Application.__table__.columns}
    return columns | {"members": household_of(application), "declared": declared_of(application)}
