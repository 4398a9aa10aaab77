"""CSV layouts and row validation of department data: one good row per kind, each kind of bad value."""
import csv
from datetime import date
from pathlib import Path

import pytest

from app.common.idnumber import id_number_problem
from app.common.uploads import UploadRejected
from app.datasources import domain
from app.datasources.domain import KINDS, LAYOUTS, bind_header, decode, masked, parse_row, row_parser

TODAY = date(2026, 11, 23)
ID = "610324199001011230"
DEMO = Path(domain.__file__).parent / "demo"

GOOD = {
    "hukou": [ID, "张三", "1990-01-01", "610324106201", "610324001234", "head"],
    "real_estate": [ID, "陕(2019)扶风县不动产权第0003121号", "86.5", "扶风县段家镇青龙村三组12号", "2019-05-20"],
    "vehicles": [ID, "陕C3K582", "car", "35000", "2018-07-02"],
    "bank_deposits": [ID, "中国农业银行", "4821", "3000", "2026-10-31"],
    "securities": [ID, "西部证券", "45000.5", "2026-10-31"],
    "social_insurance": [ID, "pension", "1200.00", "2026-10-31"],
    "provident_fund": [ID, "3500", "700", "15200", "2026-10-31"],
    "business_tax": [ID, "扶风县天度镇立军便民商店", "20000", "36000", "2026-10-31"],
    "civil_affairs": [ID, "dibao_rural", "630", "2023-07-01"],
}


def bad(kind: str, column: str, value: str) -> list[str]:
    cells = list(GOOD[kind])
    cells[LAYOUTS[kind].names.index(column)] = value
    return cells


def test_every_kind_has_a_layout_a_title_and_described_columns():
    assert set(KINDS) == set(GOOD)
    for layout in LAYOUTS.values():
        assert layout.title and layout.columns[0].name == "id_number"
        assert all(c.title and c.description for c in layout.columns)


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_good_row_of_each_kind_parses_to_canonical_text(kind):
    record = parse_row(LAYOUTS[kind], GOOD[kind], today=TODAY)
    assert isinstance(record, dict), record
    assert record["id_number"] == ID
    assert set(record) == set(LAYOUTS[kind].names)


def test_amounts_are_canonical_yuan_and_codes_may_be_given_in_chinese():
    assert parse_row(LAYOUTS["bank_deposits"], bad("bank_deposits", "balance", "003000.5"), today=TODAY)["balance"] \
        == "3000.50"
    assert parse_row(LAYOUTS["social_insurance"], bad("social_insurance", "benefit", "养老金"),
                     today=TODAY)["benefit"] == "pension"
    assert parse_row(LAYOUTS["hukou"], bad("hukou", "relation_to_head", "户主"), today=TODAY)["relation_to_head"] == "head"


@pytest.mark.parametrize("kind,column,value,reason", [
    ("bank_deposits", "id_number", "610324199001011231", "校验位"),
    ("bank_deposits", "id_number", "61032419900101123", "18位"),
    ("bank_deposits", "id_number", "610324209901011236", "出生日期"),
    ("bank_deposits", "balance", "3,000", "千分位"),
    ("bank_deposits", "balance", "-5", "不小于0"),
    ("bank_deposits", "balance", "12.345", "两位小数"),
    ("bank_deposits", "balance", "１２", "数字"),
    ("bank_deposits", "as_of", "2026/10/31", "YYYY-MM-DD"),
    ("bank_deposits", "as_of", "2026-02-30", "YYYY-MM-DD"),
    ("bank_deposits", "as_of", "2099-01-01", "晚于今天"),
    ("bank_deposits", "account_tail", "12345", "4位数字"),
    ("bank_deposits", "bank", "", "不能为空"),
    ("hukou", "name", "张3", "姓名"),
    ("hukou", "hukou_region_code", "6103241062", "12位"),
    ("hukou", "birth_date", "1990-01-02", "不一致"),
    ("hukou", "relation_to_head", "boss", "取值应为"),
    ("real_estate", "area_m2", "0", "大于0"),
    ("vehicles", "plate_no", "ABC123", "号牌"),
    ("vehicles", "vehicle_type", "spaceship", "取值应为"),
    ("social_insurance", "benefit", "salary", "取值应为"),
    ("civil_affairs", "benefit_type", "dibao", "取值应为"),
    ("business_tax", "entity_name", "商" * 101, "1至100个字符"),
    ("real_estate", "address", "址" * 201, "过长"),
])
def test_each_bad_value_is_named_with_its_column_and_a_reason(kind, column, value, reason):
    problems = parse_row(LAYOUTS[kind], bad(kind, column, value), today=TODAY)
    assert isinstance(problems, list)
    assert [p.column for p in problems] == [column]
    assert reason in problems[0].reason


def test_every_bad_column_of_a_row_is_reported_not_just_the_first():
    cells = [ID[:-1] + "1", "", "12345", "abc", "2026-13-01"]
    problems = parse_row(LAYOUTS["bank_deposits"], cells, today=TODAY)
    assert [p.column for p in problems] == ["id_number", "bank", "account_tail", "balance", "as_of"]


def test_a_row_with_too_few_cells_is_one_problem_for_the_row():
    parse = row_parser(LAYOUTS["securities"], [0, 1, 2, 3], width=4, today=TODAY)
    assert [(p.column, "列" in p.reason) for p in parse([ID, "西部证券"])] == [("_row", True)]


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", ID, "610324201006010034",
                                    "610324199001011231", "6103241990010112300", "610324199013011230"])
def test_the_fast_id_check_agrees_with_the_common_gb11643_check(number):
    try:
        domain.id_number(number, TODAY)
        accepted = True
    except domain.CellError:
        accepted = False
    assert accepted == (id_number_problem(number, today=TODAY) is None)


def test_the_header_accepts_codes_or_chinese_titles_in_any_order():
    positions, problems = bind_header(LAYOUTS["securities"], ["as_of", "市值", "id_number", "证券公司"])
    assert problems == [] and positions == [2, 3, 1, 0]


def test_a_wrong_header_names_the_missing_unknown_and_repeated_columns():
    _, problems = bind_header(LAYOUTS["bank_deposits"], ["id_number", "bank", "bank", "balance", "card_no"])
    text = " ".join(problems)
    assert "account_tail" in text and "as_of" in text and "card_no" in text and "重复" in text


def test_utf8_with_or_without_bom_and_gbk_are_decoded():
    assert decode("id_number,姓名\n".encode("utf-8")) == ("id_number,姓名\n", "utf-8")
    assert decode("\ufeffid_number,姓名\n".encode("utf-8")) == ("id_number,姓名\n", "utf-8")
    assert decode("id_number,姓名,中国农业银行\n".encode("gbk")) == ("id_number,姓名,中国农业银行\n", "gb18030")


@pytest.mark.parametrize("data,hint", [
    (b"", "invalid"), (b"  \n", "invalid"),
    ("id_number\n".encode("utf-16"), "invalid"),     # NUL bytes: not a text file
    (b"\x81\x30\xff\xff\xfe", "invalid"),            # neither UTF-8 nor GB18030
])
def test_empty_or_undecodable_files_are_refused_with_a_reason(data, hint):
    with pytest.raises(UploadRejected) as caught:
        decode(data)
    assert caught.value.status_hint == hint and caught.value.message


def test_a_rejection_report_masks_personal_values_and_shows_codes():
    layout, positions = LAYOUTS["hukou"], list(range(6))
    cells = [ID, "张三丰", "1990-01-01", "610324106201", "610324001234", "boss"]
    assert masked(layout, "id_number", cells, positions) == "610324********1230"
    assert masked(layout, "name", cells, positions) == "张**"
    assert masked(layout, "household_no", cells, positions) == "********"
    assert masked(layout, "relation_to_head", cells, positions) == "boss"
    shifted = [ID, "张三", "1990-01-01", "610324106201", "610324001234", ID]
    assert ID not in masked(layout, "relation_to_head", shifted, positions)


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_every_demo_file_is_valid(kind):
    with open(DEMO / f"{kind}.csv", encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    positions, problems = bind_header(LAYOUTS[kind], rows[0])
    assert problems == []
    parse = row_parser(LAYOUTS[kind], positions, width=len(rows[0]), today=TODAY)
    assert all(isinstance(parse(row), dict) for row in rows[1:])


def test_the_layouts_are_printable_as_markdown():
    text = domain.layouts_markdown()
    assert all(f"`{kind}`" in text for kind in KINDS) and "| `balance` | 余额 |" in text
