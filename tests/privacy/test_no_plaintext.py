"""After the suite: no plaintext ID number or phone in the database, the job queue or any log record.

Runs last (see conftest). Three views, each of the whole run on SQLite and on PostgreSQL:
every value any test sent to the database (tests/conftest.py watches each statement), a dump of
every table and column after a journey that fills each table holding personal data, and every
log record — message and arguments before app.logs redacts them, `extra=` fields, tracebacks,
the job code's and huey's own records — besides the JSON lines the service writes.
"""
import io
import json

from sqlalchemy import inspect, select, table, text

from app.db import Encrypted
from app.models import metadata
from tests.api.applications.conftest import png_bytes, submit, upload
from tests.api.authorizations.conftest import APPLICANT, all_confirmed, household, signing, worker  # noqa: F401
from tests.api.checks.conftest import demo_files, officer, standards  # noqa: F401
from tests.api.review.conftest import checked_case, levels  # noqa: F401
from tests.api.review.test_decisions import VISIT, approve_all_the_way
from tests.api.review.test_fast_paths import dishonesty, grant, temporary_application
from tests.conftest import DATABASE_TRAFFIC, JOB_DATA, RAW_LOG, SERVICE_LOG
from tests.factories import CHILD_ID, FUFENG, ID_NUMBERS, QINGLONG, application_payload, member
from tests.privacy.patterns import plaintext_in

PHONE = "13912345678"
# Tables that hold no personal data by design: reference data, configuration, the chain's head.
REFERENCE_TABLES = {"regions", "calendar_days", "commitment_texts", "letter_versions", "policy_parameters",
                    "workflow_transitions", "audit_head", "alembic_version"}
# Rows a department file may get wrong: a bad check digit, a phone where the account tail goes.
BAD_DEPOSITS = ("id_number,bank,account_tail,balance,as_of\n"
                f"{ID_NUMBERS[1][:-1]}9,中国农业银行,4821,1200.00,2026-10-31\n"
                f"{ID_NUMBERS[2]},中国农业银行,{PHONE},abc,2026-10-31\n").encode()


def sign_in_and_apply(client, sms, staff, auth):
    """OTP log-in, identity binding (once wrong), a staff account, a WeChat log-in, a household with a minor."""
    client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers={"Idempotency-Key": "privacy-1"})
    tokens = client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": sms.last_code(PHONE)},
                         headers={"Idempotency-Key": "privacy-2"}).json
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    bound = client.post("/api/v1/me/identity", headers=headers | {"Idempotency-Key": "privacy-3"},
                        json={"name": "张三", "id_number": ID_NUMBERS[1]})
    assert bound.status_code == 200
    client.post("/api/v1/me/identity", headers=headers, json={"name": "张三", "id_number": "610324199001011234"})
    client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": "000000"})
    client.post("/api/v1/auth/staff", json={"username": "privacy.nobody", "password": "Wrong-Password-1"})
    admin = staff("admin", "610324000000")
    client.post("/api/v1/staff/accounts", headers=auth(admin), json={
        "username": "privacy.worker", "display_name": "经办人", "role": "village_worker",
        "region_code": QINGLONG, "password": "Privacy-Check-2026!"})
    client.post("/api/v1/auth/wechat", json={"code": "privacy-1", "channel": "miniprogram"})
    payload = application_payload(members=[member(phone=PHONE), member("张小", CHILD_ID, "child", None,
                                                                        guardian_member_index=0)])
    draft = client.post("/api/v1/applications", json=payload, headers=headers).json
    for kind in ("id_card", "hukou_book"):
        upload(client, headers, draft["id"], kind)
    assert submit(client, headers, draft["id"]).status_code == 200


def review_and_decide(client, db, application_id, levels, officer, applicant_headers, signing, worker):
    """A check against the demo files, the three levels with a photographed visit, a batch re-check,
    unmasking, the export, a public notice with an objection naming a phone, 失信 and revocation;
    a rejected signature, a rejected department file and an assist-first grant on the side."""
    check_id = client.post("/api/v1/checks", json={"application_id": application_id}, headers=officer).json["id"]
    township, district = levels["township_confirmation"], levels["district_filing"]
    visit = client.post(f"/api/v1/staff/cases/{application_id}/visits", json=VISIT, headers=township).json
    photo = client.post(f"/api/v1/staff/cases/{application_id}/visits/{visit['id']}/photos", headers=township,
                        data={"file": (io.BytesIO(png_bytes()), "room.png")}, content_type="multipart/form-data")
    assert photo.status_code == 201, photo.json
    approve_all_the_way(client, levels, application_id)
    batch = client.post("/api/v1/checks/batches", json={"region_code": FUFENG, "assistance_type": "dibao_rural"},
                        headers=officer)
    assert batch.status_code == 202, batch.json
    unmasked = client.get(f"/api/v1/staff/cases/{application_id}?reveal_reason=核实身份信息", headers=district)
    assert unmasked.status_code == 200 and ID_NUMBERS[1] in json.dumps(unmasked.json)
    assert client.get(f"/api/v1/staff/cases/{application_id}/export.pdf?reason=年度归档检查",
                      headers=district).status_code == 200
    notice = client.get(f"/api/v1/public/notices?region_code={FUFENG}").json[0]
    objection = client.post(f"/api/v1/public/notices/{notice['id']}/objections",
                            json={"content": f"该户有轿车，请核实，联系电话{PHONE}", "contact": PHONE})
    assert objection.status_code == 201, objection.json
    answered = client.post(f"/api/v1/staff/cases/{application_id}/objections/{objection.json['id']}/answer",
                           json={"answer": f"已与{PHONE}联系核实"}, headers=district)
    assert answered.status_code == 200, answered.json
    revoked = dishonesty(client, district, application_id, check_id=check_id,
                         reason=f"隐瞒工资收入，身份证号{ID_NUMBERS[1]}", revoke=True)
    assert revoked.status_code == 201, revoked.json

    temporary = temporary_application(client, applicant_headers, amount="800.00")
    assert grant(client, township, temporary["application_id"]).status_code == 201
    signing.sign_authorization(temporary["authorization_id"], APPLICANT)
    rejected = client.post(f"/api/v1/staff/authorizations/{temporary['authorization_id']}/reject",
                           json={"reason": f"签名与本人不符，电话{PHONE}"}, headers=worker)
    assert rejected.status_code == 200, rejected.json
    bad_file = client.post("/api/v1/datasources/bank_deposits/imports", headers=officer,
                           data={"file": (io.BytesIO(BAD_DEPOSITS), "deposits.csv")},
                           content_type="multipart/form-data")
    assert bad_file.status_code == 422, bad_file.json


def dump(db) -> dict[str, list]:
    """Every row of every table the database has (not only the models'), as the dialect returns it."""
    names = inspect(db.connection()).get_table_names()
    assert set(names) >= {t.name for t in metadata.sorted_tables}
    return {name: [tuple(row) for row in db.execute(select(text("*")).select_from(table(name)))]
            for name in names}


def test_database_holds_no_plaintext_id_numbers_or_phones(client, db, sms, staff, auth, applicant_headers,
                                                          checked_case, levels, officer, demo_files, signing, worker):
    sign_in_and_apply(client, sms, staff, auth)
    review_and_decide(client, db, checked_case, levels, officer, applicant_headers, signing, worker)
    db.commit()
    rows = dump(db)
    found = {name: hits for name, content in rows.items()
             if (hits := [hit for row in content for value in row for hit in plaintext_in(value)])}
    assert found == {}, {n: [r for r in rows[n] if plaintext_in(str(r))] for n in found}
    # Not vacuous: every table that may hold personal data was filled by the journey above.
    empty = sorted(name for name, content in rows.items() if not content and name not in REFERENCE_TABLES)
    assert empty == []
    encrypted = {t.name for t in metadata.sorted_tables if any(isinstance(c.type, Encrypted) for c in t.columns)}
    assert encrypted <= set(rows) - REFERENCE_TABLES


def test_no_value_the_whole_run_sent_to_the_database_was_plaintext():
    assert DATABASE_TRAFFIC["statements"] > 1000, "the statements were not watched: the scan would prove nothing"
    assert sorted(set(DATABASE_TRAFFIC["plaintext"])) == []


def test_the_job_queue_would_hold_no_personal_data():
    assert JOB_DATA["payloads"] > 0, "no job message was serialized: the scan would prove nothing"
    assert JOB_DATA["plaintext"] == []


def test_no_log_record_of_the_whole_run_holds_personal_data():
    with open(RAW_LOG, encoding="utf-8") as log:
        content = log.read()
    # Not vacuous: request records with their `extra=` fields, the job code's and huey's records.
    for needle in ('app.request extra {"request_id"', "app.notifications.services", "huey "):
        assert needle in content, f"the raw log has no {needle!r}: the scan would prove nothing"
    assert plaintext_in(content) == []


def test_the_service_log_holds_no_personal_data():
    with open(SERVICE_LOG, encoding="utf-8") as log:
        lines = [json.loads(line) for line in log if line.strip()]
    assert any(line.get("route") for line in lines) and any(line.get("phone") for line in lines)
    assert [hit for line in lines for hit in plaintext_in(json.dumps(line, ensure_ascii=False))] == []
