"""Public verification of sealed documents (API.md): by verify code, or by uploading the PDF."""
from flask import current_app

from app import limiter
from app.api import Blueprint
from app.documents import schemas, services
from app.web import access
from app.web.schemas import BaseSchema, File

blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="Sealed documents: public verification")
MAX_BYTES = 10 * 1024 * 1024


class VerifyFileIn(BaseSchema):
    file = File(required=True)


def _limit():
    return current_app.config["VERIFY_RATE_LIMIT"]


@blp.get("/verify/<string(minlength=8, maxlength=40):verify_code>")
@limiter.limit(_limit)
@blp.response(200, schemas.SealedDocumentOut)
@blp.alt_response(404, description="no document has this code")
@blp.alt_response(429, description="too many look-ups from this address")
@access.public
def by_code(verify_code):
    """Is this sealed document genuine, and does it still stand? (masked names only)"""
    return services.lookup(verify_code)


@blp.post("/verify")
@limiter.limit(_limit)
@blp.arguments(VerifyFileIn, location="files")
@blp.response(200, schemas.VerifyOut)
@blp.alt_response(413, description="over 10 MB")
@blp.alt_response(422, description="no file, an empty one, or not a PDF")
@blp.alt_response(429, description="too many checks from this address")
@access.public
def by_file(files):
    """Upload a PDF: registry match, seal validity and evidence consistency, each reported on its own."""
    return services.verify_file(files["file"].read(), seal=current_app.extensions["sealing"].seal,
                                max_bytes=MAX_BYTES)
