"""The state of each member's consent, shared by signing, review and the application's resubmission.

An authorization and its current signature move together, and so does the public status of the
signature's sealed PDF. Signatures are never deleted: a consent that no longer holds is ended
with its reason (rejected, revoked, expired, superseded) and stays on record.
"""
from datetime import datetime

from sqlalchemy import select

from app.audit import services as audit
from app.authorizations.domain import LIVE, household_digest
from app.authorizations.models import Authorization, Signature
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


def renew_consents(application_id: int, members: list[dict], wanted: dict[int, int], *, letter_version: str | None,
                   actor: Actor) -> bool:
    """After the household was edited: consents given for another household, or by another signer,
    return to pending (the old signatures stay on record); members who left need none.

    `wanted` maps each member who must consent to who signs. True when some consent is now missing.
    """
    digest = household_digest(members)
    now = utcnow()
    existing = {a.member_position: a for a in session.scalars(
        select(Authorization).where(Authorization.application_id == application_id).with_for_update())}
    for position, authorization in existing.items():
        if position not in wanted and authorization.required:
            end_signature(authorization, "superseded", now=now)
            authorization.required, authorization.updated_at = False, now
    for position, signer in wanted.items():
        authorization = existing.get(position)
        if authorization is None:
            authorization = Authorization(application_id=application_id, member_position=position, created_at=now)
            session.add(authorization)
        else:
            signature = current_signature(authorization)
            still_valid = (authorization.required and authorization.signer_position == signer
                           and authorization.status in LIVE and signature is not None
                           and signature.household_digest == digest)
            if still_valid:
                continue
            end_signature(authorization, "superseded", now=now)
        authorization.required, authorization.signer_position = True, signer
        authorization.by_guardian = signer != position
        authorization.status, authorization.letter_version, authorization.updated_at = "pending", letter_version, now
        session.flush()
        audit.record("authorization.renew", actor=actor, object_type="authorization", object_id=authorization.id,
                     detail={"reason": "household_changed"})
    return any(a.status not in LIVE for a in session.scalars(
        select(Authorization).where(Authorization.application_id == application_id, Authorization.required.is_(True))))
