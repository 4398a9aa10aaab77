"""INC rules: per-capita income after exempted support, rigid spending and employment costs."""
from decimal import Decimal

import pytest

from app.verification.policy.rules.income import per_capita_income
from tests.unit.verification.policy.builders import facts, income, outcomes, params, person, spending

THREE = (0, 1, 2)


@pytest.mark.parametrize("members, incomes, expenditures, without, expected, codes", [
    pytest.param(None, [income(1, "wages", "1500.00")], [], (), "500.00",
                 {"INC-001": "info", "INC-005": "info"}, id="wages shared by three"),
    pytest.param(None, [income(0, "other", "1000.00")], [], (), "333.33", {"INC-005": "info"},
                 id="rounded to cents"),
    pytest.param(None, [income(0, "other", "0.01")], [], (), "0.00", {"INC-005": "info"},
                 id="a third of a cent rounds down"),
    pytest.param((person(0), person(1)), [income(0, "other", "0.01")], [], (), "0.01", {"INC-005": "info"},
                 id="half a cent rounds up"),
    pytest.param(None, [income(0, "support", "600.00", age=70)], [], (), "0.00", {"INC-002": "info"},
                 id="support from a 70-year-old is exempted"),
    pytest.param(None, [income(0, "support", "600.00", age=69)], [], (), "200.00", {"INC-002": "info"},
                 id="support from a 69-year-old counts"),
    pytest.param(None, [income(0, "support", "600.00")], [], (), None, {"INC-002": "missing"},
                 id="support without the supporter's age: missing"),
    pytest.param(None, [income(0, "support", "600.00", age=80)], [], ("support_exempt_age",), None,
                 {"INC-002": "missing"}, id="exempt age not configured: missing"),
    pytest.param(None, [income(1, "wages", "1500.00")], [spending("medical", "300.00"), spending("education", "150")],
                 (), "350.00", {"INC-003": "info"}, id="rigid spending deducted"),
    pytest.param(None, [income(1, "wages", "300.00")], [spending("housing", "900.00")], (), "0.00", {},
                 id="never below zero"),
    pytest.param((person(0), person(1, employment="employed"), person(2)), [income(1, "wages", "1500.00")], [], (),
                 "450.00", {"INC-004": "info"}, id="employment cost deducted per working member"),
    pytest.param((person(0), person(1, employment="self_employed"), person(2)), [income(1, "business", "90.00")],
                 [], (), "0.00", {"INC-004": "info"}, id="employment cost capped by what the work earns"),
    pytest.param((person(0), person(1, employment="employed"), person(2)), [income(1, "wages", "1500.00")], [],
                 ("employment_cost_deduction",), None, {"INC-004": "missing"},
                 id="employment cost not configured: missing"),
    pytest.param((person(0), person(1, lives_together=False), person(2)), [income(1, "wages", "3000.00")], [], (),
                 "0.00", {"INC-001": "info"}, id="a member living elsewhere: income not counted"),
])
def test_per_capita_income(members, incomes, expenditures, without, expected, codes):
    household = facts(members=members, incomes=incomes, expenditures=expenditures)
    counted = tuple(p.index for p in household.members if p.lives_together)
    result = per_capita_income(household, counted, params(without=without))
    assert result.per_capita == (None if expected is None else Decimal(expected))
    assert codes.items() <= outcomes(result.findings).items()


def test_support_exemption_explains_age_and_its_parameter():
    result = per_capita_income(facts(incomes=[income(0, "support", "700.00", age=82)]), THREE, params())
    exemption = next(f for f in result.findings if f.code == "INC-002")
    assert exemption.explanation == ("成员1 获得的赡养（扶养）费 700.00 元/月，赡养人 82 周岁 ≥ 赡养（扶养）费全额豁免年龄 "
                                     "70 周岁（区划 610300000000 规定，2026-01-01 起执行），全额豁免，不计入收入")
    assert exemption.values["exempt"] == "true"


def test_per_capita_explanation_is_the_whole_formula():
    household = facts(members=(person(0), person(1, employment="employed"), person(2)),
                      incomes=[income(1, "wages", "1800.00")], expenditures=[spending("medical", "200.00")])
    result = per_capita_income(household, THREE, params())
    assert result.findings[-1].explanation == (
        "家庭月人均收入 = （收入 1800.00 − 豁免 0.00 − 刚性支出 200.00 − 就业成本 150.00）元 ÷ 3 人 = 483.33 元")
    assert result.findings[-1].values["per_capita_income"] == "483.33"


def test_nobody_counted_gives_no_figure():
    assert per_capita_income(facts(), (), params()).per_capita is None
