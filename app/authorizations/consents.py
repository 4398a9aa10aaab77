"""The state of each member's consent, shared by signing, review and the application's resubmission.

An authorization and its current signature move together, and so does the public status of the
signature's sealed PDF. Signatures are never deleted: a consent that no longer holds is ended
with its reason (rejected, revoked, expired, superseded) and stays on record.
"""
from datetime import datetime

from sqlalchemy import select, update

from app.audit import services as audit
from app.authorizations.domain import LIVE, household_digest
from app.authorizations.models import Authorization, Signature, SigningLink
from app.common.actor import Actor
from app.common.clock import utcnow
from app.db import session
from app.documents import services as documents


def current_signature(authorization: Authorization) -> Signature | None:
    return session.scalar(select(Signature).where(Signature.authorization_id == authorization.id)
                          .order_by(Signature.id.desc()).limit(1))


def end_signature(authorization: Authorization, status: str, *, now: datetime) -> Signature | None:
    """The current signature takes `status` (confirmed too), its PDF's public status with it."""
    signature = current_signature(authorization)
    if signature is not None and signature.status in LIVE:
        signature.status = status
        if status in ("revoked", "expired", "superseded"):
            signature.ended_at = now
        documents.set_status(signature.document_id, status)
    return signature


def _kill_links(authorization_id: int, now: datetime) -> None:
    session.execute(update(SigningLink).where(SigningLink.authorization_id == authorization_id,
                                              SigningLink.used_at.is_(None), SigningLink.revoked_at.is_(None))
                    .values(revoked_at=now))


def renew_consents(application_id: int, members: list[dict], wanted: dict[int, int], *, letter_version: str | None,
                   actor: Actor) -> bool:
    """After the household was edited: consents given for another household, or by another signer,
    return to pending (the old signatures stay on record); members who left need none.

    `wanted` maps each member who must consent to who signs. True when some consent must be given again.
    """
    digest = household_digest(members)
    now = utcnow()
    renewed = False
    existing = {a.member_position: a for a in session.scalars(
        select(Authorization).where(Authorization.application_id == application_id).with_for_update())}
    for position, authorization in existing.items():
        if position not in wanted and authorization.required:
            end_signature(authorization, "superseded", now=now)
            authorization.required, authorization.updated_at = False, now
    for position, signer in wanted.items():
        authorization = existing.get(position)
        if authorization is None:
            authorization = Authorization(application_id=application_id, member_position=position, created_at=now,
                                          status="pending")
            session.add(authorization)
        else:
            signature = current_signature(authorization)
            given = authorization.status in LIVE
            if (authorization.required and authorization.signer_position == signer
                    and (not given or signature.household_digest == digest)):
                continue
            if not given and authorization.required:   # not signed yet: only the signer changed
                authorization.signer_position, authorization.by_guardian = signer, signer != position
                _kill_links(authorization.id, now)
                continue
            end_signature(authorization, "superseded", now=now)
            _kill_links(authorization.id, now)
        authorization.required, authorization.signer_position = True, signer
        authorization.by_guardian = signer != position
        authorization.status, authorization.letter_version, authorization.updated_at = "pending", letter_version, now
        session.flush()
        renewed = True
        audit.record("authorization.renew", actor=actor, object_type="authorization", object_id=authorization.id,
                     detail={"reason": "household_changed"})
    return renewed
