"""The platform seal: a dev PKI, a fake RFC 3161 TSA over HTTP, sealing, and offline validation
that rejects every change to a sealed file."""
import re
import socket
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import fields, signers
from reportlab.pdfgen import canvas

from app.adapters.seal import DevPki, PlatformSeal, SealFindings, SealUnavailable, ensure_dev_pki
from app.devservers import BackgroundServer
from app.devservers.tsa import create_fake_tsa

EVIDENCE = '{"application": "A-1", "decision": "approved", "note": "同意"}'.encode()
PYHANKO_CLI = Path(sys.executable).parent / "pyhanko"


def make_pdf(text: str = "社会救助审批决定书", pages: int = 1) -> bytes:
    buf = BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    for page in range(pages):
        for line in range(40):
            c.drawString(72, 780 - line * 18, f"{text} page {page} line {line} " + "x" * 40)
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> DevPki:
    return ensure_dev_pki(tmp_path_factory.mktemp("seal") / "pki")


@pytest.fixture(scope="module")
def tsa(pki):
    with BackgroundServer(create_fake_tsa(pki.tsa_cert, pki.tsa_key, pki.ca_cert)) as server:
        server.app = server.server.app
        yield server


def platform_seal(pki: DevPki, tsa_url: str, trust: DevPki | None = None) -> PlatformSeal:
    return PlatformSeal(pkcs12_path=str(pki.seal_p12), pkcs12_password=pki.seal_password,
                        trust_roots=[str((trust or pki).ca_cert)], tsa_url=tsa_url, timeout=3.0)


@pytest.fixture(scope="module")
def seal(pki, tsa) -> PlatformSeal:
    return platform_seal(pki, tsa.url + "/")


@pytest.fixture(scope="module")
def sealed(seal) -> bytes:
    return seal.seal(make_pdf(), attachments={"evidence.json": EVIDENCE}, reason="审批结果", location="演示市")


def assert_invalid(findings: SealFindings, reason: str | None = None):
    assert findings.valid is False
    assert findings.reasons
    if reason is not None:
        assert reason in findings.reasons, findings.reasons


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- dev PKI -------------------------------------------------------------------------------

def test_dev_pki_is_created_once_and_reloaded(tmp_path):
    first = ensure_dev_pki(tmp_path / "pki")
    ca = first.ca_cert.read_bytes()
    second = ensure_dev_pki(tmp_path / "pki")
    assert second == first
    assert second.ca_cert.read_bytes() == ca
    assert b"BEGIN CERTIFICATE" in ca
    assert [p.name for p in tmp_path.iterdir()] == ["pki"]


def test_dev_pki_private_files_are_owner_only(pki):
    for path in (pki.seal_p12, pki.tsa_key, pki.directory / "seal-password"):
        assert mode(path) == 0o600, path
    assert pki.seal_password and pki.seal_password == (pki.directory / "seal-password").read_bytes()


def test_dev_pki_racing_creators_agree_on_one_set(tmp_path):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: ensure_dev_pki(tmp_path / "pki"), range(4)))
    assert {r.ca_cert.read_bytes() for r in results} == {results[0].ca_cert.read_bytes()}
    assert {r.seal_password for r in results} == {results[0].seal_password}
    assert [p.name for p in tmp_path.iterdir()] == ["pki"]


def test_dev_pki_fills_an_existing_empty_directory(tmp_path):
    (tmp_path / "pki").mkdir()
    assert ensure_dev_pki(tmp_path / "pki").seal_p12.is_file()


# --- sealing and validating ------------------------------------------------------------------

def test_sealed_pdf_validates(seal, sealed):
    findings = seal.validate(sealed)
    assert findings.valid, findings.reasons
    assert findings.reasons == []
    assert findings.signer == "社会救助掌上办 电子签章（演示）"
    assert findings.bottom_line and findings.coverage == "ENTIRE_FILE" and findings.modification == "NONE"
    assert findings.signed_at.tzinfo is not None
    assert abs(findings.signed_at - datetime.now(timezone.utc)) < timedelta(minutes=5)


def test_seal_is_one_incremental_update_on_top_of_the_input(seal):
    original = make_pdf("原文")
    out = seal.seal(original, attachments={"evidence.json": EVIDENCE}, reason="r", location="l")
    assert out.startswith(original)
    assert PdfFileReader(BytesIO(out)).xrefs.total_revisions == 2


def test_attachment_returns_the_embedded_evidence(seal, sealed):
    assert seal.attachment(sealed, "evidence.json") == EVIDENCE
    assert seal.attachment(sealed, "missing.json") is None
    assert seal.attachment(b"not a pdf", "evidence.json") is None
    assert seal.attachment(make_pdf(), "evidence.json") is None


def test_several_attachments(seal):
    files = {"evidence.json": EVIDENCE, "a-photo.jpg": b"\xff\xd8\xff fake jpeg"}
    out = seal.seal(make_pdf(), attachments=files, reason="r", location="l")
    assert seal.validate(out).valid
    assert {name: seal.attachment(out, name) for name in files} == files


def test_seal_from_several_threads(seal):
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda i: seal.seal(make_pdf(f"doc {i}"), attachments={"evidence.json": EVIDENCE},
                                                 reason="r", location="l"), range(6)))
    assert all(seal.validate(out).valid for out in outs)


def signature_region(pdf: bytes) -> tuple[int, int]:
    """Start and end (exclusive) of the /Contents hex string, '<' and '>' included."""
    byte_range = PdfFileReader(BytesIO(pdf)).embedded_signatures[0].byte_range
    start, first_len, second_start, _ = (int(x) for x in byte_range)
    return start + first_len, second_start


def flipped(pdf: bytes, position: int) -> bytes:
    data = bytearray(pdf)
    data[position] ^= 0x01
    return bytes(data)


@pytest.mark.parametrize("where", ["start", "header", "middle", "contents_der", "contents_padding",
                                   "after_contents", "xref", "end"])
def test_flipping_one_byte_anywhere_invalidates(seal, sealed, where):
    gap_start, gap_end = signature_region(sealed)
    position = {
        "start": 0,
        "header": 5,
        "middle": gap_start // 2,
        "contents_der": gap_start + 41,
        "contents_padding": gap_end - 20,
        "after_contents": gap_end + 3,
        "xref": sealed.rindex(b"xref") + 7,
        "end": len(sealed) - 1,
    }[where]
    assert_invalid(seal.validate(flipped(sealed, position)))


def test_every_byte_of_the_signature_padding_is_checked(seal, sealed):
    gap_start, gap_end = signature_region(sealed)
    assert sealed[gap_end - 200:gap_end - 1] == b"0" * 199  # pyhanko's padding
    assert_invalid(seal.validate(flipped(sealed, gap_end - 2)), "签章数据区被改动")


def test_content_change_is_reported_as_mismatch(seal, sealed):
    position = sealed.index(b"page 0 line 3")
    tampered = sealed[:position] + b"PAGE" + sealed[position + 4:]
    assert_invalid(seal.validate(tampered), "文件内容与签名不符")


def test_appended_metadata_change_is_invalid(seal, sealed):
    writer = IncrementalPdfFileWriter(BytesIO(sealed))
    writer.root["/Lang"] = generic.pdf_string("zh-CN")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    assert_invalid(seal.validate(out.getvalue()), "签名之后文件被追加修改")


def test_appended_annotation_is_invalid(seal, sealed):
    writer = IncrementalPdfFileWriter(BytesIO(sealed))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    annot = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
        generic.pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (10, 10, 50, 50)]),
        generic.pdf_name("/Contents"): generic.pdf_string("已撤销"),
    })
    page["/Annots"] = generic.ArrayObject([writer.add_object(annot)])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    assert_invalid(seal.validate(out.getvalue()), "签名之后文件被追加修改")


def test_appended_revision_without_changes_is_invalid(seal, sealed):
    writer = IncrementalPdfFileWriter(BytesIO(sealed))
    writer.update_root()  # rewrites the catalog unchanged
    out = BytesIO()
    writer.write(out)
    assert len(out.getvalue()) > len(sealed)
    assert_invalid(seal.validate(out.getvalue()), "签名之后文件被追加修改")


def test_appended_empty_xref_section_is_invalid(seal, sealed):
    previous = int(re.findall(rb"startxref\s+(\d+)", sealed)[-1])
    trailer = re.findall(rb"trailer\s*(<<.*?>>)\s*startxref", sealed, re.S)[-1]
    trailer = re.sub(rb"/Prev \d+", b"/Prev %d" % previous, trailer)
    offset = len(sealed)
    tail = b"xref\n0 0\ntrailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % offset
    assert_invalid(seal.validate(sealed + tail))


def test_appended_garbage_is_invalid(seal, sealed):
    assert_invalid(seal.validate(sealed + b"\n% trailing comment\n"))


def test_resaved_copy_is_invalid(seal, sealed):
    out = BytesIO()
    copy_into_new_writer(PdfFileReader(BytesIO(sealed))).write(out)
    assert_invalid(seal.validate(out.getvalue()))


def test_truncated_file_is_invalid(seal, sealed):
    assert_invalid(seal.validate(sealed[:-10]))
    assert_invalid(seal.validate(sealed[: len(sealed) // 2]))


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.7\n", b"\x00" * 1000, b"%PDF-1.4\n%%EOF"])
def test_garbage_is_invalid_without_exception(seal, data):
    assert_invalid(seal.validate(data), "文件不是有效的PDF")


def test_unsigned_pdf_is_invalid(seal):
    assert_invalid(seal.validate(make_pdf()), "文件没有签章")


def test_seal_under_another_ca_is_not_trusted(pki, tsa, tmp_path):
    other = ensure_dev_pki(tmp_path / "other-pki")
    foreign = platform_seal(other, tsa.url + "/").seal(
        make_pdf(), attachments={"evidence.json": EVIDENCE}, reason="r", location="l")
    assert platform_seal(other, tsa.url + "/").validate(foreign).bottom_line is False  # its TSA is ours
    findings = platform_seal(pki, tsa.url + "/").validate(foreign)
    assert_invalid(findings, "签名证书不受平台根证书信任")
    assert findings.coverage == "ENTIRE_FILE"


def test_platform_signature_without_timestamp_is_invalid(seal, pki):
    signer = signers.SimpleSigner.load_pkcs12(str(pki.seal_p12), passphrase=pki.seal_password)
    meta = signers.PdfSignatureMetadata(field_name="PlatformSeal", certify=True,
                                        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.PdfSigner(meta, signer).sign_pdf(IncrementalPdfFileWriter(BytesIO(make_pdf()))).getvalue()
    findings = seal.validate(out)
    assert_invalid(findings, "签章没有可信时间戳")
    assert findings.bottom_line and findings.signed_at is None


# --- failing closed --------------------------------------------------------------------------

def test_tsa_down_raises_seal_unavailable(pki, tsa):
    tsa.app.config["TSA_DOWN"] = True
    try:
        with pytest.raises(SealUnavailable):
            platform_seal(pki, tsa.url + "/").seal(make_pdf(), attachments={}, reason="r", location="l")
    finally:
        tsa.app.config["TSA_DOWN"] = False


def test_tsa_down_after_warm_up_raises_seal_unavailable(seal, tsa):
    seal.seal(make_pdf(), attachments={}, reason="r", location="l")  # caches pyhanko's size-estimate token
    tsa.app.config["TSA_DOWN"] = True
    try:
        with pytest.raises(SealUnavailable):
            seal.seal(make_pdf(), attachments={}, reason="r", location="l")
    finally:
        tsa.app.config["TSA_DOWN"] = False


def test_closed_port_raises_seal_unavailable(pki):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SealUnavailable):
        platform_seal(pki, f"http://127.0.0.1:{port}/").seal(make_pdf(), attachments={}, reason="r", location="l")


def test_tsa_answering_something_else_raises_seal_unavailable(pki, tsa):
    with pytest.raises(SealUnavailable):
        platform_seal(pki, tsa.url + "/nowhere").seal(make_pdf(), attachments={}, reason="r", location="l")


def test_wrong_key_password_raises_seal_unavailable(pki, tsa):
    broken = PlatformSeal(pkcs12_path=str(pki.seal_p12), pkcs12_password=b"wrong", trust_roots=[str(pki.ca_cert)],
                          tsa_url=tsa.url + "/")
    with pytest.raises(SealUnavailable):
        broken.seal(make_pdf(), attachments={}, reason="r", location="l")
    missing = PlatformSeal(pkcs12_path=str(pki.directory / "nope.p12"), pkcs12_password=None,
                           trust_roots=[str(pki.ca_cert)], tsa_url=tsa.url + "/")
    with pytest.raises(SealUnavailable):
        missing.seal(make_pdf(), attachments={}, reason="r", location="l")


def test_missing_trust_root_fails_at_construction(pki, tsa):
    with pytest.raises(SealUnavailable):
        PlatformSeal(pkcs12_path=str(pki.seal_p12), pkcs12_password=pki.seal_password,
                     trust_roots=[str(pki.directory / "nope.pem")], tsa_url=tsa.url + "/")


def test_sealing_garbage_is_a_value_error(seal):
    with pytest.raises(ValueError):
        seal.seal(b"not a pdf", attachments={}, reason="r", location="l")


def test_root_certificates_are_der(seal, pki):
    (root,) = seal.root_certificates
    assert root[0] == 0x30


# --- the fake TSA ----------------------------------------------------------------------------

def test_fake_tsa_rejects_non_timestamp_bodies(tsa):
    import requests

    assert requests.post(tsa.url + "/", data=b"hello", timeout=5).status_code == 400
    bad = requests.post(tsa.url + "/", data=b"\x30\x03\x02\x01\x01",
                        headers={"Content-Type": "application/timestamp-query"}, timeout=5)
    assert bad.status_code == 400


# --- the pyhanko CLI agrees ------------------------------------------------------------------

def pyhanko_validate(pdf_path: Path, ca: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYHANKO_CLI), "sign", "validate", "--trust", str(ca), "--trust-replace", "--no-revocation-check",
         "--executive-summary", str(pdf_path)],
        capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not PYHANKO_CLI.exists(), reason="pyhanko-cli not installed")
def test_pyhanko_cli_validates_a_sealed_file_offline(pki, sealed, tmp_path):
    good = tmp_path / "sealed.pdf"
    good.write_bytes(sealed)
    result = pyhanko_validate(good, pki.ca_cert)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(":VALID")

    bad = tmp_path / "tampered.pdf"
    position = sealed.index(b"page 0 line 3")
    bad.write_bytes(sealed[:position] + b"PAGE" + sealed[position + 4:])
    result = pyhanko_validate(bad, pki.ca_cert)
    assert result.returncode != 0
    assert ":VALID" not in result.stdout
