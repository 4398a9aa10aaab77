"""Every error in one envelope, with the right status, the field named, never a trace."""
import pytest

ENVELOPE = {"code", "status", "message", "error", "errors", "request_id"}


def assert_envelope(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == ENVELOPE
    assert response.json["code"] == status
    assert response.json["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/auth/staff", data='{"username": ', content_type="application/json")
    assert_envelope(response, 400)
    assert response.json["error"] == "MALFORMED_JSON"


@pytest.mark.parametrize("body", [[], "text", 42])
def test_json_that_is_not_an_object_is_422(client, body):
    assert_envelope(client.post("/api/v1/auth/staff", json=body), 422)


def test_unknown_fields_are_named(client):
    response = client.post("/api/v1/auth/staff", json={"username": "a", "password": "b", "admin": True})
    assert_envelope(response, 422)
    assert response.json["error"] == "UNKNOWN_FIELD"
    assert response.json["errors"] == {"admin": ["不允许提交此字段"]}


def test_missing_fields_are_named_in_chinese(client):
    response = client.post("/api/v1/auth/staff", json={})
    assert_envelope(response, 422)
    assert response.json["errors"] == {"username": ["必填"], "password": ["必填"]}


@pytest.mark.parametrize("body", [{"username": "a\x00b", "password": "x"}, {"username": "a", "password": "x", "\x00": 1}])
def test_nul_characters_are_refused(client, body):
    assert_envelope(client.post("/api/v1/auth/staff", json=body), 422)


def test_nul_in_the_query_string_is_refused(client):
    assert_envelope(client.get("/api/v1/regions?parent_code=6103%0000000000"), 422)


def test_unknown_path_is_404(client):
    assert_envelope(client.get("/api/v1/nowhere"), 404)


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/api/v1/auth/staff")
    assert_envelope(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("account_id", ["0", "99999999999999999999999", "-1", "abc"])
def test_out_of_range_ids_are_404_not_database_errors(client, staff, auth, account_id):
    admin = staff("admin", "610300000000")
    assert_envelope(client.get(f"/api/v1/staff/accounts/{account_id}", headers=auth(admin)), 404)


def test_oversized_json_is_413(client):
    response = client.post("/api/v1/auth/staff", data=b'{"username": "' + b"a" * (3 * 1024 * 1024) + b'"}',
                           content_type="application/json")
    assert_envelope(response, 413)


def test_unhandled_errors_are_500_in_the_envelope(client, monkeypatch):
    from app.regions import services

    def boom(_parent):
        raise RuntimeError("secret detail 610324199001011230")

    monkeypatch.setattr(services, "list_children", boom)
    response = client.get("/api/v1/regions")
    assert_envelope(response, 500)
    assert "secret" not in response.get_data(as_text=True)


def test_a_sane_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "trace-12345678"})
    assert response.headers["X-Request-ID"] == "trace-12345678"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert forged.headers["X-Request-ID"] != "<script>alert(1)</script>"


@pytest.mark.parametrize("query, field", [("?bogus=1", "bogus"), ("?=0", "_query"), ("?page=1&pagesize=5", "pagesize")])
def test_query_parameters_the_operation_does_not_declare_are_named(client, applicant_headers, query, field):
    """A misspelt filter is refused, not silently ignored (make fuzz found ?=0 accepted)."""
    response = client.get(f"/api/v1/me/messages{query}", headers=applicant_headers)
    assert_envelope(response, 422)
    assert list(response.json["errors"]) == [field], response.json
    assert client.get("/api/v1/me/messages?page=1&page_size=5", headers=applicant_headers).status_code == 200
