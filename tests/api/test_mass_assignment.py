"""Mass assignment (SECURITY.md): a status, a region, a role, an approver or an amount the operation
does not take from the client is a 422 naming it, on every JSON operation, and nothing changes."""
import re

from app.applications.models import Application
from app.web.access import ANY_USER, PUBLIC, access_rule
from tests.api.test_route_coverage import INSIDERS, SAMPLE_ARGS
from tests.factories import GAOJIA, make_application, request_body_schemas

# What a client must never set unless the operation is meant for it (the table below).
GUARDED = ("status", "region_code", "role", "approved_by", "decided_by", "reviewed_by", "amount",
           "applicant_account_id", "account_id", "id", "version", "identity_verified", "created_at")
# Where the client does set one of them, on purpose: the admin places and moves staff, the applicant
# chooses where to apply (and may correct it while the draft is open), a caseworker proposes an amount.
MEANT = {
    ("POST", "/api/v1/staff/accounts"): {"role", "region_code"},
    ("PATCH", "/api/v1/staff/accounts/{account_id}"): {"role", "region_code"},
    ("POST", "/api/v1/applications"): {"region_code"},
    ("PATCH", "/api/v1/applications/{application_id}"): {"region_code"},
    ("POST", "/api/v1/screening"): {"region_code"},
    ("POST", "/api/v1/checks/batches"): {"region_code"},
    ("POST", "/api/v1/staff/cases/{application_id}/decisions"): {"amount"},
    ("POST", "/api/v1/staff/cases/{application_id}/assist-first"): {"amount"},
}


def json_operations(client) -> dict[tuple[str, str], set[str]]:
    return {operation: set(schema["properties"])
            for operation, schema in request_body_schemas(client, "application/json").items()}


def test_guarded_fields_are_taken_only_where_meant(client):
    taken = {operation: declared & set(GUARDED) for operation, declared in json_operations(client).items()}
    assert {operation: fields for operation, fields in taken.items() if fields} == MEANT


def test_every_json_operation_refuses_the_guarded_fields_it_does_not_take(app, client, staff, applicant, auth):
    operations = json_operations(client)
    assert len(operations) >= 20
    adapter = app.url_map.bind("localhost")
    callers = {}

    def headers_of(role):
        if role not in callers:
            callers[role] = auth(applicant("13800000075") if role == "applicant" else staff(role, dict(INSIDERS)[role]))
        return callers[role]

    for (method, path), declared in sorted(operations.items()):
        url = re.sub(r"{([a-z_]+)}", lambda m: SAMPLE_ARGS[m[1]], path)
        endpoint, _ = adapter.match(url, method=method)
        with app.test_request_context():
            allowed = access_rule(endpoint, method)
        headers = {} if allowed == PUBLIC else headers_of("applicant" if allowed == ANY_USER else sorted(allowed)[0])
        extra = {name: "approved" for name in GUARDED if name not in declared}
        response = client.open(url, method=method, json=extra, headers=headers | {"If-Match": '"v1"'})
        assert response.status_code == 422, f"{method} {path}: {response.status_code}"
        assert response.json["error"] == "UNKNOWN_FIELD", f"{method} {path}: {response.json}"
        assert {name: response.json["errors"].get(name) for name in extra} == \
            {name: ["不允许提交此字段"] for name in extra}, f"{method} {path}"


def test_a_draft_edit_carrying_a_status_changes_nothing(client, db, applicant, auth):
    owner = applicant("13800000074")
    draft = make_application(owner, region=GAOJIA)
    url = f"/api/v1/applications/{draft.id}"
    etag = client.get(url, headers=auth(owner)).headers["ETag"]
    response = client.patch(url, json={"reason": "改过的理由，想顺便改状态", "status": "approved"},
                            headers=auth(owner) | {"If-Match": etag})
    assert response.status_code == 422 and response.json["errors"] == {"status": ["不允许提交此字段"]}
    db.expire_all()
    row = db.get(Application, draft.id)
    assert (row.status, row.reason, row.version) == ("draft", draft.reason, 1)
