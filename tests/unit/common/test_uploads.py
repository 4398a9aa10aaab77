"""Upload inspection: magic-byte typing, metadata-free re-encoding, hostile files refused."""
import hashlib
import inspect
import io
import struct
import zlib

import pytest
from PIL import Image

from app.common.errors import InvalidInput
from app.common.uploads import CleanFile, UploadRejected, inspect_upload

MB = 1024 * 1024


def image_bytes(fmt="JPEG", size=(64, 32), mode="RGB", **params) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(out, fmt, **params)
    return out.getvalue()


def jpeg_with_exif(orientation=None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (34.0, 21.0, 0.0)  # latitude
    gps[3], gps[4] = "E", (107.0, 14.0, 0.0)  # longitude
    if orientation:
        exif[0x0112] = orientation
    return image_bytes("JPEG", exif=exif, comment=b"secret comment")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def pixel_flood_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG: all zeros, so a huge canvas compresses to a few kilobytes."""
    row = bytes(1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def pdf(*objects: bytes, tail=b"%%EOF\n") -> bytes:
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    for number, obj in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R /Size %d >>\n" % (len(objects) + 1) + tail


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def stream(dictionary: bytes, body: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(body) + body + b"\nendstream"


def object_stream(text: bytes, filter=True) -> bytes:
    if filter:
        return stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(b"3 0 " + text))
    return stream(b"/Type /ObjStm /N 1 /First 4", b"3 0 " + text)


def rejected(data: bytes, **limits) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(data, **limits)
    return caught.value


# --- images -------------------------------------------------------------------------------

def test_jpeg_is_reencoded_without_exif_gps_or_comment():
    original = jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif()[0x010F] == "PhoneMaker"

    clean = inspect_upload(original)

    assert clean.content != original
    assert (clean.content_type, clean.extension) == ("image/jpeg", "jpg")
    assert b"PhoneMaker" not in clean.content and b"Exif" not in clean.content
    assert b"secret comment" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "comment" not in image.info


def test_exif_orientation_is_applied_before_it_is_dropped():
    clean = inspect_upload(jpeg_with_exif(orientation=6))  # 6: rotate 90° clockwise to display
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.size == (32, 64)
        assert not image.getexif()


def test_png_is_reencoded_without_text_icc_or_exif_chunks():
    from PIL import ImageCms, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13812345678")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    original = image_bytes("PNG", pnginfo=info, icc_profile=icc, exif=exif)

    clean = inspect_upload(original)

    assert (clean.content_type, clean.extension) == ("image/png", "png")
    assert clean.content != original
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"iCCP", b"eXIf"):
        assert chunk not in clean.content
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.format == "PNG" and image.size == (64, 32)


def test_png_transparency_survives_reencoding():
    original = image_bytes("PNG", mode="P", transparency=0)
    with Image.open(io.BytesIO(inspect_upload(original).content)) as image:
        assert image.info.get("transparency") == 0


def test_trailing_payload_after_a_valid_jpeg_is_not_kept():
    payload = b"PK\x03\x04" + b"zip polyglot payload" * 10
    clean = inspect_upload(image_bytes("JPEG") + payload)
    assert b"polyglot payload" not in clean.content


def test_clean_file_carries_hash_and_size_of_what_will_be_stored():
    clean = inspect_upload(image_bytes("PNG"))
    assert isinstance(clean, CleanFile)
    assert clean.sha256 == hashlib.sha256(clean.content).hexdigest()
    assert clean.size == len(clean.content)
    with pytest.raises(AttributeError):
        clean.size = 1


@pytest.mark.parametrize("width, height", [
    (20_000, 20_000),  # beyond Pillow's own bomb limit
    (5_000, 5_000),  # under Pillow's limit, over 4096×4096
    (4097, 4096),
])
def test_pixel_flood_png_is_refused(width, height):
    data = pixel_flood_png(width, height)
    assert len(data) < 1 * MB
    assert rejected(data).status_hint == "invalid"


def test_image_at_the_pixel_limit_is_accepted():
    assert inspect_upload(pixel_flood_png(64, 64), max_pixels=64 * 64).size > 0
    assert rejected(pixel_flood_png(65, 64), max_pixels=64 * 64).status_hint == "invalid"


@pytest.mark.parametrize("data", [
    image_bytes("JPEG")[:200],  # truncated
    image_bytes("PNG")[:60],
    b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20,  # JPEG magic, no image behind it
    b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>",
    b"\xff\xd8\xff" + b"%PDF-1.7\n/JavaScript\n%%EOF",
], ids=["truncated-jpeg", "truncated-png", "fake-jpeg", "fake-png", "jpeg-pdf-polyglot"])
def test_undecodable_image_is_refused_as_invalid(data):
    error = rejected(data)
    assert error.status_hint == "invalid"
    assert "file" in error.errors


# --- type by magic bytes ----------------------------------------------------------------

@pytest.mark.parametrize("data", [
    image_bytes("GIF"),
    image_bytes("BMP"),
    image_bytes("WEBP"),
    image_bytes("TIFF"),
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b"<svg><script>alert(1)</script></svg>",
    "身份证号 610324199001011230".encode(),
    b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200),  # Windows EXE
    b"\x7fELF\x02\x01\x01" + bytes(100),
    b"PK\x03\x04" + bytes(100),
    b" %PDF-1.7\n%%EOF",  # the magic must be at offset 0
], ids=["gif", "bmp", "webp", "tiff", "svg", "svg-script", "text", "exe", "elf", "zip", "late-pdf"])
def test_other_types_are_unsupported_whatever_they_are_called(data):
    assert rejected(data).status_hint == "unsupported"


def test_the_client_name_and_content_type_cannot_even_be_passed():
    assert set(inspect.signature(inspect_upload).parameters) == {"data", "max_bytes", "max_pixels"}


# --- size ----------------------------------------------------------------------------------

def test_empty_file_is_refused():
    error = rejected(b"")
    assert error.status_hint == "invalid"
    assert error.errors["file"]


def test_one_byte_over_ten_megabytes_is_too_large():
    error = rejected(b"\xff\xd8\xff" + bytes(10 * MB - 2))
    assert error.status_hint == "too_large"
    assert "10 MB" in error.message


def test_exactly_ten_megabytes_passes_the_size_check():
    assert rejected(b"GIF89a" + bytes(10 * MB - 6)).status_hint == "unsupported"


def test_signature_limit_of_one_megabyte_can_be_passed():
    error = rejected(image_bytes("PNG") + bytes(MB), max_bytes=MB)
    assert error.status_hint == "too_large"
    assert "1 MB" in error.message


def test_rejection_is_a_validation_error_with_a_chinese_message_on_the_file_field():
    error = rejected(b"plain text")
    assert isinstance(error, InvalidInput)
    assert error.error == "VALIDATION_ERROR"
    assert error.errors == {"file": [error.message]}
    assert "PDF" in error.message and "仅支持" in error.message


# --- PDF ---------------------------------------------------------------------------------

def test_plain_pdf_is_kept_byte_for_byte():
    original = pdf(CATALOG, PAGES, stream(b"", b"BT /F1 12 Tf (hello) Tj ET"))
    clean = inspect_upload(original)
    assert clean.content == original
    assert (clean.content_type, clean.extension) == ("application/pdf", "pdf")


def test_pdf_with_trailing_newlines_after_eof_is_accepted():
    assert inspect_upload(pdf(CATALOG, tail=b"%%EOF\r\n\r\n")).size > 0


def test_pdf_whose_stream_bytes_happen_to_spell_js_is_accepted():
    # Compressed page or image data is arbitrary bytes; "/JS " in it means nothing.
    assert inspect_upload(pdf(CATALOG, stream(b"/Filter /FlateDecode", b"\x00\x93/JS \x88\x01"))).size > 0


def test_pdf_with_a_clean_object_stream_is_accepted():
    assert inspect_upload(pdf(CATALOG, object_stream(b"<< /Type /Font /Subtype /Type1 >>"))).size > 0


@pytest.mark.parametrize("data", [
    pdf(CATALOG, tail=b""),
    pdf(CATALOG, tail=b"%%EOF\n" + bytes(2000)),
    b"%PDF-",
], ids=["no-eof", "eof-not-at-end", "header-only"])
def test_incomplete_pdf_is_refused(data):
    assert rejected(data).status_hint == "invalid"


@pytest.mark.parametrize("data", [
    pdf(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
    pdf(b"<< /Type /Catalog /Names << /JavaScript 2 0 R >> >>"),
    pdf(b"<< /Type /Catalog /OpenAction 2 0 R >>", b"<< /JS 3 0 R >>"),
    pdf(b"<< /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >>"),
    pdf(b"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>"),
    pdf(CATALOG, stream(b"/Type /EmbeddedFile", b"MZ payload")),
    pdf(b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"),
    pdf(CATALOG, object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")),
    pdf(CATALOG, object_stream(b"<< /S /Launch /F (cmd.exe) >>", filter=False)),
    pdf(CATALOG, stream(b"/Type /Obj#53tm /N 1 /First 4 /Filter /FlateDecode",
                        zlib.compress(b"3 0 << /S /J#61vaScript >>"))),
], ids=["open-action-js", "names-js", "js-key", "launch", "embedded-files", "embedded-file",
        "hex-escaped", "js-in-object-stream", "launch-in-raw-object-stream", "escaped-object-stream"])
def test_pdf_with_scripts_launch_actions_or_attachments_is_refused(data):
    error = rejected(data)
    assert error.status_hint == "invalid"
    assert "PDF" in error.message


def test_pdf_with_an_object_stream_that_cannot_be_inflated_is_refused():
    broken = stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", b"not zlib at all")
    assert rejected(pdf(CATALOG, broken)).status_hint == "invalid"


def test_pdf_object_streams_inflating_far_beyond_the_upload_limit_are_refused():
    bomb = stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(bytes(5 * MB), 9))
    data = pdf(CATALOG, bomb)
    assert len(data) < MB
    assert rejected(data, max_bytes=MB).status_hint == "invalid"
