"""The handwritten signature image: PNG only, bounded, re-encoded, and never blank."""
import io
import os

import pytest
from PIL import Image, ImageDraw

from app.common.uploads import UploadRejected, inspect_signature


def png(size=(600, 240), line=((30, 180), (300, 40), (560, 200)), background=(255, 255, 255, 0), width=6,
        mode="RGBA", **info) -> bytes:
    image = Image.new(mode, size, background)
    if line:
        ImageDraw.Draw(image).line(list(line), fill=(0, 0, 0, 255) if mode == "RGBA" else 0, width=width)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **info)
    return buffer.getvalue()


def noisy_png(side: int) -> bytes:
    """Incompressible pixels, so the file is large."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("data,hint", [
    pytest.param(png(), None, id="a signature on a transparent pad"),
    pytest.param(png(background=(255, 255, 255, 255)), None, id="on a white pad"),
    pytest.param(png(mode="L", background=255), None, id="greyscale"),
    pytest.param(b"", "invalid", id="empty"),
    pytest.param(noisy_png(700), "too_large", id="over 1 MB"),
    pytest.param(png(size=(5000, 10), line=((0, 5), (4999, 5))), "too_large", id="over 4096 px a side"),
    pytest.param(b"\xff\xd8\xff\xe0" + b"0" * 100, "unsupported", id="a JPEG"),
    pytest.param(b"%PDF-1.7\n", "unsupported", id="a PDF"),
    pytest.param(png(line=None), "invalid", id="blank"),
    pytest.param(png(line=((10, 10), (12, 12)), width=2), "invalid", id="a dot"),
    pytest.param(png(line=((10, 100), (590, 100)), background=(255, 255, 255, 0), width=1)[:60], "invalid",
                 id="truncated"),
])
def test_signature_images(data, hint):
    if hint is None:
        clean = inspect_signature(data)
        assert clean.content_type == "image/png" and clean.content.startswith(b"\x89PNG")
        return
    with pytest.raises(UploadRejected) as refused:
        inspect_signature(data, field="signature.png_base64")
    assert refused.value.status_hint == hint and "signature.png_base64" in refused.value.errors


def test_metadata_is_dropped_when_re_encoded():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13800000001")
    clean = inspect_signature(png(pnginfo=info))
    assert b"13800000001" not in clean.content and b"Author" not in clean.content
