"""Security headers on every response; no caching of anything personal."""


def test_api_responses_carry_security_headers_and_no_store(client, applicant, auth):
    response = client.get("/api/v1/me", headers=auth(applicant("13812341111")))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_errors_are_not_cached_either(client):
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_health_probes_need_no_token(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_openapi_document_and_docs_are_served(client):
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/auth/wechat" in spec.json["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger" in docs.data.lower()
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
