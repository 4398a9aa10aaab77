"""Pure parts of a check: who may be queried, department records as facts, declared against verified."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.datasources.domain import LAYOUTS
from app.verification.policy.facts import Asset, Income
from app.verification.policy.rules import money

STATUSES = ("queued", "running", "done", "failed")
PURPOSES = ("application", "periodic", "commission")
# The department kinds, by their titles (the CSV layouts live in app.datasources.domain).
SOURCE_TEXT = {kind: layout.title for kind, layout in LAYOUTS.items()}


@dataclass(frozen=True)
class Consent:
    """One member's authorization as the gate sees it."""

    member_position: int
    member: str                 # masked
    status: str
    expires_at: datetime | None  # of the current signature


def consent_gaps(consents: list[Consent], now: datetime) -> list[dict]:
    """Members whose consent does not allow a query: anything but confirmed and unexpired."""
    gaps = []
    for consent in consents:
        if consent.status != "confirmed":
            gaps.append({"member_index": consent.member_position, "member": consent.member, "status": consent.status})
        elif consent.expires_at is None or consent.expires_at <= now:
            gaps.append({"member_index": consent.member_position, "member": consent.member, "status": "expired"})
    return gaps


@dataclass(frozen=True)
class Record:
    """A department record found for a member (fields as imported)."""

    kind: str
    member_index: int
    fields: dict


def _decimal(value) -> Decimal:
    return Decimal(str(value or "0"))


def record_facts(records: list[Record]) -> tuple[list[Income], list[Asset]]:
    """What each kind of record means for the policy: incomes per month, assets with their value or area.

    Existing civil-affairs benefits are not income for the test (they are the assistance itself);
    hukou records confirm who the members are and carry no money.
    """
    incomes, assets = [], []
    for record in records:
        f, who = record.fields, record.member_index
        if record.kind == "social_insurance":
            incomes.append(Income(who, "pension_transfer", _decimal(f.get("monthly_amount")), source=record.kind))
        elif record.kind == "provident_fund":   # the deposit base (缴存基数) is the monthly wage
            incomes.append(Income(who, "wages", _decimal(f.get("wage_base")), source=record.kind))
        elif record.kind == "business_tax":
            incomes.append(Income(who, "business", money(_decimal(f.get("annual_income")) / 12),
                                  source=record.kind))
            assets.append(Asset(who, "business", value=_decimal(f.get("registered_capital")), source=record.kind))
        elif record.kind == "real_estate":
            assets.append(Asset(who, "home", area_m2=_decimal(f.get("area_m2")), source=record.kind))
        elif record.kind == "vehicles":
            assets.append(Asset(who, "vehicle", value=_decimal(f.get("assessed_value")), source=record.kind))
        elif record.kind == "bank_deposits":
            assets.append(Asset(who, "deposit", value=_decimal(f.get("balance")), source=record.kind))
        elif record.kind == "securities":
            assets.append(Asset(who, "security", value=_decimal(f.get("market_value")), source=record.kind))
    return incomes, assets


# Which department answers for each kind of income and asset of the declaration.
INCOME_SOURCE = {"wages": "provident_fund", "business": "business_tax", "pension_transfer": "social_insurance"}
ASSET_SOURCE = {"home": "real_estate", "vehicle": "vehicles", "deposit": "bank_deposits", "security": "securities",
                "business": "business_tax"}
# Items compared between the declaration and the departments, with the kinds that inform each.
ITEMS = (
    ("wages", "工资性收入（元/月）", ("provident_fund",)),
    ("business", "经营性收入（元/月）", ("business_tax",)),
    ("pension_transfer", "养老金等转移性收入（元/月）", ("social_insurance",)),
    ("deposit", "银行存款（元）", ("bank_deposits",)),
    ("security", "证券（元）", ("securities",)),
    ("vehicle", "车辆价值（元）", ("vehicles",)),
    ("home", "住房面积（平方米）", ("real_estate",)),
)


def verified_facts(declared_incomes, declared_assets, found_incomes, found_assets, available: set[str]):
    """What the policy is applied to: a department's answer replaces the declaration for what it covers
    (nothing found counts as nothing); the rest (support, rigid expenditures…) stays as declared."""
    incomes = [i for i in declared_incomes if INCOME_SOURCE.get(i.kind) not in available] + list(found_incomes)
    assets = [a for a in declared_assets if ASSET_SOURCE.get(a.kind) not in available] + list(found_assets)
    return tuple(incomes), tuple(assets)


def totals(incomes: list[Income], assets: list[Asset]) -> dict[str, Decimal]:
    out = {item: Decimal("0") for item, _, _ in ITEMS}
    for income in incomes:
        if income.kind in out:
            out[income.kind] += income.monthly_amount
    for asset in assets:
        if asset.kind == "home":
            out["home"] += asset.area_m2 or Decimal("0")
        elif asset.kind in out:
            out[asset.kind] += asset.value or Decimal("0")
    return out


@dataclass(frozen=True)
class Comparison:
    item: str
    title: str
    declared: Decimal
    verified: Decimal | None     # None: no department for this item answered
    consistent: bool | None
    explanation: str


def compare(declared: dict[str, Decimal], verified: dict[str, Decimal], available: set[str], *,
            tolerance_ratio: Decimal, tolerance_amount: Decimal) -> list[Comparison]:
    """Item by item: consistent when the difference is within max(amount, ratio × declared) (告知承诺)."""
    rows = []
    for item, title, kinds in ITEMS:
        said = declared.get(item, Decimal("0"))
        if not set(kinds) & available:
            rows.append(Comparison(item, title, said, None, None,
                                   f"{title}：申报 {said:.2f}，{'、'.join(SOURCE_TEXT[k] for k in kinds)}数据不可用，未核对"))
            continue
        found = verified.get(item, Decimal("0"))
        # The amount is in yuan: the floor area (m²) has only the ratio.
        allowed = max(Decimal("0") if item == "home" else tolerance_amount, tolerance_ratio * said)
        ok = abs(found - said) <= allowed
        rows.append(Comparison(item, title, said, found, ok,
                               f"{title}：申报 {said:.2f}，核对 {found:.2f}，差额 {abs(found - said):.2f}，"
                               f"{'在允许误差' if ok else '超出允许误差'} {allowed:.2f} {'以内' if ok else ''}".rstrip()))
    return rows


OUTCOME_TEXT = {"eligible": "符合条件", "ineligible": "不符合条件", "gradual_exit": "适用渐退", "undetermined": "需人工判断"}


def conclusion(comparisons: list[Comparison], outcome: str) -> tuple[str, str]:
    """(consistency, sentence): basically consistent (基本一致) when every item that could be checked
    is; not_checked when no department could answer for any item."""
    checked = [c for c in comparisons if c.consistent is not None]
    outcome_text = OUTCOME_TEXT.get(outcome, outcome)
    if not checked:
        return "not_checked", f"没有可用的部门数据，申报内容未能核对；按申报内容测算：{outcome_text}"
    if all(c.consistent for c in checked):
        return "consistent", f"申报与核对结果基本一致；按核对结果测算：{outcome_text}"
    return "inconsistent", f"申报与核对结果不一致（见差异项）；按核对结果测算：{outcome_text}"
