"""The signing page on a phone (390×844, touch): a member who never used the app opens the link,
reads the letter, proves who they are, signs with a finger and gets the verify code — and every way
it can go wrong is said in plain words."""
import re

import pytest
import requests

from tests.browser import signer_steps as steps
from tests.browser.api_steps import LI_JUAN_ID, WANG_XIUYING, ZHANG_SAN, submitted_application


@pytest.fixture
def family(live):
    """张三 applies for himself and his mother 王秀英; both invited."""
    return submitted_application(live, members=(ZHANG_SAN, WANG_XIUYING))


def mother(family):
    """王秀英's signing link and phone (her ID number ends in X)."""
    return family["sign_urls"][1], family["members"][1]["phone"]


def signing_requests(page, token):
    """The POSTs the page sends to sign (not those for a code)."""
    sent = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and r.url.endswith(f"/api/v1/sign/{token}") else None)
    return sent


def test_member_signs_with_a_finger_and_gets_a_verify_code(phone, live, family, shot):
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # (the browser's own /favicon.ico asks get a 404: the API answers are checked instead)
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "404" not in message.text else None)
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if "/api/" in response.url and response.status >= 400 else None)
    url, mobile = mother(family)
    steps.open_letter(page, url)
    assert page.title() == "授权书签署"
    assert "家庭经济状况核对授权书" in page.locator("[data-test=letter]").inner_text()
    assert "王*" in page.content() and "王秀英" not in page.content()   # masked names only
    shot(page, "letter")
    page.locator("[data-test=large-text]").click()
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    shot(page, "large-text")
    page.locator("[data-test=large-text]").click()

    # Typed with a small x: the page writes it as X.
    steps.fill_identity(page, "王秀英", "11010519491231002x")
    code = steps.ask_code(page, live, mobile)
    assert re.search(r"\d+秒后可重发", page.locator("[data-test=get-code]").inner_text())
    assert page.locator("[data-test=get-code]").is_disabled()
    steps.enter_code(page, code)
    shot(page, "identity")
    # The same code in the fake phone inbox that people trying the demo read.
    inbox = phone.new_page()
    inbox.goto(f"{live.fake_url}/fake-sms/?phone={mobile}")
    assert inbox.locator(".code strong").first.inner_text() == code
    shot(inbox, "fake-sms-inbox")
    inbox.close()

    page.locator(steps.PAD).scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    steps.draw_signature(page)
    # Drawing with a finger did not scroll the page, and the ink is on the pad.
    assert page.evaluate("window.scrollY") == scrolled
    assert steps.ink_pixels(page) > 200
    assert page.locator("text=请在此框内用手指写下您的姓名").count() == 0
    steps.agree(page)
    shot(page, "signed-by-finger")
    steps.submit(page)
    page.locator("[data-test=verify-code]").wait_for(timeout=30000)
    shot(page, "done")
    verify_code = page.locator("[data-test=verify-code]").inner_text().strip()
    assert verify_code and "签署完成" in page.content()
    assert not errors, errors

    rows = family["applicant"].authorizations(family["id"])
    assert [row["status"] for row in sorted(rows, key=lambda r: r["member_index"])] == ["pending", "signed"]

    page.locator("[data-test=verify-link]").click()
    page.wait_for_url(f"**/verify/{verify_code}")
    page.locator("text=真实").first.wait_for()
    shot(page, "verify")

    # The link was for one use only.
    steps.open_letter_or_gone(page, url)
    assert page.locator("[data-test=link-gone]").is_visible()
    shot(page, "used-link")


def test_the_helper_signs_the_whole_way(phone, live, family, shot):
    """signer_steps.sign, as other tests use it: the applicant signs his own authorization."""
    page = phone.new_page()
    code = steps.sign(page, live, family["sign_urls"][0], "张三", ZHANG_SAN["id_number"], family["members"][0]["phone"],
                      shot=shot)
    assert requests.get(f"{live.url}/api/v1/verify/{code}").status_code == 200


def test_an_unknown_link_says_it_no_longer_works(phone, live, shot):
    page = phone.new_page()
    steps.open_letter_or_gone(page, f"{live.url}/sign/{'a1B2c3D4' * 6}")
    gone = page.locator("[data-test=link-gone]")
    assert gone.is_visible() and "签署链接已失效" in gone.inner_text() and "重新发送" in gone.inner_text()
    assert page.title() == "授权书签署"
    shot(page, "unknown-link")


def test_a_replaced_link_dies_and_the_new_one_works(phone, live, family, shot):
    old_url, _mobile = mother(family)
    new_url = family["applicant"].invite(family["authorizations"][1]["id"])
    page = phone.new_page()
    steps.open_letter_or_gone(page, old_url)
    assert page.locator("[data-test=link-gone]").is_visible()
    assert "72小时" in page.locator("[data-test=link-gone]").inner_text()
    shot(page, "old-link")
    steps.open_letter_or_gone(page, new_url)
    assert page.locator("[data-test=letter]").is_visible()
    shot(page, "new-link")


def test_a_wrong_id_number_is_said_plainly_and_can_be_corrected(phone, live, family, shot):
    page = phone.new_page()
    url, mobile = mother(family)
    steps.open_letter(page, url)
    steps.fill_identity(page, "王秀英", LI_JUAN_ID)   # a real ID number, but someone else's
    steps.enter_code(page, steps.ask_code(page, live, mobile))
    steps.draw_signature(page)
    steps.agree(page)
    steps.submit(page)
    banner = page.locator("[data-test=sign-error]")
    banner.wait_for()
    assert "姓名或身份证号码与申请时登记的信息不一致" in banner.inner_text()
    assert "不一致" in page.locator("[data-test=id-number]").inner_text()
    shot(page, "wrong-id-number")

    # Corrected, with the same code: signed.
    steps.fill_identity(page, "王秀英", WANG_XIUYING["id_number"])
    steps.submit(page)
    page.locator("[data-test=verify-code]").wait_for(timeout=30000)
    shot(page, "corrected")


def test_a_typo_in_the_id_number_is_caught_before_sending(phone, live, family, shot):
    page = phone.new_page()
    url, _mobile = mother(family)
    sent = signing_requests(page, url.rsplit("/", 1)[1])
    steps.open_letter(page, url)
    steps.fill_identity(page, "王秀英", "11010519491231003x")   # one digit mistyped (and a small x)
    steps.enter_code(page, "123456")
    steps.draw_signature(page)
    steps.agree(page)
    steps.submit(page)
    assert "身份证号码有误" in page.locator("[data-test=id-number]").inner_text()
    shot(page, "id-typo")
    assert sent == []


def test_a_wrong_code_is_said_plainly(phone, live, family, shot):
    page = phone.new_page()
    url, mobile = mother(family)
    steps.open_letter(page, url)
    steps.fill_identity(page, "王秀英", WANG_XIUYING["id_number"])
    code = steps.ask_code(page, live, mobile)
    steps.enter_code(page, f"{(int(code) + 1) % 1000000:06d}")
    steps.draw_signature(page)
    steps.agree(page)
    steps.submit(page)
    banner = page.locator("[data-test=sign-error]")
    banner.wait_for()
    assert "验证码不正确或已过期" in banner.inner_text()
    assert "验证码不正确" in page.locator("[data-test=otp-code]").inner_text()
    shot(page, "wrong-code")


def test_too_many_wrong_codes_lock_signing_and_say_until_when(phone, live, family, shot):
    page = phone.new_page()
    url, mobile = mother(family)
    steps.open_letter(page, url)
    steps.fill_identity(page, "王秀英", WANG_XIUYING["id_number"])
    code = steps.ask_code(page, live, mobile)
    steps.draw_signature(page)
    steps.agree(page)
    banner = page.locator("[data-test=sign-error]")
    for attempt in range(1, 7):
        steps.enter_code(page, f"{(int(code) + attempt) % 1000000:06d}")
        with page.expect_response(lambda r: r.request.method == "POST" and "/api/v1/sign/" in r.url
                                  and not r.url.endswith("/otp")) as answer:
            steps.submit(page)
        if answer.value.status == 429:
            break
    assert answer.value.status == 429 and answer.value.json()["error"] == "OTP_LOCKED"
    text = banner.inner_text()
    assert "锁定" in text and re.search(r"约\d+分钟后（\d\d:\d\d以后）再试", text), text
    submit = page.locator("[data-test=submit]")
    assert submit.is_disabled() and "已暂时锁定" in submit.inner_text()
    shot(page, "locked")


def test_an_empty_pad_is_refused_before_sending(phone, live, family, shot):
    page = phone.new_page()
    url, _mobile = mother(family)
    sent = signing_requests(page, url.rsplit("/", 1)[1])
    steps.open_letter(page, url)
    steps.fill_identity(page, "王秀英", WANG_XIUYING["id_number"])
    steps.enter_code(page, "123456")
    steps.agree(page)
    steps.submit(page)
    error = page.locator("[data-test=signature-error]")
    error.wait_for()
    assert "请先在上面的签名框内手写签名" in error.inner_text()
    shot(page, "empty-pad")

    # Drawn, then cleared: empty again.
    steps.draw_signature(page)
    assert steps.ink_pixels(page) > 0 and not error.is_visible()
    page.locator("[data-test=clear]").click()
    assert steps.ink_pixels(page) == 0
    steps.submit(page)
    error.wait_for()
    shot(page, "cleared-pad")
    assert sent == []


def test_the_signature_survives_a_rotation(phone, live, family, shot):
    page = phone.new_page()
    url, _mobile = mother(family)
    steps.open_letter(page, url)
    steps.draw_signature(page)
    before = page.eval_on_selector(steps.PAD, "c => [c.clientWidth, c.clientHeight]")
    ink = steps.ink_pixels(page)
    page.set_viewport_size({"width": 844, "height": 390})
    page.wait_for_function("w => document.querySelector('[data-test=signature-pad]').clientWidth > w", arg=before[0])
    page.locator(steps.PAD).scroll_into_view_if_needed()
    shot(page, "landscape")
    wide = page.eval_on_selector(steps.PAD, "c => [c.clientWidth, c.clientHeight]")
    assert wide[0] > before[0] and steps.ink_pixels(page) > ink * 0.5
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("w => document.querySelector('[data-test=signature-pad]').clientWidth === w", arg=before[0])
    assert steps.ink_pixels(page) == pytest.approx(ink, rel=0.35)
    shot(page, "portrait-again")


def test_a_lost_answer_is_retried_with_the_same_key_and_signs_once(phone, live, family, shot):
    page = phone.new_page()
    url, mobile = mother(family)
    token = url.rsplit("/", 1)[1]
    sent = signing_requests(page, token)
    steps.open_letter(page, url)
    steps.fill_identity(page, "王秀英", WANG_XIUYING["id_number"])
    steps.enter_code(page, steps.ask_code(page, live, mobile))
    steps.draw_signature(page)
    steps.agree(page)
    page.route(f"**/api/v1/sign/{token}", lambda route: route.abort("internetdisconnected"))
    steps.submit(page)
    banner = page.locator("[data-test=sign-error]")
    banner.wait_for()
    assert "网络连接失败" in banner.inner_text()
    shot(page, "network-failure")
    page.unroute(f"**/api/v1/sign/{token}")
    steps.submit(page)
    page.locator("[data-test=verify-code]").wait_for(timeout=30000)
    keys = {request.headers["idempotency-key"] for request in sent}
    assert len(sent) == 2 and len(keys) == 1


def test_asking_again_too_soon_says_how_long_to_wait(phone, live, family, shot):
    page = phone.new_page()
    url, mobile = mother(family)
    steps.open_letter(page, url)
    steps.ask_code(page, live, mobile)
    page.reload()                      # the countdown starts again from nothing: the server still says no
    page.locator("[data-test=letter]").wait_for()
    page.locator("[data-test=get-code]").click()
    error = page.locator("[data-test=code-error]")
    error.wait_for()
    assert re.search(r"验证码发送过于频繁，请\d+秒后再试", error.inner_text()), error.inner_text()
    assert re.search(r"\d+秒后可重发", page.locator("[data-test=get-code]").inner_text())
    shot(page, "code-too-soon")
