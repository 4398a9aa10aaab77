"""Audit shapes: what staff may read of the trail."""
from marshmallow import fields, validate

from app.web.schemas import BaseSchema


class AuditEventOut(BaseSchema):
    id = fields.Integer()
    seq = fields.Integer()
    occurred_at = fields.DateTime()
    action = fields.String()
    result = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_role = fields.String(allow_none=True)
    actor_region = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    object_type = fields.String(allow_none=True)
    object_id = fields.String(allow_none=True)
    region_code = fields.String(allow_none=True)
    detail = fields.Dict()
    hash = fields.String()


class AuditQuery(BaseSchema):
    action = fields.String(validate=validate.Length(max=64))


class ChainReportOut(BaseSchema):
    ok = fields.Boolean()
    events = fields.Integer()
    first_broken_seq = fields.Integer(allow_none=True)
    first_broken_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
