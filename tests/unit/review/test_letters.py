"""Decision notices (pure): when one is due, what it says, and the archive copy's sections."""
import os
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from app.common.workdays import WorkCalendar
from app.review.document import case_file_sections, declaration_lines, render_letter
from app.review.letter_rules import (LetterFacts, MissingFacts, authority_name, is_overdue, letter_due_on, letter_kind,
                                     letter_text, split_reasons)

FONT = os.environ.get("CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
DECIDED = date(2026, 11, 20)


@pytest.mark.parametrize("decided_on, overrides, days, due_on", [
    (date(2026, 11, 23), {}, 3, date(2026, 11, 26)),          # Monday: Thursday
    (date(2026, 11, 20), {}, 3, date(2026, 11, 25)),          # Friday: the weekend does not count
    (date(2026, 9, 30), {}, 3, date(2026, 10, 10)),           # National Day off, the makeup Saturday counts
    (date(2026, 2, 13), {}, 3, date(2026, 2, 25)),            # Spring Festival: makeup Saturday 14th, then 24th, 25th
    (date(2026, 11, 20), {date(2026, 11, 24): False}, 3, date(2026, 11, 26)),   # a day off an admin loaded
    (date(2026, 11, 20), {}, 1, date(2026, 11, 23)),          # a region that set its own limit
    (date(2026, 11, 20), {}, 0, date(2026, 11, 20)),          # 0: the day of the decision
])
def test_a_notice_is_due_the_given_working_days_after_the_decision(decided_on, overrides, days, due_on):
    assert letter_due_on(decided_on, WorkCalendar(overrides), days) == due_on


def test_a_year_the_calendar_does_not_cover_falls_back_to_weekdays_and_says_so():
    calendar = WorkCalendar()
    assert letter_due_on(date(2027, 12, 30), calendar) == date(2028, 1, 4)
    assert 2028 in calendar.uncovered_years


def test_a_negative_limit_is_refused():
    with pytest.raises(ValueError):
        letter_due_on(DECIDED, WorkCalendar(), -1)


@pytest.mark.parametrize("status, due_on, today, overdue", [
    ("pending", date(2026, 11, 25), date(2026, 11, 25), False),   # the last day is still in time
    ("pending", date(2026, 11, 25), date(2026, 11, 26), True),
    ("issued", date(2026, 11, 25), date(2026, 12, 30), False),    # issued: never overdue
])
def test_only_a_pending_notice_past_its_day_is_overdue(status, due_on, today, overdue):
    assert is_overdue(status, due_on, today) is overdue


@pytest.mark.parametrize("status, kind", [
    ("approved", "approval"), ("rejected", "rejection"), ("revoked", "revocation"), ("township_confirmation", None),
    ("returned", None), ("withdrawn", None),
])
def test_only_a_decision_that_closes_the_case_gets_a_notice(status, kind):
    assert letter_kind(status) == kind


@pytest.mark.parametrize("text, reasons", [
    ("家庭人均收入超过当地低保标准", ("家庭人均收入超过当地低保标准",)),
    ("1. 人均收入超过标准；2、拥有两套住房", ("人均收入超过标准", "拥有两套住房")),
    ("一、名下有车辆\n二、存款超过限额。\n\n", ("名下有车辆", "存款超过限额")),
    ("", ()),
    (None, ()),
])
def test_a_reason_is_split_into_items_without_their_own_numbering(text, reasons):
    assert split_reasons(text) == reasons


@pytest.mark.parametrize("level, name, authority", [
    ("district", "扶风县", "扶风县民政局"),
    ("township", "段家镇", "段家镇人民政府"),
    ("township", "城关街道", "城关街道办事处"),
])
def test_the_authority_is_named_after_the_deciding_division(level, name, authority):
    assert authority_name(level, name) == authority


def facts(**changes) -> LetterFacts:
    values = dict(kind="approval", applicant="张三", assistance_type="dibao_rural", decided_on=DECIDED,
                  authority="扶风县民政局", reconsideration_body="扶风县人民政府", submitted_on=date(2026, 11, 2),
                  amount=Decimal("330.00"), household_size=3)
    values.update(changes)
    return LetterFacts(**values)


def test_an_approval_states_the_type_the_household_and_the_monthly_amount():
    text = letter_text(facts())
    assert text.salutation == "张三："
    assert "农村最低生活保障" in text.paragraphs[0] and "2026年11月20日" in text.paragraphs[0]
    assert "扶风县民政局" in text.paragraphs[0] and "2026年11月2日" in text.paragraphs[0]
    assert text.paragraphs[1] == "准予农村最低生活保障。"
    assert dict(text.rows) == {"保障人数": "3人", "每月保障金额": "330.00元"}
    assert text.closing == ("扶风县民政局", "2026年11月20日")
    assert "行政复议" not in text.plain()


def test_temporary_assistance_is_an_amount_not_a_monthly_one():
    assert dict(letter_text(facts(assistance_type="temporary", amount=Decimal("480"))).rows)["救助金额"] == "480.00元"


def test_an_approval_without_an_amount_says_it_follows_in_writing():
    assert dict(letter_text(facts(amount=None)).rows)["每月保障金额"] == "另行书面告知"


def test_a_rejection_numbers_every_reason_and_states_the_remedies_with_their_limits():
    text = letter_text(facts(kind="rejection", amount=None, authority="段家镇人民政府",
                             reasons=("家庭人均收入超过当地低保标准", "名下有小型汽车一辆")))
    plain = text.plain()
    assert text.title == "救助决定通知书（不予救助）" and text.rows == ()
    assert "一、家庭人均收入超过当地低保标准" in text.paragraphs and "二、名下有小型汽车一辆" in text.paragraphs
    assert "向段家镇人民政府申请复核" in plain
    assert "六十日内向扶风县人民政府申请行政复议" in plain and "行政复议法》第二十条" in plain
    assert "六个月内依法向人民法院提起行政诉讼" in plain and "行政诉讼法》第四十六条" in plain


def test_a_revocation_states_its_reasons_and_the_remedies():
    text = letter_text(facts(kind="revocation", amount=None, authority="扶风县民政局",
                             reasons=("隐瞒工资性收入每月3500元",)))
    assert text.title == "救助决定通知书（撤销救助）" and text.rows == ()
    assert "撤销农村最低生活保障。理由如下：" in text.paragraphs and "一、隐瞒工资性收入每月3500元" in text.paragraphs
    assert "六十日内向扶风县人民政府申请行政复议" in text.plain()


@pytest.mark.parametrize("changes", [
    {"kind": "rejection", "reasons": ()},     # a refusal without its reasons
    {"applicant": ""},                         # nobody to address it to
    {"kind": "revocation", "reasons": ()},    # a revocation without its reasons
    {"kind": "suspension"},                    # not a notice this module writes
])
def test_a_notice_missing_what_it_must_say_is_not_written(changes):
    with pytest.raises(MissingFacts):
        letter_text(facts(**changes))


def test_without_a_submission_date_the_opening_leaves_it_out():
    assert letter_text(facts(submitted_on=None)).paragraphs[0].startswith("你（你家庭）提出的农村最低生活保障申请")


def test_the_notice_renders_as_a_pdf_with_the_font_embedded():
    pdf = render_letter(letter_text(facts(kind="rejection", reasons=("收入超过标准",))),
                        verify_url="https://shjz.example/verify/ABC", verify_code="ABC", font_path=FONT)
    assert pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf


MEMBERS = [{"index": 0, "name": "张三", "id_number": "610324199001011230", "relation": "self", "lives_together": True},
           {"index": 1, "name": "李四", "id_number": "610302198503150027", "relation": "spouse",
            "lives_together": False}]
AT = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


def archive(**changes) -> dict:
    values = {
        "application": {"id": 7, "assistance_type": "dibao_rural", "status": "approved", "region": "青龙村（610324106201）",
                        "submitted_at": AT, "reason": "因病致贫"},
        "exported": {"at": AT, "by": "测试（district_worker）", "reason": "年度归档"},
        "members": MEMBERS,
        "declared": {"incomes": [{"member_index": 0, "kind": "wages", "monthly_amount": "300.00"}],
                     "assets": {"homes": [{"member_index": None, "area_m2": "60"}]},
                     "expenditures": [{"kind": "medical", "monthly_amount": "200.00"}]},
        "documents": [{"kind": "id_card", "uploaded_at": AT, "sha256": "a" * 64}],
        "authorizations": [{"member_index": 1, "status": "confirmed", "by_guardian": False, "signed_at": AT,
                            "verify_code": "AUTHCODE00000001"}],
        "checks": [{"id": 3, "status": "done", "finished_at": AT, "conclusion": "基本一致",
                    "suggested_amount": "330.00", "verify_code": None}],
        "visits": [{"visited_on": date(2026, 11, 10), "visitors": ["王五", "赵六"], "findings": "属实"}],
        "decisions": [{"step": "district_filing", "outcome": "approve", "reason": None, "amount": Decimal("330.00"),
                       "items": [], "decided_at": AT}],
        "objections": [],
        "letters": [{"kind": "approval", "status": "issued", "due_on": date(2026, 11, 25), "issued_at": AT,
                     "verify_code": "LETTERCODE000001"}],
        "events": [{"at": AT, "text": "县（区）备案：通过"}],
    }
    values.update(changes)
    return values


def test_the_archive_copy_has_every_section_with_names_and_id_numbers_in_full():
    sections = dict(case_file_sections(archive()))
    assert len(sections) == 11
    assert any("张三" in line and "610324199001011230" in line for line in sections["二、家庭成员"])
    assert any("李四" in line and "不共同生活" in line for line in sections["二、家庭成员"])
    assert sections["五、核对授权"] == ["李四：已确认，签署于 2026-11-20 10:00，授权书核验码 AUTHCODE00000001"]
    assert "尚未出具签章报告" in sections["六、家庭经济状况核对报告"][0] and "330.00 元" in sections["六、家庭经济状况核对报告"][0]
    assert "王五、赵六" in sections["七、入户调查"][0]
    assert "核定金额 330.00 元" in sections["八、审核审批意见"][0]
    assert sections["九、公示异议"] == ["无"]
    assert "LETTERCODE000001" in sections["十、决定通知书"][0]


def test_an_empty_file_says_none_rather_than_leaving_gaps():
    sections = dict(case_file_sections(archive(documents=[], authorizations=[], checks=[], visits=[], decisions=[],
                                               letters=[], events=[], declared={})))
    assert sections["三、申报情况（告知承诺）"] == ["未申报收入、财产或刚性支出"]
    assert all(sections[name] == ["无"] for name in ("四、申请材料", "五、核对授权", "六、家庭经济状况核对报告",
                                                     "七、入户调查", "八、审核审批意见", "十、决定通知书", "十一、办理过程"))


def test_the_declaration_names_the_member_and_the_household_for_shared_assets():
    lines = declaration_lines(archive()["declared"], MEMBERS)
    assert lines == ["收入：张三 工资性收入 300.00 元/月", "财产：家庭 住房 60 平方米", "刚性支出：医疗 200.00 元/月"]
