"""Every route is guarded unless it is on the explicit public list; objects stay in their region.

A new route fails here until it declares who may call it, and a new route with
an object id fails until it shows that staff of another region get a 404.
"""
import io
import re

import pytest

from app.web.access import PUBLIC, access_rule
from app.applications.models import Document
from app.authorizations.models import Authorization
from app.common.clock import utcnow
from app.checks.models import Check, CheckBatch
from app.datasources.models import DataImport
from app.db import session
from app.review.models import Decision, DecisionLetter, HomeVisit, VisitPhoto
from tests.factories import GAOJIA, QINGLONG, make_application

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
    owner = ctx["applicant"]("13800000077")
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
    verification officers may read them, so every outsider role here gets 403."""
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


@pytest.mark.parametrize("endpoint", sorted(SCOPED_OBJECTS))
def test_callers_outside_the_objects_region_get_404(app, client, staff, applicant, auth, endpoint):
    ids = SCOPED_OBJECTS[endpoint]({"staff": staff, "applicant": applicant})
    outsiders = [staff(role, region) for role, region in
                 (("admin", "610324000000"), ("village_worker", QINGLONG), ("auditor", "610324000000"))]
    outsiders.append(applicant("13800000078"))
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = url_for_rule(rule, **ids)
    with app.test_request_context():
        rules = {method: access_rule(endpoint, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    for method, allowed in sorted(rules.items()):
        for outsider in outsiders:
            response = client.open(url, method=method, headers=auth(outsider) | {"If-Match": '"v1"'},
                                   **valid_body(endpoint, method))
            expected = 404 if outsider.role in allowed else 403
            assert response.status_code == expected, f"{method} {url} by {outsider.role}: {response.status_code}"
