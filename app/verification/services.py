"""Loading policy parameters for a region and a date."""
from datetime import date

from sqlalchemy import select

from app.common.regions import lineage
from app.db import session
from app.regions.services import get_region
from app.verification.domain import Parameter, in_force
from app.verification.models import PolicyParameter


def parameters_in_force(region_code: str, on: date) -> dict[str, Parameter]:
    """Name → the parameter in force for a division known to exist, in one query."""
    chain = lineage(region_code)
    rows = session.scalars(select(PolicyParameter).where(PolicyParameter.region_code.in_(chain),
                                                         PolicyParameter.effective_from <= on))
    parameters = [Parameter(r.name, r.value, r.effective_from, r.region_code, r.source) for r in rows]
    return in_force(parameters, chain, on)


def standards_in_force(region_code: str, on: date) -> dict:
    get_region(region_code)
    return {"region_code": region_code, "on": on, "parameters": list(parameters_in_force(region_code, on).values())}
