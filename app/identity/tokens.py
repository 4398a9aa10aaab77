"""Access tokens: EdDSA-signed JWTs with a key id, so signing keys can rotate."""
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub", "sid", "typ", "jti"]


class InvalidToken(Exception):
    pass


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass
class TokenSigner:
    private_key: Ed25519PrivateKey
    issuer: str
    audience: str
    ttl: int
    verify_keys: dict  # kid -> public key; the current key and the previous ones

    @classmethod
    def from_pem(cls, private_pem: str, *, issuer: str, audience: str, ttl: int, previous_pems: str = ""):
        pem = private_pem.replace("\\n", "\n").encode("ascii")  # one-line form from `python -m app.keys`
        private_key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise ValueError("JWT_PRIVATE_KEY must be an Ed25519 private key (PEM)")
        keys = {key_id(private_key.public_key()): private_key.public_key()}
        for block in previous_pems.split("-----END PUBLIC KEY-----"):
            if "BEGIN PUBLIC KEY" in block:
                public = serialization.load_pem_public_key((block.strip() + "\n-----END PUBLIC KEY-----\n").encode())
                keys[key_id(public)] = public
        return cls(private_key, issuer, audience, ttl, keys)

    @property
    def kid(self) -> str:
        return key_id(self.private_key.public_key())

    def issue_access(self, *, subject: int, session_id: str, role: str, now: datetime) -> str:
        claims = {
            "iss": self.issuer, "aud": self.audience, "sub": str(subject), "sid": session_id,
            "role": role, "typ": "access", "jti": uuid.uuid4().hex,
            "iat": now, "nbf": now, "exp": now + timedelta(seconds=self.ttl),
        }
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def decode_access(self, token: str) -> dict:
        try:
            header = jwt.get_unverified_header(token)
            key = self.verify_keys.get(header.get("kid"))
            if key is None or header.get("alg") != ALGORITHM:
                raise InvalidToken("unknown key or algorithm")
            claims = jwt.decode(
                token, key, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS}, leeway=5,
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        if claims.get("typ") != "access" or not str(claims["sub"]).isdigit():
            raise InvalidToken("not an access token")
        return claims


def new_refresh_token() -> str:
    """Opaque, 256 bits; only its SHA-256 is stored."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
