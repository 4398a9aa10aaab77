"""Loading policy parameters for a region and a date; screening a household against them."""
from datetime import date

from sqlalchemy import select

from app.applications.services import today_in_china
from app.common.regions import lineage
from app.db import among, session
from app.regions.services import get_region
from app.verification.domain import Parameter, in_force
from app.verification.models import PolicyParameter
from app.verification.policy.engine import evaluate, facts_from_declaration


def parameters_in_force(region_code: str, on: date) -> dict[str, Parameter]:
    """Name → the parameter in force for a division known to exist, in one query."""
    return parameters_in_force_for({region_code}, on)[region_code]


def parameters_in_force_for(region_codes: set[str], on: date) -> dict[str, dict[str, Parameter]]:
    """parameters_in_force for several divisions (a batch of checks), still in one query."""
    chains = {code: lineage(code) for code in region_codes}
    rows = session.scalars(select(PolicyParameter).where(
        among(PolicyParameter.region_code, {code for chain in chains.values() for code in chain}),
        PolicyParameter.effective_from <= on))
    parameters = [Parameter(r.name, r.value, r.effective_from, r.region_code, r.source) for r in rows]
    return {code: in_force(parameters, chain, on) for code, chain in chains.items()}


def standards_in_force(region_code: str, on: date) -> dict:
    get_region(region_code)
    return {"region_code": region_code, "on": on, "parameters": list(parameters_in_force(region_code, on).values())}


DISCLAIMER = "此为根据您填写的信息进行的估算，以正式核对结果为准"
# A screening never concerns an enrolled household, so gradual exit (渐退) means not eligible here.
ELIGIBLE_FLAG = {"eligible": True, "ineligible": False, "gradual_exit": False, "undetermined": None}


def screen_household(assistance_type: str, region_code: str, members: list[dict], declared: dict) -> dict:
    """An explained estimate on what the applicant typed, with the standards in force today in China.

    Nothing is stored: the estimate helps someone decide whether to apply; the formal check decides.
    """
    get_region(region_code)
    on = today_in_china()
    applicant = next((m for m in members if m.get("relation") == "self"), members[0])
    facts = facts_from_declaration(assistance_type, applicant["hukou_type"], on, members, declared)
    assessment = evaluate(facts, parameters_in_force(region_code, on))
    return {"assistance_type": assistance_type, "region_code": region_code, "on": on,
            "outcome": assessment.outcome, "eligible": ELIGIBLE_FLAG[assessment.outcome],
            "per_capita_income": assessment.per_capita_income,
            "suggested_monthly_amount": assessment.suggested_monthly_amount,
            "counted_members": list(assessment.counted_members), "findings": list(assessment.findings),
            "disclaimer": DISCLAIMER}
