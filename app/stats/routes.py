"""Dashboards (统计看板): the figures of my division, and charts of them."""
from flask import Response, current_app

from app.api import Blueprint
from app.identity.domain import Role
from app.stats import schemas, services
from app.web import access
from app.web.access import current_actor

blp = Blueprint("stats", __name__, url_prefix="/api/v1/staff/stats", description="Dashboards (统计看板)")
# The readers of the review queue.
READERS = (Role.VILLAGE_WORKER, Role.TOWNSHIP_WORKER, Role.DISTRICT_WORKER, Role.VERIFICATION_OFFICER, Role.AUDITOR)


@blp.get("")
@blp.arguments(schemas.StatsQuery, location="query")
@blp.response(200, schemas.StatsOut)
@blp.alt_response(404, description="no such division, or not within your region")
@access.roles(*READERS)
def dashboard(query):
    """Open cases by stage and type with deadlines, decision times, 12 months of approvals."""
    return services.dashboard(query.get("region_code"), query["due_within"], actor=current_actor())


@blp.get("/chart.png")
@blp.arguments(schemas.ChartQuery, location="query")
@blp.response(200, description="the chart", content_type="image/png")
@blp.alt_response(404, description="no such division, or not within your region")
@access.roles(*READERS)
def chart(query):
    """One dashboard chart as a PNG (stages, types or monthly), labelled in Chinese."""
    png = services.chart(query["chart"], query.get("region_code"), query["due_within"], actor=current_actor(),
                         font_path=current_app.config["CJK_FONT"])
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})
