"""Use cases of home-visit photos (入户调查照片): upload to a visit, list, download (audited)."""
from sqlalchemy import func, select

from app.adapters.storage import new_key
from app.applications.domain import STAGE_TEXT, Status
from app.applications.models import Application
from app.applications.services import get_application
from app.audit import services as audit
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import Conflict, NotFound
from app.db import session
from app.review.models import HomeVisit, VisitPhoto
from app.review.photo_rules import MAX_PHOTOS_PER_VISIT, inspect_photo, open_for_photos, room_for_photo


class CaseClosed(Conflict):
    error = "NOT_THIS_STEP"
    message = "案件已办结，不能再上传入户调查照片"


class TooManyPhotos(Conflict):
    error = "TOO_MANY_PHOTOS"
    message = f"每次入户调查最多上传 {MAX_PHOTOS_PER_VISIT} 张照片"


def photo_json(photo: VisitPhoto) -> dict:
    return {"id": photo.id, "content_type": photo.content_type, "size": photo.size,
            "uploaded_at": photo.uploaded_at}


def visit_photos(visit_id: int) -> list[dict]:
    return [photo_json(photo) for photo in session.scalars(
        select(VisitPhoto).where(VisitPhoto.visit_id == visit_id).order_by(VisitPhoto.id))]


def _visit_of(application: Application, visit_id: int, *, for_update: bool = False) -> HomeVisit:
    """A visit of this case; another case's visit answers like a missing one."""
    query = select(HomeVisit).where(HomeVisit.id == visit_id, HomeVisit.application_id == application.id)
    visit = session.scalar(query.with_for_update() if for_update else query)
    if visit is None:
        raise NotFound("入户调查记录不存在")
    return visit


def add_visit_photo(application_id: int, visit_id: int, content: bytes, *, actor: Actor, storage) -> dict:
    """Checked by its bytes like evidence, at most MAX_PHOTOS_PER_VISIT, while the case is open."""
    application = get_application(application_id, actor=actor)
    # The visit's row lock queues uploads to one visit, so two at once cannot both take the last place.
    visit = _visit_of(application, visit_id, for_update=True)
    if not open_for_photos(application.status):
        raise CaseClosed(errors={"status": [STAGE_TEXT[Status(application.status)]]})
    count = session.scalar(select(func.count()).select_from(VisitPhoto).where(VisitPhoto.visit_id == visit.id))
    if not room_for_photo(count):
        raise TooManyPhotos(errors={"file": [f"该次入户调查已有 {count} 张照片，不能再上传"]})
    clean = inspect_photo(content)
    key = new_key(f"visits/{visit.id}", clean.extension)
    photo = VisitPhoto(visit_id=visit.id, application_id=application.id, content_type=clean.content_type,
                       size=clean.size, sha256=clean.sha256, storage_key=key, uploaded_by=actor.account_id,
                       uploaded_at=utcnow())
    session.add(photo)
    session.flush()
    audit.record("case.visit_photo", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code, detail={"visit_id": visit.id, "photo_id": photo.id})
    # Written before commit, as evidence is: a rollback leaves an orphan file, never a row without its file.
    storage.put(key, clean.content, clean.content_type)
    return photo_json(photo)


def get_visit_photo(application_id: int, visit_id: int, photo_id: int, *, actor: Actor,
                    storage) -> tuple[VisitPhoto, bytes]:
    """One photo of a visit of this case; every look is audited (photos show the inside of a home)."""
    application = get_application(application_id, actor=actor)
    visit = _visit_of(application, visit_id)
    photo = session.get(VisitPhoto, photo_id)
    if photo is None or photo.visit_id != visit.id:
        raise NotFound("照片不存在")
    audit.record("case.visit_photo_view", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code, detail={"visit_id": visit.id, "photo_id": photo.id})
    return photo, storage.get(photo.storage_key)
