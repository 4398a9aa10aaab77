"""SECURITY.md's JWT matrix over HTTP: every forged or stale token is a 401 on every guarded route."""
import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.db import session
from app.identity import services as identity
from app.identity.models import Account, AuthSession
from app.web.access import PUBLIC, access_rule
from tests.api.test_route_coverage import routes, url_for_rule
from tests.factories import DUANJIA, age, tokens_for


@pytest.fixture
def valid(app, staff):
    worker = staff("township_worker", DUANJIA)
    pair = tokens_for(app, worker)
    claims = jwt.decode(pair.access_token, options={"verify_signature": False})
    return pair, claims, jwt.get_unverified_header(pair.access_token)


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _hs256_with_public_key(app, claims, header) -> str:
    """HS/RS confusion: the server's public key used as an HMAC secret (pyjwt refuses to do it, so by hand)."""
    public_pem = app.extensions["tokens"].private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": header["kid"]}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = _b64(hmac.new(public_pem, head + b"." + body, hashlib.sha256).digest())
    return (head + b"." + body + b"." + signature).decode()


def _signed(app, claims, header, **changes) -> str:
    """Signed with the server's own key: only the claims or the header are wrong."""
    return jwt.encode(claims | changes, app.extensions["tokens"].private_key, algorithm="EdDSA", headers=header)


def _without(claims, name) -> dict:
    return {key: value for key, value in claims.items() if key != name}


def forge(case, app, client, pair, claims, header) -> str:
    now = datetime.now(timezone.utc)
    key = app.extensions["tokens"].private_key
    match case:
        case "alg_none":
            return jwt.encode(claims, None, algorithm="none", headers={"kid": header["kid"]})
        case "alg_none_unsigned_original":
            body = pair.access_token.split(".")[1]
            return _b64(json.dumps({"alg": "none", "kid": header["kid"]}).encode()).decode() + f".{body}."
        case "wrong_key":
            return jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": header["kid"]})
        case "hs_with_public_key":
            return _hs256_with_public_key(app, claims, header)
        case "rs256_own_key":
            return jwt.encode(claims, rsa.generate_private_key(65537, 2048), algorithm="RS256",
                              headers={"kid": header["kid"]})
        case "es256_own_key":
            return jwt.encode(claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256",
                              headers={"kid": header["kid"]})
        case "unknown_kid":
            return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "0" * 16})
        case "no_kid":
            return jwt.encode(claims, key, algorithm="EdDSA")
        case "expired":
            return _signed(app, claims, header, iat=now - timedelta(hours=1), nbf=now - timedelta(hours=1),
                           exp=now - timedelta(minutes=1))
        case "not_yet_valid":
            return _signed(app, claims, header, nbf=now + timedelta(minutes=5))
        case "wrong_audience":
            return _signed(app, claims, header, aud="another-api")
        case "wrong_issuer":
            return _signed(app, claims, header, iss="another-issuer")
        case "missing_exp" | "missing_sid" | "missing_aud":
            return jwt.encode(_without(claims, case.removeprefix("missing_")), key, algorithm="EdDSA", headers=header)
        case "refresh_as_access":
            return pair.refresh_token
        case "typ_refresh":
            return _signed(app, claims, header, typ="refresh")
        case "tampered_claims":
            head, _, signature = pair.access_token.split(".")
            other = _signed(app, claims, header, role="admin", sub="1").split(".")[1]
            return ".".join([head, other, signature])
        case "tampered_signature":
            head, body, signature = pair.access_token.split(".")
            return ".".join([head, body, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])
        case "other_session":
            return _signed(app, claims, header, sid="0" * 32)
        case "other_subject":
            return _signed(app, claims, header, sub=str(int(claims["sub"]) + 1000))
        case "not_a_jwt":
            return "garbage"
        case "logged_out":
            assert client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {pair.access_token}"}
                               ).status_code == 204
            return pair.access_token
        case "sessions_revoked":
            identity.revoke_sessions(int(claims["sub"]), reason="password_changed")
            session.commit()
            return pair.access_token
        case "account_disabled":
            session.get(Account, int(claims["sub"])).active = False
            session.commit()
            return pair.access_token
        case "idle_session":
            age(AuthSession, app.config["STAFF_IDLE_TIMEOUT"] + 1, "last_seen_at")
            return pair.access_token
        case "session_past_its_limit":
            age(AuthSession, app.config["STAFF_SESSION_MAX"] + 1, "created_at", "expires_at")
            return pair.access_token
    raise AssertionError(case)


CASES = ["alg_none", "alg_none_unsigned_original", "wrong_key", "hs_with_public_key", "rs256_own_key",
         "es256_own_key", "unknown_kid", "no_kid", "expired", "not_yet_valid", "wrong_audience", "wrong_issuer",
         "missing_exp", "missing_sid", "missing_aud", "refresh_as_access", "typ_refresh", "tampered_claims",
         "tampered_signature", "other_session", "other_subject", "not_a_jwt", "logged_out", "sessions_revoked",
         "account_disabled", "idle_session", "session_past_its_limit"]


def guarded_urls(app) -> list[tuple[str, str]]:
    with app.test_request_context():
        return [(method, url_for_rule(rule)) for rule, method in routes(app)
                if access_rule(rule.endpoint, method) != PUBLIC]


@pytest.mark.parametrize("case", CASES)
def test_forged_or_stale_tokens_are_refused_on_every_guarded_route(client, app, valid, case):
    pair, claims, header = valid
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {pair.access_token}"}).status_code == 200
    token = forge(case, app, client, pair, claims, header)
    headers = {"Authorization": f"Bearer {token}"}
    answers = {f"{method} {url}": client.open(url, method=method, headers=headers, json={})
               for method, url in guarded_urls(app)}
    assert len(answers) >= 50
    wrong = {route: response.status_code for route, response in answers.items()
             if response.status_code != 401 or response.json["error"] != "INVALID_TOKEN"}
    assert wrong == {}


def test_the_role_claim_is_not_trusted(client, app, valid):
    """A token signed by the server but claiming another role acts with the session's own role."""
    pair, claims, header = valid
    admin_claim = {"Authorization": f"Bearer {_signed(app, claims, header, role='admin')}"}
    assert client.get("/api/v1/me", headers=admin_claim).json["role"] == "township_worker"
    assert client.get("/api/v1/staff/accounts", headers=admin_claim).status_code == 403


def test_a_token_of_another_role_gets_403_where_that_role_may_not_go(client, applicant, auth, staff):
    applicant_headers = auth(applicant("13800000079"))
    assert client.get("/api/v1/staff/cases", headers=applicant_headers).status_code == 403
    worker_headers = auth(staff("village_worker", "610324106201"))
    assert client.get("/api/v1/applications", headers=worker_headers).status_code == 403
    assert client.get("/api/v1/staff/audit", headers=worker_headers).status_code == 403


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer    ", "token abc", "Bearer a.b.c", "Bearer ..",
                                    "Bearer eyJhbGciOiJub25lIn0.e30."])
def test_malformed_authorization_headers_are_401(client, header):
    assert client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401


def test_a_token_anywhere_but_the_authorization_header_is_not_read(client, app, valid):
    pair = valid[0]
    assert client.get(f"/api/v1/me?access_token={pair.access_token}").status_code in (401, 422)
    client.set_cookie("access_token", pair.access_token)
    assert client.get("/api/v1/me").status_code == 401
