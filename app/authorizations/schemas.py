"""Shapes of invitations and the signing page."""
from marshmallow import fields, validate

from app.web.schemas import BaseSchema


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
