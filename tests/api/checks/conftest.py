"""A fully authorized household (from the signing tests), the demo department files, a live department."""
import pytest

from app.adapters.department_data import make_sources
from app.common.actor import Actor
from app.datasources.domain import KINDS
from app.datasources.services import import_demo_files
from app.demo import load_standards
from app.devservers import BackgroundServer
from app.devservers.department import create_fake_department
from tests.api.authorizations.conftest import (all_confirmed, household, signing, worker)  # noqa: F401
from tests.factories import FUFENG

DEPARTMENT_TOKEN = "test-department-token"


@pytest.fixture
def officer(staff, auth):
    """扶风县's verification officer (the household lives in 青龙村, 段家镇, 扶风县)."""
    return auth(staff("verification_officer", FUFENG))


@pytest.fixture(autouse=True)
def standards(db):
    """The demo parameters (宝鸡市, from 2026-01-01), inherited by 扶风县 and its villages."""
    load_standards()
    db.commit()


@pytest.fixture
def demo_files(db):
    imports = import_demo_files(actor=Actor(role="system"))
    db.commit()
    return imports


@pytest.fixture(scope="session")
def fake_department():
    with BackgroundServer(create_fake_department(DEPARTMENT_TOKEN)) as server:
        server.app = server.server.app
        yield server


@pytest.fixture
def live_source(app, fake_department):
    """live_source("civil_affairs", records={...}) → that kind answered over HTTP for this test."""
    saved = app.extensions["department_sources"]
    department = fake_department.app.config

    def configure(kind, records=None, *, timeout=2.0):
        department.update(records={kind: records or {}}, DOWN=False, DELAY=0, queries=0)
        app.extensions["department_sources"] = make_sources(f"{kind}={fake_department.url}", kinds=KINDS,
                                                            token=DEPARTMENT_TOKEN, timeout=timeout)
        return department

    yield configure
    app.extensions["department_sources"] = saved
    department.update(records={}, DOWN=False, DELAY=0)
