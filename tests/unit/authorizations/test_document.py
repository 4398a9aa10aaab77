"""The letter as a PDF: the CJK font embedded (not referenced), the signature image, the evidence page."""
import os
from datetime import datetime, timezone

from app.authorizations.document import SignedLetter, china_time, render
from tests.api.authorizations.conftest import signature_png

FONT = os.environ.get("CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SIGNED = datetime(2026, 11, 23, 16, 30, tzinfo=timezone.utc)


def letter(**changes) -> SignedLetter:
    values = dict(title="家庭经济状况核对授权书", text="家庭经济状况核对授权书\n\n本人授权查询户籍、不动产、车辆、存款。",
                  version="2026-01", sha256="a" * 64, household=["张*", "李*", "张*"], member="张*",
                  signer_name="张三", signer_id_masked="610324********1230", by_guardian=True, signed_at=SIGNED,
                  identity_proof="短信验证码核验通过", signature_png=signature_png(), image_sha256="b" * 64,
                  strokes_sha256=None, timeline=[(SIGNED, "签署")], verify_url="https://shjz.example/verify/ABC",
                  verify_code="ABC")
    values.update(changes)
    return SignedLetter(**values)


def test_the_font_is_embedded_and_the_text_is_mapped_back_to_unicode():
    pdf = render(letter(), font_path=FONT)
    assert pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf and b"/ToUnicode" in pdf
    assert b"STSong" not in pdf               # a font the reader would have to supply

    assert b"/Subtype /Image" in pdf          # the handwritten signature
    assert b"/Count 2" in pdf                 # the letter and its evidence page


def test_times_are_shown_in_china_time():
    assert china_time(SIGNED) == "2026年11月24日 00:30:00（北京时间）"
