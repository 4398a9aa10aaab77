"""Department data sources (部门数据): the kinds, one CSV layout each, and row validation (pure).

A department hands over a UTF-8 CSV (a GBK/GB18030 export is detected and read too) with a
header row and one row per record keyed by the 18-character resident ID number. Amounts are
yuan with at most two decimals, dates YYYY-MM-DD. A header may use either the column code
(`balance`) or its Chinese title (`余额`). A file is all or nothing: one bad row rejects it.

When one person appears in several imports of a kind, the newest import that lists the
person is what counts (a fresh bank extract replaces last month's balances rather than
adding to them); older imports stay on record for reports already written.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Callable

from app.common.idnumber import id_number_problem, normalize_id_number
from app.common.masking import mask_id_number, mask_name
from app.common.uploads import UploadRejected

MAX_BYTES = 50 * 1024 * 1024
STATUSES = ("validating", "imported", "rejected")
REPORT_ROWS_KEPT = 1000      # problems stored with a rejected import; the count is always exact
MAX_CELL = 200


class CellError(ValueError):
    """A cell's value is wrong; the message is the zh-CN reason shown to the officer."""


@dataclass(frozen=True)
class Problem:
    column: str      # a column code, "_row" for the whole row
    reason: str


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    description: str
    parse: Callable[[str, date], str]
    required: bool = True
    shown: bool = False      # value may appear unmasked in a rejection report (codes, dates)


@dataclass(frozen=True)
class Layout:
    kind: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]                 # one record per key within a file
    amount: str | None = None            # copied to the plain numeric column for queries
    as_of: str | None = None             # copied to the plain date column
    cross_check: Callable[[dict], list[Problem]] | None = field(default=None, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def key_of(self) -> Callable[[dict], object]:
        """What makes a record unique within a file (the same account twice is a mistake)."""
        return itemgetter(*self.key)


# Cell parsers: (stripped cell, today) → the canonical text, or CellError. [0-9], not \d: \d also
# matches full-width and other Unicode digits, which would be stored unnormalized.

_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_MONEY_RE = re.compile(r"([0-9]{1,13})(?:\.([0-9]{1,2}))?")
_AREA_RE = re.compile(r"([0-9]{1,7})(?:\.([0-9]{1,2}))?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def id_number(value: str, today: date) -> str:
    """GB 11643: the common case checked inline (it is most of an import's time), the rest by app.common."""
    number = value.upper()
    if _ID_RE.fullmatch(number):
        check = (1 - 2 * int(number[:17], 13)) % 11   # the ISO 7064 MOD 11-2 digit, as stdnum computes it
        if ("X" if check == 10 else str(check)) == number[17] and _birth_ok(number[6:14], today):
            return number
    problem = id_number_problem(value, today=today)
    number = normalize_id_number(value)
    if problem is None and not _ID_RE.fullmatch(number):
        problem = "身份证号码应为18位，最后一位可以是X"
    if problem:
        raise CellError(problem)
    return number


@lru_cache(maxsize=65536)
def _birth_ok(digits: str, today: date) -> bool:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return 1900 <= born.year and born <= today


def _decimal_text(match) -> str:
    return f"{match[1].lstrip('0') or '0'}.{(match[2] or '').ljust(2, '0')}"


def money(value: str, today: date | None = None) -> str:
    match = _MONEY_RE.fullmatch(value)
    if match is None:
        raise CellError("金额应为不小于0的数字（元），最多两位小数，不带千分位和货币符号，如 3000.00")
    return _decimal_text(match)


def area(value: str, today: date | None = None) -> str:
    match = _AREA_RE.fullmatch(value)
    if match is None or not match[0].strip("0."):
        raise CellError("面积应为大于0的数字（平方米），最多两位小数，如 86.50")
    return _decimal_text(match)


@lru_cache(maxsize=4096)   # a file repeats the same few dates (统计日期) on every row
def day(value: str, today: date) -> str:
    try:
        parsed = date.fromisoformat(value) if _DATE_RE.fullmatch(value) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise CellError("日期格式应为 YYYY-MM-DD，如 2026-01-31")
    if parsed.year < 1900 or parsed > today:
        raise CellError("日期不能早于1900年或晚于今天")
    return value


def text(limit: int, what: str) -> Callable[[str, date], str]:
    def parse(value: str, today: date | None = None) -> str:
        if len(value) > limit:
            raise CellError(f"{what}应为1至{limit}个字符")
        return value
    return parse


def pattern(regex: str, reason: str) -> Callable[[str, date], str]:
    compiled = re.compile(regex)

    def parse(value: str, today: date | None = None) -> str:
        if not compiled.fullmatch(value):
            raise CellError(reason)
        return value
    return parse


def choice(options: dict[str, str]) -> Callable[[str, date], str]:
    """A code, or its Chinese label (departments export either); stored as the code."""
    by_label = {label: code for code, label in options.items()}
    listed = "、".join(f"{code}（{label}）" for code, label in options.items())

    def parse(value: str, today: date | None = None) -> str:
        if value in options:
            return value
        if value in by_label:
            return by_label[value]
        raise CellError(f"取值应为：{listed}")
    return parse


def _name(value: str, today: date | None = None) -> str:
    if not re.fullmatch(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z·•. ]{1,50}", value):
        raise CellError("姓名应为1至50个汉字或字母（少数民族姓名可含“·”）")
    return value


RELATIONS = {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "grandparent": "祖父母",
             "grandchild": "孙子女", "sibling": "兄弟姐妹", "other": "其他"}
BENEFITS = {"pension": "养老金", "unemployment": "失业保险金", "other": "其他"}
VEHICLE_TYPES = {"car": "小型汽车", "truck": "货车", "motorcycle": "摩托车", "agricultural": "农用车", "other": "其他"}
CIVIL_BENEFITS = {"dibao_urban": "城市低保", "dibao_rural": "农村低保", "tekun": "特困供养", "low_income": "低收入家庭",
                  "temporary": "临时救助", "disability": "残疾人两项补贴", "other": "其他"}


def _id() -> Column:
    return Column("id_number", "身份证号码", "18位居民身份证号码，最后一位可为X，校验位须正确", id_number)


def _amount(name: str, title: str, description: str) -> Column:
    return Column(name, title, f"{description}，单位元，最多两位小数，不带千分位", money)


def _date(name: str, title: str, description: str, *, shown: bool = True) -> Column:
    return Column(name, title, f"{description}，格式 YYYY-MM-DD", day, shown=shown)


def _choice(name: str, title: str, options: dict[str, str]) -> Column:
    listed = "、".join(f"{code}（{label}）" for code, label in options.items())
    return Column(name, title, f"代码或中文：{listed}", choice(options), shown=True)


def _hukou_birth_matches(fields: dict) -> list[Problem]:
    number, born = fields["id_number"], fields["birth_date"]
    if f"{number[6:10]}-{number[10:12]}-{number[12:14]}" != born:
        return [Problem("birth_date", "出生日期与身份证号码中的出生日期不一致")]
    return []


LAYOUTS: dict[str, Layout] = {layout.kind: layout for layout in (
    Layout("hukou", "户籍", "公安户籍登记：户号、户主关系、户籍地", (
        _id(),
        Column("name", "姓名", "户籍登记的姓名", _name),
        _date("birth_date", "出生日期", "须与身份证号码中的出生日期一致", shown=False),
        Column("hukou_region_code", "户籍地区划代码", "12位统计用区划代码，如 610324106201",
               pattern(r"[0-9]{12}", "区划代码应为12位数字"), shown=True),
        Column("household_no", "户号", "户口簿上的户号（1至20位字母或数字）",
               pattern(r"[0-9A-Za-z]{1,20}", "户号应为1至20位字母或数字")),
        _choice("relation_to_head", "与户主关系", RELATIONS),
    ), key=("id_number",), cross_check=_hukou_birth_matches),
    Layout("real_estate", "不动产", "不动产登记：每本不动产权证一行", (
        _id(),
        Column("certificate_no", "不动产权证号", "不动产权证书号（1至60个字符）", text(60, "不动产权证号")),
        Column("area_m2", "建筑面积", "建筑面积，单位平方米，最多两位小数", area),
        Column("address", "坐落", "不动产坐落地址（1至200个字符）", text(200, "坐落地址")),
        _date("registered_on", "登记日期", "登簿日期"),
    ), key=("id_number", "certificate_no"), amount="area_m2", as_of="registered_on"),
    Layout("vehicles", "车辆", "公安交管机动车登记：每辆车一行", (
        _id(),
        Column("plate_no", "号牌号码", "机动车号牌，如 陕C12345、陕CD12345",
               pattern(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{4,6}[\u4e00-\u9fff]?", "号牌号码格式不正确，如 陕C12345")),
        _choice("vehicle_type", "车辆类型", VEHICLE_TYPES),
        _amount("assessed_value", "评估价值", "车辆评估价值"),
        _date("registered_on", "登记日期", "初次登记日期"),
    ), key=("plate_no",), amount="assessed_value", as_of="registered_on"),
    Layout("bank_deposits", "银行存款", "银行存款余额：每个账户一行", (
        _id(),
        Column("bank", "开户银行", "开户银行名称（1至50个字符）", text(50, "开户银行")),
        Column("account_tail", "账号后四位", "账号的最后4位数字（不收完整账号）",
               pattern(r"[0-9]{4}", "账号后四位应为4位数字")),
        _amount("balance", "余额", "截至统计日的账户余额"),
        _date("as_of", "统计日期", "余额的统计日期"),
    ), key=("id_number", "bank", "account_tail"), amount="balance", as_of="as_of"),
    Layout("securities", "证券", "证券账户市值：每个证券公司账户一行", (
        _id(),
        Column("broker", "证券公司", "证券公司名称（1至50个字符）", text(50, "证券公司")),
        _amount("market_value", "市值", "截至统计日的持仓市值"),
        _date("as_of", "统计日期", "市值的统计日期"),
    ), key=("id_number", "broker"), amount="market_value", as_of="as_of"),
    Layout("social_insurance", "社保/养老金", "人社部门的养老金、失业保险金等按月待遇", (
        _id(),
        _choice("benefit", "待遇类型", BENEFITS),
        _amount("monthly_amount", "月领取金额", "每月领取的金额"),
        _date("as_of", "统计日期", "待遇的统计日期"),
    ), key=("id_number", "benefit"), amount="monthly_amount", as_of="as_of"),
    Layout("provident_fund", "住房公积金", "住房公积金缴存：缴存基数即月工资", (
        _id(),
        _amount("wage_base", "缴存基数", "公积金缴存基数（即月工资）"),
        _amount("monthly_deposit", "月缴存额", "单位和个人合计的月缴存额"),
        _amount("balance", "账户余额", "公积金账户余额"),
        _date("as_of", "统计日期", "数据的统计日期"),
    ), key=("id_number",), amount="wage_base", as_of="as_of"),
    Layout("business_tax", "工商/税务", "市场监管登记的经营主体与税务申报收入：每个主体一行", (
        _id(),
        Column("entity_name", "经营主体名称", "企业或个体工商户名称（1至100个字符）", text(100, "经营主体名称")),
        _amount("registered_capital", "注册资本", "认缴注册资本（个体户填资金数额）"),
        _amount("annual_income", "年经营收入", "最近一个纳税年度申报的经营收入"),
        _date("as_of", "统计日期", "数据的统计日期"),
    ), key=("id_number", "entity_name"), amount="annual_income", as_of="as_of"),
    Layout("civil_affairs", "民政待遇", "已享受的民政救助待遇：每项待遇一行", (
        _id(),
        _choice("benefit_type", "待遇类型", CIVIL_BENEFITS),
        _amount("monthly_amount", "月发放金额", "每月发放的金额"),
        _date("since", "起始日期", "开始享受的日期"),
    ), key=("id_number", "benefit_type"), amount="monthly_amount", as_of="since"),
)}
KINDS = tuple(LAYOUTS)


def layout_of(kind: str) -> Layout | None:
    return LAYOUTS.get(kind)


# Files and headers ---------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (BOM or not) first, then GB18030 (a superset of GBK)."""
    if not data.strip():
        raise UploadRejected("invalid", "文件为空")
    if b"\x00" in data:
        raise UploadRejected("invalid", "文件含有空字符，不是CSV文本文件（请另存为UTF-8编码的CSV）")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise UploadRejected("invalid", "无法识别文件编码：请在表格软件中另存为“CSV UTF-8”格式后重新上传") from None


def reader(text: str):
    """A strict CSV reader: an unclosed quote is an error, not a silently merged row."""
    return csv.reader(io.StringIO(text, newline=""), strict=True)


def bind_header(layout: Layout, header: list[str]) -> tuple[list[int], list[str]]:
    """The cell index of each layout column, or the problems: missing, unknown or repeated columns."""
    by_title = {c.title: c.name for c in layout.columns}
    names = [by_title.get(h.strip(), h.strip()) for h in header]
    missing = [n for n in layout.names if n not in names]
    unknown = [h.strip() or "（空列名）" for h, n in zip(header, names) if n not in layout.names]
    repeated = sorted({n for n in names if n in layout.names and names.count(n) > 1})
    problems = []
    if missing:
        problems.append("缺少列：" + "、".join(missing))
    if unknown:
        problems.append("无法识别的列：" + "、".join(unknown[:20]))
    if repeated:
        problems.append("重复的列：" + "、".join(repeated))
    if problems:
        return [], problems
    return [names.index(n) for n in layout.names], []


# Rows ----------------------------------------------------------------------------------------

def row_parser(layout: Layout, positions: list[int], *, width: int,
               today: date | None = None) -> Callable[[list[str]], dict | list[Problem]]:
    """A parser bound to one file's header: cells → the record (column → canonical text or None),
    or the reason for every bad column. A good row takes the short path; a bad one is parsed
    again slowly so that every problem in it is named."""
    today = today or date.today()
    plan = [(c.name, c.parse, c.required, p) for c, p in zip(layout.columns, positions)]
    cross_check = layout.cross_check

    def parse(cells: list[str]) -> dict | list[Problem]:
        if len(cells) != width:
            return [Problem("_row", f"本行有{len(cells)}列，与表头的{width}列不一致")]
        fields: dict[str, str | None] = {}
        for name, parse_cell, required, position in plan:
            value = cells[position].strip()
            # decode() has refused files holding NUL, so a cell cannot carry one.
            if value and len(value) <= MAX_CELL:
                try:
                    fields[name] = parse_cell(value, today)
                    continue
                except CellError:
                    break
            if value or required:
                break
            fields[name] = None
        else:
            return (cross_check and cross_check(fields)) or fields
        return _problems(layout, cells, positions, today)
    return parse


def _problems(layout: Layout, cells: list[str], positions: list[int], today: date) -> list[Problem]:
    problems = []
    fields: dict[str, str | None] = {}
    for column, position in zip(layout.columns, positions):
        value = cells[position].strip()
        if not value:
            fields[column.name] = None
            if column.required:
                problems.append(Problem(column.name, f"{column.title}不能为空"))
        elif len(value) > MAX_CELL:
            problems.append(Problem(column.name, f"{column.title}过长（最多{MAX_CELL}个字符）"))
        else:
            try:
                fields[column.name] = column.parse(value, today)
            except CellError as error:
                problems.append(Problem(column.name, str(error)))
    return problems or (layout.cross_check and layout.cross_check(fields)) or []


def parse_row(layout: Layout, cells: list[str], *, today: date | None = None) -> dict | list[Problem]:
    """One row in the layout's own column order (tests, a single record); imports bind a row_parser."""
    return row_parser(layout, list(range(len(layout.columns))), width=len(layout.columns), today=today)(cells)


def masked(layout: Layout, column: str, cells: list[str], positions: list[int]) -> str | None:
    """What a rejection report may show of a bad cell: codes and dates as given, personal data masked."""
    if column not in layout.names or not positions:
        return None
    value = cells[positions[layout.names.index(column)]].strip() if len(cells) > max(positions) else ""
    if column == "id_number":
        return mask_id_number(value)
    if column == "name":
        return mask_name(value)
    spec = layout.columns[layout.names.index(column)]
    if spec.shown:
        # A shifted column can put an ID or phone number where a code belongs: mask long digit runs.
        return re.sub(r"\d{7,}[\dXx]?", lambda m: mask_id_number(m[0]), value[:30])
    return "*" * min(len(value), 8) if value else ""


def duplicate_problem(layout: Layout, first_line: int) -> Problem:
    keys = "、".join(c.title for c in layout.columns if c.name in layout.key)
    return Problem(layout.key[0], f"与第{first_line}行重复（{keys}相同）")


def layouts_markdown() -> str:
    """The CSV layouts as README-ready text."""
    lines = ["# 部门数据导入格式（CSV）", "",
             "UTF-8 编码（GBK/GB18030 也可自动识别），第一行为表头（列代码或中文列名均可，顺序不限），"
             "每行一条记录，以18位身份证号码为主键；金额单位为元，最多两位小数；日期格式 YYYY-MM-DD。"
             "任何一行有误，整个文件不导入，并给出有误的行号、列和原因。", ""]
    for layout in LAYOUTS.values():
        lines += [f"## {layout.title}（`{layout.kind}`）", "", layout.description, "",
                  "| 列 | 中文列名 | 必填 | 说明 |", "| --- | --- | --- | --- |"]
        lines += [f"| `{c.name}` | {c.title} | {'是' if c.required else '否'} | {c.description} |"
                  for c in layout.columns]
        lines.append("")
    return "\n".join(lines)
