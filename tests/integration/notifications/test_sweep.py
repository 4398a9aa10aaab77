"""The periodic sweep: stalled outbox messages are delivered, old idempotency keys forgotten."""
from sqlalchemy import select

from app import db as database
from app.common.clock import utcnow
from app.jobs import sweep
from app.notifications.models import OutboxMessage
from app.web.models import IdempotencyRecord
from tests.factories import age


def test_sweep_delivers_a_message_whose_job_was_lost(app, db, sms):
    now = utcnow()
    message = OutboxMessage(channel="sms", template="otp", created_at=now, expires_at=now.replace(year=now.year + 1),
                            payload='{"phone": "13812340077", "params": {"code": "123456", "minutes": 5}}')
    db.add(message)
    database.commit()  # no job was queued for it: as if the queue had been down
    age(OutboxMessage, 120, "created_at")
    sweep.call_local()
    db.expire_all()
    assert db.get(OutboxMessage, message.id).status == "sent"
    assert sms.last_code("13812340077") == "123456"


def test_sweep_forgets_idempotency_keys_after_their_ttl(app, db):
    db.add(IdempotencyRecord(scope="anonymous:127.0.0.1", key="old", request_hash="0" * 64, created_at=utcnow()))
    db.add(IdempotencyRecord(scope="anonymous:127.0.0.1", key="new", request_hash="0" * 64, created_at=utcnow()))
    database.commit()
    age(IdempotencyRecord, app.config["IDEMPOTENCY_TTL"] + 1, "created_at", key="old")
    sweep.call_local()
    assert db.scalars(select(IdempotencyRecord.key)).all() == ["new"]
