"""Shapes of checks, reports and batches."""
from marshmallow import fields, validate

from app.applications.domain import AssistanceType
from app.web.schemas import BaseSchema, RecordId


class CheckIn(BaseSchema):
    application_id = RecordId(required=True)
    purpose = fields.String(load_default="application", validate=validate.OneOf(["application", "commission"]))


class CheckOut(BaseSchema):
    id = fields.Integer()
    application_id = fields.Integer()
    purpose = fields.String()
    status = fields.String(metadata={"description": "queued, running, done, failed"})
    progress = fields.Integer(metadata={"description": "0–100"})
    outcome = fields.String(allow_none=True)
    consistency = fields.String(allow_none=True, metadata={"description": "consistent (基本一致), inconsistent, or not_checked (no department answered)"})
    error = fields.String(allow_none=True)
    requested_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class ReportOut(BaseSchema):
    """The report as issued; every figure explained (see `assessment.findings` and `comparisons`)."""

    check_id = fields.Integer()
    application_id = fields.Integer()
    purpose = fields.String()
    region_code = fields.String()
    checked_on = fields.String()
    checked_at = fields.String()
    conclusion = fields.String()
    consistency = fields.String()
    declared_assessment = fields.String(allow_none=True, metadata={
        "description": "the outcome on the declaration alone (not for a periodic re-check)"})
    assessment = fields.Dict()
    comparisons = fields.List(fields.Dict())
    sources = fields.List(fields.Dict())
    records = fields.List(fields.Dict())
    members = fields.List(fields.Dict())
    verify_code = fields.String(allow_none=True, metadata={"description": "once the PDF has been issued"})


class BatchIn(BaseSchema):
    region_code = fields.String(required=True, validate=validate.Regexp(r"^\d{12}$", error="区划代码为12位数字"))
    assistance_type = fields.String(required=True, validate=validate.OneOf([t.value for t in AssistanceType]))


class BatchOut(BaseSchema):
    id = fields.Integer()
    region_code = fields.String()
    assistance_type = fields.String()
    status = fields.String()
    total = fields.Integer()
    done = fields.Integer()
    progress = fields.Method("_progress", metadata={"description": "0–100"})
    summary = fields.Method("_summary", metadata={
        "description": "still_eligible, now_ineligible, gradual_exit, undetermined, authorization_expired"})
    requested_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)

    def _progress(self, batch) -> int:
        return 100 if batch.total == 0 and batch.status == "done" else int(100 * batch.done / batch.total) if batch.total else 0

    def _summary(self, batch) -> dict:
        import json

        return json.loads(batch.summary or "{}")
