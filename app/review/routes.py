"""Review (API.md, "Review and decisions"): the queue, the case file, home visits, decisions."""
from io import BytesIO

from flask import current_app, send_file

from app import limiter
from app.api import Blueprint, links
from app.identity.domain import Role
from app.review import archive, letters, photos, schemas, services
from app.web import access
from app.web.access import current_actor
from app.web.etag import etag, if_match, required_version

blp = Blueprint("review", __name__, url_prefix="/api/v1/staff/cases", description="Review and decisions (审核确认)")
CASEWORKERS = (Role.VILLAGE_WORKER, Role.TOWNSHIP_WORKER, Role.DISTRICT_WORKER)
READERS = (*CASEWORKERS, Role.VERIFICATION_OFFICER, Role.AUDITOR)
# Where a case's id leads (OpenAPI links).
ONE_CASE = (
    "GET /staff/cases/{application_id}", "POST /staff/cases/{application_id}/visits",
    "POST /staff/cases/{application_id}/assist-first", "GET /staff/cases/{application_id}/export.pdf",
    "GET /applications/{application_id}/timeline", "GET /applications/{application_id}/authorizations",
    "GET /applications/{application_id}/letters",
)
# A decision needs the ETag of the case file as read (or as the last decision left it).
DECIDE = ("POST /staff/cases/{application_id}/decisions", "POST /staff/cases/{application_id}/dishonesty")
DECIDE_PARAMETERS = {"application_id": "$request.path.application_id", "header.If-Match": "$response.header.ETag"}


@blp.get("")
@blp.arguments(schemas.CaseQuery, location="query")
@blp.response(200, schemas.CaseRow(many=True))
@links(200, {"application_id": "$response.body#/0/id"}, *ONE_CASE)
@links(200, {}, "POST /checks", body={"application_id": "$response.body#/0/id"})
@blp.paginate()
@access.roles(*READERS)
def list_cases(query, pagination_parameters):
    """Open cases in my region, oldest first, with their deadlines."""
    return services.list_cases(query, actor=current_actor(), pagination=pagination_parameters)


@blp.get("/<id:application_id>")
@blp.arguments(schemas.CaseFileQuery, location="query")
@blp.response(200, schemas.CaseFileOut)
@links(200, DECIDE_PARAMETERS, *DECIDE)
@blp.alt_response(404, description="no such case in your region")
@access.roles(*READERS)
def get_case(query, application_id):
    """The whole file of a case (一户一档), masked unless a reason is given."""
    case = services.case_file(application_id, actor=current_actor(), reveal_reason=query.get("reveal_reason"))
    return case, 200, {"ETag": etag(case["version"])}


@blp.post("/<id:application_id>/visits")
@blp.arguments(schemas.VisitIn)
@blp.response(201, schemas.VisitOut)
@links(201, {"application_id": "$request.path.application_id", "visit_id": "$response.body#/id"},
       "POST /staff/cases/{application_id}/visits/{visit_id}/photos")
@blp.alt_response(404, description="no such case in your region")
@blp.alt_response(409, description="NOT_THIS_STEP: the case is past the stage of home visits")
@access.roles(*CASEWORKERS)
def record_visit(body, application_id):
    """Record a home visit (入户调查)."""
    return services.record_visit(application_id, body, actor=current_actor())


@blp.post("/<id:application_id>/visits/<id:visit_id>/photos")
@blp.arguments(schemas.VisitPhotoIn, location="files")
@blp.response(201, schemas.VisitPhotoOut)
@links(201, {"application_id": "$request.path.application_id", "visit_id": "$request.path.visit_id",
             "photo_id": "$response.body#/id"}, "GET /staff/cases/{application_id}/visits/{visit_id}/photos/{photo_id}")
@blp.alt_response(404, description="no such case in your region, or no such visit of the case")
@blp.alt_response(409, description="NOT_THIS_STEP: the case is closed; TOO_MANY_PHOTOS: the visit has 20")
@blp.alt_response(413, description="over 10 MB")
@blp.alt_response(415, description="not a JPEG or PNG")
@blp.alt_response(422, description="an empty, damaged or oversized (pixels) image")
@access.roles(*CASEWORKERS)
def upload_visit_photo(files, application_id, visit_id):
    """Add a photo to a home visit (JPEG or PNG, ≤ 10 MB; re-encoded without metadata)."""
    return photos.add_visit_photo(application_id, visit_id, files["file"].read(), actor=current_actor(),
                                  storage=current_app.extensions["storage"])


@blp.get("/<id:application_id>/visits/<id:visit_id>/photos/<id:photo_id>")
@blp.response(200, description="the photo (JPEG or PNG)", content_type="image/*")
@blp.alt_response(404, description="no such case in your region, or no such photo of the visit")
@access.roles(*READERS)
def download_visit_photo(application_id, visit_id, photo_id):
    """One photo of a home visit (each download is audited)."""
    photo, content = photos.get_visit_photo(application_id, visit_id, photo_id, actor=current_actor(),
                                            storage=current_app.extensions["storage"])
    return send_file(BytesIO(content), mimetype=photo.content_type, as_attachment=True,
                     download_name=f"visit-{visit_id}-photo-{photo.id}.{photo.content_type.split('/')[-1]}")


@blp.post("/<id:application_id>/decisions")
@blp.arguments(schemas.DecisionIn)
@if_match
@blp.response(201, schemas.DecisionOut)
@links(201, {"application_id": "$request.path.application_id"}, *ONE_CASE)
@links(201, DECIDE_PARAMETERS, *DECIDE)
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


@blp.post("/<id:application_id>/assist-first")
@blp.arguments(schemas.AssistFirstIn)
@blp.response(201, schemas.AssistFirstOut)
@blp.alt_response(404, description="no such case in your region")
@blp.alt_response(409, description="NOT_ELIGIBLE: not an emergency temporary case, not open, or granted before")
@access.roles(Role.TOWNSHIP_WORKER)
def grant_assist_first(body, application_id):
    """Grant emergency assistance first (先行救助); the file is then due within 15 working days."""
    return services.grant_assist_first(application_id, body, actor=current_actor())


@blp.post("/<id:application_id>/dishonesty")
@blp.arguments(schemas.DishonestyIn)
@if_match
@blp.response(201, schemas.DishonestyOut)
@blp.alt_response(403, description="NOT_YOUR_LEVEL: only the district revokes a benefit")
@blp.alt_response(404, description="no such case in your region")
@blp.alt_response(409, description="NOT_PROVEN: the report does not contradict the declaration; NOT_THIS_STEP")
@blp.alt_response(412, description="the case changed since you read it (ETag)")
@blp.alt_response(428, description="If-Match is missing")
@access.roles(Role.TOWNSHIP_WORKER, Role.DISTRICT_WORKER)
def record_dishonesty(body, application_id):
    """Record a proven false declaration (失信), and revoke the benefit if asked (If-Match required)."""
    record = services.record_dishonesty(application_id, body, expected_version=required_version(),
                                       actor=current_actor())
    return record, 201, {"ETag": etag(record["version"])}


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
@links(200, {"notice_id": "$response.body#/0/id"}, "POST /public/notices/{notice_id}/objections")
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


# Decision notices (救助决定通知书) and the archive copy of a case --------------------------------------

@blp.get("/<id:application_id>/letters/<id:letter_id>/pdf")
@blp.response(200, description="the sealed decision notice", content_type="application/pdf")
@blp.alt_response(404, description="no such case in your region, or no such notice of the case")
@blp.alt_response(409, description="LETTER_NOT_ISSUED: the notice is still being sealed")
@access.roles(*READERS)
def letter_pdf(application_id, letter_id):
    """A decision notice of the case as its sealed PDF (each view is audited)."""
    content = letters.letter_pdf(application_id, letter_id, actor=current_actor())
    return send_file(BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"decision-notice-{letter_id}.pdf")


@blp.get("/<id:application_id>/export.pdf")
@blp.arguments(schemas.ExportQuery, location="query")
@blp.response(200, description="the whole file, sealed; names and ID numbers in full", content_type="application/pdf")
@blp.alt_response(404, description="no such case in your region")
@blp.alt_response(422, description="the reason is missing or shorter than 4 characters")
@blp.alt_response(503, description="the seal or the timestamp authority is unavailable")
@access.roles(*READERS)
def export_case(query, application_id):
    """The whole case file (一户一档) as one freshly sealed PDF for the archive; the reason is audited."""
    content = archive.export_case_file(application_id, query["reason"], actor=current_actor(),
                                       sealing=current_app.extensions["sealing"])
    return send_file(BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"case-file-{application_id}.pdf")


letters_blp = Blueprint("letters", __name__, url_prefix="/api/v1/applications",
                        description="Decision notices (救助决定通知书) for the applicant")


@letters_blp.get("/<id:application_id>/letters")
@letters_blp.response(200, schemas.DecisionLetterOut(many=True))
@links(200, {"application_id": "$request.path.application_id", "letter_id": "$response.body#/0/id"},
       "GET /applications/{application_id}/letters/{letter_id}/pdf")
@letters_blp.alt_response(404, description="no such application of yours")
@access.roles(Role.APPLICANT)
def application_letters(application_id):
    """The decision notices of my application, with their limits and verify codes."""
    return letters.list_letters(application_id, actor=current_actor())


@letters_blp.get("/<id:application_id>/letters/<id:letter_id>/pdf")
@letters_blp.response(200, description="the sealed decision notice", content_type="application/pdf")
@letters_blp.alt_response(404, description="no such application of yours, or no such notice of it")
@letters_blp.alt_response(409, description="LETTER_NOT_ISSUED: the notice is still being sealed")
@access.roles(Role.APPLICANT)
def application_letter_pdf(application_id, letter_id):
    """A decision notice of my application as its sealed PDF."""
    content = letters.letter_pdf(application_id, letter_id, actor=current_actor())
    return send_file(BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"decision-notice-{letter_id}.pdf")
