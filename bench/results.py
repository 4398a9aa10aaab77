"""One line per figure for `make bench` (bench/run_all.py): each benchmark still prints its own table,
and when BENCH_RESULTS names a file it also appends its headline figures there as JSON lines."""
import json
import os


def record(bench: str, figure: str, value: float, unit: str, *, floor: str | None = None,
           floor_value: float | None = None, target: str | None = None, met: bool | None = None) -> None:
    """`floor_value` is measured in the same run and in the same unit; the ratio is value ÷ floor."""
    path = os.environ.get("BENCH_RESULTS")
    if not path:
        return
    row = {"bench": bench, "figure": figure, "value": value, "unit": unit, "floor": floor,
           "floor_value": floor_value, "ratio": value / floor_value if floor_value else None,
           "target": target, "met": met}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
