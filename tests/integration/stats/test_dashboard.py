"""Dashboard figures on a real database: cases in two districts, each caller sees only their own."""
import json
from datetime import timedelta
from decimal import Decimal
from itertools import count
from types import SimpleNamespace

import pytest

from app.applications.models import ApplicationEvent
from app.applications.services import household_of, today_in_china
from app.applications.timeline import china_date, load_calendar
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import NotFound
from app.review import services as review
from app.review.models import Decision
from app.stats import services as stats
from app.stats.domain import month_starts
from tests.factories import BAOJI, DUANJIA, FUFENG, GAOJIA, QINGLONG, WEIBIN, make_applicant, make_application

_phones = count(13900000200)


def case(db, region, status, submitted_days_ago, kind="dibao_rural", events=(), amount=None, decider=None):
    """A case as if submitted that many days ago and moved to `status`; `events` are (from, to, days ago)."""
    application = make_application(make_applicant(str(next(_phones))), region=region, assistance_type=kind)
    application.snapshot = json.dumps({"members": household_of(application)}, ensure_ascii=False)
    application.commitment_sha256 = "0" * 64
    application.submitted_at = utcnow() - timedelta(days=submitted_days_ago)
    application.status = status
    for before, after, days_ago in events:
        db.add(ApplicationEvent(application_id=application.id, occurred_at=utcnow() - timedelta(days=days_ago),
                                kind="test", from_status=before, to_status=after, actor_role="system", text="测试"))
    if status == "approved":
        db.add(Decision(application_id=application.id, step="district_filing", outcome="approve", amount=amount,
                        decided_by=decider.id, decided_at=utcnow() - timedelta(days=events[-1][2])))
    db.commit()
    return application


def days_ago_due_in(working_days: int) -> int:
    """How many days ago a case was submitted whose 25-working-day deadline is `working_days` away."""
    today, calendar = today_in_china(), load_calendar()
    for days in range(0, 60):
        deadline = calendar.deadline(today - timedelta(days=days), 25)
        if deadline >= today and calendar.working_days_left(today, deadline) == working_days:
            return days
    raise AssertionError("no such day")


@pytest.fixture
def cases(db, staff):
    """青龙村 (扶风县): open, overdue, due soon, returned, approved, rejected, a draft; 高家村 (渭滨区): two."""
    fufeng, weibin = staff("district_worker", FUFENG), staff("district_worker", WEIBIN)
    made = {
        "overdue": case(db, QINGLONG, "village_review", 80),
        "due_soon": case(db, QINGLONG, "checking", days_ago_due_in(2), kind="tekun"),
        "fresh": case(db, QINGLONG, "township_confirmation", 0),
        "returned": case(db, QINGLONG, "returned", 10, events=[("village_review", "returned", 5)]),
        "approved": case(db, QINGLONG, "approved", 50, amount=Decimal("330.00"),
                         events=[("district_filing", "approved", 20)], decider=fufeng),
        "rejected": case(db, QINGLONG, "rejected", 30, kind="tekun", events=[("township_confirmation", "rejected", 2)]),
        "old": case(db, QINGLONG, "approved", 500, amount=Decimal("1.00"),
                    events=[("district_filing", "approved", 420)], decider=fufeng),
        "elsewhere_open": case(db, GAOJIA, "village_review", 80),
        "elsewhere_approved": case(db, GAOJIA, "approved", 50, amount=Decimal("999.00"),
                                   events=[("district_filing", "approved", 20)], decider=weibin),
    }
    make_application(make_applicant(str(next(_phones))), region=QINGLONG)       # a draft: never counted
    return made


def actor(role, region) -> Actor:
    return Actor(account_id=None, role=role, region_code=region)


def by_code(rows) -> dict:
    return {row["code"]: row for row in rows}


def test_a_district_sees_its_own_cases_only(cases):
    figures = stats.dashboard(None, 3, actor=actor("district_worker", FUFENG))
    assert figures["region_code"] == FUFENG and figures["region_name"]
    open_ = figures["open"]
    assert (open_["total"], open_["overdue"], open_["due_soon"]) == (4, 1, 1)
    stages = by_code(open_["by_stage"])
    assert [stages[s]["count"] for s in ("checking", "village_review", "township_confirmation", "returned")] == [
        1, 1, 1, 1]
    assert stages["village_review"]["overdue"] == 1 and stages["checking"]["due_soon"] == 1
    assert by_code(open_["by_type"])["tekun"]["count"] == 1


def test_decision_times_and_months_come_from_the_closing_events(cases):
    figures = stats.dashboard(None, 3, actor=actor("auditor", FUFENG))
    calendar = load_calendar()
    approved, rejected = cases["approved"], cases["rejected"]
    times = by_code(figures["decision_times"])
    expected = calendar.working_days_between(china_date(approved.submitted_at),
                                             china_date(utcnow() - timedelta(days=20)))
    assert times["dibao_rural"] == {"code": "dibao_rural", "label": "农村低保", "decided": 1,
                                    "average_working_days": float(expected)}   # the approval of 420 days ago is out
    assert times["tekun"]["decided"] == 1 and times["dibao_urban"]["average_working_days"] is None
    month = f"{china_date(utcnow() - timedelta(days=20)):%Y-%m}"
    months = {row["month"]: row for row in figures["monthly"]}
    assert len(months) == 12 and (months[month]["approvals"], months[month]["amount"]) == (1, Decimal("330.00"))
    assert sum(row["approvals"] for row in figures["monthly"]) == 1
    assert figures["period"] == {"start": month_starts(today_in_china())[0], "end": today_in_china()}
    assert times["tekun"]["average_working_days"] == calendar.working_days_between(
        china_date(rejected.submitted_at), china_date(utcnow() - timedelta(days=2)))


def test_a_city_sees_both_districts_and_may_narrow_to_one(cases):
    city = actor("auditor", BAOJI)
    both = stats.dashboard(None, 3, actor=city)
    assert both["open"]["total"] == 5 and sum(row["approvals"] for row in both["monthly"]) == 2
    assert sum(row["amount"] for row in both["monthly"]) == Decimal("1329.00")
    weibin = stats.dashboard(WEIBIN, 3, actor=city)
    assert weibin["open"]["total"] == 1 and weibin["open"]["overdue"] == 1
    assert sum(row["amount"] for row in weibin["monthly"]) == Decimal("999.00")


@pytest.mark.parametrize("caller, region_code", [
    (("district_worker", FUFENG), WEIBIN),          # another district
    (("township_worker", DUANJIA), FUFENG),         # above the caller's own division
    (("village_worker", QINGLONG), GAOJIA),
    (("district_worker", FUFENG), "610324999999"),  # inside the scope, but no such division
])
def test_outside_the_scope_or_unknown_is_not_found(cases, caller, region_code):
    with pytest.raises(NotFound):
        stats.dashboard(region_code, 3, actor=actor(*caller))


def test_overdue_counts_agree_with_the_review_queue(cases):
    caller = actor("district_worker", FUFENG)
    figures = by_code(stats.dashboard(None, 3, actor=caller)["open"]["by_stage"])
    page = SimpleNamespace(page=1, page_size=100, item_count=None)
    queue = review.list_cases({"overdue": True}, actor=caller, pagination=page)
    queue_stages = ("checking", "village_review", "township_confirmation", "district_filing")
    assert len(queue) == sum(figures[stage]["overdue"] for stage in queue_stages) == 1
    soon = review.list_cases({"due_within": 3, "overdue": False}, actor=caller, pagination=page)
    assert len(soon) == sum(figures[stage]["due_soon"] for stage in queue_stages) == 1


def test_the_queue_paged_in_the_database_agrees_with_the_queue_clocked_whole(db, cases):
    """Without a deadline filter only the page is clocked; the rows, their order, their deadlines and
    the count are those of the queue filtered on the clock (overdue or not) and merged again."""
    paused = case(db, QINGLONG, "village_review", 40, events=[("village_review", "returned", 30),
                                                     ("returned", "resubmitted", 20)])   # a paused clock
    caller = actor("district_worker", FUFENG)

    def queue(query, page, page_size):
        pagination = SimpleNamespace(page=page, page_size=page_size, item_count=None)
        return review.list_cases(query, actor=caller, pagination=pagination), pagination.item_count

    paged, page = [], 1
    while rows := queue({}, page, 2)[0]:
        paged, page = paged + rows, page + 1
    whole = sorted(queue({"overdue": True}, 1, 100)[0] + queue({"overdue": False}, 1, 100)[0],
                   key=lambda row: (row["submitted_at"], row["id"]))
    assert len(paged) == queue({}, 1, 2)[1] == 4
    assert paged == whole and paged[1]["id"] == paused.id
    # 80 days ago is overdue; 40 days ago would be too, but for its ten days returned to the applicant.
    assert [(row["status"], row["overdue"]) for row in paged] == [
        ("village_review", True), ("village_review", False), ("checking", False), ("township_confirmation", False)]
