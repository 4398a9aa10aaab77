"""Alembic environment: the app's metadata; batch mode so SQLite can alter tables."""
from alembic import context
from sqlalchemy.types import TypeDecorator

from app.models import metadata

config = context.config


def render_item(kind, obj, autogen_context):
    """Migrations name plain SQL types, never app code (Encrypted is TEXT, UTCDateTime a timestamp)."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return "sa." + repr(obj.impl)
    return False


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True,
                      render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # `flask db ...` and the tests hand over their connection
        _run(connection)
        return
    from app.config import load_config
    from app.db import make_engine

    with make_engine(load_config()["DATABASE_URL"]).begin() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
