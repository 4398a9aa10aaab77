"""Idempotency-Key over HTTP on a database with real commits: one side effect per key."""
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import session
from app.identity.models import OtpCode
from app.notifications.models import OutboxMessage

OTP = "/api/v1/auth/otp"


def send_otp(app, phone: str, key: str):
    return app.test_client().post(OTP, json={"phone": phone}, headers={"Idempotency-Key": key})


def rows(app, model) -> int:
    with app.app_context():
        return session.scalar(select(func.count()).select_from(model))


def test_replayed_request_answers_the_same_without_a_second_side_effect(fresh_app):
    key = str(uuid.uuid4())
    first = send_otp(fresh_app, "13900000009", key)
    replays = [send_otp(fresh_app, "13900000009", key) for _ in range(5)]
    assert first.status_code == 202 and "Idempotent-Replayed" not in first.headers
    for replay in replays:
        assert (replay.status_code, replay.get_json()) == (202, first.get_json())
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.headers["Content-Type"] == first.headers["Content-Type"]
    assert rows(fresh_app, OtpCode) == 1
    assert rows(fresh_app, OutboxMessage) == 1


def test_same_key_with_another_body_is_refused(fresh_app):
    key = str(uuid.uuid4())
    assert send_otp(fresh_app, "13900000019", key).status_code == 202
    reused = send_otp(fresh_app, "13900000029", key)
    assert reused.status_code == 422
    assert reused.json["error"] == "IDEMPOTENCY_KEY_REUSED"
    assert "Idempotency-Key" in reused.json["errors"]
    assert rows(fresh_app, OtpCode) == 1


def test_concurrent_requests_with_one_key_have_one_side_effect(fresh_app):
    key = str(uuid.uuid4())
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: send_otp(fresh_app, "13900000039", key), range(20)))
    assert [answer.status_code for answer in answers] == [202] * 20
    assert sum("Idempotent-Replayed" not in answer.headers for answer in answers) == 1
    assert all(answer.get_json() == answers[0].get_json() for answer in answers)
    assert rows(fresh_app, OtpCode) == 1
    assert rows(fresh_app, OutboxMessage) == 1


def test_rate_limited_answer_is_not_replayed_once_the_wait_is_over(fresh_app):
    phone, key = "13900000059", str(uuid.uuid4())
    assert fresh_app.test_client().post(OTP, json={"phone": phone}).status_code == 202
    limited = send_otp(fresh_app, phone, key)
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    with fresh_app.app_context():  # the per-minute window passes
        for code in session.scalars(select(OtpCode)):
            code.created_at -= timedelta(minutes=2)
        session.commit()
    retried = send_otp(fresh_app, phone, key)
    assert retried.status_code == 202, (retried.headers.get("Idempotent-Replayed"), retried.get_json())
    assert rows(fresh_app, OtpCode) == 2


@pytest.mark.parametrize("key", ["has spaces", "k" * 256], ids=["spaces", "too-long"])
def test_malformed_key_is_refused_before_any_side_effect(fresh_app, key):
    response = send_otp(fresh_app, "13900000049", key)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["errors"]
    assert rows(fresh_app, OtpCode) == 0
