"""Writing, reading and verifying the audit trail."""
from sqlalchemy import select, update

from app.audit.domain import GENESIS, Break, event_digest, find_break
from app.audit.models import AuditEvent, AuditHead
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.regions import scope_prefix
from app.db import paginate, session


def record(action: str, *, actor: Actor, result: str = "ok", object_type: str | None = None,
           object_id=None, region_code: str | None = None, detail: dict | None = None) -> AuditEvent:
    """Append one event in the caller's transaction; never personal data in `detail`."""
    # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) first, so
    # concurrent writers queue here and the chain stays linear.
    bumped = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    if bumped.rowcount == 0:
        session.add(AuditHead(id=1, seq=1, last_hash=GENESIS))
        session.flush()
    head = session.execute(select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).one()
    event = AuditEvent(
        seq=head.seq, occurred_at=utcnow(),
        action=action, result=result, actor_id=actor.account_id, actor_role=actor.role,
        actor_region=actor.region_code, ip=actor.ip, request_id=actor.request_id,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        region_code=region_code, detail=detail or {}, prev_hash=head.last_hash,
    )
    event.hash = event_digest(event.prev_hash, event.chained_fields())
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=event.hash))
    return event


def verify_chain(batch: int = 5000) -> Break | None:
    head = session.get(AuditHead, 1, populate_existing=True)
    head_seq = head.seq if head else 0

    def rows():
        # Events committed after the head was read are not part of what is being verified,
        # except one beyond the head that is already there when the scan reaches it.
        last = 0
        while True:
            chunk = session.scalars(
                select(AuditEvent).where(AuditEvent.seq > last, AuditEvent.seq <= head_seq + 1)
                .order_by(AuditEvent.seq).limit(batch)
                .execution_options(populate_existing=True)  # what the database holds, not a cached copy
            ).all()
            if not chunk:
                return
            for event in chunk:
                yield event.id, event.seq, event.prev_hash, event.hash, event.chained_fields()
            last = chunk[-1].seq

    return find_break(rows(), head_seq, head.last_hash if head else GENESIS)


def count_events() -> int:
    head = session.get(AuditHead, 1)
    return head.seq if head else 0


def chain_report() -> dict:
    broken = verify_chain()
    return {"ok": broken is None, "events": count_events(),
            "first_broken_seq": broken.seq if broken else None,
            "first_broken_id": broken.event_id if broken else None,
            "reason": broken.reason if broken else None}


def list_events(*, actor: Actor, action: str | None, pagination) -> list[AuditEvent]:
    """Events about the actor's region subtree (or by its staff), newest first."""
    prefix = scope_prefix(actor.region_code)
    query = select(AuditEvent).where(
        AuditEvent.region_code.startswith(prefix) | AuditEvent.actor_region.startswith(prefix)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    return paginate(query.order_by(AuditEvent.seq.desc()), pagination)
