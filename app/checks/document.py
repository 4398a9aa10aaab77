"""The check report (核对报告) as a PDF, rendered from the immutable report JSON."""
from datetime import datetime

from app.checks.domain import SOURCE_TEXT
from app.common.pdf import Pages
from app.datasources.domain import LAYOUTS

FINDING_TEXT = {"pass": "通过", "fail": "不通过", "missing": "缺少数据", "info": "说明"}


def render(report: dict, *, verify_url: str, verify_code: str, font_path: str) -> bytes:
    pages = Pages(title="家庭经济状况核对报告", footer_url=verify_url, font_path=font_path,
                  footer_text=f"核验码 {verify_code} · 扫描右侧二维码或访问下方地址核验本报告真伪")
    pages.heading("家庭经济状况核对报告")
    checked_at = datetime.fromisoformat(report["checked_at"])
    pages.row("核对编号", f"{report['check_id']}（申请 {report['application_id']}）")
    pages.row("核对日期", checked_at.strftime("%Y-%m-%d"))
    pages.row("家庭成员", "、".join(f"{m['name']}（{m['id_number'] or '无证件号'}）" for m in report["members"]))
    pages.row("结论", report["conclusion"])
    assessment = report["assessment"]
    if assessment["per_capita_income"] is not None:
        pages.row("家庭月人均收入（核对）", f"{assessment['per_capita_income']} 元")
    if assessment["suggested_monthly_amount"] is not None:
        pages.row("测算月保障金额", f"{assessment['suggested_monthly_amount']} 元")
    pages.space(6)
    pages.heading("申报与核对比对", size=13)
    for row in report["comparisons"]:
        mark = {True: "一致", False: "不一致", None: "未核对"}[row["consistent"]]
        pages.paragraph(f"［{mark}］{row['explanation']}", size=10)
    pages.space(6)
    pages.heading("政策规则适用", size=13)
    for finding in assessment["findings"]:
        pages.paragraph(f"{finding['code']} {finding['title']}［{FINDING_TEXT.get(finding['outcome'], finding['outcome'])}］："
                        f"{finding['explanation']}", size=10)
    pages.space(6)
    pages.heading("部门数据", size=13)
    unavailable = [s["source"] for s in report["sources"] if not s["available"]]
    if unavailable:
        pages.paragraph("以下数据源不可用（未接入或未答复），相关项目未核对：" + "、".join(unavailable), size=10)
    for record in report["records"]:
        titles = {c.name: c.title for c in LAYOUTS[record["kind"]].columns} if record["kind"] in LAYOUTS else {}
        details = "，".join(f"{titles.get(key, key)}：{value}" for key, value in record["fields"].items()
                           if key != "id_number" and value is not None)
        pages.paragraph(f"{record['member']} · {SOURCE_TEXT.get(record['kind'], record['kind'])}"
                        f"（截至 {record['as_of'] or '—'}）：{details}", size=9.5)
    if not report["records"]:
        pages.paragraph("各可用数据源均未查到相关记录。", size=10)
    return pages.finish()
