"""The applicant H5 on a phone: WeChat log-in through the fake OAuth page, the wizard for the demo
family, submission, invitations with QR codes, the timeline and the inbox; SMS log-in in an ordinary
mobile browser; large-text mode; a wrong ID number caught under its field with nothing saved."""
import copy
import re

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (make install)")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.applicant_steps import (DEMO_FAMILY, apply, invite_links, log_in_with_sms, log_in_with_wechat,
                                           select, start_application)  # noqa: E402
from tests.browser.conftest import PHONE  # noqa: E402

PERSONAL = ["张三", "张小明", "王秀英", "610324199001011230", "13800138000", "13900139000"]


def no_personal_data_in(page):
    for text in PERSONAL:
        assert text not in page.url and text not in page.title(), (text, page.url, page.title())


def test_apply_for_the_demo_family_invite_and_follow_it(phone, live, shot, tmp_path):
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in_with_wechat(page, "zhangsan", shot)
    shot(page, "home")

    application_id = apply(page, DEMO_FAMILY, shot, tmp_path)
    no_personal_data_in(page)
    status = page.locator(".status-card")
    expect(status).to_contain_text("等待家庭成员授权")
    expect(status).to_contain_text("下一步")
    expect(status).to_contain_text(re.compile(r"剩余 \d+ 个工作日"))
    expect(page.locator(".timeline")).to_contain_text("已提交申请")
    # 张三 and 王秀英 sign for themselves; 张小明 is 16, so his guardian 张三 signs for him.
    rows = page.locator(".authorization")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("由监护人")
    expect(rows.first).to_contain_text("待签署")
    shot(page, "timeline")

    links = invite_links(page, application_id, shot)
    assert len(links) == 3 and len(set(links)) == 3
    assert all(link.startswith(f"{live.url}/sign/") for link in links), links

    # The share link is copied for pasting into a chat.
    page.locator(".authorization .invite").first.click()
    popup = page.locator(".invite-popup")
    expect(popup.locator(".qr img")).to_be_visible()
    link = popup.locator(".link-input").input_value()
    popup.get_by_role("button", name="复制链接").click()
    expect(popup.get_by_role("button", name="已复制")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    shot(page, "link-copied")
    # Or texted to the signer's own phone on file: a new link, the old one dies.
    before = len(live.sms("13800138000"))
    popup.get_by_role("button", name="改为短信发送给TA").click()
    expect(popup.locator(".link-input")).not_to_have_value(link)
    expect(popup.get_by_role("button", name="改为短信发送给TA")).to_have_count(0)
    for _ in range(50):
        if len(live.sms("13800138000")) > before:
            break
        page.wait_for_timeout(100)
    assert len(live.sms("13800138000")) == before + 1
    popup.locator(".van-popup__close-icon").click()

    page.goto("/#/applications")
    expect(page.locator(".application-row")).to_have_count(1)
    expect(page.locator(".application-row")).to_contain_text("等待授权")
    shot(page, "my-applications")

    page.goto("/#/inbox")
    expect(page.locator(".message").first).to_be_visible()
    expect(page.locator(".inbox")).to_contain_text("已提交申请")
    expect(page.locator(".inbox")).to_contain_text("等待家庭成员授权")
    shot(page, "inbox")

    # The household entered once is offered again for the next application (masked: the server keeps it).
    page.goto("/#/apply")
    page.locator(".van-cell", has_text="临时救助").first.click()
    select(page, page, "救助类型", "急难型")
    select(page, page, "困难原因", "疾病")
    expect(page.get_by_label("户籍所在村", exact=True)).to_have_value(re.compile("青龙村"))
    page.get_by_label("申请原因", exact=True).fill("老人住院，急需医疗费")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("家庭成员（沿用上次）")).to_be_visible()
    reused = page.locator(".reused-household")
    expect(reused.locator(".van-cell")).to_have_count(3)
    expect(reused).to_contain_text("张*")
    expect(reused).not_to_contain_text("610324199001011230")
    shot(page, "household-reused")
    no_personal_data_in(page)
    # Nothing refused by the page CSP, no script errors (a missing favicon aside).
    assert not [e for e in errors if "404" not in e], errors


def test_sms_log_in_in_an_ordinary_mobile_browser_and_large_text(browser, live, shot):
    ordinary = {**PHONE, "user_agent": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                                        "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36")}
    context = browser.new_context(base_url=live.url, **ordinary)
    try:
        page = context.new_page()
        page.goto("/")
        # Outside WeChat: both ways in, no redirect.
        expect(page.get_by_role("button", name="微信授权登录")).to_be_visible()
        expect(page.get_by_label("手机号")).to_be_visible()
        shot(page, "login")

        title = page.locator(".login-head h1")
        hint = page.locator(".hint").last
        before = [el.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") for el in (title, hint)]
        page.get_by_role("button", name="大字版").click()
        expect(page.locator("html.large-text")).to_have_count(1)
        after = [el.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") for el in (title, hint)]
        assert after[1] > before[1], (before, after)
        shot(page, "login-large-text")

        log_in_with_sms(page, live, "13700137000", shot)
        # The choice stays on this phone, on every screen.
        expect(page.locator("html.large-text")).to_have_count(1)
        cell = page.locator(".van-grid-item__text").first
        assert cell.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16
        shot(page, "home-large-text")
        page.get_by_role("button", name="标准字").click()
        expect(page.locator("html.large-text")).to_have_count(0)

        # Real-name binding, with the ID number's check digit checked on the server.
        page.goto("/#/me")
        page.get_by_label("姓名").fill("郑桂兰")
        page.get_by_label("身份证号").fill("610324194010050029")
        page.get_by_role("button", name="提交认证").click()
        expect(page.get_by_text("身份证号码校验位不正确")).to_be_visible()
        page.get_by_label("身份证号").fill("610324194010050028")
        page.get_by_role("button", name="提交认证").click()
        expect(page.locator(".van-cell", has_text="实名状态")).to_contain_text("已实名")
        shot(page, "real-name")
    finally:
        context.close()


def test_a_wrong_id_number_is_shown_under_its_field_and_nothing_is_saved(phone, live, shot):
    page = phone.new_page()
    log_in_with_wechat(page, "lisi")
    family = copy.deepcopy(DEMO_FAMILY)
    family["members"] = family["members"][:1]
    family["members"][0]["id_number"] = "610324199001011231"   # wrong check digit
    start_application(page, family)
    page.get_by_role("button", name="保存并继续").click()
    card = page.locator(".member-card[data-index='0']")
    expect(card).to_be_visible()
    expect(card.locator(".van-field__error-message")).to_contain_text(re.compile("校验|身份证"))
    shot(page, "id-number-error")
    # What was typed is still there, on this phone only.
    expect(card.get_by_label("姓名", exact=True)).to_have_value("张三")
    page.goto("/#/applications")
    expect(page.get_by_text("还没有申请")).to_be_visible()
    # Back in the wizard, the draft is where it was.
    page.goto("/#/apply")
    id_field = page.locator(".member-card[data-index='0']").get_by_label("身份证号", exact=True)
    expect(id_field).to_have_value("610324199001011231")

    # Corrected, the draft is kept on the server too, and can be taken up again on another phone.
    id_field.fill("610324199001011230")
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存并继续").click()
    expect(page.get_by_text("请拍照或从相册选择证件照片")).to_be_visible()
    page.goto("/#/applications")
    expect(page.locator(".application-row")).to_contain_text("草稿")
    page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('shjz.applyDraft')).forEach(k => localStorage.removeItem(k))")
    page.locator(".application-row").click()
    page.get_by_role("button", name="继续填写").click()
    expect(page.locator(".reused-household .van-cell")).to_have_count(1)
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".income-row").get_by_label("月收入（元）", exact=True)).to_have_value("300.00")
    shot(page, "draft-taken-up-again")
    page.get_by_role("button", name="上一步").click()
    page.get_by_role("button", name="上一步").click()
    expect(page.get_by_label("申请原因", exact=True)).to_have_value(DEMO_FAMILY["reason"])


def test_an_application_page_of_someone_else_is_not_found(phone, live):
    page = phone.new_page()
    log_in_with_wechat(page, "wangwu")
    page.goto("/#/applications/1")
    expect(page.get_by_text("没有找到这份申请")).to_be_visible()


def test_a_code_that_comes_back_with_a_foreign_state_is_not_used(phone, live, shot):
    """A link someone else made (login CSRF) carries a code but not this tab's state: refused, and the
    code leaves the address bar; inside WeChat the page then offers both ways in rather than looping."""
    page = phone.new_page()
    page.goto("/?code=mallory-1&state=forged#wechat_redirect")
    expect(page.get_by_text("登录请求已失效，请重新登录")).to_be_visible()
    assert "code=" not in page.url and page.url.endswith("#/login"), page.url
    expect(page.get_by_role("button", name="微信授权登录")).to_be_visible()
    expect(page.get_by_role("button", name="使用手机验证码登录")).to_be_visible()
    shot(page, "foreign-state")
