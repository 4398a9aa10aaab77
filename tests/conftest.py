"""Fixtures: one migrated database per run (SQLite, or PostgreSQL from TEST_DATABASE_URL),
every test inside a savepoint that is rolled back, fake WeChat and SMS servers over HTTP."""
import json
import logging
import os
import tempfile
from decimal import Decimal
from pathlib import Path
import uuid

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Before anything imports app.jobs: jobs run inline, after the commit that queued them.
os.environ["JOB_BACKEND"] = "immediate"

from app import create_app  # noqa: E402
from app.applications.timeline import forget_cached  # noqa: E402
from app.cli import upgrade_database  # noqa: E402
from app.db import session  # noqa: E402
from app.devservers import BackgroundServer  # noqa: E402
from app.adapters.seal import ensure_dev_pki  # noqa: E402
from app.devservers.sms import create_fake_sms  # noqa: E402
from app.devservers.tsa import create_fake_tsa  # noqa: E402
from app.devservers.wechat import create_fake_wechat  # noqa: E402
from app import logs  # noqa: E402
from app.jobs import huey  # noqa: E402
from tests import factories  # noqa: E402
from tests.privacy.patterns import plaintext_in  # noqa: E402

TMP = tempfile.mkdtemp(prefix="shjz-test-")
RAW_LOG = os.path.join(TMP, "app-raw.log")
SERVICE_LOG = os.path.join(TMP, "app.log")
WECHAT_APPS = {"wx-test-mini": "mini-secret", "wx-test-oa": "oa-secret"}
SMS_TOKEN = "test-sms-token"


def database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{TMP}/test.db"


def on_postgres() -> bool:
    return database_url().startswith("postgresql")


def test_config(**overrides) -> dict:
    config = {
        "APP_ENV": "test", "DATABASE_URL": database_url(), "INSTANCE_PATH": TMP,
        "JOB_BACKEND": "immediate", "SMS_BACKEND": "memory", "RATELIMIT_ENABLED": False,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "WECHAT_MINIPROGRAM_APPID": "wx-test-mini", "WECHAT_MINIPROGRAM_SECRET": "mini-secret",
        "WECHAT_OA_APPID": "wx-test-oa", "WECHAT_OA_SECRET": "oa-secret", "WECHAT_TIMEOUT": 2.0,
    }
    config.update(overrides)
    return config


def reset_database(engine) -> None:
    """A clean schema for this run (the PostgreSQL `test` database is reused between runs)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


@pytest.fixture(scope="session")
def fake_wechat():
    with BackgroundServer(create_fake_wechat(WECHAT_APPS)) as server:
        server.app = server.server.app
        yield server


@pytest.fixture(scope="session")
def fake_sms():
    with BackgroundServer(create_fake_sms(SMS_TOKEN)) as server:
        server.app = server.server.app
        yield server


@pytest.fixture(scope="session")
def fake_tsa():
    """The timestamp authority of the development PKI that the app makes under INSTANCE_PATH/pki."""
    pki = ensure_dev_pki(Path(TMP) / "pki")
    with BackgroundServer(create_fake_tsa(pki.tsa_cert, pki.tsa_key, pki.ca_cert)) as server:
        server.app = server.server.app
        server.pki = pki
        yield server


# What the whole run logged, wrote to the database and queued, for tests/privacy (which runs last).
# tests/unit/test_logs.py logs personal data on purpose, to its own logger.
OWN_LOGGERS = ("test.",)
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
DATABASE_TRAFFIC = {"statements": 0, "plaintext": []}
JOB_DATA = {"payloads": 0, "plaintext": []}


def _raw_write(line: str) -> None:
    with open(RAW_LOG, "a", encoding="utf-8") as out:
        out.write(line.replace("\n", " | ") + "\n")


def _raised_by_a_test(exc_info) -> bool:
    """A stub of a test raised it (tests/api/web/test_errors.py puts an ID number in one, to show the
    500 hides it): the test's input, not the app's; the service log still shows it redacted."""
    tb = exc_info[2]
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and f"{os.sep}tests{os.sep}" in tb.tb_frame.f_code.co_filename


def _recording(base_factory):
    """The message, its arguments and its traceback as the code passed them, before app.logs redacts them."""
    def factory(*args, **kwargs):
        record = base_factory(*args, **kwargs)
        if not record.name.startswith(OWN_LOGGERS):
            try:
                text = record.getMessage()
            except Exception:  # noqa: BLE001 — a malformed call is logged as such by logging itself
                text = f"{record.msg!r} {record.args!r}"
            if record.exc_info and _raised_by_a_test(record.exc_info):
                text += f" {record.exc_info[0].__name__} raised by a test"
            elif record.exc_info:
                text += " " + logging.Formatter().formatException(record.exc_info)
            _raw_write(f"{record.name} {text}")
        return record
    return factory


class _RawExtras(logging.Handler):
    """`extra=` fields as they reach a handler, before the service handler's filter cleans them."""

    def emit(self, record):
        extras = {key: value for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES}
        if extras and not record.name.startswith(OWN_LOGGERS):
            _raw_write(f"{record.name} extra {json.dumps(extras, ensure_ascii=False, default=str)}")


def capture_logs() -> None:
    # app.logs.configure() installs its factory again on each create_app(); the base it wraps stays ours.
    logs._base_factory = _recording(logs._base_factory)
    # First of the root's handlers, so it sees `extra=` fields before any filter changes them.
    logging.getLogger().handlers.insert(0, _RawExtras())
    logging.getLogger().addHandler(logs.json_handler(open(SERVICE_LOG, "a", encoding="utf-8")))
    for name in ("app", "huey"):  # debug records too: a LOG_LEVEL=DEBUG deployment writes them
        logging.getLogger(name).setLevel(logging.DEBUG)


def _flat(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flat(item)
    elif value is not None:
        yield value


@event.listens_for(Engine, "before_cursor_execute")
def _scan_database_traffic(conn, cursor, statement, parameters, context, executemany):
    """Every value any test sends to any database, on either dialect (COPY rows are left to the dump)."""
    DATABASE_TRAFFIC["statements"] += 1
    # Numbers are ids, counts and amounts (a fuzzed id can look like a phone); personal data is text.
    for value in (statement, *(v for v in _flat(parameters) if not isinstance(v, (int, float, Decimal)))):
        for found in plaintext_in(value):
            DATABASE_TRAFFIC["plaintext"].append((found, statement[:120]))


def _recording_serializer(serialize):
    def recorded(data):
        payload = serialize(data)
        JOB_DATA["payloads"] += 1
        JOB_DATA["plaintext"].extend(plaintext_in(payload))
        return payload
    return recorded


# Jobs run inline here; a worker's queue (jobs.db, Redis) would hold each task message and result.
huey.serializer.serialize = _recording_serializer(huey.serializer.serialize)
huey.signal("enqueued")(lambda signal, task, *args, **kwargs: huey.serialize_task(task))


@pytest.fixture(scope="session")
def app(fake_wechat, fake_tsa):
    app = create_app(test_config(WECHAT_API_BASE=fake_wechat.url, TSA_URL=fake_tsa.url + "/"))
    capture_logs()
    engine = app.extensions["db_engine"]
    reset_database(engine)
    upgrade_database(engine)
    with app.app_context():
        factories.load_regions()
        session.commit()
    return app


@pytest.fixture
def db(app):
    """The test's transaction: the app commits into a savepoint, everything is rolled back after."""
    engine = app.extensions["db_engine"]
    connection = engine.connect()
    outer = connection.begin()
    session.remove()
    session.configure(bind=connection, join_transaction_mode="create_savepoint")
    with app.app_context():
        yield session
    session.remove()
    outer.rollback()
    connection.close()
    session.configure(bind=engine)
    forget_cached()  # the per-process cache must not carry one test's calendar or limits into the next


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def sms(app):
    outbox = app.extensions["sms"]
    outbox.sent.clear()
    return outbox


@pytest.fixture
def staff(app, db):
    """staff("township_worker", "610324106000") → a saved account with .password set."""
    return factories.StaffFactory(app)


@pytest.fixture
def applicant(db):
    return factories.make_applicant


@pytest.fixture
def token(app, db):
    """token(account) → a valid access token (a real session in the database)."""
    return lambda account: factories.tokens_for(app, account).access_token


@pytest.fixture
def auth(token):
    return lambda account: {"Authorization": f"Bearer {token(account)}"}


@pytest.fixture
def applicant_headers(applicant, auth):
    """An applicant whose phone is 13800000001, the phone of factories.member()."""
    return auth(applicant("13800000001"))


def pytest_collection_modifyitems(items):
    """The plaintext scan reads what the whole run logged: it goes last."""
    items.sort(key=lambda item: "tests/privacy/" in str(item.fspath).replace("\\", "/"))
