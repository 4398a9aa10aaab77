"""The one error envelope, and the table from domain errors to HTTP status codes."""
import logging

from flask import g, jsonify
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from app.common import errors as domain

log = logging.getLogger(__name__)

STATUS_OF = {
    domain.InvalidInput: 422,
    domain.NotFound: 404,
    domain.AuthenticationFailed: 401,
    domain.PermissionDenied: 403,
    domain.Conflict: 409,
    domain.StaleVersion: 412,
    domain.VersionRequired: 428,
    domain.TooManyAttempts: 429,
    domain.DependencyUnavailable: 503,
}

MESSAGES = {
    400: "请求格式错误", 401: "请先登录", 403: "无权执行此操作", 404: "资源不存在",
    405: "不支持该请求方法", 406: "无法提供所要求的格式", 409: "与当前状态冲突",
    412: "数据已被他人修改，请刷新后重试", 413: "提交的内容过大", 415: "不支持的内容类型",
    422: "提交的数据有误", 428: "缺少 If-Match 请求头", 429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后重试", 503: "服务暂时不可用，请稍后重试",
}

ERROR_CODES = {
    400: "BAD_REQUEST", 401: "AUTHENTICATION_REQUIRED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED", 406: "NOT_ACCEPTABLE", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
    413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_ERROR",
    428: "PRECONDITION_REQUIRED", 429: "TOO_MANY_REQUESTS", 500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE",
}

# marshmallow and webargs speak English; people using the service read Chinese.
FIELD_MESSAGES = {
    "Missing data for required field.": "必填",
    "Unknown field.": "不允许提交此字段",
    "Field may not be null.": "不能为空",
    "Not a valid string.": "应为文本",
    "Not a valid integer.": "应为整数",
    "Not a valid number.": "应为数字",
    "Not a valid boolean.": "应为 true 或 false",
    "Not a valid datetime.": "应为 ISO 8601 时间",
    "Not a valid date.": "应为 ISO 8601 日期（YYYY-MM-DD）",
    "Not a valid email address.": "邮箱格式不正确",
    "Invalid input type.": "数据类型不正确",
    "Invalid JSON body.": "JSON 格式错误",
    "Invalid value.": "取值无效",
    "Not a valid list.": "应为列表",
    "Not a valid mapping type.": "应为对象",
}


# Upload refusals say which kind they are; HTTP has a status for each.
STATUS_HINTS = {"too_large": 413, "unsupported": 415, "invalid": 422}


def status_of(error: domain.DomainError) -> int:
    if getattr(error, "status_hint", None) in STATUS_HINTS:
        return STATUS_HINTS[error.status_hint]
    for cls in type(error).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


def _translate(message: str) -> str:
    if message in FIELD_MESSAGES:
        return FIELD_MESSAGES[message]
    if message.startswith("Must be one of"):
        return "取值必须是：" + message.split(":", 1)[-1].strip().rstrip(".")
    if message.startswith(("Length must be", "Longer than", "Shorter than")):
        return "长度不符合要求（" + message + "）"
    if message.startswith(("Must be greater", "Must be less", "Must be at")):
        return "数值超出范围（" + message + "）"
    return message


LOCATIONS = {"json", "form", "files", "query", "querystring", "json_or_form", "headers", "view_args"}


def flatten(messages, path: tuple | None = None) -> dict[str, list[str]]:
    """{"json": {"a": {"0": {"b": [..]}}}} → {"a.0.b": [..]}, translated."""
    if path is None:
        top_is_location = isinstance(messages, dict) and messages and set(map(str, messages)) <= LOCATIONS
        if top_is_location:
            flat: dict[str, list[str]] = {}
            for value in messages.values():
                for name, problems in flatten(value, ()).items():
                    flat.setdefault(name, []).extend(problems)
            return flat
        path = ()
    name = ".".join(path) or "_schema"
    if isinstance(messages, str):
        return {name: [_translate(messages)]}
    if isinstance(messages, (list, tuple)) and all(isinstance(m, str) for m in messages):
        return {name: [_translate(m) for m in messages]}
    flat = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        flat.update(flatten(value, path + (str(key),)))
    return flat


def envelope(status: int, *, message: str | None = None, error: str | None = None,
             errors: dict | None = None, headers: dict | None = None):
    body = {
        "code": status,
        "status": HTTP_STATUS_CODES.get(status, "Unknown"),
        "message": message or MESSAGES.get(status, "请求失败"),
        "error": error or ERROR_CODES.get(status, "ERROR"),
        "errors": errors or {},
        "request_id": g.get("request_id"),
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_error_response(exc: HTTPException):
    """Werkzeug and webargs errors (400, 404, 405, 413, 422, 429...) in the envelope, headers kept."""
    status = exc.code or 500
    headers = dict(exc.get_headers())
    headers.pop("Content-Type", None)
    data = getattr(exc, "data", None) or {}
    errors = flatten(data["messages"]) if "messages" in data else {}
    error = ERROR_CODES.get(status)
    message = None
    if status == 400 and any("JSON" in m for msgs in errors.values() for m in msgs):
        error, message = "MALFORMED_JSON", "请求内容不是有效的 JSON"
    if status == 422 and any("不允许提交此字段" in msgs for msgs in errors.values()):
        error = "UNKNOWN_FIELD"
    if status == 429:
        headers.setdefault("Retry-After", str(_seconds_until_reset()))
    return envelope(status, message=message, error=error, errors=errors, headers=headers)


def _seconds_until_reset() -> int:
    """When flask-limiter's breached window frees a slot."""
    import time

    from app import limiter

    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time()) + 1) if current else 60


def domain_error_response(exc: domain.DomainError):
    if exc.keep_changes:
        g.keep_changes = True
    headers = {"Retry-After": str(int(exc.retry_after))} if exc.retry_after else {}
    return envelope(status_of(exc), message=exc.message, error=exc.error, errors=exc.errors, headers=headers)


def database_error_response(exc: DBAPIError):
    if isinstance(exc, IntegrityError):
        log.info("integrity conflict", extra={"error_type": type(exc.orig).__name__})
        return envelope(409, message="数据与已有记录冲突，请刷新后重试", error="CONFLICT")
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        log.error("database unavailable", extra={"error_type": type(exc.orig).__name__})
        return envelope(503, message="数据库暂时不可用，请稍后重试", error="DATABASE_UNAVAILABLE",
                        headers={"Retry-After": "5"})
    return unexpected_error_response(exc)


def stale_data_response(_exc: StaleDataError):
    return envelope(412, error="PRECONDITION_FAILED")


def unexpected_error_response(exc: Exception):
    if isinstance(exc, HTTPException):
        return http_error_response(exc)
    log.exception("unhandled error")
    return envelope(500)


def register(app):
    app.register_error_handler(domain.DomainError, domain_error_response)
    app.register_error_handler(StaleDataError, stale_data_response)
    app.register_error_handler(DBAPIError, database_error_response)
    app.register_error_handler(HTTPException, http_error_response)
    app.register_error_handler(Exception, unexpected_error_response)
