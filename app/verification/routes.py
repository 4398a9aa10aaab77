"""The standards in force, public."""
from flask_smorest import Blueprint

from app.verification import schemas, services
from app.web import access

blp = Blueprint("policy", __name__, url_prefix="/api/v1/policy", description="Standards and policy parameters")


@blp.get("/standards")
@blp.arguments(schemas.StandardsQuery, location="query")
@blp.response(200, schemas.StandardsOut)
@blp.alt_response(404, description="no such division")
@access.public
def standards(query):
    """The standards in force for a division on a date (inherited from the divisions above it)."""
    return services.standards_in_force(query["region_code"], query["on"])
