"""`upgrade head` builds the schema on an empty database, and the models agree with it."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.cli import upgrade_database
from app.db import make_engine
from app.models import metadata
from tests.conftest import TMP, database_url, on_postgres


@pytest.fixture
def empty_engine():
    if on_postgres():
        schema = f"mig_{uuid.uuid4().hex[:8]}"
        admin = make_engine(database_url())
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine = make_engine(f"{database_url()}?options=-csearch_path%3D{schema}")
        yield engine
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
    else:
        engine = make_engine(f"sqlite:///{TMP}/migrations-{uuid.uuid4().hex[:8]}.db")
        yield engine
        engine.dispose()


def test_upgrade_head_on_an_empty_database_then_no_autogenerate_difference(empty_engine):
    upgrade_database(empty_engine)
    with empty_engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert set(metadata.tables) <= tables
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_upgrading_twice_changes_nothing(empty_engine):
    upgrade_database(empty_engine)
    upgrade_database(empty_engine)


def test_a_database_with_cases_upgrades_through_the_table_rebuilds(empty_engine):
    """SQLite rebuilds `applications` (and `sealed_documents`) to change a CHECK constraint; rows that
    point at them must survive, and the upgrade must not trip over its own foreign keys."""
    upgrade_database(empty_engine, "26d8a04db80d")
    now = "2026-12-01 08:00:00+00:00"
    with empty_engine.begin() as connection:
        for sql in (
            "INSERT INTO regions (code, name, level) VALUES ('610324106201', '青龙村', 'village')",
            f"INSERT INTO accounts (id, role, active, created_at, updated_at, version) "
            f"VALUES (1, 'applicant', true, '{now}', '{now}', 1)",
            f"INSERT INTO households (id, owner_account_id, created_at, updated_at) VALUES (1, 1, '{now}', '{now}')",
            f"INSERT INTO applications (id, household_id, applicant_account_id, assistance_type, region_code, reason, "
            f"declared, status, created_at, updated_at, version) VALUES (1, 1, 1, 'dibao_rural', '610324106201', "
            f"'x', 'x', 'draft', '{now}', '{now}', 1)",
            f"INSERT INTO application_events (id, application_id, occurred_at, kind, text) "
            f"VALUES (1, 1, '{now}', 'created', '已创建')",
        ):
            connection.exec_driver_sql(sql)
    upgrade_database(empty_engine)
    with empty_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT review_path FROM applications").scalar() == "standard"
        assert connection.exec_driver_sql("SELECT count(*) FROM application_events").scalar() == 1
