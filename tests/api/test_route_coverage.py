"""Every route is guarded unless it is on the explicit public list; objects stay in their region.

A new route fails here until it declares who may call it, and a new route with
an object id fails until it shows that staff of another region get a 404.
"""
import re

import pytest

from app.web.access import PUBLIC, access_rule
from tests.factories import GAOJIA, QINGLONG

PUBLIC_ENDPOINTS = {
    "static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui", "swagger_ui_assets",
    "health.healthz", "health.readyz",
    "identity.wechat_login", "identity.send_otp", "identity.verify_otp", "identity.staff_login",
    "identity.refresh", "regions.list_regions", "regions.get_region", "policy.standards",
}
SAMPLE_ARGS = {"account_id": "1", "code": "610324000000", "filename": "index.css"}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def url_for_rule(rule, **values) -> str:
    """The rule's path with its variables filled in (samples unless given)."""
    return re.sub(r"<(?:[^:<>]+:)?([a-z_]+)>", lambda m: str(values.get(m[1], SAMPLE_ARGS[m[1]])), rule.rule)


def test_public_routes_are_exactly_the_listed_ones(app):
    with app.test_request_context():
        public = {rule.endpoint for rule, method in routes(app) if access_rule(rule.endpoint, method) == PUBLIC}
    assert public == PUBLIC_ENDPOINTS


def test_every_route_declares_who_may_call_it(app):
    with app.test_request_context():
        undeclared = [f"{method} {rule.rule}" for rule, method in routes(app) if access_rule(rule.endpoint, method) is None]
    assert undeclared == []


def test_every_guarded_route_refuses_anonymous_callers(app, client):
    checked = 0
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url_for_rule(rule), method=method, json={})
        assert response.status_code == 401, f"{method} {rule.rule} answered {response.status_code}"
        checked += 1
    assert checked >= 8


# Each route that takes an object id: how to make an object in 高家村 (渭滨区) and
# which role may read it, to show that the same role in 扶风县 gets a 404.
def _staff_object(staff):
    return staff("village_worker", GAOJIA).id


SCOPED_OBJECTS = {
    "identity.StaffAccountById": ("admin", _staff_object, "account_id"),
}


def test_every_object_route_is_in_the_scope_table(app):
    with_ids = {rule.endpoint for rule, _ in routes(app) if any(arg.endswith("_id") for arg in rule.arguments)}
    assert with_ids == set(SCOPED_OBJECTS)


@pytest.mark.parametrize("endpoint", sorted(SCOPED_OBJECTS))
def test_staff_of_another_region_get_404_for_every_method(app, client, staff, auth, endpoint):
    role, make, arg = SCOPED_OBJECTS[endpoint]
    object_id = make(staff)
    outsider = staff(role, "610324000000")  # 扶风县: not where the object lives
    insider = staff(role, "610302000000")   # 渭滨区: where it lives
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = url_for_rule(rule, **{arg: object_id})
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        headers = auth(outsider) | {"If-Match": '"v1"'}
        response = client.open(url, method=method, json={}, headers=headers)
        assert response.status_code == 404, f"{method} {url} by an outsider answered {response.status_code}"
    assert client.get(url, headers=auth(insider)).status_code == 200
    assert QINGLONG  # the tree used above is the demo tree
