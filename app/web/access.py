"""Who may call a view: declared on the view, checked before it runs, fail-closed.

A view without a declaration refuses everyone, so a new route cannot be left
open by accident; tests/api/test_route_coverage.py walks every route.
"""
from flask import current_app, g, request
from flask_smorest import Blueprint

from app.common.actor import Actor, Principal
from app.common.errors import AuthenticationFailed, PermissionDenied

PUBLIC = "public"
ANY_USER = "any_user"
# Endpoints owned by libraries: the OpenAPI document, its UI, static files.
LIBRARY_PUBLIC_ENDPOINTS = {"static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui", "swagger_ui_assets"}


def public(view):
    """No token needed; the OpenAPI document says so too (security: [])."""
    view = Blueprint.doc(security=[])(view)
    view.access = PUBLIC
    return view


def any_user(view):
    view.access = ANY_USER
    return view


def roles(*names):
    def mark(view):
        view.access = frozenset(str(name) for name in names)
        return view
    return mark


def handler_for(endpoint: str, method: str):
    """The function that will answer: the MethodView method or the plain view function."""
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class, "get" if method == "HEAD" else method.lower(), None)
    return view


def access_rule(endpoint: str, method: str):
    if endpoint in LIBRARY_PUBLIC_ENDPOINTS:
        return PUBLIC
    return getattr(handler_for(endpoint, method), "access", None)


class NotLoggedIn(AuthenticationFailed):
    error = "AUTHENTICATION_REQUIRED"
    message = "请先登录"


class InvalidToken(AuthenticationFailed):
    error = "INVALID_TOKEN"
    message = "登录凭证无效或已过期，请重新登录"


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotLoggedIn()
    return token.strip()


def current_actor() -> Actor:
    principal: Principal | None = g.get("principal")
    return Actor(
        account_id=principal.account_id if principal else None,
        role=principal.role if principal else None,
        region_code=principal.region_code if principal else None,
        ip=request.remote_addr, request_id=g.get("request_id"),
        user_agent=(request.user_agent.string or "")[:300],
    )


def enforce(authenticate, on_denied) -> None:
    """before_request: authenticate unless public, then check the role."""
    g.principal = None
    # OPTIONS is answered by Flask itself with the Allow header and no data.
    if request.routing_exception is not None or request.endpoint is None or request.method == "OPTIONS":
        return
    rule = access_rule(request.endpoint, request.method)
    if rule == PUBLIC:
        return
    g.principal = authenticate(bearer_token())
    if rule == ANY_USER:
        return
    if not rule or g.principal.role not in rule:
        on_denied(current_actor(), request.endpoint)
        raise PermissionDenied()
