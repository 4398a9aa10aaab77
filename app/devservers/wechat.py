"""A fake of the WeChat API endpoints the service uses: log-in, access_token, subscribe messages.

Codes behave as WeChat's do: each works once and expires; a code that starts
with "bad" is refused as invalid; "busy" makes the server answer errcode -1.
The openid is derived from the code's text after the last "-", so a test can log
the same user in twice ("alice-1", "alice-2").

Subscribe messages are kept in config["subscribe_messages"]; config["refused_openids"]
(a set) makes WeChat answer 43101 for those users, config["fail_next_sends"] (a count)
makes the next sends answer -1, and clearing config["issued_tokens"] invalidates every
access_token, as a refresh by another holder of the secret would.
"""
import hashlib
import secrets
import threading
import time

from flask import Flask, jsonify, request


def create_fake_wechat(apps: dict[str, str]) -> Flask:
    """`apps` maps appid → secret."""
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
