"""Signing links: single use by design, only the hash stored, older links die, the page shows the letter."""
import hashlib

import pytest
from sqlalchemy import select

from app.authorizations.models import SigningLink
from tests.api.applications.conftest import submit, upload
from tests.factories import CHILD_ID, DUANJIA, GAOJIA, application_payload, member, age


@pytest.fixture
def authorizations(client, applicant_headers):
    payload = application_payload(members=[member(), member("李四", "610302198503150027", "spouse", "13800000002"),
                                           member("张小", CHILD_ID, "child", None, guardian_member_index=0)])
    draft = client.post("/api/v1/applications", json=payload, headers=applicant_headers).json
    for kind in ("id_card", "hukou_book"):
        upload(client, applicant_headers, draft["id"], kind)
    assert submit(client, applicant_headers, draft["id"]).status_code == 200
    return client.get(f"/api/v1/applications/{draft['id']}/authorizations", headers=applicant_headers).json


def invite(client, headers, authorization_id, **body):
    return client.post(f"/api/v1/authorizations/{authorization_id}/invite", json=body, headers=headers)


def token_of(url: str) -> str:
    return url.rsplit("/sign/", 1)[1]


def test_the_applicant_gets_a_link_and_the_page_shows_the_letter(client, applicant_headers, authorizations):
    spouse = authorizations[1]
    response = invite(client, applicant_headers, spouse["id"])
    assert response.status_code == 201
    url = response.json["sign_url"]
    assert "/sign/" in url and len(token_of(url)) >= 32   # ≥ 128 bits
    page = client.get(f"/api/v1/sign/{token_of(url)}")
    assert page.status_code == 200
    letter = client.get("/api/v1/letter").json
    assert page.json["sha256"] == letter["sha256"] == hashlib.sha256(letter["text"].encode()).hexdigest()
    for category in ("户籍", "不动产", "车辆", "存款", "证券", "社会保险", "住房公积金", "工商", "商业保险"):
        assert category in page.json["text"]
    assert page.json["member"] == page.json["signer"] == "李*"
    assert page.json["household"] == ["张*", "李*", "张*"]


def test_only_the_hash_of_the_token_is_stored(client, applicant_headers, authorizations, db):
    url = invite(client, applicant_headers, authorizations[0]["id"]).json["sign_url"]
    stored = db.scalar(select(SigningLink).order_by(SigningLink.id.desc()).limit(1))
    assert stored.token_hash == hashlib.sha256(token_of(url).encode()).hexdigest()
    assert token_of(url) not in {stored.nonce, stored.token_hash}


def test_reissuing_kills_the_older_link(client, applicant_headers, authorizations):
    first = token_of(invite(client, applicant_headers, authorizations[0]["id"]).json["sign_url"])
    second = token_of(invite(client, applicant_headers, authorizations[0]["id"]).json["sign_url"])
    assert client.get(f"/api/v1/sign/{first}").status_code == 404
    assert client.get(f"/api/v1/sign/{second}").status_code == 200


def test_expired_and_unknown_links_answer_alike(client, applicant_headers, authorizations):
    token = token_of(invite(client, applicant_headers, authorizations[0]["id"]).json["sign_url"])
    age(SigningLink, 72 * 3600 + 1, "created_at", "expires_at")
    expired, unknown = client.get(f"/api/v1/sign/{token}"), client.get(f"/api/v1/sign/{'a' * 64}")
    assert expired.status_code == unknown.status_code == 404
    assert expired.json["message"] == unknown.json["message"]


def test_the_minor_is_signed_for_by_the_guardian(client, applicant_headers, authorizations):
    minor = authorizations[2]
    assert minor["by_guardian"] is True and minor["signer_index"] == 0
    page = client.get(f"/api/v1/sign/{token_of(invite(client, applicant_headers, minor['id']).json['sign_url'])}").json
    assert page["by_guardian"] is True and page["member"] == "张*" and page["signer"] == "张*"


def test_the_link_can_be_texted_to_the_signers_own_phone(client, applicant_headers, authorizations, sms):
    invite(client, applicant_headers, authorizations[1]["id"], send_sms=True)
    texts = [m["text"] for m in sms.sent if m["phone"] == "13800000002"]
    assert texts and "/sign/" in texts[-1]


def test_staff_can_invite_but_never_see_the_link(client, authorizations, staff, auth, sms):
    worker = staff("village_worker", "610324106201")
    response = invite(client, auth(worker), authorizations[1]["id"], send_sms=True)
    assert response.status_code == 201 and response.json["sign_url"] is None
    assert any(m["phone"] == "13800000002" for m in sms.sent)


def test_staff_of_another_region_cannot_invite(client, authorizations, staff, auth):
    assert invite(client, auth(staff("village_worker", GAOJIA)), authorizations[1]["id"]).status_code == 404
    assert invite(client, auth(staff("township_worker", DUANJIA)), authorizations[1]["id"]).status_code == 201


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_the_qr_code_renders_the_current_link(client, applicant_headers, authorizations, fmt, magic):
    url = f"/api/v1/authorizations/{authorizations[0]['id']}/qrcode?format={fmt}"
    assert client.get(url, headers=applicant_headers).status_code == 404   # no link yet
    invite(client, applicant_headers, authorizations[0]["id"])
    image = client.get(url, headers=applicant_headers)
    assert image.status_code == 200 and image.data.startswith(magic)


def test_a_signed_authorization_is_not_invited_again(client, applicant_headers, authorizations, db):
    from app.authorizations.models import Authorization

    db.get(Authorization, authorizations[0]["id"]).status = "signed"
    db.commit()
    assert invite(client, applicant_headers, authorizations[0]["id"]).status_code == 409


def test_the_code_goes_to_the_signers_phone_on_file(client, applicant_headers, authorizations, sms):
    spouse_token = token_of(invite(client, applicant_headers, authorizations[1]["id"]).json["sign_url"])
    assert client.post(f"/api/v1/sign/{spouse_token}/otp").status_code == 202
    assert sms.last_code("13800000002")
    minor_token = token_of(invite(client, applicant_headers, authorizations[2]["id"]).json["sign_url"])
    assert client.post(f"/api/v1/sign/{minor_token}/otp").status_code == 202
    # The minor has no phone: the guardian (the applicant) gets the code.
    assert sms.last_code("13800000001")


def test_a_dead_link_sends_no_code(client, sms):
    assert client.post(f"/api/v1/sign/{'b' * 64}/otp").status_code == 404
    assert sms.sent == []
