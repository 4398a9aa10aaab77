"""Use cases of checks: request (behind the consent gate), run, read the report, periodic batches."""
import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.applications.domain import COMMITMENT_SIMPLIFIED, SMALL_LIMIT, Action, ReviewPath, Status, review_path
from app.applications.models import Application
from app.applications.services import get_application, today_in_china, transition
from app.audit import services as audit
from app.checks import document
from app.checks.households import (Household, check_households, household_for, insert_checks, load_households,
                                   store_results)
from app.checks.models import Check, CheckBatch, CheckReport
from app.common.actor import Actor
from app.common.clock import utcnow
from app.common.errors import Conflict, NotFound
from app.common.regions import scope_prefix
from app.db import after_commit, session
from app.documents import services as documents
from app.documents.domain import new_verify_code, sha256
from app.regions.models import Region
from app.verification.services import parameters_in_force


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

def consent_gate(household: Household) -> None:
    """Every member who must consent has a confirmed, unexpired signature — or nothing is queried."""
    gaps = household.consent_gaps(utcnow())
    if gaps or not household.grants:
        raise AuthorizationIncomplete(errors={"members": [
            f"第{g['member_index'] + 1}位成员 {g['member']}：授权{CONSENT_TEXT.get(g['status'], g['status'])}"
            for g in gaps] or ["本申请没有需要授权的成员"]})


def request_check(application_id: int, purpose: str, *, actor: Actor, batch_id: int | None = None) -> Check:
    application = get_application(application_id, actor=actor)
    consent_gate(household_for(application))
    check = Check(application_id=application.id, region_code=application.region_code, purpose=purpose,
                  status="queued", requested_by=actor.account_id, requested_at=utcnow(), batch_id=batch_id)
    session.add(check)
    session.flush()
    audit.record("check.request", actor=actor, object_type="check", object_id=check.id,
                 region_code=application.region_code, detail={"application_id": application.id, "purpose": purpose})
    if batch_id is None:
        after_commit(lambda: _jobs["check"](check.id))
    return check


def stalled_check_ids(*, older_than_seconds: int = 120, limit: int = 100) -> list[int]:
    """Single checks still queued whose job was lost (a queue outage, a worker crash); running one twice
    is harmless, since a check that is done or failed is left as it is."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(session.scalars(select(Check.id).where(Check.status == "queued", Check.batch_id.is_(None),
                                                       Check.requested_at < cutoff)
                                .order_by(Check.id).limit(limit)))


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
    check.status = "running"
    household = load_households([check.application_id])[check.application_id]
    consent_gate(household)   # consent may have lapsed since the request
    now = utcnow()
    [result] = check_households([household], purpose=check.purpose, live_sources=live_sources or {}, now=now)
    store_results([check.id], [result])
    check.status, check.progress, check.finished_at = "done", 100, now
    check.outcome, check.consistency = result.outcome, result.consistency
    audit.record("check.run", actor=actor, object_type="check", object_id=check.id, region_code=check.region_code,
                 detail={"records": len(result.rows), "outcome": check.outcome})
    _on_to_review(check)
    session.flush()
    return check


def _on_to_review(check: Check) -> None:
    """An application's first finished check sends the case on to review, by the path it qualifies for."""
    application = session.get(Application, check.application_id)
    if check.purpose != "application" or application.status != Status.CHECKING:
        return
    parameters = parameters_in_force(application.region_code, today_in_china())
    small_limit, simplified = parameters.get(SMALL_LIMIT), parameters.get(COMMITMENT_SIMPLIFIED)
    path = review_path(application.assistance_type, application.requested_amount,
                       small_limit=small_limit.value if small_limit else None, consistency=check.consistency,
                       simplified=bool(simplified and simplified.value))
    application.review_path = path.value
    action, text = (Action.CHECK_DONE, "转村（居）审核") if path == ReviewPath.STANDARD else (
        Action.FAST_TRACK, FAST_TRACK_TEXT[path])
    transition(application, action, actor=Actor(role="system"), role="system",
               text=f"家庭经济状况核对已完成（核对 {check.id}），{text}")


FAST_TRACK_TEXT = {ReviewPath.SMALL_TEMPORARY: "小额临时救助由乡镇（街道）直接审批",
                   ReviewPath.COMMITMENT: "核对结果与申报基本一致，按告知承诺简化程序转乡镇（街道）确认"}


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
    if not region_code.startswith(scope_prefix(actor.region_code)) or session.get(Region, region_code) is None:
        raise NotFound("区划不存在")
    enrolled = session.scalar(select(func.count()).select_from(_enrolled(region_code, assistance_type).subquery()))
    batch = CheckBatch(region_code=region_code, assistance_type=assistance_type, status="queued", total=enrolled,
                       done=0, requested_by=actor.account_id, requested_at=utcnow())
    session.add(batch)
    session.flush()
    audit.record("check.batch_request", actor=actor, object_type="check_batch", object_id=batch.id,
                 region_code=region_code, detail={"assistance_type": assistance_type, "households": batch.total})
    after_commit(lambda: _jobs["batch"](batch.id))
    return batch


def _enrolled(region_code: str, assistance_type: str):
    return select(Application.id).where(
        Application.region_code.startswith(scope_prefix(region_code)), Application.status == "approved",
        Application.assistance_type == assistance_type)


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
    The chunk's households are loaded, queried and stored together, with one audit event for the chunk.
    """
    batch = session.get(CheckBatch, batch_id, with_for_update=True)
    if batch.status == "done":
        return True
    summary = json.loads(batch.summary or "{}")
    ids = list(session.scalars(_enrolled(batch.region_code, batch.assistance_type)
                               .where(Application.id > batch.cursor).order_by(Application.id).limit(chunk)))
    batch.status = "running"
    now = utcnow()
    households = load_households(ids)
    consented = [households[i] for i in ids if households[i].consented(now)]
    lapsed = sorted(set(ids) - {h.application_id for h in consented})
    results = check_households(consented, purpose="periodic", live_sources=live_sources or {}, now=now)
    check_ids = insert_checks([
        {"application_id": r.household.application_id, "region_code": r.household.region_code, "purpose": "periodic",
         "status": "done", "progress": 100, "outcome": r.outcome, "consistency": r.consistency, "error": None,
         "requested_by": batch.requested_by, "requested_at": now, "finished_at": now, "batch_id": batch.id}
        for r in results])
    store_results(check_ids, results)
    outcomes: dict[str, int] = {}
    for result in results:
        key = BATCH_OUTCOMES.get(result.outcome, result.outcome)
        outcomes[key] = outcomes.get(key, 0) + 1
        summary[key] = summary.get(key, 0) + 1
    if lapsed:
        summary["authorization_expired"] = summary.get("authorization_expired", 0) + len(lapsed)
        summary.setdefault("consent_lapsed_applications", []).extend(lapsed)
    if ids:
        # One event for the chunk (not one per household): what was checked, with what result, what was skipped.
        audit.record("check.batch_chunk", actor=actor, object_type="check_batch", object_id=batch.id,
                     region_code=batch.region_code,
                     detail={"batch_id": batch.id, "checked": len(results), "outcomes": outcomes,
                             "records": sum(len(r.rows) for r in results),
                             "application_ids": [h.application_id for h in consented],
                             "consent_lapsed_applications": lapsed})
        batch.done += len(ids)
        batch.cursor = ids[-1]
    batch.summary = json.dumps(summary, ensure_ascii=False)
    finished = len(ids) < chunk
    if finished:
        batch.status, batch.finished_at = "done", utcnow()
        audit.record("check.batch_done", actor=actor, object_type="check_batch", object_id=batch.id,
                     region_code=batch.region_code, detail={k: v for k, v in summary.items() if isinstance(v, int)})
    session.flush()
    return finished


# For review -----------------------------------------------------------------------------------

def checks_of(application_id: int) -> list[dict]:
    """The checks of a case, newest first, with what their reports concluded (for the case file)."""
    rows = session.execute(select(Check, CheckReport.content).outerjoin(CheckReport, CheckReport.check_id == Check.id)
                           .where(Check.application_id == application_id).order_by(Check.id.desc()))
    out = []
    for check, content in rows:
        assessment = json.loads(content)["assessment"] if content else {}
        out.append({"id": check.id, "purpose": check.purpose, "status": check.status, "outcome": check.outcome,
                    "consistency": check.consistency, "finished_at": check.finished_at,
                    "per_capita_income": assessment.get("per_capita_income"),
                    "suggested_monthly_amount": assessment.get("suggested_monthly_amount")})
    return out


def latest_suggestion(application_id: int) -> tuple[int | None, Decimal | None]:
    """(check id, suggested monthly amount) of the newest finished check; (None, None) without one."""
    done = [row for row in checks_of(application_id) if row["status"] == "done"]
    if not done:
        return None, None
    amount = done[0]["suggested_monthly_amount"]
    return done[0]["id"], Decimal(amount) if amount is not None else None
