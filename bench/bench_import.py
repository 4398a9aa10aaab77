"""Department CSV import through the service, as a ratio to a raw bulk insert of the same rows.

Usage: DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/helper_ds_bench \
       .venv/bin/python -m bench.bench_import [N=200000]
A deterministic bank-deposit file of N rows (valid, distinct ID numbers) is imported by
`import_file` (decode, validate, blind index, encrypt, batched INSERT, commit). The floor is
the same rows as already-prepared tuples written by one COPY (PostgreSQL) or one executemany
(SQLite) into a copy of department_records with its indexes: no validation, no encryption.
Each run works in a schema (PostgreSQL) or file (SQLite) of its own, dropped at the end.
"""
import os
import sys
import tempfile
import time
import uuid
from datetime import date

os.environ.setdefault("JOB_BACKEND", "immediate")

from bench.results import record  # noqa: E402
from app import create_app  # noqa: E402
from app.cli import upgrade_database  # noqa: E402
from app.common.actor import Actor  # noqa: E402
from app.datasources.services import import_file  # noqa: E402
from app.db import make_engine, session  # noqa: E402
from app.demo import load_regions  # noqa: E402

BANKS = ("中国农业银行", "中国工商银行", "中国建设银行", "陕西信合", "中国邮政储蓄银行")


def id_number(i: int) -> str:
    born = date.fromordinal(date(1940, 1, 1).toordinal() + (i * 7919) % 25000)
    body = f"610324{born:%Y%m%d}{i % 1000:03d}"
    check = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if check == 10 else str(check))


def synthetic_csv(n: int) -> bytes:
    """N rows, the same bytes every run; distinct (ID, bank, tail) keys."""
    lines = ["id_number,bank,account_tail,balance,as_of"]
    lines += [f"{id_number(i)},{BANKS[i % 5]},{(i // 1000) % 10000:04d},{(i * 37) % 200000}.{i % 100:02d},2026-10-31"
              for i in range(n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def floor_rows(n: int) -> list[tuple]:
    return [(1, "bank_deposits", f"{i:064x}", f'{{"id_number":"{id_number(i)}","bank":"{BANKS[i % 5]}"}}',
             f"{(i * 37) % 200000}.{i % 100:02d}", date(2026, 10, 31)) for i in range(n)]


def floor(engine, rows: list[tuple]) -> float:
    """Seconds to bulk-write prepared rows into a same-shaped table (indexes included)."""
    columns = "import_id, kind, id_number_index, fields, amount, as_of"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("CREATE TEMP TABLE floor_records (LIKE department_records INCLUDING ALL)")
            start = time.perf_counter()
            with cursor.copy(f"COPY floor_records ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute("CREATE TEMP TABLE floor_records AS SELECT * FROM department_records WHERE 0")
            cursor.execute("CREATE INDEX floor_lookup ON floor_records (id_number_index, kind, import_id)")
            start = time.perf_counter()
            cursor.executemany(f"INSERT INTO floor_records ({columns}) VALUES (?, ?, ?, ?, ?, ?)",
                               [(*r[:4], str(r[4]), r[5].isoformat()) for r in rows])
        raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()


def main(n: int) -> None:
    instance = tempfile.mkdtemp(prefix="shjz-bench-")
    url = os.environ.get("DATABASE_URL", f"sqlite:///{instance}/bench.db")
    schema = None
    if url.startswith("postgresql"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with make_engine(url).begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    app = create_app({"APP_ENV": "test", "INSTANCE_PATH": instance, "SMS_BACKEND": "memory",
                      "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING", "DATABASE_URL": url})
    engine = app.extensions["db_engine"]
    try:
        upgrade_database(engine)
        data = synthetic_csv(n)
        with app.app_context():
            load_regions()
            session.commit()
            start = time.perf_counter()
            imported = import_file("bank_deposits", data, actor=Actor(role="system"))
            session.commit()
            service = time.perf_counter() - start
            assert imported.status == "imported" and imported.rows_accepted == n, imported.status
            session.remove()
        rows = floor_rows(n)
        raw = floor(engine, rows)
        print(f"engine={engine.dialect.name} rows={n} file={len(data) / 1e6:.1f} MB")
        print(f"{'path':58} {'seconds':>8} {'rows/s':>9}")
        print(f"{'raw COPY/executemany of prepared rows (floor)':58} {raw:8.2f} {n / raw:9.0f}")
        print(f"{'import_file: decode, validate, index, encrypt, insert':58} {service:8.2f} {n / service:9.0f}")
        print(f"service ÷ floor (time): {service / raw:.1f}x")
        record("import", f"CSV import, {n:,} rows ({engine.dialect.name})", n / service, "rows/s",
               floor="raw COPY/executemany", floor_value=n / raw, target="≥ 50,000 rows/s", met=n / service >= 50_000)
    finally:
        engine.dispose()
        if schema:
            with make_engine(os.environ["DATABASE_URL"]).begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
