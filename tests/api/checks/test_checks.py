"""Checks end to end: the consent gate, the job, the report (JSON and a sealed PDF that verifies),
live departments that fail, the report frozen against later imports, and the periodic re-check."""
import io
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.authorizations.models import Authorization, Signature
from app.checks.models import Check, CheckLookup, CheckReport
from app.common.actor import Actor
from app.common.clock import utcnow
from app.datasources.services import import_file
from tests.api.authorizations.conftest import APPLICANT, SPOUSE
from tests.factories import GAOJIA, ID_NUMBERS, WEIBIN

SPOUSE_ID = SPOUSE["id_number"]


def request_check(client, headers, application_id, **body):
    return client.post("/api/v1/checks", json={"application_id": application_id, **body}, headers=headers)


def checked(client, headers, application_id) -> dict:
    """A check requested and (jobs run inline in the tests) finished; its status row."""
    response = request_check(client, headers, application_id)
    assert response.status_code == 202, response.json
    status = client.get(f"/api/v1/checks/{response.json['id']}", headers=headers).json
    assert status["status"] == "done" and status["progress"] == 100, status
    return status


def report_of(client, headers, check_id) -> dict:
    response = client.get(f"/api/v1/checks/{check_id}/report", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def source(report, kind) -> dict:
    return next(s for s in report["sources"] if s["kind"] == kind)


def comparison(report, item) -> dict:
    return next(c for c in report["comparisons"] if c["item"] == item)


def verify_upload(client, data: bytes):
    return client.post("/api/v1/verify", data={"file": (io.BytesIO(data), "report.pdf")},
                       content_type="multipart/form-data")


def test_a_fully_authorized_household_is_checked_and_its_sealed_report_verifies(
        client, db, household, all_confirmed, demo_files, officer):
    application_id = household["application_id"]
    status = checked(client, officer, application_id)
    report = report_of(client, officer, status["id"])

    assert [m["consent"] for m in report["members"]] == ["confirmed"] * 3
    assert {m["name"] for m in report["members"]} == {"张*", "李*"}
    assert all("*" in m["id_number"] for m in report["members"])
    # What the demo departments hold for the applicant and the spouse.
    kinds = {(r["member_index"], r["kind"]) for r in report["records"]}
    assert {(0, "hukou"), (0, "bank_deposits"), (0, "vehicles"), (1, "provident_fund"), (1, "vehicles")} <= kinds
    assert all(s["available"] for s in report["sources"])
    wages = comparison(report, "wages")
    assert (wages["declared"], wages["verified"], wages["consistent"]) == ("300.00", "3500.00", False)
    assert "申报 300.00，核对 3500.00" in wages["explanation"]
    assert report["consistency"] == "inconsistent" and "不一致" in report["conclusion"]
    vehicle = next(f for f in report["assessment"]["findings"] if f["code"].startswith("AST") and "车" in f["title"])
    assert vehicle["outcome"] == "fail" and "41000.00" in vehicle["explanation"]
    assert status["outcome"] == report["assessment"]["outcome"] == "ineligible"
    for record in report["records"]:
        assert "*" in record["fields"]["id_number"]
        for field in ("plate_no", "address", "certificate_no", "household_no", "name"):
            assert "*" in record["fields"].get(field, "*"), (record["kind"], field)

    # Every record looked up is logged with the authorization (and signature) that allowed it.
    lookups = db.scalars(select(CheckLookup).where(CheckLookup.check_id == status["id"])).all()
    assert len(lookups) == len(report["records"])
    authorizations = {a.member_position: a.id for a in db.scalars(
        select(Authorization).where(Authorization.application_id == application_id))}
    assert all(lookup.authorization_id == authorizations[lookup.member_position] for lookup in lookups)
    assert all(lookup.record_id is not None and lookup.source == "import" for lookup in lookups)

    pdf = client.get(f"/api/v1/checks/{status['id']}/report.pdf", headers=officer)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    verified = verify_upload(client, pdf.data).json
    assert verified["valid"] and verified["registry"]["ok"] and verified["signature"]["ok"], verified
    again = client.get(f"/api/v1/checks/{status['id']}/report.pdf", headers=officer)
    assert again.data == pdf.data   # sealed once
    code = report_of(client, officer, status["id"])["verify_code"]
    assert client.get(f"/api/v1/verify/{code}").json["status"] == "issued"
    views = db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "check.report_view", AuditEvent.object_id == str(status["id"])))
    assert views == 4


def test_the_gate_refuses_a_household_with_a_member_not_confirmed_and_queries_nothing(
        client, db, household, signing, worker, demo_files, officer, live_source):
    own, spouse, minor = household["authorizations"]
    for row, person in ((own, APPLICANT), (spouse, SPOUSE)):
        signing.sign_authorization(row["id"], person)
        assert client.post(f"/api/v1/staff/authorizations/{row['id']}/confirm", headers=worker).status_code == 200
    signing.sign_authorization(minor["id"], APPLICANT)   # signed, not yet confirmed
    department = live_source("civil_affairs")

    response = request_check(client, officer, household["application_id"])
    assert response.status_code == 409 and response.json["error"] == "AUTHORIZATION_INCOMPLETE"
    assert response.json["errors"]["members"] == ["第3位成员 张*：授权已签署、待工作人员确认"]
    assert db.scalar(select(func.count()).select_from(Check)) == 0
    assert db.scalar(select(func.count()).select_from(CheckLookup)) == 0
    assert department["queries"] == 0


@pytest.mark.parametrize("state, words", [("pending", "尚未签署"), ("rejected", "被驳回、需重新签署"),
                                          ("revoked", "已撤回"), ("expired", "已过期"), ("lapsed", "已过期")])
def test_any_consent_not_in_force_closes_the_gate_before_any_query(client, db, household, all_confirmed, demo_files,
                                                                    officer, live_source, state, words):
    """SECURITY.md: one member unsigned, rejected, revoked or expired → 409 and zero department queries.
    "lapsed": past its validity before the nightly job has marked it expired."""
    department = live_source("civil_affairs")
    own = household["authorizations"][0]
    if state == "lapsed":
        db.scalar(select(Signature).where(Signature.authorization_id == own["id"])).expires_at = utcnow()
    else:
        db.get(Authorization, own["id"]).status = state
    db.commit()
    response = request_check(client, officer, household["application_id"])
    assert response.status_code == 409 and response.json["error"] == "AUTHORIZATION_INCOMPLETE"
    assert response.json["errors"]["members"] == [f"第1位成员 张*：授权{words}"]
    assert department["queries"] == 0
    assert db.scalar(select(func.count()).select_from(CheckLookup)) == 0


@pytest.mark.parametrize("role, region", [("verification_officer", WEIBIN), ("township_worker", GAOJIA[:9] + "000")])
def test_staff_of_another_region_see_no_such_check(client, household, all_confirmed, demo_files, officer, staff, auth,
                                                   role, region):
    status = checked(client, officer, household["application_id"])
    outsider = auth(staff(role, region))
    for path in ("", "/report", "/report.pdf"):
        assert client.get(f"/api/v1/checks/{status['id']}{path}", headers=outsider).status_code == 404
    if role == "verification_officer":
        assert request_check(client, outsider, household["application_id"]).status_code == 404


def test_only_verification_officers_request_checks_and_the_body_is_validated(client, household, applicant_headers,
                                                                             worker, officer):
    assert request_check(client, applicant_headers, household["application_id"]).status_code == 403
    assert request_check(client, worker, household["application_id"]).status_code == 403
    for body, field in (({}, "application_id"), ({"application_id": "x"}, "application_id"),
                        ({"application_id": 2**63}, "application_id"),   # beyond BIGINT (found by make fuzz)
                        ({"application_id": 0}, "application_id"),
                        ({"application_id": 1, "purpose": "periodic"}, "purpose")):
        response = client.post("/api/v1/checks", json=body, headers=officer)
        assert response.status_code == 422 and field in response.json["errors"], response.json
    assert request_check(client, officer, 999999).status_code == 404


def test_a_report_is_frozen_against_later_imports(client, db, household, all_confirmed, demo_files, officer):
    status = checked(client, officer, household["application_id"])
    before = report_of(client, officer, status["id"])
    newer = f"id_number,bank,account_tail,balance,as_of\n{ID_NUMBERS[1]},中国农业银行,4821,250000.00,2026-11-30\n"
    import_file("bank_deposits", newer.encode(), actor=Actor(role="system"))
    db.commit()
    after = report_of(client, officer, status["id"])
    assert after["records"] == before["records"] and after["assessment"] == before["assessment"]
    fresh = report_of(client, officer, checked(client, officer, household["application_id"])["id"])
    assert comparison(fresh, "deposit")["verified"] == "255600.50"


def test_a_live_department_answers_over_http(client, db, household, all_confirmed, demo_files, officer, live_source):
    department = live_source("civil_affairs", {SPOUSE_ID: [
        {"benefit_type": "dibao_rural", "monthly_amount": "630.00", "since": "2024-01-01"}]})
    status = checked(client, officer, household["application_id"])
    report = report_of(client, officer, status["id"])
    assert department["queries"] == 1
    assert source(report, "civil_affairs")["available"]
    live = [r for r in report["records"] if r["kind"] == "civil_affairs"]
    assert [(r["member_index"], r["fields"]["monthly_amount"]) for r in live] == [(1, "630.00")]
    lookup = db.scalar(select(CheckLookup).where(CheckLookup.check_id == status["id"],
                                                 CheckLookup.kind == "civil_affairs"))
    assert lookup.source == "live" and lookup.record_id is None


@pytest.mark.parametrize("failure", ["down", "hangs", "nonsense"])
def test_a_department_that_fails_is_unavailable_never_nothing_found(client, household, all_confirmed, demo_files,
                                                                     officer, live_source, failure):
    department = live_source("bank_deposits", {SPOUSE_ID: [{"bank": "陕西信合", "account_tail": "5516",
                                                            "balance": "not money", "as_of": "2026-10-31"}]},
                             timeout=0.5)
    if failure == "down":
        department["DOWN"] = True
    elif failure == "hangs":
        department["DELAY"] = 2
    else:
        assert department["records"]["bank_deposits"]   # a balance that is not an amount
    started = time.monotonic()
    status = checked(client, officer, household["application_id"])
    report = report_of(client, officer, status["id"])
    if failure == "hangs":
        assert time.monotonic() - started < 5
    bank = source(report, "bank_deposits")
    assert not bank["available"] and "不可用" in bank["reason"]
    deposit = comparison(report, "deposit")
    assert deposit["verified"] is None and deposit["consistent"] is None and "未核对" in deposit["explanation"]
    assert not [r for r in report["records"] if r["kind"] == "bank_deposits"]


def test_without_a_department_file_a_kind_is_not_available(client, household, all_confirmed, officer):
    status = checked(client, officer, household["application_id"])
    report = report_of(client, officer, status["id"])
    assert not any(s["available"] for s in report["sources"])
    assert {s["reason"] for s in report["sources"]} == {"尚未导入该部门数据"}
    assert all(c["consistent"] is None for c in report["comparisons"])
    assert report["consistency"] == "not_checked" and "未能核对" in report["conclusion"]


def test_a_report_before_the_check_is_done_is_not_ready(client, db, household, all_confirmed, officer, staff):
    check = Check(application_id=household["application_id"], region_code="610324106201", purpose="application",
                  status="queued", progress=0, requested_by=staff("verification_officer", "610324000000").id,
                  requested_at=utcnow())
    db.add(check)
    db.commit()
    response = client.get(f"/api/v1/checks/{check.id}/report", headers=officer)
    assert response.status_code == 409 and response.json["error"] == "REPORT_NOT_READY"
    assert client.get(f"/api/v1/checks/{check.id}/report.pdf", headers=officer).status_code == 409


# Periodic re-checks (定期核对) ----------------------------------------------------------------

def enrol(db, application_id) -> None:
    db.get(Application, application_id).status = "approved"
    db.commit()


def run_batch(client, headers, **body) -> dict:
    body = {"region_code": "610324000000", "assistance_type": "dibao_rural"} | body
    response = client.post("/api/v1/checks/batches", json=body, headers=headers)
    assert response.status_code == 202, response.json
    batch = client.get(f"/api/v1/checks/batches/{response.json['id']}", headers=headers).json
    assert batch["status"] == "done" and batch["progress"] == 100, batch
    return batch


def test_a_periodic_recheck_reports_progress_and_a_summary(client, db, household, all_confirmed, demo_files, officer):
    application_id = household["application_id"]
    enrol(db, application_id)
    batch = run_batch(client, officer)
    assert (batch["total"], batch["done"]) == (1, 1)
    assert batch["summary"] == {"now_ineligible": 1}
    check = db.scalar(select(Check).where(Check.batch_id == batch["id"]))
    assert check.purpose == "periodic" and check.outcome == "ineligible"
    assert db.scalar(select(CheckReport).where(CheckReport.check_id == check.id)).document_id is None

    # A consent that lapsed: the household is listed, not checked, and nothing else changes.
    signature = db.scalar(select(Signature).join(Authorization).where(
        Authorization.application_id == application_id, Authorization.member_position == 1))
    signature.expires_at = utcnow() - timedelta(days=1)
    db.commit()
    lapsed = run_batch(client, officer)
    assert lapsed["summary"] == {"authorization_expired": 1, "consent_lapsed_applications": [application_id]}
    assert db.scalar(select(func.count()).select_from(Check).where(Check.batch_id == lapsed["id"])) == 0
    assert db.get(Application, application_id).status == "approved"
    assert [a.status for a in db.scalars(select(Authorization).where(
        Authorization.application_id == application_id))] == ["confirmed"] * 3


def test_a_batch_is_limited_to_the_officers_region_and_validated(client, officer, staff, auth):
    for region in ("610302000000", "610324999000"):   # another county; a division that does not exist
        response = client.post("/api/v1/checks/batches", json={"region_code": region,
                                                               "assistance_type": "dibao_rural"}, headers=officer)
        assert response.status_code == 404
    for body, field in (({"region_code": "6103", "assistance_type": "dibao_rural"}, "region_code"),
                        ({"region_code": "610324000000", "assistance_type": "x"}, "assistance_type")):
        response = client.post("/api/v1/checks/batches", json=body, headers=officer)
        assert response.status_code == 422 and field in response.json["errors"]
    empty = run_batch(client, officer)
    assert (empty["total"], empty["summary"]) == (0, {})
    assert client.get(f"/api/v1/checks/batches/{empty['id']}",
                      headers=auth(staff("verification_officer", WEIBIN))).status_code == 404


def test_a_consent_that_lapses_before_the_job_runs_fails_the_check_with_the_reason(client, db, household,
                                                                                  all_confirmed, officer, staff):
    from app.jobs import run_check

    check = Check(application_id=household["application_id"], region_code="610324106201", purpose="application",
                  status="queued", progress=0, requested_by=staff("verification_officer", "610324000000").id,
                  requested_at=utcnow())
    db.add(check)
    own = household["authorizations"][0]
    db.get(Authorization, own["id"]).status = "revoked"
    db.commit()
    run_check(check.id)
    status = client.get(f"/api/v1/checks/{check.id}", headers=officer).json
    assert status["status"] == "failed" and "授权" in status["error"]
    assert db.scalar(select(func.count()).select_from(CheckLookup)) == 0
    assert client.get(f"/api/v1/checks/{check.id}/report", headers=officer).status_code == 409


def test_without_tolerance_parameters_the_report_says_it_compared_exactly(client, db, household, all_confirmed,
                                                                         demo_files, officer):
    from sqlalchemy import delete

    from app.verification.models import PolicyParameter
    db.execute(delete(PolicyParameter).where(PolicyParameter.name.like("declaration_tolerance_%")))
    db.commit()
    report = report_of(client, officer, checked(client, officer, household["application_id"])["id"])
    assert "未设置申报与核对允许误差，按零误差比对" in report["conclusion"]
    assert "允许误差 0.00" in comparison(report, "wages")["explanation"]
