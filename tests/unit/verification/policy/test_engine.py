"""The engine end to end: the case of 杨某 (seed 000), the single-person household, facts from a declaration."""
from datetime import date
from decimal import Decimal

import pytest

from app.verification.policy.engine import evaluate, facts_from_declaration
from tests.unit.verification.policy.builders import ON, facts, income, outcomes, params, person

# Seed 000: 杨某, 52, severely disabled, lives with his father (82, retired) and mother (79) on the
# father's pension; as a household they are above the rural standard. His parents' support is owed
# by supporters aged 70 or over and is exempted 100%, so assessed alone (单人户) his income is 0.
YANG = [
    {"index": 0, "name": "杨某", "id_number": "610303197303150016", "relation": "self", "lives_together": True,
     "hukou_type": "rural", "disability_grade": 1, "serious_illness": False, "employment": "unable_to_work",
     "capacity": "limited"},
    {"index": 1, "name": "杨父", "id_number": "610324194405100026", "relation": "parent", "lives_together": True,
     "hukou_type": "rural", "disability_grade": None, "serious_illness": False, "employment": "retired",
     "capacity": "full"},
    {"index": 2, "name": "杨母", "id_number": "610324194708200040", "relation": "parent", "lives_together": True,
     "hukou_type": "rural", "disability_grade": None, "serious_illness": False, "employment": "retired",
     "capacity": "full"},
]
YANG_DECLARED = {   # as stored: JSON, money as strings
    "incomes": [{"member_index": 1, "kind": "pension_transfer", "monthly_amount": "2000.00"},
                {"member_index": 0, "kind": "support", "monthly_amount": "400.00", "supporter_age": 82},
                {"member_index": 0, "kind": "support", "monthly_amount": "300.00", "supporter_age": 79}],
    "assets": {"homes": [{"member_index": 1, "area_m2": "95.00"}], "vehicles": [], "deposits": [],
               "securities": [], "business_registrations": []},
    "expenditures": [],
}


def yang(**overrides):
    return evaluate(facts_from_declaration("dibao_rural", "rural", ON, YANG, YANG_DECLARED), params(**overrides))


def test_yang_is_eligible_once_support_from_supporters_over_70_is_exempted():
    assessment = yang()
    assert assessment.outcome == "eligible"
    assert assessment.counted_members == (0,)
    assert assessment.per_capita_income == Decimal("0.00")
    assert assessment.suggested_monthly_amount == Decimal("630.00")
    trace = "\n".join(assessment.trace)
    # The household: (2000 + 700 − 700 exempted) ÷ 3 = 666.67, above 630.00 but within 2 × 630.00.
    assert "家庭月人均收入 = （收入 2700.00 − 豁免 700.00 − 刚性支出 0.00 − 就业成本 0.00）元 ÷ 3 人 = 666.67 元" in trace
    assert "申请人 52 周岁、重度残疾（1-2级）、与家人共同生活；家庭月人均收入 666.67 元 ≤" in trace
    # Alone: only his own income, the support, all exempted.
    assert "赡养人 82 周岁 ≥ 赡养（扶养）费全额豁免年龄 70 周岁（区划 610300000000 规定，2026-01-01 起执行）" in trace
    assert "赡养人 79 周岁 ≥ 赡养（扶养）费全额豁免年龄 70 周岁" in trace
    assert "单人户月人均收入 = （收入 700.00 − 豁免 700.00 − 刚性支出 0.00 − 就业成本 0.00）元 ÷ 1 人 = 0.00 元" in trace
    assert "月人均收入 0.00 元 < 当地农村低保标准 630.00 元/人·月（区划 610300000000 规定，2026-01-01 起执行）" in trace


def test_yang_is_ineligible_without_the_exemption():
    # A rule exempting only supporters of 85 or more: his parents' 700.00 counts, 700.00 ≥ 630.00.
    assessment = yang(support_exempt_age="85")
    assert assessment.outcome == "ineligible"
    assert assessment.counted_members == (0,)
    assert assessment.per_capita_income == Decimal("700.00")
    assert assessment.suggested_monthly_amount is None
    assert "月人均收入 700.00 元 ≥ 当地农村低保标准 630.00 元/人·月" in assessment.trace[-1]


def test_yang_household_would_be_ineligible_without_the_single_person_rule():
    alone_impossible = [dict(m, disability_grade=None) for m in YANG]
    assessment = evaluate(facts_from_declaration("dibao_rural", "rural", ON, alone_impossible, YANG_DECLARED),
                          params())
    assert (assessment.outcome, assessment.counted_members) == ("ineligible", (0, 1, 2))
    assert assessment.per_capita_income == Decimal("666.67")


def test_a_household_below_the_standard_is_not_split():
    household = facts(members=(person(0, disability_grade=1), person(1), person(2)),
                      incomes=[income(1, "wages", "1500.00")])
    assessment = evaluate(household, params())
    assert assessment.counted_members == (0, 1, 2)
    assert "HH-002" not in outcomes(assessment.findings)


def test_single_person_household_undetermined_without_the_birth_date():
    members = [dict(YANG[0], id_number=None), *YANG[1:]]
    assessment = evaluate(facts_from_declaration("dibao_rural", "rural", ON, members, YANG_DECLARED), params())
    assert assessment.outcome == "undetermined"
    assert outcomes(assessment.findings)["HH-002"] == "missing"


def test_trace_is_the_explanations_in_order():
    assessment = yang()
    assert assessment.trace == [f.explanation for f in assessment.findings]
    assert [f.code for f in assessment.findings][:3] == ["HH-001", "INC-001", "INC-002"]


# facts_from_declaration ------------------------------------------------------------------------

def test_declaration_becomes_facts():
    declared = {"incomes": [{"member_index": 0, "kind": "wages", "monthly_amount": Decimal("300.5")}],
                "assets": {"homes": [{"member_index": None, "area_m2": Decimal("80")}],
                           "vehicles": [{"member_index": 1, "value": "20000.00"}],
                           "deposits": [{"member_index": 0, "value": "100.00"}],
                           "securities": [{"member_index": 0, "value": "50.00"}],
                           "business_registrations": [{"member_index": 1, "name": "小卖部"}]},
                "expenditures": [{"kind": "medical", "monthly_amount": "120.00"}]}
    members = [{"name": "李四", "relation": "spouse", "employment": "farming", "hukou_type": "rural"},
               {"name": "张三", "relation": "self", "id_number": "610324199001011230", "employment": "employed",
                "hukou_type": "rural", "lives_together": False}]
    got = facts_from_declaration("low_income", "rural", ON, members, declared, enrolled=True)
    assert got.applicant_index == 1 and got.enrolled
    assert got.members[1].birth_date == date(1990, 1, 1) and got.members[0].birth_date is None
    assert not got.members[1].lives_together and got.members[0].capacity == "full"
    assert got.incomes[0].monthly_amount == Decimal("300.5") and got.incomes[0].source == "declared"
    assert [(a.kind, a.member_index, a.value, a.area_m2) for a in got.assets] == [
        ("home", None, None, Decimal("80")), ("vehicle", 1, Decimal("20000.00"), None),
        ("deposit", 0, Decimal("100.00"), None), ("security", 0, Decimal("50.00"), None),
        ("business", 1, None, None)]
    assert got.expenditures[0].monthly_amount == Decimal("120.00")


@pytest.mark.parametrize("id_number", [None, "", "610324199001011231", "61032419900101123"])
def test_no_birth_date_from_an_invalid_id_number(id_number):
    members = [{"name": "张三", "relation": "self", "id_number": id_number, "employment": "farming"}]
    assert facts_from_declaration("dibao_rural", "rural", ON, members, {}).members[0].birth_date is None


def test_empty_declaration_is_an_empty_household_economy():
    members = [{"name": "张三", "relation": "self", "employment": "farming"}]
    got = facts_from_declaration("dibao_rural", "rural", ON, members, {})
    assert (got.incomes, got.assets, got.expenditures) == ((), (), ())
