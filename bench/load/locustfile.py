"""The load of `make load` and `make faults` (locust, in its own virtual environment .venv-load).

A realistic mix on the township of 段家镇:
- applicants (WeChat log-in) apply once for a two-person household, invite both members, then read
  their case: timeline, detail, list, messages;
- members sign: open the link, ask for the code, read it from the fake SMS provider, sign;
- township caseworkers work the queue, open case files and confirm the signatures just made;
- verification officers run a check on each household whose consents are all confirmed, and read it.

Every request is appended to LOAD_REQUESTS (CSV: start time, read/write, name, ms, status, Retry-After,
error); every acknowledged write (2xx) to LOAD_ACKS (JSON lines) for bench/load/run.py to find in the
database afterwards. A write carries an Idempotency-Key and is retried with the same key after a 503
(waiting its Retry-After) or a dropped connection, as the phone pages do.
"""
import csv
import itertools
import json
import os
import time
import uuid
from collections import deque

import gevent
import pyotp
import requests
from locust import HttpUser, between, events, task

DATA = json.load(open(os.environ["LOAD_DATA"], encoding="utf-8"))
FAKES = os.environ["LOAD_FAKES"]
RETRIES = 12

links = deque(DATA["links"])           # {token, authorization_id, application_id, name, id_number, phone}
to_confirm: deque = deque()             # (authorization id, application id) signed, not yet confirmed
ready: deque = deque()                  # application ids whose every consent is confirmed
unconfirmed: dict[int, int] = {}        # application id → consents not yet confirmed
families = iter(DATA["families"])
staff = {role: iter(accounts) for role, accounts in DATA["staff"].items()}
addresses = itertools.count(1)

_requests = open(os.environ["LOAD_REQUESTS"], "a", newline="", encoding="utf-8")
_request_rows = csv.writer(_requests)
_acks = open(os.environ["LOAD_ACKS"], "a", encoding="utf-8")


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, start_time=None, **_kw):
    status = getattr(response, "status_code", 0) or 0
    retry_after = response.headers.get("Retry-After", "") if status else ""
    _request_rows.writerow([f"{start_time or time.time():.3f}", name[0], name, f"{response_time:.1f}", status,
                            retry_after, "" if exception is None else type(exception).__name__])


@events.quitting.add_listener
def _flush(**_kw):
    _requests.flush()
    _acks.flush()


def acknowledge(kind: str, **fields) -> None:
    _acks.write(json.dumps({"kind": kind, "at": time.time(), **fields}, ensure_ascii=False) + "\n")


class Person(HttpUser):
    """A phone or a desk behind the same reverse proxy: each with an address of its own (X-Forwarded-For)."""
    abstract = True
    host = os.environ.get("LOAD_HOST", "http://127.0.0.1:5200")

    def on_start(self):
        self.headers = {}
        self.new_address()

    def new_address(self):
        n = next(addresses)
        self.headers["X-Forwarded-For"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"

    def call(self, method: str, path: str, name: str, expect=(200,), write=False, retries=RETRIES, **kwargs):
        """One request, named "R …" (a read) or "W …" (a write); a 503 or a dropped connection is retried
        (a write with the same Idempotency-Key). The answer, or None when it never came right."""
        headers = dict(self.headers, **kwargs.pop("headers", {}))
        if write:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        label = f"{'W' if write else 'R'} {method} {name}"
        for _ in range(retries):
            with self.client.request(method, path, name=label, headers=headers, catch_response=True,
                                     timeout=60, **kwargs) as answer:
                if answer.status_code in expect:
                    answer.success()
                    return answer
                if answer.status_code == 401 and not path.startswith("/api/v1/auth"):
                    answer.success()           # a token past its idle time: log in again, as the page does
                    self.log_in()
                    headers.update(self.headers)
                    continue
                retry = answer.status_code in (0, 502, 503, 504) or answer.status_code == 429
                answer.failure(f"{answer.status_code} {answer.text[:200]}")
            if not retry:
                return None
            gevent.sleep(min(float(answer.headers.get("Retry-After") or 2), 30))
        return None

    def log_in(self):
        pass


class Applicant(Person):
    weight = 22
    wait_time = between(3, 10)

    def on_start(self):
        super().on_start()
        self.application = None
        self.name = f"load{uuid.uuid4().hex[:12]}"
        self.log_in()
        self.apply()

    def log_in(self):
        """WeChat's OAuth gives a new code on every attempt (a code works once, even if its answer was lost)."""
        for _ in range(RETRIES):
            answer = self.call("POST", "/api/v1/auth/wechat", "/auth/wechat", write=True, retries=1,
                               json={"code": f"{self.name}-{uuid.uuid4().hex[:8]}", "channel": "official_account"})
            if answer is not None:
                self.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
                return
            gevent.sleep(15)

    def apply(self):
        family = next(families)
        members = [dict(person, lives_together=True, hukou_type="rural", hukou_region_code=DATA["village"],
                        employment="farming") for person in family]
        draft = self.call("POST", "/api/v1/applications", "/applications", expect=(201,), write=True, json={
            "assistance_type": "dibao_rural", "region_code": DATA["village"], "reason": "因病致贫，无力维持基本生活",
            "household": {"members": members},
            "declared": {"incomes": [{"member_index": 0, "kind": "wages", "monthly_amount": "300.00"}]}})
        if draft is None:
            return
        application_id = draft.json()["id"]
        for kind in ("id_card", "hukou_book"):
            if self.call("POST", f"/api/v1/applications/{application_id}/documents", "/applications/{id}/documents",
                         expect=(201,), write=True, data={"kind": kind},
                         files={"file": (f"{kind}.png", bytes.fromhex(DATA["document_png"]), "image/png")}) is None:
                return
        if self.call("POST", f"/api/v1/applications/{application_id}/submit", "/applications/{id}/submit",
                     write=True, json={"commitment_accepted": True}) is None:
            return
        acknowledge("application", id=application_id)
        self.application = application_id
        rows = self.call("GET", f"/api/v1/applications/{application_id}/authorizations",
                         "/applications/{id}/authorizations")
        if rows is None:
            return
        unconfirmed[application_id] = len(rows.json())
        for row in rows.json():
            invite = self.call("POST", f"/api/v1/authorizations/{row['id']}/invite", "/authorizations/{id}/invite",
                               expect=(201,), write=True, json={})
            if invite is not None:
                links.append(dict(members[row["member_index"]], authorization_id=row["id"],
                                  application_id=application_id,
                                  token=invite.json()["sign_url"].rsplit("/sign/", 1)[1]))

    @task(5)
    def timeline(self):
        if self.application:
            self.call("GET", f"/api/v1/applications/{self.application}/timeline", "/applications/{id}/timeline")

    @task(2)
    def detail(self):
        if self.application:
            self.call("GET", f"/api/v1/applications/{self.application}", "/applications/{id}")

    @task(2)
    def applications(self):
        self.call("GET", "/api/v1/applications", "/applications")

    @task(1)
    def messages(self):
        self.call("GET", "/api/v1/me/messages", "/me/messages")

    @task(1)
    def come_back(self):
        """The page opened again from WeChat: a fresh log-in through WeChat's OAuth."""
        self.log_in()


class Signer(Person):
    """A household member with the link on their phone: one signature, then the next person's turn."""
    weight = 8
    wait_time = between(5, 15)

    def on_start(self):
        super().on_start()
        self.sms = requests.Session()

    @task
    def sign(self):
        if not links:
            return
        link = links.popleft()
        self.new_address()                      # each link is another person's phone
        token = link["token"]
        if self.call("GET", f"/api/v1/sign/{token}", "/sign/{token}") is None:
            return links.append(link)
        seen = len(self.inbox(link["phone"]))
        if self.call("POST", f"/api/v1/sign/{token}/otp", "/sign/{token}/otp", expect=(202,), write=True) is None:
            return links.append(link)
        code = self.code(link["phone"], seen)
        if code is None:                        # the SMS is still on its way: someone comes back to it later
            return links.append(link)
        answer = self.call("POST", f"/api/v1/sign/{token}", "/sign/{token}", expect=(201,), write=True, json={
            "name": link["name"], "id_number": link["id_number"], "otp_code": code, "agree": True,
            "signature": DATA["signature"]})
        if answer is not None:
            acknowledge("signature", authorization_id=link["authorization_id"],
                        verify_code=answer.json()["verify_code"])
            to_confirm.append((link["authorization_id"], link["application_id"]))

    def inbox(self, phone: str) -> list:
        try:
            return self.sms.get(f"{FAKES}/fake-sms/messages", params={"phone": phone}, timeout=10).json()
        except requests.RequestException:
            return []

    def code(self, phone: str, seen: int) -> str | None:
        """The code of the new SMS to `phone`, waiting up to two minutes for the outbox to deliver it."""
        for _ in range(120):
            messages = self.inbox(phone)
            if len(messages) > seen:
                return messages[-1]["params"]["code"]
            gevent.sleep(1)
        return None


class Staff(Person):
    abstract = True
    role = ""

    def on_start(self):
        super().on_start()
        self.account = next(staff[self.role])
        self.log_in()

    def log_in(self):
        for _ in range(3):
            secret = self.account["totp_secret"]      # district and admin roles only
            answer = self.call("POST", "/api/v1/auth/staff", "/auth/staff", write=True, json={
                "username": self.account["username"], "password": self.account["password"],
                **({"totp": pyotp.TOTP(secret).now()} if secret else {})})
            if answer is not None:
                self.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
                return
            gevent.sleep(31)                   # a code used already: the next one

    def queue(self, query: str = "") -> list:
        answer = self.call("GET", f"/api/v1/staff/cases?page_size=20{query}", "/staff/cases")
        return answer.json() if answer is not None else []


class Caseworker(Staff):
    weight = 7
    wait_time = between(3, 8)
    role = "township_worker"

    @task(3)
    def work_the_queue(self):
        cases = self.queue("&overdue=true" if time.time() % 3 < 1 else "")
        if cases:
            case = cases[int(time.time() * 1000) % len(cases)]
            self.call("GET", f"/api/v1/staff/cases/{case['id']}", "/staff/cases/{id}")

    @task(4)
    def confirm(self):
        if not to_confirm:
            return self.work_the_queue()
        authorization_id, application_id = to_confirm.popleft()
        if self.call("GET", f"/api/v1/staff/authorizations/{authorization_id}", "/staff/authorizations/{id}") is None:
            return
        if self.call("POST", f"/api/v1/staff/authorizations/{authorization_id}/confirm",
                     "/staff/authorizations/{id}/confirm", write=True, json={}) is None:
            return
        acknowledge("confirmation", authorization_id=authorization_id)
        unconfirmed[application_id] = unconfirmed.get(application_id, 1) - 1
        if unconfirmed[application_id] == 0:
            ready.append(application_id)


class Officer(Staff):
    weight = 3
    wait_time = between(5, 15)
    role = "verification_officer"

    @task
    def check(self):
        if not ready:
            self.queue("&stage=checking")
            return
        application_id = ready.popleft()
        answer = self.call("POST", "/api/v1/checks", "/checks", expect=(202,), write=True,
                           json={"application_id": application_id})
        if answer is None:
            return
        check_id = answer.json()["id"]
        acknowledge("check", id=check_id, application_id=application_id)
        for _ in range(30):
            gevent.sleep(2)
            state = self.call("GET", f"/api/v1/checks/{check_id}", "/checks/{id}")
            if state is not None and state.json()["status"] in ("done", "failed"):
                if state.json()["status"] == "done":
                    self.call("GET", f"/api/v1/checks/{check_id}/report", "/checks/{id}/report")
                return
