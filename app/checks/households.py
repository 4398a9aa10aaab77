"""Checking households, many at once: each loaded with its consents, the departments queried once for all,
the policy applied to each, reports and lookups written in bulk. A single check is a batch of one."""
import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import aliased
from sqlalchemy.types import TypeDecorator

from app.adapters.department_data import SourceUnavailable
from app.applications.models import Application
from app.applications.services import declared_of, household_of, today_in_china
from app.authorizations.models import Authorization, Signature
from app.checks.domain import (SOURCE_TEXT, Comparison, Consent, Record, compare, conclusion, consent_gaps,
                               record_facts, totals, verified_facts)
from app.checks.models import Check, CheckLookup, CheckReport
from app.common.masking import mask_id_number, mask_middle, mask_name
from app.datasources import services as datasources
from app.db import among, session
from app.identity.services import id_number_index
from app.verification.policy.engine import Assessment, evaluate, facts_from_declaration
from app.verification.policy.rules import yuan
from app.verification.services import parameters_in_force_for

TOLERANCE_RATIO, TOLERANCE_AMOUNT = "declaration_tolerance_ratio", "declaration_tolerance_amount"


@dataclass(frozen=True)
class Grant:
    """A member's authorization and its current signature: what the gate reads and each lookup cites."""

    member_position: int
    authorization_id: int
    status: str
    signature_id: int | None
    expires_at: datetime | None


@dataclass
class Household:
    """An application as a check sees it: the members it was based on, what was declared, the consents."""

    application_id: int
    region_code: str
    assistance_type: str
    members: list[dict]
    declared: dict
    grants: list[Grant] = field(default_factory=list)

    def consent_gaps(self, now: datetime) -> list[dict]:
        return consent_gaps([Consent(g.member_position, mask_name(self.members[g.member_position]["name"]), g.status,
                                     g.expires_at) for g in self.grants], now)

    def consented(self, now: datetime) -> bool:
        """Every member who must consent has a confirmed, unexpired signature (and someone must)."""
        return bool(self.grants) and not self.consent_gaps(now)


def load_households(application_ids: list[int]) -> dict[int, Household]:
    """The applications with their required authorizations and current signatures, in two queries."""
    households = {}
    for application_id, region_code, assistance_type, snapshot, declared in session.execute(
            select(Application.id, Application.region_code, Application.assistance_type, Application.snapshot,
                   Application.declared).where(among(Application.id, application_ids))):
        members = (json.loads(snapshot)["members"] if snapshot
                   else household_of(session.get(Application, application_id)))
        households[application_id] = Household(application_id, region_code, assistance_type, members,
                                               json.loads(declared))
    _add_grants(households)
    return households


def household_for(application: Application) -> Household:
    """An application already loaded (a request reads it within the officer's region first)."""
    household = Household(application.id, application.region_code, application.assistance_type,
                          household_of(application), declared_of(application))
    _add_grants({application.id: household})
    return household


# The current signature of an authorization is its newest (app.authorizations.consents.current_signature);
# built once, as an aliased() entity made per call costs more than the query.
_EVERY_SIGNATURE = aliased(Signature)
_NEWEST_SIGNATURE = select(func.max(_EVERY_SIGNATURE.id)).where(
    _EVERY_SIGNATURE.authorization_id == Authorization.id).scalar_subquery()


def _add_grants(households: dict[int, Household]) -> None:
    grants = session.execute(
        select(Authorization.application_id, Authorization.member_position, Authorization.id, Authorization.status,
               Signature.id, Signature.expires_at)
        .outerjoin(Signature, Signature.id == _NEWEST_SIGNATURE)
        .where(among(Authorization.application_id, list(households)), Authorization.required.is_(True))
        .order_by(Authorization.application_id, Authorization.member_position))
    for application_id, position, authorization_id, status, signature_id, expires_at in grants:
        households[application_id].grants.append(Grant(position, authorization_id, status, signature_id, expires_at))


@dataclass(frozen=True)
class Result:
    """One household checked: the records found (member position, record) and what the policy concluded.
    The report and the lookups are written out when the check is stored under its id (store_results)."""

    household: Household
    rows: list[tuple]
    assessment: Assessment           # on what the departments verified
    comparisons: list[Comparison]    # declared against verified, item by item
    consistency: str
    conclusion: str
    declared_outcome: str            # the declaration alone, assessed for the report
    available: set[str]
    unavailable: dict[str, str]
    purpose: str
    on: date
    at: datetime

    @property
    def outcome(self) -> str:
        return self.assessment.outcome

    def lookups(self, check_id: int) -> list[dict]:
        """Each record looked up, with the authorization and the signature that allowed it."""
        grant_of = {g.member_position: g for g in self.household.grants}
        return [{"check_id": check_id, "authorization_id": grant_of[position].authorization_id,
                 "signature_id": grant_of[position].signature_id, "member_position": position, "kind": row.kind,
                 "record_id": row.record_id, "source": "live" if row.record_id is None else "import",
                 "looked_up_at": self.at} for position, row in self.rows]

    def report(self, check_id: int) -> dict:
        """核对报告: it carries the records it used (masked), so later imports never change it."""
        household, members, available = self.household, self.household.members, self.available
        consented = {g.member_position for g in household.grants}
        return {
            "assessment": _assessment_json(self.assessment),
            "declared_assessment": self.declared_outcome,
            "comparisons": [_comparison_json(c) for c in self.comparisons], "consistency": self.consistency,
            "conclusion": self.conclusion,
            "sources": [{"kind": kind, "source": text, "available": kind in available,
                         "reason": None if kind in available else self.unavailable.get(kind, "尚未导入该部门数据")}
                        for kind, text in SOURCE_TEXT.items()],
            "check_id": check_id, "application_id": household.application_id, "purpose": self.purpose,
            "region_code": household.region_code, "checked_on": self.on.isoformat(), "checked_at": self.at.isoformat(),
            "records": [{"kind": row.kind, "source": SOURCE_TEXT.get(row.kind, row.kind), "member_index": position,
                         "member": mask_name(members[position]["name"]), "as_of": _iso(row.as_of),
                         "fields": _masked(row.fields)} for position, row in self.rows],
            "members": [{"index": m["index"], "name": mask_name(m["name"]),
                         "id_number": mask_id_number(m.get("id_number")),
                         "consent": "confirmed" if m["index"] in consented else "not_required"} for m in members]}


def check_households(households: list[Household], *, purpose: str, live_sources: dict,
                     now: datetime) -> list[Result]:
    """Query every consenting member's records for all the households at once, then assess each household."""
    on = today_in_china()
    owners: dict[str, dict[int, int]] = {}     # blind index → household (its place in the list) → member position
    numbers: dict[str, str] = {}               # ID number → blind index
    for place, household in enumerate(households):
        for grant in household.grants:
            number = household.members[grant.member_position].get("id_number")
            if number:
                if number not in numbers:
                    numbers[number] = id_number_index(number)
                owners.setdefault(numbers[number], {})[place] = grant.member_position
    found, available, unavailable = _gather(numbers, live_sources)
    rows_of: list[list] = [[] for _ in households]
    for row in found:
        for place, position in owners[row.id_number_index].items():
            rows_of[place].append((position, row))
    params = parameters_in_force_for({household.region_code for household in households}, on)
    return [_check(household, rows, available, unavailable, params[household.region_code], on, now, purpose=purpose)
            for household, rows in zip(households, rows_of)]


def insert_checks(rows: list[dict]) -> list[int]:
    """New checks, their ids in the rows' order. PostgreSQL: numbered from the sequence and copied (a
    RETURNING of a chunk would make psycopg parse thousands of placeholders); elsewhere a RETURNING."""
    if not rows:
        return []
    if session.connection().dialect.name != "postgresql":
        return list(session.scalars(insert(Check).returning(Check.id, sort_by_parameter_order=True), rows))
    ids = list(session.scalars(text("SELECT nextval(pg_get_serial_sequence('checks', 'id')) "
                                    "FROM generate_series(1, :n)"), {"n": len(rows)}))
    _write(Check.__table__, [{"id": check_id} | row for check_id, row in zip(ids, rows)])
    return ids


def store_results(check_ids: list[int], results: list[Result]) -> None:
    """The reports (encrypted by their column type) and every lookup, each table in one statement."""
    _write(CheckReport.__table__, [{"check_id": check_id, "created_at": result.at,
                                    "content": json.dumps(result.report(check_id), ensure_ascii=False)}
                                   for check_id, result in zip(check_ids, results)])
    _write(CheckLookup.__table__, [lookup for check_id, result in zip(check_ids, results)
                                   for lookup in result.lookups(check_id)])


def _write(table, rows: list[dict]) -> None:
    """Rows into a table, in the session's transaction: one COPY on PostgreSQL (a chunk of a batch logs
    thousands of lookups: COPY takes them in a third less time than INSERTs), an executemany elsewhere.
    Either way the column types apply: an Encrypted value is encrypted before it is written."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    session.flush()   # what the rows refer to is in the database before COPY, which the session does not see
    names, dialect = list(rows[0]), connection.dialect
    binds = [(name, table.c[name].type.process_bind_param if isinstance(table.c[name].type, TypeDecorator) else None)
             for name in names]
    with connection.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] if bind is None else bind(row[name], dialect) for name, bind in binds])


def _gather(numbers: dict[str, str], live_sources: dict) -> tuple[list, set[str], dict[str, str]]:
    """The records of the members (ID number → blind index), from the imports and from the departments
    that answer live.

    A live source that fails (down, slow past its timeout, refusing, answering nonsense) is
    unavailable with its reason, never "nothing found"; the imports of that kind are not used
    in its place, because a live source is configured where the imports are not kept current.
    """
    imported = [kind for kind in SOURCE_TEXT if kind not in live_sources]
    found = datasources.records_for(list(numbers.values()), kinds=imported)
    available = {kind for kind in datasources.available_kinds() if kind not in live_sources}
    unavailable = {}
    for kind, source in live_sources.items():
        try:
            answer = source.lookup(list(numbers))
            rows = [datasources.live_record(kind, number, fields) for number, found_rows in answer.items()
                    for fields in found_rows]
        except (SourceUnavailable, datasources.InvalidLiveRecord) as exc:
            unavailable[kind] = f"部门接口不可用（{exc}）"
            continue
        available.add(kind)
        found.extend(rows)
    return found, available, unavailable


def _check(household: Household, rows: list[tuple], available: set[str], unavailable: dict[str, str], params: dict,
           on: date, now: datetime, *, purpose: str) -> Result:
    """The policy on what the departments found, and what was declared compared with it item by item."""
    members = household.members
    declared = facts_from_declaration(household.assistance_type, members[0]["hukou_type"], on, members,
                                      household.declared, enrolled=purpose == "periodic")
    incomes, assets = record_facts([Record(row.kind, position, row.fields) for position, row in rows])
    merged_incomes, merged_assets = verified_facts(declared.incomes, declared.assets, incomes, assets, available)
    verified = dataclasses.replace(declared, incomes=merged_incomes, assets=merged_assets)
    ratio = params.get(TOLERANCE_RATIO)
    amount = params.get(TOLERANCE_AMOUNT)
    comparisons = compare(totals(list(declared.incomes), list(declared.assets)), totals(incomes, assets), available,
                          tolerance_ratio=ratio.value if ratio else Decimal("0"),
                          tolerance_amount=amount.value if amount else Decimal("0"))
    assessment = evaluate(verified, params)
    consistency, sentence = conclusion(comparisons, assessment.outcome)
    if ratio is None or amount is None:
        sentence += "（本地区未设置申报与核对允许误差，按零误差比对）"
    # What the declaration alone would give matters for a new application, not for a re-check of an
    # enrolled household (its declaration is the one it applied with): a re-check skips it.
    declared_outcome = None if purpose == "periodic" else evaluate(declared, params).outcome
    return Result(household, rows, assessment, comparisons, consistency, sentence, declared_outcome,
                  available, unavailable, purpose, on, now)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# Identifying fields a report masks (names and ID numbers have their own rules); amounts stay.
MASKED_FIELDS = {"address": (6, 0), "certificate_no": (4, 4), "plate_no": (2, 2), "household_no": (4, 2),
                 "entity_name": (2, 0)}


def _masked(fields: dict) -> dict:
    """A report travels: identifying fields are masked, amounts and dates stay."""
    out = {}
    for key, value in fields.items():
        if key == "id_number":
            out[key] = mask_id_number(value)
        elif key == "name":
            out[key] = mask_name(value)
        elif key in MASKED_FIELDS:
            start, end = MASKED_FIELDS[key]
            out[key] = mask_middle(value, keep_start=start, keep_end=end)
        else:
            out[key] = value
    return out


def _money(value: Decimal | None) -> str | None:
    return None if value is None else yuan(value)


def _assessment_json(assessment) -> dict:
    return {"outcome": assessment.outcome, "per_capita_income": _money(assessment.per_capita_income),
            "suggested_monthly_amount": _money(assessment.suggested_monthly_amount),
            "counted_members": list(assessment.counted_members),
            "findings": [{"code": f.code, "title": f.title, "outcome": f.outcome, "explanation": f.explanation}
                         for f in assessment.findings]}


def _comparison_json(row: Comparison) -> dict:
    return {"item": row.item, "title": row.title, "declared": _money(row.declared), "verified": _money(row.verified),
            "consistent": row.consistent, "explanation": row.explanation}
