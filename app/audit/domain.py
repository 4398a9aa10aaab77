"""The hash chain: each event's hash covers its content and the previous hash."""
import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64

def event_digest(prev_hash: str, fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    event_id: int | None
    reason: str


def find_break(rows, head_seq: int | None = None, head_hash: str | None = None, *,
               read_head=None) -> Break | None:
    """The first row whose place in the chain is wrong, or None.

    `rows` yields (id, seq, prev_hash, hash, fields) in seq order. Edits change
    a hash, deletions leave a gap, swaps break the link to the previous hash;
    removing rows at the end is caught against the chain head. `read_head()`,
    when given, supplies (head_seq, head_hash) once the rows are exhausted, so
    a live chain is compared with a head read after the scan.
    """
    expected_seq, expected_prev, last_id = 1, GENESIS, None
    for event_id, seq, prev_hash, stored_hash, fields in rows:
        if head_seq is not None and seq > head_seq:
            return Break(seq, event_id, "event beyond the chain head")
        if seq != expected_seq:
            return Break(expected_seq, event_id, f"missing event: expected seq {expected_seq}, found {seq}")
        if prev_hash != expected_prev:
            return Break(seq, event_id, "link to the previous event is broken")
        if event_digest(prev_hash, fields) != stored_hash:
            return Break(seq, event_id, "event content does not match its hash")
        expected_seq, expected_prev, last_id = seq + 1, stored_hash, event_id
    if read_head is not None:
        head_seq, head_hash = read_head()
    last_seq = expected_seq - 1
    if head_seq is not None and last_seq > head_seq:
        return Break(head_seq + 1, None, "event beyond the chain head")
    if head_seq is not None and head_seq != last_seq:
        return Break(expected_seq, None, f"missing event: chain head says {head_seq} events, found {last_seq}")
    if head_hash is not None and head_hash != expected_prev:
        return Break(last_seq, last_id, "the last event does not match the chain head")
    return None
