"""A fully authorized household whose check is done: the case waits for the village."""
import pytest

from tests.api.authorizations.conftest import all_confirmed, household, signing, worker  # noqa: F401
from tests.api.checks.conftest import demo_files, fake_department, live_source, officer, standards  # noqa: F401
from tests.factories import DUANJIA, FUFENG, QINGLONG


@pytest.fixture
def checked_case(client, household, all_confirmed, officer):
    """The application id, once its check is done and it waits for the village review."""
    response = client.post("/api/v1/checks", json={"application_id": household["application_id"]}, headers=officer)
    assert response.status_code == 202, response.json
    return household["application_id"]


@pytest.fixture
def levels(staff, auth):
    """Headers of one caseworker per level over 青龙村."""
    return {"village_review": auth(staff("village_worker", QINGLONG)),
            "township_confirmation": auth(staff("township_worker", DUANJIA)),
            "district_filing": auth(staff("district_worker", FUFENG))}
