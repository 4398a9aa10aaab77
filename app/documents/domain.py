"""Verify codes, evidence files and the three findings of a verification; no framework, no database."""
import hashlib
import json
import secrets

KINDS = ("authorization", "check_report", "decision_notice", "case_file")
KIND_TEXT = {"authorization": "家庭经济状况核对授权书", "check_report": "家庭经济状况核对报告",
             "decision_notice": "救助决定通知书", "case_file": "救助案卷"}
STATUSES = ("signed", "confirmed", "rejected", "revoked", "expired", "superseded", "issued")
STATUS_TEXT = {
    "signed": "已签署，待工作人员确认", "confirmed": "有效（已经工作人员确认）", "rejected": "已被工作人员驳回",
    "revoked": "已由签署人撤回", "expired": "已过有效期", "superseded": "家庭信息或授权书版本变更后已失效",
    "issued": "已出具",
}
EVIDENCE_FILE = "evidence.json"
# Crockford's base32 without I, L, O, U: easy to read aloud and type from paper.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 bits


def new_verify_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def evidence_bytes(evidence: dict) -> bytes:
    """The embedded evidence.json: canonical, so its hash is stable."""
    return json.dumps(evidence, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_evidence(data: bytes | None) -> dict | None:
    try:
        value = json.loads(data) if data else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
