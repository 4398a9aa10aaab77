"""Due-soon and overdue notices to the staff whose step a case is waiting on."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from app.applications.domain import STAGE_ROLE, STAGE_TEXT, Status
from app.applications.models import Application
from app.applications.timeline import CLOCK_COLUMNS, load_calendar, with_deadlines
from app.common.clock import CHINA_TZ
from app.common.regions import lineage
from app.db import session
from app.identity.models import Account
from app.notifications.models import Message
from app.notifications.services import notify

DUE_SOON_WORKING_DAYS = 3


@dataclass(frozen=True)
class Reminder:
    application_id: int
    region_code: str
    role: str           # who hears of it: the workers of this role over the case's region
    kind: str           # staff.* message kind; each kind is sent once a day per worker and case
    text: str


def send_due_notices(today: date) -> int:
    """Once a day: each worker of the waiting stage hears about cases due within 3 working days or overdue."""
    calendar = load_calendar()
    reminders = []
    waiting = select(*CLOCK_COLUMNS).where(Application.status.in_([stage.value for stage in STAGE_ROLE]))
    for case, deadline, left, overdue in with_deadlines(waiting, calendar, today):
        if left > DUE_SOON_WORKING_DAYS:
            continue
        stage = Status(case.status)
        text = (f"第{case.id}号申请（{STAGE_TEXT[stage]}）"
                + (f"已超过办理期限（{deadline.isoformat()}）" if overdue
                   else f"将于{deadline.isoformat()}到期，剩余{left}个工作日"))
        reminders.append(Reminder(case.id, case.region_code, STAGE_ROLE[stage],
                                  "staff.overdue" if overdue else "staff.due_soon", text))
    return deliver(reminders, today)


def deliver(reminders: list[Reminder], today: date) -> int:
    """Notify the workers of each reminder's role over its region, skipping what they were told today."""
    since = datetime.combine(today, time(0), CHINA_TZ)
    # Read once: who works where, and what they were already told today.
    workers = defaultdict(list)
    for account_id, role, region_code in session.execute(
            select(Account.id, Account.role, Account.region_code)
            .where(Account.role.in_({r.role for r in reminders}), Account.active.is_(True))):
        workers[(role, region_code)].append(account_id)
    told = {tuple(row) for row in session.execute(
        select(Message.account_id, Message.application_id, Message.kind)
        .where(Message.kind.in_({r.kind for r in reminders}), Message.created_at >= since))}
    sent = 0
    for reminder in reminders:
        for code in lineage(reminder.region_code):
            for worker_id in workers.get((reminder.role, code), []):
                if (worker_id, reminder.application_id, reminder.kind) not in told:
                    notify(worker_id, reminder.kind, reminder.text, application_id=reminder.application_id)
                    told.add((worker_id, reminder.application_id, reminder.kind))
                    sent += 1
    return sent
