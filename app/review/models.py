"""Home visits (入户调查) and decisions at the three review levels; both append-only."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, Encrypted, UTCDateTime
from app.review.domain import OUTCOMES, STEPS


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
                      CheckConstraint(_one_of("outcome", OUTCOMES), name="outcome"))

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
