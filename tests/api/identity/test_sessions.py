"""Tokens and sessions: rotation, reuse detection, logout, disabling, idle and absolute limits."""
from app.identity.models import Account, AuthSession
from tests.factories import DUANJIA, age, tokens_for


def test_refresh_rotates_and_the_old_token_dies(client, staff, app):
    pair = tokens_for(app, staff("township_worker", DUANJIA))
    first = client.post("/api/v1/auth/refresh", json={"refresh_token": pair.refresh_token})
    assert first.status_code == 200
    assert first.json["refresh_token"] != pair.refresh_token
    new_access = first.json["access_token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {new_access}"}).status_code == 200


def test_reusing_a_refresh_token_revokes_the_whole_family(client, staff, app):
    pair = tokens_for(app, staff("township_worker", DUANJIA))
    rotated = client.post("/api/v1/auth/refresh", json={"refresh_token": pair.refresh_token}).json
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": pair.refresh_token})
    assert reuse.status_code == 401
    # The thief's copy and the legitimate newer tokens are all dead now.
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {rotated['access_token']}"}).status_code == 401


def test_logout_kills_access_and_refresh_tokens(client, staff, app):
    pair = tokens_for(app, staff("township_worker", DUANJIA))
    headers = {"Authorization": f"Bearer {pair.access_token}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": pair.refresh_token}).status_code == 401


def test_disabled_account_is_refused_on_the_next_request(client, staff, app, db):
    worker = staff("township_worker", DUANJIA)
    headers = {"Authorization": f"Bearer {tokens_for(app, worker).access_token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.get(Account, worker.id).active = False
    db.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_staff_session_ends_after_fifteen_idle_minutes(client, staff, app):
    pair = tokens_for(app, staff("township_worker", DUANJIA))
    age(AuthSession, 901, "last_seen_at")
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": pair.refresh_token}).status_code == 401


def test_staff_session_ends_after_twelve_hours_however_active(client, staff, app):
    pair = tokens_for(app, staff("township_worker", DUANJIA))
    age(AuthSession, 12 * 3600 + 1, "created_at", "expires_at")
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": pair.refresh_token}).status_code == 401


def test_applicant_sessions_last_longer_than_staff_ones(app, applicant):
    pair = tokens_for(app, applicant())
    from app.db import session
    auth_session = session.scalars(__import__("sqlalchemy").select(AuthSession)).all()[-1]
    assert auth_session.idle_timeout == app.config["APPLICANT_IDLE_TIMEOUT"] > app.config["STAFF_IDLE_TIMEOUT"]
    assert pair.expires_in == 900
