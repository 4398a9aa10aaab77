"""After signing: a caseworker confirms or rejects, the signer revokes, consents expire, and a changed
household or a new letter asks for consent again — every step visible at the public verify page."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.applications.models import Application
from app.applications.services import today_in_china
from app.authorizations.models import Authorization, LetterVersion, Signature
from app.authorizations.services import expire_authorizations, require_letter_version
from app.common.actor import Actor
from app.common.errors import NotFound
from app.identity.models import OtpCode
from tests.api.applications.conftest import submit
from tests.api.authorizations.conftest import APPLICANT, SPOUSE, sign_body, token_of
from tests.factories import (CHILD_ID, DATONG, DUANJIA, GAOJIA, GAOJIA_TOWN, ID_NUMBERS, QINGLONG, age,
                             application_payload, member)

SYSTEM = Actor(role="system")


# Helpers -------------------------------------------------------------------------------------

def public_status(client, verify_code: str) -> str:
    response = client.get(f"/api/v1/verify/{verify_code}")
    assert response.status_code == 200, response.json
    return response.json["status"]


def statuses(client, headers, application_id) -> list[str]:
    response = client.get(f"/api/v1/applications/{application_id}/authorizations", headers=headers)
    assert response.status_code == 200, response.json
    return [row["status"] for row in response.json]


def application_status(db, application_id) -> str:
    db.expire_all()
    return db.get(Application, application_id).status


def signatures_of(db, authorization_id) -> list[Signature]:
    db.expire_all()
    return list(db.scalars(select(Signature).where(Signature.authorization_id == authorization_id)
                           .order_by(Signature.id)))


def pdf(client, headers, authorization_id) -> bytes:
    response = client.get(f"/api/v1/authorizations/{authorization_id}/document.pdf", headers=headers)
    assert response.status_code == 200
    return response.data


def send_code(client, sms, phone, purpose) -> str:
    age(OtpCode, 86401, "created_at")  # the per-phone send limit is not what these tests are about
    response = client.post("/api/v1/auth/otp", json={"phone": phone, "purpose": purpose})
    assert response.status_code == 202, response.json
    return sms.last_code(phone)


def login(client, sms, phone) -> dict:
    code = send_code(client, sms, phone, "login")
    response = client.post("/api/v1/auth/otp/verify", json={"phone": phone, "code": code})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# Review by a caseworker ----------------------------------------------------------------------

def test_a_rejected_signature_is_signed_again_through_a_new_link(client, db, sms, household, signing, worker,
                                                                 applicant_headers):
    spouse = household["authorizations"][1]
    first = signing.sign_authorization(spouse["id"], SPOUSE)
    sms.sent.clear()
    reason = "签名笔迹与本人姓名不符"
    response = client.post(f"/api/v1/staff/authorizations/{spouse['id']}/reject", json={"reason": reason},
                           headers=worker)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "rejected"

    messages = client.get("/api/v1/me/messages", headers=applicant_headers).json
    assert any(reason in message["body"] for message in messages)
    invites = [m for m in sms.sent if m["template"] == "sign_invite"]
    assert [m["phone"] for m in invites] == [SPOUSE["phone"]]
    assert "/sign/" in invites[0]["params"]["url"]
    assert public_status(client, first["verify_code"]) == "rejected"
    review = client.get(f"/api/v1/staff/authorizations/{spouse['id']}", headers=worker).json
    assert review["signature_status"] == "rejected" and review["reject_reason"] == reason

    again = signing.sign(token_of(invites[0]["params"]["url"]), SPOUSE)
    assert again.status_code == 201, again.json
    assert again.json["status"] == "signed" and again.json["verify_code"] != first["verify_code"]
    assert public_status(client, again.json["verify_code"]) == "signed"
    assert public_status(client, first["verify_code"]) == "rejected"
    assert [s.status for s in signatures_of(db, spouse["id"])] == ["rejected", "signed"]
    assert statuses(client, applicant_headers, household["application_id"])[1] == "signed"


def test_a_rejection_reason_with_braces_reaches_the_applicant_as_written(client, household, signing, worker,
                                                                         applicant_headers):
    # make fuzz found a brace in the reason answered with 500: it was used as a format string.
    spouse = household["authorizations"][1]
    signing.sign_authorization(spouse["id"], SPOUSE)
    reason = "笔迹不清 {0} {who.__class__} }"
    response = client.post(f"/api/v1/staff/authorizations/{spouse['id']}/reject", json={"reason": reason},
                           headers=worker)
    assert response.status_code == 200, response.json
    messages = client.get("/api/v1/me/messages", headers=applicant_headers).json
    assert any(f"（{reason}）" in message["body"] for message in messages)
    events = client.get(f"/api/v1/applications/{household['application_id']}/timeline", headers=applicant_headers)
    assert any(event["text"].endswith(f"：{reason}") for event in events.json["events"]), events.json


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "否"}], ids=["missing", "empty", "too short"])
def test_a_rejection_needs_a_reason(client, db, household, signing, worker, body):
    spouse = household["authorizations"][1]
    receipt = signing.sign_authorization(spouse["id"], SPOUSE)
    response = client.post(f"/api/v1/staff/authorizations/{spouse['id']}/reject", json=body, headers=worker)
    assert response.status_code == 422 and response.json["error"] == "VALIDATION_ERROR"
    assert "reason" in response.json["errors"]
    assert [s.status for s in signatures_of(db, spouse["id"])] == ["signed"]
    assert public_status(client, receipt["verify_code"]) == "signed"


@pytest.mark.parametrize("role,region", [("village_worker", DATONG), ("village_worker", GAOJIA),
                                         ("township_worker", GAOJIA_TOWN)],
                         ids=["another village", "another district's village", "another district's township"])
def test_staff_outside_the_region_cannot_confirm_or_reject(client, db, household, signing, staff, auth, role, region):
    spouse = household["authorizations"][1]
    signing.sign_authorization(spouse["id"], SPOUSE)
    outsider = auth(staff(role, region))
    for path, body in (("confirm", None), ("reject", {"reason": "看不清签名"})):
        response = client.post(f"/api/v1/staff/authorizations/{spouse['id']}/{path}", json=body, headers=outsider)
        assert response.status_code == 404, response.json
    assert client.get(f"/api/v1/staff/authorizations/{spouse['id']}", headers=outsider).status_code == 404
    assert [s.status for s in signatures_of(db, spouse["id"])] == ["signed"]


def test_confirming_is_once_and_never_touches_the_pdf(client, db, household, signing, staff, auth, worker,
                                                      applicant_headers):
    spouse = household["authorizations"][1]
    receipt = signing.sign_authorization(spouse["id"], SPOUSE)
    before = pdf(client, applicant_headers, spouse["id"])
    village = auth(staff("village_worker", QINGLONG))
    response = client.post(f"/api/v1/staff/authorizations/{spouse['id']}/confirm", headers=village)
    assert response.status_code == 200 and response.json["status"] == "confirmed"
    twice = client.post(f"/api/v1/staff/authorizations/{spouse['id']}/confirm", headers=worker)
    assert twice.status_code == 409 and twice.json["error"] == "AUTHORIZATION_STATE"
    assert pdf(client, applicant_headers, spouse["id"]) == before
    assert public_status(client, receipt["verify_code"]) == "confirmed"
    (signature,) = signatures_of(db, spouse["id"])
    assert signature.status == "confirmed" and signature.reviewed_at is not None


# The signer's revocation ---------------------------------------------------------------------

def test_the_signer_revokes_with_a_fresh_code_to_her_own_phone(client, db, sms, household, signing, applicant,
                                                               auth, applicant_headers):
    spouse = household["authorizations"][1]
    url = f"/api/v1/authorizations/{spouse['id']}/revoke"
    her = login(client, sms, SPOUSE["phone"])
    code = send_code(client, sms, SPOUSE["phone"], "revoke")
    pending = client.post(url, json={"otp_code": code}, headers=her)
    assert pending.status_code == 409 and pending.json["error"] == "AUTHORIZATION_STATE"

    receipt = signing.sign_authorization(spouse["id"], SPOUSE)
    stranger = auth(applicant("13900000009"))
    for headers in (stranger, applicant_headers):   # another applicant; the applicant, who is not the signer
        response = client.post(url, json={"otp_code": code}, headers=headers)
        assert response.status_code == 404, response.json
    wrong = client.post(url, json={"otp_code": other_code(code)}, headers=her)
    assert wrong.status_code == 422 and wrong.json["error"] == "OTP_INVALID" and "otp_code" in wrong.json["errors"]
    assert public_status(client, receipt["verify_code"]) == "signed"

    response = client.post(url, json={"otp_code": code}, headers=her)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "revoked"
    assert public_status(client, receipt["verify_code"]) == "revoked"
    assert statuses(client, applicant_headers, household["application_id"])[1] == "revoked"
    (signature,) = signatures_of(db, spouse["id"])
    assert signature.status == "revoked" and signature.ended_at is not None
    again = client.post(url, json={"otp_code": send_code(client, sms, SPOUSE["phone"], "revoke")}, headers=her)
    assert again.status_code == 409


# Time ----------------------------------------------------------------------------------------

def test_a_consent_past_its_validity_expires(client, db, household, signing, applicant_headers):
    spouse, own = household["authorizations"][1], household["authorizations"][0]
    receipt = signing.sign_authorization(spouse["id"], SPOUSE)
    kept = signing.sign_authorization(own["id"], APPLICANT)
    (signature,) = signatures_of(db, spouse["id"])
    assert signature.expires_at - signature.signed_at >= timedelta(days=365)
    age(Signature, 400 * 86400, "expires_at", authorization_id=spouse["id"])

    assert expire_authorizations(actor=SYSTEM) == 1
    db.commit()
    assert statuses(client, applicant_headers, household["application_id"])[:2] == ["signed", "expired"]
    assert public_status(client, receipt["verify_code"]) == "expired"
    assert public_status(client, kept["verify_code"]) == "signed"
    assert expire_authorizations(actor=SYSTEM) == 0


# Consent again after a change ----------------------------------------------------------------

def return_case(db, application_id, returned_from="village_review"):
    row = db.get(Application, application_id)
    row.status, row.returned_from = "returned", returned_from
    db.commit()


def test_a_changed_household_asks_every_member_to_consent_again(client, db, household, all_confirmed, worker,
                                                                applicant_headers):
    application_id = household["application_id"]
    assert application_status(db, application_id) == "checking"
    return_case(db, application_id)
    url = f"/api/v1/applications/{application_id}"
    etag = client.get(url, headers=applicant_headers).headers["ETag"]
    members = application_payload(members=[
        member(), member(SPOUSE["name"], SPOUSE["id_number"], "spouse", SPOUSE["phone"]),
        member("张小", CHILD_ID, "child", None, guardian_member_index=0),
        member("王秀", ID_NUMBERS[0], "parent", "13800000003")])["household"]
    patched = client.patch(url, json={"household": members}, headers=applicant_headers | {"If-Match": etag})
    assert patched.status_code == 200, patched.json

    again = submit(client, applicant_headers, application_id)
    assert again.status_code == 200, again.json
    assert again.json["status"] == "authorizing"
    assert statuses(client, applicant_headers, application_id) == ["pending"] * 4
    for row, receipt in zip(household["authorizations"], all_confirmed):
        (signature,) = signatures_of(db, row["id"])       # kept on record, ended
        assert signature.status == "superseded" and signature.ended_at is not None
        assert public_status(client, receipt["verify_code"]) == "superseded"


def test_a_resubmission_without_household_change_keeps_the_consents(client, db, household, all_confirmed,
                                                                     applicant_headers):
    application_id = household["application_id"]
    return_case(db, application_id)
    again = submit(client, applicant_headers, application_id)
    assert again.status_code == 200, again.json
    assert again.json["status"] == "village_review"
    assert statuses(client, applicant_headers, application_id) == ["confirmed"] * 3
    for row, receipt in zip(household["authorizations"], all_confirmed):
        assert [s.status for s in signatures_of(db, row["id"])] == ["confirmed"]
        assert public_status(client, receipt["verify_code"]) == "confirmed"


def test_a_new_letter_version_asks_for_consent_again(client, db, household, signing, worker, applicant_headers):
    own, spouse, minor = household["authorizations"]
    confirmed = signing.sign_authorization(own["id"], APPLICANT)
    assert client.post(f"/api/v1/staff/authorizations/{own['id']}/confirm", headers=worker).status_code == 200
    signed = signing.sign_authorization(spouse["id"], SPOUSE)
    old_link = signing.link(minor["id"])            # issued with the 2026-01 text, not used yet
    # A text that opens with the title but has no line break after it (the PDF once failed on it).
    text = "家庭经济状况核对授权书（2027年修订）：本人同意民政部门查询本人户籍、不动产、车辆、存款等信息。"
    db.add(LetterVersion(version="2027-01", title="家庭经济状况核对授权书", text=text,
                         sha256=hashlib.sha256(text.encode()).hexdigest(), effective_from=today_in_china()))
    db.commit()

    assert require_letter_version("2027-01", actor=SYSTEM) == 2
    db.commit()
    assert statuses(client, applicant_headers, household["application_id"]) == ["pending"] * 3
    db.expire_all()
    assert db.get(Authorization, own["id"]).letter_version == "2027-01"
    for row, receipt in ((own, confirmed), (spouse, signed)):
        (signature,) = signatures_of(db, row["id"])
        assert signature.status == "superseded" and signature.letter_version != "2027-01"
        assert public_status(client, receipt["verify_code"]) == "superseded"
    assert signatures_of(db, minor["id"]) == []

    # A link shows the letter it was issued with: one of the old letter no longer signs.
    assert client.post(f"/api/v1/sign/{old_link}/otp").status_code == 404
    stale = client.post(f"/api/v1/sign/{old_link}", json=sign_body(APPLICANT, "123456"))
    assert stale.status_code == 404 and stale.json["error"] == "LINK_INVALID"
    assert signatures_of(db, minor["id"]) == []
    # Signed again, under the new letter.
    for row, person in ((spouse, SPOUSE), (minor, APPLICANT)):
        assert client.get(f"/api/v1/sign/{signing.link(row['id'])}").json["version"] == "2027-01"
        signing.sign_authorization(row["id"], person)
        assert signatures_of(db, row["id"])[-1].letter_version == "2027-01"
    with pytest.raises(NotFound):
        require_letter_version("2099-01", actor=SYSTEM)


# A closed case needs no consent -------------------------------------------------------------

def test_a_withdrawn_case_takes_no_more_signatures(client, db, household, signing, applicant_headers):
    spouse = household["authorizations"][1]
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    withdrawn = client.post(f"/api/v1/applications/{household['application_id']}/withdraw",
                            headers=applicant_headers)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    for response in (client.get(f"/api/v1/sign/{token}"), client.post(f"/api/v1/sign/{token}/otp"),
                     client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code))):
        assert response.status_code == 404 and response.json["error"] == "LINK_INVALID"
    invite = client.post(f"/api/v1/authorizations/{spouse['id']}/invite", json={}, headers=applicant_headers)
    assert invite.status_code == 409 and invite.json["error"] == "NOT_INVITABLE"
    assert signatures_of(db, spouse["id"]) == []
    assert db.get(Authorization, spouse["id"]).status == "pending"


# The application waits for everyone ----------------------------------------------------------

def test_the_case_moves_on_only_when_all_three_have_signed(client, db, household, signing):
    own, spouse, minor = household["authorizations"]
    application_id = household["application_id"]
    assert application_status(db, application_id) == "authorizing"
    signing.sign_authorization(own["id"], APPLICANT)
    assert application_status(db, application_id) == "authorizing"
    signing.sign_authorization(spouse["id"], SPOUSE)
    assert application_status(db, application_id) == "authorizing"
    signing.sign_authorization(minor["id"], APPLICANT)
    assert application_status(db, application_id) == "checking"
