"""The S3-compatible backend over HTTP, against the project's fake object store."""
import pytest
from minio.error import S3Error

from app.adapters.storage import S3Storage, StorageMissing, new_key
from app.devservers import BackgroundServer
from app.devservers.s3 import create_fake_s3


@pytest.fixture(scope="module")
def fake_s3():
    with BackgroundServer(create_fake_s3("test-access")) as server:
        server.app = server.server.app
        yield server


def storage(fake_s3, access_key="test-access"):
    return S3Storage(fake_s3.url, "shjz-evidence", access_key, "test-secret")


def test_an_object_goes_in_and_comes_back(fake_s3):
    key = new_key("applications/1", "png")
    storage(fake_s3).put(key, b"\x89PNG...", "image/png")
    assert storage(fake_s3).get(key) == b"\x89PNG..."
    assert fake_s3.app.config["objects"][("shjz-evidence", key)][1] == "image/png"


def test_a_missing_object_is_storage_missing(fake_s3):
    with pytest.raises(StorageMissing):
        storage(fake_s3).get("applications/none/2026/11/nothing.png")


def test_delete_removes_the_object(fake_s3):
    key = new_key("applications/2", "pdf")
    store = storage(fake_s3)
    store.put(key, b"%PDF-1.4", "application/pdf")
    store.delete(key)
    with pytest.raises(StorageMissing):
        store.get(key)


def test_wrong_credentials_are_refused(fake_s3):
    with pytest.raises(S3Error):
        storage(fake_s3, access_key="someone-else").put(new_key("x", "png"), b"1", "image/png")


def test_keys_are_still_checked(fake_s3):
    with pytest.raises(ValueError):
        storage(fake_s3).put("../etc/passwd", b"1", "text/plain")


def test_the_app_uses_s3_when_configured(fake_s3, tmp_path):
    from app.adapters.storage import EncryptedStorage, make_storage

    chosen = make_storage({"STORAGE_BACKEND": "s3", "S3_ENDPOINT": fake_s3.url, "S3_BUCKET": "shjz-evidence",
                           "S3_ACCESS_KEY": "test-access", "S3_SECRET_KEY": "s", "S3_REGION": "us-east-1",
                           "UPLOAD_DIR": str(tmp_path)})
    assert isinstance(chosen, EncryptedStorage) and isinstance(chosen.backend, S3Storage)
