"""Households, members, applications, their events and evidence."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, ForeignKeyConstraint, Index, Integer, Numeric,
                        String, Text, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.domain import CLOSED, AssistanceType, ReviewPath, Status
from app.db import Base, BigId, Encrypted, UTCDateTime

STATUS_LIST = ", ".join(f"'{status.value}'" for status in Status)
TYPE_LIST = ", ".join(f"'{kind.value}'" for kind in AssistanceType)
OPEN_CONDITION = "status NOT IN (" + ", ".join(f"'{status.value}'" for status in sorted(CLOSED)) + ")"


class Household(Base):
    """一户一档: entered once, reused by every application and renewal."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    owner_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    members: Mapped[list["Member"]] = relationship(back_populates="household", order_by="Member.position",
                                                   cascade="all, delete-orphan")


class Member(Base):
    __tablename__ = "household_members"
    __table_args__ = (
        CheckConstraint("disability_grade IS NULL OR disability_grade BETWEEN 1 AND 4", name="disability_grade"),
        CheckConstraint("capacity IN ('full', 'limited', 'none')", name="capacity"),
        CheckConstraint("hukou_type IN ('urban', 'rural')", name="hukou_type"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Encrypted())
    id_number: Mapped[str | None] = mapped_column(Encrypted())
    id_number_index: Mapped[str | None] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(Encrypted())
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    lives_together: Mapped[bool] = mapped_column(Boolean, default=True)
    hukou_type: Mapped[str] = mapped_column(String(10))
    hukou_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    disability_grade: Mapped[int | None] = mapped_column(Integer)
    serious_illness: Mapped[bool] = mapped_column(Boolean, default=False)
    employment: Mapped[str] = mapped_column(String(20))
    capacity: Mapped[str] = mapped_column(String(10), default="full")
    guardian_position: Mapped[int | None] = mapped_column(Integer)

    household: Mapped[Household] = relationship(back_populates="members")


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN ({STATUS_LIST})", name="status"),
        CheckConstraint(f"assistance_type IN ({TYPE_LIST})", name="assistance_type"),
        CheckConstraint("tekun_care IS NULL OR tekun_care IN ('centralized', 'dispersed')", name="tekun_care"),
        CheckConstraint("temporary_kind IS NULL OR temporary_kind IN ('emergency', 'expenditure')",
                        name="temporary_kind"),
        CheckConstraint("status IN ('draft', 'withdrawn') OR (snapshot IS NOT NULL AND commitment_sha256 IS NOT NULL)",
                        name="submitted_is_frozen"),
        # One open application per household and type.
        Index("uq_applications_open_per_type", "household_id", "assistance_type", unique=True,
              sqlite_where=text(OPEN_CONDITION), postgresql_where=text(OPEN_CONDITION)),
        Index("ix_applications_region_status", "region_code", "status"),
        CheckConstraint("review_path IN (" + ", ".join(f"'{path.value}'" for path in ReviewPath) + ")",
                        name="review_path"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    applicant_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    assistance_type: Mapped[str] = mapped_column(String(20))
    tekun_care: Mapped[str | None] = mapped_column(String(12))
    temporary_kind: Mapped[str | None] = mapped_column(String(12))
    temporary_cause: Mapped[str | None] = mapped_column(String(40))
    requested_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    reason: Mapped[str] = mapped_column(Encrypted())
    declared: Mapped[str] = mapped_column(Encrypted())
    status: Mapped[str] = mapped_column(String(24), default=Status.DRAFT.value)
    snapshot: Mapped[str | None] = mapped_column(Encrypted())
    commitment_version: Mapped[str | None] = mapped_column(String(20))
    commitment_sha256: Mapped[str | None] = mapped_column(String(64))
    commitment_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_from: Mapped[str | None] = mapped_column(String(24))
    review_path: Mapped[str] = mapped_column(String(20), default=ReviewPath.STANDARD.value,
                                             server_default=ReviewPath.STANDARD.value,
                                             doc="the steps the case takes, chosen when its check is done")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    household: Mapped[Household] = relationship()
    events: Mapped[list["ApplicationEvent"]] = relationship(order_by="ApplicationEvent.id")
    documents: Mapped[list["Document"]] = relationship(order_by="Document.id")

    __mapper_args__ = {"version_id_col": version}


class WorkflowTransition(Base):
    """The transition table of app.applications.domain, as rows every status event must match."""

    __tablename__ = "workflow_transitions"

    from_status: Mapped[str] = mapped_column(String(24), primary_key=True)
    to_status: Mapped[str] = mapped_column(String(24), primary_key=True)


class ApplicationEvent(Base):
    __tablename__ = "application_events"
    __table_args__ = (
        ForeignKeyConstraint(["from_status", "to_status"],
                             ["workflow_transitions.from_status", "workflow_transitions.to_status"],
                             name="fk_application_events_transition"),
        CheckConstraint("(from_status IS NULL) = (to_status IS NULL)", name="transition_pair"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))


class CommitmentText(Base):
    """告知承诺: each version immutable, identified by its hash."""

    __tablename__ = "commitment_texts"

    version: Mapped[str] = mapped_column(String(20), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    effective_from: Mapped[date] = mapped_column(Date)


class CalendarDay(Base):
    """An admin-loaded arrangement (放假调休) for years the calendar package does not cover yet."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(60))
