"""Decision notices and the archive copy through the API: issued, sealed, delivered, verified, scoped."""
import io
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.common.clock import utcnow
from app.common.workdays import WorkCalendar
from app.documents.models import SealedDocument
from app.identity.models import Account, WechatIdentity
from app.review import letters as letters_module
from app.review import services as review_services
from app.review.models import DecisionLetter
from tests.api.review.test_decisions import approve_all_the_way, case, decide

OPENID = "o-decision-letters"
REASONS = "家庭人均收入超过当地低保标准；名下有小型汽车一辆"


def verify_upload(client, data: bytes):
    return client.post("/api/v1/verify", data={"file": (io.BytesIO(data), "notice.pdf")},
                       content_type="multipart/form-data")


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def audits(db, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def reject_at_the_township(client, levels, application_id, reason=REASONS):
    assert decide(client, levels["village_review"], application_id, step="village_review",
                  outcome="approve").status_code == 201
    response = decide(client, levels["township_confirmation"], application_id, step="township_confirmation",
                      outcome="reject", reason=reason)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def on_wechat(db, checked_case, fake_wechat):
    """The applicant follows the service on WeChat: notices go there first."""
    account_id = db.get(Application, checked_case).applicant_account_id
    db.add(WechatIdentity(account_id=account_id, channel="miniprogram", appid="wx-test-mini", openid=OPENID,
                          created_at=utcnow()))
    db.commit()
    return lambda: [m for m in fake_wechat.app.config["subscribe_messages"] if m["touser"] == OPENID]


def test_an_approval_issues_one_sealed_notice_to_the_inbox_and_wechat(client, db, checked_case, levels,
                                                                      applicant_headers, on_wechat):
    final = approve_all_the_way(client, levels, checked_case)
    assert final["application_status"] == "approved"

    [letter] = client.get(f"/api/v1/applications/{checked_case}/letters", headers=applicant_headers).json
    decided_on = date.fromisoformat(letter["decided_on"])
    assert letter["kind"] == "approval" and letter["status"] == "issued" and letter["overdue"] is False
    assert letter["amount"] == final["amount"] and letter["reasons"] == []
    assert letter["due_on"] == WorkCalendar().add_working_days(decided_on, 3).isoformat()
    assert count(db, SealedDocument, SealedDocument.kind == "decision_notice") == 1

    pdf = client.get(f"/api/v1/applications/{checked_case}/letters/{letter['id']}/pdf", headers=applicant_headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    verified = verify_upload(client, pdf.data).json
    assert verified["valid"], verified
    assert verified["document"]["kind"] == "decision_notice" and verified["document"]["verify_code"] == letter[
        "verify_code"]
    looked_up = client.get(f"/api/v1/verify/{letter['verify_code']}").json
    assert looked_up["title"] == "救助决定通知书" and looked_up["status"] == "issued"
    assert looked_up["signer"] == "扶风县民政局"

    inbox = client.get("/api/v1/me/messages", headers=applicant_headers).json
    [message] = [m for m in inbox if m["kind"] == "application.decision"]
    assert "救助决定通知书已出具" in message["body"]
    assert any(m["data"]["thing2"]["value"].startswith("救助决定通知书已出具") for m in on_wechat())

    file, _ = case(client, levels["district_filing"], checked_case)
    assert [(x["id"], x["status"], x["verify_code"]) for x in file["letters"]] == [
        (letter["id"], "issued", letter["verify_code"])]
    staff_pdf = client.get(f"/api/v1/staff/cases/{checked_case}/letters/{letter['id']}/pdf",
                           headers=levels["township_confirmation"])
    assert staff_pdf.status_code == 200 and staff_pdf.data == pdf.data
    assert [(e.actor_role, e.detail["letter_id"]) for e in audits(db, "letter.view")] == [
        ("applicant", letter["id"]), ("township_worker", letter["id"])]


def test_a_rejection_notice_carries_every_reason_and_is_due_three_working_days_later(
        client, db, checked_case, levels, applicant_headers, monkeypatch):
    # Wednesday 30 September 2026, 10:00 in China: National Day (1–7 October) lies inside the limit,
    # and the makeup working Saturday 10 October is its third working day.
    monkeypatch.setattr(review_services, "utcnow", lambda: datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc))
    reject_at_the_township(client, levels, checked_case)
    monkeypatch.undo()

    [letter] = client.get(f"/api/v1/applications/{checked_case}/letters", headers=applicant_headers).json
    assert (letter["kind"], letter["title"]) == ("rejection", "救助决定通知书（不予救助）")
    assert letter["decided_on"] == "2026-09-30" and letter["due_on"] == "2026-10-10"
    assert letter["reasons"] == ["家庭人均收入超过当地低保标准", "名下有小型汽车一辆"]
    assert letter["status"] == "issued" and letter["amount"] is None
    # The township decided: the notice is its own, and the county government hears a reconsideration.
    assert client.get(f"/api/v1/verify/{letter['verify_code']}").json["signer"] == "段家镇人民政府"
    inbox = client.get("/api/v1/me/messages", headers=applicant_headers).json
    assert any(m["kind"] == "application.decision" and "行政复议" in m["body"] for m in inbox)


def test_a_return_or_an_intermediate_approval_makes_no_notice(client, db, checked_case, levels):
    assert decide(client, levels["village_review"], checked_case, step="village_review",
                  outcome="approve").status_code == 201
    assert decide(client, levels["township_confirmation"], checked_case, step="township_confirmation",
                  outcome="return", reason="收入证明不全", items=["工资流水"]).status_code == 201
    assert count(db, DecisionLetter) == 0
    assert case(client, levels["township_confirmation"], checked_case)[0]["letters"] == []


def test_a_seal_outage_leaves_the_notice_pending_and_overdue_after_its_day(client, db, checked_case, levels,
                                                                           applicant_headers, fake_tsa,
                                                                           monkeypatch):
    assert decide(client, levels["village_review"], checked_case, step="village_review",
                  outcome="approve").status_code == 201
    fake_tsa.app.config["TSA_DOWN"] = True
    try:
        response = decide(client, levels["township_confirmation"], checked_case, step="township_confirmation",
                          outcome="reject", reason="收入超过标准")
    finally:
        fake_tsa.app.config["TSA_DOWN"] = False
    assert response.status_code == 201 and response.json["application_status"] == "rejected"   # the decision stands

    [letter] = client.get(f"/api/v1/applications/{checked_case}/letters", headers=applicant_headers).json
    assert letter["status"] == "pending" and letter["verify_code"] is None and letter["overdue"] is False
    pdf = client.get(f"/api/v1/applications/{checked_case}/letters/{letter['id']}/pdf", headers=applicant_headers)
    assert pdf.status_code == 409 and pdf.json["error"] == "LETTER_NOT_ISSUED"
    assert count(db, SealedDocument, SealedDocument.kind == "decision_notice") == 0

    late = date.fromisoformat(letter["due_on"]).toordinal() + 1
    monkeypatch.setattr(letters_module, "today_in_china", lambda: date.fromordinal(late))
    file, _ = case(client, levels["township_confirmation"], checked_case)
    assert file["letters"][0]["overdue"] is True


def test_another_applicant_and_another_region_see_no_notice(client, db, checked_case, levels, applicant, auth,
                                                            staff):
    reject_at_the_township(client, levels, checked_case)
    letter_id = db.scalar(select(DecisionLetter.id))
    stranger = auth(applicant("13800000099"))
    for url in (f"/api/v1/applications/{checked_case}/letters",
                f"/api/v1/applications/{checked_case}/letters/{letter_id}/pdf"):
        response = client.get(url, headers=stranger)
        assert response.status_code == 404 and response.json["error"] == "NOT_FOUND"
    outsider = auth(staff("township_worker", "610302100000"))
    for url in (f"/api/v1/staff/cases/{checked_case}/letters/{letter_id}/pdf",
                f"/api/v1/staff/cases/{checked_case}/export.pdf?reason=年度归档检查"):
        assert client.get(url, headers=outsider).status_code == 404
    assert client.get(f"/api/v1/applications/{checked_case}/letters/{letter_id + 1000}/pdf",
                      headers=auth(_owner(db, checked_case))).status_code == 404   # the owner, another letter
    assert audits(db, "letter.view") == [] and audits(db, "case.export") == []


def _owner(db, application_id):
    return db.get(Account, db.get(Application, application_id).applicant_account_id)


@pytest.mark.parametrize("query", ["", "?reason=", "?reason=归档", "?reason=" + "很" * 201])
def test_an_export_without_a_proper_reason_is_422_naming_it(client, db, checked_case, levels, query):
    response = client.get(f"/api/v1/staff/cases/{checked_case}/export.pdf{query}", headers=levels["village_review"])
    assert response.status_code == 422 and "reason" in response.json["errors"], response.json
    assert audits(db, "case.export") == []
    assert count(db, SealedDocument, SealedDocument.kind == "case_file") == 0


def test_the_export_is_a_freshly_sealed_archive_copy_and_is_audited(client, db, checked_case, levels):
    approve_all_the_way(client, levels, checked_case)
    url = f"/api/v1/staff/cases/{checked_case}/export.pdf?reason=年度档案归档"
    first = client.get(url, headers=levels["district_filing"])
    assert first.status_code == 200 and first.mimetype == "application/pdf", first.data[:200]
    verified = verify_upload(client, first.data).json
    assert verified["valid"] and verified["document"]["kind"] == "case_file", verified
    assert verified["document"]["title"] == "救助案卷" and verified["document"]["signer"] == "扶风县民政局"
    second = client.get(url, headers=levels["district_filing"])
    assert second.status_code == 200 and second.data != first.data
    assert count(db, SealedDocument, SealedDocument.kind == "case_file") == 2
    events = audits(db, "case.export")
    assert [(e.detail["reason"], e.object_id, e.actor_role) for e in events] == [
        ("年度档案归档", str(checked_case), "district_worker")] * 2
    assert events[0].detail["verify_code"] == verified["document"]["verify_code"]


def test_an_export_during_a_seal_outage_is_503_and_leaves_nothing(client, db, checked_case, levels, fake_tsa):
    fake_tsa.app.config["TSA_DOWN"] = True
    try:
        response = client.get(f"/api/v1/staff/cases/{checked_case}/export.pdf?reason=年度档案归档",
                              headers=levels["village_review"])
    finally:
        fake_tsa.app.config["TSA_DOWN"] = False
    assert response.status_code == 503 and response.json["error"] == "SEAL_UNAVAILABLE"
    assert audits(db, "case.export") == [] and count(db, SealedDocument, SealedDocument.kind == "case_file") == 0
