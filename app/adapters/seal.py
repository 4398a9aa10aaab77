"""The platform's PDF seal (电子签章): a PAdES certification signature with an RFC 3161 timestamp.

A sealed PDF carries its evidence as embedded files and one certification
signature (DocMDP "no changes allowed") over the whole file, so any later byte
change, appended revision or rewrite is detectable offline against the
platform's root certificate. Sealing fails closed: without the key or the
timestamp authority it raises SealUnavailable and nothing may be marked signed.

Loading: the trust roots are read when PlatformSeal is constructed (a missing or
unreadable root raises SealUnavailable there, since nothing could be validated);
the PKCS#12 is read on the first seal() and cached, so a broken key only stops
sealing and is retried on the next call.
"""
from __future__ import annotations

import binascii
import logging
import mimetypes
import os
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

from asn1crypto import parser as asn1_parser
from asn1crypto import pem, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

log = logging.getLogger(__name__)

__all__ = ["DevPki", "Pkcs11Key", "PlatformSeal", "SealFindings", "SealUnavailable", "ensure_dev_pki"]


# Room for the CMS signature (seal certificate chain + timestamp token with the TSA's chain, about
# 6 KB here). Reserving it up front spares pyHanko a trial signature, with its own timestamp
# request, to measure the size on every seal; a chain that outgrows it fails loudly.
SIGNATURE_BYTES = 16384


class SealUnavailable(Exception):
    """the seal key or the timestamp authority cannot be used: nothing may be marked signed"""


@dataclass(frozen=True)
class SealFindings:
    """The offline verdict on a sealed PDF; `valid` is the only field to decide on."""

    valid: bool
    reasons: list[str] = field(default_factory=list)
    signer: str | None = None
    signed_at: datetime | None = None
    bottom_line: bool = False
    coverage: str | None = None
    modification: str | None = None


NOT_A_PDF = "文件不是有效的PDF"
NO_SEAL = "文件没有签章"
SEAL_UNREADABLE = "签章数据损坏，无法验证"
SEAL_PADDING_CHANGED = "签章数据区被改动"
CONTENT_MISMATCH = "文件内容与签名不符"
APPENDED = "签名之后文件被追加修改"
NOT_WHOLE_FILE = "签名没有覆盖整个文件"
DOCMDP_VIOLATED = "文件修改违反了认证签章的禁止修改规则"
UNTRUSTED = "签名证书不受平台根证书信任"
NO_TIMESTAMP = "签章没有可信时间戳"
BAD_TIMESTAMP = "签章时间戳无效或不受信任"
MULTIPLE_SEALS = "文件包含多个签名"

# The seal certificate carries nonRepudiation; the TSA certificate (same CA) does not,
# so it cannot pass for the platform seal.
_SEAL_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                      match_all_key_usages=True)


def _invalid(*reasons: str, **details) -> SealFindings:
    return SealFindings(valid=False, reasons=list(reasons), **details)


def _subject_cn(cert: asn1_x509.Certificate) -> str | None:
    try:
        return cert.subject.native.get("common_name")
    except Exception:  # noqa: BLE001 - a name we cannot read is simply not reported
        return None


def _read_certificates(path: str) -> list[asn1_x509.Certificate]:
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def _contents_region_untouched(pdf: bytes, sig) -> bool:
    """The /Contents hex string sits outside the signed byte range; it must be exactly
    what pyhanko writes: uppercase hex of the CMS object followed by zero padding."""
    try:
        start, first_len, second_start, _ = (int(x) for x in sig.byte_range)
        raw = pdf[start + first_len:second_start]
        contents = sig.pkcs7_content
        if raw != b"<" + binascii.hexlify(contents).upper() + b">":
            return False
        used = asn1_parser.peek(contents)
        return not any(contents[used:])
    except Exception:  # noqa: BLE001 - anything odd here is a tampered seal
        return False


@dataclass(frozen=True)
class Pkcs11Key:
    """The seal key in a hardware module (HSM, USB key) through its PKCS#11 library.

    The key never leaves the module; the certificate and its chain come from a PEM file
    (the seal certificate first)."""

    library: str
    token_label: str
    pin: str
    key_label: str
    certificate_file: str


class PlatformSeal:
    """Seals PDFs with the platform key and validates them offline; safe to share across threads.

    The key is a PKCS#12 file (`pkcs12_path`) or a PKCS#11 module (`pkcs11`)."""

    def __init__(self, *, trust_roots: list[str], tsa_url: str, timeout: float = 10.0,
                 pkcs12_path: str | None = None, pkcs12_password: bytes | None = None,
                 pkcs11: Pkcs11Key | None = None):
        if (pkcs12_path is None) == (pkcs11 is None):
            raise ValueError("give the seal key as either a PKCS#12 file or a PKCS#11 module")
        self._pkcs12_path = str(pkcs12_path) if pkcs12_path else None
        self._pkcs12_password = pkcs12_password
        self._pkcs11 = pkcs11
        self._tsa_url = tsa_url
        self._timeout = timeout
        try:
            self._roots = [cert for path in trust_roots for cert in _read_certificates(path)]
        except Exception as exc:
            raise SealUnavailable(f"cannot read the seal trust roots: {exc}") from exc
        if not self._roots:
            raise SealUnavailable("no seal trust roots configured")
        self._signer: signers.SimpleSigner | None = None
        self._lock = threading.Lock()
        self._sign_lock = threading.Lock()
        # Shared so the size-estimation token pyhanko fetches once per digest algorithm is reused.
        self._timestamper = RequestsHTTPTimeStamper(tsa_url, timeout=timeout)

    @property
    def root_certificates(self) -> list[bytes]:
        """The trust roots, DER-encoded."""
        return [cert.dump() for cert in self._roots]

    def _load_signer(self) -> signers.Signer:
        with self._lock:
            if self._signer is None:
                source = self._pkcs12_path or f"PKCS#11 token {self._pkcs11.token_label}"
                try:
                    self._signer = self._open_pkcs11() if self._pkcs11 else signers.SimpleSigner.load_pkcs12_data(
                        Path(self._pkcs12_path).read_bytes(), other_certs=[], passphrase=self._pkcs12_password)
                except Exception as exc:
                    raise SealUnavailable(f"cannot load the seal key from {source}") from exc
            return self._signer

    def _open_pkcs11(self) -> signers.Signer:
        from pkcs11.exceptions import UserAlreadyLoggedIn
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        key = self._pkcs11
        certificate, *chain = _read_certificates(key.certificate_file)
        criteria = TokenCriteria(label=key.token_label)
        try:
            session = open_pkcs11_session(key.library, token_criteria=criteria, user_pin=key.pin)
        except UserAlreadyLoggedIn:
            # PKCS#11 log-in is per process: a session opened earlier (before a failure) still holds it.
            session = open_pkcs11_session(key.library, token_criteria=criteria)
        # Many modules (SoftHSM among them) offer ECDSA only over a digest computed outside.
        return PKCS11Signer(session, key_label=key.key_label, signing_cert=certificate, ca_chain=chain,
                            use_raw_mechanism=certificate.public_key.algorithm == "ec")

    def _forget_signer(self) -> None:
        """After a failure the module may have gone away (an HSM restart): open it again next time."""
        with self._lock:
            self._signer = None

    def seal(self, pdf: bytes, *, attachments: dict[str, bytes], reason: str, location: str,
             field_name: str = "PlatformSeal") -> bytes:
        """Embeds the attachments and certifies the result, in one incremental update.

        Raises ValueError if `pdf` cannot be read as a PDF, SealUnavailable for any
        failure of the key or the timestamp authority."""
        signer = self._load_signer()
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf))
        except Exception as exc:
            raise ValueError("the document to seal is not a readable PDF") from exc
        for name in sorted(attachments):  # name tree keys must be sorted
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            stream = EmbeddedFileObject.from_file_data(
                writer, attachments[name], mime_type=mime, params=EmbeddedFileParams())
            embed_file(writer, FileSpec(file_spec_string=name, file_name=name, embedded_data=stream))
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, reason=reason, location=location, md_algorithm="sha256",
            certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES,
            subfilter=fields.SigSeedSubFilter.PADES)
        try:
            if self._pkcs11:   # one session, one operation at a time
                with self._sign_lock:
                    out = signers.PdfSigner(meta, signer, timestamper=self._timestamper).sign_pdf(
                        writer, bytes_reserved=SIGNATURE_BYTES)
            else:
                out = signers.PdfSigner(meta, signer, timestamper=self._timestamper).sign_pdf(
                    writer, bytes_reserved=SIGNATURE_BYTES)
        except Exception as exc:
            if self._pkcs11:
                self._forget_signer()
            raise SealUnavailable(f"sealing failed (timestamp authority {self._tsa_url}): {exc}") from exc
        return out.getvalue()

    def _validation_context(self) -> ValidationContext:
        return ValidationContext(trust_roots=list(self._roots), allow_fetching=False,
                                 revocation_mode="soft-fail")

    def validate(self, pdf: bytes) -> SealFindings:
        """Offline verdict; never raises for bad input."""
        try:
            reader = PdfFileReader(BytesIO(pdf))
        except Exception:  # noqa: BLE001 - garbage, truncated, or not a PDF at all
            return _invalid(NOT_A_PDF)
        try:
            signatures = reader.embedded_signatures
        except Exception:  # noqa: BLE001 - a signature dictionary or CMS blob that does not parse
            return _invalid(SEAL_UNREADABLE)
        if not signatures:
            return _invalid(NO_SEAL)
        try:
            return self._judge(pdf, signatures)
        except Exception:  # noqa: BLE001 - a damaged CMS blob or structure pyhanko chokes on
            log.info("seal validation failed on a malformed signature", exc_info=True)
            return _invalid(SEAL_UNREADABLE)

    def _judge(self, pdf: bytes, signatures) -> SealFindings:
        sig = signatures[-1]  # only the last signature can cover the entire file
        status = validate_pdf_signature(sig, self._validation_context(),
                                        key_usage_settings=_SEAL_KEY_USAGE)
        coverage = status.coverage.name if status.coverage is not None else None
        level = status.modification_level
        modification = level.name if level is not None else None
        ts = status.timestamp_validity
        signed_at = ts.timestamp.astimezone(timezone.utc) if ts is not None else None

        reasons: list[str] = []
        if len(signatures) > 1:
            reasons.append(MULTIPLE_SEALS)
        if not _contents_region_untouched(pdf, sig):
            reasons.append(SEAL_PADDING_CHANGED)
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            reasons.append(APPENDED if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
                           else NOT_WHOLE_FILE)
        elif level != ModificationLevel.NONE:
            reasons.append(APPENDED)
        if status.docmdp_ok is False:
            reasons.append(DOCMDP_VIOLATED)
        if not (status.intact and status.valid):
            reasons.append(CONTENT_MISMATCH)
        elif not status.trusted:  # pyhanko only judges trust for an intact signature
            reasons.append(UNTRUSTED)
        if ts is None:
            reasons.append(NO_TIMESTAMP)
        elif not (ts.valid and ts.intact and ts.trusted):
            reasons.append(BAD_TIMESTAMP)
        if not status.bottom_line and not reasons:
            reasons.append(CONTENT_MISMATCH)
        return SealFindings(valid=not reasons, reasons=reasons, signer=_subject_cn(status.signing_cert),
                            signed_at=signed_at, bottom_line=status.bottom_line, coverage=coverage,
                            modification=modification)

    def attachment(self, pdf: bytes, name: str) -> bytes | None:
        """An embedded file's bytes from the document's latest revision, or None.

        Validate first: this does not check the seal."""
        try:
            reader = PdfFileReader(BytesIO(pdf), strict=False)
            tree = reader.root["/Names"]["/EmbeddedFiles"]
            spec = _name_tree_lookup(tree, name)
            if spec is None:
                return None
            ef = spec["/EF"]
            stream = ef["/F"] if "/F" in ef else ef["/UF"]
            return stream.data
        except Exception:  # noqa: BLE001 - unreadable means "not there"
            return None


def _name_tree_lookup(node, name: str, depth: int = 0):
    if depth > 32:
        return None
    if "/Names" in node:
        entries = node["/Names"]
        for i in range(0, len(entries) - 1, 2):
            key = entries[i]
            if isinstance(key, (generic.TextStringObject, generic.ByteStringObject)) and \
                    _string_value(key) == name:
                return entries[i + 1].get_object()
    for kid in node.get("/Kids", ()):
        found = _name_tree_lookup(kid.get_object(), name, depth + 1)
        if found is not None:
            return found
    return None


def _string_value(obj) -> str:
    if isinstance(obj, generic.TextStringObject):
        return str(obj)
    return obj.original_bytes.decode("latin-1")


# --- development PKI -------------------------------------------------------------------------

@dataclass(frozen=True)
class DevPki:
    directory: Path
    ca_cert: Path
    seal_p12: Path
    seal_password: bytes
    tsa_cert: Path
    tsa_key: Path


_FILES = {"ca_cert": "ca.pem", "seal_p12": "seal.p12", "seal_password": "seal-password",
          "tsa_cert": "tsa.pem", "tsa_key": "tsa-key.pem"}


def _load_dev_pki(directory: Path) -> DevPki | None:
    paths = {key: directory / name for key, name in _FILES.items()}
    if not all(p.is_file() for p in paths.values()):
        return None
    return DevPki(directory=directory, ca_cert=paths["ca_cert"], seal_p12=paths["seal_p12"],
                  seal_password=paths["seal_password"].read_bytes().strip(),
                  tsa_cert=paths["tsa_cert"], tsa_key=paths["tsa_key"])


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _name(organization: str, common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _issue(subject: x509.Name, public_key, issuer: x509.Name, issuer_key, *, years: int,
           ca: bool, key_usage: dict, eku: list | None = None) -> x509.Certificate:
    now = datetime.now(timezone.utc)
    usage = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment",
                           "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
                           "encipher_only", "decipher_only"), False)
    usage.update(key_usage)
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(minutes=5))
               .not_valid_after(now + timedelta(days=365 * years))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
               .add_extension(x509.KeyUsage(**usage), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
    if issuer_key.public_key() != public_key:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _generate_dev_pki(directory: Path, organization: str) -> None:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(organization, "社会救助掌上办 平台根证书（演示）")
    ca_cert = _issue(ca_name, ca_key.public_key(), ca_name, ca_key, years=10, ca=True,
                     key_usage={"key_cert_sign": True, "crl_sign": True})

    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal_cert = _issue(_name(organization, "社会救助掌上办 电子签章（演示）"), seal_key.public_key(),
                       ca_name, ca_key, years=3, ca=False,
                       key_usage={"digital_signature": True, "content_commitment": True})
    password = secrets.token_urlsafe(24).encode("ascii")
    p12 = pkcs12.serialize_key_and_certificates(
        b"platform-seal", seal_key, seal_cert, [ca_cert],
        serialization.BestAvailableEncryption(password))

    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = _issue(_name(organization, "社会救助掌上办 时间戳服务（演示）"), tsa_key.public_key(),
                      ca_name, ca_key, years=5, ca=False, key_usage={"digital_signature": True},
                      eku=[ExtendedKeyUsageOID.TIME_STAMPING])

    pem_cert = serialization.Encoding.PEM
    (directory / _FILES["ca_cert"]).write_bytes(ca_cert.public_bytes(pem_cert))
    (directory / _FILES["tsa_cert"]).write_bytes(tsa_cert.public_bytes(pem_cert))
    _write_private(directory / _FILES["seal_p12"], p12)
    _write_private(directory / _FILES["seal_password"], password)
    _write_private(directory / _FILES["tsa_key"], tsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def ensure_dev_pki(directory: Path, *, organization: str = "社会救助掌上办（演示）") -> DevPki:
    """A demo CA, seal certificate and TSA certificate in `directory`, created once.

    Safe when several processes start together: each generates into its own temp
    sibling and renames it into place; the loser of the race discards its copy and
    loads the winner's. The CA private key is not kept. For development and tests only."""
    directory = Path(directory)
    existing = _load_dev_pki(directory)
    if existing is not None:
        return existing
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.tmp-"))
    try:
        _generate_dev_pki(staging, organization)
        try:
            os.rename(staging, directory)  # atomic; succeeds onto a missing or empty directory
        except OSError:
            pass  # another process got there first
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    result = _load_dev_pki(directory)
    if result is None:
        raise SealUnavailable(f"{directory} exists but does not hold a complete development PKI")
    return result
