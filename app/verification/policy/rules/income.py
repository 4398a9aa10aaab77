"""Monthly per-capita income: counted income, exempted support, rigid spending and work costs deducted.

Seed 001: "在核算低保对象收入时，将因住房、医疗、教育等家庭刚性支出和就业发生的必要成本予以抵扣";
seed 000: "70周岁（含）以上老年人给付的供养费用按100%比例予以豁免".
"""
from dataclasses import dataclass, field
from decimal import Decimal

from app.verification.domain import Parameter
from app.verification.policy.facts import HouseholdFacts, Income
from app.verification.policy.rules import (INFO, MISSING, ZERO, Finding, cite, members_text, missing_parameters,
                                           money, yuan)

KIND_TEXT = {"wages": "工资性收入", "business": "经营性收入", "property": "财产性收入",
             "pension_transfer": "养老金等转移性收入", "support": "赡养（扶养）费", "other": "其他收入"}
EXPENDITURE_TEXT = {"medical": "医疗", "education": "教育", "housing": "住房"}
EMPLOYED = ("employed", "self_employed")   # work with costs of its own (commuting, tools); farming is in kind
EARNED = ("wages", "business")


@dataclass(frozen=True)
class IncomeResult:
    per_capita: Decimal | None      # two places; None when a figure is missing
    findings: list[Finding] = field(default_factory=list)


def counted_income(facts: HouseholdFacts, counted: tuple[int, ...]) -> tuple[Decimal, list[Income], Finding]:
    """INC-001: the declared (or verified) monthly incomes of the counted members, by kind."""
    incomes = [i for i in facts.incomes if i.member_index in counted]
    total = sum((i.monthly_amount for i in incomes), ZERO)
    by_kind = {}
    for income in incomes:
        by_kind[income.kind] = by_kind.get(income.kind, ZERO) + income.monthly_amount
    parts = "，".join(f"{KIND_TEXT.get(k, k)} {yuan(v)} 元" for k, v in by_kind.items()) or "无收入"
    left_out = sum((i.monthly_amount for i in facts.incomes if i.member_index not in counted), ZERO)
    text = f"{members_text(counted)} 月收入合计 {yuan(total)} 元（{parts}）"
    if left_out:
        text += f"；其他成员（未计入家庭人口）的收入 {yuan(left_out)} 元不计入"
    return total, incomes, Finding("INC-001", "家庭月收入", INFO, text,
                                   {"total": yuan(total), **{k: yuan(v) for k, v in by_kind.items()}})


def support_exemption(incomes: list[Income], params: dict[str, Parameter]) -> tuple[Decimal | None, list[Finding]]:
    """INC-002: support owed by a supporter at or above the exempt age (70) is exempted 100% (seed 000).

    A support payment without the supporter's age cannot be judged: missing, never counted silently.
    """
    code, title = "INC-002", "赡养（扶养）费豁免"
    support = [i for i in incomes if i.kind == "support"]
    if not support:
        return ZERO, []
    if any(i.supporter_age is None for i in support):
        return None, [Finding(code, title, MISSING, "有赡养（扶养）费未填写赡养人年龄，无法判断是否豁免", {})]
    absent = missing_parameters(code, title, params, ("support_exempt_age",))
    if absent:
        return None, [absent]
    limit = params["support_exempt_age"]
    findings, exempted = [], ZERO
    for income in support:
        member = members_text([income.member_index])
        if income.supporter_age >= limit.value:
            exempted += income.monthly_amount
            verdict = f"≥ {cite(limit)}，全额豁免，不计入收入"
        else:
            verdict = f"< {cite(limit)}，计入收入"
        findings.append(Finding(code, title, INFO,
                                f"{member} 获得的赡养（扶养）费 {yuan(income.monthly_amount)} 元/月，赡养人 "
                                f"{income.supporter_age} 周岁 {verdict}",
                                {"amount": yuan(income.monthly_amount), "supporter_age": str(income.supporter_age),
                                 "exempt": str(income.supporter_age >= limit.value).lower()}))
    return exempted, findings


def rigid_expenditure(facts: HouseholdFacts) -> tuple[Decimal, list[Finding]]:
    """INC-003: rigid spending on medical care, education and housing is deducted (seed 001).

    The form records the household's spending, not whose it is; for a single-person household
    it is deducted as declared and the caseworker confirms it on the home visit.
    """
    if not facts.expenditures:
        return ZERO, []
    by_kind = {}
    for item in facts.expenditures:
        by_kind[item.kind] = by_kind.get(item.kind, ZERO) + item.monthly_amount
    total = sum(by_kind.values(), ZERO)
    parts = "，".join(f"{EXPENDITURE_TEXT.get(k, k)} {yuan(v)} 元" for k, v in by_kind.items())
    return total, [Finding("INC-003", "刚性支出扣减", INFO, f"扣减刚性支出 {yuan(total)} 元/月（{parts}）",
                           {"total": yuan(total), **{k: yuan(v) for k, v in by_kind.items()}})]


def employment_costs(facts: HouseholdFacts, counted: tuple[int, ...], incomes: list[Income],
                     params: dict[str, Parameter]) -> tuple[Decimal | None, list[Finding]]:
    """INC-004: necessary employment costs, a fixed amount per working member per month (seed 001),
    never more than that member earns from work."""
    code, title = "INC-004", "就业必要成本扣减"
    working = [p.index for p in facts.members if p.index in counted and p.employment in EMPLOYED]
    if not working:
        return ZERO, []
    absent = missing_parameters(code, title, params, ("employment_cost_deduction",))
    if absent:
        return None, [absent]
    per_member = params["employment_cost_deduction"]
    total = ZERO
    for index in working:
        earned = sum((i.monthly_amount for i in incomes if i.member_index == index and i.kind in EARNED), ZERO)
        total += min(per_member.value, earned)
    return total, [Finding(code, title, INFO,
                           f"就业的 {members_text(working)} 按{cite(per_member)}扣减（不超过本人劳动收入），"
                           f"合计 {yuan(total)} 元/月", {"total": yuan(total), "working_members": str(len(working))})]


def per_capita_income(facts: HouseholdFacts, counted: tuple[int, ...], params: dict[str, Parameter],
                      scope: str = "家庭") -> IncomeResult:
    """INC-005: (income − exempted support − rigid spending − work costs) ÷ counted members, not below 0."""
    if not counted:
        return IncomeResult(None, [])
    total, incomes, first = counted_income(facts, counted)
    exempted, support = support_exemption(incomes, params)
    rigid, spending = rigid_expenditure(facts)
    work, costs = employment_costs(facts, counted, incomes, params)
    findings = [first, *support, *spending, *costs]
    if exempted is None or work is None:
        return IncomeResult(None, findings)
    net = max(ZERO, total - exempted - rigid - work)
    per_capita = money(net / len(counted))
    text = (f"{scope}月人均收入 = （收入 {yuan(total)} − 豁免 {yuan(exempted)} − 刚性支出 {yuan(rigid)}"
            f" − 就业成本 {yuan(work)}）元 ÷ {len(counted)} 人 = {per_capita} 元")
    if total - exempted - rigid - work < ZERO:
        text += "（扣减后不足 0 元，按 0 元计）"
    findings.append(Finding("INC-005", f"{scope}月人均收入", INFO, text,
                            {"income": yuan(total), "exempted": yuan(exempted), "rigid_expenditure": yuan(rigid),
                             "employment_costs": yuan(work), "members": str(len(counted)),
                             "per_capita_income": str(per_capita)}))
    return IncomeResult(per_capita, findings)
