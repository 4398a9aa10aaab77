"""Reading and verifying the audit trail (auditors and admins, in their region)."""

from app.api import Blueprint
from app.audit import schemas, services
from app.identity.domain import Role
from app.web import access
from app.web.access import current_actor

blp = Blueprint("audit", __name__, url_prefix="/api/v1/staff/audit", description="Audit trail")
READERS = (Role.AUDITOR, Role.ADMIN)


@blp.get("")
@blp.arguments(schemas.AuditQuery, location="query")
@blp.response(200, schemas.AuditEventOut(many=True))
@blp.paginate()
@access.roles(*READERS)
def list_events(query, pagination_parameters):
    """Audit events about my region, newest first."""
    return services.list_events(actor=current_actor(), action=query.get("action"), pagination=pagination_parameters)


@blp.get("/verify")
@blp.response(200, schemas.ChainReportOut)
@access.roles(*READERS)
def verify():
    """Recompute the hash chain and name the first broken event, if any."""
    return services.chain_report()
