"""Enrolled households written straight to the database (consents confirmed, signatures current), the
standards and a few department records: what a periodic re-check reads, without signing PDFs."""
import hashlib
import json
from datetime import timedelta
from itertools import count

import pytest

from app.applications.models import Application, Household, Member
from app.authorizations.models import Authorization, Signature, SigningLink
from app.common.actor import Actor
from app.common.clock import utcnow
from app.datasources.services import import_file
from app.demo import load_standards
from app.documents.models import SealedDocument
from app.identity.models import Account
from app.identity.services import id_number_index, phone_index
from tests.factories import FUFENG, QINGLONG

_serials = count(1)


def id_number(serial: int, year: int = 1980) -> str:
    """A valid GB 11643 number of 扶风县, distinct per serial."""
    body = f"610324{year}{1 + serial // 900 % 12:02d}{1 + serial // 30 % 28:02d}{serial % 900:03d}"
    check = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if check == 10 else str(check))


@pytest.fixture
def officer(staff):
    account = staff("verification_officer", FUFENG)
    return Actor(account_id=account.id, role="verification_officer", region_code=FUFENG)


@pytest.fixture(autouse=True)
def standards(db):
    load_standards()
    db.commit()


@pytest.fixture
def deposits(db):
    """deposits({id_number: balance, …}): a bank file imported for those people."""
    def load(balances: dict[str, str]):
        rows = "".join(f"{number},陕西信合,{i:04d},{balance},2026-10-31\n"
                       for i, (number, balance) in enumerate(balances.items()))
        import_file("bank_deposits", f"id_number,bank,account_tail,balance,as_of\n{rows}".encode(),
                    actor=Actor(role="system"))
        db.commit()
    return load


@pytest.fixture
def enrolled(db, officer):
    """enrolled(["610324…", …]) → the id of an approved dibao_rural application of a household of those
    people (the first is the applicant), each member's consent confirmed with a current signature."""
    def enrol(numbers: list[str] | None = None, *, expires_in=timedelta(days=300)) -> int:
        serial = next(_serials)
        numbers = numbers or [id_number(serial)]
        now = utcnow()
        phone = f"139{serial:08d}"
        account = Account(role="applicant", phone=phone, phone_index=phone_index(phone), created_at=now,
                          updated_at=now)
        db.add(account)
        db.flush()
        household = Household(owner_account_id=account.id, created_at=now, updated_at=now)
        db.add(household)
        db.flush()
        members = [{"index": i, "name": "张三" if i == 0 else "李四", "id_number": number, "phone": None,
                    "relation": "self" if i == 0 else "spouse", "lives_together": True, "hukou_type": "rural",
                    "hukou_region_code": QINGLONG, "disability_grade": None, "serious_illness": False,
                    "employment": "farming", "capacity": "full", "guardian_member_index": None}
                   for i, number in enumerate(numbers)]
        for m in members:
            db.add(Member(household_id=household.id, position=m["index"], name=m["name"], id_number=m["id_number"],
                          id_number_index=id_number_index(m["id_number"]), relation=m["relation"],
                          lives_together=True, hukou_type="rural", hukou_region_code=QINGLONG, employment="farming"))
        declared = {"incomes": [{"member_index": 0, "kind": "wages", "monthly_amount": "300.00"}],
                    "assets": {"deposits": [{"member_index": 0, "value": "1000.00"}]}}
        application = Application(
            household_id=household.id, applicant_account_id=account.id, assistance_type="dibao_rural",
            region_code=QINGLONG, reason="因病致贫", declared=json.dumps(declared), status="approved",
            snapshot=json.dumps({"members": members, "declared": declared}, ensure_ascii=False),
            commitment_version="2026-01", commitment_sha256="0" * 64, commitment_accepted_at=now, submitted_at=now,
            created_at=now, updated_at=now)
        db.add(application)
        db.flush()
        for m in members:
            authorization = Authorization(application_id=application.id, member_position=m["index"],
                                          signer_position=m["index"], by_guardian=False, status="confirmed",
                                          letter_version="2026-01", required=True, created_at=now, updated_at=now)
            db.add(authorization)
            db.flush()
            tag = f"{application.id}-{m['index']}"
            link = SigningLink(authorization_id=authorization.id, nonce="0" * 32, letter_version="2026-01",
                               token_hash=hashlib.sha256(f"link {tag}".encode()).hexdigest(), created_at=now,
                               expires_at=now + timedelta(days=7), used_at=now, created_by=account.id)
            document = SealedDocument(verify_code=f"T{tag}", kind="authorization", status="confirmed",
                                      sha256=hashlib.sha256(f"document {tag}".encode()).hexdigest(),
                                      evidence_sha256="0" * 64, signer="张*", signed_at=now, status_changed_at=now,
                                      content=b"%PDF-test")
            db.add_all([link, document])
            db.flush()
            db.add(Signature(authorization_id=authorization.id, link_id=link.id, document_id=document.id,
                             status="confirmed", signer_position=m["index"], by_guardian=False,
                             letter_version="2026-01", letter_sha256="0" * 64, household_digest="0" * 64,
                             request_sha256=hashlib.sha256(tag.encode()).hexdigest(), signed_at=now,
                             expires_at=now + expires_in, image=b"png", image_sha256="0" * 64, evidence="{}"))
        db.commit()
        return application.id
    return enrol
