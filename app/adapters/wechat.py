"""WeChat log-in over its real HTTP API: mini-program code2session and official-account OAuth 2."""
import logging
from dataclasses import dataclass

import requests

from app.adapters.http import http_session
from app.common.errors import AuthenticationFailed, DependencyUnavailable

log = logging.getLogger(__name__)

# errcodes that mean the user's code is bad, not that WeChat or our set-up is.
CODE_REJECTED = {40029, 40163, 40226, 41008}
CHANNELS = ("miniprogram", "official_account")


class WechatCodeRejected(AuthenticationFailed):
    error = "WECHAT_CODE_INVALID"
    message = "微信登录凭证无效或已使用，请重新打开页面"


class WechatUnavailable(DependencyUnavailable):
    error = "WECHAT_UNAVAILABLE"
    message = "微信服务暂时不可用，请稍后重试"


@dataclass(frozen=True)
class WechatUser:
    channel: str
    appid: str
    openid: str
    unionid: str | None


class WechatClient:
    """Exchanges a log-in code for the user's openid."""

    def __init__(self, base_url: str, apps: dict[str, tuple[str, str]], *, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.apps = apps
        self.timeout = timeout
        self.http = http_session()

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

    def _get(self, path: str, params: dict) -> dict:
        try:
            response = self.http.get(self.base_url + path, params=params, timeout=self.timeout)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("wechat unreachable", extra={"error_type": type(exc).__name__})
            raise WechatUnavailable(retry_after=30) from exc
