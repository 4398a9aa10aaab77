"""The one masking module (GB/T 35273 display masking) used by every response."""
import re


def mask_id_number(value: str | None) -> str | None:
    """610324********123X: the first 6 and the last 4 characters at most."""
    if not value:
        return value
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """138****5678."""
    if not value:
        return value
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str | None:
    """The surname and one star per other character: 张*, 欧阳**."""
    if not value:
        return value
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_middle(value: str | None, *, keep_start: int, keep_end: int) -> str | None:
    """Identifying text other than names and ID numbers (an address, a plate, a certificate number):
    the start and the end kept, at least half of it starred: 陕C3K582 → 陕C****2."""
    if not value:
        return value
    keep = min(keep_start + keep_end, len(value) // 2)
    start = min(keep_start, keep)
    end = keep - start
    return value[:start] + "*" * (len(value) - keep) + (value[len(value) - end:] if end else "")


# ID numbers (18 or the old 15 digits) and mobile numbers typed into free text.
_NUMBERS_IN_TEXT = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")


def mask_numbers_in(text: str | None) -> str | None:
    """Free text a worker wrote (a reason, an answer) with any ID or mobile number in it masked,
    for the places that keep text unencrypted: events, inbox messages."""
    if not text:
        return text
    return _NUMBERS_IN_TEXT.sub(lambda m: (mask_phone if len(m[1]) == 11 else mask_id_number)(m[1]), text)
