"""Resident ID numbers (GB 11643-1999) and mainland mobile numbers."""
from datetime import date

import pytest

from app.common.idnumber import id_number_problem, normalize_id_number, normalize_phone, phone_problem

TODAY = date(2024, 6, 1)
BAD_LENGTH = "身份证号码应为18位，最后一位可以是X"
BAD_DATE = "身份证号码中的出生日期无效"
BAD_CHECK = "身份证号码校验位不正确"


@pytest.mark.parametrize("value", [
    "11010519491231002X",
    "610324199001011230",
    "610302198503150027",
    "610324201006010034",
    "11010519491231002x",
    " 610324199001011230 ",
])
def test_valid_id_numbers_have_no_problem(value):
    assert id_number_problem(value, today=TODAY) is None


@pytest.mark.parametrize("value, problem", [
    ("610324199001011234", BAD_CHECK),
    ("11010519491231002Y", BAD_LENGTH),
    ("610324199013011230", BAD_DATE),
    ("610324199002301230", BAD_DATE),
    ("610324189912311238", BAD_DATE),
    ("61032419900101123", BAD_LENGTH),
    ("6103241990010112301", BAD_LENGTH),
    ("610324900101123", BAD_LENGTH),
    ("", BAD_LENGTH),
    (None, BAD_LENGTH),
])
def test_invalid_id_numbers_are_explained(value, problem):
    assert id_number_problem(value, today=TODAY) == problem


def test_birth_date_after_today_is_refused():
    born_2010 = "610324201006010034"
    assert id_number_problem(born_2010, today=date(2010, 6, 1)) is None
    assert id_number_problem(born_2010, today=date(2010, 5, 31)) == BAD_DATE


def test_lowercase_check_character_is_normalised_to_x():
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("value, normal", [
    ("13812345678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    (" 13812345678 ", "13812345678"),
])
def test_phone_numbers_are_normalised(value, normal):
    assert normalize_phone(value) == normal
    assert phone_problem(value) is None


@pytest.mark.parametrize("value", [
    "12812345678",  # no mobile prefix starts with 12
    "1381234567",
    "138123456789",
    "1381234567a",
    "+8513812345678",
    "",
    None,
])
def test_invalid_phone_numbers_are_refused(value):
    assert phone_problem(value) == "请输入11位手机号码"
