"""What the policy is applied to: a household's people, incomes, assets and rigid spending on a date.

The same facts come from the applicant's declaration or, in a check, from department records;
`source` says which, so a report can show where each figure came from.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.common.idnumber import id_number_problem, normalize_id_number


@dataclass(frozen=True)
class Person:
    index: int
    birth_date: date | None
    relation: str
    lives_together: bool
    disability_grade: int | None
    serious_illness: bool
    employment: str
    capacity: str = "full"


@dataclass(frozen=True)
class Income:
    member_index: int
    kind: str                      # wages, business, property, pension_transfer, support, other
    monthly_amount: Decimal
    supporter_age: int | None = None
    source: str = "declared"       # or a department kind such as "social_insurance"


@dataclass(frozen=True)
class Asset:
    member_index: int | None       # None: the household's, not one member's
    kind: str                      # home, vehicle, deposit, security, business
    value: Decimal | None = None   # yuan; for a business, its registered capital
    area_m2: Decimal | None = None
    source: str = "declared"


@dataclass(frozen=True)
class Expenditure:
    kind: str                      # medical, education, housing
    monthly_amount: Decimal
    source: str = "declared"


@dataclass(frozen=True)
class HouseholdFacts:
    assistance_type: str
    hukou_type: str
    on: date
    members: tuple[Person, ...]
    incomes: tuple[Income, ...]
    assets: tuple[Asset, ...]
    expenditures: tuple[Expenditure, ...]
    enrolled: bool = False         # already receiving 低保: decides gradual exit (渐退)
    applicant_index: int = 0

    def person(self, index: int) -> Person | None:
        return next((p for p in self.members if p.index == index), None)


def birth_date_of(id_number: str | None) -> date | None:
    """The birth date inside a valid resident ID number (GB 11643, digits 7–14), else None."""
    if not id_number or id_number_problem(id_number) is not None:
        return None
    number = normalize_id_number(id_number)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _decimal(value) -> Decimal | None:
    # Stored declarations hold money as strings (JSON); fresh ones as Decimal.
    return None if value is None else Decimal(str(value))


def _person(position: int, member: dict) -> Person:
    return Person(index=member.get("index", position), birth_date=birth_date_of(member.get("id_number")),
                  relation=member.get("relation", "other"), lives_together=member.get("lives_together", True),
                  disability_grade=member.get("disability_grade"),
                  serious_illness=bool(member.get("serious_illness", False)),
                  employment=member.get("employment", "unemployed"), capacity=member.get("capacity") or "full")


_VALUED_ASSETS = (("vehicles", "vehicle"), ("deposits", "deposit"), ("securities", "security"))


def _assets(declared_assets: dict) -> tuple[Asset, ...]:
    assets = [Asset(h.get("member_index"), "home", area_m2=_decimal(h.get("area_m2")))
              for h in declared_assets.get("homes", [])]
    for key, kind in _VALUED_ASSETS:
        assets += [Asset(a.get("member_index"), kind, value=_decimal(a.get("value")))
                   for a in declared_assets.get(key, [])]
    # The form names the business but not its registered capital: the value stays unknown.
    assets += [Asset(b.get("member_index"), "business", value=_decimal(b.get("registered_capital")))
               for b in declared_assets.get("business_registrations", [])]
    return tuple(assets)


def facts_from_declaration(assistance_type: str, hukou_type: str, on: date, members: list[dict], declared: dict,
                           *, enrolled: bool = False) -> HouseholdFacts:
    """Facts from the application snapshot (members as stored, declaration as entered or as stored JSON)."""
    people = tuple(_person(position, m) for position, m in enumerate(members))
    applicant = next((p.index for p in people if p.relation == "self"), people[0].index if people else 0)
    incomes = tuple(Income(i["member_index"], i["kind"], _decimal(i["monthly_amount"]), i.get("supporter_age"))
                    for i in declared.get("incomes", []))
    expenditures = tuple(Expenditure(e["kind"], _decimal(e["monthly_amount"]))
                         for e in declared.get("expenditures", []))
    return HouseholdFacts(assistance_type=assistance_type, hukou_type=hukou_type, on=on, members=people,
                          incomes=incomes, assets=_assets(declared.get("assets") or {}),
                          expenditures=expenditures, enrolled=enrolled, applicant_index=applicant)
