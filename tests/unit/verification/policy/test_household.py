"""HH rules: who is counted, and when a severely disabled or ill adult is assessed alone (单人户)."""
from datetime import date
from decimal import Decimal

import pytest

from app.verification.policy.rules.household import living_together, single_person
from tests.unit.verification.policy.builders import facts, params, person


@pytest.mark.parametrize("members, counted, outcome", [
    pytest.param((person(0), person(1), person(2)), (0, 1, 2), "info", id="everyone living together counts"),
    pytest.param((person(0), person(1, lives_together=False), person(2)), (0, 2), "info",
                 id="a member working in another city is not counted"),
    pytest.param((person(0, lives_together=False), person(1)), (0, 1), "info", id="the applicant always counts"),
    pytest.param((), (), "missing", id="no members: missing, not an empty household"),
])
def test_members_living_together_are_counted(members, counted, outcome):
    got, findings = living_together(facts(members=members))
    assert got == counted
    assert [f.outcome for f in findings] == [outcome]


def test_members_left_out_are_named():
    _counted, [finding] = living_together(facts(members=(person(0), person(1, lives_together=False))))
    assert "成员2 不共同生活，不计入" in finding.explanation


# The household's per-capita income against 2 × 630.00 = 1260.00.
@pytest.mark.parametrize("applicant, household_income, without, applies, outcome", [
    pytest.param(person(0, disability_grade=1), "900.00", (), True, "pass", id="grade 1 within 2x: alone"),
    pytest.param(person(0, serious_illness=True), "1260.00", (), True, "pass", id="serious illness at 2x: alone"),
    pytest.param(person(0, disability_grade=2), "1260.01", (), False, "info", id="above 2x: the household"),
    pytest.param(person(0, disability_grade=1, born=date(2012, 1, 1)), "900.00", (), False, "info",
                 id="a minor is not assessed alone"),
    pytest.param(person(0, disability_grade=1, born=None), "900.00", (), False, "missing",
                 id="no birth date: missing"),
    pytest.param(person(0, disability_grade=1), "900.00", ("single_household_multiple",), False, "missing",
                 id="multiple not configured: missing"),
])
def test_single_person_household(applicant, household_income, without, applies, outcome):
    p = params(without=without)
    household = facts(members=(applicant, person(1), person(2)))
    alone, findings = single_person(household, p, (0, 1, 2), Decimal(household_income), p["dibao_rural_standard"])
    assert alone is applies
    assert [f.outcome for f in findings] == [outcome]


@pytest.mark.parametrize("applicant, living", [
    pytest.param(person(0, disability_grade=3), (0, 1), id="grade 3 is not severe"),
    pytest.param(person(0, disability_grade=1), (0,), id="living alone already"),
])
def test_single_person_rule_is_silent_when_it_cannot_apply(applicant, living):
    p = params()
    alone, findings = single_person(facts(members=(applicant, person(1))), p, living, Decimal("900"),
                                    p["dibao_rural_standard"])
    assert (alone, findings) == (False, [])


def test_single_person_explanation_shows_the_ceiling_and_its_sources():
    p = params()
    _alone, [finding] = single_person(facts(members=(person(0, disability_grade=1), person(1))), p, (0, 1),
                                      Decimal("666.67"), p["dibao_rural_standard"])
    assert "45 周岁" in finding.explanation
    assert "666.67 元 ≤ 当地农村低保标准 630.00 元/人·月" in finding.explanation
    assert "单人户家庭收入倍数 2 倍（区划 610300000000 规定，2026-01-01 起执行） = 1260.00 元" in finding.explanation
