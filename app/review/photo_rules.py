"""Home-visit photos (入户调查照片): which files, how many, and until when. Pure."""
from app.applications.domain import CLOSED, Status
from app.common.uploads import MAX_BYTES, CleanFile, UploadRejected, inspect_upload

MAX_PHOTOS_PER_VISIT = 20   # enough for every room of a home; beyond that a visit is being used as an album
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def inspect_photo(data: bytes) -> CleanFile:
    """A JPEG or PNG, checked and re-encoded without metadata exactly as evidence is; a PDF is no photo.

    Empty and oversized files are left to the evidence check, so each refusal has the same status."""
    if data and len(data) <= MAX_BYTES and not data.startswith(_IMAGE_MAGIC):
        raise UploadRejected("unsupported", "入户调查照片仅支持 JPG、PNG 图片")
    return inspect_upload(data)


def open_for_photos(status: str) -> bool:
    """Photos may be added to a visit until the case is closed (approved, rejected, withdrawn, revoked)."""
    return Status(status) not in CLOSED


def room_for_photo(photos_so_far: int) -> bool:
    return photos_so_far < MAX_PHOTOS_PER_VISIT
