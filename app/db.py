"""The database: declarative base with named constraints, the session, encrypted columns."""
import logging
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import (BigInteger, DateTime, Integer, MetaData, Text, any_, bindparam, create_engine, event, func,
                        select)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.common import crypto
from app.common.clock import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

log = logging.getLogger(__name__)

# 64-bit keys on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


session = scoped_session(sessionmaker(expire_on_commit=False))


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        return as_utc(value) if value is not None else None

    def process_result_value(self, value, dialect):
        return as_utc(value) if value is not None else None


class Encrypted(TypeDecorator):
    """A personal-data string stored as AES-GCM ciphertext with its key id."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else crypto.keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else crypto.keyring().decrypt(value)


class EncryptedBytes(Encrypted):
    """A personal-data file (a handwritten signature, a sealed PDF) stored the same way."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else crypto.keyring().encrypt_bytes(value)

    def process_result_value(self, value, dialect):
        return None if value is None else crypto.keyring().decrypt_bytes(value)


def make_engine(url: str, *, pool_size: int = 5):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _sqlite_transactions(engine)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _sqlite_transactions(engine):
    """Let SQLAlchemy, not pysqlite, open transactions, and take the write lock at once.

    BEGIN IMMEDIATE serializes writers across gunicorn workers, so a read-then-write
    (the audit chain head, an idempotency key) never fails with a busy snapshot.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app):
    engine = make_engine(app.config["DATABASE_URL"], pool_size=app.config["DB_POOL_SIZE"])
    app.extensions["db_engine"] = engine
    session.remove()
    session.configure(bind=engine)

    @app.teardown_appcontext
    def _remove_session(_exc):
        session.remove()


def paginate(query, pagination) -> list:
    """One page of a select; the total goes to flask-smorest's X-Pagination header."""
    pagination.item_count = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    offset = (pagination.page - 1) * pagination.page_size
    if offset >= pagination.item_count:  # past the end (or a page number too big for OFFSET)
        return []
    return list(session.scalars(query.limit(pagination.page_size).offset(offset)))


def among(column, values):
    """`column IN values`; on PostgreSQL `= ANY(one array)`, because psycopg parses a statement of
    hundreds of placeholders again on every execution (a chunk of a batch check pays it per query)."""
    values = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def after_commit(callback) -> None:
    """Run `callback` once the current transaction has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(callback)


def commit() -> None:
    """Commit, then run the after-commit callbacks; their failures never undo the commit."""
    session.commit()
    for callback in session.info.pop("after_commit", []):
        try:
            callback()
        except Exception:  # noqa: BLE001 — a queue outage: the outbox sweep delivers later
            log.exception("after-commit callback failed")


def rollback() -> None:
    session.info.pop("after_commit", None)
    session.rollback()


@contextmanager
def transaction():
    """For CLI commands and jobs: commit once at the end, roll back on any error."""
    try:
        yield session
    except BaseException:
        rollback()
        raise
    commit()
