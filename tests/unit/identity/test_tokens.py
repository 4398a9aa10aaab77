"""The JWT matrix (SECURITY.md): every forged, stale or misdirected token is refused."""
import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.identity.tokens import InvalidToken, TokenSigner, hash_token, key_id, new_refresh_token

KEY, OLD_KEY, OLDER_KEY, STRANGER = (Ed25519PrivateKey.generate() for _ in range(4))
def now() -> int:
    # Read at each use: the suite runs these long after import.
    return int(datetime.now(timezone.utc).timestamp())
DROP = object()


def private_pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def signer(previous=(OLD_KEY, OLDER_KEY)) -> TokenSigner:
    return TokenSigner.from_pem(private_pem(KEY), issuer="shjz", audience="shjz-api", ttl=900,
                                previous_pems="".join(public_pem(k) for k in previous))


def claims(**changes) -> dict:
    base = {"iss": "shjz", "aud": "shjz-api", "sub": "42", "sid": "s-1", "role": "village_worker",
            "typ": "access", "jti": "j-1", "iat": now(), "nbf": now(), "exp": now() + 900}
    base.update(changes)
    return {name: value for name, value in base.items() if value is not DROP}


def signed(key=KEY, kid=None, **changes) -> str:
    kid = kid or key_id(key.public_key())
    return jwt.encode(claims(**changes), key, algorithm="EdDSA", headers={"kid": kid})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(header: dict, sign) -> str:
    """A token PyJWT would refuse to build: any header, any signing function."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims()).encode())}"
    return f"{signing_input}.{b64(sign(signing_input.encode()))}"


def hs256_with_public_pem() -> str:
    """HS/RS confusion: an HMAC keyed with the public key as published."""
    secret = public_pem(KEY).encode()
    return forged({"alg": "HS256", "typ": "JWT", "kid": key_id(KEY.public_key())},
                  lambda data: hmac.new(secret, data, hashlib.sha256).digest())


def kid_not_a_string() -> str:
    return forged({"alg": "EdDSA", "typ": "JWT", "kid": [key_id(KEY.public_key())]}, KEY.sign)


def with_role_changed() -> str:
    header, payload, signature = signed().split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=="))
    body["role"] = "admin"
    return f"{header}.{b64(json.dumps(body).encode())}.{signature}"


def rs256_with_real_kid() -> str:
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims(), attacker, algorithm="RS256", headers={"kid": key_id(KEY.public_key())})


def test_issued_token_decodes():
    tokens = signer()
    token = tokens.issue_access(subject=42, session_id="s-1", role="township_worker",
                                now=datetime.now(timezone.utc))
    decoded = tokens.decode_access(token)
    assert decoded["sub"] == "42" and decoded["sid"] == "s-1"
    assert decoded["role"] == "township_worker" and decoded["typ"] == "access"
    assert jwt.get_unverified_header(token)["kid"] == tokens.kid


def test_the_forging_helpers_build_acceptable_tokens_when_nothing_is_wrong():
    """The control for the matrix below: each refusal is down to the one thing changed."""
    tokens = signer()
    assert tokens.decode_access(signed())["role"] == "village_worker"
    assert tokens.decode_access(forged({"alg": "EdDSA", "kid": tokens.kid}, KEY.sign))["sub"] == "42"


@pytest.mark.parametrize("key", [OLD_KEY, OLDER_KEY], ids=["previous", "one before"])
def test_token_signed_by_a_previous_key_is_accepted(key):
    assert signer().decode_access(signed(key))["sub"] == "42"


def test_previous_key_is_refused_once_dropped_from_the_list():
    with pytest.raises(InvalidToken):
        signer(previous=()).decode_access(signed(OLD_KEY))


@pytest.mark.parametrize("make_token", [
    pytest.param(lambda: jwt.encode(claims(), None, algorithm="none",
                                    headers={"kid": key_id(KEY.public_key())}), id="alg none"),
    pytest.param(lambda: signed(STRANGER, kid=key_id(KEY.public_key())), id="another key, our kid"),
    pytest.param(lambda: signed(STRANGER), id="unknown kid"),
    pytest.param(lambda: jwt.encode(claims(), KEY, algorithm="EdDSA"), id="no kid"),
    pytest.param(kid_not_a_string, id="kid not a string"),
    pytest.param(hs256_with_public_pem, id="HS256 keyed with the public PEM"),
    pytest.param(rs256_with_real_kid, id="RS256 by an attacker's key"),
    pytest.param(with_role_changed, id="role claim changed"),
    pytest.param(lambda: signed(exp=now() - 60), id="expired"),
    pytest.param(lambda: signed(nbf=now() + 60), id="not yet valid"),
    pytest.param(lambda: signed(aud="other-api"), id="wrong audience"),
    pytest.param(lambda: signed(iss="someone-else"), id="wrong issuer"),
    pytest.param(lambda: signed(sid=DROP), id="no sid"),
    pytest.param(lambda: signed(exp=DROP), id="no exp"),
    pytest.param(lambda: signed(jti=DROP), id="no jti"),
    pytest.param(lambda: signed(typ="refresh"), id="refresh used as access"),
    pytest.param(lambda: signed(typ=DROP), id="no typ"),
    pytest.param(lambda: signed(sub="admin"), id="subject not an account id"),
    pytest.param(lambda: "not.a.token", id="garbage"),
    pytest.param(lambda: "", id="empty"),
])
def test_bad_token_is_rejected(make_token):
    with pytest.raises(InvalidToken):
        signer().decode_access(make_token())


def test_from_pem_refuses_a_key_that_is_not_ed25519():
    rsa_pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    with pytest.raises(ValueError):
        TokenSigner.from_pem(rsa_pem, issuer="shjz", audience="shjz-api", ttl=900)


def test_refresh_tokens_are_random_and_stored_only_as_a_hash():
    first, second = new_refresh_token(), new_refresh_token()
    assert first != second and len(first) >= 43  # 256 bits in URL-safe base64
    assert hash_token(first) == hashlib.sha256(first.encode()).hexdigest()
    assert first not in hash_token(first)
