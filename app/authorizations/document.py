"""The signed authorization letter as a PDF (before the platform seal is applied)."""
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm

from app.common.clock import CHINA_TZ
from app.common.pdf import Pages


@dataclass(frozen=True)
class SignedLetter:
    title: str
    text: str
    version: str
    sha256: str
    household: list[str]          # masked names
    member: str                   # whose consent, masked
    signer_name: str
    signer_id_masked: str
    by_guardian: bool
    signed_at: datetime
    identity_proof: str
    signature_png: bytes
    image_sha256: str
    strokes_sha256: str | None
    timeline: list[tuple[datetime, str]]
    verify_url: str
    verify_code: str


def china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y年%m月%d日 %H:%M:%S（北京时间）")


def render(letter: SignedLetter, *, font_path: str) -> bytes:
    pages = Pages(title=letter.title, footer_url=letter.verify_url, font_path=font_path,
                  footer_text=f"核验码 {letter.verify_code} · 扫描右侧二维码或访问下方地址核验本文件真伪")
    # The stored text may open with the title on a line of its own; it is shown once, as the heading.
    first_line, _, rest = letter.text.partition("\n")
    body = rest.lstrip("\n") if first_line.strip() == letter.title else letter.text
    pages.heading(letter.title)
    pages.paragraph(body)
    pages.space(6)
    pages.row("家庭成员", "、".join(letter.household))
    pages.row("授权人", letter.member + ("（由监护人代为签署）" if letter.by_guardian else ""))
    pages.row("授权书版本", f"{letter.version}　SHA-256 {letter.sha256}", size=9)
    pages.space(8)
    pages.heading("签署", size=13)
    pages.row("签署人", letter.signer_name + ("（监护人）" if letter.by_guardian else ""))
    pages.row("身份证号码", letter.signer_id_masked)
    pages.row("签署时间", china_time(letter.signed_at))
    pages.row("身份核验", letter.identity_proof)
    pages.paragraph("手写签名：", size=10.5)
    pages.image(letter.signature_png, max_width=70 * mm, max_height=35 * mm)

    pages.new_page()
    pages.heading("电子签名证据")
    pages.paragraph("本页记录签署过程中的关键事件（北京时间）。完整证据以机器可读格式附于本文件内（evidence.json），"
                    "并由平台电子签章及可信时间戳保护，任何改动都会使签章验证失败。", size=10)
    pages.space(4)
    for moment, text in letter.timeline:
        pages.row(china_time(moment), text)
    pages.space(4)
    pages.row("手写签名图像 SHA-256", letter.image_sha256, size=9)
    pages.row("笔迹轨迹数据 SHA-256", letter.strokes_sha256 or "未提供", size=9)
    return pages.finish()
