"""The workflow as data, and the rules of a complete application; no framework, no database."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.common.idnumber import normalize_id_number


class AssistanceType(StrEnum):
    DIBAO_URBAN = "dibao_urban"      # 城市最低生活保障
    DIBAO_RURAL = "dibao_rural"      # 农村最低生活保障
    TEKUN = "tekun"                  # 特困人员救助供养
    LOW_INCOME = "low_income"        # 低收入家庭认定
    TEMPORARY = "temporary"          # 临时救助


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    AUTHORIZING = "authorizing"
    CHECKING = "checking"
    VILLAGE_REVIEW = "village_review"
    TOWNSHIP_CONFIRMATION = "township_confirmation"
    DISTRICT_FILING = "district_filing"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"              # approved, then revoked after a proven false declaration (seed 002)


class Action(StrEnum):
    SUBMIT = "submit"
    OPEN_AUTHORIZATION = "open_authorization"
    ALL_SIGNED = "all_signed"
    CHECK_DONE = "check_done"
    FAST_TRACK = "fast_track"        # check done on a fast path: straight to the township
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    RESUBMIT = "resubmit"
    RESUME = "resume"
    WITHDRAW = "withdraw"
    APPROVE_ALONE = "approve_alone"  # small temporary assistance: the township's approval is final
    REVOKE = "revoke"


CLOSED = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN, Status.REVOKED})
REVIEW_STAGES = (Status.VILLAGE_REVIEW, Status.TOWNSHIP_CONFIRMATION, Status.DISTRICT_FILING)
# 村居审核、镇街确认、区级备案 (seed 001): each stage belongs to one level.
STAGE_ROLE = {Status.VILLAGE_REVIEW: "village_worker", Status.TOWNSHIP_CONFIRMATION: "township_worker",
              Status.DISTRICT_FILING: "district_worker"}
SYSTEM = "system"
APPLICANT = "applicant"

# (current, action) → (next, who may do it). Nothing else can happen; the same pairs are
# rows of workflow_transitions, which every status event references.
TRANSITIONS: dict[tuple[Status, Action], tuple[Status, frozenset]] = {
    (Status.DRAFT, Action.SUBMIT): (Status.SUBMITTED, frozenset({APPLICANT})),
    (Status.SUBMITTED, Action.OPEN_AUTHORIZATION): (Status.AUTHORIZING, frozenset({SYSTEM})),
    (Status.AUTHORIZING, Action.ALL_SIGNED): (Status.CHECKING, frozenset({SYSTEM})),
    (Status.CHECKING, Action.CHECK_DONE): (Status.VILLAGE_REVIEW, frozenset({SYSTEM, "verification_officer"})),
    (Status.CHECKING, Action.FAST_TRACK): (Status.TOWNSHIP_CONFIRMATION, frozenset({SYSTEM, "verification_officer"})),
    (Status.VILLAGE_REVIEW, Action.APPROVE): (Status.TOWNSHIP_CONFIRMATION, frozenset({"village_worker"})),
    (Status.TOWNSHIP_CONFIRMATION, Action.APPROVE_ALONE): (Status.APPROVED, frozenset({"township_worker"})),
    (Status.TOWNSHIP_CONFIRMATION, Action.APPROVE): (Status.DISTRICT_FILING, frozenset({"township_worker"})),
    (Status.DISTRICT_FILING, Action.APPROVE): (Status.APPROVED, frozenset({"district_worker"})),
    (Status.TOWNSHIP_CONFIRMATION, Action.REJECT): (Status.REJECTED, frozenset({"township_worker"})),
    (Status.DISTRICT_FILING, Action.REJECT): (Status.REJECTED, frozenset({"district_worker"})),
    # A false declaration proven after approval (告知承诺, seed 002): the district revokes the benefit.
    (Status.APPROVED, Action.REVOKE): (Status.REVOKED, frozenset({"district_worker"})),
    (Status.RETURNED, Action.RESUBMIT): (Status.RESUBMITTED, frozenset({APPLICANT})),
    **{(stage, Action.RETURN): (Status.RETURNED, frozenset({role})) for stage, role in STAGE_ROLE.items()},
    # The target of RESUME is the stage that returned the case (RESUME_TARGETS), given by the caller.
    (Status.RESUBMITTED, Action.RESUME): (Status.VILLAGE_REVIEW, frozenset({SYSTEM})),
    # A household changed after signing: every member consents again, then a new check.
    (Status.RESUBMITTED, Action.OPEN_AUTHORIZATION): (Status.AUTHORIZING, frozenset({SYSTEM})),
    **{(status, Action.WITHDRAW): (Status.WITHDRAWN, frozenset({APPLICANT}))
       for status in Status if status not in CLOSED},
}


SMALL_LIMIT = "temporary_small_limit"             # region parameter: the township-alone limit (yuan)
COMMITMENT_SIMPLIFIED = "commitment_simplified"   # region parameter: 1 turns the simplified review on


class ReviewPath(StrEnum):
    """Which review steps a case takes once its check is done."""

    STANDARD = "standard"                # village → township → district (seed 001)
    SMALL_TEMPORARY = "small_temporary"  # ≤ the region's limit: the township approves alone (seed 003)
    COMMITMENT = "commitment"            # 告知承诺: report basically consistent, simplified steps (seeds 002, 003)


def review_path(assistance_type: str, requested_amount: Decimal | None, *, small_limit: Decimal | None,
                consistency: str | None, simplified: bool) -> ReviewPath:
    """Small temporary assistance first (its limit is law in the region), then the commitment path.

    A missing limit or amount means the ordinary path: a case is never shortened on missing data.
    On the commitment path the village review and the home-visit requirement are skipped, where
    the region turned the simplified review on (parameter commitment_simplified = 1)."""
    if (assistance_type == AssistanceType.TEMPORARY and requested_amount is not None and small_limit is not None
            and requested_amount <= small_limit):
        return ReviewPath.SMALL_TEMPORARY
    if simplified and consistency == "consistent":
        return ReviewPath.COMMITMENT
    return ReviewPath.STANDARD


# A return sends the case back to the stage that returned it once the applicant resubmits.
RESUME_TARGETS = frozenset(REVIEW_STAGES)


class TransitionNotAllowed(Exception):
    def __init__(self, current: str, action: str):
        super().__init__(f"{action} is not allowed from {current}")
        self.current, self.action = current, action


def next_status(current: Status, action: Action, role: str, *, resume_to: Status | None = None) -> Status:
    """The status after `action`, or TransitionNotAllowed."""
    entry = TRANSITIONS.get((Status(current), Action(action)))
    if entry is None or role not in entry[1]:
        raise TransitionNotAllowed(current, action)
    if action == Action.RESUME:
        if resume_to not in RESUME_TARGETS:
            raise TransitionNotAllowed(current, action)
        return Status(resume_to)
    return entry[0]


def allowed_pairs() -> set[tuple[str, str]]:
    """(from, to) pairs for the workflow_transitions table."""
    pairs = {(current.value, target.value) for (current, _action), (target, _roles) in TRANSITIONS.items()}
    pairs |= {(Status.RESUBMITTED.value, stage.value) for stage in RESUME_TARGETS}
    return pairs


# Who signs the authorization letter -------------------------------------------------------

ADULT_AGE = 18


@dataclass(frozen=True)
class MemberFacts:
    index: int
    name: str
    id_number: str | None
    phone: str | None
    relation: str
    lives_together: bool
    capacity: str = "full"            # full | limited | none
    guardian_index: int | None = None


def age_on(id_number: str, today: date) -> int | None:
    number = normalize_id_number(id_number or "")
    if len(number) != 18:
        return None
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_adult(member: MemberFacts, today: date) -> bool:
    age = age_on(member.id_number, today) if member.id_number else None
    return age is not None and age >= ADULT_AGE


def signs_for_self(member: MemberFacts, today: date) -> bool:
    return is_adult(member, today) and member.capacity == "full"


@dataclass(frozen=True)
class Signature:
    """One authorization request: `member_index` consents, `signer_index` signs."""

    member_index: int
    signer_index: int

    @property
    def by_guardian(self) -> bool:
        return self.member_index != self.signer_index


def required_signatures(members: list[MemberFacts], today: date) -> list[Signature]:
    """Every member living together consents; minors and members without full capacity through their guardian."""
    signatures = []
    for member in members:
        if not member.lives_together:
            continue
        signer = member.index if signs_for_self(member, today) else member.guardian_index
        signatures.append(Signature(member.index, signer))
    return signatures


# Completeness -----------------------------------------------------------------------------

# Evidence every application of a type must carry (kinds of document).
REQUIRED_DOCUMENTS = {
    AssistanceType.DIBAO_URBAN: ("id_card", "hukou_book"),
    AssistanceType.DIBAO_RURAL: ("id_card", "hukou_book"),
    AssistanceType.TEKUN: ("id_card", "hukou_book"),
    AssistanceType.LOW_INCOME: ("id_card", "hukou_book"),
    AssistanceType.TEMPORARY: ("id_card",),
}


@dataclass
class Problems:
    """Field → reasons, in Chinese, as the error envelope wants them."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, reason: str) -> None:
        self.by_field.setdefault(name, []).append(reason)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def completeness_problems(assistance_type: str, members: list[MemberFacts], document_kinds: set[str],
                          *, region_known: bool, today: date) -> Problems:
    problems = Problems()
    if not region_known:
        problems.add("region_code", "申请地区不存在")
    if not members:
        problems.add("household.members", "请至少填写申请人本人")
    by_index = {member.index: member for member in members}
    for member in members:
        where = f"household.members.{member.index}"
        if not member.id_number:
            problems.add(f"{where}.id_number", "请填写身份证号码")
            continue
        if signs_for_self(member, today):
            if not member.phone:
                problems.add(f"{where}.phone", "成年家庭成员须留手机号码，用于本人授权")
        elif member.lives_together:
            guardian = by_index.get(member.guardian_index)
            if guardian is None or guardian.index == member.index:
                problems.add(f"{where}.guardian_member_index", "未成年人或无完全民事行为能力的成员须指定监护人")
            elif not signs_for_self(guardian, today) or not guardian.phone:
                problems.add(f"{where}.guardian_member_index", "监护人须为有完全民事行为能力并留有手机号码的成年成员")
    if members and members[0].relation != "self":
        problems.add("household.members.0.relation", "第一位成员须为申请人本人（relation 为 self）")
    for kind in REQUIRED_DOCUMENTS[AssistanceType(assistance_type)]:
        if kind not in document_kinds:
            problems.add("documents", f"缺少证明材料：{DOCUMENT_NAMES[kind]}")
    return problems


DOCUMENT_NAMES = {
    "id_card": "身份证", "hukou_book": "户口簿", "disability_certificate": "残疾证",
    "medical_record": "病历或诊断证明", "income_proof": "收入证明", "other": "其他材料",
}


# What the applicant reads ---------------------------------------------------------------

STAGE_TEXT = {
    Status.DRAFT: "草稿，尚未提交",
    Status.SUBMITTED: "已提交申请",
    Status.AUTHORIZING: "等待家庭成员授权",
    Status.CHECKING: "家庭经济状况核对中",
    Status.VILLAGE_REVIEW: "村（社区）审核中",
    Status.TOWNSHIP_CONFIRMATION: "乡镇（街道）确认中",
    Status.DISTRICT_FILING: "区县民政部门审批备案中",
    Status.APPROVED: "已批准",
    Status.REJECTED: "未获批准",
    Status.RETURNED: "已退回，需要补充材料",
    Status.RESUBMITTED: "已补充材料，等待重新审核",
    Status.WITHDRAWN: "已撤回",
    Status.REVOKED: "救助已撤销",
}

NEXT_STEP = {
    Status.DRAFT: "请完善家庭成员和证明材料，确认告知承诺后提交申请",
    Status.AUTHORIZING: "请邀请尚未授权的家庭成员扫码完成授权",
    Status.RETURNED: "请按退回意见补充材料后重新提交",
    Status.APPROVED: "无需操作，救助金将按月发放",
    Status.REJECTED: "如有异议，可在收到决定后依法申请复核",
    Status.WITHDRAWN: "申请已结束",
    Status.REVOKED: "如有异议，可依法申请复核、行政复议或提起行政诉讼",
}
WAITING = "无需操作，请耐心等待审核结果"

# National defaults in working days (最低生活保障审核确认办法, 2021): a region may set its own
# as policy parameters named time_limit_<type> (seed 001 decides in 15).
NATIONAL_TIME_LIMITS = {
    AssistanceType.DIBAO_URBAN: 25, AssistanceType.DIBAO_RURAL: 25, AssistanceType.TEKUN: 25,
    AssistanceType.LOW_INCOME: 25, AssistanceType.TEMPORARY: 25,
}
SMALL_TEMPORARY_DAYS = 3        # ≤ temporary_small_limit yuan: the township decides alone (seed 003)


def time_limit_name(assistance_type: str) -> str:
    return f"time_limit_{assistance_type}"


def authorization_progress(signed: int, total: int) -> str:
    return f"家庭成员授权 {signed}/{total} 已完成"
