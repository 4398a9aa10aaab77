"""A household of three — the applicant, a spouse in another city, a minor — and the steps of signing."""
import base64
import io

import pytest
from PIL import Image, ImageDraw

from app.identity.models import OtpCode
from tests.api.applications.conftest import submit, upload
from tests.factories import CHILD_ID, DUANJIA, ID_NUMBERS, age, application_payload, member

APPLICANT = {"name": "张三", "id_number": ID_NUMBERS[1], "phone": "13800000001"}
SPOUSE = {"name": "李四", "id_number": "610302198503150027", "phone": "13800000002"}


def signature_png(width=600, height=240, strokes=((30, 180), (160, 40), (320, 200), (560, 50))) -> bytes:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if strokes:
        ImageDraw.Draw(image).line(list(strokes), fill=(20, 20, 20, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stroke_data(points=40) -> list:
    return [{"penColor": "black", "points": [{"x": 10 + i * 5, "y": 50 + (i % 7), "time": 1700000000000 + i * 16,
                                             "pressure": 0.5} for i in range(points)]}]


def sign_body(person: dict, code: str, **changes) -> dict:
    body = {"name": person["name"], "id_number": person["id_number"], "otp_code": code, "agree": True,
            "signature": {"png_base64": base64.b64encode(signature_png()).decode(), "strokes": stroke_data()}}
    body.update(changes)
    return body


def token_of(url: str) -> str:
    return url.rsplit("/sign/", 1)[1]


@pytest.fixture
def household(client, applicant_headers):
    """The application submitted; its three authorizations in member order (self, spouse, child)."""
    payload = application_payload(members=[
        member(), member(SPOUSE["name"], SPOUSE["id_number"], "spouse", SPOUSE["phone"]),
        member("张小", CHILD_ID, "child", None, guardian_member_index=0)])
    draft = client.post("/api/v1/applications", json=payload, headers=applicant_headers).json
    for kind in ("id_card", "hukou_book"):
        upload(client, applicant_headers, draft["id"], kind)
    assert submit(client, applicant_headers, draft["id"]).status_code == 200
    rows = client.get(f"/api/v1/applications/{draft['id']}/authorizations", headers=applicant_headers).json
    return {"application_id": draft["id"], "authorizations": rows}


class Signing:
    """Drives the signing page as a phone would: invite, ask for a code, read it from the SMS, sign."""

    def __init__(self, client, sms, headers):
        self.client, self.sms, self.headers = client, sms, headers

    def link(self, authorization_id) -> str:
        response = self.client.post(f"/api/v1/authorizations/{authorization_id}/invite", json={}, headers=self.headers)
        assert response.status_code == 201, response.json
        return token_of(response.json["sign_url"])

    def code(self, token, phone) -> str:
        age(OtpCode, 86401, "created_at")  # the per-phone send limit (1 a minute) is not what these tests are about
        sent = self.client.post(f"/api/v1/sign/{token}/otp")
        assert sent.status_code == 202 and sent.json["phone"] == f"{phone[:3]}****{phone[-4:]}", sent.json
        return self.sms.last_code(phone)

    def sign(self, token, person, **changes):
        return self.client.post(f"/api/v1/sign/{token}", json=sign_body(person, self.code(token, person["phone"]),
                                                                         **changes))

    def sign_authorization(self, authorization_id, person):
        response = self.sign(self.link(authorization_id), person)
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def signing(client, sms, applicant_headers):
    return Signing(client, sms, applicant_headers)


@pytest.fixture
def worker(staff, auth):
    return auth(staff("township_worker", DUANJIA))


@pytest.fixture
def all_confirmed(client, household, signing, worker):
    """All three signed (the guardian for the child) and confirmed; the receipts in member order."""
    people = (APPLICANT, SPOUSE, APPLICANT)
    receipts = [signing.sign_authorization(row["id"], person)
                for row, person in zip(household["authorizations"], people)]
    for row in household["authorizations"]:
        response = client.post(f"/api/v1/staff/authorizations/{row['id']}/confirm", headers=worker)
        assert response.status_code == 200 and response.json["status"] == "confirmed"
    return receipts
