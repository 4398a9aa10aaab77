"""Sealing a PDF into the registry, and verifying documents by code or by file."""
from datetime import datetime

from sqlalchemy import select

from app.adapters.seal import SealUnavailable
from app.audit import services as audit
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import DependencyUnavailable, NotFound
from app.common.uploads import UploadRejected
from app.db import session
from app.documents.domain import (EVIDENCE_FILE, KIND_TEXT, STATUS_TEXT, evidence_bytes, normalize_code,
                                  parse_evidence, sha256)
from app.documents.models import SealedDocument


class SealNotAvailable(DependencyUnavailable):
    error = "SEAL_UNAVAILABLE"
    message = "电子签章或时间戳服务暂时不可用，本次签署未生效，请稍后重试"


def seal_document(pdf: bytes, *, kind: str, verify_code: str, evidence: dict, signer: str, signed_at: datetime,
                  seal, actor: Actor, region_code: str | None = None, status: str = "signed") -> SealedDocument:
    """Apply the platform seal and a trusted timestamp, then register the result.

    The timestamp authority is called before the commit on purpose: a document is only
    registered (and its authorization only "signed") once the seal is on it. Failing closed.
    """
    evidence_file = evidence_bytes(evidence)
    try:
        sealed = seal.seal(pdf, attachments={EVIDENCE_FILE: evidence_file}, reason=KIND_TEXT[kind],
                           location="社会救助掌上办")
    except SealUnavailable as exc:
        raise SealNotAvailable() from exc
    now = utcnow()
    document = SealedDocument(verify_code=verify_code, kind=kind, status=status, sha256=sha256(sealed),
                              evidence_sha256=sha256(evidence_file), signer=signer, signed_at=signed_at,
                              status_changed_at=now, content=sealed)
    session.add(document)
    session.flush()
    audit.record("document.seal", actor=actor, object_type="document", object_id=document.id,
                 region_code=region_code, detail={"kind": kind, "sha256": document.sha256})
    return document


def set_status(document_id: int, status: str) -> None:
    document = session.get(SealedDocument, document_id)
    document.status, document.status_changed_at = status, utcnow()


def verify_code_of(document_id: int) -> str:
    return session.get(SealedDocument, document_id).verify_code


def content_of(document_id: int) -> bytes:
    return session.get(SealedDocument, document_id).content


def _by_code(code: str) -> SealedDocument | None:
    return session.scalar(select(SealedDocument).where(SealedDocument.verify_code == normalize_code(code)))


def _public(document: SealedDocument) -> dict:
    """Nothing beyond a masked name: the code is printed on paper that strangers may hold."""
    return {"verify_code": document.verify_code, "kind": document.kind, "title": KIND_TEXT[document.kind],
            "status": document.status, "status_text": STATUS_TEXT[document.status], "signer": document.signer,
            "signed_at": document.signed_at, "sha256": document.sha256}


def lookup(code: str) -> dict:
    document = _by_code(code)
    if document is None:
        raise NotFound("未找到该核验码对应的文件，请核对后重试", error="DOCUMENT_NOT_FOUND")
    return _public(document)


def verify_file(data: bytes, *, seal, max_bytes: int) -> dict:
    """Three findings, each on its own: registry, signature, evidence. Valid only if all three hold."""
    if not data:
        raise UploadRejected("invalid", "文件为空")
    if len(data) > max_bytes:
        raise UploadRejected("too_large", f"文件不能超过 {max_bytes // (1024 * 1024)} MB")
    # Sealed documents are PDFs from their first byte; anything else is not handed to the PDF parser.
    if not data.startswith(b"%PDF-"):
        raise UploadRejected("invalid", "仅支持核验本平台出具的 PDF 文件")
    digest = sha256(data)
    registered = session.scalar(select(SealedDocument).where(SealedDocument.sha256 == digest))
    signature = seal.validate(data)
    attached = seal.attachment(data, EVIDENCE_FILE)
    evidence = parse_evidence(attached)
    claimed = _by_code(str(evidence.get("verify_code", ""))) if evidence else None
    evidence_ok = claimed is not None and sha256(attached) == claimed.evidence_sha256
    document = registered or claimed
    return {
        "valid": registered is not None and signature.valid and evidence_ok,
        "sha256": digest,
        "document": _public(document) if document else None,
        "registry": {"ok": registered is not None,
                     "message": "文件与平台登记的签章文件完全一致" if registered else
                     "平台没有登记与此文件完全一致的文件（文件可能被改动或另存）"},
        "signature": {"ok": signature.valid, "reasons": signature.reasons, "signer": signature.signer,
                      "signed_at": signature.signed_at,
                      "message": "电子签章有效，签章后文件未被改动" if signature.valid else "；".join(signature.reasons)},
        "evidence": {"ok": evidence_ok,
                     "message": "内嵌证据与平台记录一致" if evidence_ok else
                     ("文件没有可读的内嵌证据" if evidence is None else "内嵌证据与平台记录不一致")},
    }
