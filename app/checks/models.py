"""Checks, their immutable reports, every record looked up, and periodic batches."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.checks.domain import PURPOSES, STATUSES
from app.db import Base, BigId, Encrypted, UTCDateTime

_STATUS = "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")"


class CheckBatch(Base):
    """定期核对: every enrolled household of a region and type."""

    __tablename__ = "check_batches"
    __table_args__ = (CheckConstraint(_STATUS, name="status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    assistance_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    cursor: Mapped[int] = mapped_column(BigId, default=0, doc="the last application re-checked (a retry resumes here)")
    summary: Mapped[str | None] = mapped_column(Text, doc="JSON: counts per outcome; no personal data")
    requested_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Check(Base):
    __tablename__ = "checks"
    __table_args__ = (
        CheckConstraint(_STATUS, name="status"),
        CheckConstraint("purpose IN (" + ", ".join(f"'{p}'" for p in PURPOSES) + ")", name="purpose"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("check_batches.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(20))
    consistency: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(String(200))
    requested_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CheckReport(Base):
    """核对报告: written once; it carries the records it used, so later imports never change it."""

    __tablename__ = "check_reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"), unique=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("sealed_documents.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content: Mapped[str] = mapped_column(Encrypted(), doc="the report as JSON")


class CheckLookup(Base):
    """Each department record looked up, with the authorization (and signature) that allowed it."""

    __tablename__ = "check_lookups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"), index=True)
    authorization_id: Mapped[int] = mapped_column(ForeignKey("authorizations.id"))
    signature_id: Mapped[int] = mapped_column(ForeignKey("authorization_signatures.id"))
    member_position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("department_records.id"),
                                                  doc="the imported record; None for a record answered live")
    source: Mapped[str] = mapped_column(String(10), doc="import or live")
    looked_up_at: Mapped[datetime] = mapped_column(UTCDateTime)
