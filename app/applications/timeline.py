"""The applicant's view of a case: events in plain words, the stage, its deadline in working days."""
import time
from collections import defaultdict
from datetime import date
from typing import NamedTuple

from sqlalchemy import Row, Select, func, select

from app.applications.domain import (CLOSED, NATIONAL_TIME_LIMITS, NEXT_STEP, SMALL_LIMIT, SMALL_TEMPORARY_DAYS,
                                     STAGE_TEXT, WAITING, AssistanceType, Status, authorization_progress,
                                     time_limit_name)
from app.applications.models import Application, ApplicationEvent, CalendarDay
from app.applications.services import get_application, today_in_china
from app.authorizations.models import Authorization
from app.common.actor import Actor
from app.common.clock import CHINA_TZ
from app.common.workdays import WorkCalendar
from app.db import session
from app.verification.services import parameters_in_force


# Calendar arrangements and time limits change a few times a year; each process keeps what it
# read for a minute, so a change made elsewhere shows on timelines within a minute.
CACHE_TTL = 60
_cache: dict = {}


def _cached(key, load):
    entry = _cache.get(key)
    if entry is None or time.monotonic() - entry[0] > CACHE_TTL:
        entry = _cache[key] = (time.monotonic(), load())
    return entry[1]


def forget_cached() -> None:
    _cache.clear()


def load_calendar() -> WorkCalendar:
    """The statutory calendar, with the arrangements an admin loaded for years it does not cover."""
    return WorkCalendar(_cached("calendar", lambda: {row.day: row.is_workday
                                                     for row in session.scalars(select(CalendarDay))}))


def china_date(moment) -> date:
    return moment.astimezone(CHINA_TZ).date()


def time_limit(application, on: date) -> int:
    """Working days for a case (an Application or a row with the same columns) submitted on `on`."""
    parameters = _cached(("parameters", application.region_code, on), lambda: {
        name: p.value for name, p in parameters_in_force(application.region_code, on).items()})
    small_limit = parameters.get(SMALL_LIMIT)
    if (application.assistance_type == AssistanceType.TEMPORARY and application.requested_amount is not None
            and small_limit is not None and application.requested_amount <= small_limit):
        return SMALL_TEMPORARY_DAYS
    configured = parameters.get(time_limit_name(application.assistance_type))
    return int(configured) if configured is not None else NATIONAL_TIME_LIMITS[AssistanceType(application.assistance_type)]


def paused_intervals(events, today: date) -> list[tuple[date, date]]:
    """The clock stops from a return until the applicant resubmits (or until today, while returned).

    `events` are the case's events in order, or just its returns and resubmissions."""
    intervals, started = [], None
    for event in events:
        if event.to_status == Status.RETURNED:
            started = china_date(event.occurred_at)
        elif event.to_status == Status.RESUBMITTED and started is not None:
            intervals.append((started, china_date(event.occurred_at)))
            started = None
    if started is not None:
        intervals.append((started, today))
    return intervals


def authorization_counts(application_id: int) -> tuple[int, int]:
    done = Authorization.status.in_(["signed", "confirmed"])
    total, signed = session.execute(select(func.count(), func.count().filter(done))
                                    .where(Authorization.application_id == application_id)).one()
    return signed, total


def deadline_of(application: Application, calendar: WorkCalendar, today: date) -> date | None:
    """When the decision is due, or None before submission and after the case closed."""
    return _deadline(application, application.events, calendar, today)


def _deadline(case, events, calendar: WorkCalendar, today: date) -> date | None:
    if case.submitted_at is None or Status(case.status) in CLOSED:
        return None
    start = china_date(case.submitted_at)
    return calendar.deadline(start, time_limit(case, start), paused=paused_intervals(events, today))


# What a deadline depends on; a select of these columns (and any others) can go to with_deadlines.
CLOCK_COLUMNS = (Application.id, Application.status, Application.assistance_type, Application.region_code,
                 Application.submitted_at, Application.requested_amount)


class Clocked(NamedTuple):
    case: Row
    deadline: date | None
    working_days_left: int | None
    overdue: bool


def with_deadlines(cases: Select, calendar: WorkCalendar, today: date) -> list[Clocked]:
    """Each row of `cases` with its deadline, read as plain rows rather than ORM objects: queues and
    dashboards clock thousands of cases per request. Only returns and resubmissions are read of the
    events, and the calendar remembers each deadline it worked out, so cases filed on one day share it."""
    pauses = defaultdict(list)
    for event in session.execute(
            select(ApplicationEvent.application_id, ApplicationEvent.to_status, ApplicationEvent.occurred_at)
            .where(ApplicationEvent.application_id.in_(cases.with_only_columns(Application.id).order_by(None)),
                   ApplicationEvent.to_status.in_([Status.RETURNED.value, Status.RESUBMITTED.value]))
            .order_by(ApplicationEvent.id)):
        pauses[event.application_id].append(event)
    clocked = []
    for case in session.execute(cases):
        deadline = _deadline(case, pauses.get(case.id, ()), calendar, today)
        left = calendar.working_days_left(today, deadline) if deadline else None
        clocked.append(Clocked(case, deadline, left, deadline is not None and today > deadline))
    return clocked


def timeline(application_id: int, *, actor: Actor) -> dict:
    application = get_application(application_id, actor=actor, with_events=True)
    status = Status(application.status)
    today = today_in_china()
    calendar = load_calendar()
    deadline = deadline_of(application, calendar, today)
    days_left = calendar.working_days_left(today, deadline) if deadline else None
    stage_text = STAGE_TEXT[status]
    if status == Status.AUTHORIZING:
        stage_text += "（" + authorization_progress(*authorization_counts(application.id)) + "）"
    warnings = [f"{year}年的法定节假日安排尚未导入，期限暂按周一至周五计算" for year in sorted(calendar.uncovered_years)]
    return {
        "application_id": application.id, "status": status.value, "stage": stage_text,
        "deadline": deadline, "working_days_left": days_left,
        "overdue": deadline is not None and today > deadline,
        "clock_paused": status == Status.RETURNED,
        "next_step": NEXT_STEP.get(status, WAITING),
        "events": [{"at": event.occurred_at, "kind": event.kind, "text": event.text} for event in application.events],
        "warnings": warnings,
    }
