"""Working days: 2026 statutory holidays and 调休, pauses, overrides and years the package lacks."""
from datetime import date

import pytest

from app.common.workdays import WorkCalendar

# 2026 as published by the State Council and shipped in chinese_calendar 1.11.0.
SPRING_FESTIVAL_MAKEUP_SATURDAY = date(2026, 2, 14)
SPRING_FESTIVAL_TUESDAY = date(2026, 2, 17)
SPRING_FESTIVAL_LAST_DAY = date(2026, 2, 23)  # a Monday
BACK_AFTER_SPRING_FESTIVAL = date(2026, 2, 24)
NATIONAL_DAY_MAKEUP_SUNDAY = date(2026, 9, 20)
EVE_OF_NATIONAL_DAY = date(2026, 9, 30)
NATIONAL_DAY = date(2026, 10, 1)
NATIONAL_DAY_SATURDAY = date(2026, 10, 3)
NATIONAL_DAY_LAST_DAY = date(2026, 10, 7)  # a Wednesday
BACK_AFTER_NATIONAL_DAY = date(2026, 10, 8)
NATIONAL_DAY_MAKEUP_SATURDAY = date(2026, 10, 10)
ORDINARY_SATURDAY = date(2026, 10, 17)


@pytest.mark.parametrize("day, working", [
    (BACK_AFTER_NATIONAL_DAY, True),
    (NATIONAL_DAY_MAKEUP_SATURDAY, True),
    (NATIONAL_DAY_MAKEUP_SUNDAY, True),
    (SPRING_FESTIVAL_MAKEUP_SATURDAY, True),
    (BACK_AFTER_SPRING_FESTIVAL, True),
    (date(2026, 1, 4), True),  # the Sunday made up for New Year
    (date(2026, 5, 9), True),  # the Saturday made up for Labour Day
    (NATIONAL_DAY, False),
    (NATIONAL_DAY_LAST_DAY, False),
    (NATIONAL_DAY_SATURDAY, False),
    (SPRING_FESTIVAL_TUESDAY, False),
    (SPRING_FESTIVAL_LAST_DAY, False),
    (ORDINARY_SATURDAY, False),
])
def test_statutory_calendar_decides_working_days(day, working):
    calendar = WorkCalendar()

    assert calendar.is_workday(day) is working
    assert calendar.uncovered_years == set()


@pytest.mark.parametrize("day, working", [
    (date(2027, 1, 1), True),
    (date(2027, 1, 4), True),
    (date(2027, 1, 2), False),
    (date(2027, 1, 3), False),
])
def test_uncovered_year_falls_back_to_monday_to_friday_and_is_reported(day, working):
    calendar = WorkCalendar()

    assert calendar.is_workday(day) is working
    assert calendar.uncovered_years == {2027}


@pytest.mark.parametrize("day, working", [
    (date(2027, 1, 1), False),
    (date(2027, 1, 9), True),  # a Saturday
    (NATIONAL_DAY_MAKEUP_SATURDAY, False),
    (NATIONAL_DAY, True),
])
def test_override_wins_over_the_package_and_the_fallback(day, working):
    calendar = WorkCalendar({
        date(2027, 1, 1): False, date(2027, 1, 9): True,
        NATIONAL_DAY_MAKEUP_SATURDAY: False, NATIONAL_DAY: True,
    })

    assert calendar.is_workday(day) is working
    assert calendar.uncovered_years == set()


def test_overridden_year_still_reports_days_without_an_override():
    calendar = WorkCalendar({date(2027, 1, 1): False})

    assert calendar.is_workday(date(2027, 1, 1)) is False
    assert calendar.uncovered_years == set()
    assert calendar.is_workday(date(2027, 1, 5)) is True
    assert calendar.uncovered_years == {2027}


@pytest.mark.parametrize("start, n, expected", [
    (EVE_OF_NATIONAL_DAY, 1, BACK_AFTER_NATIONAL_DAY),
    (EVE_OF_NATIONAL_DAY, 3, NATIONAL_DAY_MAKEUP_SATURDAY),
    (EVE_OF_NATIONAL_DAY, 4, date(2026, 10, 12)),
    (NATIONAL_DAY, 1, BACK_AFTER_NATIONAL_DAY),
    (date(2026, 2, 13), 1, SPRING_FESTIVAL_MAKEUP_SATURDAY),
    (date(2026, 2, 13), 2, BACK_AFTER_SPRING_FESTIVAL),
    (date(2026, 9, 18), 1, NATIONAL_DAY_MAKEUP_SUNDAY),
    (NATIONAL_DAY, 0, NATIONAL_DAY),
    (BACK_AFTER_NATIONAL_DAY, 0, BACK_AFTER_NATIONAL_DAY),
])
def test_add_working_days_skips_holidays_and_counts_makeup_days(start, n, expected):
    calendar = WorkCalendar()

    assert calendar.add_working_days(start, n) == expected
    assert calendar.uncovered_years == set()


def test_add_working_days_into_an_uncovered_year_uses_weekdays_and_reports_it():
    calendar = WorkCalendar()

    assert calendar.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
    assert calendar.uncovered_years == {2027}


def test_negative_number_of_working_days_is_rejected():
    with pytest.raises(ValueError):
        WorkCalendar().add_working_days(EVE_OF_NATIONAL_DAY, -1)


@pytest.mark.parametrize("start, end, count", [
    (EVE_OF_NATIONAL_DAY, NATIONAL_DAY_MAKEUP_SATURDAY, 3),
    (date(2026, 2, 13), BACK_AFTER_SPRING_FESTIVAL, 2),
    (EVE_OF_NATIONAL_DAY, NATIONAL_DAY_LAST_DAY, 0),
    (BACK_AFTER_NATIONAL_DAY, BACK_AFTER_NATIONAL_DAY, 0),
    (NATIONAL_DAY_MAKEUP_SATURDAY, EVE_OF_NATIONAL_DAY, 0),
])
def test_working_days_between_excludes_start_and_includes_end(start, end, count):
    assert WorkCalendar().working_days_between(start, end) == count


def test_working_days_between_across_an_uncovered_year_counts_weekdays():
    calendar = WorkCalendar()

    assert calendar.working_days_between(date(2026, 12, 31), date(2027, 1, 8)) == 6
    assert calendar.uncovered_years == {2027}


@pytest.mark.parametrize("start, limit, paused, expected", [
    # returned Wednesday, evidence back Friday: two working days off the clock
    (date(2026, 9, 14), 5, [(date(2026, 9, 16), date(2026, 9, 18))], date(2026, 9, 22)),
    (date(2026, 9, 14), 5, [(date(2026, 9, 16), date(2026, 9, 16))], NATIONAL_DAY_MAKEUP_SUNDAY),
    (date(2026, 9, 14), 5, [(date(2026, 9, 15), date(2026, 9, 17)),
                            (date(2026, 9, 20), date(2026, 9, 21))], date(2026, 9, 23)),
    (EVE_OF_NATIONAL_DAY, 1, [(NATIONAL_DAY, BACK_AFTER_NATIONAL_DAY)], BACK_AFTER_NATIONAL_DAY),
    (date(2026, 9, 14), 5, [], NATIONAL_DAY_MAKEUP_SUNDAY),
    (date(2026, 9, 28), 3, (), BACK_AFTER_NATIONAL_DAY),
    (date(2026, 9, 14), 0, [(date(2026, 9, 14), date(2026, 9, 30))], date(2026, 9, 14)),
])
def test_deadline_stops_the_clock_while_paused(start, limit, paused, expected):
    assert WorkCalendar().deadline(start, limit, paused=paused) == expected


def test_deadline_without_pauses_matches_add_working_days():
    calendar = WorkCalendar()

    assert calendar.deadline(EVE_OF_NATIONAL_DAY, 25) == calendar.add_working_days(EVE_OF_NATIONAL_DAY, 25)


@pytest.mark.parametrize("limit, paused", [
    (-1, ()),
    (5, [(date(2026, 9, 18), date(2026, 9, 16))]),
])
def test_deadline_rejects_a_negative_limit_or_a_reversed_pause(limit, paused):
    with pytest.raises(ValueError):
        WorkCalendar().deadline(date(2026, 9, 14), limit, paused=paused)


@pytest.mark.parametrize("today, deadline, left", [
    (EVE_OF_NATIONAL_DAY, date(2026, 10, 9), 2),
    (NATIONAL_DAY, BACK_AFTER_NATIONAL_DAY, 1),
    (BACK_AFTER_NATIONAL_DAY, BACK_AFTER_NATIONAL_DAY, 0),
    (NATIONAL_DAY_LAST_DAY, NATIONAL_DAY, 0),
    (date(2026, 10, 12), date(2026, 10, 9), -2),
    (BACK_AFTER_NATIONAL_DAY, EVE_OF_NATIONAL_DAY, -1),
])
def test_working_days_left_counts_down_and_goes_negative_when_overdue(today, deadline, left):
    assert WorkCalendar().working_days_left(today, deadline) == left


def test_working_days_left_into_an_uncovered_year_is_reported():
    calendar = WorkCalendar()

    assert calendar.working_days_left(date(2026, 12, 31), date(2027, 1, 5)) == 3
    assert calendar.uncovered_years == {2027}
