"""The pure parts of a check: the consent gate, records as facts, declared against verified."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.checks.domain import (Comparison, Consent, Record, compare, conclusion, consent_gaps, record_facts, totals,
                               verified_facts)
from app.verification.policy.facts import Asset, Income

NOW = datetime(2026, 11, 23, 8, tzinfo=timezone.utc)
LATER, EARLIER = NOW + timedelta(days=30), NOW - timedelta(seconds=1)


@pytest.mark.parametrize("status,expires_at,gap", [
    ("confirmed", LATER, None),           # the only state a check may rely on
    ("signed", LATER, "signed"),          # not yet confirmed by a caseworker
    ("pending", None, "pending"),
    ("rejected", None, "rejected"),
    ("revoked", LATER, "revoked"),
    ("expired", EARLIER, "expired"),
    ("confirmed", EARLIER, "expired"),    # past its validity, even before the nightly job marks it
    ("confirmed", None, "expired"),       # no signature on record: missing data is no consent
])
def test_the_consent_gate(status, expires_at, gap):
    gaps = consent_gaps([Consent(0, "张*", "confirmed", LATER), Consent(1, "李*", status, expires_at)], NOW)
    assert gaps == ([] if gap is None else [{"member_index": 1, "member": "李*", "status": gap}])


@pytest.mark.parametrize("kind,fields,incomes,assets", [
    ("social_insurance", {"monthly_amount": "1200.00"}, [("pension_transfer", "1200.00")], []),
    ("provident_fund", {"wage_base": "3000.00", "monthly_deposit": "360.00"}, [("wages", "3000.00")], []),
    ("business_tax", {"annual_income": "24000.00", "registered_capital": "50000"}, [("business", "2000.00")],
     [("business", "50000", None)]),
    ("real_estate", {"area_m2": "85.5"}, [], [("home", None, "85.5")]),
    ("vehicles", {"assessed_value": "30000"}, [], [("vehicle", "30000", None)]),
    ("bank_deposits", {"balance": "3000.00"}, [], [("deposit", "3000.00", None)]),
    ("securities", {"market_value": "1500.00"}, [], [("security", "1500.00", None)]),
    ("civil_affairs", {"monthly_amount": "630.00"}, [], []),   # the assistance itself is not income
    ("hukou", {"name": "张三"}, [], []),
])
def test_what_each_record_means(kind, fields, incomes, assets):
    found_incomes, found_assets = record_facts([Record(kind, 1, fields)])
    assert [(i.kind, str(i.monthly_amount)) for i in found_incomes] == incomes
    assert [(a.kind, a.value and str(a.value), a.area_m2 and str(a.area_m2)) for a in found_assets] == assets
    assert all(fact.source == kind and fact.member_index == 1 for fact in [*found_incomes, *found_assets])


def test_a_department_answer_replaces_the_declaration_only_for_what_it_covers():
    declared_incomes = [Income(0, "wages", Decimal("1000")), Income(0, "support", Decimal("200"), supporter_age=75)]
    declared_assets = [Asset(0, "deposit", value=Decimal("5000")), Asset(0, "home", area_m2=Decimal("60"))]
    incomes, assets = verified_facts(declared_incomes, declared_assets, [Income(0, "wages", Decimal("2500"))], [],
                                     {"provident_fund", "bank_deposits"})
    assert [(i.kind, i.monthly_amount) for i in incomes] == [("support", Decimal("200")), ("wages", Decimal("2500"))]
    # the bank answered with nothing: no deposit; no land registry connected: the declared home stays
    assert [(a.kind, a.area_m2) for a in assets] == [("home", Decimal("60"))]


@pytest.mark.parametrize("declared,verified,consistent", [
    ("3000", "3000", True),
    ("3000", "3250", True),     # within 10 %
    ("3000", "3400", False),    # beyond 10 % and beyond 100 yuan
    ("0", "80", True),          # within the 100-yuan floor
    ("0", "150", False),
])
def test_declared_and_verified_compare_within_the_tolerance(declared, verified, consistent):
    rows = compare({"deposit": Decimal(declared)}, {"deposit": Decimal(verified)}, {"bank_deposits"},
                   tolerance_ratio=Decimal("0.10"), tolerance_amount=Decimal("100"))
    deposit = next(r for r in rows if r.item == "deposit")
    assert deposit.consistent is consistent and f"申报 {Decimal(declared):.2f}" in deposit.explanation


def test_an_unavailable_source_is_not_checked_and_says_so():
    rows = compare({"vehicle": Decimal("0")}, {}, set(), tolerance_ratio=Decimal("0.1"), tolerance_amount=Decimal("100"))
    vehicle = next(r for r in rows if r.item == "vehicle")
    assert vehicle.consistent is None and vehicle.verified is None and "不可用" in vehicle.explanation
    assert conclusion(rows, "undetermined") == ("not_checked", "没有可用的部门数据，申报内容未能核对；按申报内容测算：需人工判断")


def test_totals_add_up_per_item():
    result = totals([Income(0, "wages", Decimal("100")), Income(1, "wages", Decimal("50"))],
                    [Asset(0, "home", area_m2=Decimal("40")), Asset(1, "home", area_m2=Decimal("20"))])
    assert result["wages"] == Decimal("150") and result["home"] == Decimal("60") and result["deposit"] == 0


def test_the_floor_area_has_only_the_ratio():
    rows = compare({"home": Decimal("60")}, {"home": Decimal("80")}, {"real_estate"},
                   tolerance_ratio=Decimal("0.10"), tolerance_amount=Decimal("100"))
    assert next(r for r in rows if r.item == "home").consistent is False   # 20 m² > 6 m², whatever the yuan floor


@pytest.mark.parametrize("flags,consistency,words", [
    ((True, True), "consistent", "基本一致"),
    ((True, False), "inconsistent", "不一致"),
    ((None, True), "consistent", "基本一致"),       # what could not be checked does not count against
    ((None, None), "not_checked", "未能核对"),
])
def test_the_conclusion(flags, consistency, words):
    rows = [Comparison("x", "x", Decimal("0"), None if flag is None else Decimal("0"), flag, "") for flag in flags]
    result = conclusion(rows, "eligible")
    assert result[0] == consistency and words in result[1] and result[1].endswith("符合条件")
