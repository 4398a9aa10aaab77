"""Liveness and readiness probes, outside /api/v1 and without authentication."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.db import session
from app.web import access

blp = Blueprint("health", __name__)


@blp.get("/healthz")
@access.public
def healthz():
    return jsonify(status="ok")


@blp.get("/readyz")
@access.public
def readyz():
    """Ready when the database answers, the keys work and the job queue is reachable."""
    from app.jobs import queue_ping

    checks = {}
    try:
        session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 — any failure means not ready
        checks["database"] = "unavailable"
    keyring = current_app.extensions["keyring"]
    checks["keys"] = "ok" if keyring.decrypt(keyring.encrypt("ready")) == "ready" else "unavailable"
    try:
        checks["queue"] = "ok" if queue_ping() else "unavailable"
    except Exception:  # noqa: BLE001
        checks["queue"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    response = jsonify(status="ready" if ready else "not ready", checks=checks)
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "5"
    return response
