"""Review (API.md, "Review and decisions"): the queue, the case file, home visits, decisions."""
from flask import current_app
from flask_smorest import Blueprint

from app import limiter

from app.identity.domain import Role
from app.review import schemas, services
from app.web import access
from app.web.access import current_actor
from app.web.etag import etag, required_version

blp = Blueprint("review", __name__, url_prefix="/api/v1/staff/cases", description="Review and decisions (审核确认)")
CASEWORKERS = (Role.VILLAGE_WORKER, Role.TOWNSHIP_WORKER, Role.DISTRICT_WORKER)
READERS = (*CASEWORKERS, Role.VERIFICATION_OFFICER, Role.AUDITOR)


@blp.get("")
@blp.arguments(schemas.CaseQuery, location="query")
@blp.response(200, schemas.CaseRow(many=True))
@blp.paginate()
@access.roles(*READERS)
def list_cases(query, pagination_parameters):
    """Open cases in my region, oldest first, with their deadlines."""
    return services.list_cases(query, actor=current_actor(), pagination=pagination_parameters)


@blp.get("/<id:application_id>")
@blp.arguments(schemas.CaseFileQuery, location="query")
@blp.response(200, schemas.CaseFileOut)
@blp.alt_response(404, description="no such case in your region")
@access.roles(*READERS)
def get_case(query, application_id):
    """The whole file of a case (一户一档), masked unless a reason is given."""
    case = services.case_file(application_id, actor=current_actor(), reveal_reason=query.get("reveal_reason"))
    return case, 200, {"ETag": etag(case["version"])}


@blp.post("/<id:application_id>/visits")
@blp.arguments(schemas.VisitIn)
@blp.response(201, schemas.VisitOut)
@blp.alt_response(404, description="no such case in your region")
@blp.alt_response(409, description="NOT_THIS_STEP: the case is past the stage of home visits")
@access.roles(*CASEWORKERS)
def record_visit(body, application_id):
    """Record a home visit (入户调查)."""
    return services.record_visit(application_id, body, actor=current_actor())


@blp.post("/<id:application_id>/decisions")
@blp.arguments(schemas.DecisionIn)
@blp.response(201, schemas.DecisionOut)
@blp.alt_response(403, description="NOT_YOUR_LEVEL: the step belongs to another level")
@blp.alt_response(404, description="no such case in your region")
@blp.alt_response(409, description="NOT_THIS_STEP, or VISIT_REQUIRED before the township confirms")
@blp.alt_response(412, description="the case changed since you read it (ETag)")
@blp.alt_response(428, description="If-Match is missing")
@access.roles(*CASEWORKERS)
def record_decision(body, application_id):
    """Approve, reject or return the case at my level's step (If-Match required)."""
    decision = services.record_decision(application_id, body, expected_version=required_version(),
                                        actor=current_actor())
    return decision, 201, {"ETag": etag(decision["version"])}


@blp.post("/<id:application_id>/objections/<id:objection_id>/answer")
@blp.arguments(schemas.AnswerIn)
@blp.response(200, schemas.ObjectionOut)
@blp.alt_response(404, description="no such case in your region, or no such objection")
@blp.alt_response(409, description="already answered")
@access.roles(*CASEWORKERS)
def answer_objection(body, application_id, objection_id):
    """Answer an objection to the public notice (the case stays flagged until then)."""
    return services.answer_objection(application_id, objection_id, body["answer"], actor=current_actor())


notices_blp = Blueprint("notices", __name__, url_prefix="/api/v1/public/notices", description="Public notice (公示)")


def _objection_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@notices_blp.get("")
@notices_blp.arguments(schemas.NoticeQuery, location="query")
@notices_blp.response(200, schemas.NoticeOut(many=True))
@notices_blp.paginate()
@notices_blp.alt_response(404, description="no such division")
@access.public
def list_notices(query, pagination_parameters):
    """Approved cases under a division during their notice period, masked."""
    return services.list_notices(query["region_code"], pagination_parameters)


@notices_blp.post("/<id:notice_id>/objections")
@limiter.limit(_objection_limit)
@notices_blp.arguments(schemas.ObjectionIn)
@notices_blp.response(201, schemas.ObjectionOut)
@notices_blp.alt_response(404, description="no such notice, or its period has ended")
@notices_blp.alt_response(429, description="too many objections from this address")
@access.public
def file_objection(body, notice_id):
    """Object to a notice (anyone); the case is flagged for a caseworker to answer."""
    return services.file_objection(notice_id, body, actor=current_actor())
