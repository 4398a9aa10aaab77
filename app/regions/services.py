"""Reading the division tree."""
from sqlalchemy import select

from app.common.errors import NotFound
from app.db import session
from app.regions.models import Region


def list_children(parent_code: str | None) -> list[Region]:
    query = select(Region).where(Region.parent_code == parent_code if parent_code else Region.parent_code.is_(None))
    return list(session.scalars(query.order_by(Region.code)))


def get_region(code: str) -> Region:
    region = session.get(Region, code)
    if region is None:
        raise NotFound("区划不存在")
    return region
