"""Resident identity numbers (GB 11643-1999) and mainland mobile numbers."""
import re
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_COMPACT_RE = re.compile(r"[0-9]{17}[0-9X]")


def normalize_id_number(value: str) -> str:
    """Spaces and separators dropped, x upper-cased; a number already in that form is returned as is
    (a batch check reads thousands of stored numbers, and stdnum's clean-up is slow)."""
    if value and _COMPACT_RE.fullmatch(value):
        return value
    return ric.compact(value or "").upper()


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """Why an ID number is invalid, in Chinese, or None.

    Format, birth date and check digit are checked; stdnum's validate() is not
    used because it also refuses real numbers whose county code is newer than
    the birth year (see STACK.md).
    """
    number = normalize_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return "身份证号码应为18位，最后一位可以是X"
    try:
        born = ric.get_birth_date(number)
    except StdnumError:
        return "身份证号码中的出生日期无效"
    if born > (today or date.today()) or born.year < 1900:
        return "身份证号码中的出生日期无效"
    if ric.calc_check_digit(number) != number[-1]:  # it takes the whole number
        return "身份证号码校验位不正确"
    return None


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    return digits[3:] if digits.startswith("+86") else digits


def phone_problem(value: str) -> str | None:
    return None if PHONE_RE.match(normalize_phone(value)) else "请输入11位手机号码"
