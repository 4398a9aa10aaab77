"""A live department source over HTTP: answers, timeouts, retries and the circuit breaker."""
import time

import pybreaker
import pytest

from app.adapters.department_data import HttpDepartmentSource, SourceUnavailable, make_sources
from app.datasources.domain import KINDS
from app.devservers import BackgroundServer
from app.devservers.department import create_fake_department

ID, OTHER = "610324199001011230", "610302198503150027"
TOKEN = "dept-token"


@pytest.fixture
def department():
    records = {"vehicles": {ID: [{"plate_no": "陕C12345", "assessed_value": "30000.00"}]}}
    with BackgroundServer(create_fake_department(TOKEN, records)) as server:
        yield server


def source(department, **kwargs) -> HttpDepartmentSource:
    return HttpDepartmentSource("vehicles", department.url, token=TOKEN, **kwargs)


def test_records_come_back_by_id_number_and_none_is_an_empty_list(department):
    found = source(department).lookup([ID, OTHER])
    assert found == {ID: [{"id_number": ID, "plate_no": "陕C12345", "assessed_value": "30000.00"}], OTHER: []}


@pytest.mark.parametrize("setting,value", [("DOWN", True), ("DELAY", 1.5)], ids=["down", "hangs"])
def test_a_failing_department_is_unavailable_not_empty(department, setting, value):
    department.server.app.config[setting] = value
    started = time.monotonic()
    with pytest.raises(SourceUnavailable):
        source(department, timeout=0.5, retries=0).lookup([ID])
    assert time.monotonic() - started < 1.4   # the timeout, not the department's delay


def test_a_wrong_token_is_unavailable(department):
    with pytest.raises(SourceUnavailable):
        HttpDepartmentSource("vehicles", department.url, token="wrong", retries=0).lookup([ID])


def test_the_breaker_opens_after_repeated_failures_and_spares_the_department(department):
    department.server.app.config["DOWN"] = True
    breaker = pybreaker.CircuitBreaker(fail_max=2, reset_timeout=60)
    live = source(department, retries=0, breaker=breaker)
    for _ in range(4):
        with pytest.raises(SourceUnavailable):
            live.lookup([ID])
    assert department.server.app.config["queries"] == 2 and breaker.current_state == "open"


def test_retries_ride_over_one_bad_answer(department):
    app = department.server.app
    real = app.view_functions["query"]
    calls = {"n": 0}

    def flaky():
        calls["n"] += 1
        if calls["n"] == 1:
            return "busy", 503
        return real()

    app.view_functions["query"] = flaky
    assert source(department, retries=2).lookup([ID])[ID][0]["plate_no"] == "陕C12345"


def test_sources_are_configured_by_kind():
    sources = make_sources("vehicles=http://dept.example/a/, real_estate=http://dept.example/b", kinds=KINDS, token="t")
    assert sorted(sources) == ["real_estate", "vehicles"] and sources["vehicles"].url == "http://dept.example/a/records/query"


@pytest.mark.parametrize("spec", ["cars=http://dept.example/a", "vehicles", "vehicles=", "=http://dept.example/a"])
def test_a_mistaken_source_list_stops_the_start(spec):
    with pytest.raises(ValueError, match="DEPARTMENT_SOURCES"):
        make_sources(spec, kinds=KINDS)


def test_no_sources_is_fine():
    assert make_sources(" , ", kinds=KINDS) == {}
