"""Decision notices (救助决定通知书): when one is due and what it says. Pure: the service hands in the facts."""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.common.workdays import WorkCalendar

LETTER_KINDS = ("approval", "rejection", "revocation")
LETTER_STATUSES = ("pending", "issued")
# 最低生活保障审核确认办法 (2021): a refusal is told in writing, with its reasons, within 3 working days
# of the decision. The same limit is applied to approvals; a region may set its own (decision_notice_days).
NATIONAL_NOTICE_DAYS = 3
CLOSING_KIND = {"approved": "approval", "rejected": "rejection", "revoked": "revocation"}
KIND_TITLE = {"approval": "救助决定通知书（准予救助）", "rejection": "救助决定通知书（不予救助）",
              "revocation": "救助决定通知书（撤销救助）"}
ASSISTANCE_TEXT = {"dibao_urban": "城市最低生活保障", "dibao_rural": "农村最低生活保障",
                   "tekun": "特困人员救助供养", "low_income": "低收入家庭认定", "temporary": "临时救助"}
_NUMERALS = "一二三四五六七八九十"
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[、.．)）:：]\s*")


class MissingFacts(ValueError):
    """The notice cannot be written without this fact."""


def letter_kind(status: str) -> str | None:
    """approval / rejection / revocation for a case the decision closed; None while it is still open."""
    return CLOSING_KIND.get(status)


def letter_due_on(decided_on: date, calendar: WorkCalendar, days: int = NATIONAL_NOTICE_DAYS) -> date:
    """The last day to send the notice: `days` working days after the decision (the day itself not counted)."""
    return calendar.add_working_days(decided_on, days)


def is_overdue(status: str, due_on: date, today: date) -> bool:
    return status == "pending" and today > due_on


def split_reasons(text: str | None) -> tuple[str, ...]:
    """A caseworker's reason as separate items: one a line or a semicolon, their own numbering dropped."""
    parts = re.split(r"[\n;；]+", text or "")
    return tuple(reason for reason in (_LEADING_NUMBER.sub("", part).strip(" 。") for part in parts) if reason)


def authority_name(level: str, region_name: str) -> str:
    """Who decided: the township (street office) or the county's civil-affairs bureau."""
    if level in ("township", "village"):
        return f"{region_name}办事处" if region_name.endswith("街道") else f"{region_name}人民政府"
    return f"{region_name}民政局"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class LetterFacts:
    kind: str
    applicant: str
    assistance_type: str
    decided_on: date
    authority: str                  # who decided, printed as the issuer
    reconsideration_body: str       # the county people's government (行政复议法 2023: 县级人民政府管辖)
    submitted_on: date | None = None
    amount: Decimal | None = None
    household_size: int | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class LetterText:
    title: str
    salutation: str
    paragraphs: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]
    closing: tuple[str, ...]

    def plain(self) -> str:
        """The whole text, as hashed into the evidence."""
        rows = [f"{label}：{value}" for label, value in self.rows]
        return "\n".join([self.title, self.salutation, *self.paragraphs, *rows, *self.closing])


def rights_paragraphs(authority: str, reconsideration_body: str) -> tuple[str, ...]:
    """Remedies against a refusal, with the statutory time limits."""
    return (
        f"如对本决定有异议，可以向{authority}申请复核；申请复核不影响下列期限的计算。",
        f"如对本决定不服，可以自收到本通知书之日起六十日内向{reconsideration_body}申请行政复议"
        "（《中华人民共和国行政复议法》第二十条）；",
        "也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。",
    )


def letter_text(facts: LetterFacts) -> LetterText:
    """The notice: the decision, then the amount and household (an approval) or every reason and the remedies."""
    if facts.kind not in LETTER_KINDS:
        raise MissingFacts(f"unknown letter kind {facts.kind!r}")
    if not facts.applicant:
        raise MissingFacts("a notice is addressed to the applicant by name")
    assistance = ASSISTANCE_TEXT.get(facts.assistance_type, facts.assistance_type)
    applied = f"于{chinese_date(facts.submitted_on)}" if facts.submitted_on else ""
    opening = (f"你（你家庭）{applied}提出的{assistance}申请，经家庭经济状况核对和审核，"
               f"{facts.authority}于{chinese_date(facts.decided_on)}作出如下决定：")
    if facts.kind == "approval":
        paragraphs, rows = _approval(facts, assistance)
    else:
        paragraphs, rows = _with_reasons(facts, "不予批准" if facts.kind == "rejection" else "撤销", assistance)
    return LetterText(title=KIND_TITLE[facts.kind], salutation=f"{facts.applicant}：",
                      paragraphs=(opening, *paragraphs), rows=rows,
                      closing=(facts.authority, chinese_date(facts.decided_on)))


def _approval(facts: LetterFacts, assistance: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    rows = []
    if facts.household_size:
        rows.append(("保障人数", f"{facts.household_size}人"))
    label = "救助金额" if facts.assistance_type == "temporary" else "每月保障金额"
    rows.append((label, f"{facts.amount:.2f}元" if facts.amount is not None else "另行书面告知"))
    return ((f"准予{assistance}。",
             "家庭人口、收入、财产状况发生变化的，请及时告知村（居）民委员会或乡镇人民政府（街道办事处）。"),
            tuple(rows))


def _with_reasons(facts: LetterFacts, verb: str, assistance: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A refusal or a revocation: every reason, then the remedies."""
    if not facts.reasons:
        raise MissingFacts("a refusal or a revocation states its reasons")
    numbered = tuple(f"{_NUMERALS[i] if i < len(_NUMERALS) else i + 1}、{reason}"
                     for i, reason in enumerate(facts.reasons))
    return ((f"{verb}{assistance}。理由如下：", *numbered,
             *rights_paragraphs(facts.authority, facts.reconsideration_body)), ())
