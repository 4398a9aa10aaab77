"""Every route is guarded unless it is on the explicit public list; objects stay in their region.

A new route fails here until it declares who may call it, and a new route with an object id
fails until it shows that every role of another region gets the 404 of a missing object while
every role inside reaches it; every route refuses, with a 403, each role it does not declare.
Lists: tests/api/test_list_scope.py.
"""
import io
import re

import pytest

from app.web.access import ANY_USER, PUBLIC, access_rule
from app.applications.models import Document
from app.authorizations.models import Authorization
from app.common.clock import utcnow
from app.checks.models import Check, CheckBatch
from app.datasources.models import DataImport
from app.db import session
from app.review.models import Decision, DecisionLetter, HomeVisit, VisitPhoto
from tests.factories import GAOJIA, GAOJIA_TOWN, QINGLONG, WEIBIN, make_application

# 渭滨区's other township (经二路街道) and its community, and the city's other district (金台区).
JINGERLU_TOWN, JINGERLU, JINTAI = "610302001000", "610302001001", "610303000000"

PUBLIC_ENDPOINTS = {
    "static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui", "swagger_ui_assets",
    "health.healthz", "health.readyz",
    "identity.wechat_login", "identity.wechat_config", "identity.send_otp", "identity.verify_otp", "identity.staff_login",
    "identity.refresh", "regions.list_regions", "regions.get_region", "policy.standards",
    "applications.commitment", "authorizations.signing_page", "authorizations.signing_code", "authorizations.letter",
    "authorizations.sign", "documents.by_code", "documents.by_file", "pages.verify_page", "pages.applicant_page",
    "pages.sign_page", "pages.console_page", "pages.demo_page", "pages.asset",
    "notices.list_notices", "notices.file_objection",
}
SAMPLE_ARGS = {"account_id": "1", "code": "610324000000", "filename": "index.css", "application_id": "1",
               "document_id": "1", "authorization_id": "1", "token": "0" * 64,
               "verify_code": "0" * 16, "kind": "bank_deposits", "import_id": "1",
               "check_id": "1", "batch_id": "1",
               "notice_id": "1", "objection_id": "1", "letter_id": "1",
               "visit_id": "1", "photo_id": "1"}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def url_for_rule(rule, **values) -> str:
    """The rule's path with its variables filled in (samples unless given)."""
    return re.sub(r"<(?:[^:<>]+:)?([a-z_]+)>", lambda m: str(values.get(m[1], SAMPLE_ARGS[m[1]])), rule.rule)


def test_public_routes_are_exactly_the_listed_ones(app):
    with app.test_request_context():
        public = {rule.endpoint for rule, method in routes(app) if access_rule(rule.endpoint, method) == PUBLIC}
    assert public == PUBLIC_ENDPOINTS


def test_every_route_declares_who_may_call_it(app):
    with app.test_request_context():
        undeclared = [f"{method} {rule.rule}" for rule, method in routes(app) if access_rule(rule.endpoint, method) is None]
    assert undeclared == []


def test_every_guarded_route_refuses_anonymous_callers(app, client):
    checked = 0
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url_for_rule(rule), method=method, json={})
        assert response.status_code == 401, f"{method} {rule.rule} answered {response.status_code}"
        checked += 1
    assert checked >= 8


# Each route that takes an object id: how to make an object in 高家村 (渭滨区), to show that
# callers outside it get a 404 where their role may call the route at all (a 403 otherwise).
def _staff_object(ctx):
    return {"account_id": ctx["staff"]("village_worker", GAOJIA).id}


def _application_object(ctx):
    owner = ctx["owner"] = ctx["applicant"]("13800000001")   # the phone of the first member: the signer too
    application = make_application(owner, region=GAOJIA)
    document = Document(application_id=application.id, kind="id_card", content_type="image/png", size=1,
                        sha256="0" * 64, storage_key=f"test/{application.id}.png", uploaded_at=application.created_at,
                        uploaded_by=owner.id)
    session.add(document)
    session.commit()
    return {"application_id": application.id, "document_id": document.id}


def _authorization_object(ctx):
    ids = _application_object(ctx)
    authorization = Authorization(application_id=ids["application_id"], member_position=0, signer_position=0,
                                  status="pending", created_at=utcnow(), updated_at=utcnow())
    session.add(authorization)
    session.commit()
    return {"authorization_id": authorization.id}


def _data_import_object(ctx):
    """Imports are not region-scoped (a department file covers the whole jurisdiction): only
    verification officers may read them, any of them (UNSCOPED); every other role gets 403."""
    record = DataImport(kind="bank_deposits", sha256="0" * 64, status="imported", encoding="utf-8", size_bytes=1,
                        created_at=utcnow())
    session.add(record)
    session.commit()
    return {"kind": record.kind, "import_id": record.id}


def _check_object(ctx):
    ids = _application_object(ctx)
    officer = ctx["staff"]("verification_officer", "610302000000")
    check = Check(application_id=ids["application_id"], region_code=GAOJIA, purpose="application", status="done",
                  progress=100, requested_by=officer.id, requested_at=utcnow())
    session.add(check)
    session.commit()
    return {"check_id": check.id}


def _batch_object(ctx):
    officer = ctx["staff"]("verification_officer", "610302000000")
    batch = CheckBatch(region_code=GAOJIA, assistance_type="dibao_rural", status="done", total=0, done=0,
                       requested_by=officer.id, requested_at=utcnow())
    session.add(batch)
    session.commit()
    return {"batch_id": batch.id}


def _letter_object(ctx):
    """A decision notice (pending) of a case closed in 高家村."""
    ids = _application_object(ctx)
    worker = ctx["staff"]("district_worker", "610302000000")
    decision = Decision(application_id=ids["application_id"], step="district_filing", outcome="approve",
                        decided_by=worker.id, decided_at=utcnow())
    session.add(decision)
    session.flush()
    letter = DecisionLetter(application_id=ids["application_id"], decision_id=decision.id, kind="approval",
                            status="pending", due_on=utcnow().date(), created_at=utcnow())
    session.add(letter)
    session.commit()
    return {"application_id": ids["application_id"], "letter_id": letter.id}


def _visit_photo_object(ctx):
    """A photo of a home visit to a case in 高家村."""
    ids = _application_object(ctx)
    worker = ctx["staff"]("village_worker", GAOJIA)
    visit = HomeVisit(application_id=ids["application_id"], visited_on=utcnow().date(), visitors='["甲", "乙"]',
                      findings="家中情况属实", recorded_by=worker.id, recorded_at=utcnow())
    session.add(visit)
    session.flush()
    photo = VisitPhoto(visit_id=visit.id, application_id=ids["application_id"], content_type="image/jpeg", size=1,
                       sha256="0" * 64, storage_key=f"test/visit-{visit.id}.jpg", uploaded_by=worker.id,
                       uploaded_at=utcnow())
    session.add(photo)
    session.commit()
    return {"application_id": ids["application_id"], "visit_id": visit.id, "photo_id": photo.id}


APPLICATION_ROUTES = ("ApplicationById", "Documents", "download_document", "submit", "withdraw",
                      "application_timeline", "application_authorizations")
AUTHORIZATION_ROUTES = ("invite", "qr", "signed_document", "revoke", "review", "confirm", "reject")
SCOPED_OBJECTS = {"identity.StaffAccountById": _staff_object,
                  **{f"applications.{name}": _application_object for name in APPLICATION_ROUTES},
                  **{f"authorizations.{name}": _authorization_object for name in AUTHORIZATION_ROUTES},
                  "datasources.get_import": _data_import_object,
                  **{f"checks.{name}": _check_object for name in ("get_check", "report", "report_pdf")},
                  "checks.get_batch": _batch_object,
                  **{f"review.{name}": _visit_photo_object for name in ("upload_visit_photo", "download_visit_photo")},
                  **{f"review.{name}": _application_object
                     for name in ("get_case", "record_visit", "record_decision", "answer_objection",
                                  "grant_assist_first", "record_dishonesty")},
                  "review.export_case": _application_object,
                  **{name: _letter_object for name in ("review.letter_pdf", "letters.application_letters",
                                                       "letters.application_letter_pdf")}}
UNSCOPED = {"datasources.get_import"}


def valid_body(endpoint: str, method: str) -> dict:
    """A body that passes validation, so the answer is about access, not shape."""
    if endpoint == "applications.submit":
        return {"json": {"commitment_accepted": True}}
    if endpoint == "applications.Documents" and method == "POST":
        return {"data": {"kind": "id_card", "file": (io.BytesIO(b"not checked before access"), "a.png")},
                "content_type": "multipart/form-data"}
    if endpoint == "review.upload_visit_photo":
        return {"data": {"file": (io.BytesIO(b"not checked before access"), "a.jpg")},
                "content_type": "multipart/form-data"}
    if endpoint == "authorizations.revoke":
        return {"json": {"otp_code": "123456"}}
    if endpoint == "authorizations.reject":
        return {"json": {"reason": "签名与本人不符"}}
    if endpoint == "review.record_decision":
        return {"json": {"step": "village_review", "outcome": "approve"}}
    if endpoint == "review.record_visit":
        return {"json": {"visited_on": "2026-01-05", "visitors": ["甲", "乙"], "findings": "家中情况属实"}}
    if endpoint == "review.answer_objection":
        return {"json": {"answer": "已核实情况"}}
    if endpoint == "review.grant_assist_first":
        return {"json": {"amount": "800.00", "reason": "火灾后无处安身"}}
    if endpoint == "review.record_dishonesty":
        return {"json": {"check_id": 1, "reason": "隐瞒工资收入"}}
    if endpoint == "review.export_case":
        return {"query_string": {"reason": "年度归档检查"}}
    return {"json": {}}


def test_every_object_route_is_in_the_scope_table(app):
    with_ids = {rule.endpoint for rule, _ in routes(app) if any(arg.endswith("_id") for arg in rule.arguments)
                and rule.endpoint not in PUBLIC_ENDPOINTS}
    assert with_ids == set(SCOPED_OBJECTS)


# Every role outside 高家村's chain (高家镇, 渭滨区), the nearest first: the same district's other
# township, the same city's other district, another county; and an applicant who is not the owner.
OUTSIDERS = (("village_worker", JINGERLU), ("township_worker", JINGERLU_TOWN), ("village_worker", QINGLONG),
             ("district_worker", JINTAI), ("verification_officer", JINTAI), ("admin", JINTAI), ("auditor", JINTAI),
             ("applicant", None))
# Every role inside it, each at its level; the applicant is the owner (see _application_object).
INSIDERS = (("village_worker", GAOJIA), ("township_worker", GAOJIA_TOWN), ("district_worker", WEIBIN),
            ("verification_officer", WEIBIN), ("admin", WEIBIN), ("auditor", WEIBIN), ("applicant", None))
MISSING_ID = 987_654_321


def callers(ctx, people):
    def applicant():
        if people is INSIDERS:
            return ctx["owner"] if "owner" in ctx else ctx["applicant"]("13800000076")
        return ctx["applicant"]("13800000078")
    return [applicant() if role == "applicant" else ctx["staff"](role, region) for role, region in people]


def object_route(app, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return rule, {method: access_rule(endpoint, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}


def missing_url(rule, ids) -> str:
    return url_for_rule(rule, **{name: MISSING_ID if name.endswith("_id") else value for name, value in ids.items()})


def without_request_id(response):
    if not isinstance(response.json, dict):
        return response.status_code, response.data
    return {key: value for key, value in response.json.items() if key != "request_id"}


@pytest.mark.parametrize("endpoint", sorted(SCOPED_OBJECTS))
def test_an_object_answers_outside_its_region_as_a_missing_one_and_is_reached_inside(app, client, staff, applicant,
                                                                                     auth, endpoint):
    ctx = {"staff": staff, "applicant": applicant}
    ids = SCOPED_OBJECTS[endpoint](ctx)
    rule, rules = object_route(app, endpoint)
    url, missing = url_for_rule(rule, **ids), missing_url(rule, ids)

    def both(caller, method):
        headers = auth(caller) | {"If-Match": '"v1"'}
        return (client.open(url, method=method, headers=headers, **valid_body(endpoint, method)),
                client.open(missing, method=method, headers=headers, **valid_body(endpoint, method)))

    for outsider in callers(ctx, OUTSIDERS):
        for method, allowed in rules.items():
            if outsider.role in allowed and endpoint in UNSCOPED:
                continue
            response, absent = both(outsider, method)
            expected = 404 if outsider.role in allowed else 403
            assert response.status_code == expected, f"{method} {url} by {outsider.role}: {response.status_code}"
            # "not yours" tells nothing that "does not exist" would not
            assert without_request_id(response) == without_request_id(absent), f"{method} {url} by {outsider.role}"
    # The control: those 404s come from the region, not from an object that is not there. Inside, a
    # step of another level (403 NOT_YOUR_LEVEL), a state (409) or a part not made here (an objection)
    # may answer, but never the words about an object that does not exist.
    reached = 0
    for insider in callers(ctx, INSIDERS):
        for method, allowed in rules.items():
            if insider.role in allowed:
                response, absent = both(insider, method)
                assert without_request_id(response) != without_request_id(absent), \
                    f"{method} {url} by {insider.role}"
                reached += 1
    assert reached, url


@pytest.mark.parametrize("role", ["applicant", "village_worker", "township_worker", "district_worker",
                                  "verification_officer", "admin", "auditor"])
def test_every_route_refuses_the_roles_it_does_not_declare(app, client, staff, applicant, auth, role):
    caller = applicant("13800000079") if role == "applicant" else staff(role, dict(INSIDERS)[role])
    headers = auth(caller) | {"If-Match": '"v1"'}
    refused = 0
    for rule, method in routes(app):
        with app.test_request_context():
            allowed = access_rule(rule.endpoint, method)
        if allowed in (PUBLIC, ANY_USER) or role in allowed:
            continue
        response = client.open(url_for_rule(rule), method=method, headers=headers, json={})
        assert response.status_code == 403, f"{method} {rule.rule} by {role}: {response.status_code}"
        assert response.json["error"] == "FORBIDDEN"
        refused += 1
    assert refused >= 10


def test_applicants_are_declared_on_no_staff_route(app):
    with app.test_request_context():
        open_to_applicants = [f"{method} {rule.rule}" for rule, method in routes(app)
                              if "/staff/" in rule.rule and access_rule(rule.endpoint, method) not in (PUBLIC,)
                              and "applicant" in (access_rule(rule.endpoint, method) or ())]
    assert open_to_applicants == []

