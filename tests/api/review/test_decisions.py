"""Review through the API: village → township → district, home visits, and every bad decision refused."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.applications.models import Application
from app.review.models import Decision
from tests.api.applications.conftest import submit

VISIT = {"visited_on": date.today().isoformat(), "visitors": ["王工作人员", "赵村干部"],
         "findings": "房屋简陋，家中无大件电器，与申报情况相符"}


def case(client, headers, application_id) -> tuple[dict, str]:
    response = client.get(f"/api/v1/staff/cases/{application_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json, response.headers["ETag"]


def decide(client, headers, application_id, etag=None, **body):
    if etag is None:
        etag = case(client, headers, application_id)[1]
    return client.post(f"/api/v1/staff/cases/{application_id}/decisions", json=body,
                       headers=headers | {"If-Match": etag})


def approve_all_the_way(client, levels, application_id):
    """Village, a home visit, township, district: each approves; the district's answer."""
    for step in ("village_review", "township_confirmation", "district_filing"):
        if step == "township_confirmation":
            assert client.post(f"/api/v1/staff/cases/{application_id}/visits", json=VISIT,
                               headers=levels[step]).status_code == 201
        response = decide(client, levels[step], application_id, step=step, outcome="approve")
        assert response.status_code == 201, response.json
    return response.json


def status_of(db, application_id) -> str:
    db.expire_all()
    return db.get(Application, application_id).status


def test_a_dibao_case_goes_village_township_district_to_approved(client, db, checked_case, levels, officer):
    application_id = checked_case
    assert status_of(db, application_id) == "village_review"
    queue = client.get("/api/v1/staff/cases?stage=village_review", headers=levels["village_review"]).json
    assert [row["id"] for row in queue] == [application_id] and queue[0]["applicant"] == "张*"
    file, _ = case(client, levels["village_review"], application_id)
    assert file["checks"][0]["status"] == "done" and file["checks"][0]["suggested_monthly_amount"]
    assert all("*" in m["id_number"] for m in file["members"])
    assert all(a["status"] == "confirmed" and len(a["verify_code"]) == 16 for a in file["authorizations"])
    suggested = file["checks"][0]["suggested_monthly_amount"]

    assert decide(client, levels["village_review"], application_id, step="village_review",
                  outcome="approve").status_code == 201
    visit = client.post(f"/api/v1/staff/cases/{application_id}/visits", json=VISIT,
                        headers=levels["township_confirmation"])
    assert visit.status_code == 201 and visit.json["visitors"] == VISIT["visitors"]
    assert decide(client, levels["township_confirmation"], application_id, step="township_confirmation",
                  outcome="approve").status_code == 201
    final = decide(client, levels["district_filing"], application_id, step="district_filing", outcome="approve")
    assert final.status_code == 201 and final.json["application_status"] == "approved"
    assert final.json["amount"] == suggested == final.json["suggested_amount"]

    file, _ = case(client, levels["district_filing"], application_id)
    assert [(d["step"], d["outcome"]) for d in file["decisions"]] == [
        ("village_review", "approve"), ("township_confirmation", "approve"), ("district_filing", "approve")]
    assert len(file["visits"]) == 1 and file["status"] == "approved"
    # nested times are ISO 8601 like every other time in the API, not HTTP dates
    assert all(datetime.fromisoformat(e["at"]).tzinfo is not None for e in file["events"])
    assert any("县（区）备案：通过" in e["text"] for e in file["events"])


def test_the_township_cannot_confirm_without_a_visit(client, db, checked_case, levels):
    assert decide(client, levels["village_review"], checked_case, step="village_review",
                  outcome="approve").status_code == 201
    response = decide(client, levels["township_confirmation"], checked_case, step="township_confirmation",
                      outcome="approve")
    assert response.status_code == 409 and response.json["error"] == "VISIT_REQUIRED"
    assert status_of(db, checked_case) == "township_confirmation"


@pytest.mark.parametrize("who, step, status, error", [
    ("township_confirmation", "village_review", 403, "NOT_YOUR_LEVEL"),    # the wrong level
    ("village_review", "village_review", None, None),
    ("township_confirmation", "township_confirmation", 409, "NOT_THIS_STEP"),   # out of turn
    ("district_filing", "district_filing", 409, "NOT_THIS_STEP"),
])
def test_only_the_level_whose_step_it_is_decides(client, db, checked_case, levels, who, step, status, error):
    response = decide(client, levels[who], checked_case, step=step, outcome="approve")
    if status is None:
        assert response.status_code == 201
        return
    assert response.status_code == status and response.json["error"] == error
    assert db.scalar(select(func.count()).select_from(Decision)) == 0
    assert status_of(db, checked_case) == "village_review"


@pytest.mark.parametrize("body, field", [
    ({"outcome": "return", "reason": "请补充"}, "items"),
    ({"outcome": "return", "items": ["近三个月工资流水"]}, "reason"),
    ({"outcome": "approve", "amount": "99999.00"}, "reason"),      # above the suggestion, no reason
    ({"outcome": "return", "amount": "100.00", "reason": "请补充材料", "items": ["病历"]}, "amount"),
    ({"outcome": "maybe"}, "outcome"),
    ({"outcome": "approve", "step": "mayor"}, "step"),
])
def test_a_decision_that_says_too_little_is_422_with_the_field(client, db, checked_case, levels, body, field):
    response = decide(client, levels["village_review"], checked_case, **({"step": "village_review"} | body))
    assert response.status_code == 422 and field in response.json["errors"], response.json
    assert db.scalar(select(func.count()).select_from(Decision)) == 0


def test_an_amount_changed_with_a_reason_is_kept(client, checked_case, levels):
    response = decide(client, levels["village_review"], checked_case, step="village_review", outcome="approve",
                      amount="200.00", reason="家中有长期服药人员，酌情提高")
    assert response.status_code == 201 and response.json["amount"] == "200.00"
    assert response.json["suggested_amount"] != "200.00"


def test_a_stale_or_missing_etag_changes_nothing_and_two_racing_decisions_leave_one(client, db, checked_case,
                                                                                    levels):
    village = levels["village_review"]
    _, etag = case(client, village, checked_case)
    missing = client.post(f"/api/v1/staff/cases/{checked_case}/decisions", headers=village,
                          json={"step": "village_review", "outcome": "approve"})
    assert missing.status_code == 428
    first = decide(client, village, checked_case, etag, step="village_review", outcome="approve")
    second = decide(client, village, checked_case, etag, step="village_review", outcome="return",
                    reason="材料不全", items=["户口簿"])
    assert first.status_code == 201 and second.status_code == 412
    assert db.scalar(select(func.count()).select_from(Decision)) == 1


def test_a_return_pauses_and_the_resubmission_comes_back_to_the_same_step(client, db, checked_case, levels,
                                                                          applicant_headers):
    response = decide(client, levels["village_review"], checked_case, step="village_review", outcome="return",
                      reason="收入证明不全", items=["近三个月工资流水"])
    assert response.status_code == 201 and response.json["application_status"] == "returned"
    timeline = client.get(f"/api/v1/applications/{checked_case}/timeline", headers=applicant_headers).json
    assert timeline["clock_paused"] and any("收入证明不全" in e["text"] for e in timeline["events"])
    assert submit(client, applicant_headers, checked_case).status_code == 200
    assert status_of(db, checked_case) == "village_review"


def test_the_village_may_not_reject(client, db, checked_case, levels):
    response = decide(client, levels["village_review"], checked_case, step="village_review", outcome="reject",
                      reason="收入超过标准")
    assert response.status_code == 409
    assert db.scalar(select(func.count()).select_from(Decision)) == 0


def test_other_regions_see_no_case_and_unmasking_is_audited(client, db, checked_case, staff, auth, levels):
    outsider = auth(staff("village_worker", "610302100201"))
    assert client.get(f"/api/v1/staff/cases/{checked_case}", headers=outsider).status_code == 404
    assert decide(client, outsider, checked_case, '"v9"', step="village_review", outcome="approve").status_code == 404
    assert client.get("/api/v1/staff/cases", headers=outsider).json == []
    revealed = client.get(f"/api/v1/staff/cases/{checked_case}?reveal_reason=核实身份证号码",
                          headers=levels["village_review"]).json
    assert revealed["revealed"] and "*" not in revealed["members"][0]["id_number"]
    from app.audit.models import AuditEvent
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "case.reveal")) == 1


def test_visits_are_validated(client, checked_case, levels):
    url = f"/api/v1/staff/cases/{checked_case}/visits"
    township = levels["township_confirmation"]
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for body, field in ((VISIT | {"visitors": ["一个人"]}, "visitors"), (VISIT | {"visited_on": tomorrow}, "visited_on"),
                        (VISIT | {"findings": ""}, "findings")):
        response = client.post(url, json=body, headers=township)
        assert response.status_code == 422 and field in response.json["errors"], response.json


def test_a_case_whose_members_are_signing_is_in_the_queue_for_its_signatures(client, household, levels):
    """While members sign, the village confirms each signature: the case is in its queue, by default and by stage."""
    village = levels["village_review"]
    application_id = household["application_id"]
    for url in ("/api/v1/staff/cases", "/api/v1/staff/cases?stage=authorizing"):
        rows = client.get(url, headers=village).json
        assert [(row["id"], row["status"]) for row in rows] == [(application_id, "authorizing")], url
    assert client.get("/api/v1/staff/cases?stage=checking", headers=village).json == []
