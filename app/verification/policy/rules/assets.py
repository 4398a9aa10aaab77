"""Asset tests (家庭财产状况): money in the bank, vehicles, homes, registered businesses.

The limits are local (each province sets its own 财产状况认定 rules): every one is a parameter.
Assets held by the household as a whole (no member) always count; those of members not
counted (living elsewhere, or the family of a single-person household) do not.
"""
from decimal import Decimal

from app.verification.domain import Parameter
from app.verification.policy.facts import Asset, HouseholdFacts
from app.verification.policy.rules import (FAIL, MISSING, PASS, ZERO, Finding, cite, missing_parameters,
                                           plain, standard_name, yuan)

FINANCIAL = ("deposit", "security")


def _held(facts: HouseholdFacts, counted: tuple[int, ...], kinds: tuple[str, ...]) -> list[Asset]:
    return [a for a in facts.assets if a.kind in kinds and (a.member_index is None or a.member_index in counted)]


def financial_assets(facts: HouseholdFacts, counted: tuple[int, ...], params: dict[str, Parameter]) -> Finding:
    """AST-001: deposits and securities per counted person ≤ `financial_assets_months` × the 低保 standard."""
    code, title = "AST-001", "金融资产"
    held = _held(facts, counted, FINANCIAL)
    if not held:
        return Finding(code, title, PASS, "未申报银行存款、证券等金融资产", {"total": "0.00"})
    if any(a.value is None for a in held):
        return Finding(code, title, MISSING, "有存款或证券未填写金额，无法判断", {})
    standard = standard_name("dibao", facts.hukou_type)
    absent = missing_parameters(code, title, params, (standard or "dibao_<hukou>_standard", "financial_assets_months"))
    if absent:
        return absent
    months, monthly = params["financial_assets_months"], params[standard]
    total = sum((a.value for a in held), ZERO)
    per_person = total / len(counted)
    limit = months.value * monthly.value
    ok = per_person <= limit
    return Finding(code, title, PASS if ok else FAIL,
                   f"金融资产合计 {yuan(total)} 元，人均 {yuan(per_person)} 元 {'≤' if ok else '>'} "
                   f"{cite(months)} × {cite(monthly)} = {yuan(limit)} 元",
                   {"total": yuan(total), "per_person": yuan(per_person), "limit": yuan(limit)})


def vehicles(facts: HouseholdFacts, counted: tuple[int, ...], params: dict[str, Parameter]) -> Finding:
    """AST-002: the vehicles' total value ≤ `vehicle_value_limit` (0: no vehicle at all).

    Kept simple on purpose: the local exemptions (a disabled member's mobility vehicle, a farm
    tractor) are for the caseworker, who sees the vehicle in the report.
    """
    code, title = "AST-002", "车辆"
    held = _held(facts, counted, ("vehicle",))
    if not held:
        return Finding(code, title, PASS, "未申报机动车辆", {"count": "0"})
    if any(a.value is None for a in held):
        return Finding(code, title, MISSING, "有车辆未填写价值，无法判断", {})
    absent = missing_parameters(code, title, params, ("vehicle_value_limit",))
    if absent:
        return absent
    limit = params["vehicle_value_limit"]
    total = sum((a.value for a in held), ZERO)
    ok = total <= limit.value
    return Finding(code, title, PASS if ok else FAIL,
                   f"车辆 {len(held)} 辆，价值合计 {yuan(total)} 元 {'≤' if ok else '>'} {cite(limit)}",
                   {"count": str(len(held)), "total": yuan(total), "limit": yuan(limit.value)})


def homes(facts: HouseholdFacts, counted: tuple[int, ...], params: dict[str, Parameter]) -> Finding:
    """AST-003: no more homes than `home_count_limit`, and area per counted person within
    `home_area_per_person_limit` (the household's own dwelling is allowed; a second home is not)."""
    code, title = "AST-003", "住房"
    held = _held(facts, counted, ("home",))
    if not held:
        return Finding(code, title, PASS, "未申报自有住房", {"count": "0"})
    if any(a.area_m2 is None for a in held):
        return Finding(code, title, MISSING, "有住房未填写面积，无法判断", {})
    absent = missing_parameters(code, title, params, ("home_count_limit", "home_area_per_person_limit"))
    if absent:
        return absent
    count_limit, area_limit = params["home_count_limit"], params["home_area_per_person_limit"]
    area = sum((a.area_m2 for a in held), ZERO)
    per_person = area / len(counted)
    too_many = len(held) > count_limit.value
    too_large = per_person > area_limit.value
    text = (f"住房 {len(held)} 套 {'>' if too_many else '≤'} {cite(count_limit)}；总面积 {plain(area)} 平方米，"
            f"人均 {yuan(per_person)} 平方米 {'>' if too_large else '≤'} {cite(area_limit)}")
    return Finding(code, title, FAIL if too_many or too_large else PASS, text,
                   {"count": str(len(held)), "area_m2": plain(area), "per_person_m2": yuan(per_person)})


def businesses(facts: HouseholdFacts, counted: tuple[int, ...], params: dict[str, Parameter]) -> Finding:
    """AST-004: an active business registration (工商登记) fails unless its registered capital is within
    `business_capital_limit`; a registration whose capital is unknown must be looked up (missing)."""
    code, title = "AST-004", "工商登记"
    held = _held(facts, counted, ("business",))
    if not held:
        return Finding(code, title, PASS, "未申报工商登记（个体工商户、企业）", {"count": "0"})
    if any(a.value is None for a in held):
        return Finding(code, title, MISSING,
                       f"有工商登记 {len(held)} 项，注册资本未知，需查询工商登记信息后判断", {"count": str(len(held))})
    absent = missing_parameters(code, title, params, ("business_capital_limit",))
    if absent:
        return absent
    limit = params["business_capital_limit"]
    largest: Decimal = max(a.value for a in held)
    ok = largest <= limit.value
    return Finding(code, title, PASS if ok else FAIL,
                   f"工商登记 {len(held)} 项，最高注册资本 {yuan(largest)} 元 {'≤' if ok else '>'} {cite(limit)}",
                   {"count": str(len(held)), "largest_capital": yuan(largest), "limit": yuan(limit.value)})


def asset_tests(facts: HouseholdFacts, counted: tuple[int, ...], params: dict[str, Parameter]) -> list[Finding]:
    if not counted:
        return []
    return [rule(facts, counted, params) for rule in (financial_assets, vehicles, homes, businesses)]
