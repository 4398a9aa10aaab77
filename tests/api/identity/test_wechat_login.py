"""WeChat log-in through the real adapter, over HTTP, against the fake WeChat server."""
import time

import pytest

from app.devservers import BackgroundServer
from app.devservers.faults import Hangable
from app.devservers.wechat import create_fake_wechat
from tests.conftest import WECHAT_APPS

from app.db import session
from app.identity.models import WechatIdentity


def wechat(client, code, channel="miniprogram"):
    return client.post("/api/v1/auth/wechat", json={"code": code, "channel": channel})


@pytest.mark.parametrize("channel", ["miniprogram", "official_account"])
def test_a_wechat_code_returns_tokens(client, fake_wechat, channel):
    response = wechat(client, f"alice-{channel}-1", channel)
    assert response.status_code == 200, response.json
    assert set(response.json) >= {"access_token", "refresh_token", "expires_in", "user"}
    assert response.json["user"]["role"] == "applicant"
    paths = [call["path"] for call in fake_wechat.app.config["calls"]]
    assert ("/sns/jscode2session" if channel == "miniprogram" else "/sns/oauth2/access_token") in paths


def test_the_same_person_logs_into_the_same_account(client):
    first = wechat(client, "bob-1").json["user"]["id"]
    second = wechat(client, "bob-2").json["user"]["id"]
    assert first == second


def test_both_channels_share_an_account_through_the_unionid(client):
    mini = wechat(client, "carol-1", "miniprogram").json["user"]["id"]
    official = wechat(client, "carol-2", "official_account").json["user"]["id"]
    assert mini == official
    assert session.query(WechatIdentity).filter_by(account_id=mini).count() == 2


@pytest.mark.parametrize("code", ["bad-code", "dave-1"])
def test_invalid_or_reused_codes_are_refused(client, code):
    if code == "dave-1":
        assert wechat(client, code).status_code == 200
    response = wechat(client, code)
    assert response.status_code == 401
    assert response.json["error"] == "WECHAT_CODE_INVALID"


def test_wechat_busy_is_a_503_with_retry_after(client):
    response = wechat(client, "busy-1")
    assert response.status_code == 503
    assert response.json["error"] == "WECHAT_UNAVAILABLE"
    assert response.headers["Retry-After"] == "30"


def test_wechat_unreachable_is_a_503(app, client):
    adapter = app.extensions["wechat"]
    original = adapter.base_url
    adapter.base_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    try:
        response = wechat(client, "erin-1")
    finally:
        adapter.base_url = original
        adapter.breaker.close()
    assert response.status_code == 503
    assert "Retry-After" in response.headers


def test_a_hanging_wechat_costs_one_timeout_per_log_in_then_none_until_the_circuit_closes(app, client):
    """Three log-ins wait out the timeout (no retry of a timed-out read); the next fail at once."""
    adapter = app.extensions["wechat"]
    hung = Hangable(create_fake_wechat(WECHAT_APPS), {"wechat": ("/sns/",)}, longest=5)
    hung.hung = {"wechat"}
    original, adapter.base_url, adapter.timeout = adapter.base_url, None, 0.3
    adapter.breaker.close()                  # the app is shared: forget failures of earlier tests
    try:
        with BackgroundServer(hung) as server:
            adapter.base_url = server.url
            timings = []
            for n in range(4):
                started = time.perf_counter()
                response = wechat(client, f"hana-{n}")
                timings.append(time.perf_counter() - started)
                assert response.status_code == 503 and response.json["error"] == "WECHAT_UNAVAILABLE"
                assert response.headers["Retry-After"] == ("30" if n < 2 else "15")
            hung.hung = set()
            with hung.lifted:
                hung.lifted.notify_all()
        assert adapter.breaker.current_state == "open"
    finally:
        adapter.base_url, adapter.timeout = original, 5.0
        adapter.breaker.close()
    assert all(0.3 <= t < 1.0 for t in timings[:3]), timings
    assert timings[3] < 0.2, timings


def test_wrong_app_secret_is_our_fault_not_the_users(app, client):
    adapter = app.extensions["wechat"]
    original = dict(adapter.apps)
    adapter.apps["miniprogram"] = ("wx-test-mini", "wrong-secret")
    try:
        response = wechat(client, "frank-1")
    finally:
        adapter.apps.update(original)
    assert response.status_code == 503


@pytest.mark.parametrize("body,field", [
    ({"code": "x"}, "channel"),
    ({"code": "x", "channel": "alipay"}, "channel"),
    ({"channel": "miniprogram"}, "code"),
    ({"code": "", "channel": "miniprogram"}, "code"),
])
def test_bad_requests_name_the_field(client, body, field):
    response = client.post("/api/v1/auth/wechat", json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]
