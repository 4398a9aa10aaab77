"""Use cases of department data: import a file all or nothing, list the sources, find a person's records."""
import csv
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring
from pathlib import Path
from typing import Callable

from sqlalchemy import func, insert, select
from sqlalchemy.orm import aliased

from app.audit import services as audit
from app.common import crypto
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import InvalidInput, NotFound
from app.common.uploads import UploadRejected
from app.datasources import domain
from app.datasources.domain import LAYOUTS, REPORT_ROWS_KEPT, Layout, Problem
from app.datasources.models import DataImport, DepartmentRecord
from app.db import among, session
from app.identity.services import id_number_index

BATCH = 5000
ERRORS_IN_RESPONSE = 20
GBK_NOTE = "文件为 GBK/GB18030 编码，已自动识别并按该编码读取"


class UnknownKind(NotFound):
    error = "UNKNOWN_DATASOURCE"
    message = "没有这种部门数据"


class WrongHeader(InvalidInput):
    error = "WRONG_HEADER"
    message = "表头与该类数据的格式不符"


class ImportRejected(InvalidInput):
    """Some rows are wrong: nothing was stored but the import row and its report (kept on rollback)."""

    error = "IMPORT_REJECTED"
    keep_changes = True

    def __init__(self, data_import: DataImport):
        report = json.loads(data_import.report or "{}")
        errors: dict[str, list[str]] = {}
        for row in report.get("rows", []):
            key = f"line {row['line']}: {row['column']}"
            if key not in errors and len(errors) >= ERRORS_IN_RESPONSE:
                break
            errors.setdefault(key, []).append(row["reason"])
        super().__init__(f"文件中有{data_import.rows_rejected}行数据有误，整个文件未导入（导入记录 {data_import.id}）；"
                         "请改正后重新上传", errors=errors, import_id=data_import.id)
        self.data_import = data_import


@dataclass(frozen=True)
class RecordView:
    """A department record as the check reads it: the fields decrypted, the provenance kept."""

    kind: str
    id_number_index: str
    fields: dict
    import_id: int | None      # None: answered live by the department
    record_id: int | None
    as_of: date | None


class InvalidLiveRecord(ValueError):
    """A live department answered a record that its layout refuses."""


def live_record(kind: str, id_number: str, answer: dict) -> RecordView:
    """A record a department answered over HTTP, held to the same layout as its CSV files."""
    layout = layout_for(kind)
    cells = ["" if answer.get(name) is None else str(answer.get(name)) for name in layout.names]
    cells[layout.names.index("id_number")] = id_number
    fields = domain.parse_row(layout, cells)
    if isinstance(fields, list):
        raise InvalidLiveRecord("；".join(f"{p.column}: {p.reason}" for p in fields))
    as_of = fields.get(layout.as_of) if layout.as_of else None
    return RecordView(kind=kind, id_number_index=id_number_index(id_number), fields=fields, import_id=None,
                      record_id=None, as_of=date.fromisoformat(as_of) if as_of else None)


def layout_for(kind: str) -> Layout:
    layout = domain.layout_of(kind)
    if layout is None:
        raise UnknownKind()
    return layout


# Importing -----------------------------------------------------------------------------------

def import_file(kind: str, data: bytes, *, actor: Actor, progress: Callable[[int, int], None] | None = None,
                max_bytes: int = domain.MAX_BYTES) -> DataImport:
    """Validate every row and store them all, or store none and keep the report of what was wrong.

    The same file twice is a no-op that returns the earlier import (`repeated` set), or raises the
    earlier rejection again. Records go in by batches (COPY on PostgreSQL, executemany elsewhere), the
    blind index and the encryption computed per row without ORM objects; `progress(done, total)`
    after each batch; it must not use the session (on PostgreSQL a COPY holds the connection).
    Target: ≥ 50,000 rows/s on PostgreSQL (bench/bench_import.py).
    """
    layout = layout_for(kind)
    if len(data) > max_bytes:
        raise UploadRejected("too_large", f"文件超过{max_bytes // (1024 * 1024)}MB，请拆分后分批导入")
    digest = hashlib.sha256(data).hexdigest()
    earlier = session.scalar(select(DataImport).where(DataImport.kind == kind, DataImport.sha256 == digest))
    if earlier is not None:
        if earlier.status == "rejected":
            raise ImportRejected(earlier)
        earlier.repeated = True
        return earlier
    text, encoding = domain.decode(data)
    rows = domain.reader(text)
    header = _header(rows)
    positions, problems = domain.bind_header(layout, header)
    if problems:
        raise WrongHeader(errors={"header": problems}, expected=list(layout.names))
    estimate = max(text.count("\n"), 1)
    del text
    record = DataImport(kind=kind, sha256=digest, status="validating", encoding=encoding, size_bytes=len(data),
                        created_by=actor.account_id, created_at=utcnow())
    session.add(record)
    session.flush()
    counts, report = _load_rows(layout, rows, positions, len(header), record.id, estimate, progress)
    total, accepted, rejected = counts
    if total == 0:
        raise UploadRejected("invalid", "文件只有表头，没有数据行")
    notes = [GBK_NOTE] if encoding != "utf-8" else []
    record.rows_total, record.rows_accepted, record.rows_rejected = total, accepted, rejected
    record.status = "rejected" if rejected else "imported"
    record.report = json.dumps({"notes": notes, "rows": report, "truncated": len(report) >= REPORT_ROWS_KEPT},
                               ensure_ascii=False)
    record.finished_at = utcnow()
    session.flush()
    audit.record("datasource.import", actor=actor, result="failed" if rejected else "ok",
                 object_type="data_import", object_id=record.id,
                 detail={"kind": kind, "rows": total, "rejected": rejected, "encoding": encoding, "sha256": digest})
    if rejected:
        raise ImportRejected(record)
    return record


def _header(rows) -> list[str]:
    try:
        header = next(rows, None)
    except csv.Error:
        header = None
    if not header or not any(cell.strip() for cell in header):
        raise WrongHeader(errors={"header": ["第1行应为表头（列名）"]})
    return header


def _load_rows(layout: Layout, rows, positions: list[int], width: int, import_id: int, estimate: int,
               progress) -> tuple[tuple[int, int, int], list[dict]]:
    """Validate each row; insert in batches inside a savepoint that is rolled back at the first bad row."""
    blind = _id_number_index()
    key_of = layout.key_of
    kind, batch, report = layout.kind, [], []
    seen: dict[tuple, int] = {}
    total = accepted = rejected = 0
    dumps = _json_encoder()
    parse = domain.row_parser(layout, positions, width=width)
    amount, as_of = layout.amount, layout.as_of
    savepoint = session.begin_nested()
    try:
        with _writer() as write:
            while True:
                try:
                    cells = next(rows)
                except StopIteration:
                    break
                except csv.Error:
                    cells, outcome = None, [Problem("_row", "引号不配对或单元格过长，无法读取本行")]
                line = rows.line_num
                if cells is not None:
                    if not cells or (len(cells) == 1 and not cells[0].strip()):
                        continue   # blank lines are not records
                    outcome = parse(cells)
                total += 1
                if type(outcome) is dict:
                    first = seen.setdefault(key_of(outcome), line)
                    if first != line:
                        outcome = [domain.duplicate_problem(layout, first)]
                if type(outcome) is not dict:
                    rejected += 1
                    for problem in outcome:
                        if len(report) < REPORT_ROWS_KEPT:
                            report.append({"line": line, "column": problem.column, "reason": problem.reason,
                                           "value": domain.masked(layout, problem.column, cells or [], positions)})
                    continue
                accepted += 1
                if rejected:
                    continue   # the file is lost already: keep validating for the report, store nothing more
                batch.append((import_id, kind, blind(outcome["id_number"]), dumps(outcome),
                              outcome[amount] if amount else None, outcome[as_of] if as_of else None))
                if len(batch) >= BATCH:
                    write(batch)
                    batch = []
                    if progress:
                        progress(total, max(estimate, total))
            if batch and not rejected:
                write(batch)
    except BaseException:
        savepoint.rollback()
        raise
    if rejected or not total:
        savepoint.rollback()
    else:
        savepoint.commit()
    if progress:
        progress(total, total)
    return (total, accepted, rejected), report


def _json_encoder() -> Callable[[dict], str]:
    """json.dumps without building an encoder per call (a third of the cost for a small dict)."""
    if c_make_encoder is None:
        return lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    encode = c_make_encoder(None, None, encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


def _id_number_index() -> Callable[[str], str]:
    """identity.id_number_index() for numbers the parser has normalized, as RFC 2104 HMAC-SHA256 from
    precomputed inner and outer states (OpenSSL 3 makes a fresh HMAC object cost ~2 µs a row).
    Checked against the keyring before use; any difference and the keyring's own function is used."""
    keyring = crypto.keyring()
    block = keyring.blind_key if len(keyring.blind_key) <= 64 else hashlib.sha256(keyring.blind_key).digest()
    block = block.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def fast(number: str) -> str:
        state = inner.copy()
        state.update(f"id_number\x1f{number}".encode())
        result = outer.copy()
        result.update(state.digest())
        return result.hexdigest()

    sample = "11010519491231002X"
    if fast(sample) == keyring.blind_index("id_number", sample) == id_number_index(sample):
        return fast
    return lambda number: keyring.blind_index("id_number", number)


COLUMNS = ("import_id", "kind", "id_number_index", "fields", "amount", "as_of")


@contextmanager
def _writer():
    """How batches reach the table, on the session's connection and inside its transaction.

    PostgreSQL: one COPY for the whole file, so the server stores rows while this process
    validates the next batch (several times faster than INSERT). The values need no COPY
    escaping: digits, codes, hex and base64 only. Elsewhere: one executemany per batch.
    Either way `fields` is encrypted by its column's own type.
    """
    connection = session.connection()
    table = DepartmentRecord.__table__
    if connection.dialect.name != "postgresql":
        yield lambda rows: session.execute(insert(table), [
            {"import_id": import_id, "kind": kind, "id_number_index": index, "fields": fields,
             "amount": None if amount is None else Decimal(amount),
             "as_of": None if as_of is None else date.fromisoformat(as_of)}
            for import_id, kind, index, fields, amount, as_of in rows])
        return
    encrypt, dialect = table.c.fields.type.process_bind_param, connection.dialect
    statement, NULL = f"COPY {table.name} ({', '.join(COLUMNS)}) FROM STDIN", "\\N"

    def write(rows: list[tuple]) -> None:
        out.write("".join(
            f"{import_id}\t{kind}\t{index}\t{encrypt(fields, dialect)}\t"
            f"{NULL if amount is None else amount}\t{NULL if as_of is None else as_of}\n"
            for import_id, kind, index, fields, amount, as_of in rows))

    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as out:
        yield write


DEMO_DIR = Path(__file__).parent / "demo"


def import_demo_files(*, actor: Actor) -> list[DataImport]:
    """The demo file of every kind; each one already imported is a no-op (same SHA-256)."""
    return [import_file(kind, (DEMO_DIR / f"{kind}.csv").read_bytes(), actor=actor) for kind in LAYOUTS]


# Reading -------------------------------------------------------------------------------------

def get_import(kind: str, import_id: int) -> DataImport:
    layout_for(kind)
    record = session.get(DataImport, import_id)
    if record is None or record.kind != kind:
        raise NotFound("导入记录不存在")
    return record


def present_import(record: DataImport, *, rows: int = 100) -> dict:
    report = json.loads(record.report or "{}")
    return {"id": record.id, "kind": record.kind, "title": LAYOUTS[record.kind].title, "status": record.status,
            "encoding": record.encoding, "size_bytes": record.size_bytes, "sha256": record.sha256,
            "rows_total": record.rows_total, "rows_accepted": record.rows_accepted,
            "rows_rejected": record.rows_rejected, "notes": report.get("notes", []),
            "rejected_rows": report.get("rows", [])[:rows], "created_at": record.created_at,
            "finished_at": record.finished_at, "repeated": record.repeated}


def list_sources() -> list[dict]:
    """Every kind, with its records and last import (counted from the imports, not the big table)."""
    done = select(DataImport.kind, func.sum(DataImport.rows_accepted), func.max(DataImport.finished_at)) \
        .where(DataImport.status == "imported").group_by(DataImport.kind)
    stats = {kind: (records, last) for kind, records, last in session.execute(done)}
    return [{"kind": kind, "title": layout.title, "description": layout.description,
             "records": int(stats.get(kind, (0, None))[0] or 0), "last_import_at": stats.get(kind, (0, None))[1],
             "columns": [{"name": c.name, "title": c.title, "description": c.description, "required": c.required}
                         for c in layout.columns]}
            for kind, layout in LAYOUTS.items()]


def available_kinds() -> list[str]:
    """Kinds with at least one import: for the others a report says "not available", not "nothing found"."""
    return list(session.scalars(select(DataImport.kind).where(DataImport.status == "imported").distinct()))


# Built once: an aliased() entity made per call costs SQLAlchemy ~2 ms, more than the query it serves.
_OTHER_RECORD = aliased(DepartmentRecord)
_NEWEST_IMPORT = select(func.max(_OTHER_RECORD.import_id)).where(
    _OTHER_RECORD.id_number_index == DepartmentRecord.id_number_index, _OTHER_RECORD.kind == DepartmentRecord.kind
).scalar_subquery()


def records_for(id_number_indexes: list[str], kinds: list[str] | None = None) -> list[RecordView]:
    """Everyone's records in one query; per person and kind only the newest import that lists them."""
    if not id_number_indexes:
        return []
    # Columns, not entities: a check of many households reads thousands of rows per query.
    query = select(DepartmentRecord.kind, DepartmentRecord.id_number_index, DepartmentRecord.fields,
                   DepartmentRecord.import_id, DepartmentRecord.id, DepartmentRecord.as_of).where(
        among(DepartmentRecord.id_number_index, set(id_number_indexes)), DepartmentRecord.import_id == _NEWEST_IMPORT)
    if kinds is not None:
        query = query.where(among(DepartmentRecord.kind, kinds))
    query = query.order_by(DepartmentRecord.kind, DepartmentRecord.id_number_index, DepartmentRecord.id)
    return [RecordView(kind=kind, id_number_index=index, fields=json.loads(fields), import_id=import_id,
                       record_id=record_id, as_of=as_of)
            for kind, index, fields, import_id, record_id, as_of in session.execute(query)]
