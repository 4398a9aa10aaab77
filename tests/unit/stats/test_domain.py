"""Dashboard figures from plain rows: grouping, deadlines, averages, month buckets (pure)."""
from datetime import date
from decimal import Decimal

import pytest

from app.common.workdays import WorkCalendar
from app.stats.domain import (OPEN_STAGES, Approval, DecidedCase, OpenCase, decision_times, due_soon, month_starts,
                              monthly, open_cases)

# 2026-01-05 is a Monday; no statutory holiday from 5 to 16 January 2026.
CALENDAR = WorkCalendar()


def case(status="village_review", kind="dibao_rural", overdue=False, left=10) -> OpenCase:
    return OpenCase(status=status, assistance_type=kind, overdue=overdue, working_days_left=left)


def by_code(rows) -> dict:
    return {row["code"]: row for row in rows}


@pytest.mark.parametrize("row, within, expected", [
    (case(left=3), 3, True),                # due on the last day of the window
    (case(left=4), 3, False),
    (case(left=0), 0, True),                # due today
    (case(overdue=True, left=-2), 3, False),  # overdue is counted apart, not as due soon
    (case(overdue=True, left=0), 3, False),   # overdue over a holiday: no working day since, still overdue
    (case(left=None), 3, False),            # missing deadline: never due
])
def test_due_soon(row, within, expected):
    assert due_soon(row, within) is expected


def test_open_cases_grouped_by_stage_and_type_with_their_deadlines():
    rows = [case("checking", "dibao_urban", left=1), case("village_review", "dibao_rural", overdue=True, left=-1),
            case("village_review", "tekun", left=20), case("returned", "temporary", left=2),
            case("district_filing", "dibao_rural", left=None)]
    figures = open_cases(rows, due_within=3)
    assert (figures["total"], figures["overdue"], figures["due_soon"]) == (5, 1, 2)
    stages = by_code(figures["by_stage"])
    assert [row["code"] for row in figures["by_stage"]] == [s.value for s in OPEN_STAGES]
    assert stages["village_review"] == {"code": "village_review", "label": "村（居）审核", "count": 2,
                                       "overdue": 1, "due_soon": 0}
    assert (stages["checking"]["due_soon"], stages["returned"]["due_soon"], stages["submitted"]["count"]) == (1, 1, 0)
    types = by_code(figures["by_type"])
    assert types["dibao_rural"]["count"] == 2 and types["dibao_rural"]["overdue"] == 1
    assert types["low_income"] == {"code": "low_income", "label": "低收入家庭", "count": 0, "overdue": 0,
                                   "due_soon": 0}
    assert sum(row["count"] for row in figures["by_type"]) == sum(row["count"] for row in figures["by_stage"]) == 5


def test_no_open_case_gives_zeros_for_every_stage_and_type():
    figures = open_cases([], due_within=3)
    assert (figures["total"], figures["overdue"], figures["due_soon"]) == (0, 0, 0)
    assert all(row["count"] == 0 for row in figures["by_stage"] + figures["by_type"])
    assert len(figures["by_type"]) == 5 and "draft" not in by_code(figures["by_stage"])


def test_a_stage_unknown_to_the_dashboard_is_still_counted_last():
    rows = open_cases([case("new_stage")], due_within=3)["by_stage"]
    assert rows[-1]["code"] == "new_stage" and rows[-1]["count"] == 1


@pytest.mark.parametrize("decided, expected", [
    # Mon 5 Jan → Fri 9 Jan: 4 working days (the day of submission does not count).
    ([DecidedCase("dibao_rural", date(2026, 1, 5), date(2026, 1, 9))], {"dibao_rural": (1, 4.0)}),
    # Fri 9 Jan → Mon 12 Jan: the weekend does not count.
    ([DecidedCase("tekun", date(2026, 1, 9), date(2026, 1, 12))], {"tekun": (1, 1.0)}),
    # Two of a type: (4 + 5) / 2, to one decimal.
    ([DecidedCase("dibao_rural", date(2026, 1, 5), date(2026, 1, 9)),
      DecidedCase("dibao_rural", date(2026, 1, 5), date(2026, 1, 12))], {"dibao_rural": (2, 4.5)}),
    # Decided on the day of submission.
    ([DecidedCase("temporary", date(2026, 1, 5), date(2026, 1, 5))], {"temporary": (1, 0.0)}),
    # No case decided: every type listed, none with an average.
    ([], {}),
])
def test_average_working_days_from_submission_to_decision(decided, expected):
    rows = by_code(decision_times(decided, CALENDAR))
    assert list(rows) == ["dibao_urban", "dibao_rural", "tekun", "low_income", "temporary"]
    for code, row in rows.items():
        assert (row["decided"], row["average_working_days"]) == expected.get(code, (0, None))
    assert rows["tekun"]["label"] == "特困供养"


def test_decision_times_count_the_statutory_holidays_out():
    # 2025-10-01..08 were the National Day holidays; 2025-09-28 and 10-11 were makeup working days.
    rows = by_code(decision_times([DecidedCase("dibao_urban", date(2025, 9, 30), date(2025, 10, 9))], CALENDAR))
    assert rows["dibao_urban"]["average_working_days"] == 1.0


@pytest.mark.parametrize("today, first, last", [
    (date(2026, 12, 3), date(2026, 1, 1), date(2026, 12, 1)),
    (date(2026, 1, 31), date(2025, 2, 1), date(2026, 1, 1)),    # across the turn of the year
    (date(2026, 3, 1), date(2025, 4, 1), date(2026, 3, 1)),
])
def test_twelve_month_buckets_end_with_this_month(today, first, last):
    starts = month_starts(today)
    assert len(starts) == 12 and starts[0] == first and starts[-1] == last
    assert len(set(starts)) == 12 and starts == sorted(starts)


def test_approvals_and_amounts_per_month():
    today = date(2026, 3, 15)
    approvals = [Approval(date(2026, 3, 1), Decimal("330.00")), Approval(date(2026, 3, 15), Decimal("500.50")),
                 Approval(date(2026, 1, 31), None),                  # approved without an amount: counted, 0 yuan
                 Approval(date(2025, 4, 1), Decimal("100.00")),      # the oldest month shown
                 Approval(date(2025, 3, 31), Decimal("999.00")),     # before the window: not shown
                 Approval(date(2026, 3, 16), Decimal("1.00"))]       # after today (clock skew): not shown
    rows = {row["month"]: row for row in monthly(approvals, today)}
    assert list(rows)[0] == "2025-04" and list(rows)[-1] == "2026-03" and len(rows) == 12
    assert (rows["2026-03"]["approvals"], rows["2026-03"]["amount"]) == (2, Decimal("830.50"))
    assert (rows["2026-01"]["approvals"], rows["2026-01"]["amount"]) == (1, Decimal("0.00"))
    assert (rows["2025-04"]["approvals"], rows["2025-04"]["amount"]) == (1, Decimal("100.00"))
    assert rows["2026-02"] == {"month": "2026-02", "approvals": 0, "amount": Decimal("0.00")}


def test_no_approval_gives_twelve_empty_months():
    rows = monthly([], date(2026, 12, 3))
    assert len(rows) == 12 and all(row["approvals"] == 0 and row["amount"] == 0 for row in rows)
