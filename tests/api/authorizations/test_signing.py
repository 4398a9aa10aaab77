"""Signing end to end: a household of three signs through the API, a township worker confirms, the PDFs verify."""
import io
import subprocess
import sys
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils import generic

from app.applications.models import Application
from tests.api.authorizations.conftest import APPLICANT, SPOUSE
from tests.factories import DUANJIA


def pdf_of(client, headers, authorization_id) -> bytes:
    response = client.get(f"/api/v1/authorizations/{authorization_id}/document.pdf", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def verify_upload(client, data: bytes):
    return client.post("/api/v1/verify", data={"file": (io.BytesIO(data), "doc.pdf")},
                       content_type="multipart/form-data")


def appended_update(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_household_of_three_signs_is_confirmed_and_every_pdf_verifies(
        client, applicant_headers, household, signing, staff, auth, fake_tsa, db, tmp_path):
    own, spouse, minor = household["authorizations"]
    receipts = [signing.sign_authorization(own["id"], APPLICANT),
                signing.sign_authorization(spouse["id"], SPOUSE),      # from her own phone, in another city
                signing.sign_authorization(minor["id"], APPLICANT)]    # the guardian signs for the child
    assert [r["status"] for r in receipts] == ["signed"] * 3
    application = db.get(Application, household["application_id"])
    assert application.status == "checking"   # every consent given: on to the economic check

    worker = auth(staff("township_worker", DUANJIA))
    for authorization in (own, spouse, minor):
        review = client.get(f"/api/v1/staff/authorizations/{authorization['id']}", headers=worker)
        assert review.status_code == 200 and review.json["evidence"]["identity_checks"]
        assert client.post(f"/api/v1/staff/authorizations/{authorization['id']}/confirm",
                           headers=worker).json["status"] == "confirmed"
    rows = client.get(f"/api/v1/applications/{household['application_id']}/authorizations",
                      headers=applicant_headers).json
    assert [row["status"] for row in rows] == ["confirmed"] * 3

    for authorization, receipt in zip((own, spouse, minor), receipts):
        pdf = pdf_of(client, applicant_headers, authorization["id"])
        public = client.get(f"/api/v1/verify/{receipt['verify_code']}").json
        assert public["status"] == "confirmed" and public["signer"] in ("张*", "李*")
        report = verify_upload(client, pdf).json
        assert report["valid"] and report["registry"]["ok"] and report["signature"]["ok"] and report["evidence"]["ok"]
        # The tampered copies: one byte flipped, an appended incremental update.
        flipped = bytearray(pdf)
        flipped[len(pdf) // 3] ^= 0x01
        for tampered in (bytes(flipped), appended_update(pdf)):
            bad = verify_upload(client, tampered).json
            assert not bad["valid"] and not bad["registry"]["ok"] and not bad["signature"]["ok"]
            assert bad["signature"]["message"]

    # An auditor's offline check with pyHanko's own command, against the platform root alone.
    sealed = tmp_path / "own.pdf"
    sealed.write_bytes(pdf_of(client, applicant_headers, own["id"]))
    pyhanko = Path(sys.executable).with_name("pyhanko")
    result = subprocess.run([str(pyhanko), "sign", "validate", "--trust", str(fake_tsa.pki.ca_cert), "--trust-replace",
                             "--no-revocation-check", "--executive-summary", str(sealed)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "VALID" in result.stdout, result.stdout + result.stderr


def test_the_qr_code_opens_a_page_that_asks_the_api(client):
    page = client.get("/verify/ABCDEFGH12345678")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "文件真伪核验" in page.get_data(as_text=True)
    assert "script-src" not in page.headers["Content-Security-Policy"]   # 'self' only: no inline script
    assert client.get("/static/verify.js").status_code == 200
