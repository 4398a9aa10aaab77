"""The caseworker console in a desktop browser: log-in (with and without TOTP), the queue, the case
file, signature confirmation, a check and its report, a home visit, the three decisions (and a return,
a refusal, a stale file), the public notice preview and the dashboard. Data is set up through the API
(console_steps); each step is screenshotted under test-artifacts/browser/<test>/."""
import re

from tests.browser.api_steps import checked_case, confirmed_case, png_bytes, signed_case, staff_call, staff_token
from tests.browser.console_steps import confirm_signatures, decide, log_in, log_out, open_case, record_visit, run_check


def watch_errors(page):
    """Script errors and refused loads (CSP) on the page; 4xx answers the page handles are expected."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text else None)
    return errors


def loaded_images(page, selector: str) -> list[int]:
    page.wait_for_function(f"""() => {{ const all = [...document.querySelectorAll({selector!r})];
        return all.length && all.every(i => i.complete && i.naturalWidth > 0) }}""")
    return page.eval_on_selector_all(selector, "all => all.map(i => i.naturalWidth)")


def test_log_in_wrong_password_then_a_village_worker_and_log_out(desktop, live, shot):
    page = desktop.new_page()
    errors = watch_errors(page)
    log_in(page, live, "village.gaojia", password="Wrong-password-1", expect_ok=False)
    page.locator("[data-test=login-error]").wait_for()
    assert "用户名或密码错误" in page.locator("[data-test=login-error]").inner_text()
    shot(page, "wrong-password")

    log_in(page, live, "village.qinglong")
    header = page.locator("[data-test=current-user]")
    assert "村（居）经办人" in header.inner_text() and "青龙村" in header.inner_text()
    assert page.get_by_role("menuitem", name="待办案件").is_visible()
    assert page.title() == "待办案件 - 社会救助审核工作台"
    shot(page, "queue")
    log_out(page)
    assert page.get_by_label("用户名").is_visible()
    assert not errors, errors


def test_log_in_with_totp(desktop, live, shot):
    page = desktop.new_page()
    page.goto("/console")
    page.get_by_label("用户名").fill("district.fufeng")
    page.get_by_label("密码").fill(live.logins["district.fufeng"][0])
    page.get_by_role("button", name="登录").click()
    page.get_by_label("动态码").wait_for()
    assert "动态码" in page.content()
    shot(page, "totp-asked")
    page.get_by_label("动态码").fill("000000" if live.totp("district.fufeng") != "000000" else "111111")
    page.get_by_role("button", name="登录").click()
    page.locator("[data-test=login-error]").wait_for()
    assert "动态码错误" in page.locator("[data-test=login-error]").inner_text()
    shot(page, "totp-wrong")
    log_in(page, live, "district.fufeng")
    header = page.locator("[data-test=current-user]").inner_text()
    assert "县（区）民政经办人" in header and "扶风县" in header
    shot(page, "logged-in")


def test_admin_sees_only_the_notice_preview(desktop, live, shot):
    page = desktop.new_page()
    log_in(page, live, "admin.baoji")
    page.wait_for_url(re.compile("#/notices"))
    assert page.get_by_role("menuitem").count() == 1
    page.locator("[data-test=notices]").wait_for()
    shot(page, "admin-notices")


def test_queue_filters_and_the_case_file(desktop, live, shot):
    _, application = checked_case(live)
    page = desktop.new_page()
    errors = watch_errors(page)
    log_in(page, live, "village.qinglong")
    table = page.locator("[data-test=queue-table]")
    table.get_by_role("cell", name=str(application["id"]), exact=True).wait_for()
    # Filter: the village review stage, 农村低保, not overdue, due within 60 working days.
    page.locator("[data-test=filter-stage]").click()
    page.get_by_role("option", name="村（居）审核").click()
    page.locator("[data-test=filter-type]").click()
    page.get_by_role("option", name="农村低保").click()
    page.locator("[data-test=filter-due-within] input").fill("60")
    page.get_by_role("button", name="查询").click()
    row = table.locator("tr", has=page.get_by_role("cell", name=str(application["id"]), exact=True))
    row.wait_for()
    assert "张*" in row.inner_text() and "村（社区）审核" in row.inner_text() and "个工作日" in row.inner_text()
    shot(page, "queue-filtered")
    page.locator("[data-test=filter-type]").click()
    page.get_by_role("option", name="临时救助").click()
    page.get_by_role("button", name="查询").click()
    table.get_by_text("没有符合条件的案件").wait_for()

    page.locator("[data-test=filter-type]").click()
    page.get_by_role("option", name="农村低保").click()
    page.locator("[data-test=filter-overdue]").click()
    page.get_by_role("option", name="仅看超期").click()
    page.get_by_role("button", name="查询").click()
    table.get_by_text("没有符合条件的案件").wait_for()
    page.get_by_role("button", name="重置").click()
    page.locator("[data-test=filter-mine]").click()   # the village's own step: 村（社区）审核
    table.locator("tr", has=page.get_by_role("cell", name=str(application["id"]), exact=True)).click()
    page.wait_for_url(re.compile(rf"#/cases/{application['id']}$"))
    page.locator("[data-test=case-loaded]").wait_for(state="attached")
    members = page.locator("[data-test=members]").inner_text()
    assert "张*" in members and "610324199001011230" not in members
    assert "案件档案" in page.title() and "张" not in page.title() and "张" not in page.url
    shot(page, "case-file")
    for name in ("授权签署", "核对报告", "办理记录"):
        page.get_by_role("tab", name=name).click()
        shot(page, f"case-{name}")
    page.get_by_role("tab", name="家庭情况").click()
    page.get_by_role("button", name="查看完整信息").click()
    page.locator(".el-message-box input").fill("入户核实身份")
    page.locator(".el-message-box").get_by_role("button", name="查看").click()
    page.locator("[data-test=members]", has_text="610324199001011230").wait_for()
    page.locator(".el-message-box").wait_for(state="detached")
    assert "610324199001011230" not in page.url
    shot(page, "case-revealed")
    assert not errors, errors


def test_confirm_a_signature_beside_the_identity(desktop, live, shot):
    applicant, application = signed_case(live)
    page = desktop.new_page()
    log_in(page, live, "township.duanjia")
    open_case_tab = page  # the case is still authorizing: not in the queue, but its file opens by number
    open_case(open_case_tab, application["id"])
    page.get_by_role("tab", name="授权签署").click()
    page.locator("[data-test=review-signature]").first.click()
    dialog = page.locator("[data-test=signature-dialog]")
    assert loaded_images(page, "[data-test=signature-image]")[0] > 0
    assert "张*" in dialog.locator("[data-test=identity-evidence]").inner_text()
    loaded_images(page, "[data-test=signature-dialog] .evidence-img")
    shot(page, "signature-beside-identity")
    dialog.get_by_role("button", name="关闭", exact=True).click()
    confirm_signatures(page, application["id"])
    statuses = page.locator("[data-test=authorization-status]").all_inner_texts()
    assert statuses == ["已确认", "已确认"], statuses
    shot(page, "confirmed")
    assert {row["status"] for row in applicant.authorizations(application["id"])} == {"confirmed"}


def test_reject_a_signature_with_a_reason(desktop, live, shot):
    applicant, application = signed_case(live)
    page = desktop.new_page()
    log_in(page, live, "village.qinglong")
    open_case(page, application["id"])
    page.get_by_role("tab", name="授权签署").click()
    page.locator("[data-test=review-signature]").first.click()
    dialog = page.locator("[data-test=signature-dialog]")
    dialog.get_by_role("button", name="驳回").click()
    dialog.get_by_label("驳回理由").fill("签名与本人姓名不符")
    shot(page, "reject-reason")
    dialog.get_by_role("button", name="确认驳回").click()
    dialog.wait_for(state="hidden")
    page.locator("[data-test=authorization-status]", has_text="已驳回").wait_for()
    shot(page, "rejected")
    assert applicant.authorizations(application["id"])[0]["status"] == "rejected"
    # The member signs again: a new link and its QR code, shown to scan on the spot.
    page.locator("[data-test=invite]").first.click()
    invite = page.locator("[data-test=invite-dialog]")
    invite.get_by_role("button", name="生成签署二维码").click()
    assert loaded_images(page, "[data-test=invite-qr]")[0] > 100
    assert "扫描二维码" in invite.inner_text()   # staff get the QR code, not the link itself
    shot(page, "invite-qr")


def test_check_needs_consent_then_runs_and_shows_the_report(desktop, live, shot):
    _, unconfirmed = signed_case(live)
    _, application = confirmed_case(live)
    page = desktop.new_page()
    errors = watch_errors(page)
    log_in(page, live, "checker.fufeng")

    open_case(page, unconfirmed["id"])
    page.get_by_role("button", name="发起核对").click()
    page.locator("[data-test=missing-members]").wait_for()
    assert "授权已签署、待工作人员确认" in page.locator("[data-test=missing-members]").inner_text()
    shot(page, "consent-missing")

    run_check(page, application["id"])
    report = page.locator("[data-test=check-report]")
    assert report.locator("[data-test=report-conclusion]").inner_text().strip()
    assert "1260.00" in report.locator("[data-test=report-amount]").inner_text()
    findings = report.locator("[data-test=report-findings]").inner_text()
    assert "ELG-003" in findings and "INC-005" in findings
    assert "存款" in report.locator("[data-test=report-comparisons]").inner_text()
    assert "已核对" in report.locator("[data-test=report-sources]").inner_text()
    shot(page, "report")
    report.locator("[data-test=report-pdf]").click()
    frame = page.locator("[data-test=report-frame]")
    frame.wait_for()
    assert frame.get_attribute("src").startswith("blob:")
    shot(page, "report-pdf")
    assert not errors, errors


def test_home_visit_with_a_photo(desktop, live, shot, tmp_path):
    _, application = checked_case(live)
    photo = tmp_path / "visit.png"
    photo.write_bytes(png_bytes(320, 240, (90, 140, 60)))
    page = desktop.new_page()
    log_in(page, live, "village.qinglong")
    open_case(page, application["id"])
    page.get_by_role("tab", name="入户调查").click()
    page.get_by_role("button", name="登记入户调查").click()
    dialog = page.locator("[data-test=visit-dialog]")
    dialog.locator("[data-test=visitor] input").nth(0).fill("王建国")
    dialog.get_by_label("调查情况").fill("入户查看")
    dialog.get_by_role("button", name="保存").click()
    dialog.get_by_text("入户调查须至少2人").wait_for()
    dialog.locator("[data-test=visitor] input").nth(1).fill("李红梅")
    dialog.locator("[data-test=visit-photos] input[type=file]").set_input_files(str(photo))
    shot(page, "visit-form")
    dialog.get_by_role("button", name="保存").click()
    dialog.wait_for(state="hidden")
    visit = page.locator("[data-test=visit]")
    visit.wait_for()
    assert "王建国、李红梅" in visit.inner_text()
    assert loaded_images(page, "[data-test=visit-photo]") == [320]
    shot(page, "visit-recorded")


def test_three_decisions_then_the_notice(desktop, live, shot):
    applicant, application = checked_case(live)
    case = application["id"]
    page = desktop.new_page()
    errors = watch_errors(page)
    log_in(page, live, "village.qinglong")
    decide(page, case, "village_review", "approve")
    shot(page, "village-approved")
    log_out(page)

    log_in(page, live, "township.duanjia")
    open_case(page, case)
    page.get_by_role("tab", name="审核决定").click()
    page.locator("[data-test=decision-form] [data-test=outcome-approve]").click()
    page.get_by_role("button", name="提交决定").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    page.locator("[data-test=decision-problem]", has_text="尚未登记入户调查").wait_for()
    page.locator(".el-message-box").wait_for(state="detached")
    shot(page, "township-needs-visit")
    page.get_by_role("button", name="去登记入户调查").click()
    page.get_by_role("button", name="登记入户调查").wait_for()
    record_visit(page, case)
    open_case(page, case)
    page.get_by_role("tab", name="审核决定").click()
    form = page.locator("[data-test=decision-form]")
    assert form.get_by_label("月保障金额").input_value() == "1260.00"   # the report's suggestion
    form.get_by_label("月保障金额").fill("1200.00")
    form.get_by_role("button", name="提交决定").click()
    form.get_by_text("须写明理由").wait_for()
    form.get_by_label("理由").fill("家中另有零星收入，酌情核减")
    form.get_by_role("button", name="提交决定").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    form.wait_for(state="detached")
    shot(page, "township-confirmed")
    log_out(page)

    log_in(page, live, "district.fufeng")
    open_case(page, case)
    page.get_by_role("tab", name="审核决定").click()
    assert form.get_by_label("月保障金额").input_value() == "1200.00"   # as the township set it
    decide(page, case, "district_filing", "approve", reason="同意乡镇（街道）核减意见")
    page.locator("[data-test=case-status]", has_text="已批准").wait_for()
    decisions = page.locator("[data-test=decisions]").inner_text()
    assert "1200.00" in decisions and decisions.count("通过") == 3
    shot(page, "district-filed")
    assert applicant.status(case) == "approved"
    page.get_by_role("tab", name="通知书与异议").click()
    page.get_by_text("救助决定通知书（准予救助）").wait_for()
    shot(page, "decision-notice")

    page.get_by_role("menuitem", name="公示预览").click()
    notices = page.locator("[data-test=notices]")
    notices.get_by_text("1200.00 元").first.wait_for()
    assert "青龙村" in notices.inner_text() and "张*" in notices.inner_text()
    shot(page, "notice")
    assert not errors, errors


def test_return_with_the_items_to_add(desktop, live, shot):
    applicant, application = checked_case(live)
    page = desktop.new_page()
    log_in(page, live, "village.qinglong")
    decide(page, application["id"], "village_review", "return", reason="收入情况需进一步核实",
           items=["近三个月工资流水", "村委会出具的收入证明"])
    page.locator("[data-test=case-status]", has_text="退回").wait_for()
    assert "近三个月工资流水、村委会出具的收入证明" in page.locator("[data-test=decisions]").inner_text()
    shot(page, "returned")
    assert applicant.status(application["id"]) == "returned"


def test_a_stale_file_is_refused_and_reloaded(desktop, live, shot):
    applicant, application = checked_case(live)
    case = application["id"]
    page = desktop.new_page()
    log_in(page, live, "village.qinglong")
    open_case(page, case)
    page.get_by_role("tab", name="审核决定").click()
    # Someone else decides meanwhile: the page's ETag is now stale.
    token = staff_token(live, "village.qinglong")
    etag = staff_call(live, token, "GET", f"/staff/cases/{case}").headers["ETag"]
    staff_call(live, token, "POST", f"/staff/cases/{case}/decisions", headers={"If-Match": etag},
               json={"step": "village_review", "outcome": "approve"})
    form = page.locator("[data-test=decision-form]")
    form.get_by_role("button", name="提交决定").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    page.locator(".el-message--error", has_text="该案件已被他人更新，请刷新后重试").wait_for()
    page.locator("[data-test=case-status]", has_text="乡镇").wait_for()
    page.locator(".el-message-box").wait_for(state="detached")
    shot(page, "stale")
    assert applicant.status(case) == "township_confirmation"
    assert len(staff_call(live, token, "GET", f"/staff/cases/{case}").json()["decisions"]) == 1


def test_dashboard_charts(desktop, live, shot):
    checked_case(live)
    page = desktop.new_page()
    errors = watch_errors(page)
    log_in(page, live, "township.duanjia")
    page.get_by_role("menuitem", name="统计看板").click()
    page.locator("[data-test=stat-cards]").wait_for()
    widths = loaded_images(page, "[data-test^=chart-]")
    assert len(widths) == 3 and all(width > 100 for width in widths)
    shot(page, "dashboard")
    assert not errors, errors


def test_the_township_refuses_with_a_reason(desktop, live, shot):
    applicant, application = checked_case(live)
    token = staff_token(live, "village.qinglong")
    etag = staff_call(live, token, "GET", f"/staff/cases/{application['id']}").headers["ETag"]
    staff_call(live, token, "POST", f"/staff/cases/{application['id']}/decisions", headers={"If-Match": etag},
               json={"step": "village_review", "outcome": "approve"})
    page = desktop.new_page()
    log_in(page, live, "township.duanjia")
    open_case(page, application["id"])
    page.get_by_role("tab", name="审核决定").click()
    form = page.locator("[data-test=decision-form]")
    form.locator("[data-test=outcome-reject]").click()
    form.get_by_role("button", name="提交决定").click()
    form.get_by_text("须写明理由").wait_for()   # checked before anything is sent
    decide(page, application["id"], "township_confirmation", "reject", reason="家庭人均收入超过当地低保标准")
    page.locator("[data-test=case-status]", has_text="未获批准").wait_for()
    shot(page, "refused")
    assert applicant.status(application["id"]) == "rejected"


def test_the_auditor_reads_but_does_not_act(desktop, live, shot):
    _, application = signed_case(live)
    page = desktop.new_page()
    log_in(page, live, "auditor.baoji")
    assert page.get_by_role("menuitem", name="案件查阅").is_visible()
    open_case(page, application["id"])
    page.get_by_role("tab", name="授权签署").click()
    page.locator("[data-test=authorizations]").get_by_text("已签署，待确认").first.wait_for()
    assert not page.locator("[data-test=review-signature]").count()
    assert not page.locator("[data-test=invite]").count()
    page.get_by_role("tab", name="审核决定").click()
    assert not page.locator("[data-test=decision-form]").count()
    shot(page, "auditor")
