"""Facts and parameters for the policy tests: a 青龙村 household on 1 March 2026, demo-like limits."""
from datetime import date
from decimal import Decimal

from app.verification.domain import Parameter
from app.verification.policy.facts import Asset, Expenditure, HouseholdFacts, Income, Person

ON = date(2026, 3, 1)
EFFECTIVE = date(2026, 1, 1)
CITY = "610300000000"
LIMITS = {
    "dibao_urban_standard": "830.00", "dibao_rural_standard": "630.00",
    "tekun_urban_standard": "1420.00", "tekun_rural_standard": "1000.00",
    "low_income_multiple": "1.50", "temporary_small_limit": "500.00",
    "support_exempt_age": "70", "employment_cost_deduction": "150.00",
    "financial_assets_months": "24", "vehicle_value_limit": "30000.00",
    "home_count_limit": "1", "home_area_per_person_limit": "60.00",
    "business_capital_limit": "50000.00", "single_household_multiple": "2",
    "gradual_exit_multiple": "2", "gradual_exit_months": "6",
}


def params(*, without: tuple[str, ...] = (), **overrides: str) -> dict[str, Parameter]:
    values = {**LIMITS, **overrides}
    return {name: Parameter(name, Decimal(value), EFFECTIVE, CITY, "测试")
            for name, value in values.items() if name not in without}


def person(index: int = 0, *, born: date | None = date(1980, 5, 1), relation: str | None = None,
           lives_together: bool = True, disability_grade: int | None = None, serious_illness: bool = False,
           employment: str = "farming", capacity: str = "full") -> Person:
    return Person(index, born, relation or ("self" if index == 0 else "child"), lives_together, disability_grade,
                  serious_illness, employment, capacity)


def family(size: int) -> tuple[Person, ...]:
    return tuple(person(i) for i in range(size))


def income(member: int, kind: str, amount: str, age: int | None = None) -> Income:
    return Income(member, kind, Decimal(amount), age)


def asset(kind: str, *, member: int | None = 0, value: str | None = None, area: str | None = None) -> Asset:
    return Asset(member, kind, None if value is None else Decimal(value), None if area is None else Decimal(area))


def spending(kind: str, amount: str) -> Expenditure:
    return Expenditure(kind, Decimal(amount))


def facts(assistance_type: str = "dibao_rural", *, members=None, incomes=(), assets=(), expenditures=(),
          enrolled: bool = False, hukou_type: str = "rural") -> HouseholdFacts:
    return HouseholdFacts(assistance_type, hukou_type, ON, tuple(members if members is not None else family(3)),
                          tuple(incomes), tuple(assets), tuple(expenditures), enrolled, 0)


def outcomes(findings) -> dict[str, str]:
    """code → outcome of the last finding with that code."""
    return {finding.code: finding.outcome for finding in findings}
