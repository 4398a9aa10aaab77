"""Who is counted: the members living together, or the applicant alone (单人户)."""
from decimal import Decimal

from app.verification.domain import Parameter
from app.verification.policy.facts import HouseholdFacts
from app.verification.policy.rules import (INFO, MISSING, PASS, Finding, age_on, cite, members_text,
                                           missing_parameters, yuan)

ADULT_AGE = 18           # 民法典 art. 17: a person of 18 or over is an adult (national law, not a local setting)
SEVERE_DISABILITY = (1, 2)


def living_together(facts: HouseholdFacts) -> tuple[tuple[int, ...], list[Finding]]:
    """HH-001: the household is the members living together (共同生活的家庭成员, DOMAIN "Rules").

    The applicant always counts: the declaration is theirs. Members living elsewhere are
    named, so the caseworker sees who was left out and why.
    """
    if not facts.members:
        return (), [Finding("HH-001", "共同生活的家庭成员", MISSING, "未填写家庭成员，无法计算", {})]
    counted = tuple(p.index for p in facts.members if p.lives_together or p.index == facts.applicant_index)
    apart = [p.index for p in facts.members if p.index not in counted]
    text = f"共同生活的家庭成员 {len(counted)} 人（{members_text(counted)}）计入家庭人口"
    if apart:
        text += f"；{members_text(apart)} 不共同生活，不计入"
    return counted, [Finding("HH-001", "共同生活的家庭成员", INFO, text,
                             {"counted_members": ",".join(map(str, counted)), "count": str(len(counted))})]


def assessed_alone(facts: HouseholdFacts) -> Finding:
    """HH-003: 特困 (tekun) is recognised for the person, not the household (特困人员认定办法)."""
    return Finding("HH-003", "按个人认定", INFO,
                   f"特困人员救助供养按申请人（{members_text([facts.applicant_index])}）个人认定",
                   {"counted_members": str(facts.applicant_index)})


def single_person(facts: HouseholdFacts, params: dict[str, Parameter], living: tuple[int, ...],
                  household_per_capita: Decimal, standard: Parameter) -> tuple[bool, list[Finding]]:
    """HH-002 单人户: a severely disabled (grade 1–2) or seriously ill adult who lives on the family
    may be assessed alone when the family's per-capita income is within a multiple (2×) of the
    standard (seed 003: "家庭收入在低保标准2倍以内、靠家庭供养且无法单独立户的重残、重病人员，
    按照单人户纳入低保"; seed 000: the case of 杨某).

    Asked only when the whole household does not qualify; silent when the applicant is neither
    severely disabled nor seriously ill, or lives alone anyway.
    """
    code, title = "HH-002", "单人户"
    person = facts.person(facts.applicant_index)
    severe = person is not None and (person.disability_grade in SEVERE_DISABILITY or person.serious_illness)
    if not severe or len(living) < 2:
        return False, []
    condition = "重度残疾（1-2级）" if person.disability_grade in SEVERE_DISABILITY else "患重病"
    if person.birth_date is None:
        return False, [Finding(code, title, MISSING,
                               f"申请人{condition}，但缺少出生日期（身份证号码），无法判断是否成年、能否按单人户认定", {})]
    age = age_on(person.birth_date, facts.on)
    if age < ADULT_AGE:
        return False, [Finding(code, title, INFO, f"申请人{condition}，但 {age} 周岁未成年，不按单人户认定",
                               {"age": str(age)})]
    absent = missing_parameters(code, title, params, ("single_household_multiple",))
    if absent:
        return False, [absent]
    multiple = params["single_household_multiple"]
    ceiling = multiple.value * standard.value
    values = {"age": str(age), "household_per_capita_income": yuan(household_per_capita), "ceiling": yuan(ceiling)}
    within = household_per_capita <= ceiling
    text = (f"申请人 {age} 周岁、{condition}、与家人共同生活；家庭月人均收入 {yuan(household_per_capita)} 元"
            f" {'≤' if within else '>'} {cite(standard)} × {cite(multiple)} = {yuan(ceiling)} 元")
    if within:
        return True, [Finding(code, title, PASS, text + "，按单人户由申请人单独认定", values)]
    return False, [Finding(code, title, INFO, text + "，不适用单人户", values)]
