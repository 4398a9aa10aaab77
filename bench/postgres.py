"""PostgreSQL helpers the benchmarks share: a database of the benchmark's own, rows written by COPY."""
import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url


def libpq(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://…) as psycopg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(url: str) -> None:
    """The database of `url`, created on its server when missing."""
    name = make_url(url).database
    with psycopg.connect(libpq(str(make_url(url).set(database="postgres"))), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows) -> int:
    """Rows into `table` by one COPY; how many."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_sequences(session, tables: tuple[str, ...]) -> None:
    """After rows went in with explicit ids: each table's id sequence continues after its largest id."""
    for table in tables:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT coalesce(max(id), 1) FROM {table}))"))
