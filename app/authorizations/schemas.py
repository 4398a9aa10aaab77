"""Shapes of invitations and the signing page."""
from marshmallow import fields, validate

from app.web.schemas import BaseSchema, IdNumber


class InviteIn(BaseSchema):
    send_sms = fields.Boolean(load_default=False, metadata={"description": "text the link to the signer's phone on file"})


class InviteOut(BaseSchema):
    sign_url = fields.String(allow_none=True, metadata={"description": "only the applicant sees the link"})
    expires_at = fields.DateTime()
    sms_sent = fields.Boolean()


class QrQuery(BaseSchema):
    format = fields.String(load_default="png", validate=validate.OneOf(["png", "svg"]))


class LetterOut(BaseSchema):
    title = fields.String()
    text = fields.String()
    version = fields.String()
    sha256 = fields.String()


class SigningPageOut(LetterOut):
    member = fields.String(metadata={"description": "whose consent, masked"})
    signer = fields.String(metadata={"description": "who signs (the guardian for a minor), masked"})
    by_guardian = fields.Boolean()
    household = fields.List(fields.String())
    expires_at = fields.DateTime()


class SignatureIn(BaseSchema):
    png_base64 = fields.String(required=True, validate=validate.Length(min=1, max=1_500_000), metadata={
        "description": "the handwritten signature as PNG (≤ 1 MB, ≤ 4096×4096 px), Base64 or a data: URL"})
    strokes = fields.List(fields.Dict(), load_default=None, validate=validate.Length(max=2000), metadata={
        "description": "signature_pad's toData(): strokes with points {x, y, time, pressure} (≤ 200 KB)"})


class SignIn(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    id_number = IdNumber(required=True)
    otp_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="验证码为6位数字"))
    agree = fields.Boolean(required=True, validate=validate.Equal(True, error="请阅读授权书并勾选同意后再签署"))
    signature = fields.Nested(SignatureIn, required=True)


class SignOut(BaseSchema):
    authorization_id = fields.Integer()
    status = fields.String()
    verify_code = fields.String()
    verify_url = fields.String()


class RevokeIn(BaseSchema):
    otp_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="验证码为6位数字"),
                             metadata={"description": "a fresh code (POST /auth/otp with purpose revoke)"})


class RejectIn(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200))


class AuthorizationStatusOut(BaseSchema):
    id = fields.Integer()
    application_id = fields.Integer()
    member_index = fields.Integer(attribute="member_position")
    signer_index = fields.Integer(attribute="signer_position")
    by_guardian = fields.Boolean()
    status = fields.String()
    letter_version = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class ReviewOut(BaseSchema):
    authorization_id = fields.Integer()
    status = fields.String()
    signature_status = fields.String()
    signed_at = fields.DateTime()
    expires_at = fields.DateTime()
    image_base64 = fields.String(metadata={"description": "the handwritten signature (PNG)"})
    evidence = fields.Dict(metadata={"description": "the evidence sealed into the PDF (masked)"})
    reject_reason = fields.String(allow_none=True)
