"""The Redis job queue round trip (only where REDIS_URL points at a Redis to use)."""
import os
import uuid

import pytest
from huey import RedisHuey

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")
def test_task_enqueued_on_redis_is_executed_with_its_result_stored():
    queue = RedisHuey(f"shjz-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL)

    @queue.task()
    def add(a, b):
        return a + b

    try:
        result = add(2, 3)
        assert queue.pending_count() == 1
        queue.execute(queue.dequeue())
        assert result.get() == 5
        assert queue.pending_count() == 0
    finally:
        queue.storage.flush_all()
