"""Shapes of the public verification answers."""
from marshmallow import fields

from app.web.schemas import BaseSchema


class SealedDocumentOut(BaseSchema):
    verify_code = fields.String()
    kind = fields.String(metadata={"description": "authorization or check_report"})
    title = fields.String()
    status = fields.String(metadata={"description": "signed, confirmed, rejected, revoked, expired, superseded"})
    status_text = fields.String()
    signer = fields.String(metadata={"description": "masked"})
    signed_at = fields.DateTime()
    sha256 = fields.String(metadata={"description": "SHA-256 of the sealed PDF as registered"})


class Finding(BaseSchema):
    ok = fields.Boolean()
    message = fields.String()


class SignatureFinding(Finding):
    reasons = fields.List(fields.String())
    signer = fields.String(allow_none=True)
    signed_at = fields.DateTime(allow_none=True, metadata={"description": "the trusted timestamp"})


class VerifyOut(BaseSchema):
    valid = fields.Boolean(metadata={"description": "true only when all three findings hold"})
    sha256 = fields.String()
    document = fields.Nested(SealedDocumentOut, allow_none=True)
    registry = fields.Nested(Finding, metadata={"description": "the file is, byte for byte, one the platform sealed"})
    signature = fields.Nested(SignatureFinding, metadata={
        "description": "the PAdES seal validates against the platform root, covers the whole file, no change after it"})
    evidence = fields.Nested(Finding, metadata={"description": "the embedded evidence.json matches the platform's record"})
