"""Subscribe messages (订阅消息) through the real WeChat adapter, over HTTP, to the fake WeChat server."""
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.adapters.wechat import WechatClient, WechatDeliveryFailed, WechatRecipientUnavailable, WechatUnavailable

APPS = {"miniprogram": ("wx-test-mini", "mini-secret"), "official_account": ("wx-test-oa", "oa-secret")}
TEMPLATE = "tmpl-application-progress"
DATA = {"thing1": "最低生活保障申请", "phrase2": "已受理", "time3": "2024-05-06 10:30"}


@pytest.fixture
def wechat(fake_wechat):
    """A client with an empty token cache; the fake's switches are put back afterwards (it lives all session)."""
    yield WechatClient(fake_wechat.url, dict(APPS), timeout=2)
    config = fake_wechat.app.config
    config["refused_openids"] = set()
    config["fail_next_sends"] = 0
    config["token_ttl"] = 7200


def delivered(fake_wechat, openid: str) -> list[dict]:
    return [m for m in fake_wechat.app.config["subscribe_messages"] if m["touser"] == openid]


def calls(fake_wechat, path: str) -> int:
    return sum(1 for call in fake_wechat.app.config["calls"] if call["path"] == path)


def token_fetches(fake_wechat) -> int:
    return calls(fake_wechat, "/cgi-bin/token")


def test_message_arrives_with_its_data_and_page(fake_wechat, wechat):
    wechat.send_subscribe_message("miniprogram", "o-sub-alice", TEMPLATE, DATA, page="pages/apply/detail?id=42")
    assert delivered(fake_wechat, "o-sub-alice") == [{
        "touser": "o-sub-alice", "template_id": TEMPLATE, "page": "pages/apply/detail?id=42",
        "data": {"thing1": {"value": "最低生活保障申请"}, "phrase2": {"value": "已受理"},
                 "time3": {"value": "2024-05-06 10:30"}}}]


def test_page_is_optional(fake_wechat, wechat):
    wechat.send_subscribe_message("miniprogram", "o-sub-bob", TEMPLATE, DATA)
    assert [m["page"] for m in delivered(fake_wechat, "o-sub-bob")] == [None]


def test_token_is_fetched_once_and_reused_for_two_sends(fake_wechat, wechat):
    before = token_fetches(fake_wechat)
    wechat.send_subscribe_message("miniprogram", "o-sub-carol", TEMPLATE, DATA)
    wechat.send_subscribe_message("miniprogram", "o-sub-carol", TEMPLATE, DATA)
    assert token_fetches(fake_wechat) - before == 1
    assert len(delivered(fake_wechat, "o-sub-carol")) == 2


def test_concurrent_senders_wait_for_one_token_fetch(fake_wechat, wechat):
    before = token_fetches(fake_wechat)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: wechat.send_subscribe_message("miniprogram", "o-sub-dave", TEMPLATE, DATA),
                      range(16)))
    assert token_fetches(fake_wechat) - before == 1
    assert len(delivered(fake_wechat, "o-sub-dave")) == 16


def test_token_within_five_minutes_of_expiry_is_not_reused(fake_wechat, wechat):
    fake_wechat.app.config["token_ttl"] = 299
    before = token_fetches(fake_wechat)
    wechat.send_subscribe_message("miniprogram", "o-sub-erin", TEMPLATE, DATA)
    wechat.send_subscribe_message("miniprogram", "o-sub-erin", TEMPLATE, DATA)
    assert token_fetches(fake_wechat) - before == 2


def test_invalidated_token_is_refreshed_transparently(fake_wechat, wechat):
    wechat.send_subscribe_message("miniprogram", "o-sub-frank", TEMPLATE, DATA)
    before = token_fetches(fake_wechat)
    # As when another server holding the same secret fetches a token: ours answers 40001.
    fake_wechat.app.config["issued_tokens"].clear()
    wechat.send_subscribe_message("miniprogram", "o-sub-frank", TEMPLATE, DATA)
    assert token_fetches(fake_wechat) - before == 1
    assert len(delivered(fake_wechat, "o-sub-frank")) == 2


def test_a_token_rejected_again_after_refresh_is_a_failed_delivery(fake_wechat, wechat):
    fake_wechat.app.config["token_ttl"] = 0  # every token is already expired: 42001
    before = calls(fake_wechat, "/cgi-bin/message/subscribe/send")
    with pytest.raises(WechatDeliveryFailed, match="42001"):
        wechat.send_subscribe_message("miniprogram", "o-sub-grace", TEMPLATE, DATA)
    assert calls(fake_wechat, "/cgi-bin/message/subscribe/send") - before == 2
    assert delivered(fake_wechat, "o-sub-grace") == []


def test_user_who_refused_is_unavailable_not_retryable(fake_wechat, wechat):
    fake_wechat.app.config["refused_openids"] = {"o-sub-heidi"}
    with pytest.raises(WechatRecipientUnavailable, match="43101"):
        wechat.send_subscribe_message("miniprogram", "o-sub-heidi", TEMPLATE, DATA)
    assert delivered(fake_wechat, "o-sub-heidi") == []


def test_wechat_busy_is_a_failed_delivery_that_a_later_attempt_completes(fake_wechat, wechat):
    fake_wechat.app.config["fail_next_sends"] = 1
    before = calls(fake_wechat, "/cgi-bin/message/subscribe/send")
    with pytest.raises(WechatDeliveryFailed, match="errcode -1"):
        wechat.send_subscribe_message("miniprogram", "o-sub-ivan", TEMPLATE, DATA)
    assert calls(fake_wechat, "/cgi-bin/message/subscribe/send") - before == 1  # the adapter does not re-POST
    wechat.send_subscribe_message("miniprogram", "o-sub-ivan", TEMPLATE, DATA)
    assert len(delivered(fake_wechat, "o-sub-ivan")) == 1


def test_malformed_message_is_a_failed_delivery(fake_wechat, wechat):
    with pytest.raises(WechatDeliveryFailed, match="47003"):
        wechat.send_subscribe_message("miniprogram", "o-sub-judy", TEMPLATE, {})


def test_unreachable_wechat_is_a_failed_delivery():
    """The token fetch fails first. access_token() says WechatUnavailable (a 503 if a route called it),
    but send_subscribe_message() reports WechatDeliveryFailed: the outbox job then has just two
    outcomes to handle, retry later or fall back to SMS, and an outage is a retry."""
    client = WechatClient("http://127.0.0.1:9", dict(APPS), timeout=2)  # nothing listens on the discard port
    with pytest.raises(WechatUnavailable):
        client.access_token("miniprogram")
    with pytest.raises(WechatDeliveryFailed) as excinfo:
        client.send_subscribe_message("miniprogram", "o-sub-ken", TEMPLATE, DATA)
    # The token URL carries the app secret: it must not ride along in the exception chain.
    assert "mini-secret" not in "".join(traceback.format_exception(excinfo.value))


def test_wrong_app_secret_is_a_failed_delivery(fake_wechat):
    client = WechatClient(fake_wechat.url, {"miniprogram": ("wx-test-mini", "wrong-secret")}, timeout=2)
    with pytest.raises(WechatUnavailable):
        client.access_token("miniprogram")
    with pytest.raises(WechatDeliveryFailed, match="access_token"):
        client.send_subscribe_message("miniprogram", "o-sub-liam", TEMPLATE, DATA)
