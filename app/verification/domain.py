"""Which parameter is in force: the newest effective one, nearest region first."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# 低保 (urban/rural) and 特困 standards in yuan per person per month; multiples and limits.
# The meaning and unit of each is in app/verification/policy/rules/__init__.py (PARAMETER_TEXT).
STANDARD_NAMES = (
    "dibao_urban_standard", "dibao_rural_standard",
    "tekun_urban_standard", "tekun_rural_standard",
    "low_income_multiple", "temporary_small_limit",
    "support_exempt_age", "employment_cost_deduction",
    "financial_assets_months", "vehicle_value_limit", "home_count_limit", "home_area_per_person_limit",
    "business_capital_limit", "single_household_multiple", "gradual_exit_multiple", "gradual_exit_months",
    "declaration_tolerance_ratio", "declaration_tolerance_amount",
)


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Decimal
    effective_from: date
    region_code: str
    source: str | None = None


def in_force(candidates: list[Parameter], lineage: list[str], on: date) -> dict[str, Parameter]:
    """For each name: the nearest region in `lineage` that sets it, its newest value effective on `on`."""
    chosen: dict[str, Parameter] = {}
    rank = {code: index for index, code in enumerate(lineage)}
    relevant = [p for p in candidates if p.region_code in rank]
    for parameter in sorted(relevant, key=lambda p: (rank[p.region_code], -p.effective_from.toordinal())):
        if parameter.effective_from <= on and parameter.name not in chosen:
            chosen[parameter.name] = parameter
    return chosen
