"""Who is acting, passed explicitly to every use case."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    account_id: int | None = None
    role: str | None = None
    region_code: str | None = None
    ip: str | None = None
    request_id: str | None = None
    user_agent: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role not in (None, "applicant")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request, as read from the database."""

    account_id: int
    role: str
    region_code: str | None
    session_id: str
