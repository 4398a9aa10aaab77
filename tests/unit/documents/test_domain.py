"""Verify codes and the embedded evidence file."""
from app.documents.domain import (CODE_LENGTH, evidence_bytes, new_verify_code, normalize_code, parse_evidence)


def test_verify_codes_are_80_bits_of_unambiguous_characters():
    codes = {new_verify_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CODE_LENGTH and not set(code) & set("ILOU") for code in codes)


def test_a_code_typed_from_paper_is_normalised():
    assert normalize_code(" abcd-efgh 1234 5678 ") == "ABCDEFGH12345678"


def test_evidence_is_canonical_and_read_back():
    one, two = evidence_bytes({"b": 1, "a": "张*"}), evidence_bytes({"a": "张*", "b": 1})
    assert one == two == '{"a":"张*","b":1}'.encode()
    assert parse_evidence(one) == {"a": "张*", "b": 1}


def test_unreadable_evidence_is_none_not_an_error():
    for data in (None, b"", b"not json", b"[1, 2]", b"\xff\xfe"):
        assert parse_evidence(data) is None
