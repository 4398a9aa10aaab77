"""The registry: one row per sealed PDF, found by its verify code (its QR code) or by its SHA-256."""
from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, EncryptedBytes, UTCDateTime
from app.documents.domain import KINDS, STATUSES


class SealedDocument(Base):
    __tablename__ = "sealed_documents"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name="kind"),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    verify_code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    signer: Mapped[str] = mapped_column(String(40), doc="masked, shown to anyone who verifies")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content: Mapped[bytes] = mapped_column(EncryptedBytes())
