"""Decisions at the three review levels (村居审核、镇街确认、区级备案, seed 001): who may decide what,
and what a decision must carry. Pure: the service hands in the case's facts."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.applications.domain import CLOSED, REVIEW_STAGES, STAGE_ROLE, Action, AssistanceType, ReviewPath, Status

OUTCOMES = ("approve", "reject", "return")          # what a caseworker decides at a step
RECORDED_OUTCOMES = (*OUTCOMES, "revoke")             # and the district's revocation (失信), also a decision
OUTCOME_ACTION = {"approve": Action.APPROVE, "reject": Action.REJECT, "return": Action.RETURN}
STEP_TEXT = {Status.VILLAGE_REVIEW: "村（居）审核", Status.TOWNSHIP_CONFIRMATION: "乡镇（街道）确认",
             Status.DISTRICT_FILING: "县（区）备案"}
OUTCOME_TEXT = {"approve": "通过", "reject": "不予批准", "return": "退回补充材料", "revoke": "撤销救助"}
STEPS = tuple(stage.value for stage in REVIEW_STAGES)
# The caseworkers' queue: authorizing too, since the village confirms each signature as it comes in.
QUEUE_STAGES = (Status.AUTHORIZING.value, Status.CHECKING.value, *STEPS)
MAX_MONTHLY_AMOUNT = Decimal("100000")   # a typo guard, far above any household's allowance


@dataclass(frozen=True)
class DecisionRequest:
    step: str
    outcome: str
    reason: str | None = None
    amount: Decimal | None = None
    items: tuple[str, ...] = ()        # what the applicant must add, for a return


@dataclass(frozen=True)
class CaseFacts:
    status: str
    region_code: str
    suggested_amount: Decimal | None   # from the newest check report, None when there is none
    visited: bool                      # a home visit (入户调查) is on file
    visit_waived: bool                 # the region's rules let the township confirm without one
    path: str = ReviewPath.STANDARD
    small_limit: Decimal | None = None  # temporary_small_limit in force, for the township-alone path


class OutOfTurn(Exception):
    """The case is not at this step (409)."""


class WrongLevel(Exception):
    """The step belongs to another level (403)."""


def wrong_level(step: str, role: str) -> bool:
    return STAGE_ROLE[Status(step)] != role


def decision_problems(request: DecisionRequest, case: CaseFacts) -> dict[str, list[str]]:
    """Every field that is wrong (422): reasons, the return list, the amount and its reason.

    Turn and level are checked first by `check_turn`; this is about what the decision says."""
    problems: dict[str, list[str]] = {}
    reason = (request.reason or "").strip()
    if request.outcome in ("reject", "return") and len(reason) < 4:
        problems["reason"] = ["不予批准或退回时须写明理由（至少4个字）"]
    if request.outcome == "return" and not [item for item in request.items if item.strip()]:
        problems["items"] = ["退回时须列出申请人需要补充的材料"]
    if request.amount is not None:
        if request.outcome != "approve":
            problems["amount"] = ["只有通过时才能填写保障金额"]
        elif not Decimal("0") < request.amount <= MAX_MONTHLY_AMOUNT:
            problems["amount"] = [f"保障金额须大于0且不超过{MAX_MONTHLY_AMOUNT}元"]
        elif case.suggested_amount is not None and request.amount != case.suggested_amount and len(reason) < 4:
            problems["reason"] = [f"金额与核对报告测算的 {case.suggested_amount:.2f} 元不同，须写明理由"]
    granted = request.amount if request.amount is not None else case.suggested_amount
    if (request.outcome == "approve" and case.path == ReviewPath.SMALL_TEMPORARY and "amount" not in problems
            and (granted is None or case.small_limit is None or granted > case.small_limit)):
        problems["amount"] = [f"乡镇（街道）直接审批的小额临时救助金额须在 {case.small_limit or 0:.2f} 元以内"]
    return problems


def check_turn(request: DecisionRequest, case: CaseFacts, role: str) -> None:
    """The level whose step it is, while the case is at that step."""
    if wrong_level(request.step, role):
        raise WrongLevel()
    if case.status != request.step:
        raise OutOfTurn()


def needs_visit(request: DecisionRequest, case: CaseFacts) -> bool:
    """The township cannot confirm without a home visit unless the region waives it."""
    return (request.step == Status.TOWNSHIP_CONFIRMATION and request.outcome == "approve"
            and case.path == ReviewPath.STANDARD and not case.visited and not case.visit_waived)


def decision_action(request: DecisionRequest, case: CaseFacts) -> Action:
    """On the small-temporary path the township's approval is the final one (seed 003)."""
    if request.outcome == "approve" and case.path == ReviewPath.SMALL_TEMPORARY:
        return Action.APPROVE_ALONE
    return OUTCOME_ACTION[request.outcome]


def granted_amount(request: DecisionRequest, case: CaseFacts) -> Decimal | None:
    """What an approval grants: the worker's amount, else the engine's suggestion."""
    if request.outcome != "approve":
        return None
    return request.amount if request.amount is not None else case.suggested_amount


# 先行救助 (assist first, paperwork later; seed 003) -------------------------------------------

ASSIST_FIRST_FILE_DAYS = 15      # working days to complete the file; a region may set assist_first_file_days
ASSIST_FIRST_ROLE = "township_worker"


@dataclass(frozen=True)
class GrantFacts:
    assistance_type: str
    temporary_kind: str | None
    status: str
    granted_before: bool


def assist_first_refusal(case: GrantFacts) -> str | None:
    """Why a township may not grant emergency assistance first on this case, or None."""
    if case.assistance_type != AssistanceType.TEMPORARY or case.temporary_kind != "emergency":
        return "只有急难型临时救助可以先行救助"
    if case.status == Status.DRAFT or Status(case.status) in CLOSED:
        return "申请尚未提交或已办结，不能先行救助"
    if case.granted_before:
        return "该申请已经先行救助过"
    return None


def money_problems(amount: Decimal | None, reason: str | None, *, what: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if amount is None or not Decimal("0") < amount <= MAX_MONTHLY_AMOUNT:
        problems["amount"] = [f"{what}金额须大于0且不超过{MAX_MONTHLY_AMOUNT}元"]
    if len((reason or "").strip()) < 4:
        problems["reason"] = [f"须写明{what}的理由（至少4个字）"]
    return problems


def file_state(due_on: date, closed_on: date | None, today: date) -> str:
    """An assist-first file: complete once the case is decided, else due until its last day, then overdue."""
    if closed_on is not None:
        return "complete" if closed_on <= due_on else "completed_late"
    return "overdue" if today > due_on else "due"


# 失信 (a proven false declaration under the commitment system; seed 002) ------------------------

DISHONESTY_ROLES = frozenset({"township_worker", "district_worker"})
REVOKE_ROLE = "district_worker"


def dishonesty_refusal(status: str, *, proven: bool, revoke: bool) -> tuple[str, str] | None:
    """(field, reason) when a record may not be made: it needs a check report that contradicts the
    declaration (`proven`), and revoking needs an approved benefit."""
    if status == Status.DRAFT:
        return "status", "申请尚未提交"
    if not proven:
        return "check_id", "须有核对报告证明申报与核对结果不一致，才能记录失信"
    if revoke and status != Status.APPROVED:
        return "revoke", "只有已批准的救助可以撤销"
    return None
