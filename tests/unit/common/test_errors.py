"""Validation messages flattened to dotted field paths, in Chinese."""
import pytest

from app.errors import flatten


@pytest.mark.parametrize("messages, flat", [
    pytest.param({"json": {"a": {"0": {"b": ["Missing data for required field."]}}}},
                 {"a.0.b": ["必填"]}, id="nested"),
    pytest.param({"json": {"name": ["Missing data for required field."], "phone": ["Field may not be null."]}},
                 {"name": ["必填"], "phone": ["不能为空"]}, id="two fields"),
    pytest.param({"query": {"page": ["Not a valid integer."]}, "json": {"extra": ["Unknown field."]}},
                 {"page": ["应为整数"], "extra": ["不允许提交此字段"]}, id="two locations"),
    pytest.param({"json": {"members": [{"id_number": ["Not a valid string."]}, {}]}},
                 {"members.0.id_number": ["应为文本"]}, id="list of objects"),
    pytest.param({"json": {"files": {"0": {"name": ["Missing data for required field."]}}}},
                 {"files.0.name": ["必填"]}, id="a field named like a location"),
    pytest.param({"json": ["Invalid JSON body."]}, {"_schema": ["JSON 格式错误"]}, id="whole body"),
    pytest.param("Invalid input type.", {"_schema": ["数据类型不正确"]}, id="one message"),
    pytest.param({"json": {"kind": ["Must be one of: dibao, tekun."]}}, {"kind": ["取值必须是：dibao, tekun"]},
                 id="choices"),
    pytest.param({"json": {"note": ["Longer than maximum length 200."]}},
                 {"note": ["长度不符合要求（Longer than maximum length 200.）"]}, id="length"),
    pytest.param({"json": {"x": ["Something new."]}}, {"x": ["Something new."]}, id="untranslated kept"),
    pytest.param({}, {}, id="nothing"),
])
def test_flatten(messages, flat):
    assert flatten(messages) == flat
