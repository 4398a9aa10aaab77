"""Hostile files through every upload of the API: oversized, pixel floods, polyglots, SVG with script.

Each is refused with its 4xx, a Chinese message and the field named, and nothing is saved: no
row, no stored file, no signature. tests/unit/common/test_uploads.py covers the inspection itself;
this shows that no upload path skips it.
"""
import base64
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.applications.models import Document
from app.authorizations.models import Signature
from app.common.clock import utcnow
from app.datasources import services as datasources
from app.datasources.models import DataImport, DepartmentRecord
from app.documents.models import SealedDocument
from app.review.models import HomeVisit, VisitPhoto
from tests.api.applications.conftest import png_bytes
from tests.api.authorizations.conftest import SPOUSE, household, sign_body, signature_png, signing  # noqa: F401
from tests.api.authorizations.test_signing_rules import assert_nothing_saved
from tests.factories import FUFENG, GAOJIA, make_application
from tests.unit.common.test_uploads import pixel_flood_png

MB = 1024 * 1024
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>fetch('/api/v1/me').then(r => r.text()).then(alert)</script></svg>")
# Image magic in front, a PDF with a script behind: whichever parser looks, one of them is fooled.
JPEG_PDF = b"\xff\xd8\xff\xe0" + b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF"
PNG_HTML = b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(document.cookie)</script></html>"
FILES = {
    "pixel flood beyond Pillow's limit": lambda: pixel_flood_png(20_000, 20_000),
    "pixel flood under Pillow's limit": lambda: pixel_flood_png(5_000, 5_000),
    "jpeg/pdf polyglot": lambda: JPEG_PDF,
    "png/html polyglot": lambda: PNG_HTML,
    "svg with script": lambda: SVG,
}


def multipart(client, url, headers, content, name="upload.bin"):
    return client.post(url, headers=headers, data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def stored_files(app) -> int:
    return sum(1 for path in Path(app.config["UPLOAD_DIR"]).rglob("*") if path.is_file())


def count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


class Endpoint:
    """One upload path: how to post a file to it, which field names the file, and what it saves."""

    named = ("file",)   # the field an answer names
    too_large = 10 * MB + 1   # one byte over the path's own limit
    cut_off = 12 * MB         # past the request body limit: refused before the body is read
    # The status of each hostile file, where it differs from the image uploads'.
    statuses = {"pixel flood beyond Pillow's limit": 422, "pixel flood under Pillow's limit": 422,
                "jpeg/pdf polyglot": 422, "png/html polyglot": 422, "svg with script": 415}

    def __init__(self, request):
        self.client, self.db, self.app = (request.getfixturevalue(name) for name in ("client", "db", "app"))

    def saved(self) -> tuple:
        return (stored_files(self.app),)

    def padded(self, size: int) -> bytes:
        return png_bytes() + bytes(size - len(png_bytes()))


class Documents(Endpoint):
    def __init__(self, request):
        super().__init__(request)
        owner = request.getfixturevalue("applicant")("13800000088")
        self.headers = request.getfixturevalue("auth")(owner)
        self.url = f"/api/v1/applications/{make_application(owner).id}/documents"

    def post(self, content):
        return self.client.post(self.url, headers=self.headers, content_type="multipart/form-data",
                                data={"kind": "id_card", "file": (io.BytesIO(content), "evidence.png")})

    def saved(self):
        return super().saved() + (count(self.db, Document),)


class VisitPhotos(Endpoint):
    def __init__(self, request):
        super().__init__(request)
        staff, auth = request.getfixturevalue("staff"), request.getfixturevalue("auth")
        worker = staff("village_worker", GAOJIA)
        application = make_application(request.getfixturevalue("applicant")("13800000077"), region=GAOJIA)
        visit = HomeVisit(application_id=application.id, visited_on=utcnow().date(), visitors='["甲", "乙"]',
                          findings="家中情况属实", recorded_by=worker.id, recorded_at=utcnow())
        self.db.add(visit)
        self.db.commit()
        self.headers = auth(worker)
        self.url = f"/api/v1/staff/cases/{application.id}/visits/{visit.id}/photos"

    def post(self, content):
        return multipart(self.client, self.url, self.headers, content, "room.jpg")

    def saved(self):
        return super().saved() + (count(self.db, VisitPhoto),)


class Signatures(Endpoint):
    """POST /sign/{token}: the handwritten signature as Base64 PNG inside the JSON body."""

    named = ("signature.png_base64",)
    too_large = MB + 1
    cut_off = 3 * MB   # a JSON body over MAX_JSON_BYTES
    # PNG only (a JPEG is another type); over 4096 px a side is too large, as SECURITY.md words it.
    statuses = {**Endpoint.statuses, "jpeg/pdf polyglot": 415, "pixel flood under Pillow's limit": 413}

    def __init__(self, request):
        super().__init__(request)
        steps = request.getfixturevalue("signing")
        self.authorization_id = request.getfixturevalue("household")["authorizations"][1]["id"]
        self.token = steps.link(self.authorization_id)
        self.code = steps.code(self.token, SPOUSE["phone"])

    def post(self, content):
        signature = {"png_base64": base64.b64encode(content).decode()}
        return self.client.post(f"/api/v1/sign/{self.token}", json=sign_body(SPOUSE, self.code, signature=signature))

    def padded(self, size):
        return signature_png() + bytes(size - len(signature_png()))

    def saved(self):
        return super().saved() + (count(self.db, Signature), count(self.db, SealedDocument))

    def check_nothing_saved(self):
        assert_nothing_saved(self.db, self.authorization_id, self.token)
        # and the code was not spent: the real signature still goes through
        assert self.client.post(f"/api/v1/sign/{self.token}", json=sign_body(SPOUSE, self.code)).status_code == 201


class DepartmentImports(Endpoint):
    """A department CSV; its limit (50 MB) is lowered here so the test stays quick."""

    named = ("file", "header")   # text whose first line is no header of the layout: the header is named
    too_large = 64 * 1024 + 1
    cut_off = 64 * 1024 + 2 * MB   # past the limit plus the 1 MB of multipart slack the route allows
    statuses = {name: 422 for name in FILES}

    def __init__(self, request):
        super().__init__(request)
        request.getfixturevalue("monkeypatch").setitem(self.app.config, "DATASOURCE_MAX_BYTES", 64 * 1024)
        self.headers = request.getfixturevalue("auth")(request.getfixturevalue("staff")("verification_officer",
                                                                                         FUFENG))

    def post(self, content):
        return multipart(self.client, "/api/v1/datasources/bank_deposits/imports", self.headers, content, "bank.csv")

    def padded(self, size):
        rows = (datasources.DEMO_DIR / "bank_deposits.csv").read_bytes()
        return rows + b"\n" * (size - len(rows))

    def saved(self):
        return super().saved() + (count(self.db, DataImport), count(self.db, DepartmentRecord))


class Verification(Endpoint):
    """POST /verify: anyone may check a PDF; nothing else is read, and nothing is kept."""

    statuses = {name: 422 for name in FILES}

    def post(self, content):
        return multipart(self.client, "/api/v1/verify", {}, content, "sealed.pdf")

    def padded(self, size):
        return b"%PDF-1.7\n" + bytes(size - 16) + b"\n%%EOF\n"

    def saved(self):
        return super().saved() + (count(self.db, SealedDocument),)


ENDPOINTS = {"documents": Documents, "visit photos": VisitPhotos, "signatures": Signatures,
             "department imports": DepartmentImports, "verify": Verification}


@pytest.fixture(params=sorted(ENDPOINTS))
def endpoint(request):
    return ENDPOINTS[request.param](request)


def assert_refused(endpoint, response, status, *, field=True):
    assert response.status_code == status, response.json
    assert CHINESE.search(response.json["message"]), response.json
    if field:
        named = [name for name in endpoint.named if response.json["errors"].get(name)]
        assert named, response.json
        assert all(CHINESE.search(message) for name in named for message in response.json["errors"][name])


def check_nothing_saved(endpoint, before):
    assert endpoint.saved() == before
    if hasattr(endpoint, "check_nothing_saved"):
        endpoint.check_nothing_saved()


@pytest.mark.parametrize("hostile", sorted(FILES))
def test_hostile_files_are_refused_and_nothing_is_saved(endpoint, hostile):
    before = endpoint.saved()
    response = endpoint.post(FILES[hostile]())
    assert_refused(endpoint, response, endpoint.statuses[hostile])
    check_nothing_saved(endpoint, before)


def test_a_file_one_byte_over_the_limit_is_413_naming_the_field(endpoint):
    before = endpoint.saved()
    assert_refused(endpoint, endpoint.post(endpoint.padded(endpoint.too_large)), 413)
    check_nothing_saved(endpoint, before)


def test_a_body_far_over_the_limit_is_cut_off_with_413(endpoint):
    before = endpoint.saved()
    assert_refused(endpoint, endpoint.post(endpoint.padded(endpoint.cut_off)), 413, field=False)
    check_nothing_saved(endpoint, before)


@pytest.mark.parametrize("endpoint_name", ["documents", "visit photos", "signatures"])
def test_a_real_image_carrying_a_payload_is_kept_only_re_encoded(request, endpoint_name):
    """The other kind of polyglot: a valid image with a script or an archive after its end."""
    endpoint = ENDPOINTS[endpoint_name](request)
    payload = b"<script>alert(1)</script>PK\x03\x04 polyglot payload"
    image = signature_png() if endpoint_name == "signatures" else png_bytes()
    response = endpoint.post(image + payload)
    assert response.status_code == 201, response.json
    if endpoint_name == "signatures":
        stored = endpoint.db.scalar(select(Signature.image)
                                    .where(Signature.authorization_id == endpoint.authorization_id))
    else:
        stored = endpoint.client.get(f"{endpoint.url}/{response.json['id']}", headers=endpoint.headers).data
    assert stored.startswith(b"\x89PNG") and b"polyglot payload" not in stored and b"<script>" not in stored
