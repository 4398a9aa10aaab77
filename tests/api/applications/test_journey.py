"""An applicant, through the API alone: household, draft, evidence, commitment, submission, timeline."""
import pytest
from sqlalchemy import select

from app.applications.models import ApplicationEvent
from tests.api.applications.conftest import submit, upload
from tests.factories import CHILD_ID, GAOJIA, ID_NUMBERS, application_payload, member


def ready(client, headers, draft):
    for kind in ("id_card", "hukou_book"):
        assert upload(client, headers, draft["id"], kind).status_code == 201


def test_the_whole_journey(client, applicant_headers, draft, fake_wechat):
    assert draft["status"] == "draft"
    assert draft["members"][0]["id_number"] == "610324********1230"
    assert draft["declared"]["incomes"][0]["monthly_amount"] == "300.00"
    commitment = client.get("/api/v1/commitment").json
    assert len(commitment["sha256"]) == 64 and "承诺" in commitment["text"]
    ready(client, applicant_headers, draft)
    submitted = submit(client, applicant_headers, draft["id"])
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] == "authorizing"
    assert submitted.json["commitment_version"] == commitment["version"]
    authorizations = client.get(f"/api/v1/applications/{draft['id']}/authorizations", headers=applicant_headers).json
    assert [(a["member_index"], a["status"]) for a in authorizations] == [(0, "pending")]
    timeline = client.get(f"/api/v1/applications/{draft['id']}/timeline", headers=applicant_headers).json
    assert timeline["stage"] == "等待家庭成员授权（家庭成员授权 0/1 已完成）"
    assert timeline["deadline"] and timeline["working_days_left"] > 0
    assert [event["text"] for event in timeline["events"]][:2] == ["已创建申请草稿", "已提交申请，已确认告知承诺"]
    messages = client.get("/api/v1/me/messages", headers=applicant_headers).json
    assert any("已提交申请" in message["body"] for message in messages)


def test_a_minor_is_signed_for_by_the_guardian(client, applicant_headers):
    payload = application_payload(members=[member(), member("张小", CHILD_ID, "child", None, guardian_member_index=0)])
    draft = client.post("/api/v1/applications", json=payload, headers=applicant_headers).json
    ready(client, applicant_headers, draft)
    submit(client, applicant_headers, draft["id"])
    authorizations = client.get(f"/api/v1/applications/{draft['id']}/authorizations", headers=applicant_headers).json
    assert [(a["member_index"], a["signer_index"], a["by_guardian"]) for a in authorizations] == \
        [(0, 0, False), (1, 0, True)]


def test_incomplete_application_names_what_is_missing_and_saves_nothing(client, applicant_headers, draft, db):
    response = submit(client, applicant_headers, draft["id"])
    assert response.status_code == 422
    assert response.json["error"] == "APPLICATION_INCOMPLETE"
    assert any("户口簿" in reason for reason in response.json["errors"]["documents"])
    assert client.get(f"/api/v1/applications/{draft['id']}", headers=applicant_headers).json["status"] == "draft"


def test_one_open_application_per_household_and_type(client, applicant_headers, draft):
    again = client.post("/api/v1/applications", json=application_payload(), headers=applicant_headers)
    assert again.status_code == 409 and again.json["error"] == "DUPLICATE_OPEN_APPLICATION"


def test_temporary_assistance_for_one_cause_at_most_twice_a_year(client, applicant_headers, db):
    from sqlalchemy import text

    # 临时救助 may be sought where the person lives (高家村), not only at the hukou (青龙村).
    payload = application_payload(GAOJIA, members=[member(hukou_region_code="610324106201")],
                                  assistance_type="temporary", temporary_kind="emergency", temporary_cause="fire",
                                  requested_amount="400.00")
    for _ in range(2):
        draft = client.post("/api/v1/applications", json=payload, headers=applicant_headers).json
        upload(client, applicant_headers, draft["id"], "id_card")
        assert submit(client, applicant_headers, draft["id"]).status_code == 200
        # Granted by the township (decisions arrive with the review capability).
        db.execute(text("UPDATE applications SET status = 'approved' WHERE id = :id"), {"id": draft["id"]})
        db.commit()
    third = client.post("/api/v1/applications", json=payload, headers=applicant_headers)
    assert third.status_code == 409 and third.json["error"] == "TEMPORARY_REPEAT_LIMIT"
    other_cause = client.post("/api/v1/applications", json=payload | {"temporary_cause": "illness"},
                              headers=applicant_headers)
    assert other_cause.status_code == 201


def test_submitting_twice_is_an_illegal_transition(client, applicant_headers, draft):
    ready(client, applicant_headers, draft)
    submit(client, applicant_headers, draft["id"])
    again = submit(client, applicant_headers, draft["id"])
    assert again.status_code == 409 and again.json["error"] == "TRANSITION_NOT_ALLOWED"


def test_no_editing_after_submission(client, applicant_headers, draft):
    ready(client, applicant_headers, draft)
    submitted = submit(client, applicant_headers, draft["id"])
    response = client.patch(f"/api/v1/applications/{draft['id']}", json={"reason": "改一下理由"},
                            headers=applicant_headers | {"If-Match": submitted.headers["ETag"]})
    assert response.status_code == 409 and response.json["error"] == "NOT_EDITABLE"
    assert upload(client, applicant_headers, draft["id"]).status_code == 409


def test_the_snapshot_does_not_follow_later_household_edits(client, applicant_headers, draft):
    ready(client, applicant_headers, draft)
    submit(client, applicant_headers, draft["id"])
    other = application_payload(assistance_type="low_income",
                                members=[member(name="李四", id_number=ID_NUMBERS[2])])
    assert client.post("/api/v1/applications", json=other, headers=applicant_headers).status_code == 201
    frozen = client.get(f"/api/v1/applications/{draft['id']}", headers=applicant_headers).json
    assert frozen["members"][0]["name"] == "张*" and frozen["members"][0]["id_number"].endswith("1230")


def test_edit_while_draft_needs_if_match(client, applicant_headers, draft):
    url = f"/api/v1/applications/{draft['id']}"
    assert client.patch(url, json={"reason": "新的理由"}, headers=applicant_headers).status_code == 428
    etag = client.get(url, headers=applicant_headers).headers["ETag"]
    assert client.patch(url, json={"reason": "新的理由"}, headers=applicant_headers | {"If-Match": etag}).status_code == 200
    assert client.patch(url, json={"reason": "再改"}, headers=applicant_headers | {"If-Match": etag}).status_code == 412


@pytest.mark.parametrize("content,name,status", [
    (b"GIF89a" + b"\x00" * 50, "photo.jpg", 415),
    (b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF", "a.pdf", 422),
    (b"\x89PNG\r\n\x1a\n" + b"x" * (10 * 1024 * 1024), "big.png", 413),
    (b"", "empty.png", 422),
])
def test_wrong_files_are_refused(client, applicant_headers, draft, content, name, status):
    response = upload(client, applicant_headers, draft["id"], content=content, name=name)
    assert response.status_code == status, response.json
    assert "file" in response.json["errors"]
    assert client.get(f"/api/v1/applications/{draft['id']}/documents", headers=applicant_headers).json == []


def test_uploads_are_re_encoded_and_downloadable(client, applicant_headers, draft):
    document = upload(client, applicant_headers, draft["id"]).json
    assert document["content_type"] == "image/png"
    download = client.get(f"/api/v1/applications/{draft['id']}/documents/{document['id']}", headers=applicant_headers)
    assert download.status_code == 200 and download.data.startswith(b"\x89PNG")
    assert download.headers["Cache-Control"] == "no-store"


def test_withdrawal_closes_the_case_and_a_new_one_may_start(client, applicant_headers, draft):
    assert client.post(f"/api/v1/applications/{draft['id']}/withdraw", headers=applicant_headers).json["status"] \
        == "withdrawn"
    assert client.post("/api/v1/applications", json=application_payload(), headers=applicant_headers).status_code == 201


def test_only_listed_transitions_reach_the_database(client, applicant_headers, draft, db):
    from sqlalchemy.exc import IntegrityError

    from app.common.clock import utcnow

    db.add(ApplicationEvent(application_id=draft["id"], occurred_at=utcnow(), kind="forged",
                            from_status="draft", to_status="approved", text="x"))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_region_must_be_the_hukou_village_except_for_temporary(client, applicant_headers):
    wrong = client.post("/api/v1/applications", json=application_payload() | {"region_code": GAOJIA},
                        headers=applicant_headers)
    assert wrong.status_code == 422 and "region_code" in wrong.json["errors"]


def test_staff_of_the_region_can_read_the_case_and_others_cannot(client, applicant_headers, draft, staff, auth):
    assert client.get(f"/api/v1/applications/{draft['id']}", headers=auth(staff("village_worker", "610324106201"))) \
        .status_code == 200
    assert client.get(f"/api/v1/applications/{draft['id']}", headers=auth(staff("village_worker", GAOJIA))) \
        .status_code == 404


def test_events_are_stored_with_their_transition(client, applicant_headers, draft, db):
    ready(client, applicant_headers, draft)
    submit(client, applicant_headers, draft["id"])
    pairs = db.execute(select(ApplicationEvent.from_status, ApplicationEvent.to_status)
                       .where(ApplicationEvent.application_id == draft["id"], ApplicationEvent.to_status.isnot(None))
                       .order_by(ApplicationEvent.id)).all()
    assert pairs == [("draft", "submitted"), ("submitted", "authorizing")]


def test_a_returned_case_is_refrozen_on_resubmission_and_resumes_where_it_was(client, applicant_headers, draft, db):
    from app.applications.models import Application

    ready(client, applicant_headers, draft)
    submit(client, applicant_headers, draft["id"])
    row = db.get(Application, draft["id"])
    row.status, row.returned_from = "returned", "township_confirmation"  # a township return (issue 6)
    db.commit()
    assert upload(client, applicant_headers, draft["id"], "income_proof").status_code == 201
    again = submit(client, applicant_headers, draft["id"])
    assert again.status_code == 200 and again.json["status"] == "township_confirmation"
    import json as _json
    db.expire_all()
    kinds = {d["kind"] for d in _json.loads(db.get(Application, draft["id"]).snapshot)["documents"]}
    assert "income_proof" in kinds
