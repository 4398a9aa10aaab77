"""Queue a message in the caller's transaction; deliver it after commit from a job."""
import json
import logging
from datetime import timedelta

from sqlalchemy import select

from app.adapters.sms import SmsFailed, SmsSender
from app.common.clock import utcnow
from app.db import after_commit, session
from app.notifications.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


_dispatch = None


def configure_dispatch(dispatch) -> None:
    """`dispatch(message_id)` hands a committed message to the job queue (set by app.wiring)."""
    global _dispatch
    _dispatch = dispatch


def queue_sms(phone: str, template: str, params: dict, *, ttl_seconds: int) -> OutboxMessage:
    """The message goes to the job queue only once the transaction has committed."""
    now = utcnow()
    message = OutboxMessage(channel="sms", template=template, created_at=now,
                            expires_at=now + timedelta(seconds=ttl_seconds),
                            payload=json.dumps({"phone": phone, "params": params}, ensure_ascii=False))
    session.add(message)
    session.flush()
    after_commit(lambda: _dispatch(message.id))
    return message


def deliver_message(message_id: int, *, sender: SmsSender) -> str:
    """Send one pending message; returns its status, "retry" when the provider failed."""
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None or message.status != "pending":
        return message.status if message else "missing"
    if message.expires_at < utcnow():
        # A one-time code that arrives after it expired only confuses people.
        message.status, message.last_error = "failed", "expired before delivery"
        return message.status
    payload = json.loads(message.payload)
    message.attempts += 1
    try:
        sender.send(payload["phone"], message.template, payload["params"])
    except SmsFailed as exc:
        message.last_error = str(exc)[:200]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
        return "retry" if message.status == "pending" else message.status
    message.status, message.sent_at, message.last_error = "sent", utcnow(), None
    return message.status


def stalled_message_ids(*, older_than_seconds: int = 60, limit: int = 100) -> list[int]:
    """Pending messages whose job was lost (a worker crash, a queue outage)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.created_at < cutoff)
        .order_by(OutboxMessage.id).limit(limit)
    ))
