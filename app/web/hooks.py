"""Request lifecycle: id, input guards, access, idempotency, one commit, response headers."""
import logging
import re
import time
import uuid

from flask import g, request
from sqlalchemy.exc import SQLAlchemyError

from app import db
from app.common.errors import InvalidInput
from app.errors import database_error_response, envelope
from app.web import access, idempotency

log = logging.getLogger("app.request")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
RULE_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def install(app, *, authenticate, on_denied):
    @app.before_request
    def start():
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex

    @app.before_request
    def guard_input():
        if request.is_json and (request.content_length or 0) > app.config["MAX_JSON_BYTES"]:
            from werkzeug.exceptions import RequestEntityTooLarge

            raise RequestEntityTooLarge()
        # PostgreSQL text cannot hold NUL: refuse it everywhere before it reaches a query.
        if "\x00" in request.path or b"%00" in request.query_string or "\x00" in "".join(request.args.values()):
            raise InvalidInput(errors={"_request": ["请求地址或参数中不能包含空字符"]})

    @app.before_request
    def check_access():
        access.enforce(authenticate, on_denied)

    @app.before_request
    def refuse_undeclared_query():
        """A query parameter the operation does not declare is a mistake the caller should hear about
        (a misspelt filter would otherwise silently show everything)."""
        if not request.args or request.url_rule is None:
            return
        allowed = _declared_query(app).get((request.url_rule.rule, request.method))
        unknown = [name for name in request.args if name not in allowed] if allowed is not None else []
        if unknown:
            raise InvalidInput(errors={name or "_query": ["不支持的查询参数"] for name in unknown})

    @app.before_request
    def reserve_idempotency_key():
        return idempotency.begin()

    @app.after_request
    def finish(response):
        response = _commit_or_rollback(response)
        _headers(response)
        _log(response)
        return response


def _declared_query(app) -> dict[tuple[str, str], frozenset[str]]:
    """(URL rule, METHOD) → the query parameters the OpenAPI document declares for it; worked out on
    the first request, once every route is registered. Routes outside the document are not listed."""
    if "declared_query" not in app.extensions:
        paths = app.extensions["api"].spec.to_dict()["paths"]
        declared = {}
        for rule in app.url_map.iter_rules():
            for method, operation in paths.get(RULE_PARAMETER.sub(r"{\1}", rule.rule), {}).items():
                if isinstance(operation, dict):
                    declared[(rule.rule, method.upper())] = frozenset(
                        p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
        app.extensions["declared_query"] = declared
    return app.extensions["declared_query"]


def _commit_or_rollback(response):
    if response.status_code >= 400 and not g.get("keep_changes"):
        db.rollback()
        return response
    try:
        idempotency.remember(response)
        db.commit()
    except SQLAlchemyError as exc:
        db.rollback()
        return database_error_response(exc) if hasattr(exc, "orig") else envelope(500)
    return response


def _headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if response.mimetype == "application/json":
        response.headers.setdefault("Content-Security-Policy", JSON_CSP)
    if request.path.startswith("/api/v1/") or response.status_code >= 400 or request.path == "/readyz":
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")


def _log(response):
    principal = g.get("principal")
    # The route pattern, not the path: a path can carry a signing token.
    log.info("request", extra={
        "request_id": g.get("request_id"), "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None, "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
        "account_id": principal.account_id if principal else None,
    })
