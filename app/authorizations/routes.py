"""Electronic authorization (API.md): invitations, QR codes, the signing page, the letter."""
import io

import qrcode
from flask import current_app, send_file
from flask_smorest import Blueprint
from qrcode.image.svg import SvgPathImage

from app import limiter
from app.authorizations import schemas, services
from app.identity.domain import STAFF_ROLES, Role
from app.web import access
from app.web.access import current_actor

blp = Blueprint("authorizations", __name__, url_prefix="/api/v1", description="Electronic authorization")
INVITERS = (Role.APPLICANT, *sorted(STAFF_ROLES - {Role.AUDITOR}))


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


@blp.post("/authorizations/<id:authorization_id>/invite")
@blp.arguments(schemas.InviteIn)
@blp.response(201, schemas.InviteOut)
@blp.alt_response(409, description="already signed, confirmed, revoked or expired")
@access.roles(*INVITERS)
def invite(body, authorization_id):
    """A new single-use signing link (older links stop working); optionally texted to the signer."""
    link, url = services.issue_invitation(authorization_id, actor=current_actor(), send_sms=body["send_sms"],
                                          base_url=_base_url())
    return {"sign_url": url, "expires_at": link.expires_at, "sms_sent": body["send_sms"]}


@blp.get("/authorizations/<id:authorization_id>/qrcode")
@blp.arguments(schemas.QrQuery, location="query")
@blp.response(200, description="the QR code of the current link", content_type="image/png")
@blp.alt_response(404, description="no live link: invite first")
@access.roles(*INVITERS)
def qr(query, authorization_id):
    """QR code of the current signing link, PNG or SVG."""
    url = services.current_link_url(authorization_id, actor=current_actor(), base_url=_base_url())
    buffer = io.BytesIO()
    if query["format"] == "svg":
        qrcode.make(url, image_factory=SvgPathImage).save(buffer)
        return send_file(io.BytesIO(buffer.getvalue()), mimetype="image/svg+xml")
    qrcode.make(url, box_size=8, border=2).save(buffer)
    return send_file(io.BytesIO(buffer.getvalue()), mimetype="image/png")


@blp.get("/sign/<string(minlength=16, maxlength=128):token>")
@blp.response(200, schemas.SigningPageOut)
@blp.alt_response(404, description="unknown, expired, used or replaced link (never says which)")
@access.public
def signing_page(token):
    """The letter to sign, the masked household and the link's expiry."""
    return services.open_link(token)


@blp.post("/sign/<string(minlength=16, maxlength=128):token>/otp")
@limiter.limit(lambda: current_app.config["OTP_IP_LIMIT"])
@blp.response(202)
@blp.alt_response(404, description="unknown, expired, used or replaced link")
@blp.alt_response(429, description="too many codes for this phone")
@access.public
def signing_code(token):
    """Send a one-time code to the signer's own phone on file (masked on the page, never chosen by the caller)."""
    services.send_signing_code(token, policy=current_app.extensions["auth_policy"])
    return {"message": "验证码已发送至签署人预留的手机号码，5分钟内有效"}


@blp.get("/letter")
@blp.response(200, schemas.LetterOut)
@access.public
def letter():
    """The authorization letter (家庭经济状况核对授权书) in force, with its version and SHA-256."""
    return services.current_letter()
