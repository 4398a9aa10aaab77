"""Applications and tracking (API.md)."""
from io import BytesIO

from flask import current_app, send_file
from flask.views import MethodView

from app.api import Blueprint, links
from app.applications import schemas, services, timeline
from app.identity.domain import STAFF_ROLES, Role
from app.web import access
from app.web.access import current_actor
from app.web.etag import etag, if_match, required_version

blp = Blueprint("applications", __name__, url_prefix="/api/v1", description="Applications and tracking")
READERS = (Role.APPLICANT, *sorted(STAFF_ROLES))
# Where an application's id leads (OpenAPI links).
ONE_APPLICATION = (
    "GET /applications/{application_id}", "GET /applications/{application_id}/timeline",
    "GET /applications/{application_id}/documents", "POST /applications/{application_id}/documents",
    "POST /applications/{application_id}/submit", "POST /applications/{application_id}/withdraw",
    "GET /applications/{application_id}/authorizations", "GET /applications/{application_id}/letters",
)
# An edit needs the ETag of the version read.
EDIT_APPLICATION = ("PATCH /applications/{application_id}",)
# Where an authorization's id leads: the applicant's and the signer's actions, the caseworker's review.
ONE_AUTHORIZATION = (
    "POST /authorizations/{authorization_id}/invite", "GET /authorizations/{authorization_id}/qrcode",
    "GET /authorizations/{authorization_id}/document.pdf", "POST /authorizations/{authorization_id}/revoke",
    "GET /staff/authorizations/{authorization_id}", "POST /staff/authorizations/{authorization_id}/confirm",
    "POST /staff/authorizations/{authorization_id}/reject",
)


def _storage():
    return current_app.extensions["storage"]


def _out(application, status=200):
    return services.present(application), status, {"ETag": etag(application.version)}


@blp.route("/applications")
class Applications(MethodView):
    @blp.response(200, schemas.ApplicationSummary(many=True))
    @links(200, {"application_id": "$response.body#/0/id"}, *ONE_APPLICATION)
    @blp.paginate()
    @access.roles(Role.APPLICANT)
    def get(self, pagination_parameters):
        """My applications, newest first."""
        return services.list_applications(actor=current_actor(), pagination=pagination_parameters)

    @blp.arguments(schemas.ApplicationIn)
    @blp.response(201, schemas.ApplicationOut)
    @links(201, {"application_id": "$response.body#/id"}, *ONE_APPLICATION)
    @links(201, {"application_id": "$response.body#/id", "header.If-Match": "$response.header.ETag"},
           *EDIT_APPLICATION)
    @blp.alt_response(409, description="an open application of this type exists, or the temporary-assistance limit")
    @access.roles(Role.APPLICANT)
    def post(self, body):
        """Create a draft, entering or updating the household."""
        return _out(services.create_application(body, actor=current_actor()), 201)


@blp.route("/applications/<id:application_id>")
class ApplicationById(MethodView):
    @blp.response(200, schemas.ApplicationOut)
    @links(200, {"application_id": "$response.body#/id", "header.If-Match": "$response.header.ETag"},
           *EDIT_APPLICATION)
    @blp.alt_response(404, description="not mine, not in my region, or no such application")
    @access.roles(*READERS)
    def get(self, application_id):
        """One application, personal data masked."""
        return _out(services.get_application(application_id, actor=current_actor()))

    @blp.arguments(schemas.ApplicationPatch)
    @if_match
    @blp.response(200, schemas.ApplicationOut)
    @blp.alt_response(409, description="not editable after submission")
    @blp.alt_response(412, description="changed since it was read")
    @blp.alt_response(428, description="If-Match is missing")
    @access.roles(Role.APPLICANT)
    def patch(self, body, application_id):
        """Edit while draft or returned (If-Match required)."""
        application = services.update_application(application_id, body, expected_version=required_version(),
                                                  actor=current_actor())
        return _out(application)


@blp.route("/applications/<id:application_id>/documents")
class Documents(MethodView):
    @blp.response(200, schemas.DocumentOut(many=True))
    @links(200, {"application_id": "$request.path.application_id", "document_id": "$response.body#/0/id"},
           "GET /applications/{application_id}/documents/{document_id}")
    @access.roles(*READERS)
    def get(self, application_id):
        """Evidence attached to the application."""
        return services.get_application(application_id, actor=current_actor()).documents

    @blp.arguments(schemas.DocumentIn, location="files")
    @blp.response(201, schemas.DocumentOut)
    @links(201, {"application_id": "$request.path.application_id", "document_id": "$response.body#/id"},
           "GET /applications/{application_id}/documents/{document_id}")
    @blp.alt_response(413, description="over 10 MB")
    @blp.alt_response(415, description="not a JPEG, PNG or PDF")
    @access.roles(Role.APPLICANT)
    def post(self, upload, application_id):
        """Upload evidence (JPEG, PNG or PDF, ≤ 10 MB; images are re-encoded without metadata)."""
        content = upload["file"].read()
        return services.add_document(application_id, upload["kind"], content, actor=current_actor(),
                                     storage=_storage())


@blp.get("/applications/<id:application_id>/documents/<id:document_id>")
@blp.response(200, description="the file", content_type="application/octet-stream")
@access.roles(*READERS)
def download_document(application_id, document_id):
    """Download one piece of evidence."""
    document, content = services.get_document(application_id, document_id, actor=current_actor(), storage=_storage())
    return send_file(BytesIO(content), mimetype=document.content_type, as_attachment=True,
                     download_name=f"document-{document.id}.{document.content_type.split('/')[-1]}")


@blp.post("/applications/<id:application_id>/submit")
@blp.arguments(schemas.SubmitIn)
@blp.response(200, schemas.ApplicationOut)
@links(200, {"application_id": "$response.body#/id"}, *ONE_APPLICATION)
@blp.alt_response(409, description="not a draft or returned application")
@blp.alt_response(422, description="incomplete: the missing facts and documents are named")
@access.roles(Role.APPLICANT)
def submit(body, application_id):
    """Submit (or resubmit after a return); creates one authorization request per member who must sign."""
    return _out(services.submit_application(application_id, actor=current_actor()))


@blp.post("/applications/<id:application_id>/withdraw")
@blp.response(200, schemas.ApplicationOut)
@blp.alt_response(409, description="already decided or withdrawn")
@access.roles(Role.APPLICANT)
def withdraw(application_id):
    """Withdraw the application."""
    return _out(services.withdraw_application(application_id, actor=current_actor()))


@blp.get("/applications/<id:application_id>/timeline")
@blp.response(200, schemas.TimelineOut)
@access.roles(*READERS)
def application_timeline(application_id):
    """Every event in plain words, the stage, its deadline and the working days left."""
    return timeline.timeline(application_id, actor=current_actor())


@blp.get("/applications/<id:application_id>/authorizations")
@blp.response(200, schemas.AuthorizationOut(many=True))
@links(200, {"authorization_id": "$response.body#/0/id"}, *ONE_AUTHORIZATION)
@access.roles(*READERS)
def application_authorizations(application_id):
    """One authorization request per member who must consent, with its status."""
    return services.authorizations_of(application_id, actor=current_actor())


@blp.get("/commitment")
@blp.response(200, schemas.CommitmentOut)
@access.public
def commitment():
    """The commitment (告知承诺) text in force, with its version and hash."""
    return services.current_commitment()
