"""Department data: each imported file, and the records it brought (personal data encrypted)."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.datasources.domain import KINDS, STATUSES
from app.db import Base, BigId, Encrypted, UTCDateTime

_KIND = "kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")"


class DataImport(Base):
    """One department file; the same file (by SHA-256) is imported once per kind."""

    __tablename__ = "data_imports"
    __table_args__ = (
        UniqueConstraint("kind", "sha256", name="uq_data_imports_kind_sha256"),
        CheckConstraint(_KIND, name="kind"),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12))
    encoding: Mapped[str] = mapped_column(String(12))
    size_bytes: Mapped[int] = mapped_column(Integer)
    rows_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    report: Mapped[str | None] = mapped_column(Text, doc="JSON: notes and rejected rows (line, column, reason, "
                                                         "masked value); never a plaintext personal value")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), doc="None: imported from the CLI")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Set by the service, not stored: True when an earlier import of the same file was returned.
    repeated = False


class DepartmentRecord(Base):
    """One row of an imported file: found by the ID number's blind index, read only decrypted."""

    __tablename__ = "department_records"
    __table_args__ = (
        # records_for() looks up (kind, person) and keeps the newest import: one index serves both.
        Index("ix_department_records_lookup", "id_number_index", "kind", "import_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("data_imports.id"))
    kind: Mapped[str] = mapped_column(String(30))
    id_number_index: Mapped[str] = mapped_column(String(64))
    fields: Mapped[str] = mapped_column(Encrypted(), doc="the row's columns as JSON (ID number, name, address…)")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), doc="the kind's main figure (Layout.amount)")
    as_of: Mapped[date | None] = mapped_column(Date)
