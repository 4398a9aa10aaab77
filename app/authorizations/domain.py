"""The authorization letter and signing links; no framework, no database."""
import hashlib
import secrets
from datetime import datetime, timedelta

LINK_TTL = timedelta(hours=72)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_usable(*, expires_at: datetime, used_at: datetime | None, revoked_at: datetime | None,
                now: datetime) -> bool:
    return used_at is None and revoked_at is None and now < expires_at
