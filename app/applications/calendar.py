"""Loading the statutory working-day arrangement for years the calendar package does not cover yet."""
import csv
from datetime import date

from app.applications.models import CalendarDay
from app.audit import services as audit
from app.common.actor import Actor
from app.common.errors import InvalidInput
from app.applications.timeline import forget_cached
from app.db import after_commit, session

TRUE, FALSE = {"1", "true", "yes", "work", "workday", "班"}, {"0", "false", "no", "rest", "holiday", "休"}


def load_arrangement(source, *, actor: Actor = Actor(role="admin")) -> int:
    """Rows of date,is_workday[,note]; a file is loaded whole or not at all."""
    days = []
    for line, row in enumerate(csv.reader(source), start=1):
        if not row or row[0].strip().lower() in {"", "date"}:
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            raise InvalidInput(errors={f"line {line}": ["日期格式应为 YYYY-MM-DD"]}) from None
        flag = row[1].strip().lower() if len(row) > 1 else ""
        if flag not in TRUE | FALSE:
            raise InvalidInput(errors={f"line {line}": ["第二列应为 1（上班）或 0（休息）"]})
        days.append(CalendarDay(day=day, is_workday=flag in TRUE, note=(row[2].strip()[:60] if len(row) > 2 else None)))
    for day in days:
        session.merge(day)
    after_commit(forget_cached)
    audit.record("config.change", actor=actor, object_type="calendar", detail={"days": len(days)})
    return len(days)
