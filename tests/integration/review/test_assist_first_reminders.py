"""The township hears once a day of assist-first files due within 3 working days or overdue."""
import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app import db as database
from app.applications.services import household_of
from app.common.clock import utcnow
from app.notifications.models import Message
from app.review import services
from app.review.models import AssistFirstGrant
from tests.factories import DUANJIA, QINGLONG, make_application

DUE = date(2026, 10, 22)   # granted 2026-09-25, 15 working days across the National Day holiday


def granted_case(staff, applicant, phone, status="authorizing"):
    township = staff("township_worker", DUANJIA)
    application = make_application(applicant(phone), assistance_type="temporary", temporary_kind="emergency",
                                   temporary_cause="fire", requested_amount=Decimal("800.00"))
    application.snapshot = json.dumps({"members": household_of(application)}, ensure_ascii=False)
    application.commitment_sha256, application.submitted_at, application.status = "0" * 64, utcnow(), status
    database.session.add(AssistFirstGrant(application_id=application.id, amount=Decimal("800.00"), reason="火灾",
                                          file_due_on=DUE, granted_by=township.id, granted_at=utcnow()))
    database.commit()
    return township, application


def told(db, kind):
    return db.scalars(select(Message).where(Message.kind == kind)).all()


def test_due_soon_then_overdue_each_once_a_day(app, db, staff, applicant):
    township, application = granted_case(staff, applicant, "13800000131")
    village = staff("village_worker", QINGLONG)
    assert services.send_assist_first_notices(date(2026, 10, 12)) == 0      # 8 working days left
    assert services.send_assist_first_notices(date(2026, 10, 19)) == 1      # 3 left
    assert services.send_assist_first_notices(date(2026, 10, 19)) == 0      # once a day
    due = told(db, "staff.assist_first_due")
    assert [m.account_id for m in due] == [township.id] and "剩余3个工作日" in due[0].body
    assert services.send_assist_first_notices(date(2026, 10, 23)) == 1
    overdue = told(db, "staff.assist_first_overdue")
    assert [m.account_id for m in overdue] == [township.id] and "已超期" in overdue[0].body
    assert village.id not in {m.account_id for m in due + overdue}


def test_a_decided_case_is_left_alone(app, db, staff, applicant):
    granted_case(staff, applicant, "13800000132", status="approved")
    assert services.send_assist_first_notices(date(2026, 10, 23)) == 0
