"""Deadlines in working days on the statutory calendar, and notices that reach WeChat, SMS and the inbox."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.applications import timeline as timeline_module
from app.applications.models import Application
from app.common.clock import utcnow
from app.identity.models import WechatIdentity
from app.verification.models import PolicyParameter
from tests.api.applications.conftest import submit, upload
from tests.factories import BAOJI, FUFENG, GAOJIA, application_payload, member

# Tuesday 29 September 2026, 10:00 in China: the National Day holiday (1–7 October) and the
# makeup working Saturday 10 October fall inside every limit below.
FILED = datetime(2026, 9, 29, 2, 0, tzinfo=timezone.utc)


def filed_application(client, headers, db, payload=None):
    draft = client.post("/api/v1/applications", json=payload or application_payload(), headers=headers).json
    for kind in ("id_card", "hukou_book"):
        upload(client, headers, draft["id"], kind)
    assert submit(client, headers, draft["id"]).status_code == 200
    db.get(Application, draft["id"]).submitted_at = FILED
    db.commit()
    return draft["id"]


@pytest.fixture
def on(monkeypatch):
    def set_today(day: date):
        monkeypatch.setattr(timeline_module, "today_in_china", lambda: day)
    return set_today


def read_timeline(client, headers, application_id):
    return client.get(f"/api/v1/applications/{application_id}/timeline", headers=headers).json


def test_national_default_of_25_working_days_skips_the_holiday_and_counts_the_makeup_day(
        client, applicant_headers, db, on):
    application_id = filed_application(client, applicant_headers, db)
    on(date(2026, 10, 12))
    timeline = read_timeline(client, applicant_headers, application_id)
    # 9/30, 10/8, 10/9, 10/10 (makeup Saturday), 10/12 … the 25th working day is Monday 9 November.
    assert timeline["deadline"] == "2026-11-09"
    assert timeline["working_days_left"] == 20
    assert timeline["overdue"] is False


def test_a_region_may_decide_in_15_working_days(client, applicant_headers, db, on):
    db.add(PolicyParameter(region_code=FUFENG, name="time_limit_dibao_rural", value=Decimal("15"),
                           effective_from=date(2026, 1, 1), source="seed 001"))
    db.commit()
    application_id = filed_application(client, applicant_headers, db)
    on(date(2026, 11, 23))
    timeline = read_timeline(client, applicant_headers, application_id)
    assert timeline["deadline"] == "2026-10-26"
    assert timeline["overdue"] is True and timeline["working_days_left"] < 0


def test_small_temporary_assistance_is_decided_in_3_working_days(client, applicant_headers, db, on):
    db.add(PolicyParameter(region_code=BAOJI, name="temporary_small_limit", value=Decimal("500.00"),
                           effective_from=date(2026, 1, 1)))
    db.commit()
    payload = application_payload(GAOJIA, members=[member(hukou_region_code="610324106201")],
                                  assistance_type="temporary", temporary_kind="emergency",
                                  temporary_cause="fire", requested_amount="480.00")
    draft = client.post("/api/v1/applications", json=payload, headers=applicant_headers).json
    upload(client, applicant_headers, draft["id"], "id_card")
    submit(client, applicant_headers, draft["id"])
    db.get(Application, draft["id"]).submitted_at = FILED
    db.commit()
    on(date(2026, 10, 8))
    timeline = read_timeline(client, applicant_headers, draft["id"])
    assert timeline["deadline"] == "2026-10-09"   # 9/30, 10/8, 10/9
    assert timeline["working_days_left"] == 1


def test_an_uncovered_year_is_warned_about(client, applicant_headers, db, on):
    application_id = filed_application(client, applicant_headers, db)
    db.get(Application, application_id).submitted_at = datetime(2026, 12, 20, 2, 0, tzinfo=timezone.utc)
    db.commit()
    on(date(2026, 12, 21))
    timeline = read_timeline(client, applicant_headers, application_id)
    assert any("2027" in warning for warning in timeline["warnings"])


def test_notices_reach_wechat_and_the_inbox(client, fake_wechat):
    login = client.post("/api/v1/auth/wechat", json={"code": "notice-user-1", "channel": "miniprogram"}).json
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    openid = None
    payload = application_payload(members=[member(phone="13800000055")])
    draft = client.post("/api/v1/applications", json=payload, headers=headers).json
    for kind in ("id_card", "hukou_book"):
        upload(client, headers, draft["id"], kind)
    assert submit(client, headers, draft["id"]).status_code == 200
    from app.db import session
    openid = session.scalar(select(WechatIdentity.openid).where(WechatIdentity.account_id == login["user"]["id"]))
    sent = [m for m in fake_wechat.app.config["subscribe_messages"] if m["touser"] == openid]
    assert any("已提交申请" in m["data"]["thing2"]["value"] for m in sent)
    inbox = client.get("/api/v1/me/messages", headers=headers).json
    assert {m["kind"] for m in inbox} >= {"application.submitted", "application.authorizing"}


def test_a_refused_subscription_falls_back_to_sms(client, applicant, auth, sms, fake_wechat, db):
    person = applicant("13800000066")
    db.add(WechatIdentity(account_id=person.id, channel="miniprogram", appid="wx-test-mini",
                          openid="o-refuses-notices", created_at=utcnow()))
    db.commit()
    fake_wechat.app.config.setdefault("refused_openids", set()).add("o-refuses-notices")
    try:
        headers = auth(person)
        draft = client.post("/api/v1/applications", json=application_payload(), headers=headers).json
        for kind in ("id_card", "hukou_book"):
            upload(client, headers, draft["id"], kind)
        submit(client, headers, draft["id"])
    finally:
        fake_wechat.app.config["refused_openids"].discard("o-refuses-notices")
    texts = [m["text"] for m in sms.sent if m["phone"] == "13800000066"]
    assert any("已提交申请" in text for text in texts)
