"""A fake of the WeChat API endpoints the service uses: log-in, access_token, subscribe messages,
and the official-account OAuth page (/connect/oauth2/authorize) the applicant H5 sends the browser to.

Codes behave as WeChat's do: each works once and expires; a code that starts
with "bad" is refused as invalid; "busy" makes the server answer errcode -1.
The openid is derived from the code's text after the last "-", so a test can log
the same user in twice ("alice-1", "alice-2").

Subscribe messages are kept in config["subscribe_messages"]; config["refused_openids"]
(a set) makes WeChat answer 43101 for those users, config["fail_next_sends"] (a count)
makes the next sends answer -1, and clearing config["issued_tokens"] invalidates every
access_token, as a refresh by another holder of the secret would.

The OAuth page checks appid, redirect_uri, response_type and scope as WeChat does (its 100xx codes),
shows "模拟微信授权" with a name to log in as ("demo" unless changed), or skips that with `?auto=<name>`,
then redirects to redirect_uri?code=<name>-<random>&state=<state>.
"""
import hashlib
import re
import secrets
import threading
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, Response, jsonify, redirect, request
from markupsafe import escape


def create_fake_wechat(apps: dict[str, str], account_name: str = "社会救助掌上办") -> Flask:
    """`apps` maps appid → secret; `account_name` is the official account the OAuth page names."""
    app = Flask(__name__)
    used: set[str] = set()
    lock = threading.Lock()
    app.config["calls"] = []
    app.config["token_ttl"] = 7200
    app.config["issued_tokens"] = {}  # access_token → (appid, expiry as time.time())
    app.config["subscribe_messages"] = []
    app.config["refused_openids"] = set()
    app.config["fail_next_sends"] = 0

    def credentials_error(grant_type: str):
        appid, secret = request.args.get("appid"), request.args.get("secret")
        app.config["calls"].append({"path": request.path, "appid": appid})
        if appid not in apps:
            return jsonify(errcode=40013, errmsg="invalid appid")
        if apps[appid] != secret:
            return jsonify(errcode=40125, errmsg="invalid appsecret")
        if request.args.get("grant_type") != grant_type:
            return jsonify(errcode=40002, errmsg="invalid grant_type")
        return None

    def exchange(code_param: str):
        error = credentials_error("authorization_code")
        if error:
            return error
        appid, code = request.args["appid"], request.args.get(code_param, "")
        if code.startswith("busy"):
            return jsonify(errcode=-1, errmsg="system error")
        if not code or code.startswith("bad"):
            return jsonify(errcode=40029, errmsg="invalid code")
        with lock:
            if code in used:
                return jsonify(errcode=40163, errmsg="code been used")
            used.add(code)
        person = code.rsplit("-", 1)[0]
        openid = "o" + hashlib.sha256(f"{appid}:{person}".encode()).hexdigest()[:27]
        unionid = "u" + hashlib.sha256(f"union:{person}".encode()).hexdigest()[:27]
        return openid, unionid

    @app.get("/sns/jscode2session")
    def jscode2session():
        result = exchange("js_code")
        if not isinstance(result, tuple):
            return result
        openid, unionid = result
        return jsonify(openid=openid, session_key="fake-session-key", unionid=unionid)

    @app.get("/sns/oauth2/access_token")
    def oauth_access_token():
        result = exchange("code")
        if not isinstance(result, tuple):
            return result
        openid, unionid = result
        return jsonify(access_token="fake-web-access-token", expires_in=7200, refresh_token="fake-refresh",
                       openid=openid, scope="snsapi_base", unionid=unionid)

    @app.get("/connect/oauth2/authorize")
    def oauth_authorize():
        """The official-account OAuth page: asks who is logging in (or not, with `auto`), then sends the
        browser back to redirect_uri with a one-time code and the caller's state, as WeChat does."""
        args = request.args
        problem = authorize_problem(args, apps)
        if problem:
            errcode, message = problem
            page = _ERROR_PAGE.replace("{errcode}", str(errcode)).replace("{message}", escape(message))
            return Response(page, status=400, mimetype="text/html")
        if "auto" not in args and "confirm" not in args:
            hidden = "".join(f'<input type="hidden" name="{escape(name)}" value="{escape(args[name])}">'
                             for name in ("appid", "redirect_uri", "response_type", "scope", "state") if name in args)
            page = _CONSENT_PAGE.replace("{account}", str(escape(account_name))).replace("{hidden}", hidden)
            return Response(page, mimetype="text/html")
        person = re.sub(r"[^0-9A-Za-z_.\u4e00-\u9fff]", "", args.get("name") or args.get("auto") or "")[:32] or "demo"
        code = f"{person}-{secrets.token_hex(6)}"
        app.config["calls"].append({"path": request.path, "appid": args["appid"]})
        return redirect(with_query(args["redirect_uri"], code=code, state=args.get("state", "")), 302)

    @app.get("/cgi-bin/token")
    def server_access_token():
        error = credentials_error("client_credential")
        if error:
            return error
        token, ttl = secrets.token_urlsafe(32), app.config["token_ttl"]
        with lock:
            app.config["issued_tokens"][token] = (request.args["appid"], time.time() + ttl)
        return jsonify(access_token=token, expires_in=ttl)

    @app.post("/cgi-bin/message/subscribe/send")
    def send_subscribe_message():
        with lock:
            issued = app.config["issued_tokens"].get(request.args.get("access_token", ""))
            app.config["calls"].append({"path": request.path, "appid": issued and issued[0]})
            if issued is None:
                return jsonify(errcode=40001, errmsg="invalid credential, access_token is invalid or not latest")
            if issued[1] <= time.time():
                return jsonify(errcode=42001, errmsg="access_token expired")
            if app.config["fail_next_sends"] > 0:
                app.config["fail_next_sends"] -= 1
                return jsonify(errcode=-1, errmsg="system busy")
        body = request.get_json(silent=True)
        problem = invalid_argument(body)
        if problem:
            return jsonify(errcode=47003, errmsg=f"argument invalid! {problem} invalid")
        if not body["touser"].startswith("o"):
            return jsonify(errcode=40003, errmsg="invalid openid")
        if body["touser"] in app.config["refused_openids"]:
            return jsonify(errcode=43101, errmsg="user refuse to accept the msg")
        message = {"touser": body["touser"], "template_id": body["template_id"], "data": body["data"],
                   "page": body.get("page")}
        with lock:
            app.config["subscribe_messages"].append(message)
        return jsonify(errcode=0, errmsg="ok", msgid=secrets.randbits(48))

    return app


def invalid_argument(body) -> str | None:
    """What WeChat's 47003 would name in a subscribe message, or None when it is well formed."""
    if not isinstance(body, dict):
        return "body"
    for field in ("touser", "template_id"):
        if not isinstance(body.get(field), str) or not body[field]:
            return field
    data = body.get("data")
    if not isinstance(data, dict) or not data:
        return "data"
    for key, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
            return f"data.{key}.value"
    if "page" in body and not isinstance(body["page"], str):
        return "page"
    if body.get("miniprogram_state", "formal") not in ("developer", "trial", "formal"):
        return "miniprogram_state"
    return None


SCOPES = ("snsapi_base", "snsapi_userinfo")
_PAGE_HEAD = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
              '<meta name="viewport" content="width=device-width, initial-scale=1"><title>模拟微信授权</title>'
              '<style>body{font-family:sans-serif;margin:0;background:#ededed}main{background:#fff;margin:16px;'
              'padding:24px;border-radius:8px;text-align:center}input[type=text]{font-size:18px;padding:8px;'
              'width:80%}button{margin-top:20px;font-size:18px;padding:10px 0;width:90%;border:0;border-radius:6px;'
              'background:#07c160;color:#fff}</style></head><body><main>')
_CONSENT_PAGE = (_PAGE_HEAD + '<h1>模拟微信授权</h1><p>{account} 申请使用你的微信身份登录</p>'
                 '<p>演示环境：这不是真的微信。填一个名字代表“谁在登录”，'
                 '同一个名字总是同一个微信用户。</p><form method="get" action="">{hidden}'
                 '<input type="hidden" name="confirm" value="1"><p><label>微信用户 '
                 '<input type="text" name="name" value="demo" maxlength="32"></label></p>'
                 '<button type="submit">确认登录</button></form></main></body></html>')
_ERROR_PAGE = _PAGE_HEAD + '<h1>授权失败</h1><p>错误码 {errcode}：{message}</p></main></body></html>'


def authorize_problem(args, apps: dict[str, str]) -> tuple[int, str] | None:
    """What WeChat's authorize page would refuse (its 100xx codes), or None."""
    if not args.get("appid"):
        return 10012, "appid 不能为空"
    if args["appid"] not in apps:
        return 10016, "appid 无效"
    redirect_uri = args.get("redirect_uri", "")
    if not redirect_uri:
        return 10011, "redirect_uri 不能为空"
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return 10003, "redirect_uri 域名与后台配置不一致"
    if args.get("response_type") != "code":
        return 10004, "response_type 须为 code"
    if not args.get("scope"):
        return 10010, "scope 不能为空"
    if args["scope"] not in SCOPES:
        return 10005, "此公众号并没有这些 scope 的权限"
    if not re.fullmatch(r"[0-9A-Za-z_-]{0,128}", args.get("state", "")):
        return 10013, "state 只能是 a-zA-Z0-9，最长 128 字节"
    return None


def with_query(url: str, **params) -> str:
    """`url` with `params` added to its query, before any fragment."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode(query + list(params.items()))))
