"""Every multipart upload: the OpenAPI document declares each form field it reads, a real upload is
accepted, and a form field it does not declare is a 422 naming it."""
import io
from datetime import date

import pytest
from flask_smorest import Blueprint as SmorestBlueprint
from PIL import Image

from app.api import Blueprint
from app.datasources import services as datasources
from tests.api.applications.conftest import draft, png_bytes  # noqa: F401
from tests.api.authorizations.conftest import all_confirmed, household, signing, worker  # noqa: F401
from tests.api.checks.conftest import officer, standards  # noqa: F401
from tests.api.review.conftest import checked_case, levels  # noqa: F401
from tests.factories import request_body_schemas


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(out, "JPEG")
    return out.getvalue()


def document(request):
    application = request.getfixturevalue("draft")
    return (f"/api/v1/applications/{application['id']}/documents", request.getfixturevalue("applicant_headers"),
            {"kind": "id_card", "file": png_bytes()}, 201)


def verify(_request):
    # Any PDF gets its report; whether it is genuine is the signing tests' business.
    return "/api/v1/verify", {}, {"file": b"%PDF-1.7\n%%EOF\n"}, 200


def department_import(request):
    return ("/api/v1/datasources/bank_deposits/imports", request.getfixturevalue("officer"),
            {"file": (datasources.DEMO_DIR / "bank_deposits.csv").read_bytes()}, 201)


def visit_photo(request):
    client, case = request.getfixturevalue("client"), request.getfixturevalue("checked_case")
    caseworker = request.getfixturevalue("levels")["village_review"]
    visit = client.post(f"/api/v1/staff/cases/{case}/visits", headers=caseworker, json={
        "visited_on": date.today().isoformat(), "visitors": ["王工作人员", "赵村干部"], "findings": "与申报情况相符"})
    assert visit.status_code == 201, visit.json
    return f"/api/v1/staff/cases/{case}/visits/{visit.json['id']}/photos", caseworker, {"file": jpeg_bytes()}, 201


UPLOADS = {
    "POST /api/v1/applications/{application_id}/documents": document,
    "POST /api/v1/verify": verify,
    "POST /api/v1/datasources/{kind}/imports": department_import,
    "POST /api/v1/staff/cases/{application_id}/visits/{visit_id}/photos": visit_photo,
}


@pytest.fixture(params=sorted(UPLOADS))
def upload(request, client):
    """(url, headers, the form fields of a real upload, its status) of each multipart operation."""
    return UPLOADS[request.param](request)


def post(client, url, headers, fields):
    data = {name: (io.BytesIO(value), "upload.bin") if isinstance(value, bytes) else value
            for name, value in fields.items()}
    return client.post(url, headers=headers, data=data, content_type="multipart/form-data")


def multipart_schemas(client) -> dict[str, dict]:
    return {f"{method} {path}": schema
            for (method, path), schema in request_body_schemas(client, "multipart/form-data").items()}


def test_the_document_declares_every_form_field_of_every_upload(client):
    schemas = multipart_schemas(client)
    assert set(schemas) == set(UPLOADS)
    declared = {label: set(schema["properties"]) for label, schema in schemas.items()}
    assert declared["POST /api/v1/applications/{application_id}/documents"] == {"kind", "file"}
    assert all(schema["additionalProperties"] is False for schema in schemas.values())
    # OpenAPI 3 has no formData parameters: a form field listed as one is invisible to clients.
    spec = client.get("/api/openapi.json").json
    assert [p for ops in spec["paths"].values() for op in ops.values() if isinstance(op, dict)
            for p in op.get("parameters", []) if p["in"] not in ("path", "query", "header", "cookie")] == []


def test_a_real_upload_is_accepted(client, upload):
    url, headers, fields, status = upload
    response = post(client, url, headers, fields)
    assert response.status_code == status, response.json


@pytest.mark.parametrize("extra", [{"note": "备注"}, {"attachment": png_bytes()}], ids=["text", "file"])
def test_an_undeclared_form_field_is_a_422_naming_it(client, upload, extra):
    url, headers, fields, _status = upload
    response = post(client, url, headers, {**fields, **extra})
    assert response.status_code == 422, response.json
    assert response.json["error"] == "UNKNOWN_FIELD"
    assert response.json["errors"] == {name: ["不允许提交此字段"] for name in extra}


def test_text_under_the_name_of_the_file_is_not_read_as_the_file(client, upload):
    url, headers, fields, _status = upload
    response = post(client, url, headers, {**fields, "file": "not a file"})
    assert response.status_code == 422 and response.json["errors"] == {"file": ["应为文件"]}, response.json


def test_every_api_blueprint_is_the_project_one_that_reads_multipart_bodies_whole(app):
    api_blueprints = [bp for bp in app.blueprints.values() if isinstance(bp, SmorestBlueprint)]
    assert len(api_blueprints) >= 10
    assert [bp.name for bp in api_blueprints if not isinstance(bp, Blueprint)] == []
