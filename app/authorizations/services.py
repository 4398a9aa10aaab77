"""Use cases of electronic authorization: the letter, invitations and the signing page."""
from datetime import date

from sqlalchemy import select, update

from app.applications.services import get_application, household_of, text_in_force
from app.audit import services as audit
from app.authorizations.domain import LINK_TTL, link_usable, new_nonce, token_hash
from app.authorizations.models import Authorization, LetterVersion, SigningLink
from app.common import crypto
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import Conflict, NotFound
from app.common.masking import mask_name
from app.db import session
from app.identity.domain import OtpPurpose
from app.identity.services import send_otp
from app.notifications.services import queue_sms

INVITABLE = ("pending", "rejected")


class NotInvitable(Conflict):
    error = "NOT_INVITABLE"
    message = "该授权已签署或已失效，无需再次邀请"


class LinkGone(NotFound):
    """Unknown, expired, used or replaced: the same answer for all, no hint it ever existed."""

    error = "LINK_INVALID"
    message = "链接无效或已过期，请联系申请人重新获取"


def current_letter(on: date | None = None) -> LetterVersion:
    letter = text_in_force(LetterVersion, on)
    if letter is None:
        raise NotFound("授权书尚未配置")
    return letter


def _token(link: SigningLink) -> str:
    return crypto.keyring().mac("signing-link", f"{link.authorization_id}:{link.nonce}")


def get_authorization(authorization_id: int, *, actor: Actor) -> Authorization:
    """Visible to whoever may see its application; otherwise it does not exist."""
    authorization = session.get(Authorization, authorization_id)
    if authorization is None:
        raise NotFound("授权不存在")
    get_application(authorization.application_id, actor=actor)
    return authorization


def issue_invitation(authorization_id: int, *, actor: Actor, send_sms: bool,
                     base_url: str) -> tuple[SigningLink, str | None]:
    """A new single-use link; every older one dies. Texted to the signer's own phone on request.

    The link comes back only to the applicant: staff screens never show a usable link.
    """
    authorization = get_authorization(authorization_id, actor=actor)
    if authorization.status not in INVITABLE:
        raise NotInvitable()
    now = utcnow()
    session.execute(update(SigningLink).where(SigningLink.authorization_id == authorization.id,
                                              SigningLink.used_at.is_(None), SigningLink.revoked_at.is_(None))
                    .values(revoked_at=now))
    letter = current_letter()
    link = SigningLink(authorization_id=authorization.id, nonce=new_nonce(), letter_version=letter.version,
                       created_at=now, expires_at=now + LINK_TTL, created_by=actor.account_id, token_hash="")
    link.token_hash = token_hash(_token(link))
    session.add(link)
    session.flush()
    url = f"{base_url.rstrip('/')}/sign/{_token(link)}"
    if send_sms:
        signer = household_of(authorization.application)[authorization.signer_position]
        if signer.get("phone"):
            queue_sms(signer["phone"], "sign_invite", {"url": url}, ttl_seconds=int(LINK_TTL.total_seconds()))
    audit.record("authorization.invite", actor=actor, object_type="authorization", object_id=authorization.id,
                 region_code=authorization.application.region_code, detail={"sms": send_sms})
    return link, url if actor.role == "applicant" else None


def current_link_url(authorization_id: int, *, actor: Actor, base_url: str) -> str:
    authorization = get_authorization(authorization_id, actor=actor)
    now = utcnow()
    link = session.scalar(select(SigningLink).where(SigningLink.authorization_id == authorization.id)
                          .order_by(SigningLink.id.desc()).limit(1))
    if link is None or not link_usable(expires_at=link.expires_at, used_at=link.used_at,
                                       revoked_at=link.revoked_at, now=now):
        raise NotFound("没有有效的签署链接，请先发起邀请")
    return f"{base_url.rstrip('/')}/sign/{_token(link)}"


def _live_link(token: str) -> SigningLink:
    link = session.scalar(select(SigningLink).where(SigningLink.token_hash == token_hash(token)))
    if link is None or not link_usable(expires_at=link.expires_at, used_at=link.used_at,
                                       revoked_at=link.revoked_at, now=utcnow()):
        raise LinkGone()
    return link


def send_signing_code(token: str, *, policy) -> None:
    """A one-time code to the signer's own phone on file (the guardian's for a minor); never to the link holder's choice."""
    link = _live_link(token)
    authorization = session.get(Authorization, link.authorization_id)
    signer = household_of(authorization.application)[authorization.signer_position]
    if not signer.get("phone"):
        raise LinkGone()
    send_otp(signer["phone"], OtpPurpose.SIGN, policy=policy)


def open_link(token: str) -> dict:
    """What the signing page shows: the letter, masked names, the expiry."""
    link = _live_link(token)
    authorization = session.get(Authorization, link.authorization_id)
    members = household_of(authorization.application)
    letter = session.get(LetterVersion, link.letter_version)
    return {
        "title": letter.title, "text": letter.text, "version": letter.version, "sha256": letter.sha256,
        "member": mask_name(members[authorization.member_position]["name"]),
        "signer": mask_name(members[authorization.signer_position]["name"]),
        "by_guardian": authorization.by_guardian,
        "household": [mask_name(member["name"]) for member in members],
        "expires_at": link.expires_at,
    }
