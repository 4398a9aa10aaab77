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
