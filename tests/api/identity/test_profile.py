"""Profile and real-name binding."""
import pytest

from app.identity.models import Account
from tests.factories import DUANJIA, ID_NUMBERS


def test_me_masks_phone_and_id_number(client, applicant, auth):
    person = applicant("13812345678", id_number=ID_NUMBERS[1])
    me = client.get("/api/v1/me", headers=auth(person))
    assert me.status_code == 200
    assert me.json["phone"] == "138****5678"
    assert me.json["id_number"] == "610324********1230"
    assert me.headers["Cache-Control"] == "no-store"


def test_binding_stores_the_identity_encrypted_and_indexed(client, applicant, auth, db):
    person = applicant("13812345679")
    response = client.post("/api/v1/me/identity", headers=auth(person),
                           json={"name": "张三", "id_number": ID_NUMBERS[2]})
    assert response.status_code == 200, response.json
    assert response.json["identity_verified"] is True
    assert response.json["name"] == "张*"
    assert response.json["id_number"] == "610302********0027"
    raw = db.execute(__import__("sqlalchemy").text("SELECT id_number FROM accounts WHERE id = :id"),
                     {"id": person.id}).scalar()
    assert ID_NUMBERS[2] not in raw
    assert db.get(Account, person.id).id_number == ID_NUMBERS[2]


@pytest.mark.parametrize("id_number,fragment", [
    ("610324199001011234", "校验位"),
    ("610324199013011230", "出生日期"),
    ("61032419900101123", "18位"),
])
def test_invalid_id_numbers_are_refused_on_the_field(client, applicant, auth, id_number, fragment):
    response = client.post("/api/v1/me/identity", headers=auth(applicant("13812345670")),
                           json={"name": "张三", "id_number": id_number})
    assert response.status_code == 422
    assert fragment in response.json["errors"]["id_number"][0]


def test_lowercase_x_is_accepted(client, applicant, auth):
    response = client.post("/api/v1/me/identity", headers=auth(applicant("13812345671")),
                           json={"name": "李四", "id_number": ID_NUMBERS[0].lower()})
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [{"role": "admin"}, {"region_code": "610324000000"}, {"identity_verified": True}])
def test_mass_assignment_is_refused_and_nothing_changes(client, applicant, auth, db, extra):
    person = applicant("13812345672")
    response = client.post("/api/v1/me/identity", headers=auth(person),
                           json={"name": "王五", "id_number": ID_NUMBERS[1], **extra})
    assert response.status_code == 422
    assert list(extra)[0] in response.json["errors"]
    db.expire_all()
    account = db.get(Account, person.id)
    assert account.role == "applicant" and account.id_number is None


def test_staff_cannot_bind_an_identity(client, staff, auth):
    response = client.post("/api/v1/me/identity", headers=auth(staff("township_worker", DUANJIA)),
                           json={"name": "王五", "id_number": ID_NUMBERS[1]})
    assert response.status_code == 403
