"""Reusable steps for the signing page (/sign/<token>): what a signer does on a phone — read, prove
who they are, draw a signature with a finger, get the verify code; the data comes from api_steps.

The browser steps find things by their data-test marks and visible Chinese words."""
import time

# The fake phone ------------------------------------------------------------------------------

def sms_count(live, phone: str) -> int:
    return len(live.sms(phone))


def new_code(live, phone: str, before: int, timeout: float = 15) -> str:
    """The one-time code of the first SMS to `phone` after the first `before` messages."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = [m for m in live.sms(phone)[before:] if "code" in m["params"]]
        if fresh:
            return fresh[-1]["params"]["code"]
        time.sleep(0.1)
    raise AssertionError(f"no new code reached {phone}")


# The phone, in the browser -------------------------------------------------------------------

PAD = "[data-test=signature-pad]"


def open_letter(page, sign_url: str) -> None:
    page.goto(sign_url)
    page.locator("[data-test=letter]").wait_for()


def open_letter_or_gone(page, sign_url: str) -> None:
    """Open a link that may be dead: wait for the letter or the 链接已失效 notice."""
    page.goto(sign_url)
    page.locator("[data-test=letter], [data-test=link-gone]").first.wait_for()


def draw_signature(page, selector: str = PAD, strokes: int = 2) -> None:
    """Draw with a finger: real touch events through the DevTools protocol (Input.dispatchTouchEvent),
    which Chromium turns into the pointer events (pointerType "touch") that signature_pad listens to."""
    pad = page.locator(selector)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    cdp = page.context.new_cdp_session(page)
    try:
        for stroke in range(strokes):
            left, top = box["x"] + box["width"] * (0.12 + 0.4 * stroke), box["y"] + box["height"] * 0.3
            points = [(left + i * box["width"] * 0.3 / 24, top + box["height"] * 0.4 * abs(((i % 8) - 4) / 4))
                      for i in range(25)]
            cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [
                {"x": points[0][0], "y": points[0][1], "id": 1, "radiusX": 4, "radiusY": 4, "force": 0.6}]})
            for x, y in points[1:]:
                page.wait_for_timeout(18)
                cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                    {"x": x, "y": y, "id": 1, "radiusX": 4, "radiusY": 4, "force": 0.6}]})
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
            page.wait_for_timeout(50)
    finally:
        cdp.detach()


def ink_pixels(page, selector: str = PAD) -> int:
    """How many pixels of the pad carry ink (to see that strokes are there, e.g. after a rotation)."""
    return page.eval_on_selector(selector, """canvas => {
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
        let ink = 0
        for (let i = 3; i < data.length; i += 4) if (data[i] > 128) ink++
        return ink }""")


def fill_identity(page, name: str, id_number: str) -> None:
    page.locator("[data-test=name] input").fill(name)
    page.locator("[data-test=id-number] input").fill(id_number)


def ask_code(page, live, phone: str) -> str:
    """Tap 获取验证码 and read the code from the fake phone."""
    before = sms_count(live, phone)
    page.locator("[data-test=get-code]").click()
    page.locator("[data-test=code-note]").wait_for()
    return new_code(live, phone, before)


def enter_code(page, code: str) -> None:
    page.locator("[data-test=otp-code] input").fill(code)


def agree(page) -> None:
    checkbox = page.locator("[data-test=agree]")
    if checkbox.get_attribute("aria-checked") != "true":
        checkbox.click()


def submit(page) -> None:
    page.locator("[data-test=submit]").click()


def sign(page, live, sign_url: str, name: str, id_number: str, phone: str, shot=None) -> str:
    """The whole happy path on a phone page; returns the verify code shown at the end."""
    snap = shot or (lambda *_: None)
    open_letter(page, sign_url)
    snap(page, "letter")
    fill_identity(page, name, id_number)
    code = ask_code(page, live, phone)
    enter_code(page, code)
    snap(page, "identity")
    draw_signature(page)
    agree(page)
    snap(page, "signed-by-finger")
    submit(page)
    page.locator("[data-test=verify-code]").wait_for(timeout=30000)
    snap(page, "done")
    return page.locator("[data-test=verify-code]").inner_text().strip()
