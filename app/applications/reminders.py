"""Due-soon and overdue notices to the staff whose step a case is waiting on."""
from collections import defaultdict
from datetime import date, datetime, time

from sqlalchemy import select

from app.applications.domain import STAGE_ROLE, STAGE_TEXT, Status
from app.applications.models import Application
from app.applications.timeline import deadline_of, load_calendar
from app.common.clock import CHINA_TZ
from app.common.regions import lineage
from app.db import session
from app.identity.models import Account
from app.notifications.models import Message
from app.notifications.services import notify

DUE_SOON_WORKING_DAYS = 3


def send_due_notices(today: date) -> int:
    """Once a day: each worker of the waiting stage hears about cases due within 3 working days or overdue."""
    calendar = load_calendar()
    since = datetime.combine(today, time(0), CHINA_TZ)
    # Read once: who works where, and what they were already told today.
    workers = defaultdict(list)
    for account_id, role, region_code in session.execute(
            select(Account.id, Account.role, Account.region_code)
            .where(Account.role.in_(set(STAGE_ROLE.values())), Account.active.is_(True))):
        workers[(role, region_code)].append(account_id)
    told = {tuple(row) for row in session.execute(
        select(Message.account_id, Message.application_id, Message.kind)
        .where(Message.kind.in_(["staff.overdue", "staff.due_soon"]), Message.created_at >= since))}
    sent = 0
    waiting = select(Application).where(Application.status.in_([stage.value for stage in STAGE_ROLE]))
    for application in session.scalars(waiting):
        deadline = deadline_of(application, calendar, today)
        left = calendar.working_days_left(today, deadline)
        if left > DUE_SOON_WORKING_DAYS:
            continue
        stage, overdue = Status(application.status), today > deadline
        kind = "staff.overdue" if overdue else "staff.due_soon"
        text = (f"第{application.id}号申请（{STAGE_TEXT[stage]}）"
                + (f"已超过办理期限（{deadline.isoformat()}）" if overdue
                   else f"将于{deadline.isoformat()}到期，剩余{left}个工作日"))
        for code in lineage(application.region_code):
            for worker_id in workers.get((STAGE_ROLE[stage], code), []):
                if (worker_id, application.id, kind) not in told:
                    notify(worker_id, kind, text, application_id=application.id)
                    told.add((worker_id, application.id, kind))
                    sent += 1
    return sent
