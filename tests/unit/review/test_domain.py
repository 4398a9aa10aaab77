"""Who decides which step, and what a decision must say (pure rules)."""
from datetime import date
from decimal import Decimal

import pytest

from app.applications.domain import Action
from app.review.domain import (CaseFacts, DecisionRequest, GrantFacts, OutOfTurn, WrongLevel, assist_first_refusal,
                               check_turn, decision_action, decision_problems, dishonesty_refusal, file_state,
                               granted_amount, money_problems, needs_visit)

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


# The fast paths ------------------------------------------------------------------------------

SMALL = CaseFacts(status="township_confirmation", region_code="610324106201", suggested_amount=Decimal("400.00"),
                  visited=False, visit_waived=False, path="small_temporary", small_limit=Decimal("500.00"))


@pytest.mark.parametrize("amount, limit, problems", [
    (None, Decimal("500.00"), set()),                      # the amount asked for, within the limit
    (Decimal("500.00"), Decimal("500.00"), {"reason"}),    # at the limit, but changed without a reason
    (Decimal("600.00"), Decimal("500.00"), {"amount", "reason"}),   # above: not the township's alone
    (None, None, {"amount"}),                              # no limit in force: never township-alone
])
def test_the_township_alone_grants_no_more_than_the_small_limit(amount, limit, problems):
    case = CaseFacts(**{**vars(SMALL), "small_limit": limit})
    request = DecisionRequest(step="township_confirmation", outcome="approve", amount=amount)
    assert set(decision_problems(request, case)) == problems


@pytest.mark.parametrize("path, outcome, action", [
    ("small_temporary", "approve", Action.APPROVE_ALONE),
    ("small_temporary", "reject", Action.REJECT),
    ("commitment", "approve", Action.APPROVE),
    ("standard", "approve", Action.APPROVE),
    ("standard", "return", Action.RETURN),
])
def test_the_small_temporary_approval_is_final(path, outcome, action):
    case = CaseFacts(**{**vars(SMALL), "path": path})
    assert decision_action(DecisionRequest(step="township_confirmation", outcome=outcome), case) == action


@pytest.mark.parametrize("path, visited, waived, needed", [
    ("standard", False, False, True),
    ("standard", True, False, False),
    ("standard", False, True, False),
    ("small_temporary", False, False, False),
    ("commitment", False, False, False),      # the simplified review needs no visit
])
def test_which_paths_need_a_home_visit(path, visited, waived, needed):
    case = CaseFacts(**{**vars(SMALL), "path": path, "visited": visited, "visit_waived": waived})
    assert needs_visit(DecisionRequest(step="township_confirmation", outcome="approve"), case) is needed


@pytest.mark.parametrize("facts, refused", [
    (GrantFacts("temporary", "emergency", "authorizing", False), None),
    (GrantFacts("temporary", "emergency", "submitted", False), None),
    (GrantFacts("temporary", "expenditure", "authorizing", False), "急难型"),
    (GrantFacts("dibao_rural", None, "village_review", False), "急难型"),
    (GrantFacts("temporary", "emergency", "draft", False), "尚未提交"),
    (GrantFacts("temporary", "emergency", "approved", False), "已办结"),
    (GrantFacts("temporary", "emergency", "authorizing", True), "已经先行救助"),
])
def test_who_may_be_assisted_first(facts, refused):
    reason = assist_first_refusal(facts)
    assert (reason is None) if refused is None else (refused in reason)


@pytest.mark.parametrize("amount, reason, problems", [
    (Decimal("800.00"), "火灾后无处安身", set()),
    (None, "火灾后无处安身", {"amount"}),
    (Decimal("0"), "火灾后无处安身", {"amount"}),
    (Decimal("100000.01"), "火灾后无处安身", {"amount"}),
    (Decimal("800.00"), "  急 ", {"reason"}),
    (Decimal("800.00"), None, {"reason"}),
])
def test_a_grant_says_how_much_and_why(amount, reason, problems):
    assert set(money_problems(amount, reason, what="先行救助")) == problems


DUE = date(2026, 10, 22)


@pytest.mark.parametrize("closed_on, today, state", [
    (None, date(2026, 10, 1), "due"),
    (None, DUE, "due"),                         # the last day still counts
    (None, date(2026, 10, 23), "overdue"),
    (date(2026, 10, 20), date(2026, 11, 30), "complete"),
    (date(2026, 10, 26), date(2026, 11, 30), "completed_late"),
])
def test_the_state_of_an_assist_first_file(closed_on, today, state):
    assert file_state(DUE, closed_on, today) == state


@pytest.mark.parametrize("status, proven, revoke, refused", [
    ("village_review", True, False, None),
    ("approved", True, True, None),
    ("approved", False, False, "check_id"),      # no report contradicts the declaration
    ("village_review", True, True, "revoke"),    # nothing granted yet to revoke
    ("draft", True, False, "status"),
])
def test_when_a_false_declaration_may_be_recorded(status, proven, revoke, refused):
    result = dishonesty_refusal(status, proven=proven, revoke=revoke)
    assert (result[0] if result else None) == refused
