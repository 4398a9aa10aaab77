"""Reusable steps for the caseworker console: what a caseworker does in the browser (log in, open a
case, confirm, check, visit, decide); the data comes from api_steps. The steps find things by their
visible Chinese labels and by data-test marks."""
import re
import time

from tests.browser.api_steps import next_totp


def log_in(page, live, username: str, *, password: str | None = None, expect_ok: bool = True):
    """Log in on /console; the page asks for a TOTP code when the account needs one. Too many log-ins
    from this address in a minute (the server's limit) and the step waits and tries again."""
    for _ in range(20):
        page.goto("/console#/login")
        page.reload()
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password if password is not None else live.logins[username][0])
        page.get_by_role("button", name="登录").click()
        page.locator("[data-test=current-user], [data-test=login-error], [data-test=totp-field]").first.wait_for()
        if page.locator("[data-test=totp-field]").count() and not page.locator("[data-test=login-error]").count():
            page.get_by_label("动态码").fill(next_totp(live, username))
            page.get_by_role("button", name="登录").click()
            page.locator("[data-test=current-user], [data-test=login-error]").first.wait_for()
        if page.locator("[data-test=current-user]").count():
            page.wait_for_url(re.compile(r"#/(queue|dashboard|notices)"))
            return
        message = page.locator("[data-test=login-error]").inner_text()
        if "动态码错误" in message and expect_ok:
            continue   # another step of the session used this code already: the next one will do
        if "频繁" not in message:
            assert not expect_ok, message
            return
        time.sleep(5)
    raise AssertionError(f"could not log in as {username}")


def log_out(page):
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile("#/login$"))
    page.get_by_label("用户名").wait_for()


def open_case(page, application_id: int):
    """The case file, freshly loaded (a reload when the page shows it already)."""
    if page.url.endswith(f"#/cases/{application_id}"):
        page.reload()
    else:
        page.goto(f"/console#/cases/{application_id}")
    page.locator(f"[data-test=case-title]:has-text('第 {application_id} 号')").wait_for()
    page.locator("[data-test=case-loaded]").wait_for(state="attached")


def confirm_signatures(page, application_id: int):
    """Open each signed authorization, look at the handwriting beside the identity, confirm."""
    open_case(page, application_id)
    page.get_by_role("tab", name="授权签署").click()
    buttons = page.locator("[data-test=review-signature]")
    while buttons.count():
        buttons.first.click()
        dialog = page.locator("[data-test=signature-dialog]")
        dialog.locator("img[data-test=signature-image]").wait_for()
        page.wait_for_function("() => { const i = document.querySelector('[data-test=signature-image]');"
                               " return i && i.complete && i.naturalWidth > 0 }")
        dialog.get_by_role("button", name="确认签名真实").click()
        dialog.wait_for(state="hidden")
        page.locator("[data-test=case-loaded]").wait_for(state="attached")


def run_check(page, application_id: int):
    """As the verification officer: request the check, wait for it, open the report."""
    open_case(page, application_id)
    page.get_by_role("button", name="发起核对").click()
    page.locator("[data-test=check-report]").wait_for(timeout=30000)


def record_visit(page, application_id: int, *, visitors=("王建国", "李红梅"), findings="入户查看，家中确实困难，与申报情况一致"):
    open_case(page, application_id)
    page.get_by_role("tab", name="入户调查").click()
    page.get_by_role("button", name="登记入户调查").click()
    dialog = page.locator("[data-test=visit-dialog]")
    for index, name in enumerate(visitors):
        dialog.locator("[data-test=visitor] input").nth(index).fill(name)
    dialog.get_by_label("调查情况").fill(findings)
    dialog.get_by_role("button", name="保存").click()
    dialog.wait_for(state="hidden")


STEP_TEXT = {"village_review": "村（居）审核", "township_confirmation": "乡镇（街道）确认", "district_filing": "县（区）备案"}


def decide(page, application_id: int, step: str, outcome: str = "approve", *, reason: str = "",
           amount: str | None = None, items=()):
    """Make the decision of `step` (the case's current stage) through the form: approve, reject or return."""
    open_case(page, application_id)
    page.get_by_role("tab", name="审核决定").click()
    form = page.locator("[data-test=decision-form]")
    assert form.locator("[data-test=decision-step]").inner_text() == STEP_TEXT[step]
    form.locator(f"[data-test=outcome-{outcome}]").click()
    if amount is not None:
        form.get_by_label("月保障金额").fill(amount)
    if reason:
        form.get_by_label("理由").fill(reason)
    for index, item in enumerate(items):
        if index:
            form.get_by_role("button", name="添加一项").click()
        form.locator("[data-test=return-item] input").nth(index).fill(item)
    form.get_by_role("button", name="提交决定").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    page.locator(".el-message--success", has_text="已提交").last.wait_for()
    page.locator("[data-test=decision-form]").wait_for(state="detached")
    page.locator(".el-message-box").wait_for(state="detached")
