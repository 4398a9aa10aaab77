"""Base schemas: unknown fields and NUL characters refused, with the field named."""
import re

from flask_smorest.fields import Upload
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate
from werkzeug.datastructures import FileStorage

from app.common.idnumber import id_number_problem, normalize_id_number, normalize_phone, phone_problem


def _nul_paths(value, path=()):
    if isinstance(value, str):
        if "\x00" in value:
            yield ".".join(path) or "_schema"
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                yield ".".join(path + ("_key",))
            yield from _nul_paths(item, path + (str(key),))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, path + (str(index),))


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_nul(self, data, **_kwargs):
        bad = list(_nul_paths(data))
        if bad:
            raise ValidationError({path: ["不能包含空字符"] for path in bad})
        return data


MAX_ID = 2**63 - 1   # ids are BIGINT


class RecordId(fields.Integer):
    """The id of a record named in a request body: positive and within BIGINT, so a larger number is a
    422 naming the field, not a database error."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class File(Upload):
    """A file part of a multipart body; a text part under its name is refused, not read as the file."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError("应为文件")
        return value


class IdNumber(fields.String):
    """A resident ID number: GB 11643 format, birth date and check digit."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(r"^\d{17}[\dX]$"), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if problem := id_number_problem(text):
            raise ValidationError(problem)
        return normalize_id_number(text)


class Phone(fields.String):
    """A mainland mobile number; +86, spaces and dashes are tolerated on input."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(r"^1[3-9]\d{9}$"), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if problem := phone_problem(text):
            raise ValidationError(problem)
        return normalize_phone(text)


class DecimalString(fields.Decimal):
    """A decimal as a JSON string with at most two places ("630.00"): JSON numbers are floats, refused."""

    PATTERN = r"^\d{1,10}(\.\d{1,2})?$"

    def __init__(self, **kwargs):
        metadata = {"pattern": self.PATTERN, "example": "630.00", **kwargs.pop("metadata", {})}
        super().__init__(places=2, as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.match(self.PATTERN, value):
            raise ValidationError("应为字符串形式的金额或数值，最多两位小数，如 \"630.00\"")
        return super()._deserialize(value, attr, data, **kwargs)


PersonName = lambda **kw: fields.String(validate=validate.Regexp(  # noqa: E731
    r"^[\u3400-\u9fff\u00b7A-Za-z][\u3400-\u9fff\u00b7A-Za-z ]{0,29}$", error="请填写真实姓名（2到30个字）"),
    **kw)
