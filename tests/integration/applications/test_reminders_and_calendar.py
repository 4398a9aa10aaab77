"""Staff hear about cases due soon or overdue, once a day; an admin-loaded arrangement is honoured."""
import io
from datetime import date, datetime, timezone

from sqlalchemy import select

from app import db as database
from app.applications import reminders
from app.applications.calendar import load_arrangement
from app.applications.models import Application, CalendarDay
from app.applications.models import ApplicationEvent
from app.applications.timeline import CLOCK_COLUMNS, deadline_of, load_calendar, with_deadlines
from app.notifications.models import Message
from tests.factories import QINGLONG, make_application


def waiting_in_village_review(db, application):
    """Filed 29 September 2026 and now at the village's step (decisions arrive with issue 6)."""
    row = db.get(Application, application.id)
    row.status, row.snapshot, row.commitment_sha256 = "village_review", "{}", "0" * 64
    row.submitted_at = datetime(2026, 9, 29, 2, tzinfo=timezone.utc)
    database.commit()


def test_the_village_worker_hears_about_an_overdue_case_once_a_day(app, db, staff, applicant):
    worker = staff("village_worker", QINGLONG)
    elsewhere = staff("village_worker", "610324106202")
    application = make_application(applicant("13800000091"))
    waiting_in_village_review(db, application)
    assert reminders.send_due_notices(date(2026, 11, 23)) == 1
    assert reminders.send_due_notices(date(2026, 11, 23)) == 0
    told = db.scalars(select(Message).where(Message.kind == "staff.overdue")).all()
    assert [m.account_id for m in told] == [worker.id] and elsewhere.id not in [m.account_id for m in told]
    assert "已超过办理期限" in told[0].body


def test_a_case_far_from_its_deadline_is_left_alone(app, db, staff, applicant):
    staff("village_worker", QINGLONG)
    application = make_application(applicant("13800000092"))
    waiting_in_village_review(db, application)
    assert reminders.send_due_notices(date(2026, 10, 12)) == 0


def returned_for_a_while(db, application_id):
    """Returned by the village on 12 October, resubmitted on 26 October: two weeks off the clock."""
    db.add_all([ApplicationEvent(application_id=application_id, kind=kind, from_status=before, to_status=after,
                                 occurred_at=datetime(2026, 10, day, 3, tzinfo=timezone.utc), text=kind)
                for kind, before, after, day in (("returned", "village_review", "returned", 12),
                                                 ("resubmitted", "returned", "resubmitted", 26),
                                                 ("resumed", "resubmitted", "village_review", 26))])
    database.commit()


def test_queues_clock_plain_rows_exactly_as_the_case_file_clocks_the_case(db, applicant):
    paused, straight = (make_application(applicant(phone)) for phone in ("13800000093", "13800000094"))
    for application in (paused, straight):
        waiting_in_village_review(db, application)
    returned_for_a_while(db, paused.id)
    today, calendar = date(2026, 11, 23), load_calendar()
    clocked = {row.case.id: row for row in with_deadlines(
        select(*CLOCK_COLUMNS).where(Application.id.in_([paused.id, straight.id])), calendar, today)}
    db.expire_all()
    for application in (paused, straight):
        expected = deadline_of(db.get(Application, application.id), load_calendar(), today)
        assert clocked[application.id].deadline == expected
    # 25 working days from 29 September (1–7 October off, Saturday 10 October worked) end on 9 November;
    # the two weeks returned add 10, so the paused case is due today and not yet overdue.
    assert clocked[straight.id].deadline == date(2026, 11, 9) and clocked[straight.id].overdue
    assert clocked[paused.id].deadline == date(2026, 11, 23) and clocked[paused.id].working_days_left == 0
    assert not clocked[paused.id].overdue


def test_an_admin_loaded_arrangement_overrides_the_fallback(db):
    count = load_arrangement(io.StringIO("date,is_workday,note\n2027-01-01,0,元旦\n2027-01-09,1,调休上班\n"))
    database.commit()
    assert count == 2 and db.get(CalendarDay, date(2027, 1, 1)).note == "元旦"
    calendar = load_calendar()
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 1, 9))


def test_a_bad_arrangement_file_loads_nothing(db):
    import pytest

    from app.common.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        load_arrangement(io.StringIO("2027-01-01,0\n2027-13-01,1\n"))
    assert "line 2" in refused.value.errors
    database.rollback()
    assert db.scalars(select(CalendarDay)).all() == []
