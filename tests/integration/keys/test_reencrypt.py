"""Key rotation: `reencrypt_all` moves every stored value under the new active data key."""
import os

import pytest
from sqlalchemy import select, text

from app.common import crypto
from app.identity.models import Account
from app.identity.services import phone_index
from app.keys import reencrypt_all
from tests.factories import ID_NUMBERS, make_applicant

PHONE = "13900000071"


@pytest.fixture
def rotate(app):
    """rotate() → a keyring with the old key kept for reading, a new one active, the same blind key."""
    old = app.extensions["keyring"]

    def rotate():
        new = crypto.Keyring(keys={**old.keys, "rotated2": os.urandom(32)}, active="rotated2",
                             blind_key=old.blind_key)
        crypto.configure(new)
        return new

    try:
        yield rotate
    finally:
        crypto.configure(old)


def raw(db, column: str, account_id: int) -> str:
    return db.execute(text(f"SELECT {column} FROM accounts WHERE id = :id"), {"id": account_id}).scalar_one()


def test_rotation_reencrypts_under_the_new_key_and_keeps_values_findable(app, db, rotate):
    account = make_applicant(PHONE, id_number=ID_NUMBERS[1])
    for phone in ("13900000072", "13900000073"):
        make_applicant(phone)
    assert raw(db, "phone", account.id).startswith(app.extensions["keyring"].active + ":")
    keyring = rotate()

    counts = reencrypt_all(batch=2)

    assert counts["accounts.phone"] == 3 and counts["accounts.id_number"] == 1
    for column, plaintext in (("phone", PHONE), ("id_number", ID_NUMBERS[1])):
        stored = raw(db, column, account.id)
        assert stored.startswith("rotated2:") and plaintext not in stored
        assert keyring.decrypt(stored) == plaintext
    db.expire_all()
    found = db.scalar(select(Account).where(Account.phone_index == phone_index(PHONE)))
    assert (found.id, found.phone) == (account.id, PHONE)
    assert reencrypt_all()["accounts.phone"] == 0


def test_cli_reencrypt_reports_what_it_moved(app, db, rotate):
    account = make_applicant("13900000074")
    rotate()
    result = app.test_cli_runner().invoke(args=["keys", "reencrypt"])
    assert result.exit_code == 0, result.output
    assert "accounts.phone: 1 values re-encrypted" in result.output
    assert raw(db, "phone", account.id).startswith("rotated2:")


def test_cli_reencrypt_reseals_uploaded_files_under_the_new_key(app, db, rotate):
    from app.applications.models import Document
    from app.keys import reseal_files
    from tests.factories import make_application

    application = make_application(make_applicant("13900000075"))
    storage = app.extensions["storage"]
    sealed_key, clear_key = f"test/{application.id}-a.png", f"test/{application.id}-b.png"
    storage.put(sealed_key, b"\x89PNG sealed", "image/png")
    storage.backend.put(clear_key, b"\x89PNG from before encryption", "image/png")
    for key in (sealed_key, clear_key):
        db.add(Document(application_id=application.id, kind="id_card", content_type="image/png", size=1,
                        sha256="0" * 64, storage_key=key, uploaded_at=application.created_at,
                        uploaded_by=application.applicant_account_id))
    db.commit()
    rotate()
    result = app.test_cli_runner().invoke(args=["keys", "reencrypt"])
    assert result.exit_code == 0, result.output
    assert "documents files: 2 values re-encrypted" in result.output
    for key, content in ((sealed_key, b"\x89PNG sealed"), (clear_key, b"\x89PNG from before encryption")):
        assert crypto.Keyring.blob_key_id(storage.backend.get(key)) == "rotated2" and storage.get(key) == content
    assert reseal_files(storage)["documents files"] == 0
