"""Rate limits answer 429 with Retry-After; counts live in Redis when REDIS_URL is set."""
import os
import uuid

import pytest

from app import limiter


@pytest.fixture
def limited(app):
    limiter.enabled = True
    yield
    limiter.enabled = False


def from_address(client):
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    client.environ_base["REMOTE_ADDR"] = address
    return address


def test_otp_sends_per_address_stop_at_25_in_five_minutes(client, limited):
    from_address(client)
    for index in range(25):
        assert client.post("/api/v1/auth/otp", json={"phone": f"139{index:08d}"}).status_code == 202
    refused = client.post("/api/v1/auth/otp", json={"phone": "13999999999"})
    assert refused.status_code == 429
    assert refused.json["error"] == "TOO_MANY_REQUESTS"
    assert 1 <= int(refused.headers["Retry-After"]) <= 301


def test_staff_log_in_attempts_are_limited_per_address(client, limited, app):
    from_address(client)
    limit = int(app.config["RATELIMIT_LOGIN"].split()[0])
    statuses = [client.post("/api/v1/auth/staff", json={"username": f"u{i}", "password": "x"}).status_code
                for i in range(limit + 1)]
    assert statuses[-1] == 429 and set(statuses[:-1]) <= {401, 429}


def test_limits_use_redis_storage_when_configured(app):
    expected = "redis" if os.environ.get("REDIS_URL") else "memory"
    assert app.config["RATELIMIT_STORAGE_URI"].startswith(expected)
