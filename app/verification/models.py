"""Policy parameters: effective-dated, per region, inherited down the division tree."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId


class PolicyParameter(Base):
    __tablename__ = "policy_parameters"
    __table_args__ = (UniqueConstraint("region_code", "name", "effective_from",
                                       name="uq_policy_parameters_region_name_from"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))
