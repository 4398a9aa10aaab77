"""Credential rules: SMS codes, send limits, role placement, staff passwords."""
import re

import pytest

from app.identity.domain import new_otp_code, parse_send_limits, password_problem, role_level_problem

PROVINCE, CITY, DISTRICT = "610000000000", "610300000000", "610324000000"
TOWNSHIP, VILLAGE = "610324106000", "610324106201"


def test_otp_codes_are_six_digits_with_leading_zeros_kept():
    codes = [new_otp_code() for _ in range(2000)]
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert any(code.startswith("0") for code in codes)  # about 200 expected
    assert len(set(codes)) > 1900


@pytest.mark.parametrize("spec, limits", [
    ("1/60,5/3600,10/86400", [(1, 60), (5, 3600), (10, 86400)]),
    (" 1/60 , 5/3600 ", [(1, 60), (5, 3600)]),
    ("3/300", [(3, 300)]),
])
def test_send_limits_are_parsed(spec, limits):
    assert parse_send_limits(spec) == limits


@pytest.mark.parametrize("spec", ["", "1/60,", "1 per minute", "1/", "/60"])
def test_malformed_send_limits_are_refused(spec):
    with pytest.raises(ValueError):
        parse_send_limits(spec)


@pytest.mark.parametrize("role, region, allowed", [
    ("village_worker", VILLAGE, True),
    ("village_worker", TOWNSHIP, False),
    ("village_worker", DISTRICT, False),
    ("township_worker", TOWNSHIP, True),
    ("township_worker", VILLAGE, False),
    ("township_worker", DISTRICT, False),
    ("district_worker", DISTRICT, True),
    ("district_worker", TOWNSHIP, False),
    ("district_worker", CITY, False),
    ("verification_officer", DISTRICT, True),
    ("verification_officer", CITY, True),
    ("verification_officer", TOWNSHIP, False),
    ("verification_officer", PROVINCE, False),
    ("admin", CITY, True),
    ("admin", PROVINCE, True),
    ("admin", DISTRICT, True),
    ("admin", TOWNSHIP, False),
    ("admin", VILLAGE, False),
    ("auditor", CITY, True),
    ("auditor", VILLAGE, False),
    ("applicant", VILLAGE, False),
])
def test_each_role_is_placed_only_at_its_levels(role, region, allowed):
    problem = role_level_problem(role, region)
    assert (problem is None) is allowed
    if not allowed:
        assert problem.startswith("该角色只能设在以下级别的区划")


def test_an_unknown_role_is_an_error():
    with pytest.raises(ValueError):
        role_level_problem("superuser", CITY)


@pytest.mark.parametrize("password, problem", [
    ("Ab1!x", "密码至少需要8个字符"),
    ("", "密码至少需要8个字符"),
    ("password123", "密码太常见或太容易猜到，请换一个更复杂的密码"),
    ("12345678", "密码太常见或太容易猜到，请换一个更复杂的密码"),
    ("qwertyuiop", "密码太常见或太容易猜到，请换一个更复杂的密码"),
    ("zhangwei2024", "密码太常见或太容易猜到，请换一个更复杂的密码"),  # built from the username
    ("Tq7#vLp2!xWm9zR" * 9, "密码不能超过128个字符"),
    ("Tq7#vLp2!xWm9zR", None),
    ("correct horse battery staple", None),
])
def test_password_problem(password, problem):
    assert password_problem(password, min_length=8, user_inputs=["zhangwei", "张伟"]) == problem


@pytest.mark.parametrize("length", [72, 73, 100, 128])
def test_a_long_strong_password_within_the_limit_is_accepted(length):
    # zxcvbn raises ValueError past 72 characters; the schema lets up to 128 through.
    password = ("Tq7#vLp2!xWm9zR" * 9)[:length]
    assert password_problem(password, min_length=8, user_inputs=[]) is None


def test_minimum_length_comes_from_configuration():
    assert password_problem("Tq7#vLp2!xWm9zR", min_length=16, user_inputs=[]) == "密码至少需要16个字符"
