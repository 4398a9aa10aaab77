"""Test data built through the real services, so encryption and indexes are exercised."""
from itertools import count

from app.common.actor import Actor
from app.common.clock import utcnow
from app.db import session
from app.demo import load_regions  # noqa: F401 — the demo tree is the test tree
from app.identity import services as identity
from app.identity import staff
from app.identity.domain import Role
from app.identity.models import Account

ROOT_ACTOR = Actor(role="system", region_code="610000000000")
PASSWORD = "Qinglong-Village-2026!"
_numbers = count(1)

# Two branches of the tree, used to prove scope: 扶风县 and 渭滨区.
FUFENG, DUANJIA, QINGLONG, DATONG = "610324000000", "610324106000", "610324106201", "610324106202"
WEIBIN, GAOJIA_TOWN, GAOJIA = "610302000000", "610302100000", "610302100201"
BAOJI = "610300000000"

# Valid GB 11643 numbers (checksums computed), and mobile numbers.
ID_NUMBERS = ["11010519491231002X", "610324199001011230", "610302198503150027", "610324201006010034"]
CHILD_ID = "610324201006010034"


class StaffFactory:
    def __init__(self, app):
        self.app = app

    def __call__(self, role: str, region_code: str, *, username: str | None = None,
                 password: str = PASSWORD) -> Account:
        account, secret = staff.create_staff(
            username=username or f"{role}.{next(_numbers)}", display_name=f"测试{role}", role=role,
            region_code=region_code, password=password, actor=ROOT_ACTOR,
            policy=self.app.extensions["auth_policy"])
        account.password = password
        account.totp = secret
        session.commit()  # into the test's savepoint: a request that rolls back keeps it
        return account


def make_applicant(phone: str = "13800000001", *, id_number: str | None = None) -> Account:
    now = utcnow()
    account = Account(role=Role.APPLICANT, phone=phone, phone_index=identity.phone_index(phone),
                      created_at=now, updated_at=now)
    if id_number:
        account.id_number, account.id_number_index = id_number, identity.id_number_index(id_number)
    session.add(account)
    session.commit()
    return account


def tokens_for(app, account: Account):
    pair = identity.issue_session(account, method="test", policy=app.extensions["auth_policy"],
                                  signer=app.extensions["tokens"])
    session.commit()
    return pair


def age(model, seconds: float, *columns: str, **filters) -> None:
    """Move timestamps of matching rows into the past, as if `seconds` had gone by."""
    from datetime import timedelta

    for row in session.query(model).filter_by(**filters):
        for column in columns:
            setattr(row, column, getattr(row, column) - timedelta(seconds=seconds))
    session.commit()


def member(name="张三", id_number=ID_NUMBERS[1], relation="self", phone="13800000001", **extra) -> dict:
    return {"name": name, "id_number": id_number, "relation": relation, "phone": phone, "lives_together": True,
            "hukou_type": "rural", "hukou_region_code": extra.pop("hukou_region_code", QINGLONG),
            "employment": "farming", **extra}


def application_payload(region=QINGLONG, members=None, **extra) -> dict:
    members = members or [member(hukou_region_code=region)]
    return {"assistance_type": "dibao_rural", "region_code": region, "reason": "因病致贫，无力维持基本生活",
            "household": {"members": members},
            "declared": {"incomes": [{"member_index": 0, "kind": "wages", "monthly_amount": "300.00"}]}, **extra}


def make_application(account: Account, region=QINGLONG, **extra):
    """A draft through the real service (household, encryption, events)."""
    from app.applications import services as applications

    actor = Actor(account_id=account.id, role="applicant")
    application = applications.create_application(application_payload(region, **extra), actor=actor)
    session.commit()
    return application


def request_body_schemas(client, media_type: str) -> dict[tuple[str, str], dict]:
    """(METHOD, path) → the schema of every operation of the OpenAPI document whose body is `media_type`."""
    spec = client.get("/api/openapi.json").json
    found = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if media_type in content:
                name = content[media_type]["schema"]["$ref"].rsplit("/", 1)[-1]
                found[(method.upper(), path)] = spec["components"]["schemas"][name]
    return found
