"""Audit rows and the single chain head that serializes writers."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_region_code_occurred_at", "region_code", "occurred_at"),
        CheckConstraint("result IN ('ok', 'failed', 'denied')", name="result"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int] = mapped_column(BigId, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(64), index=True)
    result: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None] = mapped_column(BigId)
    actor_role: Mapped[str | None] = mapped_column(String(32))
    actor_region: Mapped[str | None] = mapped_column(String(12))
    ip: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(String(12))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def chained_fields(self) -> dict:
        return {
            "seq": self.seq, "occurred_at": self.occurred_at.isoformat(), "action": self.action,
            "result": self.result, "actor_id": self.actor_id, "actor_role": self.actor_role,
            "actor_region": self.actor_region, "ip": self.ip, "request_id": self.request_id,
            "object_type": self.object_type, "object_id": self.object_id,
            "region_code": self.region_code, "detail": self.detail or {},
        }


class AuditHead(Base):
    """One row: the last sequence number and hash. Updating it first takes the chain lock."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigId)
    last_hash: Mapped[str] = mapped_column(String(64))
