"""Dashboards through the API: the JSON, the region scope, the charts as PNG, who may look."""
import io
import json

import pytest
from PIL import Image

from app.applications.services import household_of
from app.common.clock import utcnow
from tests.factories import BAOJI, DUANJIA, FUFENG, GAOJIA, QINGLONG, WEIBIN, make_applicant, make_application

STATS = "/api/v1/staff/stats"
CHART = "/api/v1/staff/stats/chart.png"


@pytest.fixture
def open_case(db):
    """A case waiting for the village review in 青龙村."""
    application = make_application(make_applicant("13900000401"))
    application.snapshot = json.dumps({"members": household_of(application)}, ensure_ascii=False)
    application.commitment_sha256, application.submitted_at = "0" * 64, utcnow()
    application.status = "village_review"
    db.commit()
    return application


@pytest.fixture
def district(staff, auth):
    return auth(staff("district_worker", FUFENG))


def test_the_dashboard_of_my_division(client, open_case, district):
    response = client.get(STATS, headers=district)
    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) == {"region_code", "region_name", "as_of", "due_within", "open", "decision_times", "monthly",
                         "period", "warnings"}
    assert body["region_code"] == FUFENG and body["due_within"] == 3
    assert set(body["open"]) == {"total", "overdue", "due_soon", "by_stage", "by_type"}
    assert body["open"]["total"] == 1
    stage = next(row for row in body["open"]["by_stage"] if row["code"] == "village_review")
    assert stage == {"code": "village_review", "label": "村（居）审核", "count": 1, "overdue": 0, "due_soon": 0}
    assert [row["code"] for row in body["decision_times"]] == ["dibao_urban", "dibao_rural", "tekun", "low_income",
                                                               "temporary"]
    assert all(row["average_working_days"] is None for row in body["decision_times"])
    assert len(body["monthly"]) == 12 and body["monthly"][-1]["amount"] == "0.00"
    assert body["period"]["end"] == body["as_of"] and body["period"]["start"].endswith("-01")


@pytest.mark.parametrize("role, region, query, status", [
    ("district_worker", FUFENG, f"?region_code={DUANJIA}", 200),     # a township beneath me
    ("auditor", BAOJI, f"?region_code={WEIBIN}", 200),
    ("verification_officer", FUFENG, "", 200),
    ("township_worker", DUANJIA, "", 200),
    ("village_worker", QINGLONG, "", 200),
    ("district_worker", FUFENG, f"?region_code={WEIBIN}", 404),      # another district
    ("village_worker", QINGLONG, f"?region_code={FUFENG}", 404),     # above my own division
    ("village_worker", GAOJIA, f"?region_code={QINGLONG}", 404),
    ("district_worker", FUFENG, "?region_code=610324999999", 404),   # no such division
    ("admin", BAOJI, "", 403),
])
def test_who_may_look_and_where(client, staff, auth, role, region, query, status):
    response = client.get(STATS + query, headers=auth(staff(role, region)))
    assert response.status_code == status, response.json
    if status == 404:
        assert response.json["message"]


def test_an_applicant_may_not_look(client, applicant_headers):
    assert client.get(STATS, headers=applicant_headers).status_code == 403


@pytest.mark.parametrize("query, field", [
    ("?region_code=6103", "region_code"),
    ("?region_code=abcdefghijkl", "region_code"),
    ("?due_within=-1", "due_within"),
    ("?due_within=61", "due_within"),
    ("?due_within=soon", "due_within"),
])
def test_bad_queries_name_the_field(client, district, query, field):
    response = client.get(STATS + query, headers=district)
    assert response.status_code == 422 and field in json.dumps(response.json["errors"])


def decoded(response) -> Image.Image:
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.data))
    image.load()
    return image


@pytest.mark.parametrize("chart", ["stages", "types", "monthly"])
def test_each_chart_is_a_png(client, open_case, district, chart):
    image = decoded(client.get(f"{CHART}?chart={chart}", headers=district))
    assert image.size == (800, 450)


@pytest.mark.parametrize("chart", ["stages", "monthly"])
def test_a_chart_without_data_still_renders(client, staff, auth, chart):
    image = decoded(client.get(f"{CHART}?chart={chart}&region_code={GAOJIA}", headers=auth(staff("auditor", BAOJI))))
    assert image.size == (800, 450)


@pytest.mark.parametrize("query", ["?chart=pie", "", "?chart="])
def test_a_bad_chart_name_is_422_naming_chart(client, district, query):
    response = client.get(CHART + query, headers=district)
    assert response.status_code == 422 and "chart" in response.json["errors"]


def test_a_chart_of_another_region_is_404(client, district):
    response = client.get(f"{CHART}?chart=stages&region_code={WEIBIN}", headers=district)
    assert response.status_code == 404
