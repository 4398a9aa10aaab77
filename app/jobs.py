"""Background jobs (huey): a SQLite queue by default, Redis when REDIS_URL is set.

Run a worker with `huey_consumer app.jobs.huey`; tests switch to immediate mode.
"""
import gc
import logging
import os
from contextlib import nullcontext
from datetime import timedelta

from flask import current_app, has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import RetryTask

from app.config import INSTANCE, env_value
from app.db import transaction

log = logging.getLogger(__name__)


def make_huey(backend: str, *, redis_url: str | None = None, sqlite_path: str | None = None):
    if backend == "redis":
        return RedisHuey("shjz", url=redis_url)
    if backend == "immediate":
        return MemoryHuey("shjz", immediate=True)
    os.makedirs(os.path.dirname(sqlite_path), exist_ok=True)
    return SqliteHuey("shjz", filename=sqlite_path)


huey = make_huey(
    env_value("JOB_BACKEND") or ("redis" if env_value("REDIS_URL") else "sqlite"),
    redis_url=env_value("REDIS_URL"),
    sqlite_path=env_value("JOB_SQLITE_PATH") or str(INSTANCE / "jobs.db"),
)
_worker_app = None


def app_context():
    """Jobs run inside the request's app in immediate mode, in a worker app otherwise."""
    global _worker_app
    if has_app_context():
        return nullcontext()
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app.app_context()


def queue_ping() -> bool:
    """Readiness: can the queue's storage be reached?"""
    if isinstance(huey, RedisHuey):
        return bool(huey.storage.conn.ping())
    huey.pending_count()
    return True


# Back-off: huey retries at a fixed delay, so the delay is generous; the sweep catches the rest.
@huey.task(retries=5, retry_delay=30)
def deliver_message(message_id: int):
    from app.notifications.services import deliver_message as deliver

    with app_context():
        with transaction():
            status = deliver(message_id, sender=current_app.extensions["sms"], wechat=current_app.extensions["wechat"],
                             wechat_template=current_app.config["WECHAT_NOTICE_TEMPLATE"])
    if status == "retry":
        raise RetryTask("SMS provider failed")
    return status


@huey.periodic_task(crontab(minute="*"))
def sweep():
    """Re-dispatch messages whose enqueue was lost; forget old idempotency keys."""
    from app.common.clock import utcnow
    from app.notifications.services import stalled_message_ids
    from app.web.idempotency import purge_before

    with app_context():
        with transaction():
            ids = stalled_message_ids()
            purge_before(utcnow() - timedelta(seconds=current_app.config["IDEMPOTENCY_TTL"]))
    for message_id in ids:
        deliver_message(message_id)


@huey.periodic_task(crontab(hour="0", minute="30"))
def remind_staff():
    """Every morning at 08:30 China time (huey schedules in UTC): due-soon and overdue notices
    of decisions and of assist-first files."""
    from app.applications.reminders import send_due_notices
    from app.applications.services import today_in_china
    from app.review.services import send_assist_first_notices

    with app_context():
        with transaction():
            return send_due_notices(today_in_china()) + send_assist_first_notices(today_in_china())


@huey.periodic_task(crontab(hour="17", minute="5"))
def expire_authorizations():
    """Every night at 01:05 China time: consents past their validity end."""
    from app.authorizations.services import expire_authorizations as expire
    from app.common.actor import Actor

    with app_context():
        with transaction():
            return expire(actor=Actor(role="system"))


@huey.task(retries=2, retry_delay=10)
def run_check(check_id: int):
    """One check: marked running (its progress shows), then queried, assessed and reported."""
    from app.checks import services as checks
    from app.common.actor import Actor
    from app.common.errors import DomainError

    with app_context():
        with transaction():
            checks.start_check(check_id)
        try:
            with transaction():
                checks.run_check(check_id, actor=Actor(role="system"),
                                 live_sources=current_app.extensions["department_sources"])
        except DomainError as error:   # e.g. a consent lapsed between the request and the run
            with transaction():
                checks.fail_check(check_id, error.message)


@huey.task(retries=2, retry_delay=10)
def run_batch(batch_id: int):
    """A periodic re-check, a chunk per transaction; a retry resumes after the last household done."""
    from app.checks import services as checks
    from app.common.actor import Actor

    with app_context():
        # What the worker holds already is never garbage: the collector stops scanning it between chunks.
        gc.freeze()
        finished = False
        while not finished:
            with transaction():
                finished = checks.run_batch_chunk(batch_id, actor=Actor(role="system"),
                                                  live_sources=current_app.extensions["department_sources"])


@huey.task(retries=5, retry_delay=60)
def issue_letter(letter_id: int):
    """A decision notice: rendered, sealed and sent; a seal outage raises, so huey retries it later."""
    from app.common.actor import Actor
    from app.review import letters

    with app_context():
        with transaction():
            letter = letters.issue_letter(letter_id, actor=Actor(role="system"),
                                          sealing=current_app.extensions["sealing"])
    return letter.status if letter else "missing"


@huey.periodic_task(crontab(minute="*"))
def sweep_letters_and_checks():
    """Beside the outbox sweep: decision notices still pending after a minute, and checks still queued
    after two (their job lost to a queue outage), are dispatched again."""
    from app.checks.services import stalled_check_ids
    from app.review.letters import pending_letter_ids

    with app_context():
        with transaction():
            letter_ids, check_ids = pending_letter_ids(), stalled_check_ids()
    for letter_id in letter_ids:
        issue_letter(letter_id)
    for check_id in check_ids:
        run_check(check_id)
