"""Who decides which step, and what a decision must say (pure rules)."""
from decimal import Decimal

import pytest

from app.review.domain import (CaseFacts, DecisionRequest, OutOfTurn, WrongLevel, check_turn, decision_problems,
                               granted_amount, needs_visit)

CASE = CaseFacts(status="village_review", region_code="610324106201", suggested_amount=Decimal("330.00"),
                 visited=False, visit_waived=False)


@pytest.mark.parametrize("step, role, status, raised", [
    ("village_review", "village_worker", "village_review", None),
    ("village_review", "township_worker", "village_review", WrongLevel),     # another level's step
    ("township_confirmation", "township_worker", "village_review", OutOfTurn),  # not yet its turn
    ("district_filing", "district_worker", "approved", OutOfTurn),          # the case is closed
    ("district_filing", "village_worker", "district_filing", WrongLevel),
])
def test_the_level_whose_step_it_is(step, role, status, raised):
    request, case = DecisionRequest(step=step, outcome="approve"), CaseFacts(**{**vars(CASE), "status": status})
    if raised is None:
        check_turn(request, case, role)
    else:
        with pytest.raises(raised):
            check_turn(request, case, role)


@pytest.mark.parametrize("outcome, reason, amount, items, problems", [
    ("approve", None, None, (), set()),                                   # the suggestion stands
    ("approve", None, Decimal("330.00"), (), set()),                      # the same amount needs no reason
    ("approve", None, Decimal("400.00"), (), {"reason"}),              # changed without a reason
    ("approve", "家中有重病患者", Decimal("400.00"), (), set()),
    ("approve", None, Decimal("0"), (), {"amount"}),
    ("approve", "打错了", Decimal("100000.01"), (), {"amount"}),
    ("reject", None, None, (), {"reason"}),
    ("reject", "收入超过标准", None, (), set()),
    ("return", "材料不全", None, (), {"items"}),
    ("return", "材料不全", None, ("户口簿",), set()),
    ("return", "材料不全", Decimal("10"), ("户口簿",), {"amount"}),
    ("return", "  ", None, ("  ",), {"reason", "items"}),             # blanks are missing
])
def test_what_a_decision_must_say(outcome, reason, amount, items, problems):
    request = DecisionRequest(step="village_review", outcome=outcome, reason=reason, amount=amount, items=items)
    assert set(decision_problems(request, CASE)) == problems


def test_without_a_report_any_amount_is_the_workers():
    case = CaseFacts(**{**vars(CASE), "suggested_amount": None})
    request = DecisionRequest(step="village_review", outcome="approve", amount=Decimal("500.00"))
    assert decision_problems(request, case) == {} and granted_amount(request, case) == Decimal("500.00")
    assert granted_amount(DecisionRequest(step="village_review", outcome="approve"), case) is None


@pytest.mark.parametrize("step, outcome, visited, waived, needed", [
    ("township_confirmation", "approve", False, False, True),
    ("township_confirmation", "approve", True, False, False),
    ("township_confirmation", "approve", False, True, False),     # the region waives it
    ("township_confirmation", "return", False, False, False),     # a return needs no visit
    ("village_review", "approve", False, False, False),
])
def test_the_township_confirms_after_a_home_visit(step, outcome, visited, waived, needed):
    case = CaseFacts(**{**vars(CASE), "visited": visited, "visit_waived": waived})
    assert needs_visit(DecisionRequest(step=step, outcome=outcome), case) is needed


def test_an_approval_grants_the_suggestion_unless_changed():
    assert granted_amount(DecisionRequest(step="village_review", outcome="approve"), CASE) == Decimal("330.00")
    assert granted_amount(DecisionRequest(step="village_review", outcome="reject", reason="x" * 4), CASE) is None
