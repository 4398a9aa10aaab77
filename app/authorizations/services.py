"""Use cases of electronic authorization: letter, invitations, signing and sealing, review, revocation, expiry."""
import base64
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update

from app.applications.domain import CLOSED, Action, Status, authorization_progress
from app.applications.services import add_event, get_application, household_of, text_in_force, transition
from app.audit import services as audit
from app.authorizations import document
from app.authorizations.consents import current_signature, end_signature
from app.authorizations.domain import (IDENTITY_CHECKS, INVITABLE, LINK_TTL, LIVE, STROKES_MAX_BYTES, add_months,
                                       household_digest, link_usable, new_nonce, normalize_name, request_hash,
                                       strokes_bytes, token_hash)
from app.authorizations.models import Authorization, LetterVersion, Signature, SigningLink
from app.common import crypto
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import Conflict, InvalidInput, NotFound
from app.common.masking import mask_id_number, mask_name, mask_phone
from app.common.uploads import UploadRejected, inspect_signature
from app.db import session
from app.documents import services as documents
from app.documents.domain import new_verify_code, sha256
from app.identity.domain import OtpPurpose
from app.identity.services import OtpInvalid, ProofMismatch, get_account, id_number_index, phone_index, send_otp, verify_otp
from app.notifications.services import notify, queue_sms


@dataclass(frozen=True)
class Sealing:
    """What signing needs besides the request: the seal adapter and a few settings."""

    seal: object
    font_path: str
    base_url: str
    validity_months: int


@dataclass(frozen=True)
class Client:
    ip: str | None
    user_agent: str | None


class NotInvitable(Conflict):
    error = "NOT_INVITABLE"
    message = "该授权已签署或已失效，无需再次邀请"


class LinkGone(NotFound):
    """Unknown, expired, used or replaced: the same answer for all, no hint it ever existed."""

    error = "LINK_INVALID"
    message = "链接无效或已过期，请联系申请人重新获取"


class IdentityMismatch(InvalidInput):
    error = "IDENTITY_MISMATCH"
    message = "姓名或身份证号码与申请登记的信息不一致"
    keep_changes = True  # the try is counted against the code


class CodeInvalid(InvalidInput):
    error = "OTP_INVALID"
    message = "验证码错误或已过期"
    keep_changes = True


class WrongState(Conflict):
    error = "AUTHORIZATION_STATE"


def current_letter(on: date | None = None) -> LetterVersion:
    letter = text_in_force(LetterVersion, on)
    if letter is None:
        raise NotFound("授权书尚未配置")
    return letter


def _token(link: SigningLink) -> str:
    return crypto.keyring().mac("signing-link", f"{link.authorization_id}:{link.nonce}")


def get_authorization(authorization_id: int, *, actor: Actor, signer_too: bool = False,
                      for_update: bool = False) -> Authorization:
    """Visible to whoever may see its application (and, where asked, to its signer); else it does not exist."""
    authorization = session.get(Authorization, authorization_id, with_for_update=for_update)
    if authorization is None:
        raise NotFound("授权不存在")
    if signer_too and _is_signer(authorization, actor):
        return authorization
    try:
        get_application(authorization.application_id, actor=actor)
    except NotFound:
        raise NotFound("授权不存在") from None   # the same words as for an id that was never issued
    return authorization


def _is_signer(authorization: Authorization, actor: Actor) -> bool:
    """An applicant account logged in with the signer's own phone on file."""
    if actor.role != "applicant" or actor.account_id is None:
        return False
    phone = _signer(authorization).get("phone")
    account = get_account(actor.account_id)
    return bool(phone and account.phone_index and hmac.compare_digest(account.phone_index, phone_index(phone)))


def _signer(authorization: Authorization) -> dict:
    return household_of(authorization.application)[authorization.signer_position]


def issue_invitation(authorization_id: int, *, actor: Actor, send_sms: bool,
                     base_url: str) -> tuple[SigningLink, str | None]:
    """A new single-use link; every older one dies. Texted to the signer's own phone on request.

    The link comes back only to the applicant: staff screens never show a usable link.
    """
    authorization = get_authorization(authorization_id, actor=actor)
    if authorization.status not in INVITABLE or authorization.application.status in CLOSED:
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
        signer = _signer(authorization)
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
    if session.get(Authorization, link.authorization_id).application.status in CLOSED:
        raise LinkGone()   # withdrawn or decided: no consent is needed any more
    return link


def send_signing_code(token: str, *, policy) -> str:
    """A one-time code to the signer's own phone on file (the guardian's for a minor); never to the link
    holder's choice. Returns that phone, masked, for the page to say where the code went."""
    link = _live_link(token)
    signer = _signer(session.get(Authorization, link.authorization_id))
    if not signer.get("phone"):
        raise LinkGone()
    send_otp(signer["phone"], OtpPurpose.SIGN, policy=policy)
    return mask_phone(signer["phone"])


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


# Signing and sealing -------------------------------------------------------------------------

def _decode_png(text: str) -> bytes:
    if text.startswith("data:"):
        text = text.partition(",")[2]
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise InvalidInput("签名图片编码有误", errors={"signature.png_base64": ["不是有效的 Base64 编码"]}) from exc


def _signature_inputs(signature: dict) -> tuple:
    """The image (413 / 415 / 422 as an upload) and the stroke data, checked before any code is spent."""
    image = inspect_signature(_decode_png(signature["png_base64"]), field="signature.png_base64")
    strokes = strokes_bytes(signature.get("strokes"))
    if strokes is not None and len(strokes) > STROKES_MAX_BYTES:
        raise UploadRejected("too_large", "笔迹数据不能超过 200 KB", field="signature.strokes")
    return image, strokes


def _prove_identity(form: dict, signer: dict, *, actor: Actor, policy):
    """Name + ID number against the record (blind indexes) and the code to the signer's phone, as one proof.

    A wrong code is reported as such whatever the name and ID number, so a link holder without the
    signer's phone learns nothing about them.
    """
    same_name = normalize_name(form["name"]) == normalize_name(signer["name"])
    same_id = bool(signer.get("id_number")) and hmac.compare_digest(id_number_index(form["id_number"]),
                                                                    id_number_index(signer["id_number"]))
    try:
        return verify_otp(signer["phone"], OtpPurpose.SIGN, form["otp_code"], actor=actor, policy=policy,
                          other_proof_ok=same_name and same_id)
    except ProofMismatch as exc:
        raise IdentityMismatch(errors={"name": [IdentityMismatch.message],
                                       "id_number": [IdentityMismatch.message]}) from exc
    except OtpInvalid as exc:
        raise CodeInvalid(errors={"otp_code": [CodeInvalid.message]}) from exc


def sign_authorization(token: str, form: dict, *, actor: Actor, client: Client, policy, sealing: Sealing) -> Signature:
    """The member (or guardian) signs: identity proved, letter agreed, signature drawn, PDF sealed — or nothing.

    The same request sent again (a retry after a lost answer) returns the first signature.
    """
    fingerprint = request_hash(token, form)
    link = session.scalar(select(SigningLink).where(SigningLink.token_hash == token_hash(token)).with_for_update())
    if link is not None and link.used_at is not None:
        first = session.scalar(select(Signature).where(Signature.link_id == link.id))
        if first is not None and hmac.compare_digest(first.request_sha256, fingerprint):
            return first
    now = utcnow()
    if link is None or not link_usable(expires_at=link.expires_at, used_at=link.used_at,
                                       revoked_at=link.revoked_at, now=now):
        raise LinkGone()
    authorization = session.get(Authorization, link.authorization_id, with_for_update=True)
    application = authorization.application
    members = household_of(application)
    signer = members[authorization.signer_position]
    if authorization.status not in INVITABLE or not signer.get("phone") or application.status in CLOSED:
        raise LinkGone()
    image, strokes = _signature_inputs(form["signature"])
    code_sent_at = _prove_identity(form, signer, actor=actor, policy=policy)
    letter = session.get(LetterVersion, link.letter_version)
    signature = Signature(
        authorization_id=authorization.id, link_id=link.id, status="signed", signer_position=authorization.signer_position,
        by_guardian=authorization.by_guardian, letter_version=letter.version, letter_sha256=letter.sha256,
        household_digest=household_digest(members), request_sha256=fingerprint, signed_at=now,
        expires_at=add_months(now, sealing.validity_months), image=image.content, image_sha256=image.sha256,
        strokes=strokes.decode("utf-8") if strokes else None, strokes_sha256=strokes and sha256(strokes),
    )
    verify_code = new_verify_code()
    evidence = _evidence(signature, authorization, members, client=client, verify_code=verify_code,
                         invited_at=link.created_at, code_sent_at=code_sent_at)
    signature.evidence = json.dumps(evidence, ensure_ascii=False)
    pdf = document.render(_letter_document(signature, authorization, members, letter, evidence,
                                           verify_url=f"{sealing.base_url.rstrip('/')}/verify/{verify_code}"),
                          font_path=sealing.font_path)
    sealed = documents.seal_document(pdf, kind="authorization", verify_code=verify_code, evidence=evidence,
                                     signer=mask_name(signer["name"]), signed_at=now, seal=sealing.seal, actor=actor,
                                     region_code=application.region_code)
    signature.document_id = sealed.id
    session.add(signature)
    link.used_at = now
    authorization.status, authorization.letter_version, authorization.updated_at = "signed", letter.version, now
    session.flush()
    audit.record("authorization.sign", actor=actor, object_type="authorization", object_id=authorization.id,
                 region_code=application.region_code,
                 detail={"signature_id": signature.id, "by_guardian": authorization.by_guardian,
                         "letter_version": letter.version, "document_sha256": sealed.sha256})
    who = mask_name(members[authorization.member_position]["name"])
    add_event(application, "authorization_signed",
              f"{who}已完成授权签署" + ("（由监护人代签）" if authorization.by_guardian else ""), actor)
    _advance_when_all_signed(application, actor=actor)
    return signature


def signing_receipt(signature: Signature, *, base_url: str) -> dict:
    authorization = session.get(Authorization, signature.authorization_id)
    code = documents.verify_code_of(signature.document_id)
    return {"authorization_id": authorization.id, "status": authorization.status, "verify_code": code,
            "verify_url": f"{base_url.rstrip('/')}/verify/{code}"}


def _evidence(signature: Signature, authorization: Authorization, members: list[dict], *, client: Client,
              verify_code: str, invited_at, code_sent_at) -> dict:
    """What the sealed PDF carries as evidence.json; masked, so the file can travel."""
    signer = members[authorization.signer_position]
    return {
        "document_type": "authorization", "verify_code": verify_code,
        "authorization_id": authorization.id, "application_id": authorization.application_id,
        "letter": {"version": signature.letter_version, "sha256": signature.letter_sha256},
        "member": mask_name(members[authorization.member_position]["name"]),
        "signer": {"name": mask_name(signer["name"]), "id_number": mask_id_number(signer.get("id_number")),
                   "phone": mask_phone(signer.get("phone")), "by_guardian": authorization.by_guardian},
        "household": [mask_name(member["name"]) for member in members],
        "household_digest": signature.household_digest,
        "identity_checks": list(IDENTITY_CHECKS),
        "client": {"ip": client.ip, "user_agent": (client.user_agent or "")[:300]},
        "times": {"invited_at": invited_at.isoformat(), "code_sent_at": code_sent_at.isoformat(),
                  "signed_at": signature.signed_at.isoformat()},
        "valid_until": signature.expires_at.isoformat(),
        "image_sha256": signature.image_sha256, "strokes_sha256": signature.strokes_sha256,
    }


def _letter_document(signature: Signature, authorization: Authorization, members: list[dict],
                     letter: LetterVersion, evidence: dict, *, verify_url: str) -> document.SignedLetter:
    signer = members[authorization.signer_position]
    phone = evidence["signer"]["phone"]
    times = signature.signed_at
    return document.SignedLetter(
        title=letter.title, text=letter.text, version=letter.version, sha256=letter.sha256,
        household=evidence["household"], member=evidence["member"], signer_name=signer["name"],
        signer_id_masked=evidence["signer"]["id_number"], by_guardian=authorization.by_guardian, signed_at=times,
        identity_proof=f"姓名、身份证号码与登记信息一致；短信验证码（发送至预留手机 {phone}）核验通过",
        signature_png=signature.image, image_sha256=signature.image_sha256, strokes_sha256=signature.strokes_sha256,
        timeline=[
            (_parse(evidence["times"]["invited_at"]), "发出签署邀请（单次有效链接）"),
            (_parse(evidence["times"]["code_sent_at"]), f"向签署人预留手机 {phone} 发送短信验证码"),
            (times, "签署人姓名、身份证号码及短信验证码核验通过"),
            (times, f"签署人阅读授权书（版本 {letter.version}）并同意，手写签名"),
            (times, "平台加盖电子签章，并取得可信时间戳"),
        ],
        verify_url=verify_url, verify_code=evidence["verify_code"],
    )


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _required(application_id: int) -> list[Authorization]:
    return list(session.scalars(select(Authorization).where(Authorization.application_id == application_id,
                                                            Authorization.required.is_(True))))


def _advance_when_all_signed(application, *, actor: Actor) -> None:
    """Every member's consent given: the case moves on to the economic check."""
    required = _required(application.id)
    done = sum(1 for a in required if a.status in LIVE)
    if application.status == Status.AUTHORIZING and done == len(required):
        transition(application, Action.ALL_SIGNED, actor=actor, role="system",
                   text=f"家庭成员已全部完成授权（{authorization_progress(done, len(required))}），进入家庭经济状况核对")


def signed_document(authorization_id: int, *, actor: Actor) -> tuple[Signature, bytes]:
    """The sealed PDF of the latest signature: to the signer, the applicant and staff in the region."""
    authorization = get_authorization(authorization_id, actor=actor, signer_too=True)
    signature = current_signature(authorization)
    if signature is None:
        raise NotFound("该授权尚未签署", error="NOT_SIGNED")
    return signature, documents.content_of(signature.document_id)


def signature_for_review(authorization_id: int, *, actor: Actor) -> dict:
    """What a caseworker looks at: the image, the masked identity, the evidence."""
    authorization = get_authorization(authorization_id, actor=actor)
    signature = current_signature(authorization)
    if signature is None:
        raise NotFound("该授权尚未签署", error="NOT_SIGNED")
    return {"authorization_id": authorization.id, "status": authorization.status, "signature_status": signature.status,
            "signed_at": signature.signed_at, "expires_at": signature.expires_at,
            "image_base64": base64.b64encode(signature.image).decode("ascii"),
            "evidence": json.loads(signature.evidence), "reject_reason": signature.reject_reason}


# Caseworker review -------------------------------------------------------------------------

def _settle(authorization: Authorization, status: str, action: str, *, actor: Actor, now: datetime,
            event: str | None = None, notice: str | None = None, signature_status: str | None = None,
            **detail) -> Signature | None:
    """The consent takes `status`; its signature and public PDF status follow; audited; the applicant told.

    `event` and `notice` may name the member as {who} (masked). They may carry a caseworker's words (a
    rejection's reason), so {who} is replaced, never str.format()ted: braces there are plain text.
    """
    signature = end_signature(authorization, signature_status or status, now=now)
    authorization.status, authorization.updated_at = status, now
    application = authorization.application
    audit.record(f"authorization.{action}", actor=actor, object_type="authorization", object_id=authorization.id,
                 region_code=application.region_code, detail={"signature_id": signature and signature.id, **detail})
    who = mask_name(household_of(application)[authorization.member_position]["name"])
    if event:
        add_event(application, f"authorization_{action}", event.replace("{who}", who), actor)
    if notice:
        notify(application.applicant_account_id, f"authorization.{action}", notice.replace("{who}", who),
               application_id=application.id)
    return signature


def confirm_signature(authorization_id: int, *, actor: Actor) -> Authorization:
    """The caseworker has looked at the image beside the identity: genuine. The PDF is not touched."""
    authorization = get_authorization(authorization_id, actor=actor, for_update=True)
    if authorization.status != "signed":
        raise WrongState("只有已签署、待确认的授权可以确认", errors={"status": [authorization.status]})
    now = utcnow()
    signature = _settle(authorization, "confirmed", "confirm", actor=actor, now=now, event="{who}的授权签名已经工作人员确认")
    signature.reviewed_by, signature.reviewed_at = actor.account_id, now
    session.flush()
    return authorization


def reject_signature(authorization_id: int, reason: str, *, actor: Actor, base_url: str) -> Authorization:
    """Not genuine (or unreadable): the applicant is told why and the member is invited to sign again."""
    authorization = get_authorization(authorization_id, actor=actor, for_update=True)
    if authorization.status not in LIVE:
        raise WrongState("只有已签署的授权可以驳回", errors={"status": [authorization.status]})
    now = utcnow()
    signature = _settle(authorization, "rejected", "reject", actor=actor, now=now,
                        event=f"{{who}}的授权签名未通过确认：{reason}",
                        notice=f"{{who}}的授权签名未通过工作人员确认（{reason}），已重新向其发送签署短信，请提醒其重新签署。")
    signature.reviewed_by, signature.reviewed_at, signature.reject_reason = actor.account_id, now, reason
    session.flush()
    issue_invitation(authorization.id, actor=actor, send_sms=True, base_url=base_url)
    return authorization


# The signer's own choices, and time --------------------------------------------------------

def revoke_authorization(authorization_id: int, otp_code: str, *, actor: Actor, policy) -> Authorization:
    """The signer withdraws consent after a fresh code to their own phone; no check may use it afterwards."""
    authorization = get_authorization(authorization_id, actor=actor, signer_too=True, for_update=True)
    if not _is_signer(authorization, actor):
        raise NotFound("授权不存在")
    if authorization.status not in LIVE:
        raise WrongState("该授权当前不能撤回", errors={"status": [authorization.status]})
    try:
        verify_otp(_signer(authorization)["phone"], OtpPurpose.REVOKE, otp_code, actor=actor, policy=policy)
    except OtpInvalid as exc:
        raise CodeInvalid(errors={"otp_code": [CodeInvalid.message]}) from exc
    _settle(authorization, "revoked", "revoke", actor=actor, now=utcnow(), event="{who}已撤回家庭经济状况核对授权",
            notice="{who}已撤回家庭经济状况核对授权，核对将无法进行。如有疑问请联系经办人。")
    session.flush()
    return authorization


def expire_authorizations(*, actor: Actor, limit: int = 500) -> int:
    """Consents past their validity (12 months by default) end; the applicant is told."""
    now = utcnow()
    due = list(session.scalars(select(Signature).where(Signature.status.in_(LIVE), Signature.expires_at <= now)
                               .order_by(Signature.id).limit(limit)))
    for signature in due:
        authorization = session.get(Authorization, signature.authorization_id, with_for_update=True)
        _settle(authorization, "expired", "expire", actor=actor, now=now,
                notice="{who}的家庭经济状况核对授权已过有效期，如需继续核对请重新邀请其签署。")
    session.flush()
    return len(due)


def require_letter_version(version: str, *, actor: Actor) -> int:
    """Policy now requires this letter: consents given under an older one return to pending, kept on record."""
    if session.get(LetterVersion, version) is None:
        raise NotFound("授权书版本不存在")
    now = utcnow()
    # A link shows (and would sign) the letter it was issued with: those of an older letter stop working.
    session.execute(update(SigningLink).where(SigningLink.letter_version != version, SigningLink.used_at.is_(None),
                                              SigningLink.revoked_at.is_(None))
                    .values(revoked_at=now))
    stale = list(session.scalars(select(Authorization).join(Signature, Signature.authorization_id == Authorization.id)
                                 .where(Authorization.required.is_(True), Authorization.status.in_(LIVE),
                                        Signature.status.in_(LIVE), Signature.letter_version != version)))
    for authorization in stale:
        authorization.letter_version = version
        _settle(authorization, "pending", "superseded", actor=actor, now=now, signature_status="superseded",
                notice="授权书已更新版本，请邀请{who}重新签署。", letter_version=version)
    session.flush()
    return len(stale)
