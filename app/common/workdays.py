"""Working days (工作日) on the Chinese statutory calendar, with admin-loaded arrangements on top."""
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

_DAY = timedelta(days=1)


@lru_cache(maxsize=8192)
def _statutory_workday(d: date) -> bool | None:
    """The package's answer, or None for a year it does not cover; cached because each call
    scans the package's whole table to validate the date."""
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return None


class WorkCalendar:
    """Statutory holidays and makeup working weekends (调休); an override wins over the package."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self.overrides: dict[date, bool] = dict(overrides or {})
        self.uncovered_years: set[int] = set()
        # Queues clock thousands of cases, most sharing a filing day and a limit: each answer is kept.
        self._deadlines: dict = {}
        self._left: dict = {}

    def is_workday(self, d: date) -> bool:
        if d in self.overrides:
            return self.overrides[d]
        statutory = _statutory_workday(d)
        if statutory is None:
            # The State Council announces each year's arrangement only late the year before; until the
            # package or an admin upload has it, a plain week is the best guess and callers must warn.
            self.uncovered_years.add(d.year)
            return d.weekday() < 5
        return statutory

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start; the day of filing does not count."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        return self._advance(start, n, ())

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end."""
        return sum(1 for d in _days_after(start, end) if self.is_workday(d))

    def deadline(self, start: date, limit: int, *, paused: Iterable[tuple[date, date]] = ()) -> date:
        """The last day of a limit of working days; a pause [from, until) stops the clock."""
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        pauses = tuple(paused)
        for since, until in pauses:
            if until < since:
                raise ValueError(f"paused interval ends before it starts: {since} .. {until}")
        key = (start, limit, pauses)
        if key not in self._deadlines:
            self._deadlines[key] = self._advance(start, limit, pauses)
        return self._deadlines[key]

    def working_days_left(self, today: date, deadline: date) -> int:
        """Working days until the deadline; when overdue, minus the working days since it."""
        key = (today, deadline)
        if key not in self._left:
            self._left[key] = (self.working_days_between(today, deadline) if today <= deadline
                               else -self.working_days_between(deadline, today))
        return self._left[key]

    def _advance(self, start: date, n: int, pauses: tuple[tuple[date, date], ...]) -> date:
        day, counted = start, 0
        while counted < n:
            day += _DAY
            if self.is_workday(day) and not any(since <= day < until for since, until in pauses):
                counted += 1
        return day


def _days_after(start: date, end: date) -> Iterator[date]:
    day = start + _DAY
    while day <= end:
        yield day
        day += _DAY
