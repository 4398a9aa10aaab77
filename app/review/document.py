"""The decision notice (救助决定通知书) and the archived case file (救助案卷) as PDFs, from plain data."""
import json
from datetime import date, datetime

from app.applications.domain import DOCUMENT_NAMES, STAGE_TEXT, Status
from app.common.clock import CHINA_TZ
from app.common.pdf import Pages
from app.datasources.domain import RELATIONS
from app.review.domain import OUTCOME_TEXT, STEP_TEXT
from app.review.letter_rules import ASSISTANCE_TEXT, KIND_TITLE, LetterText
from app.verification.policy.rules.income import EXPENDITURE_TEXT, KIND_TEXT as INCOME_TEXT

RELATION_TEXT = {**RELATIONS, "self": "本人"}
CONSENT_TEXT = {"pending": "尚未签署", "signed": "已签署，待工作人员确认", "confirmed": "已确认", "rejected": "已驳回",
                "revoked": "已撤回", "expired": "已过期", "superseded": "已失效"}
LETTER_STATUS_TEXT = {"pending": "待出具", "issued": "已出具"}
ASSET_TEXT = {"homes": "住房", "vehicles": "车辆", "deposits": "存款", "securities": "有价证券",
              "business_registrations": "工商登记"}


def render_letter(text: LetterText, *, verify_url: str, verify_code: str, font_path: str) -> bytes:
    pages = Pages(title=text.title, footer_url=verify_url, font_path=font_path,
                  footer_text=f"核验码 {verify_code} · 扫描右侧二维码或访问下方地址核验本通知书真伪")
    pages.heading(text.title)
    pages.paragraph(text.salutation, size=12)
    for paragraph in text.paragraphs:
        pages.paragraph("　　" + paragraph, size=11.5)
    for label, value in text.rows:
        pages.row("　　" + label, value, size=11.5)
    pages.space(18)
    for line in text.closing:
        pages.paragraph("　" * 24 + line, size=11.5)   # Pages has no right alignment: the issuer sits right
    return pages.finish()


def when(moment: datetime | date | None) -> str:
    """China time, to the minute; a date as it is."""
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


def _member_name(members: list[dict], index) -> str:
    return members[index]["name"] if index is not None and 0 <= index < len(members) else "家庭"


def declaration_lines(declared: dict, members: list[dict]) -> list[str]:
    """Incomes, assets and rigid expenditures as declared, one line each."""
    lines = []
    for income in declared.get("incomes") or []:
        age = f"（赡养人{income['supporter_age']}周岁）" if income.get("supporter_age") is not None else ""
        lines.append(f"收入：{_member_name(members, income.get('member_index'))} "
                     f"{INCOME_TEXT.get(income.get('kind'), income.get('kind'))} {income.get('monthly_amount')} 元/月{age}")
    for kind, items in (declared.get("assets") or {}).items():
        for item in items or []:
            if "area_m2" in item:
                value = f"{item['area_m2']} 平方米"
            elif "value" in item:
                value = f"{item['value']} 元"
            else:
                value = item.get("name") or json.dumps(item, ensure_ascii=False)
            lines.append(f"财产：{_member_name(members, item.get('member_index'))} {ASSET_TEXT.get(kind, kind)} {value}")
    for spending in declared.get("expenditures") or []:
        lines.append(f"刚性支出：{EXPENDITURE_TEXT.get(spending.get('kind'), spending.get('kind'))} "
                     f"{spending.get('monthly_amount')} 元/月")
    return lines or ["未申报收入、财产或刚性支出"]


def case_file_sections(archive: dict) -> list[tuple[str, list[str]]]:
    """The archive copy, section by section: every name and ID number in full (the export is audited)."""
    case, members = archive["application"], archive["members"]
    basics = [f"申请编号：{case['id']}", f"救助类型：{ASSISTANCE_TEXT.get(case['assistance_type'], case['assistance_type'])}",
              f"受理地：{case['region']}", f"当前状态：{STAGE_TEXT.get(Status(case['status']), case['status'])}",
              f"提交时间：{when(case['submitted_at'])}", f"申请理由：{case['reason']}"]
    sections = [("一、基本情况", basics)]
    sections.append(("二、家庭成员", [
        f"{m['index'] + 1}. {m['name']}，{RELATION_TEXT.get(m.get('relation'), m.get('relation'))}，"
        f"身份证号 {m.get('id_number') or '无'}，{'共同生活' if m.get('lives_together', True) else '不共同生活'}"
        for m in members]))
    sections.append(("三、申报情况（告知承诺）", declaration_lines(archive["declared"], members)))
    sections.append(("四、申请材料", [
        f"{DOCUMENT_NAMES.get(d['kind'], d['kind'])}，上传于 {when(d['uploaded_at'])}，SHA-256 {d['sha256']}"
        for d in archive["documents"]] or ["无"]))
    sections.append(("五、核对授权", [
        f"{_member_name(members, a['member_index'])}：{CONSENT_TEXT.get(a['status'], a['status'])}"
        f"{'（监护人代签）' if a['by_guardian'] else ''}，签署于 {when(a['signed_at'])}，"
        f"授权书核验码 {a['verify_code'] or '—'}" for a in archive["authorizations"]] or ["无"]))
    sections.append(("六、家庭经济状况核对报告", [
        f"核对 {c['id']}（{when(c['finished_at'])}）：{c['conclusion'] or c['status']}；"
        f"测算月保障金额 {c['suggested_amount'] + ' 元' if c['suggested_amount'] else '—'}；"
        f"报告核验码 {c['verify_code'] or '尚未出具签章报告'}" for c in archive["checks"]] or ["无"]))
    sections.append(("七、入户调查", [
        f"{when(v['visited_on'])}，调查人 {'、'.join(v['visitors'])}：{v['findings']}" for v in archive["visits"]]
        or ["无"]))
    sections.append(("八、审核审批意见", [_decision_line(d) for d in archive["decisions"]] or ["无"]))
    sections.append(("九、公示异议", [
        f"{when(o['filed_at'])} 异议：{o['content']}；答复（{when(o['answered_at'])}）：{o['answer'] or '尚未答复'}"
        for o in archive["objections"]] or ["无"]))
    sections.append(("十、决定通知书", [
        f"{KIND_TITLE[t['kind']]}：{LETTER_STATUS_TEXT[t['status']]}，应于 {when(t['due_on'])} 前送达，"
        f"出具于 {when(t['issued_at'])}，核验码 {t['verify_code'] or '—'}" for t in archive["letters"]] or ["无"]))
    sections.append(("十一、办理过程", [f"{when(e['at'])} {e['text']}" for e in archive["events"]] or ["无"]))
    return sections


def _decision_line(decision: dict) -> str:
    step = STEP_TEXT.get(Status(decision["step"]), decision["step"])
    line = f"{when(decision['decided_at'])} {step}：{OUTCOME_TEXT.get(decision['outcome'], decision['outcome'])}"
    if decision["amount"] is not None:
        line += f"，核定金额 {decision['amount']} 元"
    if decision["reason"]:
        line += f"，理由：{decision['reason']}"
    if decision["items"]:
        line += f"，需补充：{'、'.join(decision['items'])}"
    return line


def render_case_file(archive: dict, *, verify_url: str, verify_code: str, font_path: str) -> bytes:
    exported = archive["exported"]
    pages = Pages(title="救助案卷", footer_url=verify_url, font_path=font_path,
                  footer_text=f"核验码 {verify_code} · 归档副本，含完整个人信息，仅限存档使用")
    pages.heading("社会救助案卷（一户一档）")
    pages.paragraph(f"导出时间：{when(exported['at'])}　导出人：{exported['by']}　导出事由：{exported['reason']}",
                    size=9.5)
    for heading, lines in case_file_sections(archive):
        pages.space(4)
        pages.heading(heading, size=12.5)
        for line in lines:
            pages.paragraph(line, size=10)
    return pages.finish()
