"""The whole case file (一户一档) as one sealed PDF for the archive: names and ID numbers in full, so a
reason is required and audited, and every export is sealed afresh."""
import json

from sqlalchemy import select

from app.applications.models import Application
from app.applications.services import declared_of, get_application, household_of
from app.audit import services as audit
from app.authorizations.consents import current_signature
from app.authorizations.models import Authorization
from app.checks.models import Check, CheckReport
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.regions import division_level, lineage
from app.db import session
from app.documents import services as documents
from app.documents.domain import new_verify_code, sha256
from app.identity.models import Account
from app.regions.models import Region
from app.review import document
from app.review.letter_rules import authority_name
from app.review.letters import letters_of
from app.review.models import Decision, HomeVisit, Objection


def _verify_code(document_id: int | None) -> str | None:
    return documents.verify_code_of(document_id) if document_id else None


def _authorizations(application_id: int) -> list[dict]:
    rows = []
    for authorization in session.scalars(select(Authorization).where(Authorization.application_id == application_id)
                                         .order_by(Authorization.member_position)):
        signature = current_signature(authorization)
        rows.append({"member_index": authorization.member_position, "status": authorization.status,
                     "by_guardian": authorization.by_guardian,
                     "signed_at": signature.signed_at if signature else None,
                     "verify_code": _verify_code(signature.document_id) if signature else None})
    return rows


def _checks(application_id: int) -> list[dict]:
    rows = []
    for check, report in session.execute(
            select(Check, CheckReport).outerjoin(CheckReport, CheckReport.check_id == Check.id)
            .where(Check.application_id == application_id).order_by(Check.id)):
        content = json.loads(report.content) if report else {}
        rows.append({"id": check.id, "status": check.status, "finished_at": check.finished_at,
                     "conclusion": content.get("conclusion"),
                     "suggested_amount": (content.get("assessment") or {}).get("suggested_monthly_amount"),
                     "verify_code": _verify_code(report.document_id) if report else None})
    return rows


def _rows(model, application_id: int):
    return session.scalars(select(model).where(model.application_id == application_id).order_by(model.id))


def archive_of(application: Application, *, exported_by: str, reason: str) -> dict:
    """Everything the case rests on, unmasked, as plain data for the PDF."""
    region = session.get(Region, application.region_code)
    return {
        "application": {"id": application.id, "assistance_type": application.assistance_type,
                        "status": application.status, "region": f"{region.name}（{region.code}）",
                        "submitted_at": application.submitted_at, "reason": application.reason},
        "exported": {"at": utcnow(), "by": exported_by, "reason": reason},
        "members": household_of(application),
        "declared": declared_of(application),
        "documents": [{"kind": d.kind, "uploaded_at": d.uploaded_at, "sha256": d.sha256}
                      for d in application.documents],
        "authorizations": _authorizations(application.id),
        "checks": _checks(application.id),
        "visits": [{"visited_on": v.visited_on, "visitors": json.loads(v.visitors), "findings": v.findings}
                   for v in _rows(HomeVisit, application.id)],
        "decisions": [{"step": d.step, "outcome": d.outcome, "reason": d.reason, "amount": d.amount,
                       "items": json.loads(d.items) if d.items else [], "decided_at": d.decided_at}
                      for d in _rows(Decision, application.id)],
        "objections": [{"content": o.content, "filed_at": o.filed_at, "answer": o.answer,
                        "answered_at": o.answered_at} for o in _rows(Objection, application.id)],
        "letters": letters_of(application.id),
        "events": [{"at": e.occurred_at, "text": e.text} for e in application.events],
    }


def civil_affairs_office(region_code: str) -> str:
    """The county (district) civil-affairs bureau over a division: the archive's keeper and signer."""
    code = next((c for c in lineage(region_code) if division_level(c) == "district"), region_code)
    region = session.get(Region, code)
    return authority_name("district", region.name)[:40]


def export_case_file(application_id: int, reason: str, *, actor: Actor, sealing) -> bytes:
    """A freshly sealed archive copy of the case file; the reason is printed on it and audited."""
    application = get_application(application_id, actor=actor, with_events=True)
    staff = session.get(Account, actor.account_id) if actor.account_id else None
    exported_by = f"{staff.display_name or staff.username}（{actor.role}）" if staff else str(actor.role)
    archive = archive_of(application, exported_by=exported_by, reason=reason)
    code = new_verify_code()
    pdf = document.render_case_file(archive, verify_url=f"{sealing.base_url.rstrip('/')}/verify/{code}",
                                    verify_code=code, font_path=sealing.font_path)
    evidence = {"document_type": "case_file", "verify_code": code, "application_id": application.id,
                "exported_at": archive["exported"]["at"].isoformat(), "exported_by": actor.account_id,
                "pdf_sha256": sha256(pdf)}
    sealed = documents.seal_document(pdf, kind="case_file", verify_code=code, evidence=evidence,
                                     signer=civil_affairs_office(application.region_code), signed_at=utcnow(),
                                     seal=sealing.seal, actor=actor, region_code=application.region_code,
                                     status="issued")
    audit.record("case.export", actor=actor, object_type="application", object_id=application.id,
                 region_code=application.region_code,
                 detail={"reason": reason, "document_id": sealed.id, "verify_code": code})
    return sealed.content
