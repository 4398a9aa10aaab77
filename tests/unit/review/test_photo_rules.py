"""Home-visit photos: which files, how many, until when (pure rules)."""
import io

import pytest
from PIL import Image

from app.common.uploads import UploadRejected
from app.review.photo_rules import MAX_PHOTOS_PER_VISIT, inspect_photo, open_for_photos, room_for_photo


def image(fmt: str, size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt, content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_a_jpeg_or_png_is_accepted_and_re_encoded(fmt, content_type):
    clean = inspect_photo(image(fmt))
    assert clean.content_type == content_type and clean.size == len(clean.content) and len(clean.sha256) == 64


@pytest.mark.parametrize("data, hint", [
    (b"%PDF-1.4\n%%EOF", "unsupported"),                          # evidence may be a PDF, a photo may not
    (b"GIF89a" + b"\x00" * 50, "unsupported"),
    (b"", "invalid"),                                              # missing: nothing was sent
    (b"\xff\xd8\xff" + b"not really a jpeg", "invalid"),           # the magic bytes lie
    (b"\x89PNG\r\n\x1a\n" + b"x" * (10 * 1024 * 1024), "too_large"),
    (b"%PDF-" + b"x" * (10 * 1024 * 1024), "too_large"),           # too large is said before the type
])
def test_anything_else_is_refused_as_evidence_would_be(data, hint):
    with pytest.raises(UploadRejected) as refused:
        inspect_photo(data)
    assert refused.value.status_hint == hint and "file" in refused.value.errors


def test_a_pixel_flood_is_refused_before_decoding():
    with pytest.raises(UploadRejected) as refused:       # 5000² pixels, over the 4096² limit
        inspect_photo(image("PNG", (5000, 5000)))
    assert refused.value.status_hint == "invalid" and "尺寸" in refused.value.message


@pytest.mark.parametrize("status, open_", [
    ("checking", True), ("village_review", True), ("township_confirmation", True), ("district_filing", True),
    ("returned", True),
    ("approved", False), ("rejected", False), ("withdrawn", False), ("revoked", False),
])
def test_photos_are_taken_until_the_case_is_closed(status, open_):
    assert open_for_photos(status) is open_


@pytest.mark.parametrize("so_far, room", [(0, True), (MAX_PHOTOS_PER_VISIT - 1, True),
                                          (MAX_PHOTOS_PER_VISIT, False), (MAX_PHOTOS_PER_VISIT + 5, False)])
def test_at_most_twenty_photos_a_visit(so_far, room):
    assert MAX_PHOTOS_PER_VISIT == 20 and room_for_photo(so_far) is room
