"""The seal key in a PKCS#11 module (SoftHSM standing in for an HSM): sealed PDFs validate the same way."""
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from app.adapters.seal import Pkcs11Key, PlatformSeal, SealUnavailable
from tests.unit.adapters.test_seal import EVIDENCE, make_pdf, pki, tsa  # noqa: F401 - fixtures

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"   # Debian softhsm2, installed by the Makefile
TOKEN, PIN = "shjz-seal", "246810"
LOCKED_TOKEN = "shjz-never-opened"   # log-in is per process and token: this one nobody has opened


@pytest.fixture(scope="module")
def token(pki, tmp_path_factory):  # noqa: F811
    """A fresh token holding the development seal key; the certificate and chain stay in a PEM file."""
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    (home / "softhsm2.conf").write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\n"
                                        "log.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(home / "softhsm2.conf")
    key, certificate, chain = pkcs12.load_key_and_certificates(pki.seal_p12.read_bytes(), pki.seal_password)
    (home / "seal-key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    (home / "seal-chain.pem").write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM)
                                                   for c in [certificate, *chain]))
    util = ["softhsm2-util"]
    for label in (TOKEN, LOCKED_TOKEN):
        subprocess.run([*util, "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", "13579"],
                       check=True, capture_output=True)
        subprocess.run([*util, "--import", str(home / "seal-key.pem"), "--token", label, "--label", "seal",
                        "--id", "01", "--pin", PIN], check=True, capture_output=True)
    (home / "seal-key.pem").unlink()   # the key now lives only in the token
    return home


def hsm_seal(pki, tsa, token, pin=PIN, label=TOKEN) -> PlatformSeal:  # noqa: F811
    return PlatformSeal(pkcs11=Pkcs11Key(library=SOFTHSM, token_label=label, pin=pin, key_label="seal",
                                         certificate_file=str(token / "seal-chain.pem")),
                        trust_roots=[str(pki.ca_cert)], tsa_url=tsa.url + "/")


def test_a_pdf_sealed_through_pkcs11_validates(pki, tsa, token):  # noqa: F811
    seal = hsm_seal(pki, tsa, token)
    sealed = seal.seal(make_pdf(), attachments={"evidence.json": EVIDENCE}, reason="授权", location="演示市")
    findings = seal.validate(sealed)
    assert findings.valid, findings.reasons
    assert findings.signer == "社会救助掌上办 电子签章（演示）" and findings.signed_at is not None
    assert seal.attachment(sealed, "evidence.json") == EVIDENCE


def test_a_wrong_pin_fails_closed(pki, tsa, token):  # noqa: F811
    with pytest.raises(SealUnavailable):
        hsm_seal(pki, tsa, token, pin="000000", label=LOCKED_TOKEN).seal(make_pdf(), attachments={}, reason="授权", location="演示市")


def test_one_key_source_only(pki):  # noqa: F811
    with pytest.raises(ValueError):
        PlatformSeal(trust_roots=[str(pki.ca_cert)], tsa_url="http://127.0.0.1:1/")
    assert Path(SOFTHSM).exists()


def test_the_settings_choose_the_hardware_key(pki, tsa, token):  # noqa: F811
    from app.wiring import make_seal

    seal = make_seal({"SEAL_PKCS11_LIBRARY": SOFTHSM, "SEAL_PKCS11_TOKEN": TOKEN, "SEAL_PKCS11_PIN": PIN,
                      "SEAL_PKCS11_KEY_LABEL": "seal", "SEAL_CERT_FILE": str(token / "seal-chain.pem"),
                      "SEAL_TRUST_ROOTS": f" {pki.ca_cert} ,", "TSA_URL": tsa.url + "/", "TSA_TIMEOUT": 5.0})
    assert seal.validate(seal.seal(make_pdf(), attachments={}, reason="授权", location="演示市")).valid
