"""The fast paths through the API: small temporary assistance decided by the township alone,
assist first (先行救助) with its 15-working-day file, the commitment path, and 失信 with revocation."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.applications.models import Application
from app.review import services as review_services
from app.review.models import AssistFirstGrant, DishonestyRecord, PublicNotice
from app.verification.models import PolicyParameter
from tests.api.applications.conftest import submit, upload
from tests.api.authorizations.conftest import APPLICANT
from tests.api.review.test_decisions import approve_all_the_way, case, decide, status_of
from tests.factories import FUFENG, application_payload, member


def temporary_application(client, applicant_headers, *, kind="emergency", amount="400.00") -> dict:
    """A one-person temporary case, submitted; its one authorization waits for the applicant."""
    payload = application_payload(members=[member()], assistance_type="temporary", temporary_kind=kind,
                                  temporary_cause="fire" if kind == "emergency" else "expenditure",
                                  requested_amount=amount, reason="家中失火，衣物被褥全部烧毁")
    draft = client.post("/api/v1/applications", json=payload, headers=applicant_headers)
    assert draft.status_code == 201, draft.json
    upload(client, applicant_headers, draft.json["id"], "id_card")
    assert submit(client, applicant_headers, draft.json["id"]).status_code == 200
    rows = client.get(f"/api/v1/applications/{draft.json['id']}/authorizations", headers=applicant_headers).json
    return {"application_id": draft.json["id"], "authorization_id": rows[0]["id"]}


def authorize_and_check(client, signing, worker, officer, case_ids) -> None:
    signing.sign_authorization(case_ids["authorization_id"], APPLICANT)
    confirmed = client.post(f"/api/v1/staff/authorizations/{case_ids['authorization_id']}/confirm", headers=worker)
    assert confirmed.status_code == 200
    checked = client.post("/api/v1/checks", json={"application_id": case_ids["application_id"]}, headers=officer)
    assert checked.status_code == 202, checked.json


def set_parameter(db, name, value, region=FUFENG):
    db.add(PolicyParameter(region_code=region, name=name, value=Decimal(value), effective_from=date(2026, 1, 1),
                           source="测试"))
    db.commit()


# Small temporary assistance: the township alone (seed 003) -------------------------------------

def test_small_temporary_assistance_is_approved_by_the_township_alone(client, db, applicant_headers, signing, worker,
                                                                      officer, levels):
    ids = temporary_application(client, applicant_headers, amount="400.00")
    authorize_and_check(client, signing, worker, officer, ids)
    application_id = ids["application_id"]
    assert status_of(db, application_id) == "township_confirmation"
    village_queue = client.get("/api/v1/staff/cases?stage=village_review", headers=levels["village_review"]).json
    assert application_id not in [row["id"] for row in village_queue]
    row = client.get("/api/v1/staff/cases?stage=township_confirmation", headers=levels["township_confirmation"]).json[0]
    assert (row["id"], row["review_path"]) == (application_id, "small_temporary")
    # three working days from submission, not the 25 of the ordinary path
    assert row["working_days_left"] <= 3

    too_much = decide(client, levels["township_confirmation"], application_id, step="township_confirmation",
                      outcome="approve", amount="600.00", reason="火灾损失较大")
    assert too_much.status_code == 422 and "500.00" in too_much.json["errors"]["amount"][0]
    approved = decide(client, levels["township_confirmation"], application_id, step="township_confirmation",
                      outcome="approve")   # no home visit needed, the amount asked for is granted
    assert approved.status_code == 201, approved.json
    assert (approved.json["application_status"], approved.json["amount"]) == ("approved", "400.00")
    assert client.get("/api/v1/staff/cases?stage=district_filing", headers=levels["district_filing"]).json == []


def test_temporary_assistance_above_the_limit_takes_the_ordinary_path(client, db, applicant_headers, signing,
                                                                      worker, officer):
    ids = temporary_application(client, applicant_headers, amount="3000.00")
    authorize_and_check(client, signing, worker, officer, ids)
    assert status_of(db, ids["application_id"]) == "village_review"
    assert db.get(Application, ids["application_id"]).review_path == "standard"


def test_without_a_small_limit_in_force_nothing_is_shortened(client, db, applicant_headers, signing, worker,
                                                             officer):
    db.execute(PolicyParameter.__table__.delete().where(PolicyParameter.name == "temporary_small_limit"))
    db.commit()
    ids = temporary_application(client, applicant_headers, amount="100.00")
    authorize_and_check(client, signing, worker, officer, ids)
    assert status_of(db, ids["application_id"]) == "village_review"


# Assist first (先行救助): the file due in 15 working days -----------------------------------------

@pytest.fixture
def on_day(monkeypatch):
    """Pin review's today; the statutory calendar decides the working days."""
    def pin(day: date):
        monkeypatch.setattr(review_services, "today_in_china", lambda: day)
    return pin


def grant(client, headers, application_id, amount="800.00", reason="火灾后无处安身，先行发放临时救助金"):
    return client.post(f"/api/v1/staff/cases/{application_id}/assist-first", json={"amount": amount, "reason": reason},
                       headers=headers)


def test_an_assist_first_grant_becomes_overdue_when_the_file_is_not_completed(client, db, applicant_headers, levels,
                                                                              on_day):
    application_id = temporary_application(client, applicant_headers, amount="800.00")["application_id"]
    township = levels["township_confirmation"]
    on_day(date(2026, 9, 25))   # a Friday before the National Day holiday (10-01…10-07)
    granted = grant(client, township, application_id)
    assert granted.status_code == 201, granted.json
    # 15 working days: 9-28…9-30, 10-08…10-10 (a makeup Saturday), 10-12…10-16, 10-19…10-22
    assert (granted.json["file_due_on"], granted.json["state"]) == ("2026-10-22", "due")
    timeline = client.get(f"/api/v1/applications/{application_id}/timeline", headers=applicant_headers).json
    assert any("先行发放临时救助金 800.00 元" in str(event) for event in timeline["events"])

    on_day(date(2026, 10, 22))
    due = client.get("/api/v1/staff/cases?assist_first=due", headers=township).json
    assert [(row["id"], row["assist_first"]["working_days_left"]) for row in due] == [(application_id, 0)]
    assert client.get("/api/v1/staff/cases?assist_first=overdue", headers=township).json == []

    on_day(date(2026, 10, 23))
    overdue = client.get("/api/v1/staff/cases?assist_first=overdue", headers=township).json
    assert [(row["id"], row["assist_first"]["state"]) for row in overdue] == [(application_id, "overdue")]
    assert overdue[0]["status"] == "authorizing"   # still waiting for consents: the file is not complete
    assert case(client, township, application_id)[0]["assist_first"]["working_days_left"] == -1


def test_a_decided_case_completes_its_assist_first_file(client, db, applicant_headers, signing, worker, officer,
                                                        levels, on_day):
    ids = temporary_application(client, applicant_headers, amount="400.00")
    application_id = ids["application_id"]
    assert grant(client, levels["township_confirmation"], application_id).status_code == 201
    authorize_and_check(client, signing, worker, officer, ids)
    assert decide(client, levels["township_confirmation"], application_id, step="township_confirmation",
                  outcome="approve").status_code == 201
    file, _ = case(client, levels["township_confirmation"], application_id)
    assert file["assist_first"]["state"] == "complete" and file["assist_first"]["working_days_left"] is None
    assert client.get("/api/v1/staff/cases?assist_first=due", headers=levels["township_confirmation"]).json == []


@pytest.mark.parametrize("body,field", [
    ({"amount": "0", "reason": "火灾后无处安身"}, "amount"),
    ({"amount": "800.00", "reason": "急"}, "reason"),
    ({"amount": "abc", "reason": "火灾后无处安身"}, "amount"),
    ({"reason": "火灾后无处安身"}, "amount"),
])
def test_a_bad_grant_names_the_field_and_saves_nothing(client, db, applicant_headers, levels, body, field):
    application_id = temporary_application(client, applicant_headers)["application_id"]
    response = client.post(f"/api/v1/staff/cases/{application_id}/assist-first", json=body,
                           headers=levels["township_confirmation"])
    assert response.status_code == 422 and field in response.json["errors"]
    assert db.scalar(select(func.count()).select_from(AssistFirstGrant)) == 0


def test_only_an_open_emergency_case_may_be_granted_first_and_only_once(client, db, applicant_headers, levels,
                                                                        household):
    township = levels["township_confirmation"]
    not_temporary = grant(client, township, household["application_id"])
    assert not_temporary.status_code == 409 and not_temporary.json["error"] == "NOT_ELIGIBLE"
    application_id = temporary_application(client, applicant_headers)["application_id"]
    assert grant(client, township, application_id).status_code == 201
    again = grant(client, township, application_id)
    assert again.status_code == 409 and "已经先行救助" in again.json["errors"]["application"][0]
    assert grant(client, levels["village_review"], application_id).status_code == 403
    assert db.scalar(select(func.count()).select_from(AssistFirstGrant)) == 1


def test_an_expenditure_type_case_is_not_granted_first(client, applicant_headers, levels):
    application_id = temporary_application(client, applicant_headers, kind="expenditure")["application_id"]
    refused = grant(client, levels["township_confirmation"], application_id)
    assert refused.status_code == 409 and "急难型" in refused.json["errors"]["application"][0]


# The commitment path (告知承诺) and 失信 --------------------------------------------------------------

def test_a_basically_consistent_report_takes_the_simplified_steps_where_the_region_allows(
        client, db, household, all_confirmed, officer, levels, live_source):
    set_parameter(db, "commitment_simplified", "1")
    live_source("bank_deposits", records={})   # the only source: nothing found, as declared
    response = client.post("/api/v1/checks", json={"application_id": household["application_id"]}, headers=officer)
    assert response.status_code == 202
    application_id = household["application_id"]
    assert status_of(db, application_id) == "township_confirmation"
    file, _ = case(client, levels["township_confirmation"], application_id)
    assert file["review_path"] == "commitment" and file["checks"][0]["consistency"] == "consistent"
    # no village review and no home visit; the district still files the decision
    assert decide(client, levels["township_confirmation"], application_id, step="township_confirmation",
                  outcome="approve").status_code == 201
    assert status_of(db, application_id) == "district_filing"


def test_without_the_regions_simplified_review_a_consistent_case_takes_every_step(
        client, db, household, all_confirmed, officer, live_source):
    live_source("bank_deposits", records={})
    client.post("/api/v1/checks", json={"application_id": household["application_id"]}, headers=officer)
    assert status_of(db, household["application_id"]) == "village_review"


def dishonesty(client, headers, application_id, **body):
    etag = case(client, headers, application_id)[1]
    return client.post(f"/api/v1/staff/cases/{application_id}/dishonesty", json=body,
                       headers=headers | {"If-Match": etag})


def test_a_proven_false_declaration_is_recorded_and_the_district_revokes_the_benefit(
        client, db, checked_case, levels, demo_files, officer, applicant_headers):
    application_id = checked_case
    # the demo files contradict the declared wages: a fresh check proves it
    rechecked = client.post("/api/v1/checks", json={"application_id": application_id}, headers=officer).json
    check_id = rechecked["id"]
    assert client.get(f"/api/v1/checks/{check_id}/report", headers=officer).json["consistency"] == "inconsistent"
    approve_all_the_way(client, levels, application_id)
    assert db.scalar(select(func.count()).select_from(PublicNotice)) == 1

    township = dishonesty(client, levels["township_confirmation"], application_id, check_id=check_id,
                          reason="隐瞒工资收入", revoke=True)
    assert township.status_code == 403 and township.json["error"] == "NOT_YOUR_LEVEL"
    revoked = dishonesty(client, levels["district_filing"], application_id, check_id=check_id,
                         reason="隐瞒工资性收入每月3500元", revoke=True)
    assert revoked.status_code == 201, revoked.json
    assert (revoked.json["application_status"], revoked.json["revoked_benefit"]) == ("revoked", True)
    notices = client.get(f"/api/v1/public/notices?region_code={FUFENG}").json
    assert notices == []   # a revoked benefit leaves the public notice at once
    file, _ = case(client, levels["district_filing"], application_id)
    assert [r["reason"] for r in file["dishonesty"]] == ["隐瞒工资性收入每月3500元"]
    assert file["events"][-1]["text"].startswith("经核查存在虚假申报，撤销救助")
    assert [(d["step"], d["outcome"]) for d in file["decisions"]][-1] == ("district_filing", "revoke")
    letters = client.get(f"/api/v1/applications/{application_id}/letters", headers=applicant_headers).json
    assert [(letter["kind"], letter["status"]) for letter in letters] == [("approval", "issued"),
                                                                          ("revocation", "issued")]
    assert letters[1]["reasons"] == ["隐瞒工资性收入每月3500元"] and letters[1]["verify_code"]


def test_dishonesty_needs_a_report_that_contradicts_the_declaration(client, db, household, all_confirmed, officer,
                                                                    levels, live_source):
    live_source("bank_deposits", records={})
    check = client.post("/api/v1/checks", json={"application_id": household["application_id"]}, headers=officer).json
    refused = dishonesty(client, levels["township_confirmation"], household["application_id"], check_id=check["id"],
                         reason="怀疑隐瞒收入")
    assert refused.status_code == 409 and refused.json["error"] == "NOT_PROVEN"
    for check_id in (999999, 2**63):   # unknown, and beyond BIGINT
        foreign = dishonesty(client, levels["township_confirmation"], household["application_id"],
                             check_id=check_id, reason="怀疑隐瞒收入")
        assert foreign.status_code == 422 and "check_id" in foreign.json["errors"], foreign.json
    assert db.scalar(select(func.count()).select_from(DishonestyRecord)) == 0


def test_revoking_needs_an_approved_benefit(client, db, checked_case, levels, demo_files, officer):
    check_id = client.post("/api/v1/checks", json={"application_id": checked_case}, headers=officer).json["id"]
    refused = dishonesty(client, levels["district_filing"], checked_case, check_id=check_id, reason="隐瞒工资收入",
                         revoke=True)
    assert refused.status_code == 409 and "revoke" in refused.json["errors"]
    recorded = dishonesty(client, levels["township_confirmation"], checked_case, check_id=check_id,
                          reason="隐瞒工资收入")
    assert recorded.status_code == 201 and recorded.json["application_status"] == "village_review"
    assert db.get(Application, checked_case).status == "village_review"


def test_a_stale_etag_changes_nothing(client, db, checked_case, levels, demo_files, officer):
    check_id = client.post("/api/v1/checks", json={"application_id": checked_case}, headers=officer).json["id"]
    response = client.post(f"/api/v1/staff/cases/{checked_case}/dishonesty",
                           json={"check_id": check_id, "reason": "隐瞒工资收入"},
                           headers=levels["township_confirmation"] | {"If-Match": '"999"'})
    assert response.status_code == 412
    assert db.scalar(select(func.count()).select_from(DishonestyRecord)) == 0
