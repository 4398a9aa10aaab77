"""Checks (API.md, "Verification"): request behind the consent gate, progress, the report, batches."""
from io import BytesIO

from flask import current_app, send_file

from app.api import Blueprint, links
from app.checks import schemas, services
from app.identity.domain import STAFF_ROLES, Role
from app.web import access
from app.web.access import current_actor

blp = Blueprint("checks", __name__, url_prefix="/api/v1/checks", description="Economic checks (核对)")
OFFICER = (Role.VERIFICATION_OFFICER,)
READERS = tuple(sorted(STAFF_ROLES - {Role.ADMIN}))


@blp.post("")
@blp.arguments(schemas.CheckIn)
@blp.response(202, schemas.CheckOut)
@links(202, {"check_id": "$response.body#/id"},
       "GET /checks/{check_id}", "GET /checks/{check_id}/report", "GET /checks/{check_id}/report.pdf")
@blp.alt_response(404, description="no such application in your region")
@blp.alt_response(409, description="AUTHORIZATION_INCOMPLETE: members without a valid, confirmed authorization")
@access.roles(*OFFICER)
def request_check(body):
    """Queue a check of an application's household (every member must have consented)."""
    return services.request_check(body["application_id"], body["purpose"], actor=current_actor())


@blp.get("/<id:check_id>")
@blp.response(200, schemas.CheckOut)
@blp.alt_response(404, description="no such check in your region")
@access.roles(*READERS)
def get_check(check_id):
    """A check's status and progress."""
    return services.get_check(check_id, actor=current_actor())


@blp.get("/<id:check_id>/report")
@blp.response(200, schemas.ReportOut)
@blp.alt_response(404, description="no such check in your region")
@blp.alt_response(409, description="REPORT_NOT_READY")
@access.roles(*READERS)
def report(check_id):
    """The check report (核对报告) as JSON; every view is audited."""
    return services.report_of(check_id, actor=current_actor())


@blp.get("/<id:check_id>/report.pdf")
@blp.response(200, description="the sealed report", content_type="application/pdf")
@blp.alt_response(404, description="no such check in your region")
@blp.alt_response(409, description="REPORT_NOT_READY")
@blp.alt_response(503, description="the seal or the timestamp authority is unavailable")
@access.roles(*READERS)
def report_pdf(check_id):
    """The check report as a sealed PDF with its own verify QR code."""
    content = services.report_pdf(check_id, actor=current_actor(), sealing=current_app.extensions["sealing"])
    return send_file(BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"check-report-{check_id}.pdf")


@blp.post("/batches")
@blp.arguments(schemas.BatchIn)
@blp.response(202, schemas.BatchOut)
@links(202, {"batch_id": "$response.body#/id"}, "GET /checks/batches/{batch_id}")
@blp.alt_response(404, description="no such division in your region")
@access.roles(*OFFICER)
def request_batch(body):
    """Re-check every enrolled household of a region and assistance type (定期核对)."""
    return services.request_batch(body["region_code"], body["assistance_type"], actor=current_actor())


@blp.get("/batches/<id:batch_id>")
@blp.response(200, schemas.BatchOut)
@blp.alt_response(404, description="no such batch in your region")
@access.roles(*OFFICER)
def get_batch(batch_id):
    """A batch's progress and, when done, its summary."""
    return services.get_batch(batch_id, actor=current_actor())
