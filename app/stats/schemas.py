"""Shapes of the dashboard: the query, the figures, the chart's query."""
from marshmallow import fields, validate

from app.web.schemas import BaseSchema

CHARTS = ("stages", "types", "monthly")


class StatsQuery(BaseSchema):
    region_code = fields.String(validate=validate.Regexp(r"^\d{12}$", error="区划代码为12位数字"), metadata={
        "description": "a division within your scope (default: your own)"})
    due_within = fields.Integer(load_default=3, validate=validate.Range(min=0, max=60), metadata={
        "description": "due soon: within N working days (overdue cases not included)"})


class ChartQuery(StatsQuery):
    chart = fields.String(required=True, validate=validate.OneOf(CHARTS),
                          metadata={"description": "stages, types or monthly"})


class GroupCount(BaseSchema):
    code = fields.String()
    label = fields.String()
    count = fields.Integer()
    overdue = fields.Integer()
    due_soon = fields.Integer()


class OpenCases(BaseSchema):
    total = fields.Integer()
    overdue = fields.Integer()
    due_soon = fields.Integer()
    by_stage = fields.List(fields.Nested(GroupCount))
    by_type = fields.List(fields.Nested(GroupCount))


class DecisionTime(BaseSchema):
    code = fields.String(metadata={"description": "the assistance type"})
    label = fields.String()
    decided = fields.Integer(metadata={"description": "cases approved or rejected in the period"})
    average_working_days = fields.Float(allow_none=True, metadata={
        "description": "from submission to decision; null when none was decided"})


class Month(BaseSchema):
    month = fields.String(metadata={"description": "YYYY-MM (China time)"})
    approvals = fields.Integer()
    amount = fields.Decimal(as_string=True, metadata={"type": "string",
                                                      "description": "the monthly amounts granted, yuan (\"330.00\")"})


class Period(BaseSchema):
    start = fields.Date(metadata={"description": "the first day of the oldest month"})
    end = fields.Date(metadata={"description": "today"})


class StatsOut(BaseSchema):
    region_code = fields.String()
    region_name = fields.String()
    as_of = fields.Date()
    due_within = fields.Integer()
    open = fields.Nested(OpenCases)
    decision_times = fields.List(fields.Nested(DecisionTime))
    monthly = fields.List(fields.Nested(Month))
    period = fields.Nested(Period, metadata={"description": "the months of decision_times and monthly"})
    warnings = fields.List(fields.String())
