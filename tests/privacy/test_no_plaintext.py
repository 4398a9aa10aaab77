"""After the suite: no plaintext ID number or phone in the database or in any log record.

Runs last (see conftest). The log scanned is every record the app emitted during the
whole run, captured before the redaction filter, so it proves the code logs none.
"""
import re

from sqlalchemy import select, text

from app.models import metadata
from tests.conftest import RAW_LOG
from tests.api.applications.conftest import submit, upload
from tests.factories import CHILD_ID, ID_NUMBERS, QINGLONG, application_payload, member

# SECURITY.md's patterns, bounded so hex ids and hashes that happen to hold digit runs do not count.
EDGE_BEFORE, EDGE_AFTER = r"(?<![0-9A-Za-z.-])", r"(?![0-9A-Za-z.-])"
PATTERNS = [re.compile(EDGE_BEFORE + r"\d{17}[\dXx]" + EDGE_AFTER), re.compile(EDGE_BEFORE + r"1[3-9]\d{9}" + EDGE_AFTER)]
HASH = re.compile(r"^[0-9a-f]{64}$")
PHONE = "13912345678"


def plaintext_in(value: str) -> list[str]:
    return [match.group() for pattern in PATTERNS for match in pattern.finditer(value)]


def exercise_everything(client, sms, staff, auth):
    client.post("/api/v1/auth/otp", json={"phone": PHONE}, headers={"Idempotency-Key": "privacy-1"})
    tokens = client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": sms.last_code(PHONE)},
                         headers={"Idempotency-Key": "privacy-2"}).json
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    bound = client.post("/api/v1/me/identity", headers=headers | {"Idempotency-Key": "privacy-3"},
                        json={"name": "张三", "id_number": ID_NUMBERS[1]})
    assert bound.status_code == 200
    client.post("/api/v1/me/identity", headers=headers, json={"name": "张三", "id_number": "610324199001011234"})
    client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": "000000"})
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


def test_database_holds_no_plaintext_id_numbers_or_phones(client, sms, staff, auth, db):
    exercise_everything(client, sms, staff, auth)
    db.commit()
    found = {}
    for table in metadata.sorted_tables:
        for row in db.execute(select(text("*")).select_from(table)):
            for value in row:
                value = str(value)
                if value and not HASH.match(value) and plaintext_in(value):
                    found.setdefault(table.name, []).extend(plaintext_in(value))
    assert found == {}
    assert db.execute(text("SELECT count(*) FROM accounts WHERE id_number IS NOT NULL")).scalar() >= 1
    assert db.execute(text("SELECT count(*) FROM household_members")).scalar() >= 2


def test_no_log_record_of_the_whole_run_holds_personal_data():
    with open(RAW_LOG, encoding="utf-8") as log:
        content = log.read()
    assert len(content) > 1000, "the raw log captured nothing: the scan would prove nothing"
    assert plaintext_in(content) == []
