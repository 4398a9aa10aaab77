"""Idempotency-Key: the same key and body replays the first response; another body is 422.

The key row is inserted in the request's own transaction, so it exists exactly
when the side effect does; a concurrent duplicate waits on the unique index and
then replays what the first request committed.
"""
import hashlib
import re

from flask import Response, g, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.common.clock import utcnow
from app.common.errors import Conflict, InvalidInput
from app.db import rollback, session
from app.web.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")


def _request_hash() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        digest.update(part.encode("utf-8") + b"\x00")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _find(scope: str, key: str) -> IdempotencyRecord | None:
    return session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.scope == scope,
                                                          IdempotencyRecord.key == key))


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise InvalidInput("该 Idempotency-Key 已用于另一个请求", error="IDEMPOTENCY_KEY_REUSED",
                           errors={HEADER: ["同一个键只能用于同一个请求"]})
    if record.status_code is None:
        raise Conflict("相同的请求正在处理中，请稍后重试", error="REQUEST_IN_PROGRESS")
    response = Response(record.response_body, status=record.status_code)
    for name, value in (record.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def begin() -> Response | None:
    """before_request, after authentication: replay, refuse, or reserve the key."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not KEY_RE.match(key):
        raise InvalidInput(errors={HEADER: ["应为1到255个可见 ASCII 字符"]})
    principal = g.get("principal")
    # Anonymous callers are told apart by address, so nobody replays another's response.
    scope = f"account:{principal.account_id}" if principal else f"anonymous:{request.remote_addr}"
    request_hash = _request_hash()
    record = _find(scope, key)
    if record is not None:
        return _replay(record, request_hash)
    record = IdempotencyRecord(scope=scope, key=key, request_hash=request_hash, created_at=utcnow())
    session.add(record)
    try:
        session.flush()
    except IntegrityError:
        rollback()
        return _replay(_find(scope, key), request_hash)
    g.idempotency_record = record
    return None


def remember(response: Response) -> None:
    """Store the response that is about to be committed with its side effects."""
    record = g.pop("idempotency_record", None)
    if record is None:
        return
    if response.status_code >= 400 or response.direct_passthrough:
        # A refusal that still commits (a failed log-in, a send limit) is not the outcome
        # the key stands for: free the key so the retry is judged afresh.
        session.delete(record)
        return
    record.status_code = response.status_code
    record.response_body = response.get_data(as_text=True)
    record.response_headers = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}


def purge_before(cutoff) -> int:
    return session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)).rowcount
