"""Roles, levels and the rules of credentials; no framework, no database."""
import secrets
from enum import StrEnum

from zxcvbn import zxcvbn

from app.common.regions import division_level


class Role(StrEnum):
    APPLICANT = "applicant"
    VILLAGE_WORKER = "village_worker"
    TOWNSHIP_WORKER = "township_worker"
    DISTRICT_WORKER = "district_worker"
    VERIFICATION_OFFICER = "verification_officer"
    ADMIN = "admin"
    AUDITOR = "auditor"


STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
TOTP_REQUIRED = frozenset({Role.DISTRICT_WORKER, Role.ADMIN})

# The division level each staff role works at (村居审核、镇街确认、区级备案).
ROLE_LEVELS = {
    Role.VILLAGE_WORKER: {"village"},
    Role.TOWNSHIP_WORKER: {"township"},
    Role.DISTRICT_WORKER: {"district"},
    Role.VERIFICATION_OFFICER: {"district", "city"},
    Role.ADMIN: {"province", "city", "district"},
    Role.AUDITOR: {"province", "city", "district"},
}


class OtpPurpose(StrEnum):
    LOGIN = "login"
    SIGN = "sign"
    REVOKE = "revoke"


def role_level_problem(role: str, region_code: str) -> str | None:
    allowed = ROLE_LEVELS.get(Role(role), set())
    if division_level(region_code) not in allowed:
        return "该角色只能设在以下级别的区划：" + "、".join(sorted(allowed))
    return None


def new_otp_code() -> str:
    """Six digits from the CSPRNG, leading zeros kept."""
    return f"{secrets.randbelow(10**6):06d}"


def parse_send_limits(spec: str) -> list[tuple[int, int]]:
    """'1/60,5/3600' → [(count, seconds), ...]."""
    limits = []
    for part in spec.split(","):
        count, _, seconds = part.strip().partition("/")
        limits.append((int(count), int(seconds)))
    return limits


def password_problem(password: str, *, min_length: int, user_inputs: list[str]) -> str | None:
    """Why a staff password is unacceptable, or None (length, then zxcvbn's common-password lists)."""
    if len(password) < min_length:
        return f"密码至少需要{min_length}个字符"
    if len(password) > 128:
        return "密码不能超过128个字符"
    if zxcvbn(password, user_inputs=user_inputs, max_length=128)["score"] < 3:
        return "密码太常见或太容易猜到，请换一个更复杂的密码"
    return None
