"""Official-account OAuth as the applicant H5 does it: read the settings, send the browser to the
authorize page (the fake WeChat's), come back with a code and the state, exchange the code."""
from urllib.parse import parse_qs, urlsplit

import pytest

H5 = "http://127.0.0.1:5000/"


def authorize(fake_wechat, **overrides):
    params = {"appid": "wx-test-oa", "redirect_uri": H5, "response_type": "code", "scope": "snsapi_base",
              "state": "abc123"} | overrides
    return fake_wechat.app.test_client().get("/connect/oauth2/authorize",
                                             query_string={k: v for k, v in params.items() if v is not None})


def test_the_h5_reads_the_official_accounts_appid_and_the_authorize_url(client, app):
    response = client.get("/api/v1/auth/wechat/config")
    assert response.status_code == 200
    assert response.json == {"appid": "wx-test-oa", "authorize_url": app.config["WECHAT_OAUTH_AUTHORIZE_URL"],
                             "scope": "snsapi_base"}


def test_the_authorize_url_defaults_to_wechats(app):
    assert app.config["WECHAT_OAUTH_AUTHORIZE_URL"] == "https://open.weixin.qq.com/connect/oauth2/authorize"


def test_the_fake_asks_who_logs_in_then_returns_a_code_and_the_state(fake_wechat):
    page = authorize(fake_wechat)
    assert page.status_code == 200 and "模拟微信授权" in page.text and "社会救助掌上办" in page.text
    assert 'name="name" value="demo"' in page.text and 'value="abc123"' in page.text
    confirmed = authorize(fake_wechat, confirm="1", name="alice")
    assert confirmed.status_code == 302
    back = urlsplit(confirmed.headers["Location"])
    assert back.netloc == "127.0.0.1:5000" and back.path == "/"
    query = parse_qs(back.query)
    assert query["state"] == ["abc123"] and query["code"][0].startswith("alice-")


def test_auto_skips_the_page_and_keeps_the_redirect_uris_own_query(fake_wechat):
    response = authorize(fake_wechat, auto="bob", redirect_uri="http://h5.example/app?from=menu")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert response.status_code == 302
    assert query["from"] == ["menu"] and query["code"][0].startswith("bob-") and query["state"] == ["abc123"]


@pytest.mark.parametrize("overrides, errcode", [
    ({"appid": None}, "10012"), ({"appid": "wx-unknown"}, "10016"), ({"redirect_uri": None}, "10011"),
    ({"redirect_uri": "javascript:alert(1)"}, "10003"), ({"response_type": "token"}, "10004"),
    ({"scope": None}, "10010"), ({"scope": "snsapi_login"}, "10005"), ({"state": "<script>"}, "10013"),
])
def test_the_fake_refuses_what_wechat_refuses(fake_wechat, overrides, errcode):
    response = authorize(fake_wechat, auto="x", **overrides)
    assert response.status_code == 400 and errcode in response.text and "<script>" not in response.text


def test_the_code_the_fake_returns_logs_in_once(client, fake_wechat):
    code = parse_qs(urlsplit(authorize(fake_wechat, auto="carol-oauth").headers["Location"]).query)["code"][0]
    first = client.post("/api/v1/auth/wechat", json={"code": code, "channel": "official_account"})
    assert first.status_code == 200, first.json
    again = client.post("/api/v1/auth/wechat", json={"code": code, "channel": "official_account"})
    assert again.status_code == 401
    other = parse_qs(urlsplit(authorize(fake_wechat, auto="carol-oauth").headers["Location"]).query)["code"][0]
    second = client.post("/api/v1/auth/wechat", json={"code": other, "channel": "official_account"})
    assert second.json["user"]["id"] == first.json["user"]["id"]
