"""Staff administration: accounts created, moved, re-roled or disabled by an admin, in its region."""
import pyotp
from sqlalchemy import func, select

from app.audit import services as audit
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import InvalidInput, NotFound, StaleVersion
from app.common.regions import scope_prefix, within
from app.db import paginate, session
from app.identity.domain import TOTP_REQUIRED, Role, password_problem, role_level_problem
from app.identity.models import Account
from app.identity.services import AuthPolicy, revoke_sessions
from app.regions.models import Region


class UsernameTaken(InvalidInput):
    error = "USERNAME_TAKEN"
    message = "用户名已被使用"


def staff_in_scope(actor: Actor):
    """Staff accounts the actor may see: its own subtree, in the query."""
    return select(Account).where(Account.role != Role.APPLICANT,
                                 Account.region_code.startswith(scope_prefix(actor.region_code)))


def list_staff(filters: dict, *, actor: Actor, pagination) -> list[Account]:
    query = staff_in_scope(actor)
    if filters.get("role"):
        query = query.where(Account.role == filters["role"])
    if filters.get("region_code"):
        query = query.where(Account.region_code == filters["region_code"])
    return paginate(query.order_by(Account.id), pagination)


def get_staff(account_id: int, *, actor: Actor) -> Account:
    account = session.scalar(staff_in_scope(actor).where(Account.id == account_id))
    if account is None:
        raise NotFound()
    return account


def _check_placement(role: str, region_code: str, *, actor: Actor) -> None:
    if not within(actor.region_code, region_code):
        raise InvalidInput(errors={"region_code": ["只能设在您所辖的区划内"]})
    if session.get(Region, region_code) is None:
        raise InvalidInput(errors={"region_code": ["区划代码不存在"]})
    if problem := role_level_problem(role, region_code):
        raise InvalidInput(errors={"region_code": [problem]})


def create_staff(*, username: str, display_name: str, role: str, region_code: str, password: str,
                 actor: Actor, policy: AuthPolicy) -> tuple[Account, str | None]:
    """A new worker; district and admin roles get a TOTP secret, shown once."""
    _check_placement(role, region_code, actor=actor)
    if problem := password_problem(password, min_length=policy.password_min_length, user_inputs=[username, display_name]):
        raise InvalidInput(errors={"password": [problem]})
    if session.scalar(select(Account.id).where(func.lower(Account.username) == username.lower())):
        raise UsernameTaken(errors={"username": ["用户名已被使用"]})
    now = utcnow()
    secret = pyotp.random_base32() if role in TOTP_REQUIRED else None
    account = Account(role=role, region_code=region_code, username=username, display_name=display_name,
                      password_hash=policy.hasher.hash(password), totp_secret=secret,
                      created_at=now, updated_at=now)
    session.add(account)
    session.flush()
    audit.record("staff.create", actor=actor, object_type="account", object_id=account.id,
                 region_code=region_code, detail={"role": role})
    return account, secret


def totp_uri(account: Account, secret: str) -> str:
    """otpauth:// for an authenticator app's QR scanner; shown once, at creation."""
    return pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name="社会救助掌上办")


def update_staff(account_id: int, changes: dict, *, expected_version: int, actor: Actor) -> Account:
    """Move, re-role, rename or disable a worker; takes effect on their next request."""
    account = get_staff(account_id, actor=actor)
    if account.version != expected_version:
        raise StaleVersion()
    if account.id == actor.account_id and ("role" in changes or changes.get("active") is False):
        raise InvalidInput("不能修改自己的角色或停用自己", error="SELF_CHANGE")
    role = changes.get("role", account.role)
    region_code = changes.get("region_code", account.region_code)
    if "role" in changes or "region_code" in changes:
        _check_placement(role, region_code, actor=actor)
    before = {name: getattr(account, name) for name in changes}
    for name, value in changes.items():
        setattr(account, name, value)
    account.totp_uri = None
    if role in TOTP_REQUIRED and not account.totp_secret:
        account.totp_secret = pyotp.random_base32()
        account.totp_uri = totp_uri(account, account.totp_secret)
    if changes.get("active") is False or "role" in changes:
        revoke_sessions(account.id, reason="staff_changed")
    account.updated_at = utcnow()
    audit.record("staff.update", actor=actor, object_type="account", object_id=account.id,
                 region_code=account.region_code,
                 detail={"before": before, "after": {name: getattr(account, name) for name in changes}})
    session.flush()
    return account
