"""The vocabulary every rule shares: the finding, parameter look-up with a citation, money and ages.

A rule never reads a limit from code: each figure comes from a Parameter and is cited with
the division that set it and the date it took effect, so the trace can be checked by hand.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.verification.domain import Parameter

CENT = Decimal("0.01")
ZERO = Decimal("0")
PASS, FAIL, MISSING, INFO = "pass", "fail", "missing", "info"

# name → (label in the explanation, unit); the unit also decides how the value is printed.
PARAMETER_TEXT = {
    "dibao_urban_standard": ("当地城市低保标准", "元/人·月"),
    "dibao_rural_standard": ("当地农村低保标准", "元/人·月"),
    "tekun_urban_standard": ("当地城市特困人员基本生活标准", "元/人·月"),
    "tekun_rural_standard": ("当地农村特困人员基本生活标准", "元/人·月"),
    "low_income_multiple": ("低收入家庭认定倍数", "倍"),
    "temporary_small_limit": ("小额临时救助乡镇审批上限", "元"),
    "support_exempt_age": ("赡养（扶养）费全额豁免年龄", "周岁"),
    "employment_cost_deduction": ("就业必要成本扣减额", "元/人·月"),
    "financial_assets_months": ("人均金融资产上限", "个月低保标准"),
    "vehicle_value_limit": ("车辆总价值上限", "元"),
    "home_count_limit": ("住房套数上限", "套"),
    "home_area_per_person_limit": ("人均住房面积上限", "平方米"),
    "business_capital_limit": ("工商登记注册资本上限", "元"),
    "single_household_multiple": ("单人户家庭收入倍数", "倍"),
    "gradual_exit_multiple": ("渐退收入倍数", "倍"),
    "gradual_exit_months": ("渐退期", "个月"),
    "declaration_tolerance_ratio": ("申报与核对结果允许误差比例", "（占申报值）"),
    "declaration_tolerance_amount": ("申报与核对结果允许误差金额", "元"),
}
_WHOLE_UNITS = ("周岁", "套", "个月", "个月低保标准")


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one question, explained in plain zh-CN with every figure's origin."""

    code: str
    title: str
    outcome: str          # pass | fail | missing | info
    explanation: str
    values: dict = field(default_factory=dict)   # machine-readable figures, as strings


def money(value: Decimal) -> Decimal:
    """Two places, half-up: only for figures that are shown or paid."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> str:
    return f"{money(value)}"


def plain(value: Decimal) -> str:
    """A count or a multiple without trailing zeros: 70, 1.5."""
    return format(value.normalize(), "f")


def shown(name: str, value: Decimal) -> str:
    unit = PARAMETER_TEXT.get(name, (name, ""))[1]
    if unit.startswith("元"):
        return yuan(value)
    return plain(value)


def cite(parameter: Parameter) -> str:
    """'当地农村低保标准 630.00 元/人·月（区划 610300000000 规定，2026-01-01 起执行）'."""
    label, unit = PARAMETER_TEXT.get(parameter.name, (parameter.name, ""))
    return (f"{label} {shown(parameter.name, parameter.value)} {unit}"
            f"（区划 {parameter.region_code} 规定，{parameter.effective_from.isoformat()} 起执行）")


def missing_parameters(code: str, title: str, params: dict[str, Parameter], names: tuple[str, ...]) -> Finding | None:
    """A 'missing' finding naming the parameters this region has not configured, or None."""
    absent = [name for name in names if name not in params]
    if not absent:
        return None
    labels = "、".join(f"{PARAMETER_TEXT.get(n, (n, ''))[0]}（{n}）" for n in absent)
    return Finding(code, title, MISSING, f"本地区尚未设定{labels}，无法判断，需经办人核实",
                   {"missing_parameters": ",".join(absent)})


def standard_name(kind: str, hukou_type: str) -> str | None:
    """dibao/tekun standard by the household's hukou type; None for an unknown hukou type."""
    return f"{kind}_{hukou_type}_standard" if hukou_type in ("urban", "rural") else None


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def members_text(indexes) -> str:
    """Members as the applicant numbered them on the form (1-based)."""
    return "、".join(f"成员{i + 1}" for i in indexes) or "无"
