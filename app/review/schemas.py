"""Shapes of the queue, the case file, home visits and decisions."""
from marshmallow import fields, validate

from app.applications.domain import AssistanceType
from app.review.domain import OUTCOMES, QUEUE_STAGES, STEPS
from app.web.schemas import BaseSchema, File, RecordId


class CaseQuery(BaseSchema):
    stage = fields.String(validate=validate.OneOf(QUEUE_STAGES), metadata={
        "description": "one stage; without it, every stage from authorizing to district filing"})
    assistance_type = fields.String(validate=validate.OneOf([t.value for t in AssistanceType]))
    overdue = fields.Boolean()
    flagged = fields.Boolean(metadata={"description": "cases with an unanswered objection to their notice"})
    due_within = fields.Integer(validate=validate.Range(min=0, max=60),
                                metadata={"description": "due within N working days (overdue included)"})
    assist_first = fields.String(validate=validate.OneOf(["due", "overdue"]), metadata={
        "description": "cases granted assistance first (先行救助) whose file is due or overdue"})


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
    review_path = fields.String(metadata={"description": "standard, small_temporary or commitment"})
    assist_first = fields.Nested(lambda: AssistFirstOut(), allow_none=True)


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
    letters = fields.List(fields.Nested(lambda: DecisionLetterOut()), metadata={"description": "decision notices"})
    events = fields.List(fields.Dict())
    revealed = fields.Boolean()
    review_path = fields.String()
    assist_first = fields.Nested(lambda: AssistFirstOut(), allow_none=True)
    dishonesty = fields.List(fields.Dict(), metadata={"description": "失信 records against the applicant's ID"})


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
    photos = fields.List(fields.Nested(lambda: VisitPhotoOut()))


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


class AssistFirstIn(BaseSchema):
    amount = fields.Decimal(required=True, places=2, as_string=True, metadata={"description": "yuan, paid now"})
    reason = fields.String(required=True, validate=validate.Length(max=500))


class AssistFirstOut(BaseSchema):
    amount = fields.Decimal(as_string=True)
    granted_at = fields.DateTime()
    file_due_on = fields.Date(metadata={"description": "the file must be complete by this day"})
    working_days_left = fields.Integer(allow_none=True)
    state = fields.String(metadata={"description": "due, overdue, complete or completed_late"})


class DishonestyIn(BaseSchema):
    check_id = RecordId(required=True, metadata={"description": "the report that proves the false declaration"})
    reason = fields.String(required=True, validate=validate.Length(min=4, max=500))
    revoke = fields.Boolean(load_default=False, metadata={"description": "also revoke the benefit (district only)"})


class DishonestyOut(BaseSchema):
    id = fields.Integer()
    application_id = fields.Integer()
    check_id = fields.Integer()
    reason = fields.String()
    revoked_benefit = fields.Boolean()
    recorded_at = fields.DateTime()
    application_status = fields.String()


class VisitPhotoIn(BaseSchema):
    file = File(required=True, metadata={"description": "a JPEG or PNG photo, at most 10 MB"})


class VisitPhotoOut(BaseSchema):
    id = fields.Integer()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = fields.DateTime()


class DecisionLetterOut(BaseSchema):
    """A decision notice (救助决定通知书); overdue while pending past its limit of working days."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "approval or rejection"})
    title = fields.String()
    status = fields.String(metadata={"description": "pending or issued"})
    decided_on = fields.Date()
    due_on = fields.Date(metadata={"description": "the last day to send it (3 working days by default)"})
    overdue = fields.Boolean()
    issued_at = fields.DateTime(allow_none=True)
    verify_code = fields.String(allow_none=True,
                                metadata={"description": "once issued: POST /verify or GET /verify/{code}"})
    amount = fields.Decimal(as_string=True, allow_none=True,
                            metadata={"type": "string", "description": "an approval's amount (yuan), e.g. \"330.00\""})
    reasons = fields.List(fields.String(), metadata={"description": "a rejection's reasons, as the notice states them"})


class ExportQuery(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=4, max=200), metadata={
        "description": "why the full, unmasked file is exported; printed on it and audited"})
