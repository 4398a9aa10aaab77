"""Handing a committed message to the job queue: a queue outage must not undo the answer."""
import uuid

import pytest
from huey import RedisHuey
from sqlalchemy import select

from app import jobs
from app.notifications.models import OutboxMessage
from app.notifications.services import configure_dispatch, stalled_message_ids


@pytest.fixture
def queue_down():
    """Dispatch to a Redis queue nobody listens on; the app's own queue is put back after."""
    down = RedisHuey(f"shjz-down-{uuid.uuid4().hex[:8]}", url="redis://127.0.0.1:1/0")
    configure_dispatch(down.task()(jobs.deliver_message.func))
    yield
    configure_dispatch(jobs.deliver_message)


def test_queue_outage_after_commit_still_answers_202_and_leaves_the_message_to_the_sweep(client, db, queue_down):
    response = client.post("/api/v1/auth/otp", json={"phone": "13900000091"})
    assert response.status_code == 202
    message = db.scalar(select(OutboxMessage))
    assert message.status == "pending"
    assert message.id in stalled_message_ids(older_than_seconds=0)
