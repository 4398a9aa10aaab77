"""Shapes of department data sources and imports; rejected rows carry masked values only."""
from marshmallow import fields

from app.web.schemas import BaseSchema, File


class ColumnOut(BaseSchema):
    name = fields.String(metadata={"description": "column code used in the CSV header"})
    title = fields.String(metadata={"description": "Chinese column title, also accepted in the header"})
    description = fields.String()
    required = fields.Boolean()


class SourceOut(BaseSchema):
    kind = fields.String()
    title = fields.String()
    description = fields.String()
    records = fields.Integer(metadata={"description": "records brought by successful imports"})
    last_import_at = fields.DateTime(allow_none=True)
    columns = fields.List(fields.Nested(ColumnOut), metadata={"description": "the CSV layout"})


class RejectedRowOut(BaseSchema):
    line = fields.Integer(metadata={"description": "line in the file (the header is line 1)"})
    column = fields.String(metadata={"description": "column code, or _row for the whole row"})
    reason = fields.String()
    value = fields.String(allow_none=True, metadata={"description": "the cell, masked unless a code or a date"})


class ImportOut(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    status = fields.String(metadata={"description": "validating, imported or rejected"})
    encoding = fields.String(metadata={"description": "utf-8 or gb18030"})
    size_bytes = fields.Integer()
    sha256 = fields.String()
    rows_total = fields.Integer()
    rows_accepted = fields.Integer()
    rows_rejected = fields.Integer()
    notes = fields.List(fields.String())
    rejected_rows = fields.List(fields.Nested(RejectedRowOut), metadata={"description": "the first 100"})
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    repeated = fields.Boolean(metadata={"description": "true: this file was imported before; nothing changed"})


class ImportFileIn(BaseSchema):
    file = File(required=True, metadata={"description": "UTF-8 (or GBK) CSV with a header row, ≤ 50 MB"})
