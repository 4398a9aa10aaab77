"""The authorization letter and signing links; no framework, no database."""
import calendar
import hashlib
import json
import secrets
import unicodedata
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


# Signing ---------------------------------------------------------------------------------------

VALIDITY_MONTHS = 12
STROKES_MAX_BYTES = 200 * 1024
LIVE = ("signed", "confirmed")          # a consent that a check may rely on once confirmed
INVITABLE = ("pending", "rejected")     # waiting for a (new) signature
IDENTITY_CHECKS = ("name_and_id_number_match_record", "sms_code_to_phone_on_file")


def normalize_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "").replace("·", "").replace("•", "")


def household_digest(members: list[dict]) -> str:
    """Who the household is, as signed: any change after signing asks for consent again."""
    facts = [[m["name"], m.get("id_number"), m["relation"], m["lives_together"], m.get("capacity"),
              m.get("guardian_member_index")] for m in members]
    return hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode("utf-8")).hexdigest()


def request_hash(token: str, body: dict) -> str:
    """The same signing request sent again gets the first answer, never a second signature."""
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(f"{token_hash(token)}\x1f{canonical}".encode("utf-8")).hexdigest()


def strokes_bytes(strokes: list | None) -> bytes | None:
    """signature_pad's toData(), kept as evidence; None when not given."""
    if not strokes:
        return None
    return json.dumps(strokes, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day (31 Jan + 1 month → 28/29 Feb)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
