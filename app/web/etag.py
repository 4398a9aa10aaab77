"""ETag / If-Match for updates that can race: the ETag is the row's version counter."""
from flask import request
from flask_smorest import Blueprint

from app.common.errors import StaleVersion, VersionRequired

IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"},
            "description": "the ETag of the version last read: 428 without it, 412 when it is stale"}


def etag(version: int) -> str:
    return f'"v{version}"'


def if_match(view):
    """Says in the OpenAPI document that the view reads If-Match (through required_version)."""
    return Blueprint.doc(parameters=[IF_MATCH])(view)


def required_version() -> int:
    """The version the client last read, from If-Match; 428 when absent."""
    header = request.headers.get("If-Match")
    if not header:
        raise VersionRequired()
    value = header.strip().removeprefix("W/").strip('"')
    if not value.startswith("v") or not value[1:].isdigit() or len(value) > 19:
        raise StaleVersion()
    return int(value[1:])
