"""Electronic authorization (API.md): invitations, QR codes, the signing page, the letter."""
import io

import qrcode
from flask import current_app, request, send_file
from qrcode.image.svg import SvgPathImage

from app import limiter
from app.api import Blueprint, links
from app.authorizations import schemas, services
from app.identity.domain import STAFF_ROLES, Role
from app.web import access
from app.web.access import current_actor

blp = Blueprint("authorizations", __name__, url_prefix="/api/v1", description="Electronic authorization")
INVITERS = (Role.APPLICANT, *sorted(STAFF_ROLES - {Role.AUDITOR}))
CASEWORKERS = (Role.VILLAGE_WORKER, Role.TOWNSHIP_WORKER, Role.DISTRICT_WORKER)
TOKEN = "string(minlength=16, maxlength=128):token"


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


@blp.get(f"/sign/<{TOKEN}>")
@blp.response(200, schemas.SigningPageOut)
@blp.alt_response(404, description="unknown, expired, used or replaced link (never says which)")
@access.public
def signing_page(token):
    """The letter to sign, the masked household and the link's expiry."""
    return services.open_link(token)


@blp.post(f"/sign/<{TOKEN}>/otp")
@limiter.limit(lambda: current_app.config["OTP_IP_LIMIT"])
@blp.response(202)
@blp.alt_response(404, description="unknown, expired, used or replaced link")
@blp.alt_response(429, description="too many codes for this phone")
@access.public
def signing_code(token):
    """Send a one-time code to the signer's own phone on file (masked on the page, never chosen by the caller)."""
    phone = services.send_signing_code(token, policy=current_app.extensions["auth_policy"])
    return {"message": f"验证码已发送至签署人预留的手机号码 {phone}，5分钟内有效", "phone": phone}


@blp.post(f"/sign/<{TOKEN}>")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
@blp.arguments(schemas.SignIn)
@blp.response(201, schemas.SignOut)
@links(201, {"verify_code": "$response.body#/verify_code"}, "GET /verify/{verify_code}")
@blp.alt_response(404, description="unknown, expired, used or replaced link (never says which)")
@blp.alt_response(413, description="signature image over 1 MB or 4096 px, or strokes over 200 KB")
@blp.alt_response(415, description="the signature is not a PNG")
@blp.alt_response(422, description="wrong name/ID or code (each counts as a wrong code), blank signature, not agreed")
@blp.alt_response(429, description="5 wrong tries: locked for 10 minutes")
@blp.alt_response(503, description="the seal or the timestamp authority is unavailable: nothing was signed, retry")
@access.public
def sign(body, token):
    """Sign: name + ID number, the code, agreement and the handwritten signature; answered with the verify code."""
    client = services.Client(ip=request.remote_addr, user_agent=request.user_agent.string)
    signature = services.sign_authorization(token, body, actor=current_actor(), client=client,
                                            policy=current_app.extensions["auth_policy"], sealing=_sealing())
    return services.signing_receipt(signature, base_url=_base_url())


@blp.get("/authorizations/<id:authorization_id>/document.pdf")
@blp.response(200, description="the sealed PDF", content_type="application/pdf")
@blp.alt_response(404, description="not signed yet, or not yours to see")
@access.roles(Role.APPLICANT, *sorted(STAFF_ROLES))
def signed_document(authorization_id):
    """The sealed PDF of the latest signature (to the signer, the applicant and staff in the region)."""
    signature, content = services.signed_document(authorization_id, actor=current_actor())
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"authorization-{authorization_id}-{signature.id}.pdf")


@blp.post("/authorizations/<id:authorization_id>/revoke")
@blp.arguments(schemas.RevokeIn)
@blp.response(200, schemas.AuthorizationStatusOut)
@blp.alt_response(404, description="not the signer of this authorization")
@blp.alt_response(409, description="nothing to revoke")
@blp.alt_response(422, description="wrong or expired code")
@access.roles(Role.APPLICANT)
def revoke(body, authorization_id):
    """The signer withdraws consent (a fresh code to the signer's own phone is needed)."""
    return services.revoke_authorization(authorization_id, body["otp_code"], actor=current_actor(),
                                         policy=current_app.extensions["auth_policy"])


@blp.get("/staff/authorizations/<id:authorization_id>")
@blp.response(200, schemas.ReviewOut)
@blp.alt_response(404, description="not signed yet, or outside your region")
@access.roles(*sorted(STAFF_ROLES))
def review(authorization_id):
    """The signature to confirm: the handwritten image, the masked identity and the evidence."""
    return services.signature_for_review(authorization_id, actor=current_actor())


@blp.post("/staff/authorizations/<id:authorization_id>/confirm")
@blp.response(200, schemas.AuthorizationStatusOut)
@blp.alt_response(409, description="not waiting for confirmation")
@access.roles(*CASEWORKERS)
def confirm(authorization_id):
    """Confirm that the signature is genuine (a record of its own; the PDF is not changed)."""
    return services.confirm_signature(authorization_id, actor=current_actor())


@blp.post("/staff/authorizations/<id:authorization_id>/reject")
@blp.arguments(schemas.RejectIn)
@blp.response(200, schemas.AuthorizationStatusOut)
@blp.alt_response(409, description="not signed")
@access.roles(*CASEWORKERS)
def reject(body, authorization_id):
    """Reject the signature with a reason: the applicant is told and the member is invited to sign again."""
    return services.reject_signature(authorization_id, body["reason"], actor=current_actor(), base_url=_base_url())


def _sealing():
    return current_app.extensions["sealing"]


@blp.get("/letter")
@blp.response(200, schemas.LetterOut)
@access.public
def letter():
    """The authorization letter (家庭经济状况核对授权书) in force, with its version and SHA-256."""
    return services.current_letter()
