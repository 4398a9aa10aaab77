"""SECURITY.md's JWT matrix over HTTP: every forged or stale token is a 401."""
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.factories import DUANJIA, tokens_for


@pytest.fixture
def valid(app, staff):
    pair = tokens_for(app, staff("township_worker", DUANJIA))
    claims = jwt.decode(pair.access_token, options={"verify_signature": False})
    return pair, claims, jwt.get_unverified_header(pair.access_token)


def _public_pem(app) -> bytes:
    return app.extensions["tokens"].private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def forge(case, app, pair, claims, header):
    key = app.extensions["tokens"].private_key
    now = datetime.now(timezone.utc)
    if case == "alg_none":
        return jwt.encode(claims, None, algorithm="none")
    if case == "wrong_key":
        return jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": header["kid"]})
    if case == "hs_with_public_key":
        import hmac, hashlib, base64, json  # noqa: E401 — pyjwt refuses PEM secrets, so sign by hand
        enc = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")  # noqa: E731
        head = enc(json.dumps({"alg": "HS256", "typ": "JWT", "kid": header["kid"]}).encode())
        body = enc(json.dumps(claims).encode())
        signature = enc(hmac.new(_public_pem(app), head + b"." + body, hashlib.sha256).digest())
        return (head + b"." + body + b"." + signature).decode()
    if case == "expired":
        return jwt.encode(claims | {"iat": now - timedelta(hours=1), "nbf": now - timedelta(hours=1),
                                    "exp": now - timedelta(minutes=1)}, key, algorithm="EdDSA", headers=header)
    if case == "wrong_audience":
        return jwt.encode(claims | {"aud": "another-api"}, key, algorithm="EdDSA", headers=header)
    if case == "refresh_as_access":
        return pair.refresh_token
    if case == "tampered_claims":
        head, body, signature = pair.access_token.split(".")
        other = jwt.encode(claims | {"role": "admin", "sub": "1"}, key, algorithm="EdDSA", headers=header).split(".")[1]
        return ".".join([head, other, signature])
    if case == "not_a_jwt":
        return "garbage"
    if case == "other_session":
        return jwt.encode(claims | {"sid": "0" * 32}, key, algorithm="EdDSA", headers=header)
    raise AssertionError(case)


CASES = ["alg_none", "wrong_key", "hs_with_public_key", "expired", "wrong_audience", "refresh_as_access",
         "tampered_claims", "not_a_jwt", "other_session"]


@pytest.mark.parametrize("case", CASES)
def test_forged_or_stale_tokens_are_refused(client, app, valid, case):
    pair, claims, header = valid
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {pair.access_token}"}).status_code == 200
    token = forge(case, app, pair, claims, header)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json["error"] == "INVALID_TOKEN"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer    ", "token abc"])
def test_malformed_authorization_headers_are_401(client, header):
    assert client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401
