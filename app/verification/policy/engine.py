"""Applying the rules to a household: who counts, what they earn, what they own, what they qualify for.

Pure: the caller loads the facts and the parameters in force (see verification.services) and
stores or shows the assessment. The outcome is never better than the evidence: a missing
figure makes it "undetermined", a failed test "ineligible".
"""
from dataclasses import dataclass
from decimal import Decimal

from app.verification.domain import Parameter
from app.verification.policy.facts import HouseholdFacts, facts_from_declaration
from app.verification.policy.rules import FAIL, MISSING, Finding
from app.verification.policy.rules import assets, eligibility, household, income

__all__ = ["Assessment", "Finding", "evaluate", "facts_from_declaration"]

ELIGIBLE, INELIGIBLE, GRADUAL_EXIT, UNDETERMINED = "eligible", "ineligible", "gradual_exit", "undetermined"


@dataclass(frozen=True)
class Assessment:
    outcome: str                          # eligible | ineligible | gradual_exit | undetermined
    counted_members: tuple[int, ...]
    per_capita_income: Decimal | None
    suggested_monthly_amount: Decimal | None
    findings: tuple[Finding, ...]

    @property
    def trace(self) -> list[str]:
        return [finding.explanation for finding in self.findings]


def _unknown_type(facts: HouseholdFacts) -> Assessment:
    finding = Finding("ELG-000", "救助类型", MISSING, f"未知的救助类型“{facts.assistance_type}”，无法判断", {})
    return Assessment(UNDETERMINED, (), None, None, (finding,))


def _counted_and_income(facts: HouseholdFacts, params: dict[str, Parameter], findings: list[Finding]):
    """Members counted and their per-capita income, trying the single-person household (单人户) for 低保
    when the whole household is not below the standard."""
    living, found = household.living_together(facts)
    findings += found
    if facts.assistance_type == "tekun":
        findings.append(household.assessed_alone(facts))
        living = (facts.applicant_index,)
        result = income.per_capita_income(facts, living, params, scope="申请人")
        findings += result.findings
        return living, result.per_capita
    result = income.per_capita_income(facts, living, params)
    findings += result.findings
    standard = eligibility.standard_of(facts, params)
    if (facts.assistance_type in eligibility.DIBAO_TYPES and result.per_capita is not None and standard is not None
            and result.per_capita >= standard.value):
        alone, found = household.single_person(facts, params, living, result.per_capita, standard)
        findings += found
        if alone:
            counted = (facts.applicant_index,)
            single = income.per_capita_income(facts, counted, params, scope="单人户")
            findings += single.findings
            return counted, single.per_capita
    return living, result.per_capita


def evaluate(facts: HouseholdFacts, params: dict[str, Parameter]) -> Assessment:
    """The assessment of one household for its assistance type on `facts.on`, with the parameters in force."""
    verdict_of = eligibility.VERDICTS.get(facts.assistance_type)
    if verdict_of is None:
        return _unknown_type(facts)
    findings: list[Finding] = []
    counted, per_capita = _counted_and_income(facts, params, findings)
    if facts.assistance_type != "temporary":
        findings += assets.asset_tests(facts, counted, params)
    verdict = verdict_of(facts, params, counted, per_capita)
    findings += verdict.findings
    outcomes = {finding.outcome for finding in findings}
    if MISSING in outcomes or (verdict.outcome is None and FAIL not in outcomes):
        outcome = UNDETERMINED
    elif FAIL in outcomes:
        outcome = INELIGIBLE
    else:
        outcome = verdict.outcome
    amount = None
    if outcome == ELIGIBLE and verdict.amount_finding is not None:
        amount = verdict.amount
        findings.append(verdict.amount_finding)
    return Assessment(outcome, counted, per_capita, amount, tuple(findings))
