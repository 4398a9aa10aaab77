import io

import pytest
from PIL import Image

from tests.factories import application_payload


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def draft(client, applicant_headers):
    response = client.post("/api/v1/applications", json=application_payload(), headers=applicant_headers)
    assert response.status_code == 201, response.json
    return response.json


def upload(client, headers, application_id, kind="id_card", content=None, name="photo.png"):
    return client.post(f"/api/v1/applications/{application_id}/documents", headers=headers,
                       data={"kind": kind, "file": (io.BytesIO(content if content is not None else png_bytes()), name)},
                       content_type="multipart/form-data")


def submit(client, headers, application_id):
    return client.post(f"/api/v1/applications/{application_id}/submit", headers=headers,
                       json={"commitment_accepted": True})
