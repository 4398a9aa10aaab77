"""Public notice (公示) of approved cases, masked; objections flag the case until answered."""
import json
from datetime import date
from decimal import Decimal

import pytest

from app.verification.models import PolicyParameter
from tests.api.review.test_decisions import approve_all_the_way
from tests.factories import FUFENG


def test_an_approval_is_published_masked_and_an_objection_flags_the_case(client, checked_case, levels):
    granted = approve_all_the_way(client, levels, checked_case)
    notices = client.get("/api/v1/public/notices?region_code=610324000000")
    assert notices.status_code == 200 and len(notices.json) == 1
    notice = notices.json[0]
    assert notice["name"] == "张*" and notice["village"] and notice["amount"] == granted["amount"]
    assert notice["household_size"] == 3 and notice["assistance_type"] == "dibao_rural"
    text = json.dumps(notices.json, ensure_ascii=False)
    for secret in ("610324199001011230", "13800000001", "张三"):
        assert secret not in text

    objection = client.post(f"/api/v1/public/notices/{notice['id']}/objections",
                            json={"content": "该户家中有一辆小轿车，不符合条件，请核实。"})
    assert objection.status_code == 201
    district = levels["district_filing"]
    flagged = client.get("/api/v1/staff/cases?flagged=true", headers=district).json
    assert [(row["id"], row["status"], row["open_objections"]) for row in flagged] == [(checked_case, "approved", 1)]
    file = client.get(f"/api/v1/staff/cases/{checked_case}", headers=district).json
    assert file["objections"][0]["answer"] is None and "小轿车" in file["objections"][0]["content"]
    url = f"/api/v1/staff/cases/{checked_case}/objections/{objection.json['id']}/answer"
    answered = client.post(url, json={"answer": "经核查，该车辆已于2025年过户，维持原决定。"}, headers=district)
    assert answered.status_code == 200 and answered.json["answered_at"]
    assert client.post(url, json={"answer": "再次答复一下"}, headers=district).status_code == 409
    assert client.get("/api/v1/staff/cases?flagged=true", headers=district).json == []


def test_a_region_may_turn_the_notice_off(client, db, checked_case, levels):
    db.add(PolicyParameter(region_code=FUFENG, name="public_notice_days", value=Decimal("0"),
                           effective_from=date(2026, 1, 1)))
    db.commit()
    approve_all_the_way(client, levels, checked_case)
    assert client.get("/api/v1/public/notices?region_code=610324000000").json == []


@pytest.mark.parametrize("url, body, status", [
    ("/api/v1/public/notices?region_code=999999999999", None, 404),
    ("/api/v1/public/notices?region_code=61", None, 422),
    ("/api/v1/public/notices/999999/objections", {"content": "这户人家条件很好，不应享受低保"}, 404),
    ("/api/v1/public/notices/1/objections", {"content": "短"}, 422),
])
def test_bad_notice_requests(client, db, url, body, status):
    response = client.post(url, json=body) if body else client.get(url)
    assert response.status_code == status
