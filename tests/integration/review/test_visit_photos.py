"""Home-visit photos on a database with real commits: the last place taken once, the file stored whole."""
import hashlib
import io
import json
import threading

from PIL import Image
from sqlalchemy import func, select

from app.applications.services import household_of
from app.common.clock import utcnow
from app.db import session
from app.review.models import HomeVisit, VisitPhoto
from tests.factories import QINGLONG, StaffFactory, make_applicant, make_application, tokens_for


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 150, 90)).save(out, "JPEG")
    return out.getvalue()


def test_two_uploads_racing_for_the_last_place_leave_twenty(fresh_app):
    with fresh_app.app_context():
        application = make_application(make_applicant("13900000301"))
        application.snapshot = json.dumps({"members": household_of(application)}, ensure_ascii=False)
        application.commitment_sha256, application.submitted_at = "0" * 64, utcnow()
        application.status = "village_review"
        workers = [StaffFactory(fresh_app)("village_worker", QINGLONG) for _ in range(2)]
        visit = HomeVisit(application_id=application.id, visited_on=utcnow().date(), visitors='["甲", "乙"]',
                          findings="家中情况属实", recorded_by=workers[0].id, recorded_at=utcnow())
        session.add(visit)
        session.flush()
        session.add_all(VisitPhoto(visit_id=visit.id, application_id=application.id, content_type="image/jpeg",
                                   size=1, sha256="0" * 64, storage_key=f"test/race-{visit.id}-{i}.jpg",
                                   uploaded_by=workers[0].id, uploaded_at=utcnow()) for i in range(19))
        session.commit()
        url = f"/api/v1/staff/cases/{application.id}/visits/{visit.id}/photos"
        headers = [{"Authorization": f"Bearer {tokens_for(fresh_app, worker).access_token}"} for worker in workers]
        visit_id = visit.id
    start, answers = threading.Barrier(2), [None, None]

    def upload(i):
        client = fresh_app.test_client()
        start.wait()
        answers[i] = client.post(url, headers=headers[i], content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(jpeg()), "room.jpg")})

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [201, 409]
    loser = next(answer for answer in answers if answer.status_code == 409)
    assert loser.json["error"] == "TOO_MANY_PHOTOS"
    with fresh_app.app_context():
        assert session.scalar(select(func.count()).select_from(VisitPhoto).where(VisitPhoto.visit_id == visit_id)) == 20
        winner = session.get(VisitPhoto, next(a for a in answers if a.status_code == 201).json["id"])
        # What the storage holds is the re-encoded photo the row describes, under a key the server chose.
        stored = fresh_app.extensions["storage"].get(winner.storage_key)
        assert hashlib.sha256(stored).hexdigest() == winner.sha256 and len(stored) == winner.size
        assert winner.storage_key.startswith(f"visits/{visit_id}/") and stored.startswith(b"\xff\xd8\xff")
