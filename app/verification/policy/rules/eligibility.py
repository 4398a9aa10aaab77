"""The test of each assistance type (救助类型) on the counted members' per-capita income.

Each returns a Verdict: the outcome the income test proposes (the engine lowers it when an
asset test fails or a figure is missing), the suggested monthly amount and its explanation.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from app.verification.domain import Parameter
from app.verification.policy.facts import HouseholdFacts
from app.verification.policy.rules import (FAIL, INFO, MISSING, PASS, Finding, age_on, cite, members_text,
                                           missing_parameters, money, plain, standard_name, yuan)

# 特困人员认定办法 (民政部 2021) art. 6: 60 or over, or under 16, counts as unable to work;
# so do grade 1–2 disability (we take every kind) and a declared inability or lack of capacity.
TEKUN_OLD_AGE, TEKUN_YOUNG_AGE = 60, 16
HUKOU_TEXT = {"urban": "城市", "rural": "农村"}


@dataclass(frozen=True)
class Verdict:
    outcome: str | None                 # eligible | ineligible | gradual_exit | None (cannot tell)
    findings: list[Finding] = field(default_factory=list)
    amount: Decimal | None = None
    amount_finding: Finding | None = None   # shown only when the household is eligible in the end


def standard_of(facts: HouseholdFacts, params: dict[str, Parameter], kind: str = "dibao") -> Parameter | None:
    name = standard_name(kind, facts.hukou_type)
    return params.get(name) if name else None


def _missing_standard(code: str, title: str, facts: HouseholdFacts, kind: str, params) -> Finding:
    name = standard_name(kind, facts.hukou_type)
    if name is None:
        return Finding(code, title, MISSING, f"户籍类型“{facts.hukou_type}”未知，无法确定适用的城市或农村标准", {})
    return missing_parameters(code, title, params, (name,))


def dibao(facts: HouseholdFacts, params: dict[str, Parameter], counted: tuple[int, ...],
          per_capita: Decimal | None) -> Verdict:
    """ELG-001 低保: per-capita income below the urban or rural standard (by hukou type);
    ELG-002 渐退: an enrolled household between the standard and a multiple of it (2×) keeps its
    allowance for a further period (6 months, seed 001); ELG-003: the allowance is the gap,
    (standard − per-capita income) × counted members."""
    code, title = "ELG-001", "低保收入条件"
    standard = standard_of(facts, params)
    if standard is None:
        return Verdict(None, [_missing_standard(code, title, facts, "dibao", params)])
    if per_capita is None:
        return Verdict(None)
    values = {"per_capita_income": str(per_capita), "standard": yuan(standard.value)}
    if per_capita < standard.value:
        gap = standard.value - per_capita
        amount = money(gap * len(counted))
        return Verdict("eligible", [Finding(code, title, PASS,
                                            f"月人均收入 {per_capita} 元 < {cite(standard)}", values)],
                       amount, Finding("ELG-003", "低保金测算", INFO,
                                       f"（{cite(standard)} − 月人均收入 {per_capita} 元）× {len(counted)} 人"
                                       f" = {amount} 元/月（估算，不含各类补贴）",
                                       {"amount": str(amount), "members": str(len(counted))}))
    above = Finding(code, title, INFO if facts.enrolled else FAIL,
                    f"月人均收入 {per_capita} 元 ≥ {cite(standard)}", values)
    if not facts.enrolled:
        return Verdict("ineligible", [above])
    return Verdict(*_gradual_exit(params, per_capita, standard, above))


def _gradual_exit(params, per_capita: Decimal, standard: Parameter, above: Finding) -> tuple[str | None, list]:
    code, title = "ELG-002", "低保渐退"
    absent = missing_parameters(code, title, params, ("gradual_exit_multiple", "gradual_exit_months"))
    if absent:
        return None, [above, absent]
    multiple, months = params["gradual_exit_multiple"], params["gradual_exit_months"]
    ceiling = multiple.value * standard.value
    values = {"per_capita_income": str(per_capita), "ceiling": yuan(ceiling), "months": plain(months.value)}
    if per_capita < ceiling:
        return "gradual_exit", [above, Finding(
            code, title, PASS,
            f"已享受低保，月人均收入 {per_capita} 元 < {cite(multiple)} × 低保标准 = {yuan(ceiling)} 元，适用渐退："
            f"原低保待遇和优惠扶持政策再维持 {plain(months.value)} 个月（{cite(months)}）后退出", values)]
    return "ineligible", [above, Finding(
        code, title, FAIL,
        f"已享受低保，月人均收入 {per_capita} 元 ≥ {cite(multiple)} × 低保标准 = {yuan(ceiling)} 元，不适用渐退",
        values)]


def _unable_to_work(facts: HouseholdFacts) -> Finding:
    """ELG-004: 无劳动能力 — declared unable to work, no capacity, grade 1–2 disability, or the age limits."""
    code, title = "ELG-004", "无劳动能力"
    person = facts.person(facts.applicant_index)
    who = members_text([facts.applicant_index])
    if person is None:
        return Finding(code, title, MISSING, "未找到申请人", {})
    if person.employment == "unable_to_work" or person.capacity == "none":
        return Finding(code, title, PASS, f"申请人（{who}）申报无劳动能力", {})
    if person.disability_grade in (1, 2):
        return Finding(code, title, PASS, f"申请人（{who}）残疾等级 {person.disability_grade} 级，视为无劳动能力",
                       {"disability_grade": str(person.disability_grade)})
    if person.birth_date is None:
        return Finding(code, title, MISSING, "缺少申请人出生日期（身份证号码），无法按年龄判断劳动能力", {})
    age = age_on(person.birth_date, facts.on)
    if age >= TEKUN_OLD_AGE or age < TEKUN_YOUNG_AGE:
        return Finding(code, title, PASS, f"申请人 {age} 周岁（{TEKUN_OLD_AGE} 周岁以上或未满 {TEKUN_YOUNG_AGE} 周岁），"
                                          "视为无劳动能力", {"age": str(age)})
    return Finding(code, title, FAIL, f"申请人 {age} 周岁，未申报无劳动能力或重度残疾，不符合“无劳动能力”",
                   {"age": str(age)})


def _no_supporter(facts: HouseholdFacts, params: dict[str, Parameter]) -> Finding:
    """ELG-006: no legal supporter able to support. A support payment from a supporter under the exempt
    age is taken as a supporter able to support; one from an older supporter is not (seed 000).
    Co-resident relatives' ability is left to the caseworker's home visit."""
    code, title = "ELG-006", "无赡养（扶养）能力的义务人"
    paid = [i for i in facts.incomes
            if i.kind == "support" and i.member_index == facts.applicant_index and i.monthly_amount > 0]
    if not paid:
        return Finding(code, title, PASS, "未申报赡养（扶养）费收入", {})
    if any(i.supporter_age is None for i in paid) or "support_exempt_age" not in params:
        return Finding(code, title, MISSING, "赡养人年龄或赡养（扶养）费全额豁免年龄缺失，无法判断义务人能否履行义务", {})
    limit = params["support_exempt_age"]
    able = [i for i in paid if i.supporter_age < limit.value]
    if able:
        ages = "、".join(str(i.supporter_age) for i in able)
        return Finding(code, title, FAIL, f"有 {ages} 周岁的赡养人给付赡养（扶养）费，未达{cite(limit)}，视为有能力赡养",
                       {"supporter_ages": ages})
    return Finding(code, title, PASS, f"给付赡养（扶养）费的赡养人均已达{cite(limit)}，视为无履行能力", {})


def tekun(facts: HouseholdFacts, params: dict[str, Parameter], counted: tuple[int, ...],
          per_capita: Decimal | None) -> Verdict:
    """特困 (tekun): unable to work (ELG-004), income not above the tekun standard (ELG-005), no legal
    supporter able to support (ELG-006); the suggested amount is the basic-living standard itself."""
    code, title = "ELG-005", "特困收入条件"
    findings = [_unable_to_work(facts)]
    standard = standard_of(facts, params, "tekun")
    if standard is None:
        findings.append(_missing_standard(code, title, facts, "tekun", params))
    elif per_capita is not None:
        ok = per_capita <= standard.value
        findings.append(Finding(code, title, PASS if ok else FAIL,
                                f"申请人月收入 {per_capita} 元 {'≤' if ok else '>'} {cite(standard)}",
                                {"income": str(per_capita), "standard": yuan(standard.value)}))
    findings.append(_no_supporter(facts, params))
    if any(f.outcome == MISSING for f in findings) or per_capita is None:
        return Verdict(None, findings)
    if any(f.outcome == FAIL for f in findings):
        return Verdict("ineligible", findings)
    amount = money(standard.value)
    return Verdict("eligible", findings, amount,
                   Finding("ELG-003", "特困供养金测算", INFO, f"按{cite(standard)}，每月 {amount} 元（估算）",
                           {"amount": str(amount)}))


def low_income(facts: HouseholdFacts, params: dict[str, Parameter], counted: tuple[int, ...],
               per_capita: Decimal | None) -> Verdict:
    """ELG-007 低收入家庭: per-capita income above the 低保 standard and within `low_income_multiple`
    of it; below the standard the household should apply for 低保 instead."""
    code, title = "ELG-007", "低收入家庭收入条件"
    standard = standard_of(facts, params)
    if standard is None:
        return Verdict(None, [_missing_standard(code, title, facts, "dibao", params)])
    absent = missing_parameters(code, title, params, ("low_income_multiple",))
    if absent:
        return Verdict(None, [absent])
    if per_capita is None:
        return Verdict(None)
    multiple = params["low_income_multiple"]
    ceiling = multiple.value * standard.value
    values = {"per_capita_income": str(per_capita), "standard": yuan(standard.value), "ceiling": yuan(ceiling)}
    if per_capita < standard.value:
        return Verdict("ineligible", [Finding(code, title, FAIL,
                                              f"月人均收入 {per_capita} 元 < {cite(standard)}，"
                                              f"可直接申请{HUKOU_TEXT.get(facts.hukou_type, '')}低保", values)])
    ok = per_capita <= ceiling
    return Verdict("eligible" if ok else "ineligible", [Finding(
        code, title, PASS if ok else FAIL,
        f"月人均收入 {per_capita} 元 {'≤' if ok else '>'} {cite(multiple)} × {cite(standard)} = {yuan(ceiling)} 元",
        values)])


def temporary(facts: HouseholdFacts, params: dict[str, Parameter], counted: tuple[int, ...],
              per_capita: Decimal | None) -> Verdict:
    """ELG-008 临时救助: decided by the caseworker on the hardship; up to the small-amount limit the
    township approves it itself within 3 working days (seed 003)."""
    code, title = "ELG-008", "临时救助"
    absent = missing_parameters(code, title, params, ("temporary_small_limit",))
    if absent:
        return Verdict(None, [absent])
    limit = params["temporary_small_limit"]
    return Verdict(None, [Finding(code, title, INFO,
                                  f"临时救助由经办人根据困难情况和救助需要确定金额；不超过{cite(limit)}的小额临时救助"
                                  "由乡镇（街道）审批", {"small_limit": yuan(limit.value)})])


DIBAO_TYPES = ("dibao_urban", "dibao_rural")
VERDICTS = {"dibao_urban": dibao, "dibao_rural": dibao, "tekun": tekun, "low_income": low_income,
            "temporary": temporary}
