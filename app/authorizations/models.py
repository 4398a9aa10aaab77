"""Authorization requests, the letter, signing links and every signature given (each with its sealed PDF)."""
from datetime import date, datetime

from sqlalchemy import Boolean, event, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, BigId, Encrypted, EncryptedBytes, UTCDateTime

STATUSES = ("pending", "signed", "confirmed", "rejected", "revoked", "expired")
SIGNATURE_STATUSES = ("signed", "confirmed", "rejected", "revoked", "expired", "superseded")


class Authorization(Base):
    __tablename__ = "authorizations"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status"),
        UniqueConstraint("application_id", "member_position", name="uq_authorizations_application_member"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    member_position: Mapped[int] = mapped_column()
    signer_position: Mapped[int] = mapped_column()
    by_guardian: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    letter_version: Mapped[str | None] = mapped_column(ForeignKey("letter_versions.version"))
    # False once the member no longer has to consent (left the household); kept for the record.
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    application = relationship("Application")


class Signature(Base):
    """One act of signing: the evidence, the handwritten image, the sealed PDF; never rewritten.

    Its status follows the consent it carries: confirmed or rejected by a caseworker, revoked by the
    signer, expired, or superseded when the household or the letter changed after signing.
    """

    __tablename__ = "authorization_signatures"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in SIGNATURE_STATUSES) + ")", name="status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    authorization_id: Mapped[int] = mapped_column(ForeignKey("authorizations.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("signing_links.id"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("sealed_documents.id"), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    signer_position: Mapped[int] = mapped_column()
    by_guardian: Mapped[bool] = mapped_column(Boolean)
    letter_version: Mapped[str] = mapped_column(ForeignKey("letter_versions.version"))
    letter_sha256: Mapped[str] = mapped_column(String(64))
    household_digest: Mapped[str] = mapped_column(String(64))
    request_sha256: Mapped[str] = mapped_column(String(64), doc="a replay of the same request answers the same")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    image: Mapped[bytes] = mapped_column(EncryptedBytes())
    image_sha256: Mapped[str] = mapped_column(String(64))
    strokes: Mapped[str | None] = mapped_column(Encrypted())
    strokes_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence: Mapped[str] = mapped_column(Encrypted())
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reject_reason: Mapped[str | None] = mapped_column(Encrypted())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, doc="revoked, expired or superseded")


class LetterVersion(Base):
    """家庭经济状况核对授权书: every version immutable, identified by the SHA-256 of its text."""

    __tablename__ = "letter_versions"

    version: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    effective_from: Mapped[date] = mapped_column(Date)


@event.listens_for(LetterVersion, "before_update")
def _letters_are_immutable(_mapper, _connection, letter):
    """A published letter never changes: signatures are bound to its text and hash. Publish a new version."""
    raise PermissionError(f"letter version {letter.version} is immutable")


class SigningLink(Base):
    """A single-use link bound to one authorization, its signer and a letter version; only the hash is kept."""

    __tablename__ = "signing_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    authorization_id: Mapped[int] = mapped_column(ForeignKey("authorizations.id"), index=True)
    # The token is derived from this nonce and a server key, so the QR code can be drawn again
    # while a database dump alone yields no usable link.
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    letter_version: Mapped[str] = mapped_column(ForeignKey("letter_versions.version"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
