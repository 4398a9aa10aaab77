"""One line per figure for `make bench` (bench/run_all.py): each benchmark still prints its own table,
and when BENCH_RESULTS names a file it also appends its headline figures there as JSON lines."""
import json
import os
import platform
import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


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


def machine(postgres_version: str | None = None) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) // 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {memory} GiB, "
            f"Python {platform.python_version()}" + (f", PostgreSQL {postgres_version}" if postgres_version else ""))


def write_section(name: str, lines: list[str]) -> None:
    """BENCHMARKS.md keeps one section per command (bench, fuzz, load, faults): this one's text is replaced."""
    block = f"<!-- {name} -->\n" + "\n".join(lines).rstrip() + f"\n<!-- /{name} -->"
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"<!-- {name} -->.*?<!-- /{name} -->", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS.write_text(text, encoding="utf-8")
