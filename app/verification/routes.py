"""The standards in force (public) and the eligibility screening (logged-in users)."""

from app.api import Blueprint
from app.verification import schemas, services
from app.web import access

# One blueprint ("policy") for both paths: the standards under /policy, the screening at the top.
blp = Blueprint("policy", __name__, url_prefix="/api/v1", description="Standards, policy parameters and screening")


@blp.get("/policy/standards")
@blp.arguments(schemas.StandardsQuery, location="query")
@blp.response(200, schemas.StandardsOut)
@blp.alt_response(404, description="no such division")
@access.public
def standards(query):
    """The standards in force for a division on a date (inherited from the divisions above it)."""
    return services.standards_in_force(query["region_code"], query["on"])


@blp.post("/screening")
@blp.arguments(schemas.ScreeningIn)
@blp.response(200, schemas.ScreeningOut)
@blp.alt_response(404, description="no such division")
@blp.alt_response(422, description="the body is invalid; `errors` names each field")
@access.any_user
def screening(body):
    """Estimate eligibility from a household and its declaration, every figure explained."""
    return services.screen_household(body["assistance_type"], body["region_code"], body["household"]["members"],
                                     body["declared"])
