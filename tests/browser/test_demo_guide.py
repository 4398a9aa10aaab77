"""The demo guide (/demo): readable on a phone and a desktop, links to the pages, never a password."""
import pytest


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_demo_guide_explains_the_walk_through(request, live, device, shot):
    page = request.getfixturevalue(device).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/demo")
    page.locator("text=演示指引").first.wait_for()
    text = page.locator("body").inner_text()
    for words in ("610324199001011230", "11010519491231002X", "village.qinglong", "checker.fufeng", "district.fufeng",
                  "flask staff totp district.fufeng", "instance/demo-logins.txt", "模拟短信收件箱"):
        assert words in text, words
    assert not any(password in page.content() for password, _totp in live.logins.values())
    for mark, href in (("link-h5", "/"), ("link-console", "/console"), ("link-docs", "/api/docs"),
                       ("link-sms", "http://127.0.0.1:5101/fake-sms/")):
        assert page.locator(f"[data-test={mark}]").get_attribute("href") == href
    # Nothing wider than the screen but the tables, which scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, device)
    assert not errors, errors
