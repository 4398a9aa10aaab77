"""Staff administration: region scope in the query, ETag/If-Match, moves take effect at once."""
import json

import pytest

from tests.factories import BAOJI, DUANJIA, FUFENG, GAOJIA, QINGLONG

NEW_WORKER = {"username": "new.worker", "display_name": "新经办人", "role": "village_worker",
              "region_code": QINGLONG, "password": "Strong-Passw0rd-Qinglong"}


@pytest.fixture
def fufeng_admin(staff):
    return staff("admin", FUFENG)


def test_admin_creates_a_worker_in_its_region(client, fufeng_admin, auth):
    response = client.post("/api/v1/staff/accounts", headers=auth(fufeng_admin), json=NEW_WORKER)
    assert response.status_code == 201, response.json
    assert response.json["role"] == "village_worker"
    assert response.headers["ETag"] == '"v1"'


def test_district_roles_get_a_totp_secret_shown_once(client, fufeng_admin, auth):
    body = NEW_WORKER | {"username": "new.district", "role": "district_worker", "region_code": FUFENG}
    response = client.post("/api/v1/staff/accounts", headers=auth(fufeng_admin), json=body)
    assert response.status_code == 201
    assert response.json["totp_uri"].startswith("otpauth://totp/")
    again = client.get(f"/api/v1/staff/accounts/{response.json['id']}", headers=auth(fufeng_admin))
    assert "totp_uri" not in again.json


@pytest.mark.parametrize("change,field", [
    ({"region_code": GAOJIA}, "region_code"),          # outside 扶风县
    ({"region_code": "610324106999"}, "region_code"),  # no such division
    ({"role": "township_worker"}, "region_code"),      # a township worker at a village
    ({"password": "password123"}, "password"),         # common password
    ({"password": "short"}, "password"),
    ({"role": "applicant"}, "role"),
])
def test_invalid_staff_is_refused_on_the_field(client, fufeng_admin, auth, change, field):
    response = client.post("/api/v1/staff/accounts", headers=auth(fufeng_admin), json=NEW_WORKER | change)
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_lists_contain_only_the_callers_region(client, staff, fufeng_admin, auth):
    staff("village_worker", QINGLONG)
    staff("village_worker", GAOJIA)
    response = client.get("/api/v1/staff/accounts?page_size=100", headers=auth(fufeng_admin))
    assert response.status_code == 200
    assert {row["region_code"][:6] for row in response.json} == {"610324"}
    assert json.loads(response.headers["X-Pagination"])["total"] == len(response.json)


def test_another_regions_worker_is_not_found(client, staff, fufeng_admin, auth):
    outsider = staff("village_worker", GAOJIA)
    response = client.get(f"/api/v1/staff/accounts/{outsider.id}", headers=auth(fufeng_admin))
    missing = client.get("/api/v1/staff/accounts/999999", headers=auth(fufeng_admin))
    assert response.status_code == missing.status_code == 404
    assert response.json["message"] == missing.json["message"]


def test_update_needs_if_match_and_refuses_a_stale_one(client, staff, fufeng_admin, auth):
    worker = staff("village_worker", QINGLONG)
    url = f"/api/v1/staff/accounts/{worker.id}"
    assert client.patch(url, headers=auth(fufeng_admin), json={"display_name": "甲"}).status_code == 428
    etag = client.get(url, headers=auth(fufeng_admin)).headers["ETag"]
    first = client.patch(url, headers=auth(fufeng_admin) | {"If-Match": etag}, json={"display_name": "甲"})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    stale = client.patch(url, headers=auth(fufeng_admin) | {"If-Match": etag}, json={"display_name": "乙"})
    assert stale.status_code == 412


def test_moving_a_worker_takes_effect_on_their_next_request(client, staff, auth, db):
    city_admin = staff("admin", BAOJI)
    worker = staff("village_worker", QINGLONG)
    worker_headers = auth(worker)
    assert client.get("/api/v1/me", headers=worker_headers).json["region_code"] == QINGLONG
    url = f"/api/v1/staff/accounts/{worker.id}"
    etag = client.get(url, headers=auth(city_admin)).headers["ETag"]
    moved = client.patch(url, headers=auth(city_admin) | {"If-Match": etag}, json={"region_code": GAOJIA})
    assert moved.status_code == 200, moved.json
    assert client.get("/api/v1/me", headers=worker_headers).json["region_code"] == GAOJIA


def test_disabling_a_worker_revokes_their_tokens(client, staff, fufeng_admin, auth):
    worker = staff("village_worker", QINGLONG)
    worker_headers = auth(worker)
    url = f"/api/v1/staff/accounts/{worker.id}"
    etag = client.get(url, headers=auth(fufeng_admin)).headers["ETag"]
    client.patch(url, headers=auth(fufeng_admin) | {"If-Match": etag}, json={"active": False})
    assert client.get("/api/v1/me", headers=worker_headers).status_code == 401


def test_workers_cannot_administer_staff(client, staff, auth):
    worker = staff("township_worker", DUANJIA)
    response = client.post("/api/v1/staff/accounts", headers=auth(worker), json=NEW_WORKER)
    assert response.status_code == 403
    assert client.get("/api/v1/staff/accounts", headers=auth(worker)).status_code == 403


def test_applicants_cannot_call_staff_endpoints(client, applicant, auth):
    headers = auth(applicant("13812349999"))
    assert client.get("/api/v1/staff/accounts", headers=headers).status_code == 403
    assert client.get("/api/v1/staff/audit", headers=headers).status_code == 403


def test_a_created_worker_can_log_in(client, fufeng_admin, auth):
    client.post("/api/v1/staff/accounts", headers=auth(fufeng_admin), json=NEW_WORKER)
    response = client.post("/api/v1/auth/staff", json={"username": "new.worker", "password": NEW_WORKER["password"]})
    assert response.status_code == 200
