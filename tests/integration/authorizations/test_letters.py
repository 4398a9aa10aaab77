"""Letter versions are immutable once published."""
import pytest

from app.authorizations.models import LetterVersion


def test_a_published_letter_cannot_be_edited(db):
    letter = db.get(LetterVersion, "2026-01")
    letter.text += "（补充条款）"
    with pytest.raises(PermissionError):
        db.flush()
    db.rollback()
    assert "补充条款" not in db.get(LetterVersion, "2026-01").text
