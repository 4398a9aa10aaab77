"""SMS delivery: console for development, memory for tests, an HTTP provider in production.

The HTTP backend speaks the common SendSms shape (PhoneNumbers, SignName,
TemplateCode, TemplateParam; a JSON reply whose Code is "OK").
"""
import json
import logging
import sys
from dataclasses import dataclass, field
from typing import Protocol

import requests

from app.adapters.http import http_session
from app.common.masking import mask_phone

log = logging.getLogger(__name__)

TEMPLATES = {
    "otp": "您的验证码是{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。",
    "notice": "{body}",
    "sign_invite": "您的家人邀请您签署家庭经济状况核对授权书，请在72小时内打开链接完成本人授权：{url}",
}


class SmsFailed(Exception):
    """The provider did not accept the message; delivery will be retried."""


class SmsSender(Protocol):
    def send(self, phone: str, template: str, params: dict) -> str: ...


def render(template: str, params: dict) -> str:
    return TEMPLATES[template].format(**params)


class ConsoleSms:
    """Development only: prints the text to stderr with the phone masked; refused in production."""

    def __init__(self, sign_name: str, stream=None):
        self.sign_name = sign_name
        self.stream = stream or sys.stderr

    def send(self, phone: str, template: str, params: dict) -> str:
        print(f"[SMS to {mask_phone(phone)}] 【{self.sign_name}】{render(template, params)}",
              file=self.stream, flush=True)
        return "console"


@dataclass
class MemorySms:
    """Keeps what was sent, for tests; the same interface as the real backend."""

    sent: list = field(default_factory=list)

    def send(self, phone: str, template: str, params: dict) -> str:
        self.sent.append({"phone": phone, "template": template, "params": dict(params),
                          "text": render(template, params)})
        return f"memory-{len(self.sent)}"

    def last_code(self, phone: str) -> str | None:
        for message in reversed(self.sent):
            if message["phone"] == phone and "code" in message["params"]:
                return message["params"]["code"]
        return None


class HttpSms:
    def __init__(self, url: str, token: str, sign_name: str, *, timeout: float = 5.0,
                 template_ids: dict[str, str] | None = None):
        self.url = url
        self.token = token
        self.sign_name = sign_name
        self.template_ids = template_ids or {}
        self.timeout = timeout
        # POST is retried by the outbox job, not here: a retried POST could send twice.
        self.http = http_session(retries=0)

    def send(self, phone: str, template: str, params: dict) -> str:
        payload = {"PhoneNumbers": phone, "SignName": self.sign_name, "TemplateCode": self.template_ids.get(template, template),
                   "TemplateParam": json.dumps(params, ensure_ascii=False)}
        try:
            response = self.http.post(self.url, json=payload, timeout=self.timeout,
                                      headers={"Authorization": f"Bearer {self.token}"})
            body = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SmsFailed(type(exc).__name__) from exc
        if response.status_code != 200 or body.get("Code") != "OK":
            raise SmsFailed(f"provider answered {response.status_code} {body.get('Code')}")
        return body.get("BizId", "")


def make_sender(cfg: dict) -> SmsSender:
    backend = cfg["SMS_BACKEND"]
    if backend == "console":
        return ConsoleSms(cfg["SMS_SIGN_NAME"])
    if backend == "memory":
        return MemorySms()
    if backend == "http":
        template_ids = dict(pair.split("=", 1) for pair in cfg["SMS_TEMPLATE_IDS"].split(",") if "=" in pair)
        return HttpSms(cfg["SMS_HTTP_URL"], cfg["SMS_HTTP_TOKEN"], cfg["SMS_SIGN_NAME"], timeout=cfg["SMS_TIMEOUT"],
                       template_ids=template_ids)
    raise ValueError(f"unknown SMS_BACKEND {backend!r}")
