"""ETag / If-Match for updates that can race: the ETag is the row's version counter."""
from flask import request

from app.common.errors import StaleVersion, VersionRequired


def etag(version: int) -> str:
    return f'"v{version}"'


def required_version() -> int:
    """The version the client last read, from If-Match; 428 when absent."""
    header = request.headers.get("If-Match")
    if not header:
        raise VersionRequired()
    value = header.strip().removeprefix("W/").strip('"')
    if not value.startswith("v") or not value[1:].isdigit() or len(value) > 19:
        raise StaleVersion()
    return int(value[1:])
