"""Synthetic data for bench_checks: department records and enrolled households on PostgreSQL (fixed seed).

Usage: .venv/bin/python -m bench.gen_verification_data [--households 100000] [--records 1000000] \\
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/shjz_bench_checks]

The database's public schema is dropped and rebuilt by the migrations. Regions: the demo tree plus
villages of 扶风县; parameters: the demo standards of 宝鸡市. Department records (exactly --records,
over the nine kinds) go in through `import_file`, one CSV per kind: the real path with validation,
blind index, encryption and COPY. Households (1–6 members, about 3 on average, a fifth of them with
4) have an applicant account, members, an approved dibao_rural application whose snapshot and
declaration are encrypted, one confirmed authorization per member (a guardian signs for a minor)
and its current signature, unexpired, with the signing link and sealed document it points to:
written by COPY, personal values encrypted and indexed by the app's own keyring. The data keys are
fixed (BENCH_KEYS) so that bench_checks can read what was written; the same seed gives the same
people, households and amounts.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

os.environ.setdefault("JOB_BACKEND", "immediate")

from sqlalchemy import select, text  # noqa: E402

from app import create_app  # noqa: E402
from bench.postgres import copy_rows  # noqa: E402
from app.applications.models import CommitmentText  # noqa: E402
from app.authorizations.models import LetterVersion  # noqa: E402
from app.cli import upgrade_database  # noqa: E402
from app.common import crypto  # noqa: E402
from app.common.actor import Actor  # noqa: E402
from app.common.clock import utcnow  # noqa: E402
from app.common.idnumber import id_number_problem  # noqa: E402
from app.common.masking import mask_name  # noqa: E402
from app.common.regions import division_level, parent_code  # noqa: E402
from app.datasources.domain import KINDS  # noqa: E402
from app.datasources.services import import_file  # noqa: E402
from app.db import session  # noqa: E402
from app.demo import REGIONS, STANDARDS, load_regions  # noqa: E402
from app.identity.services import id_number_index, phone_index  # noqa: E402
from app.regions.models import Region  # noqa: E402
from app.verification.models import PolicyParameter  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/shjz_bench_checks"
SEED = 20261202
BAOJI, FUFENG = "610300000000", "610324000000"
AS_OF = "2026-10-31"
LETTER = "2026-01"


def _bench_key(purpose: str) -> str:
    return base64.b64encode(hashlib.sha256(f"shjz bench_checks {purpose}".encode()).digest()).decode()


# Fixed keys for a benchmark database (never for real data): the generator and the bench must agree.
BENCH_KEYS = {"DATA_KEYS": f"bench1:{_bench_key('data')}", "BLIND_INDEX_KEY": _bench_key("blind index")}

# More villages of 扶风县 (codes and names illustrative, like app/demo.py's).
EXTRA_REGIONS = [
    ("610324101202", "八龙村"), ("610324101203", "东渠村"), ("610324106203", "新光村"),
    ("610324102000", "南阳镇"), ("610324102201", "南阳村"), ("610324102202", "强家村"),
    ("610324103000", "法门镇"), ("610324103201", "法门村"), ("610324103202", "黄堆村"), ("610324103203", "齐家村"),
]
VILLAGES = [code for code, _ in REGIONS + EXTRA_REGIONS if code.startswith("610324") and division_level(code) == "village"]
# Household sizes 1–6, about 3.2 members on average; a fifth have four. From 2 a spouse, then children,
# then a parent for the rest.
SIZES, SIZE_WEIGHTS = (1, 2, 3, 4, 5, 6), (15, 20, 25, 20, 12, 8)
CHILDREN = {1: 0, 2: 0, 3: 1, 4: 2, 5: 2, 6: 3}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕红梅小红玉兰文博子涵浩然欣怡宇轩梓涵俊杰"
BANKS = ("中国农业银行", "中国工商银行", "中国建设银行", "陕西信合", "中国邮政储蓄银行", "中国银行")
BROKERS = ("西部证券", "华泰证券", "中信证券", "国泰君安")
RELATION_TO_HEAD = {"self": "head", "spouse": "spouse", "child": "child", "parent": "parent"}


@dataclass
class Person:
    id_number: str
    name: str
    born: date
    relation: str = "self"
    employment: str = "farming"
    disability_grade: int | None = None
    serious_illness: bool = False


@dataclass
class Household:
    id: int
    village: str
    members: list[Person]
    honest: bool
    declared: dict = field(default_factory=dict)


class People:
    """Valid, distinct resident ID numbers: area + birth date + a serial per date + the check digit."""

    def __init__(self, rng: random.Random):
        self.rng, self.serials = rng, {}

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def person(self, area: str, first_year: int, last_year: int, **details) -> Person:
        rng = self.rng
        born = date(first_year, 1, 1) + timedelta(days=rng.randrange((date(last_year, 12, 31) -
                                                                       date(first_year, 1, 1)).days))
        born = min(born, date(2025, 12, 31))
        serial = self.serials.get((area, born), 0)
        self.serials[(area, born)] = serial + 1
        assert serial < 1000, "too many people born on one day"
        body = f"{area}{born:%Y%m%d}{serial:03d}"
        check = (1 - 2 * int(body, 13)) % 11        # ISO 7064 MOD 11-2, as GB 11643 defines it
        return Person(body + ("X" if check == 10 else str(check)), self.name(), born, **details)


def households_of(count: int, people: People, rng: random.Random) -> list[Household]:
    out = []
    for household_id in range(1, count + 1):
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        elderly_alone = size == 1 and rng.random() < 0.5
        head = people.person("610324", 1938 if elderly_alone else 1960, 1962 if elderly_alone else 1995,
                             employment="retired" if elderly_alone else rng.choice(("farming", "farming", "employed",
                                                                                   "self_employed", "unemployed")))
        members = [head]
        if size >= 2:
            members.append(people.person("610324", head.born.year - 3, min(head.born.year + 3, 2000), relation="spouse",
                                         employment=rng.choice(("farming", "employed", "unemployed"))))
        for _ in range(CHILDREN[size]):
            first = max(head.born.year + 20, 1985)
            child = people.person("610324", first, min(first + 20, 2024), relation="child")
            age = 2026 - child.born.year
            child.employment = "preschool" if age < 6 else "student" if age < 22 else rng.choice(("employed", "farming"))
            members.append(child)
        if len(members) < size:
            members.append(people.person("610324", head.born.year - 32, head.born.year - 22, relation="parent",
                                         employment="retired"))
        for member in members:
            if rng.random() < 0.04:
                member.disability_grade = rng.randint(1, 4)
            member.serious_illness = rng.random() < 0.05
        out.append(Household(household_id, rng.choice(VILLAGES), members, honest=rng.random() < 0.8))
    return out


def _adult(person: Person) -> bool:
    return 2026 - person.born.year >= 18


def department_rows(households: list[Household], people: People, rng: random.Random, total: int) -> dict[str, list]:
    """Exactly `total` rows over the nine kinds: the members' own records (and what each household
    declared of them), then other residents' until the total is reached."""
    rows: dict[str, list] = {kind: [] for kind in KINDS}
    counter = {"plate": 0, "certificate": 0}
    remaining = [total]

    def add(kind: str, *cells) -> bool:
        if remaining[0] == 0:
            return False
        rows[kind].append(cells)
        remaining[0] -= 1
        return True

    def records_of(person: Person, village: str, household_no: str, declare=None, honest: bool = True) -> None:
        """The person's records; `declare(what, item)` is told what the household declared of each."""
        add("hukou", person.id_number, person.name, person.born.isoformat(), village, household_no,
            RELATION_TO_HEAD.get(person.relation, "other"))
        if not _adult(person):
            return
        if rng.random() < 0.6:
            for bank in rng.sample(BANKS, rng.choice((1, 1, 2))):
                balance = Decimal(rng.randrange(10_000, 3_000_000)) / 100
                if add("bank_deposits", person.id_number, bank, f"{rng.randrange(10000):04d}", f"{balance:.2f}", AS_OF) \
                        and declare:
                    declare("deposits", {"value": f"{balance if honest else balance / 4:.2f}"})
        if person.relation == "self" and rng.random() < 0.7:
            counter["certificate"] += 1
            area = Decimal(rng.randrange(4000, 16000)) / 100
            if add("real_estate", person.id_number, f"陕(2015)扶风县不动产权第{counter['certificate']:07d}号", f"{area:.2f}",
                   f"扶风县{village[-3:]}村{rng.randint(1, 9)}组{rng.randint(1, 80)}号", "2015-06-01") and declare:
                declare("homes", {"area_m2": f"{area:.2f}"})
        if rng.random() < 0.08:
            counter["plate"] += 1
            value = rng.randrange(3000, 60000)
            plate = "陕C" + _base36(counter["plate"]).rjust(5, "0")
            if add("vehicles", person.id_number, plate, rng.choice(("car", "truck", "motorcycle", "agricultural")),
                   f"{value}.00", "2018-03-15") and declare:
                declare("vehicles", {"value": f"{value}.00"})
        if person.employment == "employed" and rng.random() < 0.5:
            wage = rng.randrange(1800, 6500)
            if add("provident_fund", person.id_number, f"{wage}.00", f"{wage * 0.2:.2f}", f"{wage * 7}.00", AS_OF) \
                    and declare:
                declare("wages", f"{wage if honest else wage * 0.3:.2f}")
        if person.employment == "retired" and rng.random() < 0.8:
            pension = rng.randrange(150, 2500)
            if add("social_insurance", person.id_number, "pension", f"{pension}.00", AS_OF) and declare:
                declare("pension_transfer", f"{pension}.00")
        elif person.employment == "unemployed" and rng.random() < 0.1:
            if add("social_insurance", person.id_number, "unemployment", "1500.00", AS_OF) and declare:
                declare("pension_transfer", "1500.00")
        if person.employment == "self_employed":
            income = rng.randrange(6000, 80000)
            if add("business_tax", person.id_number, f"扶风县{person.name}便民商店", f"{rng.randrange(1, 10) * 10000}.00",
                   f"{income}.00", AS_OF) and declare:
                declare("business", f"{income / 12 if honest else income / 40:.2f}")
        if rng.random() < 0.02:
            value = rng.randrange(1000, 90000)
            if add("securities", person.id_number, rng.choice(BROKERS), f"{value}.00", AS_OF) and declare:
                declare("securities", {"value": f"{value}.00"})

    for household in households:
        declared = {"incomes": [], "assets": {}, "expenditures": []}
        for index, member in enumerate(household.members):
            def declare(what, item, index=index):
                if isinstance(item, dict):
                    declared["assets"].setdefault(what, []).append({"member_index": index, **item})
                else:
                    declared["incomes"].append({"member_index": index, "kind": what, "monthly_amount": item})
            records_of(member, household.village, f"{household.village[6:]}{household.id:08d}", declare,
                       household.honest)
        if household.members[0].employment == "farming":
            declared["incomes"].append({"member_index": 0, "kind": "other", "monthly_amount": "200.00"})
        if any(m.serious_illness for m in household.members):
            declared["expenditures"].append({"kind": "medical", "monthly_amount": "400.00"})
        household.declared = declared
        add("civil_affairs", household.members[0].id_number, "dibao_rural", "630.00", "2024-01-01")
    others = 0
    while remaining[0] > 0:
        others += 1
        area = rng.choice(("610324", "610302", "610303"))
        person = people.person(area, 1940, 2008, employment=rng.choice(("employed", "farming", "self_employed",
                                                                       "retired", "unemployed")))
        records_of(person, area + "100201", f"{area}{others:08d}")
    return rows


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


HEADERS = {
    "hukou": "id_number,name,birth_date,hukou_region_code,household_no,relation_to_head",
    "real_estate": "id_number,certificate_no,area_m2,address,registered_on",
    "vehicles": "id_number,plate_no,vehicle_type,assessed_value,registered_on",
    "bank_deposits": "id_number,bank,account_tail,balance,as_of",
    "securities": "id_number,broker,market_value,as_of",
    "social_insurance": "id_number,benefit,monthly_amount,as_of",
    "provident_fund": "id_number,wage_base,monthly_deposit,balance,as_of",
    "business_tax": "id_number,entity_name,registered_capital,annual_income,as_of",
    "civil_affairs": "id_number,benefit_type,monthly_amount,since",
}


def import_departments(rows: dict[str, list]) -> None:
    """One file per kind through the import service (validation, blind index, encryption, COPY)."""
    actor = Actor(role="system", region_code=BAOJI)
    for kind, cells in rows.items():
        data = (HEADERS[kind] + "\n" + "\n".join(",".join(row) for row in cells) + "\n").encode()
        record = import_file(kind, data, actor=actor, max_bytes=len(data))
        session.commit()
        assert record.status == "imported" and record.rows_accepted == len(cells), (kind, record.status, record.report)


# Households, written by COPY ----------------------------------------------------------------

def _member_dict(position: int, person: Person, village: str, phone: str | None) -> dict:
    """A member as the application snapshot freezes it (app.applications.services._member_dict)."""
    minor = not _adult(person)
    return {"index": position, "name": person.name, "id_number": person.id_number, "phone": phone,
            "relation": person.relation, "lives_together": True, "hukou_type": "rural", "hukou_region_code": village,
            "disability_grade": person.disability_grade, "serious_illness": person.serious_illness,
            "employment": person.employment, "capacity": "full",
            "guardian_member_index": 0 if minor and position else None}


def write_households(households: list[Household], officer_id: int) -> None:
    keyring = crypto.keyring()
    encrypt, encrypt_bytes = keyring.encrypt, keyring.encrypt_bytes
    now = utcnow()
    signed_at, expires_at = now - timedelta(days=30), now + timedelta(days=335)
    commitment = session.scalar(select(CommitmentText).where(CommitmentText.version == "2026-01"))
    letter = session.get(LetterVersion, LETTER)
    image = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
    raw = session.connection().connection.driver_connection
    cursor = raw.cursor()
    phones = {h.id: f"139{h.id:08d}" for h in households}
    copy_rows(cursor, "accounts", ("id", "role", "phone", "phone_index", "active", "created_at", "updated_at", "version"),
          ((h.id, "applicant", encrypt(phones[h.id]), phone_index(phones[h.id]), True, now, now, 1)
           for h in households))
    copy_rows(cursor, "households", ("id", "owner_account_id", "created_at", "updated_at"),
          ((h.id, h.id, now, now) for h in households))
    member_rows, application_rows, authorization_rows = [], [], []
    for h in households:
        snapshot_members = []
        for position, person in enumerate(h.members):
            member = _member_dict(position, person, h.village, None if position else phones[h.id])
            guardian = member["guardian_member_index"]
            snapshot_members.append(member)
            member_rows.append((h.id, position, encrypt(person.name), encrypt(person.id_number),
                                id_number_index(person.id_number),
                                None if member["phone"] is None else encrypt(member["phone"]),
                                None if member["phone"] is None else phone_index(member["phone"]),
                                person.relation, True, "rural", h.village, person.disability_grade,
                                person.serious_illness, person.employment, "full", guardian))
            authorization_rows.append((h.id, position, position if guardian is None else guardian,
                                       guardian is not None))
        snapshot = {"members": snapshot_members, "declared": h.declared, "documents": [],
                    "commitment": {"version": commitment.version, "sha256": commitment.sha256}}
        application_rows.append((h.id, h.id, h.id, "dibao_rural", h.village, encrypt("因病致贫，无力维持基本生活"),
                                 encrypt(json.dumps(h.declared, ensure_ascii=False)), "approved",
                                 encrypt(json.dumps(snapshot, ensure_ascii=False)), commitment.version,
                                 commitment.sha256, now - timedelta(days=200), now - timedelta(days=200),
                                 now - timedelta(days=210), now, 1))
    copy_rows(cursor, "household_members",
          ("household_id", "position", "name", "id_number", "id_number_index", "phone", "phone_index", "relation",
           "lives_together", "hukou_type", "hukou_region_code", "disability_grade", "serious_illness", "employment",
           "capacity", "guardian_position"), member_rows)
    del member_rows
    copy_rows(cursor, "applications",
          ("id", "household_id", "applicant_account_id", "assistance_type", "region_code", "reason", "declared",
           "status", "snapshot", "commitment_version", "commitment_sha256", "commitment_accepted_at", "submitted_at",
           "created_at", "updated_at", "version"), application_rows)
    del application_rows
    # One authorization per member; its link, sealed PDF and signature share its id.
    evidence = encrypt(json.dumps({"bench": True}))
    copy_rows(cursor, "authorizations",
          ("id", "application_id", "member_position", "signer_position", "by_guardian", "status", "letter_version",
           "required", "created_at", "updated_at"),
          ((i, a, position, signer, guardian, "confirmed", LETTER, True, now, now)
           for i, (a, position, signer, guardian) in enumerate(authorization_rows, 1)))
    copy_rows(cursor, "signing_links",
          ("id", "authorization_id", "nonce", "token_hash", "letter_version", "created_at", "expires_at", "used_at",
           "created_by"),
          ((i, i, f"{i:032x}", hashlib.sha256(f"link {i}".encode()).hexdigest(), LETTER, signed_at,
            signed_at + timedelta(days=7), signed_at, a) for i, (a, *_rest) in enumerate(authorization_rows, 1)))
    pdf = b"%PDF-1.7 bench placeholder"
    copy_rows(cursor, "sealed_documents",
          ("id", "verify_code", "kind", "status", "sha256", "evidence_sha256", "signer", "signed_at",
           "status_changed_at", "content"),
          ((i, f"B{i:015d}", "authorization", "confirmed", hashlib.sha256(f"document {i}".encode()).hexdigest(),
            "0" * 64, mask_name("张三"), signed_at, signed_at, encrypt_bytes(pdf))
           for i in range(1, len(authorization_rows) + 1)))
    image_row = encrypt_bytes(image)
    copy_rows(cursor, "authorization_signatures",
          ("id", "authorization_id", "link_id", "document_id", "status", "signer_position", "by_guardian",
           "letter_version", "letter_sha256", "household_digest", "request_sha256", "signed_at", "expires_at", "image",
           "image_sha256", "evidence", "reviewed_by", "reviewed_at"),
          ((i, i, i, i, "confirmed", signer, guardian, LETTER, letter.sha256, "0" * 64,
            hashlib.sha256(f"request {i}".encode()).hexdigest(), signed_at, expires_at, image_row,
            hashlib.sha256(image).hexdigest(), evidence, officer_id, signed_at + timedelta(days=1))
           for i, (_a, _p, signer, guardian) in enumerate(authorization_rows, 1)))
    cursor.close()


def reference_data(households: int) -> int:
    """Regions, the 宝鸡市 standards and the verification officer of 扶风县; the officer's account id."""
    load_regions()
    for code, name in EXTRA_REGIONS:
        session.add(Region(code=code, name=name, level=division_level(code), parent_code=parent_code(code)))
        session.flush()
    for name, value in STANDARDS:
        session.add(PolicyParameter(region_code=BAOJI, name=name, value=Decimal(value), effective_from=date(2026, 1, 1),
                                    source="bench"))
    officer_id = households + 1
    now = utcnow()
    session.execute(text("INSERT INTO accounts (id, role, region_code, username, display_name, active, created_at, "
                         "updated_at, version) VALUES (:id, 'verification_officer', :region, 'bench.checker', "
                         "'扶风县核对员', true, :now, :now, 1)"), {"id": officer_id, "region": FUFENG, "now": now})
    session.commit()
    return officer_id


def make_app(url: str):
    instance = tempfile.mkdtemp(prefix="shjz-bench-checks-")
    return create_app({"APP_ENV": "test", "INSTANCE_PATH": instance, "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                       "SMS_BACKEND": "memory", "RATELIMIT_ENABLED": False, **BENCH_KEYS})


SEQUENCED = ("accounts", "households", "household_members", "applications", "authorizations", "signing_links",
             "sealed_documents", "authorization_signatures")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    assert args.database_url.startswith("postgresql"), "the generator writes with COPY: PostgreSQL only"
    started = time.perf_counter()
    app = make_app(args.database_url)
    engine = app.extensions["db_engine"]
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade_database(engine)
    rng = random.Random(SEED)
    people = People(rng)
    households = households_of(args.households, people, rng)
    assert all(id_number_problem(m.id_number) is None for h in households for m in h.members)
    rows = department_rows(households, people, rng, args.records)
    made = time.perf_counter()
    with app.app_context():
        officer_id = reference_data(args.households)
        import_departments(rows)
        imported = time.perf_counter()
        del rows
        write_households(households, officer_id)
        for table in SEQUENCED:
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))
        session.commit()
        written = time.perf_counter()
        counts = {table: session.scalar(text(f"SELECT count(*) FROM {table}")) for table in (
            "department_records", "applications", "household_members", "authorization_signatures")}
        four = session.scalar(text("SELECT count(*) FROM (SELECT household_id FROM household_members "
                                   "GROUP BY household_id HAVING count(*) = 4) AS four"))
        session.remove()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    done = time.perf_counter()
    print(f"database={args.database_url} seed={SEED}")
    print(json.dumps(counts | {"four_member_households": four}))
    print(f"generate in memory {made - started:6.1f} s | import_file x9 {imported - made:6.1f} s | "
          f"households COPY {written - imported:6.1f} s | VACUUM ANALYZE {done - written:6.1f} s | "
          f"total {done - started:6.1f} s")


if __name__ == "__main__":
    main()
