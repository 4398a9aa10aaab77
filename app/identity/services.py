"""Use cases of identity: log-ins, sessions, one-time codes, real-name binding."""
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.common import crypto
from app.common.actor import Actor, Principal
from app.common.clock import as_utc, utcnow
from app.common.errors import AuthenticationFailed, InvalidInput, NotFound, TooManyAttempts
from app.common.idnumber import normalize_id_number, normalize_phone
from app.db import paginate, session
from app.identity.domain import TOTP_REQUIRED, OtpPurpose, Role, new_otp_code, parse_send_limits
from app.identity.models import Account, AuthSession, LoginFailure, OtpCode, RefreshToken, WechatIdentity
from app.identity.tokens import InvalidToken, TokenSigner, hash_token, new_refresh_token
from app.notifications.services import inbox, queue_sms

LAST_SEEN_GRANULARITY = 60


@dataclass(frozen=True)
class AuthPolicy:
    """The figures of SECURITY.md, from configuration."""

    access_ttl: int
    staff_idle: int
    staff_max: int
    applicant_idle: int
    applicant_max: int
    login_max_failures: int
    login_window: int
    login_daily_max: int
    otp_ttl: int
    otp_max_tries: int
    otp_lock: int
    otp_send_limits: tuple
    password_min_length: int
    hasher: PasswordHasher

    @classmethod
    def from_config(cls, cfg: dict) -> "AuthPolicy":
        return cls(
            access_ttl=cfg["ACCESS_TOKEN_TTL"], staff_idle=cfg["STAFF_IDLE_TIMEOUT"],
            staff_max=cfg["STAFF_SESSION_MAX"], applicant_idle=cfg["APPLICANT_IDLE_TIMEOUT"],
            applicant_max=cfg["APPLICANT_SESSION_MAX"], login_max_failures=cfg["LOGIN_MAX_FAILURES"],
            login_window=cfg["LOGIN_FAILURE_WINDOW"], login_daily_max=cfg["LOGIN_DAILY_MAX_FAILURES"],
            otp_ttl=cfg["OTP_TTL"], otp_max_tries=cfg["OTP_MAX_TRIES"], otp_lock=cfg["OTP_LOCK_SECONDS"],
            otp_send_limits=tuple(parse_send_limits(cfg["OTP_SEND_LIMITS"])),
            password_min_length=cfg["PASSWORD_MIN_LENGTH"],
            hasher=PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_KIB"],
                                  parallelism=1, type=Type.ID),
        )


class InvalidCredentials(AuthenticationFailed):
    error = "INVALID_CREDENTIALS"
    message = "用户名或密码错误"
    keep_changes = True


class TotpRequired(AuthenticationFailed):
    error = "TOTP_REQUIRED"
    message = "请输入身份验证器中的6位动态码"


class AccountLocked(TooManyAttempts):
    error = "ACCOUNT_LOCKED"
    message = "登录失败次数过多，账号已暂时锁定，请稍后再试"


class OtpInvalid(AuthenticationFailed):
    error = "OTP_INVALID"
    message = "验证码错误或已过期"
    keep_changes = True


class ProofMismatch(OtpInvalid):
    """The code was right but the proof checked with it (name and ID number) was not."""


class OtpLocked(TooManyAttempts):
    error = "OTP_LOCKED"
    message = "验证码错误次数过多，请稍后再试"


class OtpSendLimited(TooManyAttempts):
    error = "OTP_SEND_LIMITED"
    message = "验证码发送过于频繁，请稍后再试"


class SessionInvalid(AuthenticationFailed):
    error = "INVALID_TOKEN"
    message = "登录凭证无效或已过期，请重新登录"


class RefreshInvalid(AuthenticationFailed):
    error = "INVALID_REFRESH_TOKEN"
    message = "登录已失效，请重新登录"
    keep_changes = True


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    account: Account


def phone_index(phone: str) -> str:
    return crypto.keyring().blind_index("phone", normalize_phone(phone))


def id_number_index(id_number: str) -> str:
    return crypto.keyring().blind_index("id_number", normalize_id_number(id_number))


def _fail(error: Exception, action: str, *, actor: Actor, **audit_fields):
    """Record a failed attempt and raise; the audit row survives the rollback."""
    audit.record(action, actor=actor, result="failed", **audit_fields)
    error.keep_changes = True
    raise error


# Sessions and tokens ---------------------------------------------------------

def issue_session(account: Account, *, method: str, policy: AuthPolicy, signer: TokenSigner) -> TokenPair:
    now = utcnow()
    staff = account.is_staff
    auth_session = AuthSession(
        id=uuid.uuid4().hex, account_id=account.id, method=method, created_at=now, last_seen_at=now,
        idle_timeout=policy.staff_idle if staff else policy.applicant_idle,
        expires_at=now + timedelta(seconds=policy.staff_max if staff else policy.applicant_max),
    )
    session.add(auth_session)
    return _tokens_for(auth_session, account, now=now, signer=signer)


def _tokens_for(auth_session: AuthSession, account: Account, *, now: datetime, signer: TokenSigner) -> TokenPair:
    refresh = new_refresh_token()
    session.add(RefreshToken(session_id=auth_session.id, token_hash=hash_token(refresh), created_at=now,
                             expires_at=min(auth_session.expires_at, now + timedelta(seconds=auth_session.idle_timeout))))
    access = signer.issue_access(subject=account.id, session_id=auth_session.id, role=account.role, now=now)
    return TokenPair(access, refresh, signer.ttl, account)


def _session_problem(auth_session: AuthSession | None, now: datetime) -> str | None:
    if auth_session is None or auth_session.revoked_at is not None:
        return "revoked"
    if now >= auth_session.expires_at:
        return "expired"
    if (now - auth_session.last_seen_at).total_seconds() > auth_session.idle_timeout:
        return "idle"
    if not auth_session.account.active:
        return "disabled"
    return None


def authenticate_access_token(token: str, *, signer: TokenSigner) -> Principal:
    """Every authenticated request: a valid JWT *and* a live session of an active account.

    Role and region come from the database, so moving or disabling a worker
    takes effect on the next request.
    """
    try:
        claims = signer.decode_access(token)
    except InvalidToken as exc:
        raise SessionInvalid() from exc
    now = utcnow()
    auth_session = session.get(AuthSession, claims["sid"], options=[joinedload(AuthSession.account)])
    if auth_session is None or str(auth_session.account_id) != claims["sub"] or _session_problem(auth_session, now):
        raise SessionInvalid()
    if (now - auth_session.last_seen_at).total_seconds() > LAST_SEEN_GRANULARITY:
        auth_session.last_seen_at = now
    account = auth_session.account
    return Principal(account.id, account.role, account.region_code, auth_session.id)


def refresh_session(refresh_token: str, *, actor: Actor, signer: TokenSigner) -> TokenPair:
    """Rotate: the old refresh token dies; presenting a dead one again revokes the whole family."""
    now = utcnow()
    stored = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == hash_token(refresh_token))
                            .with_for_update())
    if stored is None:
        raise RefreshInvalid()
    auth_session = stored.session
    if stored.used_at is not None:
        if auth_session.revoked_at is None:
            auth_session.revoked_at, auth_session.revoke_reason = now, "refresh_reuse"
        _fail(RefreshInvalid(), "auth.refresh_reuse", actor=actor, object_type="account",
              object_id=auth_session.account_id, region_code=auth_session.account.region_code)
    if stored.expires_at <= now or _session_problem(auth_session, now):
        raise RefreshInvalid()
    stored.used_at = now
    auth_session.last_seen_at = now
    return _tokens_for(auth_session, auth_session.account, now=now, signer=signer)


def logout(*, principal: Principal, actor: Actor) -> None:
    auth_session = session.get(AuthSession, principal.session_id)
    auth_session.revoked_at, auth_session.revoke_reason = utcnow(), "logout"
    audit.record("auth.logout", actor=actor, object_type="account", object_id=principal.account_id,
                 region_code=principal.region_code)


def revoke_sessions(account_id: int, *, reason: str) -> None:
    session.execute(update(AuthSession).where(AuthSession.account_id == account_id,
                                              AuthSession.revoked_at.is_(None))
                    .values(revoked_at=utcnow(), revoke_reason=reason))


def record_denial(actor: Actor, endpoint: str) -> None:
    audit.record("access.denied", actor=actor, result="denied", region_code=actor.region_code,
                 detail={"endpoint": endpoint})


# Staff: password and TOTP ----------------------------------------------------

_DUMMY_HASH = None


def _dummy_hash(hasher: PasswordHasher) -> str:
    """Unknown usernames cost the same time as known ones."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hasher.hash(uuid.uuid4().hex)
    return _DUMMY_HASH


def _password_matches(hasher: PasswordHasher, stored: str | None, password: str) -> bool:
    try:
        return hasher.verify(stored or _dummy_hash(hasher), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _check_lockout(username_key: str, *, policy: AuthPolicy, now: datetime) -> None:
    def failures_since(seconds):
        return session.execute(
            select(func.count(), func.min(LoginFailure.at))
            .where(LoginFailure.username_key == username_key, LoginFailure.at > now - timedelta(seconds=seconds))
        ).one()

    for limit, window in ((policy.login_max_failures, policy.login_window), (policy.login_daily_max, 86400)):
        count, oldest = failures_since(window)
        if count >= limit:
            wait = (oldest + timedelta(seconds=window) - now).total_seconds()
            raise AccountLocked(retry_after=max(1, int(wait) + 1))


def _totp_ok(account: Account, code: str, now: datetime) -> bool:
    totp = pyotp.TOTP(account.totp_secret)
    for drift in (0, -1, 1):
        step = totp.timecode(now) + drift
        if code == totp.generate_otp(step) and step > (account.totp_last_step or 0):
            account.totp_last_step = step  # a code is good once
            return True
    return False


def login_staff(username: str, password: str, totp: str | None, *, actor: Actor,
                policy: AuthPolicy, signer: TokenSigner) -> TokenPair:
    now = utcnow()
    username_key = crypto.keyring().mac("login", username.strip().lower())
    _check_lockout(username_key, policy=policy, now=now)
    account = session.scalar(select(Account).where(func.lower(Account.username) == username.strip().lower(),
                                                   Account.role != Role.APPLICANT))
    stored_hash = account.password_hash if account is not None and account.active else None
    if not _password_matches(policy.hasher, stored_hash, password):
        session.add(LoginFailure(username_key=username_key, at=now))
        _fail(InvalidCredentials(), "auth.staff_login", actor=actor, object_type="account",
              object_id=account.id if account else None, region_code=account.region_code if account else None,
              detail={"reason": "password"})
    if account.totp_secret or account.role in TOTP_REQUIRED:
        if not totp:
            raise TotpRequired()
        if not account.totp_secret or not _totp_ok(account, totp, now):
            session.add(LoginFailure(username_key=username_key, at=now))
            _fail(InvalidCredentials("动态码错误", error="TOTP_INVALID"), "auth.staff_login", actor=actor,
                  object_type="account", object_id=account.id, region_code=account.region_code,
                  detail={"reason": "totp"})
    if policy.hasher.check_needs_rehash(account.password_hash):
        account.password_hash = policy.hasher.hash(password)
    tokens = issue_session(account, method="password", policy=policy, signer=signer)
    audit.record("auth.staff_login", actor=_as(actor, account), object_type="account", object_id=account.id,
                 region_code=account.region_code)
    return tokens


def _as(actor: Actor, account: Account) -> Actor:
    """The actor of a log-in is the account that just proved who it is."""
    return Actor(account.id, account.role, account.region_code, actor.ip, actor.request_id, actor.user_agent)


# SMS one-time codes ----------------------------------------------------------

def send_otp(phone: str, purpose: str, *, policy: AuthPolicy) -> None:
    """Always the same answer for known and unknown phones; limits per phone from the database."""
    now = utcnow()
    index = phone_index(phone)
    for limit, window in policy.otp_send_limits:
        count, oldest = session.execute(
            select(func.count(), func.min(OtpCode.created_at))
            .where(OtpCode.phone_index == index, OtpCode.created_at > now - timedelta(seconds=window))
        ).one()
        if count >= limit:
            raise OtpSendLimited(retry_after=max(1, int((oldest + timedelta(seconds=window) - now).total_seconds()) + 1))
    code = new_otp_code()
    session.add(OtpCode(phone_index=index, purpose=purpose, created_at=now,
                        code_hash=crypto.keyring().mac("otp", f"{index}:{purpose}:{code}"),
                        expires_at=now + timedelta(seconds=policy.otp_ttl)))
    queue_sms(normalize_phone(phone), "otp", {"code": code, "minutes": policy.otp_ttl // 60},
              ttl_seconds=policy.otp_ttl)


def verify_otp(phone: str, purpose: str, code: str, *, actor: Actor, policy: AuthPolicy,
               other_proof_ok: bool = True) -> datetime:
    """Single use, bound to phone and purpose, at most `otp_max_tries` wrong tries then a lock.

    A proof checked together with the code (name and ID number on the signing page) that fails
    costs a try like a wrong code. Returns when the code was sent.
    """
    now = utcnow()
    index = phone_index(phone)
    latest = session.scalar(
        select(OtpCode).where(OtpCode.phone_index == index, OtpCode.purpose == purpose)
        .order_by(OtpCode.created_at.desc(), OtpCode.id.desc()).limit(1).with_for_update()
    )
    # A lock holds for its whole length: asking for a new code does not lift it.
    locked_until = session.scalar(select(func.max(OtpCode.locked_until)).where(
        OtpCode.phone_index == index, OtpCode.purpose == purpose, OtpCode.locked_until > now))
    if locked_until is not None:
        raise OtpLocked(retry_after=int((as_utc(locked_until) - now).total_seconds()) + 1)
    usable = latest is not None and latest.consumed_at is None and latest.expires_at > now
    expected = crypto.keyring().mac("otp", f"{index}:{purpose}:{code}")
    code_ok = usable and hmac.compare_digest(expected, latest.code_hash)
    if code_ok and other_proof_ok:
        latest.consumed_at = now
        return latest.created_at
    if usable:
        latest.attempts += 1
        if latest.attempts >= policy.otp_max_tries:
            latest.consumed_at = now
            latest.locked_until = now + timedelta(seconds=policy.otp_lock)
    # Only someone holding the right code learns that the other proof failed.
    _fail(ProofMismatch() if code_ok else OtpInvalid(), "auth.otp_failure", actor=actor, detail={"purpose": purpose})


def _applicant_by_phone(phone: str) -> Account:
    index = phone_index(phone)
    account = session.scalar(select(Account).where(Account.phone_index == index, Account.role == Role.APPLICANT))
    if account is None:
        now = utcnow()
        account = Account(role=Role.APPLICANT, phone=normalize_phone(phone), phone_index=index,
                          created_at=now, updated_at=now)
        session.add(account)
        session.flush()
    return account


def login_with_otp(phone: str, code: str, *, actor: Actor, policy: AuthPolicy, signer: TokenSigner) -> TokenPair:
    verify_otp(phone, OtpPurpose.LOGIN, code, actor=actor, policy=policy)
    account = _applicant_by_phone(phone)
    if not account.active:
        raise InvalidCredentials("账号已停用")
    tokens = issue_session(account, method="sms", policy=policy, signer=signer)
    audit.record("auth.otp_login", actor=_as(actor, account), object_type="account", object_id=account.id)
    return tokens


# WeChat ----------------------------------------------------------------------

def login_with_wechat(channel: str, code: str, *, actor: Actor, wechat, policy: AuthPolicy,
                      signer: TokenSigner) -> TokenPair:
    """The code is exchanged before anything is written, so no external call sits inside a flush."""
    try:
        user = wechat.exchange_code(channel, code)
    except AuthenticationFailed as exc:
        _fail(exc, "auth.wechat_login", actor=actor, detail={"channel": channel})
    identity = session.scalar(select(WechatIdentity).where(WechatIdentity.appid == user.appid,
                                                           WechatIdentity.openid == user.openid))
    now = utcnow()
    if identity is None:
        sibling = user.unionid and session.scalar(select(WechatIdentity).where(WechatIdentity.unionid == user.unionid))
        account = sibling.account if sibling else Account(role=Role.APPLICANT, created_at=now, updated_at=now)
        identity = WechatIdentity(account=account, channel=channel, appid=user.appid, openid=user.openid,
                                  unionid=user.unionid, created_at=now)
        session.add(identity)
        session.flush()
    account = identity.account
    if not account.active:
        raise InvalidCredentials("账号已停用")
    tokens = issue_session(account, method=f"wechat_{channel}", policy=policy, signer=signer)
    audit.record("auth.wechat_login", actor=_as(actor, account), object_type="account", object_id=account.id,
                 detail={"channel": channel})
    return tokens


# Profile ---------------------------------------------------------------------

def get_account(account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound()
    return account


def bind_identity(name: str, id_number: str, *, actor: Actor) -> Account:
    """Real-name binding (实名认证); the schema has already checked the checksum and birth date."""
    account = get_account(actor.account_id)
    if account.is_staff:
        raise InvalidInput("工作人员账号无需实名绑定", error="NOT_AN_APPLICANT")
    now = utcnow()
    account.real_name = name.strip()
    account.id_number = normalize_id_number(id_number)
    account.id_number_index = id_number_index(id_number)
    account.identity_verified_at = now
    account.updated_at = now
    audit.record("identity.bind", actor=actor, object_type="account", object_id=account.id)
    return account


def my_messages(*, actor: Actor, pagination) -> list:
    return paginate(inbox(actor.account_id), pagination)
