"""Domain errors: what went wrong in the language of the service, never of HTTP.

app/errors.py maps each class to a status code in one table.
"""


class DomainError(Exception):
    """Base of every expected failure; `error` is the stable machine code."""

    error = "ERROR"
    message = "操作失败"
    # Failures whose side effects must survive the rollback (a failed login counts).
    keep_changes = False

    def __init__(self, message=None, *, errors=None, error=None, retry_after=None, **details):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.errors = errors or {}
        if error:
            self.error = error
        self.retry_after = retry_after
        self.details = details


class InvalidInput(DomainError):
    error = "VALIDATION_ERROR"
    message = "提交的数据有误"


class NotFound(DomainError):
    error = "NOT_FOUND"
    message = "资源不存在"


class AuthenticationFailed(DomainError):
    error = "AUTHENTICATION_FAILED"
    message = "身份验证失败"


class PermissionDenied(DomainError):
    error = "FORBIDDEN"
    message = "无权执行此操作"
    keep_changes = True


class Conflict(DomainError):
    error = "CONFLICT"
    message = "与当前状态冲突"


class StaleVersion(DomainError):
    error = "PRECONDITION_FAILED"
    message = "数据已被他人修改，请刷新后重试"


class VersionRequired(DomainError):
    error = "PRECONDITION_REQUIRED"
    message = "修改前请先读取数据，并在 If-Match 请求头中带上 ETag"


class TooManyAttempts(DomainError):
    error = "TOO_MANY_REQUESTS"
    message = "操作过于频繁，请稍后再试"
    keep_changes = True


class DependencyUnavailable(DomainError):
    error = "SERVICE_UNAVAILABLE"
    message = "依赖的外部服务暂时不可用，请稍后重试"
