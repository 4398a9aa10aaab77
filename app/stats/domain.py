"""Dashboard figures (统计看板) of one division: pure aggregation over plain rows.

The service loads the rows (deadlines computed as the review queue computes them); nothing here
knows about the database or HTTP, so every figure can be checked against a table of cases.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.applications.domain import CLOSED, STAGE_TEXT, AssistanceType, Status
from app.common.workdays import WorkCalendar

MONTHS = 12
# Open = submitted and not yet closed; in the order a case passes through them.
OPEN_STAGES = tuple(status for status in Status if status not in CLOSED and status is not Status.DRAFT)
DECIDED = (Status.APPROVED, Status.REJECTED)
# Short labels for a dashboard; the applicant's timeline keeps the longer STAGE_TEXT.
STAGE_LABELS = {
    Status.SUBMITTED: "已提交", Status.AUTHORIZING: "成员授权", Status.CHECKING: "经济核对",
    Status.VILLAGE_REVIEW: "村（居）审核", Status.TOWNSHIP_CONFIRMATION: "乡镇（街道）确认",
    Status.DISTRICT_FILING: "县（区）备案", Status.RETURNED: "退回补充", Status.RESUBMITTED: "补充后待审",
}
TYPE_LABELS = {
    AssistanceType.DIBAO_URBAN: "城市低保", AssistanceType.DIBAO_RURAL: "农村低保",
    AssistanceType.TEKUN: "特困供养", AssistanceType.LOW_INCOME: "低收入家庭",
    AssistanceType.TEMPORARY: "临时救助",
}


@dataclass(frozen=True)
class OpenCase:
    """A submitted case not yet closed, with its deadline as the review queue computes it."""

    status: str
    assistance_type: str
    overdue: bool                     # today is past the deadline
    working_days_left: int | None     # None when the case has no deadline


@dataclass(frozen=True)
class DecidedCase:
    """A case approved or rejected: the days, in China, of its submission and of the decision."""

    assistance_type: str
    submitted_on: date
    decided_on: date


@dataclass(frozen=True)
class Approval:
    approved_on: date
    amount: Decimal | None            # the monthly amount granted; None when the decision gave none


def stage_label(status: str) -> str:
    return STAGE_LABELS.get(status) or STAGE_TEXT.get(status, status)


def type_label(assistance_type: str) -> str:
    return TYPE_LABELS.get(assistance_type, assistance_type)


def due_soon(case: OpenCase, due_within: int) -> bool:
    """Not yet overdue, and due within `due_within` working days (the day itself included)."""
    return not case.overdue and case.working_days_left is not None and case.working_days_left <= due_within


def _grouped(cases: list[OpenCase], key, known: tuple[str, ...], due_within: int) -> list[dict]:
    counts, overdue, soon = Counter(), Counter(), Counter()
    for case in cases:
        group = key(case)
        counts[group] += 1
        overdue[group] += case.overdue
        soon[group] += due_soon(case, due_within)
    # Every known group is listed, with zeros, so a chart keeps its axis; an unknown one goes last.
    order = list(known) + sorted(set(counts) - set(known))
    return [{"code": group, "count": counts[group], "overdue": overdue[group], "due_soon": soon[group]}
            for group in order]


def open_cases(cases: list[OpenCase], due_within: int) -> dict:
    """Open cases in total and by stage and by assistance type, each with its overdue and due-soon."""
    by_stage = [row | {"label": stage_label(row["code"])}
                for row in _grouped(cases, lambda c: c.status, tuple(s.value for s in OPEN_STAGES), due_within)]
    by_type = [row | {"label": type_label(row["code"])}
               for row in _grouped(cases, lambda c: c.assistance_type, tuple(t.value for t in AssistanceType),
                                   due_within)]
    return {"total": len(cases), "overdue": sum(c.overdue for c in cases),
            "due_soon": sum(due_soon(c, due_within) for c in cases),
            "by_stage": by_stage, "by_type": by_type}


def decision_times(cases: list[DecidedCase], calendar: WorkCalendar) -> list[dict]:
    """Per assistance type: cases decided and their average working days from submission to decision.

    Working days as deadlines count them (the day of submission does not count); a type with no
    decided case has no average (None), not zero."""
    days: dict[str, list[int]] = {}
    for case in cases:
        days.setdefault(case.assistance_type, []).append(
            calendar.working_days_between(case.submitted_on, case.decided_on))
    order = [t.value for t in AssistanceType] + sorted(set(days) - {t.value for t in AssistanceType})
    return [{"code": kind, "label": type_label(kind), "decided": len(days.get(kind, [])),
             "average_working_days": round(sum(days[kind]) / len(days[kind]), 1) if days.get(kind) else None}
            for kind in order]


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` months, this month last."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def monthly(approvals: list[Approval], today: date, months: int = MONTHS) -> list[dict]:
    """Approvals and the monthly amounts they granted, per month, oldest first; empty months as zero."""
    starts = month_starts(today, months)
    counts = {start: 0 for start in starts}
    amounts = {start: Decimal("0.00") for start in starts}
    for approval in approvals:
        start = approval.approved_on.replace(day=1)
        if start in counts and approval.approved_on <= today:
            counts[start] += 1
            amounts[start] += approval.amount or Decimal("0")
    return [{"month": f"{start:%Y-%m}", "approvals": counts[start], "amount": amounts[start]} for start in starts]
