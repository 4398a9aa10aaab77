"""Local file storage: server-chosen keys, atomic private files, no way out of the root."""
import re
import stat

import pytest

from app.adapters.storage import LocalStorage, Storage, StorageMissing, check_key, new_key


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_local_storage_satisfies_the_storage_interface(storage):
    def takes(backend: Storage) -> Storage:
        return backend

    assert takes(storage) is storage
    assert all(callable(getattr(storage, name)) for name in ("put", "get", "delete"))


def test_put_then_get_returns_the_same_bytes(storage):
    key = new_key("evidence", "jpg")
    storage.put(key, b"\xff\xd8\xff content", "image/jpeg")
    assert storage.get(key) == b"\xff\xd8\xff content"


def test_put_again_replaces_the_content(storage):
    storage.put("a/b.pdf", b"first", "application/pdf")
    storage.put("a/b.pdf", b"second", "application/pdf")
    assert storage.get("a/b.pdf") == b"second"


def test_files_are_0600_and_directories_0700_whatever_the_umask(storage, tmp_path):
    import os

    old = os.umask(0o002)
    try:
        storage.put("evidence/2025/03/x.png", b"png", "image/png")
    finally:
        os.umask(old)
    root = tmp_path / "uploads"
    assert mode(root / "evidence/2025/03/x.png") == 0o600
    for directory in (root, root / "evidence", root / "evidence/2025", root / "evidence/2025/03"):
        assert mode(directory) == 0o700


def test_no_temp_file_is_left_behind(storage, tmp_path):
    storage.put("k/one.jpg", b"1", "image/jpeg")
    assert [p.name for p in (tmp_path / "uploads/k").iterdir()] == ["one.jpg"]


def test_a_failed_write_leaves_neither_temp_file_nor_object(storage, tmp_path):
    with pytest.raises(TypeError):
        storage.put("k/bad.jpg", "not bytes", "image/jpeg")
    assert list((tmp_path / "uploads/k").iterdir()) == []


def test_get_of_a_missing_key_raises_storage_missing(storage):
    with pytest.raises(StorageMissing):
        storage.get("evidence/2025/03/none.jpg")


def test_get_of_a_directory_raises_storage_missing(storage):
    storage.put("evidence/x.jpg", b"x", "image/jpeg")
    with pytest.raises(StorageMissing):
        storage.get("evidence")


def test_delete_removes_the_object_and_may_be_repeated(storage):
    storage.put("k/x.jpg", b"x", "image/jpeg")
    storage.delete("k/x.jpg")
    storage.delete("k/x.jpg")
    with pytest.raises(StorageMissing):
        storage.get("k/x.jpg")


BAD_KEYS = [
    "../outside.jpg", "a/../../outside.jpg", "a/..", "..", ".", "a/./b", "/etc/passwd", "a//b", "a/",
    "", "a\\..\\b", "a b.jpg", "证件.jpg", "a\x00.jpg", ".hidden", "a/.tmp", "~/x", "a;rm.jpg",
]


@pytest.mark.parametrize("key", BAD_KEYS)
@pytest.mark.parametrize("operation", ["put", "get", "delete"])
def test_keys_that_could_leave_the_root_or_were_not_chosen_by_the_server_are_refused(storage, key, operation):
    args = {"put": (key, b"x", "image/jpeg"), "get": (key,), "delete": (key,)}[operation]
    with pytest.raises(ValueError):
        getattr(storage, operation)(*args)


def test_traversal_writes_nothing_outside_the_root(storage, tmp_path):
    with pytest.raises(ValueError):
        storage.put("../outside.jpg", b"x", "image/jpeg")
    assert not (tmp_path / "outside.jpg").exists()


def test_a_symlinked_directory_cannot_lead_out_of_the_root(storage, tmp_path):
    (tmp_path / "uploads").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "uploads/link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError):
        storage.put("link/x.jpg", b"x", "image/jpeg")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_new_key_is_prefix_year_month_and_a_random_name():
    key = new_key("evidence", "jpg")
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", key)
    assert check_key(key) == key
    assert new_key("evidence", "jpg") != key


@pytest.mark.parametrize("prefix, extension", [("../x", "jpg"), ("/abs", "jpg"), ("ok", "j/../../p"), ("", "jpg")])
def test_new_key_refuses_a_prefix_or_extension_that_would_escape(prefix, extension):
    with pytest.raises(ValueError):
        new_key(prefix, extension)


# Files sealed at rest ------------------------------------------------------------------------

def keyring(active="k1", **keys):
    import os

    from app.common import crypto

    keys = keys or {"k1": os.urandom(32)}
    return crypto.Keyring(keys=keys, active=active, blind_key=b"b" * 32)


@pytest.fixture
def sealed(storage):
    from app.adapters.storage import EncryptedStorage

    ring = keyring()
    return EncryptedStorage(storage, keyring=lambda: ring), ring


PHOTO = b"\xff\xd8\xff\xe0 an ID card photo 610324199001011230"


def test_a_sealed_file_reads_back_but_is_not_on_disk_in_clear(sealed, storage):
    encrypted, _ = sealed
    key = new_key("evidence", "jpg")
    encrypted.put(key, PHOTO, "image/jpeg")
    on_disk = storage.get(key)
    assert encrypted.get(key) == PHOTO
    assert b"610324199001011230" not in on_disk and b"\xff\xd8\xff" not in on_disk[:32]


def test_a_file_copied_under_another_key_or_altered_does_not_decrypt(sealed, storage):
    from cryptography.exceptions import InvalidTag

    encrypted, _ = sealed
    key, other = new_key("evidence", "jpg"), new_key("evidence", "jpg")
    encrypted.put(key, PHOTO, "image/jpeg")
    blob = storage.get(key)
    storage.put(other, blob, "image/jpeg")
    storage.put(key, blob[:-1] + bytes([blob[-1] ^ 1]), "image/jpeg")
    for name in (other, key):
        with pytest.raises(InvalidTag):
            encrypted.get(name)


def test_a_file_stored_before_encryption_is_read_as_it_is_and_sealed_by_reseal(sealed, storage):
    encrypted, _ = sealed
    key = new_key("evidence", "jpg")
    storage.put(key, PHOTO, "image/jpeg")
    assert encrypted.get(key) == PHOTO
    assert encrypted.reseal(key, "image/jpeg") is True and encrypted.reseal(key, "image/jpeg") is False
    assert storage.get(key) != PHOTO and encrypted.get(key) == PHOTO


def test_after_a_key_rotation_reseal_moves_a_file_to_the_new_key(storage):
    import os

    from app.adapters.storage import EncryptedStorage
    from app.common.crypto import Keyring

    old = keyring(k1=os.urandom(32))
    current = {"ring": old}
    encrypted = EncryptedStorage(storage, keyring=lambda: current["ring"])
    key = new_key("evidence", "jpg")
    encrypted.put(key, PHOTO, "image/jpeg")
    current["ring"] = keyring("k2", k1=old.keys["k1"], k2=os.urandom(32))
    assert Keyring.blob_key_id(storage.get(key)) == "k1" and encrypted.get(key) == PHOTO   # still readable
    assert encrypted.reseal(key, "image/jpeg") is True
    assert Keyring.blob_key_id(storage.get(key)) == "k2" and encrypted.get(key) == PHOTO
