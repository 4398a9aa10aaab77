"""Pages of a sealed document: A4, an embedded TrueType CJK font, wrapped Chinese text, a verify QR footer.

reportlab's built-in STSong-Light is a reference to a font the reader must have, not an embedded
font: unfit for a document that must read the same years later. A TrueType font (e.g. WenQuanYi
Zen Hei) is embedded as a subset of the glyphs used.
"""
import io
import threading

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT = "ShjzCJK"
MARGIN = 20 * mm
FOOTER = 32 * mm
_font_lock = threading.Lock()


class FontMissing(RuntimeError):
    """The CJK font file cannot be read (see CJK_FONT in the README)."""


def register_font(path: str) -> None:
    """Load the font once per process (a TTC's first face)."""
    with _font_lock:
        if FONT in pdfmetrics.getRegisteredFontNames():
            return
        try:
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
        except Exception as exc:  # reportlab raises TTFError, OSError, ...
            raise FontMissing(f"cannot load the CJK font {path}: {exc}") from exc


def wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy wrapping by glyph width: Chinese has no spaces to break at."""
    lines = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for char in paragraph:
            advance = pdfmetrics.stringWidth(char, FONT, size)
            if line and used + advance > width:
                lines.append(line)
                line, used = "", 0.0
            line, used = line + char, used + advance
        lines.append(line)
    return lines


def _qr_image(text: str) -> ImageReader:
    """Black and white, 8 pixels a module: sharp when printed or zoomed."""
    # A fixed mask spares trying all eight; any mask is a valid code.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=0, box_size=8)
    code.add_data(text)
    code.make(fit=True)
    return ImageReader(code.make_image().get_image().convert("1"))


class Pages:
    """A top-down writer: headings, paragraphs, label/value rows and images, a footer on every page."""

    def __init__(self, *, title: str, footer_url: str, footer_text: str, font_path: str):
        register_font(font_path)
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("社会救助掌上办")
        self.width, self.height = A4
        self.footer_url, self.footer_text = footer_url, footer_text
        self.qr_image = _qr_image(footer_url)   # one image object, drawn on every page
        self.page = 1
        self.y = self.height - MARGIN

    def _room(self, needed: float) -> None:
        if self.y - needed < FOOTER:
            self.new_page()

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = self.height - MARGIN

    def _footer(self) -> None:
        size = 22 * mm
        self.canvas.drawImage(self.qr_image, self.width - MARGIN - size, 6 * mm, size, size)
        self.canvas.setFont(FONT, 8)
        self.canvas.drawString(MARGIN, 18 * mm, self.footer_text)
        self.canvas.drawString(MARGIN, 13 * mm, self.footer_url)
        self.canvas.drawString(MARGIN, 8 * mm, f"第 {self.page} 页")

    def heading(self, text: str, size: float = 16) -> None:
        self._room(size * 2)
        self.canvas.setFont(FONT, size)
        self.canvas.drawCentredString(self.width / 2, self.y - size, text)
        self.y -= size * 2

    def paragraph(self, text: str, size: float = 11, leading: float = 1.6) -> None:
        self.canvas.setFont(FONT, size)
        for line in wrap(text, size, self.width - 2 * MARGIN):
            self._room(size * leading)
            self.canvas.setFont(FONT, size)
            self.canvas.drawString(MARGIN, self.y - size, line)
            self.y -= size * leading

    def row(self, label: str, value: str, size: float = 10.5) -> None:
        self.paragraph(f"{label}：{value}", size=size, leading=1.5)

    def space(self, height: float) -> None:
        self.y -= height

    def image(self, png: bytes, *, max_width: float, max_height: float) -> None:
        reader = ImageReader(io.BytesIO(png))
        width, height = reader.getSize()
        scale = min(max_width / width, max_height / height, 1.0)
        self._room(height * scale + 4)
        self.canvas.drawImage(reader, MARGIN, self.y - height * scale, width * scale, height * scale, mask="auto")
        self.y -= height * scale + 4

    def finish(self) -> bytes:
        self._footer()
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()
