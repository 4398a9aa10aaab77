"""The rules of the signing page, one refusal at a time: each answer names its field and saves nothing."""
import base64
import hashlib
import io
import json
import secrets

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.authorizations.models import Authorization, Signature, SigningLink
from app.documents.models import SealedDocument
from tests.api.authorizations.conftest import APPLICANT, SPOUSE, sign_body, signature_png, stroke_data
from tests.factories import DUANJIA, ID_NUMBERS, age

LINK_GONE = "链接无效或已过期，请联系申请人重新获取"
MB = 1024 * 1024


# What the database holds about one authorization -------------------------------------------

def link_row(db, token: str) -> SigningLink | None:
    return db.scalar(select(SigningLink).where(SigningLink.token_hash == hashlib.sha256(token.encode()).hexdigest()))


def signatures_of(db, authorization_id: int) -> list[Signature]:
    return list(db.scalars(select(Signature).where(Signature.authorization_id == authorization_id)))


def sealed_count(db) -> int:
    return db.scalar(select(func.count()).select_from(SealedDocument))


def assert_nothing_saved(db, authorization_id: int, token: str, *, sealed_before: int = 0) -> None:
    db.expire_all()
    assert db.get(Authorization, authorization_id).status == "pending"
    assert signatures_of(db, authorization_id) == []
    assert sealed_count(db) == sealed_before
    link = link_row(db, token)
    assert link is None or link.used_at is None


def assert_refused(response, status: int, error: str, *fields: str) -> None:
    assert response.status_code == status, response.json
    assert response.json["error"] == error, response.json
    for field in fields:
        assert field in response.json["errors"], response.json


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def png(width: int, height: int, draw=None) -> bytes:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if draw:
        draw(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    image = Image.new("RGB", (600, 240), (255, 255, 255))
    ImageDraw.Draw(image).line([(30, 180), (160, 40), (320, 200)], fill=(0, 0, 0), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def spouse(household):
    return household["authorizations"][1]


# Links that do not (or no longer) work -------------------------------------------------------

@pytest.mark.parametrize("case", ["unknown", "used", "expired"])
def test_a_dead_link_is_404_with_one_message_whatever_the_reason(client, db, signing, spouse, case):
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    signatures_expected = 0
    if case == "unknown":
        token = secrets.token_urlsafe(32)
    elif case == "used":
        assert client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code)).status_code == 201
        signatures_expected = 1
        code = other_code(code)     # another body on the used link
    else:
        age(SigningLink, 72 * 3600 + 1, "created_at", "expires_at", authorization_id=spouse["id"])
    sealed_before = sealed_count(db)

    response = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code))
    assert_refused(response, 404, "LINK_INVALID")
    assert response.json["message"] == LINK_GONE and response.json["errors"] == {}
    for answer in (client.get(f"/api/v1/sign/{token}"), client.post(f"/api/v1/sign/{token}/otp")):
        assert answer.status_code == 404 and answer.json["message"] == LINK_GONE

    db.expire_all()
    assert sealed_count(db) == sealed_before
    assert len(signatures_of(db, spouse["id"])) == signatures_expected
    if case == "expired":
        assert_nothing_saved(db, spouse["id"], token)
    if case == "used":
        assert db.get(Authorization, spouse["id"]).status == "signed"


# Identity and the code ---------------------------------------------------------------------

@pytest.mark.parametrize("changes,error,fields", [
    ({"name": "李五"}, "IDENTITY_MISMATCH", ("name", "id_number")),
    ({"id_number": ID_NUMBERS[1]}, "IDENTITY_MISMATCH", ("name", "id_number")),
    ({"otp_code": "wrong"}, "OTP_INVALID", ("otp_code",)),
], ids=["wrong name", "wrong id number", "wrong code"])
def test_wrong_identity_or_code_is_422_and_saves_nothing(client, db, signing, spouse, changes, error, fields):
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    if changes.get("otp_code") == "wrong":
        changes = {"otp_code": other_code(code)}
    response = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code, **changes))
    assert_refused(response, 422, error, *fields)
    assert_nothing_saved(db, spouse["id"], token)
    # One wrong try does not burn the code: the right data still signs.
    assert client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code)).status_code == 201


def test_five_wrong_tries_of_any_kind_lock_the_code(client, db, signing, spouse):
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    tries = [({"name": "李五"}, "IDENTITY_MISMATCH"), ({"otp_code": other_code(code)}, "OTP_INVALID"),
             ({"id_number": ID_NUMBERS[0]}, "IDENTITY_MISMATCH"),
             ({"otp_code": other_code(other_code(code))}, "OTP_INVALID"), ({"name": "王四"}, "IDENTITY_MISMATCH")]
    for changes, error in tries:
        assert_refused(client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code, **changes)), 422, error)
    locked = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code))
    assert locked.status_code == 429, locked.json
    assert locked.json["error"] == "OTP_LOCKED" and int(locked.headers["Retry-After"]) > 0
    assert_nothing_saved(db, spouse["id"], token)


def test_without_the_code_nothing_is_learnt_about_the_name_or_id_number(client, signing, spouse):
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    for changes in ({}, {"name": "李五"}, {"id_number": ID_NUMBERS[0]}):
        response = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, other_code(code), **changes))
        assert_refused(response, 422, "OTP_INVALID", "otp_code")


def test_a_new_code_does_not_lift_the_lock(client, db, signing, spouse):
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    for _ in range(5):
        client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, other_code(code)))
    fresh = signing.code(token, SPOUSE["phone"])      # a minute later, another code
    locked = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, fresh))
    assert locked.status_code == 429 and locked.json["error"] == "OTP_LOCKED"
    assert_nothing_saved(db, spouse["id"], token)


# The signature image and strokes -------------------------------------------------------------

def dot(draw):
    draw.ellipse((100, 100, 103, 103), fill=(0, 0, 0, 255))


def long_line(draw):
    draw.line([(0, 5), (4999, 5)], fill=(0, 0, 0, 255), width=4)


IMAGE_CASES = {
    "over 1 MB": (lambda: {"png_base64": b64(signature_png() + bytes(MB))}, 413, "signature.png_base64"),
    "5000 px wide": (lambda: {"png_base64": b64(png(5000, 10, long_line))}, 413, "signature.png_base64"),
    "jpeg": (lambda: {"png_base64": b64(jpeg())}, 415, "signature.png_base64"),
    "blank": (lambda: {"png_base64": b64(signature_png(strokes=None))}, 422, "signature.png_base64"),
    "a dot": (lambda: {"png_base64": b64(png(600, 240, dot))}, 422, "signature.png_base64"),
    "not base64": (lambda: {"png_base64": "这不是Base64!!"}, 422, "signature.png_base64"),
    "strokes over 200 KB": (lambda: {"png_base64": b64(signature_png()), "strokes": stroke_data(points=4000)},
                            413, "signature.strokes"),
}


@pytest.mark.parametrize("case", list(IMAGE_CASES))
def test_a_refused_signature_image_spends_no_code(client, db, signing, spouse, case):
    make, status, field = IMAGE_CASES[case]
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    response = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code, signature=make()))
    assert_refused(response, status, "VALIDATION_ERROR", field)
    assert_nothing_saved(db, spouse["id"], token)
    again = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code))
    assert again.status_code == 201, again.json


def test_not_agreeing_is_422_and_spends_no_code(client, db, signing, spouse):
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    assert_refused(client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code, agree=False)),
                   422, "VALIDATION_ERROR", "agree")
    assert_nothing_saved(db, spouse["id"], token)
    assert client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code)).status_code == 201


# Retries, and a seal that cannot be applied ----------------------------------------------------

def test_the_same_request_replayed_gets_the_first_answer_and_one_signature(client, db, signing, spouse):
    token = signing.link(spouse["id"])
    body = sign_body(SPOUSE, signing.code(token, SPOUSE["phone"]))
    first = client.post(f"/api/v1/sign/{token}", json=body)
    assert first.status_code == 201
    for _ in range(5):
        again = client.post(f"/api/v1/sign/{token}", json=body)
        assert again.status_code == 201 and again.json == first.json
    db.expire_all()
    assert len(signatures_of(db, spouse["id"])) == 1
    assert sealed_count(db) == 1


def test_with_the_timestamp_authority_down_nothing_is_signed(client, db, signing, household, spouse, fake_tsa):
    token = signing.link(spouse["id"])
    code = signing.code(token, SPOUSE["phone"])
    fake_tsa.app.config["TSA_DOWN"] = True
    try:
        response = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code))
        assert response.status_code == 503, response.json
        assert response.json["error"] == "SEAL_UNAVAILABLE"
        assert_nothing_saved(db, spouse["id"], token)
        rows = client.get(f"/api/v1/applications/{household['application_id']}/authorizations",
                          headers=signing.headers).json
        assert rows[1]["status"] == "pending"
    finally:
        fake_tsa.app.config["TSA_DOWN"] = False
    again = client.post(f"/api/v1/sign/{token}", json=sign_body(SPOUSE, code))
    assert again.status_code == 201, again.json
    assert again.json["status"] == "signed"


# Who is texted, and what is recorded ---------------------------------------------------------

def test_the_minor_is_never_texted_the_guardian_signs(client, db, sms, household, signing):
    minor = household["authorizations"][2]
    sms.sent.clear()
    response = client.post(f"/api/v1/authorizations/{minor['id']}/invite", json={"send_sms": True},
                           headers=signing.headers)
    assert response.status_code == 201
    token = response.json["sign_url"].rsplit("/sign/", 1)[1]
    receipt = signing.sign(token, APPLICANT)
    assert receipt.status_code == 201, receipt.json
    assert [m["template"] for m in sms.sent] == ["sign_invite", "otp"]
    assert {m["phone"] for m in sms.sent} == {APPLICANT["phone"]}

    db.expire_all()
    (signature,) = signatures_of(db, minor["id"])
    assert signature.by_guardian and signature.signer_position == 0
    evidence = json.loads(signature.evidence)
    assert evidence["signer"]["by_guardian"] is True and evidence["member"] == "张*"
    rows = client.get(f"/api/v1/applications/{household['application_id']}/authorizations",
                      headers=signing.headers).json
    assert rows[2]["by_guardian"] and rows[2]["status"] == "signed"


def test_the_evidence_records_the_client_the_hashes_and_the_letter_masked(client, db, signing, spouse, staff,
                                                                          auth):
    user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MicroMessenger/8.0.47"
    token = signing.link(spouse["id"])
    body = sign_body(SPOUSE, signing.code(token, SPOUSE["phone"]))
    # Sent as a phone would, keys in the order signature_pad gives them (the test client would sort them).
    response = client.post(f"/api/v1/sign/{token}", data=json.dumps(body, ensure_ascii=False).encode(),
                           content_type="application/json", headers={"User-Agent": user_agent},
                           environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 201, response.json

    worker = auth(staff("township_worker", DUANJIA))
    review = client.get(f"/api/v1/staff/authorizations/{spouse['id']}", headers=worker)
    assert review.status_code == 200, review.json
    evidence = review.json["evidence"]
    assert evidence["client"] == {"ip": "203.0.113.7", "user_agent": user_agent}
    image = base64.b64decode(review.json["image_base64"])
    assert evidence["image_sha256"] == hashlib.sha256(image).hexdigest()
    strokes = json.dumps(stroke_data(), ensure_ascii=False, separators=(",", ":")).encode()
    assert evidence["strokes_sha256"] == hashlib.sha256(strokes).hexdigest()
    db.expire_all()
    (signature,) = signatures_of(db, spouse["id"])
    assert signature.strokes.encode() == strokes and signature.image_sha256 == evidence["image_sha256"]
    letter = client.get("/api/v1/letter").json
    assert evidence["letter"] == {"version": letter["version"], "sha256": letter["sha256"]}
    assert evidence["identity_checks"] == ["name_and_id_number_match_record", "sms_code_to_phone_on_file"]
    assert evidence["verify_code"] == response.json["verify_code"]
    assert evidence["signer"]["name"] == "李*" and evidence["household"] == ["张*", "李*", "张*"]
    assert evidence["signer"]["by_guardian"] is False

    text = review.get_data(as_text=True)
    as_sent = json.dumps(review.json, ensure_ascii=False)
    for secret in (SPOUSE["id_number"], SPOUSE["phone"], SPOUSE["name"], APPLICANT["id_number"],
                   APPLICANT["phone"], APPLICANT["name"], "张小"):
        assert secret not in text and secret not in as_sent, secret


def test_signing_and_sealing_are_audited(client, db, signing, spouse):
    signing.sign_authorization(spouse["id"], SPOUSE)
    db.expire_all()
    (signature,) = signatures_of(db, spouse["id"])
    actions = {(row.action, row.object_type, row.object_id, row.result) for row in db.scalars(select(AuditEvent))}
    assert ("authorization.sign", "authorization", str(spouse["id"]), "ok") in actions
    assert ("document.seal", "document", str(signature.document_id), "ok") in actions
