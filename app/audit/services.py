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
    # The head row is created by the migration, so there is never a race to insert it.
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
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


def _read_head() -> tuple[int, str]:
    head = session.get(AuditHead, 1, populate_existing=True)
    return (head.seq, head.last_hash) if head else (0, GENESIS)


def verify_chain(batch: int = 5000) -> Break | None:
    """Scan every event, then compare with the head read *after* the scan.

    Reading the head last means events committed during the scan are either
    scanned or not yet counted by the head; the scan goes on while the head
    keeps moving, so a busy system is never reported broken.
    """
    final_head: dict = {}

    def rows():
        last, seen_head = 0, None
        while True:
            chunk = session.scalars(
                select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
                .execution_options(populate_existing=True)  # what the database holds, not a cached copy
            ).all()
            for event in chunk:
                yield event.id, event.seq, event.prev_hash, event.hash, event.chained_fields()
            if chunk:
                last = chunk[-1].seq
                continue
            head = _read_head()
            if head[0] <= last or head == seen_head:
                final_head["value"] = head
                return
            seen_head = head

    return find_break(rows(), read_head=lambda: final_head["value"])


def count_events() -> int:
    return _read_head()[0]


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
