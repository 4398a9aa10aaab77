"""`make bench`: every benchmark in bench/ on PostgreSQL, one after another, then one table of their
headline figures — each beside its target and the floor measured in the same run — printed and
written to BENCHMARKS.md with the machine it ran on.

Usage: .venv/bin/python -m bench.run_all [--quick] [--only NAME ...]
       (BENCH_POSTGRES: the server, default postgresql+psycopg://postgres@127.0.0.1:5432)

Each benchmark gets a database of its own (created when missing; its schema is rebuilt). --quick runs
smaller sizes, to see that everything works; the figures of record come from a full run. The whole
output of each benchmark is kept in bench-output/<name>.log (not committed).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from bench.postgres import create_database, libpq
from bench.results import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
OUTPUT = ROOT / "bench-output"

# name, database, command (module and arguments), the same in --quick
BENCHES = [
    # bench_identity needs an empty database: its schema is dropped first (FRESH)
    ("identity", "shjz_bench_identity", ["bench.bench_identity", "300"], ["bench.bench_identity", "100"]),
    ("import", "shjz_bench_import", ["bench.bench_import", "200000"], ["bench.bench_import", "20000"]),
    ("signing", "shjz_bench_signing", ["bench.bench_signing"], ["bench.bench_signing", "--signatures", "40"]),
    ("applications", "shjz_bench", ["bench.bench_applications"],
     ["bench.bench_applications", "--households", "5000", "--seconds", "5"]),
    ("verification data", "shjz_bench_checks", ["bench.gen_verification_data"],
     ["bench.gen_verification_data", "--households", "5000", "--records", "50000"]),
    ("checks", "shjz_bench_checks", ["bench.bench_checks"], ["bench.bench_checks", "--singles", "50"]),
    ("review", "shjz_bench_review", ["bench.bench_review", "--cases", "2000"],
     ["bench.bench_review", "--cases", "500", "--requests", "10"]),
]


FRESH = {"shjz_bench_identity"}


def ensure_database(name: str) -> str:
    """The database exists (and is empty when the benchmark needs it so); the server's version."""
    url = f"{SERVER}/{name}"
    create_database(url)
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        if name in FRESH:
            connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        return connection.execute("SHOW server_version").fetchone()[0]


def number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def table(rows: list[dict]) -> list[str]:
    lines = ["| benchmark | figure | measured | target | floor (same run) | ratio to floor |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        met = {True: " ✓", False: " ✗ not met", None: ""}[row["met"]]
        floor = f"{row['floor']}: {number(row['floor_value'])} {row['unit']}" if row["floor_value"] else "—"
        ratio = f"{row['ratio']:.2f}×" if row["ratio"] else "—"
        lines.append(f"| {row['bench']} | {row['figure']} | {number(row['value'])} {row['unit']} | "
                     f"{(row['target'] or '—') + met} | {floor} | {ratio} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes: check that everything runs")
    parser.add_argument("--only", nargs="*", help="run only these benchmarks (names as in the table)")
    args = parser.parse_args()
    OUTPUT.mkdir(exist_ok=True)
    results = Path(tempfile.mkstemp(prefix="bench-results-", suffix=".jsonl")[1])
    started = datetime.now(timezone.utc)
    postgres_version, failed = "", []
    for name, database, full, quick in BENCHES:
        if args.only and name not in args.only:
            continue
        postgres_version = ensure_database(database)
        url = f"{SERVER}/{database}"
        env = os.environ | {"DATABASE_URL": url, "BENCH_DATABASE_URL": url, "BENCH_RESULTS": str(results),
                            "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", *(quick if args.quick else full)]
        print(f"== {name}: {' '.join(command[2:])}", flush=True)
        began = time.perf_counter()
        with open(OUTPUT / f"{name.replace(' ', '-')}.log", "w") as log:
            code = subprocess.call(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        print(f"   {'done' if code == 0 else f'FAILED ({code})'} in {time.perf_counter() - began:.0f} s", flush=True)
        if code:
            failed.append(name)
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    lines = table(rows)
    print("\n".join(lines))
    if failed:
        print("failed:", ", ".join(failed), f"(see {OUTPUT})")
    if not args.quick and not args.only:
        write_section("bench", [
            "## `make bench`",
            "",
            f"{started:%Y-%m-%d %H:%M} UTC, on {machine(postgres_version)}.",
            "Each figure is beside the floor measured in the same run; the ratio is measured ÷ floor (for "
            "rates, below 1 means slower than the floor; for times, above 1). What each benchmark does and "
            "its full output format: README §2 and the docstring of each file in bench/.",
            "",
            *lines,
            *(["", "Failed: " + ", ".join(failed)] if failed else []),
        ])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
