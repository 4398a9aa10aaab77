"""The SMS outbox delivered through the HTTP adapter to the fake provider."""
import json
from datetime import timedelta

import pytest
import requests
from sqlalchemy import text

from app.adapters.sms import HttpSms, SmsFailed
from app.common.clock import utcnow
from app.notifications.services import MAX_ATTEMPTS, deliver_message, queue_sms
from tests.conftest import SMS_TOKEN


@pytest.fixture
def provider(fake_sms):
    """An HttpSms sender; the fake provider's failure switch is reset afterwards."""
    yield HttpSms(fake_sms.url + "/sms/send", SMS_TOKEN, "社会救助掌上办", timeout=2)
    fake_sms.app.config["fail_next"] = 0


def received(fake_sms, phone: str) -> list[dict]:
    return [m for m in requests.get(fake_sms.url + "/messages", timeout=2).json() if m["phone"] == phone]


def test_message_reaches_the_provider_in_the_send_sms_shape(fake_sms, provider):
    biz_id = provider.send("13900000081", "otp", {"code": "123456", "minutes": 5})
    assert biz_id.startswith("fake-")
    assert received(fake_sms, "13900000081") == [
        {"phone": "13900000081", "sign": "社会救助掌上办", "template": "otp",
         "params": {"code": "123456", "minutes": 5}}]


def test_template_goes_out_under_the_providers_template_id(fake_sms):
    sender = HttpSms(fake_sms.url + "/sms/send", SMS_TOKEN, "社会救助掌上办", template_ids={"otp": "SMS_0001"})
    sender.send("13900000087", "otp", {"code": "123456", "minutes": 5})
    assert [m["template"] for m in received(fake_sms, "13900000087")] == ["SMS_0001"]


def test_wrong_token_is_a_failed_send(fake_sms):
    sender = HttpSms(fake_sms.url + "/sms/send", "not-the-token", "社会救助掌上办", timeout=2)
    with pytest.raises(SmsFailed, match="401"):
        sender.send("13900000082", "otp", {"code": "123456", "minutes": 5})
    assert received(fake_sms, "13900000082") == []


def test_unreachable_provider_is_a_failed_send():
    sender = HttpSms("http://127.0.0.1:1/sms/send", SMS_TOKEN, "社会救助掌上办", timeout=2)
    with pytest.raises(SmsFailed, match="ConnectionError"):
        sender.send("13900000088", "otp", {"code": "123456", "minutes": 5})


def test_provider_failure_is_retried_then_sent(db, fake_sms, provider):
    message = queue_sms("13900000083", "otp", {"code": "654321", "minutes": 5}, ttl_seconds=300)
    fake_sms.app.config["fail_next"] = 1

    assert deliver_message(message.id, sender=provider) == "retry"
    assert (message.status, message.attempts) == ("pending", 1)
    assert "503" in message.last_error

    assert deliver_message(message.id, sender=provider) == "sent"
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, None)
    assert message.sent_at is not None
    assert deliver_message(message.id, sender=provider) == "sent"
    assert len(received(fake_sms, "13900000083")) == 1


def test_delivery_gives_up_after_the_last_attempt(db, fake_sms, provider):
    message = queue_sms("13900000086", "otp", {"code": "333333", "minutes": 5}, ttl_seconds=300)
    fake_sms.app.config["fail_next"] = MAX_ATTEMPTS

    outcomes = [deliver_message(message.id, sender=provider) for _ in range(MAX_ATTEMPTS + 1)]

    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed", "failed"]
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert received(fake_sms, "13900000086") == []


def test_expired_message_is_failed_and_never_sent(db, fake_sms, provider):
    message = queue_sms("13900000084", "otp", {"code": "111111", "minutes": 5}, ttl_seconds=300)
    message.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()

    assert deliver_message(message.id, sender=provider) == "failed"
    assert (message.status, message.attempts, message.last_error) == ("failed", 0, "expired before delivery")
    assert received(fake_sms, "13900000084") == []


def test_outbox_payload_is_stored_encrypted(app, db):
    message = queue_sms("13900000085", "otp", {"code": "222222", "minutes": 5}, ttl_seconds=300)
    stored = db.execute(text("SELECT payload FROM outbox_messages WHERE id = :id"), {"id": message.id}).scalar_one()
    assert "13900000085" not in stored and "222222" not in stored
    assert stored.startswith(app.extensions["keyring"].active + ":")
    assert json.loads(app.extensions["keyring"].decrypt(stored))["phone"] == "13900000085"
