"""The HTTP contract of department data sources: list, import a CSV (all or nothing), read an import."""
import io

import pytest
from sqlalchemy import func, select

from app.datasources import services
from app.datasources.models import DataImport, DepartmentRecord
from tests.factories import FUFENG, QINGLONG

ADULT = "610324199001011230"


def demo(kind: str) -> bytes:
    return (services.DEMO_DIR / f"{kind}.csv").read_bytes()


def upload(client, headers, kind, content, name="data.csv"):
    return client.post(f"/api/v1/datasources/{kind}/imports", headers=headers,
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


@pytest.fixture
def officer(staff, auth):
    return auth(staff("verification_officer", FUFENG))


def records(db) -> int:
    return db.scalar(select(func.count()).select_from(DepartmentRecord))


def test_an_officer_imports_a_demo_file_and_reads_its_counts(client, officer, db):
    response = upload(client, officer, "bank_deposits", demo("bank_deposits"))
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["status"], body["rows_total"], body["rows_accepted"], body["repeated"]) == ("imported", 5, 5, False)
    got = client.get(f"/api/v1/datasources/bank_deposits/imports/{body['id']}", headers=officer)
    assert got.status_code == 200 and got.json["rows_accepted"] == 5 and got.json["rejected_rows"] == []
    assert got.headers["Cache-Control"] == "no-store"
    sources = {s["kind"]: s for s in client.get("/api/v1/datasources", headers=officer).json}
    assert sources["bank_deposits"]["records"] == 5 and sources["bank_deposits"]["title"] == "银行存款"
    assert [c["name"] for c in sources["bank_deposits"]["columns"]][:2] == ["id_number", "bank"]


def test_the_same_file_again_answers_200_with_the_earlier_import(client, officer):
    first = upload(client, officer, "civil_affairs", demo("civil_affairs"))
    again = upload(client, officer, "civil_affairs", demo("civil_affairs"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["repeated"] is True


def test_a_bad_row_rejects_the_file_with_line_numbers_and_stores_nothing(client, officer, db):
    content = demo("bank_deposits").replace(b"5600.50", b"5600.505").replace(b",0937,", b",937,")
    response = upload(client, officer, "bank_deposits", content)
    assert response.status_code == 422 and response.json["error"] == "IMPORT_REJECTED"
    assert set(response.json["errors"]) == {"line 3: account_tail", "line 4: balance"}
    assert records(db) == 0
    rejected = db.scalar(select(DataImport))
    assert rejected.status == "rejected"           # the report is kept although the request failed
    got = client.get(f"/api/v1/datasources/bank_deposits/imports/{rejected.id}", headers=officer).json
    assert got["rows_rejected"] == 2 and [r["line"] for r in got["rejected_rows"]] == [3, 4]
    assert ADULT not in str(got)


def test_a_wrong_header_is_refused_naming_the_columns(client, officer, db):
    content = "id_number,bank,card_no,balance\n610324199001011230,农行,1234,5\n".encode()
    response = upload(client, officer, "bank_deposits", content)
    assert response.status_code == 422 and response.json["error"] == "WRONG_HEADER"
    text = " ".join(response.json["errors"]["header"])
    assert "account_tail" in text and "as_of" in text and "card_no" in text
    assert db.scalar(select(func.count()).select_from(DataImport)) == 0


def test_a_gbk_file_is_accepted_and_said_to_be_gbk(client, officer):
    response = upload(client, officer, "hukou", demo("hukou").decode("utf-8").encode("gbk"))
    assert response.status_code == 201, response.json
    assert response.json["encoding"] == "gb18030" and "GBK" in response.json["notes"][0]


@pytest.mark.parametrize("content,message", [
    (b"", "文件为空"), (b"id_number,bank,account_tail,balance,as_of\n", "没有数据行"),
    (b"\xff\xfe\x00\x01binary", "空字符"),
])
def test_empty_or_binary_files_get_422_with_a_reason(client, officer, content, message):
    response = upload(client, officer, "bank_deposits", content)
    assert response.status_code == 422 and message in response.json["message"]


def test_a_file_over_the_limit_gets_413(app, client, officer, monkeypatch):
    monkeypatch.setitem(app.config, "DATASOURCE_MAX_BYTES", 1024)
    response = upload(client, officer, "bank_deposits", demo("bank_deposits") + b"\n" * 2048)
    assert response.status_code == 413 and "拆分" in response.json["message"]


def test_a_body_far_over_the_limit_is_cut_off_with_413(app, client, officer, monkeypatch):
    monkeypatch.setitem(app.config, "DATASOURCE_MAX_BYTES", 1024)
    response = upload(client, officer, "bank_deposits", b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413


def test_a_file_of_more_than_11_mb_is_still_accepted_up_to_the_import_limit(client, officer):
    header, row = b"id_number,bank,account_tail,balance,as_of\n", b"610324199001011230,bank,1234,1.00,2026-10-31\n"
    padding = b"\n" * (12 * 1024 * 1024)                    # blank lines: above the app-wide 11 MB upload limit
    response = upload(client, officer, "bank_deposits", header + row + padding)
    assert response.status_code == 201, response.json


def test_an_unknown_kind_is_404(client, officer):
    assert upload(client, officer, "horoscope", demo("hukou")).status_code == 404
    assert client.get("/api/v1/datasources/horoscope/imports/1", headers=officer).status_code == 404


def test_an_import_read_under_another_kind_or_missing_is_404(client, officer):
    created = upload(client, officer, "securities", demo("securities")).json
    assert client.get(f"/api/v1/datasources/hukou/imports/{created['id']}", headers=officer).status_code == 404
    assert client.get("/api/v1/datasources/hukou/imports/999999", headers=officer).status_code == 404


def test_other_roles_are_refused(client, staff, auth):
    village = auth(staff("village_worker", QINGLONG))
    assert upload(client, village, "bank_deposits", demo("bank_deposits")).status_code == 403
    assert client.get("/api/v1/datasources", headers=village).status_code == 403
    admin = auth(staff("admin", FUFENG))
    assert client.get("/api/v1/datasources", headers=admin).status_code == 200
    assert upload(client, admin, "bank_deposits", demo("bank_deposits")).status_code == 403


def test_anonymous_callers_get_401(client):
    assert upload(client, {}, "bank_deposits", demo("bank_deposits")).status_code == 401
    assert client.get("/api/v1/datasources").status_code == 401
    assert client.get("/api/v1/datasources/bank_deposits/imports/1").status_code == 401


def test_a_missing_file_part_is_422(client, officer):
    response = client.post("/api/v1/datasources/bank_deposits/imports", headers=officer, data={},
                           content_type="multipart/form-data")
    assert response.status_code == 422


def test_a_file_just_over_50_mb_gets_413_not_a_server_error(client, officer):
    response = upload(client, officer, "bank_deposits", b"\n" * (50 * 1024 * 1024 + 1))
    assert response.status_code == 413 and "50MB" in response.json["message"]
