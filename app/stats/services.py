"""Use cases of the dashboards (统计看板): the figures of a division in the caller's scope, and charts.

Counting, deadlines and months are the domain's; this module narrows the rows in SQL (scope,
status, the 12-month window, only the columns needed) and hands them over. Deadlines need each
open case's returns (a return stops the clock) and working days need the calendar, so those are
computed per case by the same with_deadlines as the review queue.
"""
from datetime import date, datetime, time, timezone

from sqlalchemy import func, select

from app.applications.domain import Status
from app.applications.models import Application, ApplicationEvent
from app.applications.services import today_in_china
from app.applications.timeline import CLOCK_COLUMNS, china_date, load_calendar, with_deadlines
from app.common.actor import Actor
from app.common.clock import CHINA_TZ
from app.common.errors import NotFound
from app.common.regions import scope_prefix, within
from app.common.workdays import WorkCalendar
from app.db import session
from app.regions.models import Region
from app.regions.services import get_region
from app.review.models import Decision
from app.stats import charts, domain


def _division(region_code: str | None, actor: Actor) -> Region:
    """The caller's own division, or one beneath it; anything else answers like a missing one."""
    code = region_code or actor.region_code
    if not code or not actor.region_code or not within(actor.region_code, code):
        raise NotFound("区划不存在或不在您的管辖范围内")
    return get_region(code)


def _window_start(today: date) -> datetime:
    """The first moment, in UTC, of the oldest month on the dashboard (months are China's)."""
    first = domain.month_starts(today)[0]
    return datetime.combine(first, time.min, tzinfo=CHINA_TZ).astimezone(timezone.utc)


def open_case_rows(region_code: str, today: date, calendar: WorkCalendar) -> list[domain.OpenCase]:
    query = select(*CLOCK_COLUMNS).where(Application.region_code.startswith(scope_prefix(region_code)),
                                         Application.status.in_([s.value for s in domain.OPEN_STAGES]))
    return [domain.OpenCase(status=clocked.case.status, assistance_type=clocked.case.assistance_type,
                            overdue=clocked.overdue, working_days_left=clocked.working_days_left)
            for clocked in with_deadlines(query, calendar, today)]


def decided_case_rows(region_code: str, since: datetime) -> list[domain.DecidedCase]:
    """Cases approved or rejected since `since`: the moment of the event that closed them."""
    query = (select(Application.assistance_type, Application.submitted_at, ApplicationEvent.occurred_at)
             .join(ApplicationEvent, ApplicationEvent.application_id == Application.id)
             .where(Application.region_code.startswith(scope_prefix(region_code)),
                    Application.submitted_at.is_not(None),
                    ApplicationEvent.to_status.in_([s.value for s in domain.DECIDED]),
                    ApplicationEvent.occurred_at >= since))
    return [domain.DecidedCase(kind, china_date(submitted_at), china_date(decided_at))
            for kind, submitted_at, decided_at in session.execute(query)]


def approval_rows(region_code: str, since: datetime) -> list[domain.Approval]:
    """Approvals since `since`, each with the amount of the case's last approving decision."""
    last_approval = (select(func.max(Decision.id))
                     .where(Decision.application_id == ApplicationEvent.application_id, Decision.outcome == "approve")
                     .correlate(ApplicationEvent).scalar_subquery())
    query = (select(ApplicationEvent.occurred_at, Decision.amount)
             .join(Application, Application.id == ApplicationEvent.application_id)
             .outerjoin(Decision, Decision.id == last_approval)
             .where(Application.region_code.startswith(scope_prefix(region_code)),
                    ApplicationEvent.to_status == Status.APPROVED.value, ApplicationEvent.occurred_at >= since))
    return [domain.Approval(china_date(approved_at), amount) for approved_at, amount in session.execute(query)]


def dashboard(region_code: str | None, due_within: int, *, actor: Actor) -> dict:
    """Open cases by stage and type with their deadlines, decision times and 12 months of approvals."""
    region = _division(region_code, actor)
    today, calendar = today_in_china(), load_calendar()
    since = _window_start(today)
    figures = {
        "region_code": region.code, "region_name": region.name, "as_of": today, "due_within": due_within,
        "open": domain.open_cases(open_case_rows(region.code, today, calendar), due_within),
        "decision_times": domain.decision_times(decided_case_rows(region.code, since), calendar),
        "monthly": domain.monthly(approval_rows(region.code, since), today),
        "period": {"start": domain.month_starts(today)[0], "end": today},
    }
    # Only after every working day was counted does the calendar know which years it guessed.
    figures["warnings"] = [f"{year}年的法定节假日安排尚未导入，工作日暂按周一至周五计算"
                           for year in sorted(calendar.uncovered_years)]
    return figures


def chart(kind: str, region_code: str | None, due_within: int, *, actor: Actor, font_path: str) -> bytes:
    """One dashboard chart as a PNG: open cases by stage or by type, or approvals by month."""
    region = _division(region_code, actor)
    today, calendar = today_in_china(), load_calendar()
    if kind == "monthly":
        rows = domain.monthly(approval_rows(region.code, _window_start(today)), today)
        return charts.monthly_chart(rows, region_name=region.name, font_path=font_path)
    figures = domain.open_cases(open_case_rows(region.code, today, calendar), due_within)
    rows = figures["by_stage"] if kind == "stages" else figures["by_type"]
    return charts.open_cases_chart(rows, by=kind, region_name=region.name, due_within=due_within,
                                   font_path=font_path)
