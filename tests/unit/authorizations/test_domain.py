"""Pure rules of signing: validity, the household as signed, replays, names."""
from datetime import datetime, timezone

import pytest

from app.authorizations.domain import (STROKES_MAX_BYTES, add_months, household_digest, normalize_name,
                                       request_hash, strokes_bytes)

UTC = timezone.utc


@pytest.mark.parametrize("start,months,end", [
    (datetime(2026, 11, 23, 8, tzinfo=UTC), 12, datetime(2027, 11, 23, 8, tzinfo=UTC)),   # the default validity
    (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),            # the month is shorter
    (datetime(2027, 12, 31, tzinfo=UTC), 2, datetime(2028, 2, 29, tzinfo=UTC)),           # into a leap February
    (datetime(2026, 3, 1, tzinfo=UTC), 0, datetime(2026, 3, 1, tzinfo=UTC)),              # no validity configured
])
def test_validity_ends_the_same_day_months_later(start, months, end):
    assert add_months(start, months) == end


def household(**change):
    members = [{"name": "张三", "id_number": "610324199001011230", "relation": "self", "lives_together": True,
                "capacity": "full", "guardian_member_index": None, "phone": "13800000001"},
               {"name": "张小", "id_number": "610324201006010034", "relation": "child", "lives_together": True,
                "capacity": "full", "guardian_member_index": 0, "phone": None}]
    members[1].update(change)
    return members


@pytest.mark.parametrize("change,same", [
    ({}, True),
    ({"phone": "13800000009"}, True),                   # a new phone number does not change who consented
    ({"name": "张晓"}, False),
    ({"id_number": "11010519491231002X"}, False),
    ({"lives_together": False}, False),
    ({"guardian_member_index": None}, False),
])
def test_the_household_digest_changes_with_who_the_household_is(change, same):
    assert (household_digest(household(**change)) == household_digest(household())) is same


def test_a_member_more_or_less_changes_the_digest():
    assert household_digest(household()[:1]) != household_digest(household())


def test_a_replay_is_recognised_and_another_body_is_not():
    body = {"name": "张三", "otp_code": "123456", "signature": {"png_base64": "AAAA"}}
    assert request_hash("t" * 40, body) == request_hash("t" * 40, dict(reversed(list(body.items()))))
    assert request_hash("t" * 40, body) != request_hash("t" * 40, body | {"otp_code": "654321"})
    assert request_hash("t" * 40, body) != request_hash("u" * 40, body)


@pytest.mark.parametrize("typed,on_file,same", [
    ("张三", "张三", True), (" 张 三 ", "张三", True), ("买买提·艾力", "买买提艾力", True),
    ("ＺＨＡＮＧ", "ZHANG", True),   # full-width letters typed on a phone keyboard
    ("张四", "张三", False), ("", "张三", False),
])
def test_names_compare_after_normalisation(typed, on_file, same):
    assert (normalize_name(typed) == normalize_name(on_file)) is same


def test_strokes_are_kept_compact_and_absent_when_not_given():
    assert strokes_bytes(None) is None and strokes_bytes([]) is None
    data = strokes_bytes([{"points": [{"x": 1, "y": 2, "time": 3, "pressure": 0.5}]}])
    assert data == b'[{"points":[{"x":1,"y":2,"time":3,"pressure":0.5}]}]' and len(data) < STROKES_MAX_BYTES
