"""Integration fixtures: an app on its own empty database, where commits are real."""
import uuid

import pytest

from app import create_app, limiter
from app.cli import upgrade_database
from app.common import crypto
from app.db import session
from tests import factories
from tests.conftest import database_url, on_postgres, test_config


@pytest.fixture
def fresh_app(app, fake_wechat, tmp_path):
    """For concurrency tests: threads commit for real, so they cannot share the `db` savepoint.

    A new SQLite file, or a new schema on PostgreSQL, migrated and with the region tree.
    """
    home_engine = app.extensions["db_engine"]
    schema = f"t_{uuid.uuid4().hex[:12]}" if on_postgres() else None
    if schema:
        with home_engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = database_url() + ("&" if "?" in database_url() else "?") + f"options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    # create_app rebinds the global session, keyring and rate limiter: put the session app's back after.
    limiter_state = vars(limiter).copy()
    # One connection per writer of the 50-writer audit test (pool 25 + overflow 25).
    fresh = create_app(test_config(DATABASE_URL=url, WECHAT_API_BASE=fake_wechat.url, DB_POOL_SIZE=25))
    engine = fresh.extensions["db_engine"]
    try:
        upgrade_database(engine)
        with fresh.app_context():
            factories.load_regions()
            session.commit()
        yield fresh
    finally:
        session.remove()
        engine.dispose()
        if schema:
            with home_engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        session.configure(bind=home_engine)
        crypto.configure(app.extensions["keyring"])
        vars(limiter).update(limiter_state)
