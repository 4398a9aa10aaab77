"""Each page is served, loads its built script under the page CSP, and shows something."""
import pytest


@pytest.mark.parametrize("path, text", [("/", "社会救助"), ("/console", "登录"), ("/demo", "演示"),
                                        ("/sign/" + "x" * 32, "")])
def test_each_page_loads_without_errors(phone, live, path, text, shot):
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(path)
    assert response.status == 200 and "script-src" not in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    shot(page, path.strip("/").split("/")[0] or "h5")
    assert text in page.content()
    assert not [e for e in errors if "404" not in e], errors
