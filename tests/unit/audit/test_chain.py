"""The audit hash chain: 1,000 random tamperings, every one found at its first row."""
import random
from datetime import datetime, timedelta

import pytest

from app.audit.domain import GENESIS, event_digest, find_break

LENGTH = 50
ROUNDS_PER_KIND = 250  # four kinds: 1,000 tamperings in all


def build_chain(length: int = LENGTH) -> list[tuple]:
    """(id, seq, prev_hash, hash, fields) rows shaped like AuditEvent.chained_fields()."""
    rows, prev = [], GENESIS
    start = datetime(2024, 6, 1, 8, 0)
    for seq in range(1, length + 1):
        fields = {
            "seq": seq, "occurred_at": (start + timedelta(minutes=seq)).isoformat(),
            "action": "auth.staff_login", "result": "ok", "actor_id": seq % 7,
            "actor_role": "township_worker", "actor_region": "610324106000", "ip": "10.0.0.1",
            "request_id": f"req-{seq}", "object_type": "account", "object_id": str(seq),
            "region_code": "610324106000", "detail": {"n": seq},
        }
        digest = event_digest(prev, fields)
        rows.append((1000 + seq, seq, prev, digest, fields))
        prev = digest
    return rows


def changed(value):
    if isinstance(value, dict):
        return {**value, "tampered": True}
    if isinstance(value, int):
        return value + 1
    return f"{value}0"


def edit(rng, rows):
    """Change one stored value of row k; no hash is recomputed."""
    k = rng.randint(1, len(rows))
    event_id, seq, prev, digest, fields = rows[k - 1]
    column = rng.choice([*fields, "prev_hash", "hash"])
    if column == "prev_hash":
        prev = ("1" if prev[0] == "0" else "0") + prev[1:]
    elif column == "hash":
        digest = ("1" if digest[0] == "0" else "0") + digest[1:]
    else:
        fields = {**fields, column: changed(fields[column])}
    rows[k - 1] = (event_id, seq, prev, digest, fields)
    return k


def delete(rng, rows):
    k = rng.randint(1, len(rows))
    del rows[k - 1]
    return k


def swap(rng, rows):
    """Swap rows i < j; half the time also rewrite their seq columns so the order looks intact."""
    i, j = sorted(rng.sample(range(1, len(rows) + 1), 2))
    rows[i - 1], rows[j - 1] = rows[j - 1], rows[i - 1]
    if rng.random() < 0.5:
        for position in (i, j):
            event_id, _, prev, digest, fields = rows[position - 1]
            rows[position - 1] = (event_id, position, prev, digest, fields)
    return i


def truncate(rng, rows):
    keep = rng.randint(0, len(rows) - 1)
    del rows[keep:]
    return keep + 1


@pytest.mark.parametrize("tamper", [edit, delete, swap, truncate])
def test_every_tampering_is_detected_at_the_first_affected_row(tamper):
    rng = random.Random(f"audit-{tamper.__name__}")
    original = build_chain()
    head_seq, head_hash = LENGTH, original[-1][3]
    misses = []
    for _ in range(ROUNDS_PER_KIND):
        rows = list(original)
        first_affected = tamper(rng, rows)
        found = find_break(iter(rows), head_seq, head_hash)
        if found is None or found.seq != first_affected:
            misses.append((first_affected, found))
    assert misses == []


def test_untouched_chain_has_no_break():
    rows = build_chain()
    assert find_break(rows) is None
    assert find_break(rows, LENGTH, rows[-1][3]) is None


def test_empty_chain_matches_an_empty_head():
    assert find_break([], 0, GENESIS) is None
    assert find_break([]) is None


def rewrite_row(rows, k, **changes):
    """Row k with new fields and its own hash recomputed, as someone with write access could."""
    event_id, seq, prev, _, fields = rows[k - 1]
    fields = {**fields, **changes}
    rows[k - 1] = (event_id, seq, prev, event_digest(prev, fields), fields)


def test_the_break_names_the_event_and_the_reason():
    rows = build_chain()
    rewrite_row(rows, 10, result="denied")
    found = find_break(rows)
    assert (found.seq, found.event_id) == (11, 1011)
    assert found.reason == "link to the previous event is broken"

    rows = build_chain()
    del rows[9]
    found = find_break(rows)
    assert (found.seq, found.event_id) == (10, 1011)
    assert found.reason.startswith("missing event")


def test_truncation_names_the_first_missing_event():
    rows = build_chain()
    found = find_break(rows[:40], LENGTH, rows[-1][3])
    assert (found.seq, found.event_id) == (41, None)


def test_a_rewritten_last_row_is_named_when_only_the_head_disagrees():
    rows = build_chain()
    head_hash = rows[-1][3]
    rewrite_row(rows, LENGTH, result="denied")
    found = find_break(rows, LENGTH, head_hash)
    assert (found.seq, found.event_id) == (LENGTH, 1000 + LENGTH)


def test_a_row_beyond_the_head_is_named():
    rows = build_chain(LENGTH + 1)
    found = find_break(rows, LENGTH, rows[LENGTH - 1][3])
    assert (found.seq, found.event_id) == (LENGTH + 1, 1000 + LENGTH + 1)
