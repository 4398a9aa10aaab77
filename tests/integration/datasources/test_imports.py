"""Department imports on a real database: all or nothing, idempotent, encrypted, found by blind index."""
import json

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEvent
from app.common.actor import Actor
from app.datasources import services
from app.datasources.models import DataImport, DepartmentRecord
from app.datasources.services import ImportRejected, import_file, records_for
from app.identity.services import id_number_index
from tests.factories import ID_NUMBERS

OFFICER = Actor(role="verification_officer", region_code="610324000000")
HEADER = "id_number,bank,account_tail,balance,as_of\n"
ELDER, ADULT = "11010519491231002X", "610324199001011230"


def deposits(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


def demo(kind: str) -> bytes:
    return (services.DEMO_DIR / f"{kind}.csv").read_bytes()


def stored(import_id: int) -> int:
    return services.session.scalar(select(func.count()).select_from(DepartmentRecord)
                                   .where(DepartmentRecord.import_id == import_id))


def test_a_demo_file_is_imported_with_its_counts_and_an_audit_event(db):
    record = import_file("bank_deposits", demo("bank_deposits"), actor=OFFICER)
    assert (record.status, record.rows_total, record.rows_accepted, record.rows_rejected) == ("imported", 5, 5, 0)
    assert stored(record.id) == 5 and record.finished_at is not None
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "datasource.import"))
    assert event.object_id == str(record.id) and event.detail["rows"] == 5
    assert ADULT not in json.dumps(event.detail)


def test_one_bad_row_after_several_batches_stores_nothing_but_the_report(db, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)   # batches are written before the bad row is read
    data = deposits(f"{ADULT},中国农业银行,4821,3000.00,2026-10-31", f"{ELDER},邮储,0937,12000,2026-10-31",
                    f"{ID_NUMBERS[2]},陕西信合,5516,5600.50,2026-10-31", f"{ID_NUMBERS[3]},陕西信合,1111,10,2026-10-31",
                    f"{ADULT[:-1]}9,中国农业银行,4822,3,000,2026-10-31")
    with pytest.raises(ImportRejected) as caught:
        import_file("bank_deposits", data, actor=OFFICER)
    record = caught.value.data_import
    assert record.status == "rejected" and (record.rows_total, record.rows_rejected) == (5, 1)
    assert stored(record.id) == 0
    assert db.scalar(select(func.count()).select_from(DepartmentRecord)) == 0
    assert list(caught.value.errors) == ["line 6: _row"]      # "3,000" made one column too many
    report = json.loads(record.report)
    assert report["rows"][0]["line"] == 6 and ADULT[:-1] not in record.report


def test_every_bad_cell_is_reported_with_its_line_and_a_masked_value(db):
    data = deposits(f"{ADULT},中国农业银行,4821,3000.00,2026-10-31", f"{ADULT[:-1]}9,,12,abc,2026-10-31")
    with pytest.raises(ImportRejected) as caught:
        import_file("bank_deposits", data, actor=OFFICER)
    assert set(caught.value.errors) == {"line 3: id_number", "line 3: bank", "line 3: account_tail",
                                        "line 3: balance"}
    rows = json.loads(caught.value.data_import.report)["rows"]
    assert rows[0]["value"] == "610324********1239"


def test_the_same_file_twice_is_a_no_op_returning_the_earlier_import(db):
    first = import_file("bank_deposits", demo("bank_deposits"), actor=OFFICER)
    again = import_file("bank_deposits", demo("bank_deposits"), actor=OFFICER)
    assert again.id == first.id and again.repeated
    assert db.scalar(select(func.count()).select_from(DataImport)) == 1 and stored(first.id) == 5


def test_the_same_rejected_file_twice_is_rejected_again_without_a_second_import(db):
    data = deposits(f"{ADULT},中国农业银行,4821,abc,2026-10-31")
    for _ in range(2):
        with pytest.raises(ImportRejected):
            import_file("bank_deposits", data, actor=OFFICER)
    assert db.scalar(select(func.count()).select_from(DataImport)) == 1


def test_a_duplicate_record_within_a_file_rejects_it(db):
    row = f"{ADULT},中国农业银行,4821,3000.00,2026-10-31"
    with pytest.raises(ImportRejected) as caught:
        import_file("bank_deposits", deposits(row, row.replace("3000.00", "10.00")), actor=OFFICER)
    assert "与第2行重复" in caught.value.errors["line 3: id_number"][0]


def test_records_for_finds_members_by_blind_index_in_one_query_newest_import_winning(db, app):
    import_file("bank_deposits", demo("bank_deposits"), actor=OFFICER)
    import_file("social_insurance", demo("social_insurance"), actor=OFFICER)
    newer = import_file("bank_deposits", deposits(f"{ADULT},中国农业银行,4821,100.00,2026-11-20"), actor=OFFICER)
    indexes = [id_number_index(ELDER), id_number_index(ADULT), id_number_index("610324194010050028")]
    statements = []
    engine = app.extensions["db_engine"]
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    from sqlalchemy import event
    event.listen(engine, "before_cursor_execute", listen)
    try:
        found = records_for(indexes)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len([s for s in statements if "department_records" in s]) == 1
    by = {(r.kind, r.id_number_index): r for r in found}
    adult = by[("bank_deposits", id_number_index(ADULT))]
    assert adult.fields["balance"] == "100.00" and adult.import_id == newer.id   # last month's 3000 replaced
    assert by[("bank_deposits", id_number_index(ELDER))].fields["balance"] == "12000.00"   # not in the newer file
    elder_pension = by[("social_insurance", id_number_index(ELDER))]
    assert elder_pension.fields == {"id_number": ELDER, "benefit": "pension", "monthly_amount": "1200.00",
                                    "as_of": "2026-10-31"}
    assert elder_pension.as_of.isoformat() == "2026-10-31" and elder_pension.record_id
    assert {r.kind for r in records_for(indexes, kinds=["social_insurance"])} == {"social_insurance"}
    assert records_for([]) == [] and records_for([id_number_index(ID_NUMBERS[3])]) == []


def test_personal_data_is_stored_only_encrypted(db):
    import_file("hukou", demo("hukou"), actor=OFFICER)
    raw = db.execute(text("SELECT fields, id_number_index FROM department_records")).all()
    assert len(raw) == 9
    for fields, index in raw:
        assert "6103" not in fields and "张三" not in fields and "hukou" not in fields
        assert ":" in fields and len(index) == 64
    amounts = db.execute(text("SELECT amount, as_of FROM department_records")).all()
    assert all(a is None and d is None for a, d in amounts)   # hukou carries no figure and no date


def test_the_plain_columns_hold_the_kinds_main_figure_and_date(db):
    record = import_file("social_insurance", demo("social_insurance"), actor=OFFICER)
    amounts = sorted(str(a) for a in db.scalars(select(DepartmentRecord.amount)
                                                .where(DepartmentRecord.import_id == record.id)))
    assert amounts == ["1200.00", "1500.00", "180.00"]


def test_a_gbk_file_is_decoded_and_the_report_says_so(db):
    record = import_file("bank_deposits", demo("bank_deposits").decode("utf-8").encode("gbk"), actor=OFFICER)
    assert record.status == "imported" and record.encoding == "gb18030"
    assert "GBK" in services.present_import(record)["notes"][0]
    assert records_for([id_number_index(ADULT)])[0].fields["bank"] == "中国农业银行"


def test_progress_is_reported_per_batch_and_at_the_end(db, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    calls = []
    import_file("bank_deposits", demo("bank_deposits"), actor=OFFICER, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5) and len(calls) == 3 and all(d <= t for d, t in calls)


def test_list_sources_counts_records_of_successful_imports_only(db):
    import_file("bank_deposits", demo("bank_deposits"), actor=OFFICER)
    with pytest.raises(ImportRejected):
        import_file("vehicles", demo("vehicles").replace(b"35000.00", b"35,000"), actor=OFFICER)
    sources = {s["kind"]: s for s in services.list_sources()}
    assert set(sources) == set(services.LAYOUTS)
    assert sources["bank_deposits"]["records"] == 5 and sources["bank_deposits"]["last_import_at"] is not None
    assert sources["vehicles"]["records"] == 0 and sources["vehicles"]["last_import_at"] is None
    assert services.available_kinds() == ["bank_deposits"]


def test_the_demo_files_import_once(db):
    first = services.import_demo_files(actor=OFFICER)
    assert all(i.status == "imported" and not i.repeated for i in first)
    assert all(i.repeated for i in services.import_demo_files(actor=OFFICER))
