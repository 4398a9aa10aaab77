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
