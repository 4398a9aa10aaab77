"""The "fuzz" section of BENCHMARKS.md, from the counts tests/api/test_fuzz.py wrote (FUZZ_SUMMARY).

Usage: .venv/bin/python -m bench.fuzz_report bench-output/fuzz.json EXIT_CODE   (as `make fuzz` runs it)
"""
import json
import sys
from collections import defaultdict
from datetime import datetime, timezone

from bench.results import machine, write_section

PHASES = {"positive": "valid data", "negative": "invalid data", "chains": "chains of linked calls"}


def table(calls: list[dict]) -> list[str]:
    lines = ["| phase | calls | operations | callers | 2xx | 4xx | 5xx |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for phase, text in PHASES.items():
        rows = [row for row in calls if row["phase"] == phase]
        by_class = defaultdict(int)
        for row in rows:
            by_class[row["status"] // 100] += row["calls"]
        lines.append(f"| {text} | {sum(row['calls'] for row in rows):,} | {len({row['operation'] for row in rows})} | "
                     f"{len({row['role'] for row in rows})} | {by_class[2]:,} | {by_class[4]:,} | {by_class[5]:,} |")
    return lines


def main() -> None:
    path, exit_code = sys.argv[1], int(sys.argv[2])
    summary = json.load(open(path, encoding="utf-8"))
    used = summary["settings"]
    server_errors = sum(row["calls"] for row in summary["calls"] if row["status"] >= 500)
    lines = [
        "## `make fuzz`: schemathesis with every role and no token", "",
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, on {machine()}; in-process on SQLite, "
        f"{summary['seconds']:.0f} s. {used['examples']} examples per operation, data kind and caller (7 roles and "
        f"no token; a public operation once); then, per role, {used['scenarios']} chains of up to {used['steps']} "
        "calls along the OpenAPI links, over the operations that role may call.", "",
        *table(summary["calls"]), "",
        f"Verdict: {'passed' if exit_code == 0 else 'FAILED'} — {server_errors} server errors (target 0); "
        "a response that does not match its schema, or invalid data accepted, fails the run "
        "(README §2 says what each check is).",
    ]
    write_section("fuzz", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
