"""Shapes of the standards endpoint; money as strings with two decimals."""
from datetime import date

from marshmallow import fields, validate

from app.web.schemas import BaseSchema, DecimalString


class StandardsQuery(BaseSchema):
    region_code = fields.String(required=True, validate=validate.Regexp(r"^\d{12}$", error="区划代码为12位数字"))
    on = fields.Date(load_default=date.today, metadata={"description": "defaults to today"})


class ParameterOut(BaseSchema):
    name = fields.String()
    value = DecimalString()
    effective_from = fields.Date()
    region_code = fields.String(metadata={"description": "the division that set it (inherited downwards)"})
    source = fields.String(allow_none=True)


class StandardsOut(BaseSchema):
    region_code = fields.String()
    on = fields.Date()
    parameters = fields.List(fields.Nested(ParameterOut))
