"""ELG rules through the engine: 低保, 渐退, 特困, 低收入 and 临时救助, and how findings combine."""
from datetime import date
from decimal import Decimal

import pytest

from app.verification.policy.engine import evaluate
from tests.unit.verification.policy.builders import asset, facts, family, income, outcomes, params, person

OLD = date(1950, 1, 1)       # 76 on 1 March 2026


def wages(total: str):
    return [income(1, "wages", total)]


@pytest.mark.parametrize("household, without, outcome, amount, codes", [
    pytest.param(facts(incomes=wages("1536.00")), (), "eligible", "354.00", {"ELG-001": "pass", "ELG-003": "info"},
                 id="dibao: 512.00 below 630.00, the gap for three"),
    pytest.param(facts(incomes=wages("1890.00")), (), "ineligible", None, {"ELG-001": "fail"},
                 id="dibao: at the standard is not below it"),
    pytest.param(facts(incomes=wages("1536.00")), ("dibao_rural_standard",), "undetermined", None,
                 {"ELG-001": "missing"}, id="dibao: standard not configured"),
    pytest.param(facts("dibao_urban", incomes=wages("2400.00"), hukou_type="urban"), (), "eligible", "90.00",
                 {"ELG-001": "pass"}, id="dibao: urban hukou, urban standard 830.00"),
    pytest.param(facts(incomes=wages("1536.00"), hukou_type="collective"), (), "undetermined", None,
                 {"ELG-001": "missing"}, id="dibao: unknown hukou type"),
    pytest.param(facts(incomes=wages("1536.00"), assets=[asset("vehicle", value="80000.00")]), (), "ineligible",
                 None, {"ELG-001": "pass", "AST-002": "fail"}, id="dibao: income passes, a vehicle fails"),
    pytest.param(facts(incomes=wages("1536.00"), assets=[asset("home")]), (), "undetermined", None,
                 {"ELG-001": "pass", "AST-003": "missing"}, id="dibao: a missing figure is never a silent pass"),
    # 渐退: enrolled, 630.00 ≤ per capita < 1260.00.
    pytest.param(facts(incomes=wages("2400.00"), enrolled=True), (), "gradual_exit", None,
                 {"ELG-001": "info", "ELG-002": "pass"}, id="gradual exit: 800.00 between 1x and 2x"),
    pytest.param(facts(incomes=wages("3780.00"), enrolled=True), (), "ineligible", None, {"ELG-002": "fail"},
                 id="gradual exit: 1260.00 is not below 2x"),
    pytest.param(facts(incomes=wages("2400.00"), enrolled=True), ("gradual_exit_months",), "undetermined", None,
                 {"ELG-002": "missing"}, id="gradual exit: period not configured"),
    pytest.param(facts(incomes=wages("2400.00")), (), "ineligible", None, {"ELG-001": "fail"},
                 id="gradual exit: only for a household already enrolled"),
    # 特困: the applicant alone.
    pytest.param(facts("tekun", members=(person(0, born=OLD), person(1))), (), "eligible", "1000.00",
                 {"ELG-004": "pass", "ELG-005": "pass", "ELG-006": "pass"}, id="tekun: 76, no income"),
    pytest.param(facts("tekun", members=(person(0, disability_grade=2),), incomes=[income(0, "other", "1000.00")]),
                 (), "eligible", "1000.00", {"ELG-004": "pass"}, id="tekun: grade 2, income at the standard"),
    pytest.param(facts("tekun", members=(person(0, capacity="none"),), incomes=[income(0, "other", "1000.01")]),
                 (), "ineligible", None, {"ELG-005": "fail"}, id="tekun: income above the standard"),
    pytest.param(facts("tekun", members=(person(0),)), (), "ineligible", None, {"ELG-004": "fail"},
                 id="tekun: 45 and able to work"),
    pytest.param(facts("tekun", members=(person(0, born=None),)), (), "undetermined", None, {"ELG-004": "missing"},
                 id="tekun: no birth date"),
    pytest.param(facts("tekun", members=(person(0, born=date(2014, 1, 1)),)), (), "eligible", "1000.00",
                 {"ELG-004": "pass"}, id="tekun: a child under 16"),
    pytest.param(facts("tekun", members=(person(0, born=OLD),), incomes=[income(0, "support", "300.00", age=50)]),
                 (), "ineligible", None, {"ELG-006": "fail"}, id="tekun: a 50-year-old supporter pays support"),
    pytest.param(facts("tekun", members=(person(0, born=OLD),), incomes=[income(0, "support", "300.00", age=75)]),
                 (), "eligible", "1000.00", {"ELG-006": "pass"}, id="tekun: the only supporter is 75"),
    pytest.param(facts("tekun", members=(person(0, born=OLD),)), ("tekun_rural_standard",), "undetermined", None,
                 {"ELG-005": "missing"}, id="tekun: standard not configured"),
    # 低收入: 630.00 ≤ per capita ≤ 945.00.
    pytest.param(facts("low_income", incomes=wages("2400.00")), (), "eligible", None, {"ELG-007": "pass"},
                 id="low income: 800.00 within 1.5x"),
    pytest.param(facts("low_income", incomes=wages("2835.03")), (), "ineligible", None, {"ELG-007": "fail"},
                 id="low income: above 1.5x"),
    pytest.param(facts("low_income", incomes=wages("900.00")), (), "ineligible", None, {"ELG-007": "fail"},
                 id="low income: below the dibao standard"),
    pytest.param(facts("low_income", incomes=wages("2400.00")), ("low_income_multiple",), "undetermined", None,
                 {"ELG-007": "missing"}, id="low income: multiple not configured"),
    # 临时救助: the caseworker decides.
    pytest.param(facts("temporary", incomes=wages("100.00")), (), "undetermined", None, {"ELG-008": "info"},
                 id="temporary: always for the caseworker"),
    pytest.param(facts("temporary"), ("temporary_small_limit",), "undetermined", None, {"ELG-008": "missing"},
                 id="temporary: small limit not configured"),
    pytest.param(facts("housing"), (), "undetermined", None, {"ELG-000": "missing"}, id="unknown assistance type"),
])
def test_eligibility(household, without, outcome, amount, codes):
    assessment = evaluate(household, params(without=without))
    assert assessment.outcome == outcome
    assert assessment.suggested_monthly_amount == (None if amount is None else Decimal(amount))
    assert codes.items() <= outcomes(assessment.findings).items()


def test_gradual_exit_says_the_allowance_continues_six_months():
    assessment = evaluate(facts(incomes=wages("2400.00"), enrolled=True), params())
    assert "原低保待遇和优惠扶持政策再维持 6 个月" in assessment.trace[-1]
    assert "渐退期 6 个月（区划 610300000000 规定，2026-01-01 起执行）" in assessment.trace[-1]


def test_low_income_below_the_standard_points_to_dibao():
    assessment = evaluate(facts("low_income", incomes=wages("900.00")), params())
    assert "可直接申请农村低保" in assessment.trace[-1]


def test_suggested_amount_uses_the_per_capita_figure_shown():
    # 1000.00 ÷ 3 = 333.33 shown; (630.00 − 333.33) × 3 = 890.01, the figure a reader recomputes.
    assessment = evaluate(facts(incomes=wages("1000.00")), params())
    assert (assessment.per_capita_income, assessment.suggested_monthly_amount) == (Decimal("333.33"),
                                                                                   Decimal("890.01"))
    assert assessment.trace[-1] == ("（当地农村低保标准 630.00 元/人·月（区划 610300000000 规定，2026-01-01 起执行） − "
                                    "月人均收入 333.33 元）× 3 人 = 890.01 元/月（估算，不含各类补贴）")


def test_no_amount_unless_eligible():
    assessment = evaluate(facts(incomes=wages("1536.00"), assets=[asset("vehicle", value="80000.00")]), params())
    assert "ELG-003" not in outcomes(assessment.findings)


def test_tekun_counts_only_the_applicant():
    household = facts("tekun", members=(person(0, born=OLD), person(1), person(2)), incomes=wages("5000.00"))
    assessment = evaluate(household, params())
    assert assessment.counted_members == (0,)
    assert assessment.per_capita_income == Decimal("0.00")


def test_dibao_household_members_are_counted_for_the_amount():
    assessment = evaluate(facts(members=family(4), incomes=wages("2000.00")), params())
    assert (assessment.counted_members, assessment.suggested_monthly_amount) == ((0, 1, 2, 3), Decimal("520.00"))
