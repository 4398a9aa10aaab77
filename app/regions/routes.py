"""Public division tree, for the applicant's region picker."""

from app.api import Blueprint, links
from app.regions import schemas, services
from app.web import access

blp = Blueprint("regions", __name__, url_prefix="/api/v1/regions", description="Administrative divisions")


@blp.get("")
@blp.arguments(schemas.RegionQuery, location="query")
@blp.response(200, schemas.RegionOut(many=True))
@links(200, {"code": "$response.body#/0/code"}, "GET /regions/{code}")
@access.public
def list_regions(query):
    """Divisions directly beneath a parent (the top level when no parent is given)."""
    return services.list_children(query.get("parent_code"))


@blp.get("/<string(length=12):code>")
@blp.response(200, schemas.RegionOut)
@blp.alt_response(404, description="no such division")
@access.public
def get_region(code):
    """One division."""
    return services.get_region(code)
