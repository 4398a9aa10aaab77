"""WeChat over its real HTTP API: log-in (code2session, OAuth 2) and subscribe messages (订阅消息)."""
import json
import logging
import threading
import time
from dataclasses import dataclass

import pybreaker
import requests

from app.adapters.http import http_session
from app.common.errors import AuthenticationFailed, DependencyUnavailable

log = logging.getLogger(__name__)

# errcodes that mean the user's code is bad, not that WeChat or our set-up is.
CODE_REJECTED = {40029, 40163, 40226, 41008}
CHANNELS = ("miniprogram", "official_account")
# The access_token is invalid (40001, 40014: another holder of the secret fetched a newer one)
# or expired (42001): fetch a new one and send again.
TOKEN_REJECTED = {40001, 40014, 42001}
# The user has not subscribed to this template, or refused it: only a new consent helps.
RECIPIENT_REFUSED = {43101}
# WeChat tokens live 7200 s; renew well before, so a token never expires mid-request.
TOKEN_RENEW_MARGIN = 300


class WechatCodeRejected(AuthenticationFailed):
    error = "WECHAT_CODE_INVALID"
    message = "微信登录凭证无效或已使用，请重新打开页面"


class WechatUnavailable(DependencyUnavailable):
    error = "WECHAT_UNAVAILABLE"
    message = "微信服务暂时不可用，请稍后重试"


class WechatDeliveryFailed(Exception):
    """WeChat did not take the subscribe message this time; the outbox job retries it."""


class WechatRecipientUnavailable(Exception):
    """The user has not subscribed to (or refused) the template: retrying cannot help, fall back to SMS."""


@dataclass(frozen=True)
class WechatUser:
    channel: str
    appid: str
    openid: str
    unionid: str | None


class WechatClient:
    """Exchanges log-in codes and sends subscribe messages for the configured apps (channel → appid, secret)."""

    def __init__(self, base_url: str, apps: dict[str, tuple[str, str]], *, timeout: float = 5.0,
                 breaker: pybreaker.CircuitBreaker | None = None):
        self.base_url = base_url.rstrip("/")
        self.apps = apps
        self.timeout = timeout
        # No retry of a read that timed out: a log-in waits one timeout at most, not three.
        self.http = http_session(retries=1, read_retries=0)
        # A WeChat that hangs would hold a worker thread per log-in for the whole timeout: after three
        # failures in a row, log-ins fail at once (503, Retry-After) for 15 s, then one is tried again.
        self.breaker = breaker or pybreaker.CircuitBreaker(fail_max=3, reset_timeout=15, name="wechat")
        # POSTs are retried by the outbox job, not here: a retried POST could deliver twice.
        self.sender = http_session(retries=0)
        self._tokens: dict[str, tuple[str, float]] = {}  # appid → (token, monotonic renewal time)
        self._token_lock = threading.Lock()

    def exchange_code(self, channel: str, code: str) -> WechatUser:
        appid, secret = self.apps[channel]
        if channel == "miniprogram":
            path = "/sns/jscode2session"
            params = {"appid": appid, "secret": secret, "js_code": code, "grant_type": "authorization_code"}
        else:
            path = "/sns/oauth2/access_token"
            params = {"appid": appid, "secret": secret, "code": code, "grant_type": "authorization_code"}
        body = self._get(path, params)
        errcode = body.get("errcode") or 0
        if errcode in CODE_REJECTED:
            raise WechatCodeRejected()
        if errcode or not body.get("openid"):
            # Wrong appid/secret (40013, 40125) or WeChat busy (-1): our problem, not the user's.
            log.error("wechat login failed", extra={"wechat_errcode": errcode, "channel": channel})
            raise WechatUnavailable(retry_after=30)
        return WechatUser(channel, appid, body["openid"], body.get("unionid"))

    def access_token(self, channel: str) -> str:
        """The app's server access_token, fetched once and reused until shortly before it expires."""
        appid, secret = self.apps[channel]
        # Held during the fetch: each fetch counts against a daily quota and retires the previous
        # token, so concurrent senders must wait for one fetch rather than each make their own.
        with self._token_lock:
            cached = self._tokens.get(appid)
            if cached and time.monotonic() < cached[1]:
                return cached[0]
            body = self._get("/cgi-bin/token", {"grant_type": "client_credential", "appid": appid, "secret": secret})
            errcode = body.get("errcode") or 0
            if errcode or not body.get("access_token"):
                log.error("wechat access_token refused", extra={"wechat_errcode": errcode, "channel": channel})
                raise WechatUnavailable(retry_after=30)
            token = body["access_token"]
            renew_at = time.monotonic() + int(body.get("expires_in", 7200)) - TOKEN_RENEW_MARGIN
            self._tokens[appid] = (token, renew_at)
            return token

    def send_subscribe_message(self, channel: str, openid: str, template_id: str, data: dict[str, str],
                               page: str | None = None) -> None:
        """Sends one subscribe message (订阅消息); raises WechatRecipientUnavailable or WechatDeliveryFailed."""
        payload = {"touser": openid, "template_id": template_id,
                   "data": {key: {"value": str(value)} for key, value in data.items()},
                   "miniprogram_state": "formal", "lang": "zh_CN"}
        if page:
            payload["page"] = page
        token = self._token_for_delivery(channel)
        errcode, errmsg = self._post_message(token, payload)
        if errcode in TOKEN_REJECTED:
            self._drop_token(self.apps[channel][0], token)
            token = self._token_for_delivery(channel)
            errcode, errmsg = self._post_message(token, payload)
        if errcode == 0:
            return
        log.warning("wechat subscribe message refused", extra={"wechat_errcode": errcode, "channel": channel})
        if errcode in RECIPIENT_REFUSED:
            raise WechatRecipientUnavailable(f"errcode {errcode}: {errmsg}")
        raise WechatDeliveryFailed(f"errcode {errcode}: {errmsg}")

    def _token_for_delivery(self, channel: str) -> str:
        try:
            return self.access_token(channel)
        except WechatUnavailable as exc:
            # The outbox job only knows delivery outcomes; no token yet is one worth retrying.
            raise WechatDeliveryFailed("access_token unavailable") from exc

    def _drop_token(self, appid: str, token: str) -> None:
        with self._token_lock:
            # Only if no other thread has already replaced it with a fresh one.
            if self._tokens.get(appid, ("",))[0] == token:
                del self._tokens[appid]

    def _post_message(self, token: str, payload: dict) -> tuple[int, str]:
        try:
            response = self.sender.post(
                self.base_url + "/cgi-bin/message/subscribe/send", params={"access_token": token},
                data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                headers={"Content-Type": "application/json; charset=utf-8"}, timeout=self.timeout)
            response.raise_for_status()
            body = response.json()
            if not isinstance(body, dict):
                raise ValueError("not a JSON object")
        except (requests.RequestException, ValueError) as exc:
            log.warning("wechat unreachable", extra={"error_type": type(exc).__name__})
            # `from None`: the exception's text holds the URL, and with it the access_token.
            raise WechatDeliveryFailed(type(exc).__name__) from None
        return int(body.get("errcode") or 0), str(body.get("errmsg", ""))

    def _get(self, path: str, params: dict) -> dict:
        try:
            return self.breaker.call(self._fetch, path, params)
        except pybreaker.CircuitBreakerError:
            raise WechatUnavailable(retry_after=self.breaker.reset_timeout) from None
        except (requests.RequestException, ValueError) as exc:
            log.warning("wechat unreachable", extra={"error_type": type(exc).__name__})
            # `from None`: the exception's text holds the URL, and with it the app secret.
            raise WechatUnavailable(retry_after=30) from None

    def _fetch(self, path: str, params: dict) -> dict:
        response = self.http.get(self.base_url + path, params=params, timeout=self.timeout)
        response.raise_for_status()
        return response.json()
