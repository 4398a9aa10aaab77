"""The data behind the browser tests, set up through the API as the people's phones would: an applicant
logs in with the fake WeChat, applies for the demo family and invites the members, who sign; staff log
in (TOTP where needed), confirm and check. The browser steps (applicant_, signer_, console_steps) then
show what a person does on the pages."""
import base64
import io
import itertools
import random
import time

import pyotp
import requests
from PIL import Image, ImageDraw

# The demo family of app/datasources/demo/hukou.csv in 青龙村: their department records exist.
QINGLONG = "610324106201"
ZHANG_SAN = {"name": "张三", "id_number": "610324199001011230", "relation": "self"}
ZHANG_XIAOMING = {"name": "张小明", "id_number": "610324201006010034", "relation": "child"}
WANG_XIUYING = {"name": "王秀英", "id_number": "11010519491231002X", "relation": "parent"}
# A spouse no department knows: with two counted members 张三's home (86.5 m²) is within the limit per
# person, so the household is eligible and the report suggests an amount.
LI_XIULAN = {"name": "李秀兰", "id_number": "610324199203050027", "relation": "spouse"}
FAMILY = (ZHANG_SAN, LI_XIULAN)

# Someone else from the demo data: a real, well-formed ID number that is not the signer's.
LI_JUAN_ID = "610302198503150027"

_people = itertools.count(1)
_used_steps: dict[str, int] = {}   # a TOTP code works once: the last step each account used
_tokens: dict[tuple, tuple] = {}    # (app, username) → (access token, good until)


def send(method: str, url: str, **kwargs) -> requests.Response:
    """One request; log-in routes are limited per address (20 a minute), so a 429 waits and retries."""
    for _ in range(30):
        answer = requests.request(method, url, **kwargs)
        if answer.status_code != 429 or answer.json().get("error") not in ("TOO_MANY_REQUESTS", "OTP_SEND_LIMITED"):
            return answer
        time.sleep(min(float(answer.headers.get("Retry-After") or 3), 10))
    return answer


# The API, as an applicant and the people who sign ------------------------------------------------

def unique_phone() -> str:
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


def png_bytes(width=60, height=40, colour=(40, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def signature_png() -> bytes:
    image = Image.new("RGBA", (480, 180), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(30, 140), (120, 40), (220, 150), (330, 50), (450, 120)], fill=(20, 20, 20, 255),
                               width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class Applicant:
    """A WeChat user of the fake server: log in, apply for the demo family, have each member sign."""

    def __init__(self, live, name: str | None = None):
        self.live = live
        self.name = name or f"console{next(_people)}x{random.randint(1000, 9999)}"
        answer = send("POST", f"{live.url}/api/v1/auth/wechat",
                               json={"code": f"{self.name}-1", "channel": "official_account"})
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def call(self, method: str, path: str, expect: int | tuple = (200, 201, 202), **kwargs):
        answer = send(method, f"{self.live.url}/api/v1{path}", headers=self.headers, **kwargs)
        assert answer.status_code in ((expect,) if isinstance(expect, int) else expect), (path, answer.text)
        return answer.json() if answer.content else None

    def apply(self, members=FAMILY, wages="300.00") -> dict:
        """Create and submit a 农村低保 application; each member gets a phone of their own."""
        people = []
        for index, person in enumerate(members):
            row = {**person, "phone": person.get("phone") or unique_phone(), "lives_together": True,
                   "hukou_type": "rural", "hukou_region_code": QINGLONG, "employment": "farming"}
            if person["relation"] == "child":
                row |= {"phone": None, "guardian_member_index": 0, "employment": "student"}
            people.append(row)
        draft = self.call("POST", "/applications", json={
            "assistance_type": "dibao_rural", "region_code": QINGLONG, "reason": "因病致贫，无力维持基本生活",
            "household": {"members": people},
            "declared": {"incomes": [{"member_index": 0, "kind": "wages", "monthly_amount": wages}]}})
        for kind in ("id_card", "hukou_book"):
            self.call("POST", f"/applications/{draft['id']}/documents", data={"kind": kind},
                      files={"file": (f"{kind}.png", png_bytes(), "image/png")})
        self.call("POST", f"/applications/{draft['id']}/submit", json={"commitment_accepted": True})
        return {"id": draft["id"], "members": people}

    def authorizations(self, application_id: int) -> list[dict]:
        return self.call("GET", f"/applications/{application_id}/authorizations")

    def sign_all(self, application: dict) -> list[dict]:
        """Every member who must consent signs through their own link (a guardian for a child)."""
        members = application["members"]
        receipts = []
        for row in self.authorizations(application["id"]):
            if row["status"] != "pending":
                continue
            member = members[row["member_index"]]
            signer = members[member["guardian_member_index"]] if member.get("guardian_member_index") is not None \
                else member
            receipts.append(self.sign(row["id"], signer))
        return receipts

    def invite(self, authorization_id: int) -> str:
        """A new signing link (older ones die); it points at the live app."""
        url = self.call("POST", f"/authorizations/{authorization_id}/invite", json={})["sign_url"]
        assert url.startswith(f"{self.live.url}/sign/"), url
        return url

    def sign(self, authorization_id: int, signer: dict) -> dict:
        token = self.invite(authorization_id).rsplit("/sign/", 1)[1]
        answer = send("POST", f"{self.live.url}/api/v1/sign/{token}/otp")
        assert answer.status_code == 202, answer.text
        code = self.live.sms_code(signer["phone"])
        answer = send("POST", f"{self.live.url}/api/v1/sign/{token}", json={
            "name": signer["name"], "id_number": signer["id_number"], "otp_code": code, "agree": True,
            "signature": {"png_base64": base64.b64encode(signature_png()).decode()}})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def status(self, application_id: int) -> str:
        return self.call("GET", f"/applications/{application_id}")["status"]


def staff_token(live, username: str) -> str:
    """An access token of a demo account, kept while it is good (fewer log-ins, under the rate limit)."""
    token, until = _tokens.get((live.url, username), (None, 0))
    if token and until > time.time():
        return token
    password, secret = live.logins[username]
    for _ in range(3):   # a TOTP code another step used already is refused: take the next one
        body = {"username": username, "password": password} | ({"totp": next_totp(live, username)} if secret else {})
        answer = send("POST", f"{live.url}/api/v1/auth/staff", json=body)
        if answer.status_code != 401 or answer.json().get("error") != "TOTP_INVALID":
            break
    assert answer.status_code == 200, answer.text
    _tokens[(live.url, username)] = (answer.json()["access_token"], time.time() + answer.json()["expires_in"] - 60)
    return answer.json()["access_token"]


def staff_call(live, token: str, method: str, path: str, **kwargs):
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    answer = send(method, f"{live.url}/api/v1{path}", headers=headers, **kwargs)
    assert answer.ok, (path, answer.text)
    return answer


def next_totp(live, username: str) -> str:
    """A code the server has not seen yet: this step's, or the next one (the server allows ±1 step),
    waiting for a fresh step only when both were used."""
    totp = pyotp.TOTP(live.logins[username][1])
    while True:
        now = int(time.time())
        step = now // 30
        for candidate in (step, step + 1):
            if candidate > _used_steps.get(username, 0):
                _used_steps[username] = candidate
                return totp.at(candidate * 30)
        time.sleep(30 - now % 30 + 0.2)


def signed_case(live, members=FAMILY) -> tuple[Applicant, dict]:
    """An application submitted and signed by everyone, waiting for a caseworker to confirm."""
    applicant = Applicant(live)
    application = applicant.apply(members)
    applicant.sign_all(application)
    return applicant, application


def confirmed_case(live, members=FAMILY) -> tuple[Applicant, dict]:
    """… and each signature confirmed by the township through the API."""
    applicant, application = signed_case(live, members)
    token = staff_token(live, "township.duanjia")
    for row in applicant.authorizations(application["id"]):
        staff_call(live, token, "POST", f"/staff/authorizations/{row['id']}/confirm")
    return applicant, application


def checked_case(live, members=FAMILY) -> tuple[Applicant, dict]:
    """… and checked by the officer: the case waits at the village review."""
    applicant, application = confirmed_case(live, members)
    token = staff_token(live, "checker.fufeng")
    check = staff_call(live, token, "POST", "/checks", json={"application_id": application["id"]}).json()
    for _ in range(100):
        if staff_call(live, token, "GET", f"/checks/{check['id']}").json()["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    return applicant, application


def submitted_application(live, members=(ZHANG_SAN, WANG_XIUYING)) -> dict:
    """A submitted application of the demo family, every member invited.

    Returns {"applicant": Applicant, "id", "members": [{name, id_number, phone, …}],
    "authorizations": rows in member order, "sign_urls": one per authorization}.
    """
    applicant = Applicant(live)
    application = applicant.apply(members)
    rows = sorted(applicant.authorizations(application["id"]), key=lambda row: row["member_index"])
    return {"applicant": applicant, "id": application["id"], "members": application["members"],
            "authorizations": rows, "sign_urls": [applicant.invite(row["id"]) for row in rows]}
