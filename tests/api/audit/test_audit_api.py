"""Audit over HTTP: denials are recorded even though the request fails; reading is scoped."""
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from tests.factories import BAOJI, DUANJIA, FUFENG, GAOJIA, WEIBIN


def test_a_permission_denial_leaves_a_row(client, staff, auth, db):
    worker = staff("township_worker", DUANJIA)
    assert client.get("/api/v1/staff/audit", headers=auth(worker)).status_code == 403
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
    assert event.result == "denied" and event.actor_id == worker.id and event.region_code == DUANJIA
    assert event.request_id and event.ip


def test_auditors_read_only_their_regions_events(client, staff, auth):
    staff("village_worker", GAOJIA)       # staff.create in 渭滨区
    staff("township_worker", DUANJIA)     # staff.create in 扶风县
    fufeng_auditor = staff("auditor", FUFENG)
    rows = client.get("/api/v1/staff/audit?page_size=100", headers=auth(fufeng_auditor)).json
    regions = {row["region_code"] for row in rows if row["region_code"]}
    assert regions and all(code.startswith("610324") for code in regions)


def test_chain_verification_names_the_first_broken_event(client, staff, auth, db):
    auditor = staff("auditor", BAOJI)
    staff("village_worker", GAOJIA)
    intact = client.get("/api/v1/staff/audit/verify", headers=auth(auditor))
    assert intact.status_code == 200 and intact.json["ok"] is True and intact.json["events"] >= 2
    first = db.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    db.execute(text("UPDATE audit_events SET action = 'staff.delete' WHERE id = :id"), {"id": first.id})
    db.commit()
    broken = client.get("/api/v1/staff/audit/verify", headers=auth(auditor)).json
    assert broken["ok"] is False and broken["first_broken_seq"] == first.seq


def test_workers_cannot_verify_the_chain(client, staff, auth):
    assert client.get("/api/v1/staff/audit/verify", headers=auth(staff("district_worker", WEIBIN))).status_code == 403
