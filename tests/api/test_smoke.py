def test_readyz_reports_database_keys_and_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "keys": "ok", "queue": "ok"}


def test_staff_logs_in_with_password(client, staff):
    worker = staff("township_worker", "610324106000")
    response = client.post("/api/v1/auth/staff", json={"username": worker.username, "password": worker.password})
    assert response.status_code == 200, response.json
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {response.json['access_token']}"})
    assert me.status_code == 200
    assert me.json["role"] == "township_worker"
