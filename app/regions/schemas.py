"""Division shapes."""
from marshmallow import fields, validate

from app.web.schemas import BaseSchema


class RegionOut(BaseSchema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent_code = fields.String(allow_none=True)


class RegionQuery(BaseSchema):
    parent_code = fields.String(validate=validate.Regexp(r"^\d{12}$", error="区划代码为12位数字"),
                                metadata={"description": "children of this division; the top level when absent"})
