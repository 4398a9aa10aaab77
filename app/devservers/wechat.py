"""A fake of the WeChat API endpoints the service uses (jscode2session, oauth2/access_token).

Codes behave as WeChat's do: each works once and expires; a code that starts
with "bad" is refused as invalid; "busy" makes the server answer errcode -1.
The openid is derived from the code's text after the last "-", so a test can log
the same user in twice ("alice-1", "alice-2").
"""
import hashlib
import threading

from flask import Flask, jsonify, request


def create_fake_wechat(apps: dict[str, str]) -> Flask:
    """`apps` maps appid → secret."""
    app = Flask(__name__)
    used: set[str] = set()
    lock = threading.Lock()
    app.config["calls"] = []

    def exchange(code_param: str):
        appid, secret = request.args.get("appid"), request.args.get("secret")
        code = request.args.get(code_param, "")
        app.config["calls"].append({"path": request.path, "appid": appid})
        if appid not in apps:
            return jsonify(errcode=40013, errmsg="invalid appid")
        if apps[appid] != secret:
            return jsonify(errcode=40125, errmsg="invalid appsecret")
        if request.args.get("grant_type") != "authorization_code":
            return jsonify(errcode=40002, errmsg="invalid grant_type")
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

    return app
