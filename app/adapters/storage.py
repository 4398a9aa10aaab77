"""File storage for uploads behind one interface; the local backend keeps files on disk under a root."""
import io
import os
import re
import tempfile
from pathlib import Path
from typing import Callable, Protocol
from urllib.parse import urlsplit
from uuid import uuid4

from minio import Minio
from minio.error import S3Error

from app.common import crypto
from app.common.clock import utcnow

# Keys are chosen by the server (new_key), never taken from a client's file name. A segment may
# not start with "." so that "..", "." and our own temp files can never be addressed.
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


class StorageMissing(LookupError):
    """No object is stored under the key."""


class Storage(Protocol):
    def put(self, key: str, content: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def new_key(prefix: str, extension: str) -> str:
    """A fresh key such as "evidence/2025/03/<uuid4 hex>.jpg"; month folders keep directories small."""
    now = utcnow()
    return check_key(f"{prefix}/{now:%Y}/{now:%m}/{uuid4().hex}.{extension}")


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


class LocalStorage:
    """Files under `root`: directories 0700, files 0600, each written atomically."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, key: str, content: bytes, content_type: str) -> None:
        path = self._path(key)
        self._make_dirs(path.parent)
        # mkstemp creates the file 0600; os.replace makes it appear whole or not at all.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise StorageMissing(key) from exc

    def delete(self, key: str) -> None:
        """Deleting a key that is not there is not an error, so a retried delete succeeds."""
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        path = self.root / check_key(key)
        # Belt and braces: a symlinked directory must not lead out of the root either.
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"invalid storage key: {key!r}")
        return path

    def _make_dirs(self, directory: Path) -> None:
        # os.makedirs gives only the leaf the mode; intermediate levels would get 0777 & ~umask.
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        level = self.root
        for part in directory.relative_to(self.root).parts:
            level = level / part
            level.mkdir(mode=0o700, exist_ok=True)


class S3Storage:
    """An S3-compatible bucket (MinIO, OSS, COS, S3) through the minio client; same keys as local."""

    def __init__(self, endpoint_url: str, bucket: str, access_key: str, secret_key: str, *,
                 region: str = "us-east-1"):
        parsed = urlsplit(endpoint_url)
        # The region is given so the client never asks the server for it.
        self.client = Minio(parsed.netloc, access_key=access_key, secret_key=secret_key,
                            secure=parsed.scheme == "https", region=region)
        self.bucket = bucket

    def put(self, key: str, content: bytes, content_type: str) -> None:
        self.client.put_object(self.bucket, check_key(key), io.BytesIO(content), len(content),
                               content_type=content_type)

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(self.bucket, check_key(key))
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject"}:
                raise StorageMissing(key) from None
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def delete(self, key: str) -> None:
        self.client.remove_object(self.bucket, check_key(key))


class EncryptedStorage:
    """Any backend, with every file sealed by AES-256-GCM under the active data key before it leaves
    the process, bound to its storage key (a file copied under another key does not decrypt).
    Files stored before encryption are read as they are; `flask keys reencrypt` seals them."""

    def __init__(self, backend: Storage, keyring: Callable[[], crypto.Keyring] = crypto.keyring):
        self.backend, self.keyring = backend, keyring

    def put(self, key: str, content: bytes, content_type: str) -> None:
        self.backend.put(key, self.keyring().encrypt_blob(content, context=key.encode()), content_type)

    def get(self, key: str) -> bytes:
        blob = self.backend.get(key)
        if crypto.Keyring.blob_key_id(blob) is None:
            return blob
        return self.keyring().decrypt_blob(blob, context=key.encode())

    def delete(self, key: str) -> None:
        self.backend.delete(key)

    def reseal(self, key: str, content_type: str) -> bool:
        """Store the file again under the active key if it is not already; True when it was."""
        blob = self.backend.get(key)
        if crypto.Keyring.blob_key_id(blob) == self.keyring().active:
            return False
        self.put(key, self.get(key), content_type)
        return True


def make_storage(cfg: dict) -> Storage:
    if cfg["STORAGE_BACKEND"] == "s3":
        backend = S3Storage(cfg["S3_ENDPOINT"], cfg["S3_BUCKET"], cfg["S3_ACCESS_KEY"], cfg["S3_SECRET_KEY"],
                            region=cfg["S3_REGION"])
    else:
        backend = LocalStorage(Path(cfg["UPLOAD_DIR"]))
    return EncryptedStorage(backend)
