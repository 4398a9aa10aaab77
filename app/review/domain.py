"""Decisions at the three review levels (村居审核、镇街确认、区级备案, seed 001): who may decide what,
and what a decision must carry. Pure: the service hands in the case's facts."""
from dataclasses import dataclass
from decimal import Decimal

from app.applications.domain import REVIEW_STAGES, STAGE_ROLE, Action, Status

OUTCOMES = ("approve", "reject", "return")
OUTCOME_ACTION = {"approve": Action.APPROVE, "reject": Action.REJECT, "return": Action.RETURN}
STEP_TEXT = {Status.VILLAGE_REVIEW: "村（居）审核", Status.TOWNSHIP_CONFIRMATION: "乡镇（街道）确认",
             Status.DISTRICT_FILING: "县（区）备案"}
OUTCOME_TEXT = {"approve": "通过", "reject": "不予批准", "return": "退回补充材料"}
STEPS = tuple(stage.value for stage in REVIEW_STAGES)
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
            and not case.visited and not case.visit_waived)


def granted_amount(request: DecisionRequest, case: CaseFacts) -> Decimal | None:
    """What an approval grants: the worker's amount, else the engine's suggestion."""
    if request.outcome != "approve":
        return None
    return request.amount if request.amount is not None else case.suggested_amount
