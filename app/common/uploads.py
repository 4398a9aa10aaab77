"""Upload inspection: type by magic bytes, images re-encoded without metadata, risky PDFs refused."""
import hashlib
import io
import re
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps

from app.common.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 4096 * 4096

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_PDF = b"%PDF-"

# The PDF spec allows %%EOF anywhere in the last 1024 bytes (trailing newlines, padding).
_PDF_EOF_WINDOW = 1024
# Every JavaScript action and name tree carries /JavaScript, so it is searched for everywhere;
# the bare /JS key only outside stream bodies, where compressed bytes cannot match it by chance.
# /EmbeddedFile also catches /EmbeddedFiles; `#xx` escapes are decoded first (/J#61vaScript).
_PDF_RISKY = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFile)")
_PDF_JS_KEY = re.compile(rb"/JS(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb">>\s*stream\r?\n")
_PDF_OBJECT_STREAM = re.compile(
    rb"/Type\s*/" + b"".join(b"(?:%s|#%02x)" % (c.encode(), ord(c)) for c in "ObjStm"), re.IGNORECASE
)
# Object streams are inflated to look inside them; bound the total so a small file cannot
# make the server inflate gigabytes.
_PDF_INFLATE_FACTOR = 4


class UploadRejected(InvalidInput):
    """The file cannot be accepted; `status_hint` is "too_large", "unsupported" or "invalid"."""

    def __init__(self, status_hint: str, message: str, *, field: str = "file"):
        super().__init__(message, errors={field: [message]})
        self.status_hint = status_hint


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    size: int


def inspect_upload(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> CleanFile:
    """The file as it may be stored, or UploadRejected; the client's name and type play no part."""
    if not data:
        raise UploadRejected("invalid", "文件为空")
    if len(data) > max_bytes:
        raise UploadRejected("too_large", f"文件不能超过 {max_bytes / (1024 * 1024):g} MB")
    if data.startswith(_JPEG):
        return _clean(_reencode(data, "JPEG", max_pixels), "image/jpeg", "jpg")
    if data.startswith(_PNG):
        return _clean(_reencode(data, "PNG", max_pixels), "image/png", "png")
    if data.startswith(_PDF):
        _check_pdf(data, max_bytes)
        return _clean(data, "application/pdf", "pdf")
    raise UploadRejected("unsupported", "仅支持 JPG、PNG 图片和 PDF 文件")


SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_SIDE = 4096
# Fewer inked pixels, or a smaller extent, than this is a tap, not a signature.
SIGNATURE_MIN_INK = 50
SIGNATURE_MIN_EXTENT = 20


def inspect_signature(data: bytes, *, field: str = "file") -> CleanFile:
    """A handwritten signature: PNG only, ≤ 1 MB and 4096 px a side, re-encoded, and not blank."""
    if not data:
        raise UploadRejected("invalid", "签名图片为空", field=field)
    if len(data) > SIGNATURE_MAX_BYTES:
        raise UploadRejected("too_large", "签名图片不能超过 1 MB", field=field)
    if not data.startswith(_PNG):
        raise UploadRejected("unsupported", "签名图片须为 PNG 格式", field=field)
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if max(image.size) > SIGNATURE_MAX_SIDE:
                raise UploadRejected("too_large", "签名图片尺寸不能超过 4096×4096 像素", field=field)
    except UploadRejected:
        raise
    except Exception as exc:
        raise UploadRejected("invalid", "签名图片已损坏或无法识别", field=field) from exc
    try:
        # Not optimised: it is stored once and drawn once, and signing should be quick.
        clean = _reencode(data, "PNG", SIGNATURE_MAX_SIDE * SIGNATURE_MAX_SIDE, optimize=False)
    except UploadRejected as exc:
        raise UploadRejected(exc.status_hint, exc.message, field=field) from exc
    if not _has_ink(clean):
        raise UploadRejected("invalid", "未检测到手写签名，请在签名框内签名后再提交", field=field)
    return _clean(clean, "image/png", "png")


def _has_ink(png: bytes) -> bool:
    """Dark, opaque pixels: strokes on a transparent or white pad."""
    with Image.open(io.BytesIO(png)) as image:
        gray = image.convert("LA")
    luminance, alpha = gray.split()
    opaque = alpha.point(lambda a: 255 if a > 64 else 0)
    dark = luminance.point(lambda v: 255 if v < 160 else 0)
    ink = Image.composite(dark, Image.new("L", gray.size, 0), opaque)
    box = ink.getbbox()
    if box is None:
        return False
    inked = sum(ink.histogram()[255:])
    return inked >= SIGNATURE_MIN_INK and max(box[2] - box[0], box[3] - box[1]) >= SIGNATURE_MIN_EXTENT


def _clean(content: bytes, content_type: str, extension: str) -> CleanFile:
    return CleanFile(content, content_type, extension, hashlib.sha256(content).hexdigest(), len(content))


def _reencode(data: bytes, fmt: str, max_pixels: int, *, optimize: bool = True) -> bytes:
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            # The header is read lazily: refuse a pixel flood before any pixel is decoded.
            width, height = image.size
            if width * height > max_pixels:
                raise UploadRejected("invalid", "图片尺寸过大")
            image.load()
            transparency = image.info.get("transparency")
            upright = ImageOps.exif_transpose(image)
        # Keep nothing of the original's info (EXIF, XMP, ICC, text chunks, comments):
        # the PNG and JPEG writers fall back to it when no value is passed.
        upright.info = {}
        if fmt == "PNG" and transparency is not None:
            upright.info["transparency"] = transparency
        out = io.BytesIO()
        if fmt == "JPEG":
            upright.save(out, "JPEG", quality=90)
        else:
            upright.save(out, "PNG", optimize=optimize)
        return out.getvalue()
    except UploadRejected:
        raise
    # Pillow reports a malformed or hostile file through many exception types (OSError,
    # SyntaxError, ValueError, struct.error, DecompressionBombError...); all mean "not an image".
    except Exception as exc:
        raise UploadRejected("invalid", "图片已损坏或无法识别") from exc


def _check_pdf(data: bytes, max_bytes: int) -> None:
    if b"%%EOF" not in data[-_PDF_EOF_WINDOW:]:
        raise UploadRejected("invalid", "PDF 文件不完整")
    if _PDF_RISKY.search(_unescape(data)) or any(
        _PDF_JS_KEY.search(_unescape(text)) for text in _outside_streams(data)
    ):
        raise _risky_pdf()
    budget = _PDF_INFLATE_FACTOR * max_bytes
    for match in _PDF_OBJECT_STREAM.finditer(data):
        text = _object_stream(data, match.start(), budget)
        budget -= len(text)
        text = _unescape(text)
        if _PDF_RISKY.search(text) or _PDF_JS_KEY.search(text):
            raise _risky_pdf()


def _risky_pdf() -> UploadRejected:
    return UploadRejected("invalid", "PDF 含有脚本、启动动作或嵌入文件，请另存为普通 PDF 后上传")


def _unescape(text: bytes) -> bytes:
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes.fromhex(m[1].decode()), text)


def _outside_streams(data: bytes):
    pos = 0
    while match := _PDF_STREAM.search(data, pos):
        yield data[pos:match.start()]
        end = data.find(b"endstream", match.end())
        pos = len(data) if end < 0 else end + len(b"endstream")
    yield data[pos:]


def _object_stream(data: bytes, at: int, budget: int) -> bytes:
    """The decoded body of the object stream whose dictionary holds the /Type at `at`."""
    unreadable = UploadRejected("invalid", "PDF 结构无法检查")
    stream = _PDF_STREAM.search(data, at)
    if stream is None:
        raise unreadable
    dictionary = _unescape(data[max(data.rfind(b"obj", 0, at), 0):stream.start()])
    end = data.find(b"endstream", stream.end())
    body = data[stream.end():len(data) if end < 0 else end]
    if b"/Filter" not in dictionary:
        return body
    if b"/FlateDecode" not in dictionary or b"/DecodeParms" in dictionary:
        raise unreadable
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(body, max(budget, 1))
    except zlib.error as exc:
        raise unreadable from exc
    if inflater.unconsumed_tail:
        raise unreadable
    return text
