"""Due-soon and overdue notices to the staff whose step a case is waiting on."""
from datetime import date, datetime, time

from sqlalchemy import select

from app.applications.domain import STAGE_ROLE, STAGE_TEXT, Status
from app.applications.models import Application
from app.applications.timeline import deadline_of, load_calendar
from app.common.clock import CHINA_TZ
from app.common.regions import lineage
from app.identity.models import Account
from app.notifications.models import Message
from app.notifications.services import notify
from app.db import session

DUE_SOON_WORKING_DAYS = 3


def _already_told(account_id: int, application_id: int, kind: str, since: datetime) -> bool:
    return session.scalar(select(Message.id).where(Message.account_id == account_id, Message.kind == kind,
                                                   Message.application_id == application_id,
                                                   Message.created_at >= since)) is not None


def send_due_notices(today: date) -> int:
    """Once a day: each worker of the waiting stage hears about cases due within 3 working days or overdue."""
    calendar = load_calendar()
    today_start = datetime.combine(today, time(0), CHINA_TZ)
    sent = 0
    waiting = select(Application).where(Application.status.in_([stage.value for stage in STAGE_ROLE]))
    for application in session.scalars(waiting):
        deadline = deadline_of(application, calendar, today)
        left = calendar.working_days_left(today, deadline)
        if left > DUE_SOON_WORKING_DAYS:
            continue
        overdue = today > deadline
        kind = "staff.overdue" if overdue else "staff.due_soon"
        stage = Status(application.status)
        text = (f"第{application.id}号申请（{STAGE_TEXT[stage]}）"
                + (f"已超过办理期限（{deadline.isoformat()}）" if overdue else f"将于{deadline.isoformat()}到期，剩余{left}个工作日"))
        workers = session.scalars(select(Account.id).where(Account.role == STAGE_ROLE[stage], Account.active.is_(True),
                                                           Account.region_code.in_(lineage(application.region_code))))
        for worker_id in workers:
            if not _already_told(worker_id, application.id, kind, today_start):
                notify(worker_id, kind, text, application_id=application.id)
                sent += 1
    return sent
