"""Home visits (入户调查) and decisions at the three review levels; both append-only."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, Encrypted, UTCDateTime
from app.review.domain import RECORDED_OUTCOMES, STEPS
from app.review.letter_rules import LETTER_KINDS, LETTER_STATUSES


def _one_of(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class HomeVisit(Base):
    __tablename__ = "home_visits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visitors: Mapped[str] = mapped_column(Encrypted(), doc="JSON list of the visitors' names")
    findings: Mapped[str] = mapped_column(Encrypted())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Decision(Base):
    __tablename__ = "review_decisions"
    __table_args__ = (CheckConstraint(_one_of("step", STEPS), name="step"),
                      CheckConstraint(_one_of("outcome", RECORDED_OUTCOMES), name="outcome"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    step: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Encrypted())
    items: Mapped[str | None] = mapped_column(Encrypted(), doc="JSON list: what the applicant must add (a return)")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), doc="monthly amount granted (an approval)")
    suggested_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), doc="the check report's, at the time")
    check_id: Mapped[int | None] = mapped_column(ForeignKey("checks.id"), doc="the report the decision rests on")
    decided_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PublicNotice(Base):
    """公示: an approved case, listed for its region for the configured days; only masked facts."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    surname: Mapped[str] = mapped_column(String(8), doc="the applicant's surname and one star, as published")
    assistance_type: Mapped[str] = mapped_column(String(20))
    household_size: Mapped[int] = mapped_column()
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    published_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Objection(Base):
    """An objection to a notice (anyone may file one); it flags the case until a caseworker answers."""

    __tablename__ = "notice_objections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notices.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    content: Mapped[str] = mapped_column(Encrypted())
    contact: Mapped[str | None] = mapped_column(Encrypted())
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Encrypted())
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AssistFirstGrant(Base):
    """先行救助 (seed 003): emergency money paid by the township before the file is complete."""

    __tablename__ = "assist_first_grants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(Encrypted())
    file_due_on: Mapped[date] = mapped_column(Date, index=True, doc="the last working day to complete the file")
    granted_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DishonestyRecord(Base):
    """失信: a false declaration proven by a check report (seed 002); kept against the applicant's ID."""

    __tablename__ = "dishonesty_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    id_number_index: Mapped[str] = mapped_column(String(64), index=True, doc="the applicant's, blind-indexed")
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id"), doc="the report that proves it")
    reason: Mapped[str] = mapped_column(Encrypted())
    revoked_benefit: Mapped[bool] = mapped_column()
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VisitPhoto(Base):
    """A photo taken on a home visit (入户调查照片): checked, re-encoded and stored as evidence is."""

    __tablename__ = "visit_photos"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("home_visits.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DecisionLetter(Base):
    """救助决定通知书: one per decision that closes a case, pending until its sealed PDF is issued."""

    __tablename__ = "decision_letters"
    __table_args__ = (CheckConstraint(_one_of("kind", LETTER_KINDS), name="kind"),
                      CheckConstraint(_one_of("status", LETTER_STATUSES), name="status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("review_decisions.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date] = mapped_column(Date, doc="the decision's date plus the notice limit in working days")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("sealed_documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
