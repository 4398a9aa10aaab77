"""Demo data for `make run`: the 宝鸡市 division tree, one account per role and level, standards.

Loaded once; the generated passwords are printed then and kept in
instance/demo-logins.txt (never committed).
"""
import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyotp
from flask import current_app
from sqlalchemy import select

from app.common.actor import Actor
from app.common.regions import division_level, parent_code
from app.db import transaction
from app.identity import staff
from app.identity.models import Account
from app.regions.models import Region
from app.verification.models import PolicyParameter

# Codes follow the 12-digit statistical division scheme; village names are illustrative.
REGIONS = [
    ("610000000000", "陕西省"),
    ("610300000000", "宝鸡市"),
    ("610302000000", "渭滨区"),
    ("610302001000", "经二路街道"),
    ("610302001001", "经二路社区"),
    ("610302100000", "高家镇"),
    ("610302100201", "高家村"),
    ("610303000000", "金台区"),
    ("610303001000", "中山东路街道"),
    ("610303001002", "东风路社区"),
    ("610324000000", "扶风县"),
    ("610324106000", "段家镇"),
    ("610324106201", "青龙村"),
    ("610324106202", "大同村"),
    ("610324101000", "天度镇"),
    ("610324101201", "天度村"),
]

STAFF = [
    ("village.qinglong", "青龙村经办人", "village_worker", "610324106201"),
    ("township.duanjia", "段家镇经办人", "township_worker", "610324106000"),
    ("district.fufeng", "扶风县民政局经办人", "district_worker", "610324000000"),
    ("checker.fufeng", "扶风县核对员", "verification_officer", "610324000000"),
    ("village.gaojia", "高家村经办人", "village_worker", "610302100201"),
    ("admin.baoji", "宝鸡市管理员", "admin", "610300000000"),
    ("auditor.baoji", "宝鸡市审计员", "auditor", "610300000000"),
]

SOURCE = "示例数据：城乡低保标准830/630元、集中供养特困人员1420/1000元（每人每月）"
STANDARDS = [
    ("dibao_urban_standard", "830.00"), ("dibao_rural_standard", "630.00"),
    ("tekun_urban_standard", "1420.00"), ("tekun_rural_standard", "1000.00"),
    ("low_income_multiple", "1.50"), ("temporary_small_limit", "500.00"),
    # Illustrative local rules (seeds 000, 001, 003 give the ages and multiples; the limits are examples).
    ("support_exempt_age", "70"), ("employment_cost_deduction", "150.00"),
    ("financial_assets_months", "24"), ("vehicle_value_limit", "30000.00"),
    ("home_count_limit", "1"), ("home_area_per_person_limit", "60.00"),
    ("business_capital_limit", "50000.00"), ("single_household_multiple", "2"),
    ("gradual_exit_multiple", "2"), ("gradual_exit_months", "6"),
    # 告知承诺: a declaration within 10% (or 100 元) of what the departments found is "basically consistent".
    ("declaration_tolerance_ratio", "0.10"), ("declaration_tolerance_amount", "100.00"),
]


def load_regions() -> None:
    from app.db import session

    for code, name in REGIONS:
        if session.get(Region, code) is None:
            session.add(Region(code=code, name=name, level=division_level(code), parent_code=parent_code(code)))
            session.flush()


def load(echo=print) -> None:
    from app.db import session

    if current_app.config["APP_ENV"] == "production":
        raise SystemExit("demo data is never loaded in production")
    with transaction():
        load_regions()
        load_standards()
        if session.scalar(select(Account.id).where(Account.username == STAFF[0][0])):
            echo("demo staff already loaded; log-ins are in instance/demo-logins.txt")
        else:
            _load_staff(echo)
    load_department_data(echo)


def load_standards() -> None:
    """The demo parameters of 宝鸡市, each added once (a newer release may bring more)."""
    from app.db import session

    present = set(session.scalars(select(PolicyParameter.name).where(PolicyParameter.region_code == "610300000000")))
    for name, value in STANDARDS:
        if name not in present:
            session.add(PolicyParameter(region_code="610300000000", name=name, value=Decimal(value),
                                        effective_from=date(2026, 1, 1), source=SOURCE))


def _load_staff(echo) -> None:
    policy = current_app.extensions["auth_policy"]
    admin_actor = Actor(role="system", region_code="610000000000")
    lines = ["Demo staff log-ins (POST /api/v1/auth/staff):"]
    for username, display_name, role, region in STAFF:
        password = f"Demo-{secrets.token_urlsafe(9)}"
        _account, secret = staff.create_staff(username=username, display_name=display_name, role=role,
                                              region_code=region, password=password, actor=admin_actor, policy=policy)
        totp = f"  TOTP secret {secret} (or: flask staff totp {username})" if secret else ""
        lines.append(f"  {role:22} {username:18} {password}{totp}")
    path = Path(current_app.instance_path) / "demo-logins.txt"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    echo("\n".join(lines))


def load_department_data(echo=print) -> None:
    """The demo department files (app/datasources/demo/*.csv), each imported once."""
    from app.datasources.services import import_demo_files

    with transaction():
        imports = import_demo_files(actor=Actor(role="system", region_code="610000000000"))
    fresh = [i for i in imports if not i.repeated]
    echo(f"department data: {len(fresh)} demo files imported, {len(imports) - len(fresh)} already there")


def current_totp(username: str) -> str:
    from app.db import session

    account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.totp_secret:
        raise SystemExit(f"{username}: no such account with TOTP")
    return pyotp.TOTP(account.totp_secret).now()
