"""Fixtures: one migrated database per run (SQLite, or PostgreSQL from TEST_DATABASE_URL),
every test inside a savepoint that is rolled back, fake WeChat and SMS servers over HTTP."""
import logging
import os
import tempfile
from pathlib import Path
import uuid

import pytest

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
from tests import factories  # noqa: E402

TMP = tempfile.mkdtemp(prefix="shjz-test-")
RAW_LOG = os.path.join(TMP, "app-raw.log")
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


@pytest.fixture(scope="session")
def app(fake_wechat, fake_tsa):
    app = create_app(test_config(WECHAT_API_BASE=fake_wechat.url, TSA_URL=fake_tsa.url + "/"))
    # Every record the app logs, before any redaction, for the plaintext scan at the end.
    raw = logging.FileHandler(RAW_LOG, encoding="utf-8")
    raw.setFormatter(logging.Formatter("%(name)s %(message)s %(args)s"))
    logging.getLogger().addHandler(raw)
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
