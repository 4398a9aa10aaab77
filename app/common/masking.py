"""The one masking module (GB/T 35273 display masking) used by every response."""


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
