"""Home-visit photos through the API: upload, list in the file, download, and every refusal."""
import hashlib
import io
import json
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.common.clock import utcnow
from app.review.models import HomeVisit, VisitPhoto
from tests.factories import FUFENG, GAOJIA, QINGLONG, make_applicant, make_application

VISIT = {"visited_on": date.today().isoformat(), "visitors": ["王工作人员", "赵村干部"],
         "findings": "房屋简陋，家中无大件电器，与申报情况相符"}


def image(fmt="JPEG", size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(out, fmt)
    return out.getvalue()


def photos_url(application_id, visit_id) -> str:
    return f"/api/v1/staff/cases/{application_id}/visits/{visit_id}/photos"


def upload(client, headers, application_id, visit_id, content=None, name="room.jpg"):
    return client.post(photos_url(application_id, visit_id), headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(image() if content is None else content), name)})


def photo_count(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(VisitPhoto))


@pytest.fixture
def caseworker(levels):
    return levels["village_review"]


@pytest.fixture
def visit(client, checked_case, caseworker) -> int:
    response = client.post(f"/api/v1/staff/cases/{checked_case}/visits", json=VISIT, headers=caseworker)
    assert response.status_code == 201 and response.json["photos"] == []
    return response.json["id"]


def test_photos_are_uploaded_listed_in_the_file_and_downloaded(client, db, checked_case, visit, caseworker, levels):
    jpeg = upload(client, caseworker, checked_case, visit)
    assert jpeg.status_code == 201, jpeg.json
    assert set(jpeg.json) == {"id", "content_type", "size", "uploaded_at"} and jpeg.json["content_type"] == "image/jpeg"
    png = upload(client, levels["township_confirmation"], checked_case, visit, image("PNG"), "room.png")
    assert png.status_code == 201 and png.json["content_type"] == "image/png"

    file = client.get(f"/api/v1/staff/cases/{checked_case}", headers=caseworker).json
    assert [p["id"] for p in file["visits"][0]["photos"]] == [jpeg.json["id"], png.json["id"]]
    listed = file["visits"][0]["photos"][0]
    assert {key: listed[key] for key in ("id", "content_type", "size")} == {
        key: jpeg.json[key] for key in ("id", "content_type", "size")} and listed["uploaded_at"]

    download = client.get(f"{photos_url(checked_case, visit)}/{jpeg.json['id']}", headers=caseworker)
    assert download.status_code == 200 and download.mimetype == "image/jpeg"
    assert download.headers["Cache-Control"] == "no-store"
    stored = db.get(VisitPhoto, jpeg.json["id"])
    assert hashlib.sha256(download.data).hexdigest() == stored.sha256 and len(download.data) == stored.size
    assert Image.open(io.BytesIO(download.data)).size == (64, 48)
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("case.visit_photo%"))).all()
    assert sorted(actions) == ["case.visit_photo", "case.visit_photo", "case.visit_photo_view"]


def test_readers_who_are_not_caseworkers_may_look_but_not_upload(client, checked_case, visit, caseworker, staff,
                                                                  auth):
    photo = upload(client, caseworker, checked_case, visit).json
    auditor = auth(staff("auditor", FUFENG))
    assert upload(client, auditor, checked_case, visit).status_code == 403
    assert client.get(f"{photos_url(checked_case, visit)}/{photo['id']}", headers=auditor).status_code == 200


def test_metadata_is_stripped_as_from_evidence(client, checked_case, visit, caseworker):
    original = Image.new("RGB", (64, 48), (120, 90, 60))
    exif = original.getexif()
    exif[0x010F] = "PhoneMaker"          # Make
    out = io.BytesIO()
    original.save(out, "JPEG", exif=exif)
    photo = upload(client, caseworker, checked_case, visit, out.getvalue()).json
    download = client.get(f"{photos_url(checked_case, visit)}/{photo['id']}", headers=caseworker)
    assert b"PhoneMaker" in out.getvalue() and b"PhoneMaker" not in download.data


@pytest.mark.parametrize("content, name, status", [
    (b"GIF89a" + b"\x00" * 50, "room.gif", 415),
    (b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "report.pdf", 415),     # evidence may be a PDF, a photo may not
    (b"\xff\xd8\xff" + b"broken", "room.jpg", 422),
    (b"", "empty.jpg", 422),
    (b"\x89PNG\r\n\x1a\n" + b"x" * (10 * 1024 * 1024), "big.png", 413),
])
def test_wrong_files_are_refused_and_nothing_is_saved(client, db, checked_case, visit, caseworker, content, name,
                                                      status):
    response = upload(client, caseworker, checked_case, visit, content, name)
    assert response.status_code == status, response.json
    assert "file" in response.json["errors"] and response.json["message"]
    assert photo_count(db) == 0


def test_a_request_without_a_file_names_the_field(client, db, checked_case, visit, caseworker):
    response = client.post(photos_url(checked_case, visit), headers=caseworker, data={},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in json.dumps(response.json["errors"])
    assert photo_count(db) == 0


def test_a_visit_takes_at_most_twenty_photos(client, db, checked_case, visit, caseworker):
    for _ in range(20):
        assert upload(client, caseworker, checked_case, visit).status_code == 201
    response = upload(client, caseworker, checked_case, visit)
    assert response.status_code == 409 and response.json["error"] == "TOO_MANY_PHOTOS"
    assert "20" in response.json["message"] and "file" in response.json["errors"]
    assert photo_count(db) == 20


def test_no_photo_once_the_case_is_closed_but_those_taken_stay_readable(client, checked_case, visit, caseworker,
                                                                      applicant_headers):
    photo = upload(client, caseworker, checked_case, visit).json
    assert client.post(f"/api/v1/applications/{checked_case}/withdraw", headers=applicant_headers).status_code == 200
    response = upload(client, caseworker, checked_case, visit)
    assert response.status_code == 409 and response.json["error"] == "NOT_THIS_STEP"
    assert "办结" in response.json["message"] and "status" in response.json["errors"]
    assert client.get(f"{photos_url(checked_case, visit)}/{photo['id']}", headers=caseworker).status_code == 200


def test_staff_of_another_region_get_404(client, db, checked_case, visit, caseworker, staff, auth):
    photo = upload(client, caseworker, checked_case, visit).json
    outsider = auth(staff("village_worker", GAOJIA))
    assert upload(client, outsider, checked_case, visit).status_code == 404
    assert client.get(f"{photos_url(checked_case, visit)}/{photo['id']}", headers=outsider).status_code == 404
    assert photo_count(db) == 1


def test_a_visit_or_photo_of_another_case_is_not_found(client, db, checked_case, visit, caseworker, staff):
    other = make_application(make_applicant("13800000099"))     # a case of the same village
    foreign = HomeVisit(application_id=other.id, visited_on=date.today(), visitors=json.dumps(["甲", "乙"]),
                        findings="另一户的入户调查", recorded_by=staff("village_worker", QINGLONG).id,
                        recorded_at=utcnow())
    db.add(foreign)
    db.commit()
    assert upload(client, caseworker, checked_case, foreign.id).status_code == 404      # another case's visit
    assert upload(client, caseworker, checked_case, 10**9).status_code == 404            # no such visit
    photo = upload(client, caseworker, checked_case, visit).json
    assert client.get(f"{photos_url(checked_case, foreign.id)}/{photo['id']}", headers=caseworker).status_code == 404
    assert client.get(f"{photos_url(checked_case, visit)}/{10**9}", headers=caseworker).status_code == 404
    assert photo_count(db) == 1
