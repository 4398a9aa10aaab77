"""The whole journey through the pages, as the people do it: an applicant applies on the H5 and invites
the family; each member opens the signing link in a browser of their own and signs with a finger; the
caseworkers confirm the signatures, the officer runs the check, village, township and district decide;
the applicant sees "approved" and the public notice lists the case. Screenshots of every step are saved."""
from playwright.sync_api import expect

from tests.browser import applicant_steps as applicant
from tests.browser import console_steps as console
from tests.browser import signer_steps as signer
from tests.browser.api_steps import unique_phone
from tests.browser.conftest import PHONE

# 张三 of the demo department files with a spouse no department knows: two counted members, so his
# home is within the limit per person and the report suggests an amount. Phones of their own, so no
# earlier test's codes or send limits are in the way.
FAMILY = {
    **applicant.DEMO_FAMILY,
    "members": [
        {"name": "张三", "id_number": "610324199001011230", "phone": unique_phone(), "employment": "务农"},
        {"name": "李秀兰", "id_number": "610324199203050027", "relation": "配偶", "phone": unique_phone(),
         "employment": "务农"},
    ],
}


def test_apply_invite_sign_confirm_check_decide_and_the_notice(browser, live, phone, desktop, shot):
    errors = []

    def watched(context):
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    # The applicant, on her phone in WeChat.
    h5 = watched(phone)
    applicant.log_in_with_wechat(h5, "journey-zhangsan", shot)
    application_id = applicant.apply(h5, FAMILY, shot)
    links = applicant.invite_links(h5, application_id, shot)
    assert len(links) == len(FAMILY["members"])

    # Each member opens the link on a phone of their own (a new browser context: nothing shared).
    for number, (link, member) in enumerate(zip(links, FAMILY["members"]), start=1):
        with_phone = browser.new_context(base_url=live.url, **PHONE)
        try:
            page = watched(with_phone)
            code = signer.sign(page, live, link, member["name"], member["id_number"], member["phone"],
                               lambda p, name, n=number: shot(p, f"member-{n}-{name}"))
            assert len(code) >= 8
        finally:
            with_phone.close()

    # The caseworkers, at their desks.
    desk = watched(desktop)
    console.log_in(desk, live, "village.qinglong")
    console.confirm_signatures(desk, application_id)
    shot(desk, "signatures-confirmed")
    console.log_out(desk)

    console.log_in(desk, live, "checker.fufeng")
    console.run_check(desk, application_id)
    shot(desk, "check-report")
    console.log_out(desk)

    console.log_in(desk, live, "village.qinglong")
    console.decide(desk, application_id, "village_review", "approve")
    shot(desk, "village-approved")
    console.log_out(desk)

    console.log_in(desk, live, "township.duanjia")
    console.record_visit(desk, application_id)
    console.decide(desk, application_id, "township_confirmation", "approve")
    shot(desk, "township-confirmed")
    console.log_out(desk)

    console.log_in(desk, live, "district.fufeng")
    console.decide(desk, application_id, "district_filing", "approve")
    desk.locator("[data-test=case-status]", has_text="已批准").wait_for()
    shot(desk, "district-filed")

    # The applicant sees the decision, and the notice is public.
    assert applicant.status_of(h5, application_id) == "已批准"
    shot(h5, "approved")
    desk.get_by_role("menuitem", name="公示预览").click()
    notices = desk.locator("[data-test=notices]")
    expect(notices).to_contain_text("张*")
    expect(notices).to_contain_text("青龙村")
    shot(desk, "public-notice")
    assert not errors, errors

