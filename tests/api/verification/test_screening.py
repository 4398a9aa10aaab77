"""POST /api/v1/screening: an explained estimate on what was typed, with the standards in force."""
from datetime import date
from decimal import Decimal

import pytest

from app.verification import services as verification_services
from app.verification.models import PolicyParameter
from tests.factories import FUFENG, QINGLONG, application_payload, member

TODAY = date(2026, 3, 1)
STANDARDS = {
    "dibao_urban_standard": "830.00", "dibao_rural_standard": "630.00", "support_exempt_age": "70",
    "employment_cost_deduction": "150.00", "financial_assets_months": "24", "vehicle_value_limit": "30000.00",
    "home_count_limit": "1", "home_area_per_person_limit": "60.00", "business_capital_limit": "50000.00",
    "single_household_multiple": "2", "gradual_exit_multiple": "2", "gradual_exit_months": "6",
}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(verification_services, "today_in_china", lambda: TODAY)


@pytest.fixture
def standards(db):
    """扶风县 sets the standards; 青龙村 inherits them."""
    for name, value in STANDARDS.items():
        db.add(PolicyParameter(region_code=FUFENG, name=name, value=Decimal(value), effective_from=date(2026, 1, 1),
                               source="测试"))
    db.commit()


def body(**changes) -> dict:
    payload = application_payload()
    return {"assistance_type": payload["assistance_type"], "region_code": payload["region_code"],
            "household": payload["household"], "declared": payload["declared"], **changes}


def test_applicant_gets_an_explained_estimate(client, applicant_headers, standards):
    response = client.post("/api/v1/screening", json=body(), headers=applicant_headers)
    assert response.status_code == 200, response.json
    result = response.json
    assert (result["outcome"], result["eligible"]) == ("eligible", True)
    assert (result["per_capita_income"], result["suggested_monthly_amount"]) == ("300.00", "330.00")
    assert result["counted_members"] == [0]
    assert result["disclaimer"] == "此为根据您填写的信息进行的估算，以正式核对结果为准"
    test = next(f for f in result["findings"] if f["code"] == "ELG-001")
    assert test["outcome"] == "pass"
    assert "月人均收入 300.00 元 < 当地农村低保标准 630.00 元/人·月" in test["explanation"]
    assert f"区划 {FUFENG} 规定，2026-01-01 起执行" in test["explanation"]
    assert set(test) == {"code", "title", "outcome", "explanation"}


def test_staff_may_screen_too(client, staff, auth, standards):
    headers = auth(staff("village_worker", QINGLONG))
    assert client.post("/api/v1/screening", json=body(), headers=headers).status_code == 200


def test_without_standards_the_estimate_is_undetermined(client, applicant_headers):
    result = client.post("/api/v1/screening", json=body(), headers=applicant_headers).json
    assert (result["outcome"], result["eligible"], result["suggested_monthly_amount"]) == ("undetermined", None, None)
    assert any(f["outcome"] == "missing" and "dibao_rural_standard" in f["explanation"] for f in result["findings"])


def test_support_from_a_parent_over_70_is_exempted(client, applicant_headers, standards):
    household = {"members": [member(disability_grade=1, employment="unable_to_work"),
                             member(name="张父", id_number=None, relation="parent", phone=None, employment="retired")]}
    declared = {"incomes": [{"member_index": 1, "kind": "pension_transfer", "monthly_amount": "1800.00"},
                            {"member_index": 0, "kind": "support", "monthly_amount": "500.00", "supporter_age": 78}]}
    result = client.post("/api/v1/screening", json=body(household=household, declared=declared),
                         headers=applicant_headers).json
    assert (result["outcome"], result["counted_members"], result["suggested_monthly_amount"]) == (
        "eligible", [0], "630.00")


@pytest.mark.parametrize("changes, field", [
    pytest.param({"assistance_type": "housing"}, "assistance_type", id="unknown assistance type"),
    pytest.param({"region_code": "6103"}, "region_code", id="region code not 12 digits"),
    pytest.param({"household": {"members": []}}, "household.members", id="no members"),
    pytest.param({"declared": {"incomes": [{"member_index": 3, "kind": "wages", "monthly_amount": "10.00"}]}},
                 "declared.incomes.0.member_index", id="income of a member who does not exist"),
    pytest.param({"declared": {"incomes": [{"member_index": 0, "kind": "wages", "monthly_amount": 10.5}]}},
                 "declared.incomes.0.monthly_amount", id="money as a JSON number"),
])
def test_bad_body_is_422_with_the_field_named(client, applicant_headers, changes, field):
    response = client.post("/api/v1/screening", json=body(**changes), headers=applicant_headers)
    assert response.status_code == 422
    assert field in response.json["errors"], response.json["errors"]


def test_anonymous_is_401(client):
    assert client.post("/api/v1/screening", json=body()).status_code == 401


def test_unknown_region_is_404(client, applicant_headers):
    response = client.post("/api/v1/screening", json=body(region_code="610324106299"), headers=applicant_headers)
    assert response.status_code == 404


def test_standards_endpoint_still_answers(client, standards):
    response = client.get(f"/api/v1/policy/standards?region_code={QINGLONG}&on=2026-03-01")
    assert response.status_code == 200
    values = {p["name"]: p["value"] for p in response.json["parameters"]}
    assert values["dibao_rural_standard"] == "630.00"
