"""Shapes of the standards and screening endpoints; money as strings with two decimals."""
from datetime import date

from marshmallow import ValidationError, fields, validate, validates_schema

from app.applications.domain import AssistanceType
from app.applications.schemas import DeclarationIn, HouseholdIn, RegionCode
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


class ScreeningIn(BaseSchema):
    assistance_type = fields.String(required=True, validate=validate.OneOf([t.value for t in AssistanceType]))
    region_code = RegionCode(required=True, metadata={"description": "the village or community applied to"})
    household = fields.Nested(HouseholdIn, required=True)
    declared = fields.Nested(DeclarationIn, load_default=dict)

    @validates_schema
    def member_indexes_exist(self, data, **_kwargs):
        """Every income and asset names a member of the household (by position, from 0)."""
        count = len(data["household"]["members"])
        declared = data.get("declared") or {}
        errors = {}
        for position, income in enumerate(declared.get("incomes", [])):
            if income["member_index"] >= count:
                errors[f"declared.incomes.{position}.member_index"] = ["家庭成员序号不存在"]
        for kind, items in (declared.get("assets") or {}).items():
            for position, item in enumerate(items):
                if item.get("member_index") is not None and item["member_index"] >= count:
                    errors[f"declared.assets.{kind}.{position}.member_index"] = ["家庭成员序号不存在"]
        if errors:
            raise ValidationError(errors)


class FindingOut(BaseSchema):
    code = fields.String(metadata={"example": "INC-005"})
    title = fields.String()
    outcome = fields.String(validate=validate.OneOf(["pass", "fail", "missing", "info"]))
    explanation = fields.String(metadata={"description": "plain zh-CN; every figure with its unit and source"})


class ScreeningOut(BaseSchema):
    assistance_type = fields.String()
    region_code = fields.String()
    on = fields.Date(metadata={"description": "the date whose standards were applied (today in China)"})
    outcome = fields.String(validate=validate.OneOf(["eligible", "ineligible", "gradual_exit", "undetermined"]))
    eligible = fields.Boolean(allow_none=True, metadata={"description": "null: cannot tell from what was entered"})
    # Plain strings: a household's sum may exceed DecimalString's ten input digits.
    per_capita_income = fields.String(allow_none=True, metadata={"description": "yuan per person per month",
                                                                 "example": "512.00"})
    suggested_monthly_amount = fields.String(allow_none=True, metadata={"description": "yuan per month, estimated",
                                                                        "example": "354.00"})
    counted_members = fields.List(fields.Integer(), metadata={"description": "member positions counted"})
    findings = fields.List(fields.Nested(FindingOut))
    disclaimer = fields.String()
