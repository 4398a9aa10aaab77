"""Use cases of checks: request (behind the consent gate), run, read the report, periodic batches."""
import dataclasses
import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from app.adapters.department_data import SourceUnavailable
from app.applications.models import Application
from app.applications.services import declared_of, get_application, household_of, today_in_china
from app.audit import services as audit
from app.authorizations.consents import current_signature
from app.authorizations.models import Authorization
from app.checks import document
from app.checks.domain import (CENT, SOURCE_TEXT, Comparison, Consent, Record, compare, conclusion, consent_gaps,
                               record_facts, totals, verified_facts)
from app.checks.models import Check, CheckBatch, CheckLookup, CheckReport
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import Conflict, NotFound
from app.common.masking import mask_id_number, mask_middle, mask_name
from app.common.regions import scope_prefix
from app.datasources import services as datasources
from app.db import after_commit, session
from app.documents import services as documents
from app.documents.domain import new_verify_code, sha256
from app.identity.services import id_number_index
from app.verification.policy.engine import evaluate, facts_from_declaration
from app.verification.services import parameters_in_force

TOLERANCE_RATIO, TOLERANCE_AMOUNT = "declaration_tolerance_ratio", "declaration_tolerance_amount"


class AuthorizationIncomplete(Conflict):
    error = "AUTHORIZATION_INCOMPLETE"
    message = "有家庭成员的授权尚未确认、已撤回或已过期，不能进行核对"


CONSENT_TEXT = {"pending": "尚未签署", "signed": "已签署、待工作人员确认", "rejected": "被驳回、需重新签署",
                "revoked": "已撤回", "expired": "已过期"}


class ReportNotReady(Conflict):
    error = "REPORT_NOT_READY"
    message = "核对尚未完成"


_jobs = {}


def configure_dispatch(check_job, batch_job) -> None:
    """The jobs (huey) that run a check and a batch, set at start-up; they start after the request commits."""
    _jobs.update(check=check_job, batch=batch_job)


# The consent gate ----------------------------------------------------------------------------

def _consents(application) -> list[tuple[Authorization, object]]:
    return [(a, current_signature(a)) for a in session.scalars(
        select(Authorization).where(Authorization.application_id == application.id, Authorization.required.is_(True))
        .order_by(Authorization.member_position))]


def consent_gate(application) -> list[tuple[Authorization, object]]:
    """Every member who must consent has a confirmed, unexpired signature — or nothing is queried."""
    members = household_of(application)
    pairs = _consents(application)
    gaps = consent_gaps([Consent(a.member_position, mask_name(members[a.member_position]["name"]), a.status,
                                 s.expires_at if s is not None else None) for a, s in pairs], utcnow())
    if gaps or not pairs:
        raise AuthorizationIncomplete(errors={"members": [
            f"第{g['member_index'] + 1}位成员 {g['member']}：授权{CONSENT_TEXT.get(g['status'], g['status'])}"
            for g in gaps] or ["本申请没有需要授权的成员"]})
    return pairs


def request_check(application_id: int, purpose: str, *, actor: Actor, batch_id: int | None = None) -> Check:
    application = get_application(application_id, actor=actor)
    consent_gate(application)
    check = Check(application_id=application.id, region_code=application.region_code, purpose=purpose,
                  status="queued", requested_by=actor.account_id, requested_at=utcnow(), batch_id=batch_id)
    session.add(check)
    session.flush()
    audit.record("check.request", actor=actor, object_type="check", object_id=check.id,
                 region_code=application.region_code, detail={"application_id": application.id, "purpose": purpose})
    if batch_id is None:
        after_commit(lambda: _jobs["check"](check.id))
    return check


# Running a check -----------------------------------------------------------------------------

def start_check(check_id: int) -> None:
    """Shown as running while the departments are queried (committed before the work begins)."""
    check = session.get(Check, check_id, with_for_update=True)
    if check.status == "queued":
        check.status, check.progress = "running", 10


def run_check(check_id: int, *, actor: Actor, live_sources: dict | None = None) -> Check:
    """Query every consenting member's records, apply the policy to what was declared and what was found."""
    check = session.get(Check, check_id, with_for_update=True)
    if check.status in ("done", "failed"):
        return check
    application = session.get(Application, check.application_id)
    check.status = "running"
    pairs = consent_gate(application)   # consent may have lapsed since the request
    members = household_of(application)
    on = today_in_china()
    params = parameters_in_force(application.region_code, on)
    numbers = {members[a.member_position]["id_number"]: a.member_position
               for a, _ in pairs if members[a.member_position].get("id_number")}
    found, available, unavailable = _gather(numbers, live_sources or {})
    now = utcnow()
    consent_of = {a.member_position: (a, s) for a, s in pairs}
    position_of = {id_number_index(number): position for number, position in numbers.items()}
    records = []
    for row in found:
        position = position_of[row.id_number_index]
        authorization, signature = consent_of[position]
        records.append((Record(row.kind, position, row.fields), row))
        session.add(CheckLookup(check_id=check.id, authorization_id=authorization.id, signature_id=signature.id,
                                member_position=position, kind=row.kind, record_id=row.record_id,
                                source="live" if row.record_id is None else "import", looked_up_at=now))
    report = _assess(application, members, [r for r, _ in records], available, unavailable, params, on,
                     enrolled=check.purpose == "periodic")
    report |= {"check_id": check.id, "application_id": application.id, "purpose": check.purpose,
               "region_code": application.region_code, "checked_on": on.isoformat(), "checked_at": now.isoformat(),
               "records": [{"kind": row.kind, "source": SOURCE_TEXT.get(row.kind, row.kind), "member_index": rec.member_index,
                            "member": mask_name(members[rec.member_index]["name"]), "as_of": _iso(row.as_of),
                            "fields": _masked(row.fields)} for rec, row in records],
               "members": [{"index": m["index"], "name": mask_name(m["name"]),
                            "id_number": mask_id_number(m.get("id_number")),
                            "consent": "confirmed" if m["index"] in consent_of else "not_required"} for m in members]}
    session.add(CheckReport(check_id=check.id, created_at=now, content=json.dumps(report, ensure_ascii=False)))
    check.status, check.progress, check.finished_at = "done", 100, now
    check.outcome, check.consistency = report["assessment"]["outcome"], report["consistency"]
    audit.record("check.run", actor=actor, object_type="check", object_id=check.id, region_code=check.region_code,
                 detail={"records": len(records), "outcome": check.outcome})
    session.flush()
    return check


def _gather(numbers: dict[str, int], live_sources: dict) -> tuple[list, set[str], dict[str, str]]:
    """The records of the members, from the imports and from the departments that answer live.

    A live source that fails (down, slow past its timeout, refusing, answering nonsense) is
    unavailable with its reason, never "nothing found"; the imports of that kind are not used
    in its place, because a live source is configured where the imports are not kept current.
    """
    indexes = [id_number_index(number) for number in numbers]
    imported = [kind for kind in SOURCE_TEXT if kind not in live_sources]
    found = datasources.records_for(indexes, kinds=imported)
    available = {kind for kind in datasources.available_kinds() if kind not in live_sources}
    unavailable = {}
    for kind, source in live_sources.items():
        try:
            answer = source.lookup(list(numbers))
            rows = [datasources.live_record(kind, number, fields) for number, found_rows in answer.items()
                    for fields in found_rows]
        except (SourceUnavailable, datasources.InvalidLiveRecord) as exc:
            unavailable[kind] = f"部门接口不可用（{exc}）"
            continue
        available.add(kind)
        found.extend(rows)
    return found, available, unavailable


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# Identifying fields a report masks (names and ID numbers have their own rules); amounts stay.
MASKED_FIELDS = {"address": (6, 0), "certificate_no": (4, 4), "plate_no": (2, 2), "household_no": (4, 2),
                 "entity_name": (2, 0)}


def _masked(fields: dict) -> dict:
    """A report travels: identifying fields are masked, amounts and dates stay."""
    out = {}
    for key, value in fields.items():
        if key == "id_number":
            out[key] = mask_id_number(value)
        elif key == "name":
            out[key] = mask_name(value)
        elif key in MASKED_FIELDS:
            start, end = MASKED_FIELDS[key]
            out[key] = mask_middle(value, keep_start=start, keep_end=end)
        else:
            out[key] = value
    return out


def _assess(application, members, records, available, unavailable, params, on, *, enrolled: bool) -> dict:
    """The policy on what was declared and on what the departments found; the two compared item by item."""
    hukou_type = members[0]["hukou_type"]
    declared = facts_from_declaration(application.assistance_type, hukou_type, on, members, declared_of(application),
                                      enrolled=enrolled)
    incomes, assets = record_facts(records)
    merged_incomes, merged_assets = verified_facts(declared.incomes, declared.assets, incomes, assets, available)
    verified = dataclasses.replace(declared, incomes=merged_incomes, assets=merged_assets)
    ratio = params.get(TOLERANCE_RATIO)
    amount = params.get(TOLERANCE_AMOUNT)
    comparisons = compare(totals(list(declared.incomes), list(declared.assets)), totals(incomes, assets), available,
                          tolerance_ratio=ratio.value if ratio else Decimal("0"),
                          tolerance_amount=amount.value if amount else Decimal("0"))
    assessment = evaluate(verified, params)
    consistency, sentence = conclusion(comparisons, assessment.outcome)
    return {"assessment": _assessment_json(assessment), "declared_assessment": evaluate(declared, params).outcome,
            "comparisons": [_comparison_json(c) for c in comparisons], "consistency": consistency,
            "conclusion": sentence,
            "sources": [{"kind": kind, "source": text, "available": kind in available,
                         "reason": None if kind in available else unavailable.get(kind, "尚未导入该部门数据")}
                        for kind, text in SOURCE_TEXT.items()]}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def _assessment_json(assessment) -> dict:
    return {"outcome": assessment.outcome, "per_capita_income": _money(assessment.per_capita_income),
            "suggested_monthly_amount": _money(assessment.suggested_monthly_amount),
            "counted_members": list(assessment.counted_members),
            "findings": [{"code": f.code, "title": f.title, "outcome": f.outcome, "explanation": f.explanation}
                         for f in assessment.findings]}


def _comparison_json(row: Comparison) -> dict:
    return {"item": row.item, "title": row.title, "declared": _money(row.declared), "verified": _money(row.verified),
            "consistent": row.consistent, "explanation": row.explanation}


def fail_check(check_id: int, reason: str) -> None:
    check = session.get(Check, check_id)
    check.status, check.error, check.finished_at = "failed", reason[:200], utcnow()


# Reading -------------------------------------------------------------------------------------

def get_check(check_id: int, *, actor: Actor) -> Check:
    """Within the reader's region (an applicant never sees checks)."""
    check = session.get(Check, check_id)
    if check is None or actor.role == "applicant" or not check.region_code.startswith(scope_prefix(actor.region_code)):
        raise NotFound("核对不存在")
    return check


def report_of(check_id: int, *, actor: Actor) -> dict:
    check = get_check(check_id, actor=actor)
    report = session.scalar(select(CheckReport).where(CheckReport.check_id == check.id))
    if report is None:
        raise ReportNotReady(errors={"status": [check.status]})
    audit.record("check.report_view", actor=actor, object_type="check", object_id=check.id,
                 region_code=check.region_code)
    return json.loads(report.content) | {"verify_code": _verify_code(report)}


def _verify_code(report: CheckReport) -> str | None:
    return documents.verify_code_of(report.document_id) if report.document_id else None


def report_pdf(check_id: int, *, actor: Actor, sealing) -> bytes:
    """The sealed PDF, made and sealed the first time it is asked for (a batch re-check makes none)."""
    check = get_check(check_id, actor=actor)
    report = session.scalar(select(CheckReport).where(CheckReport.check_id == check.id).with_for_update())
    if report is None:
        raise ReportNotReady(errors={"status": [check.status]})
    audit.record("check.report_view", actor=actor, object_type="check", object_id=check.id,
                 region_code=check.region_code, detail={"format": "pdf"})
    if report.document_id is None:
        content = json.loads(report.content)
        code = new_verify_code()
        pdf = document.render(content, verify_url=f"{sealing.base_url.rstrip('/')}/verify/{code}", verify_code=code,
                              font_path=sealing.font_path)
        evidence = {"document_type": "check_report", "verify_code": code, "check_id": check.id,
                    "report_sha256": sha256(report.content.encode("utf-8"))}
        sealed = documents.seal_document(pdf, kind="check_report", verify_code=code, evidence=evidence,
                                         signer="家庭经济状况核对机构", signed_at=utcnow(), seal=sealing.seal,
                                         actor=actor, region_code=check.region_code, status="issued")
        report.document_id = sealed.id
        session.flush()
    return documents.content_of(report.document_id)


# Periodic re-checks (定期核对) --------------------------------------------------------------------

BATCH_CHUNK = 200
BATCH_OUTCOMES = {"eligible": "still_eligible", "ineligible": "now_ineligible", "gradual_exit": "gradual_exit",
                  "undetermined": "undetermined"}


def request_batch(region_code: str, assistance_type: str, *, actor: Actor) -> CheckBatch:
    """Every enrolled (approved) household of the region and type, re-checked in the background."""
    if not region_code.startswith(scope_prefix(actor.region_code)):
        raise NotFound("区划不存在")
    batch = CheckBatch(region_code=region_code, assistance_type=assistance_type, status="queued",
                       total=len(_enrolled(region_code, assistance_type)), done=0, requested_by=actor.account_id,
                       requested_at=utcnow())
    session.add(batch)
    session.flush()
    audit.record("check.batch_request", actor=actor, object_type="check_batch", object_id=batch.id,
                 region_code=region_code, detail={"assistance_type": assistance_type, "households": batch.total})
    after_commit(lambda: _jobs["batch"](batch.id))
    return batch


def _enrolled(region_code: str, assistance_type: str) -> list[int]:
    return list(session.scalars(select(Application.id).where(
        Application.region_code.startswith(scope_prefix(region_code)), Application.status == "approved",
        Application.assistance_type == assistance_type).order_by(Application.id)))


def get_batch(batch_id: int, *, actor: Actor) -> CheckBatch:
    batch = session.get(CheckBatch, batch_id)
    if batch is None or not batch.region_code.startswith(scope_prefix(actor.region_code)):
        raise NotFound("批次不存在")
    return batch


def run_batch_chunk(batch_id: int, *, actor: Actor, live_sources: dict | None = None,
                    chunk: int = BATCH_CHUNK) -> bool:
    """Re-check the next `chunk` households after the batch's cursor; True when the batch is finished.

    A chunk is one transaction, so progress shows as it goes and a worker that dies resumes at the
    cursor. Households whose consent lapsed are listed, not checked, and nothing else happens to them.
    """
    batch = session.get(CheckBatch, batch_id, with_for_update=True)
    if batch.status == "done":
        return True
    summary = json.loads(batch.summary or "{}")
    ids = [i for i in _enrolled(batch.region_code, batch.assistance_type) if i > batch.cursor][:chunk]
    batch.status = "running"
    for application_id in ids:
        application = session.get(Application, application_id)
        try:
            consent_gate(application)
        except AuthorizationIncomplete:
            summary["authorization_expired"] = summary.get("authorization_expired", 0) + 1
            summary.setdefault("consent_lapsed_applications", []).append(application_id)
        else:
            check = Check(application_id=application_id, region_code=application.region_code, purpose="periodic",
                          status="queued", requested_by=batch.requested_by, requested_at=utcnow(), batch_id=batch.id)
            session.add(check)
            session.flush()
            run_check(check.id, actor=actor, live_sources=live_sources)
            key = BATCH_OUTCOMES.get(check.outcome, check.outcome)
            summary[key] = summary.get(key, 0) + 1
        batch.done += 1
        batch.cursor = application_id
    batch.summary = json.dumps(summary, ensure_ascii=False)
    finished = len(ids) < chunk
    if finished:
        batch.status, batch.finished_at = "done", utcnow()
        audit.record("check.batch_done", actor=actor, object_type="check_batch", object_id=batch.id,
                     region_code=batch.region_code, detail={k: v for k, v in summary.items() if isinstance(v, int)})
    session.flush()
    return finished
