"""Staff log-in: Argon2id, lockout, TOTP for district and admin roles."""
import pyotp
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.identity.models import Account, LoginFailure
from tests.factories import BAOJI, DUANJIA, FUFENG, age


def login(client, username, password, totp=None):
    body = {"username": username, "password": password}
    if totp is not None:
        body["totp"] = totp
    return client.post("/api/v1/auth/staff", json=body)


def test_password_is_stored_as_argon2id_with_the_required_cost(client, staff, db):
    worker = staff("township_worker", DUANJIA)
    stored = db.get(Account, worker.id).password_hash
    assert stored.startswith("$argon2id$")
    params = dict(part.split("=") for part in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2


def test_wrong_password_and_unknown_user_answer_the_same(client, staff):
    worker = staff("township_worker", DUANJIA)
    wrong = login(client, worker.username, "Not-the-password-1")
    unknown = login(client, "nobody.here", "Not-the-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["error"] == unknown.json["error"] == "INVALID_CREDENTIALS"
    assert wrong.json["message"] == unknown.json["message"]


def test_five_failures_in_fifteen_minutes_lock_the_account(client, staff):
    worker = staff("township_worker", DUANJIA)
    for _ in range(5):
        assert login(client, worker.username, "Wrong-password-1").status_code == 401
    locked = login(client, worker.username, worker.password)
    assert locked.status_code == 429
    assert locked.json["error"] == "ACCOUNT_LOCKED"
    assert 1 <= int(locked.headers["Retry-After"]) <= 901


def test_unknown_usernames_lock_the_same_way(client):
    for _ in range(5):
        login(client, "ghost.user", "Wrong-password-1")
    assert login(client, "ghost.user", "Wrong-password-1").status_code == 429


def test_lock_lifts_after_the_window(client, staff):
    worker = staff("township_worker", DUANJIA)
    for _ in range(5):
        login(client, worker.username, "Wrong-password-1")
    age(LoginFailure, 901, "at")
    assert login(client, worker.username, worker.password).status_code == 200


def test_never_more_than_a_hundred_failures_a_day(client, staff, app):
    worker = staff("township_worker", DUANJIA)
    for batch in range(20):
        for _ in range(5):
            assert login(client, worker.username, "Wrong-password-1").status_code == 401
        age(LoginFailure, 901, "at")  # each batch slips out of the 15-minute window
    refused = login(client, worker.username, worker.password)
    assert refused.status_code == 429 and refused.json["error"] == "ACCOUNT_LOCKED"


@pytest.mark.parametrize("role,region", [("district_worker", FUFENG), ("admin", BAOJI)])
def test_district_and_admin_roles_need_totp(client, staff, role, region):
    worker = staff(role, region)
    without = login(client, worker.username, worker.password)
    assert without.status_code == 401 and without.json["error"] == "TOTP_REQUIRED"
    wrong = login(client, worker.username, worker.password, "000000" if pyotp.TOTP(worker.totp).now() != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.json["error"] == "TOTP_INVALID"
    ok = login(client, worker.username, worker.password, pyotp.TOTP(worker.totp).now())
    assert ok.status_code == 200, ok.json
    assert ok.json["user"]["totp_enabled"] is True


def test_a_totp_code_works_only_once(client, staff):
    worker = staff("district_worker", FUFENG)
    code = pyotp.TOTP(worker.totp).now()
    assert login(client, worker.username, worker.password, code).status_code == 200
    assert login(client, worker.username, worker.password, code).status_code == 401


def test_logins_are_audited_with_result(client, staff, db):
    worker = staff("township_worker", DUANJIA)
    login(client, worker.username, "Wrong-password-1")
    login(client, worker.username, worker.password)
    results = db.scalars(select(AuditEvent.result).where(AuditEvent.action == "auth.staff_login",
                                                         AuditEvent.object_id == str(worker.id))).all()
    assert sorted(results) == ["failed", "ok"]


def test_disabled_worker_cannot_log_in(client, staff, db):
    worker = staff("township_worker", DUANJIA)
    db.get(Account, worker.id).active = False
    db.commit()
    assert login(client, worker.username, worker.password).status_code == 401
