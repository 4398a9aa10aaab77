"""Lists and their pages stay in the caller's region: a row of 高家村 shows to every role inside,
on no page and under no filter for any role outside. A new list fails here until it is in LISTS."""
import pytest

from app.common.actor import Actor
from app.common.clock import utcnow
from app.db import session
from app.web.access import ANY_USER, PUBLIC, access_rule
from tests.api.test_route_coverage import INSIDERS, OUTSIDERS, callers, object_route, routes
from tests.factories import GAOJIA, make_application


# Each guarded GET without an id, and how to put a row of 高家村 in it (with the filters that would find it).
def _case_in_the_queue(ctx):
    owner = ctx["owner"] = ctx["applicant"]("13800000001")
    application = make_application(owner, region=GAOJIA)
    # Past submission as far as the queue looks: a frozen snapshot and a filing time.
    application.status, application.submitted_at = "village_review", utcnow()
    application.snapshot, application.commitment_sha256 = '{"members": [{"name": "张三"}]}', "0" * 64
    session.commit()
    return application.id, {}


def _draft_of_the_owner(ctx):
    owner = ctx["owner"] = ctx["applicant"]("13800000001")
    return make_application(owner, region=GAOJIA).id, {}


def _staff_account(ctx):
    return ctx["staff"]("village_worker", GAOJIA).id, {"region_code": GAOJIA, "role": "village_worker"}


def _audit_event(ctx):
    from app.audit import services as audit

    event = audit.record("test.list_scope", actor=Actor(role="system"), region_code=GAOJIA)
    session.commit()
    return event.id, {"action": "test.list_scope"}


def _message_to_the_owner(ctx):
    from app.notifications.services import notify

    owner = ctx["owner"] = ctx["applicant"]("13800000001")
    message = notify(owner.id, "application.submitted", "已提交申请")
    session.commit()
    return message.id, {}


LISTS = {"applications.Applications": _draft_of_the_owner, "review.list_cases": _case_in_the_queue,
         "identity.StaffAccounts": _staff_account, "audit.list_events": _audit_event,
         "identity.my_messages": _message_to_the_owner}
# Guarded lists that hold no row of a region: the caller's own profile, the chain's verdict, the
# department sources' layouts; dashboards are counts whose scope tests/api/stats/test_stats.py shows.
NOT_LISTS = {"identity.Me", "audit.verify", "datasources.list_sources", "stats.dashboard", "stats.chart"}


def test_every_list_route_is_in_the_list_table(app):
    with app.test_request_context():
        lists = {rule.endpoint for rule, method in routes(app) if method == "GET" and not rule.arguments
                 and access_rule(rule.endpoint, method) != PUBLIC}
    assert lists == set(LISTS) | NOT_LISTS


def listed_ids(client, url, headers, query) -> list[int]:
    """Every id on every page, and a few pages past the end as well."""
    ids, page = [], 1
    while True:
        response = client.get(url, headers=headers, query_string={**query, "page": page, "page_size": 10})
        assert response.status_code in (200, 403, 404, 422), f"{url} {query}: {response.status_code}"
        rows = response.json if response.status_code == 200 else []
        ids += [row["id"] for row in rows]
        if not rows and page >= 3:
            return ids
        page += 1


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_lists_show_a_row_inside_the_region_and_on_no_page_outside_it(app, client, staff, applicant, auth,
                                                                     endpoint):
    ctx = {"staff": staff, "applicant": applicant}
    row_id, filters = LISTS[endpoint](ctx)
    rule, rules = object_route(app, endpoint)
    allowed = rules["GET"]
    shown = 0
    for insider in callers(ctx, INSIDERS):
        if allowed == ANY_USER and insider.role != "applicant" or allowed != ANY_USER and insider.role not in allowed:
            continue
        assert row_id in listed_ids(client, rule.rule, auth(insider), {}), f"{rule.rule} by {insider.role}"
        shown += 1
    assert shown, rule.rule
    for outsider in callers(ctx, OUTSIDERS):
        if allowed != ANY_USER and outsider.role not in allowed:
            continue
        for query in ({}, filters):
            assert row_id not in listed_ids(client, rule.rule, auth(outsider), query), \
                f"{rule.rule}?{query} by {outsider.role}"
