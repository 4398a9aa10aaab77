"""Reusable steps for the signing page (/sign/<token>): the data set up through the API (an applicant
logs in with the fake WeChat, applies for the demo family and invites the members), and what a signer
does on a phone — read, prove who they are, draw a signature with a finger, get the verify code.

The browser steps find things by their data-test marks and visible Chinese words."""
import io
import itertools
import random
import time

import requests
from PIL import Image

# The demo family of app/datasources/demo/hukou.csv in 青龙村: their department records exist.
QINGLONG = "610324106201"
ZHANG_SAN = {"name": "张三", "id_number": "610324199001011230", "relation": "self"}
WANG_XIUYING = {"name": "王秀英", "id_number": "11010519491231002X", "relation": "parent"}
ZHANG_XIAOMING = {"name": "张小明", "id_number": "610324201006010034", "relation": "child"}
# Someone else from the demo data: a real, well-formed ID number that is not the signer's.
LI_JUAN_ID = "610302198503150027"

_serial = itertools.count(1)


def unique_name(prefix: str = "signer") -> str:
    return f"{prefix}{next(_serial)}x{random.randint(10000, 99999)}"


def unique_phone() -> str:
    """A phone nobody else in the test run has: SMS codes and their limits are per phone."""
    return "137" + "".join(random.choice("0123456789") for _ in range(8))


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


# The API, as the applicant -------------------------------------------------------------------

class ApplicantApi:
    """A WeChat user of the fake server (each code works once, so each gets a fresh name)."""

    def __init__(self, live, name: str | None = None):
        self.live = live
        self.name = name or unique_name("applicant")
        answer = requests.post(f"{live.url}/api/v1/auth/wechat",
                               json={"code": f"{self.name}-1", "channel": "official_account"}, timeout=30)
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def call(self, method: str, path: str, expect=(200, 201, 202), **kwargs):
        answer = requests.request(method, f"{self.live.url}/api/v1{path}", headers=self.headers, timeout=60, **kwargs)
        assert answer.status_code in ((expect,) if isinstance(expect, int) else expect), (path, answer.text)
        return answer.json() if answer.content else None

    def apply(self, members) -> dict:
        """Create and submit a 农村低保 application for the given people (each with a phone of their own)."""
        people = []
        for index, person in enumerate(members):
            row = {"name": person["name"], "id_number": person["id_number"], "relation": person["relation"],
                   "phone": person.get("phone") or unique_phone(), "lives_together": True, "hukou_type": "rural",
                   "hukou_region_code": QINGLONG, "employment": "farming" if index == 0 else "retired"}
            people.append(row)
        draft = self.call("POST", "/applications", json={
            "assistance_type": "dibao_rural", "region_code": QINGLONG, "reason": "因病致贫，无力维持基本生活",
            "household": {"members": people},
            "declared": {"incomes": [{"member_index": 0, "kind": "wages", "monthly_amount": "300.00"}]}})
        for kind in ("id_card", "hukou_book"):
            self.call("POST", f"/applications/{draft['id']}/documents", data={"kind": kind},
                      files={"file": (f"{kind}.png", _png(), "image/png")})
        self.call("POST", f"/applications/{draft['id']}/submit", json={"commitment_accepted": True})
        return {"id": draft["id"], "members": people}

    def authorizations(self, application_id: int) -> list[dict]:
        return self.call("GET", f"/applications/{application_id}/authorizations")

    def invite(self, authorization_id: int) -> str:
        """A new signing link (older ones die); it points at the live app."""
        url = self.call("POST", f"/authorizations/{authorization_id}/invite", json={})["sign_url"]
        assert url.startswith(f"{self.live.url}/sign/"), url
        return url


def submitted_application(live, members=(ZHANG_SAN, WANG_XIUYING)) -> dict:
    """A submitted application of the demo family, every member invited.

    Returns {"applicant": ApplicantApi, "id", "members": [{name, id_number, phone, …}],
    "authorizations": rows in member order, "sign_urls": one per authorization}.
    """
    applicant = ApplicantApi(live)
    application = applicant.apply(members)
    rows = sorted(applicant.authorizations(application["id"]), key=lambda row: row["member_index"])
    return {"applicant": applicant, "id": application["id"], "members": application["members"],
            "authorizations": rows, "sign_urls": [applicant.invite(row["id"]) for row in rows]}


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
