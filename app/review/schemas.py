"""Shapes of the queue, the case file, home visits and decisions."""
from marshmallow import fields, validate

from app.applications.domain import AssistanceType, Status
from app.review.domain import OUTCOMES, STEPS
from app.web.schemas import BaseSchema

QUEUE_STAGES = [*STEPS, Status.CHECKING.value]


class CaseQuery(BaseSchema):
    stage = fields.String(validate=validate.OneOf(QUEUE_STAGES))
    assistance_type = fields.String(validate=validate.OneOf([t.value for t in AssistanceType]))
    overdue = fields.Boolean()
    flagged = fields.Boolean(metadata={"description": "cases with an unanswered objection to their notice"})
    due_within = fields.Integer(validate=validate.Range(min=0, max=60),
                                metadata={"description": "due within N working days (overdue included)"})


class CaseRow(BaseSchema):
    id = fields.Integer()
    assistance_type = fields.String()
    status = fields.String()
    stage = fields.String()
    region_code = fields.String()
    applicant = fields.String(metadata={"description": "masked"})
    submitted_at = fields.DateTime()
    deadline = fields.Date(allow_none=True)
    working_days_left = fields.Integer(allow_none=True)
    overdue = fields.Boolean()
    waiting_for = fields.String(allow_none=True, metadata={"description": "the role whose step it is"})
    open_objections = fields.Integer(metadata={"description": "objections to its notice not yet answered"})


class CaseFileQuery(BaseSchema):
    reveal_reason = fields.String(validate=validate.Length(min=4, max=200), metadata={
        "description": "unmask names, ID numbers and phones; the reason is audited"})


class CaseFileOut(BaseSchema):
    id = fields.Integer()
    version = fields.Integer()
    assistance_type = fields.String()
    status = fields.String()
    stage = fields.String()
    region_code = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    deadline = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    members = fields.List(fields.Dict())
    declared = fields.Dict()
    documents = fields.List(fields.Dict())
    authorizations = fields.List(fields.Dict())
    checks = fields.List(fields.Dict())
    visits = fields.List(fields.Dict())
    decisions = fields.List(fields.Dict())
    objections = fields.List(fields.Dict(), metadata={"description": "objections to the public notice"})
    events = fields.List(fields.Dict())
    revealed = fields.Boolean()


class VisitIn(BaseSchema):
    visited_on = fields.Date(required=True)
    visitors = fields.List(fields.String(validate=validate.Length(min=1, max=20)), required=True,
                           validate=validate.Length(min=2, max=6, error="入户调查须至少2人"))
    findings = fields.String(required=True, validate=validate.Length(min=4, max=2000))


class VisitOut(BaseSchema):
    id = fields.Integer()
    visited_on = fields.Date()
    visitors = fields.List(fields.String())
    findings = fields.String()
    recorded_at = fields.DateTime()


class DecisionIn(BaseSchema):
    step = fields.String(required=True, validate=validate.OneOf(STEPS))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    reason = fields.String(validate=validate.Length(max=500))
    amount = fields.Decimal(places=2, as_string=True, metadata={"description": "monthly amount (yuan), if changed"})
    items = fields.List(fields.String(validate=validate.Length(min=1, max=100)), validate=validate.Length(max=20),
                        metadata={"description": "for a return: what the applicant must add"})


class DecisionOut(BaseSchema):
    id = fields.Integer()
    step = fields.String()
    outcome = fields.String()
    reason = fields.String(allow_none=True)
    items = fields.List(fields.String())
    amount = fields.Decimal(as_string=True, allow_none=True)
    suggested_amount = fields.Decimal(as_string=True, allow_none=True)
    check_id = fields.Integer(allow_none=True)
    decided_at = fields.DateTime()
    application_status = fields.String()


class NoticeQuery(BaseSchema):
    region_code = fields.String(required=True, validate=validate.Regexp(r"^\d{12}$", error="区划代码为12位数字"))


class NoticeOut(BaseSchema):
    """What a notice may show: surname and a star, village, type, household size, amount."""

    id = fields.Integer()
    name = fields.String()
    village = fields.String()
    region_code = fields.String()
    assistance_type = fields.String()
    household_size = fields.Integer()
    amount = fields.Decimal(as_string=True, allow_none=True)
    published_on = fields.Date()
    ends_on = fields.Date()


class ObjectionIn(BaseSchema):
    content = fields.String(required=True, validate=validate.Length(min=10, max=1000))
    contact = fields.String(validate=validate.Length(max=50),
                            metadata={"description": "optional: how to reach the objector"})


class ObjectionOut(BaseSchema):
    id = fields.Integer()
    filed_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)


class AnswerIn(BaseSchema):
    answer = fields.String(required=True, validate=validate.Length(min=4, max=1000))
