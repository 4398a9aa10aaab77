"""Personal data at rest: AES-256-GCM with a key id per value, HMAC blind indexes.

Each ciphertext is "kid:base64(nonce|ciphertext)", so old values stay readable
after the active key changes and `flask keys reencrypt` can move them over.
Blind indexes are HMAC-SHA256 under a separate key, one domain per kind of
value, so equal ID numbers can be found without decrypting anything.
"""
import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class UnknownKey(Exception):
    """A ciphertext names a key this process does not hold."""


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def parse_keys(spec: str) -> dict[str, bytes]:
    """'k1:BASE64,k2:BASE64' → {kid: key}; every key must be 32 bytes."""
    keys = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        kid, _, material = part.partition(":")
        key = _b64decode(material)
        if not kid or len(key) != 32 or not kid.isalnum():
            raise ValueError(f"data key {kid!r} must be 'id:base64 of 32 bytes'")
        keys[kid] = key
    return keys


BLOB_MAGIC = b"\x00SHJZ-AESGCM-1\x00"   # no image or PDF starts with a NUL byte


@dataclass
class Keyring:
    keys: dict[str, bytes]
    active: str
    blind_key: bytes
    _ciphers: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.active not in self.keys:
            raise ValueError(f"active data key {self.active!r} is not among the keys")
        if len(self.blind_key) < 32:
            raise ValueError("the blind-index key must be at least 32 bytes")

    def _cipher(self, kid: str) -> AESGCM:
        if kid not in self.keys:
            raise UnknownKey(kid)
        if kid not in self._ciphers:
            self._ciphers[kid] = AESGCM(self.keys[kid])
        return self._ciphers[kid]

    def encrypt(self, plaintext: str, *, context: bytes = b"") -> str:
        return self.encrypt_bytes(plaintext.encode("utf-8"), context=context)

    def decrypt(self, token: str, *, context: bytes = b"") -> str:
        return self.decrypt_bytes(token, context=context).decode("utf-8")

    def encrypt_bytes(self, plaintext: bytes, *, context: bytes = b"") -> str:
        nonce = os.urandom(12)
        sealed = self._cipher(self.active).encrypt(nonce, plaintext, context)
        return f"{self.active}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt_bytes(self, token: str, *, context: bytes = b"") -> bytes:
        kid, _, body = token.partition(":")
        raw = _b64decode(body)
        return self._cipher(kid).decrypt(raw[:12], raw[12:], context)

    def encrypt_blob(self, plaintext: bytes, *, context: bytes) -> bytes:
        """A file's bytes sealed under the active key: BLOB_MAGIC, key id, ":", nonce, ciphertext (no base64)."""
        nonce = os.urandom(12)
        return (BLOB_MAGIC + self.active.encode("ascii") + b":" + nonce
                + self._cipher(self.active).encrypt(nonce, plaintext, context))

    def decrypt_blob(self, blob: bytes, *, context: bytes) -> bytes:
        kid, _, raw = blob[len(BLOB_MAGIC):].partition(b":")
        return self._cipher(kid.decode("ascii")).decrypt(raw[:12], raw[12:], context)

    @staticmethod
    def blob_key_id(blob: bytes) -> str | None:
        """The key a file is sealed under, or None for a file stored before files were encrypted."""
        if not blob.startswith(BLOB_MAGIC):
            return None
        return blob[len(BLOB_MAGIC):].partition(b":")[0].decode("ascii")

    @classmethod
    def from_settings(cls, data_keys: str, active: str | None, blind_key_b64: str) -> "Keyring":
        keys = parse_keys(data_keys)
        if not keys:
            raise ValueError("DATA_KEYS holds no key")
        return cls(keys=keys, active=active or list(keys)[-1], blind_key=_b64decode(blind_key_b64))

    @staticmethod
    def key_id(token: str) -> str:
        return token.partition(":")[0]

    def blind_index(self, domain: str, value: str) -> str:
        digest = hmac.new(self.blind_key, f"{domain}\x1f{value}".encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()

    def mac(self, domain: str, value: str) -> str:
        """A keyed hash for secrets that must never be stored (OTP codes)."""
        return self.blind_index("mac:" + domain, value)


_keyring: Keyring | None = None


def configure(keyring: Keyring) -> None:
    global _keyring
    _keyring = keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise RuntimeError("the keyring is not configured: create the app first")
    return _keyring
