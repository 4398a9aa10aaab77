"""A fake SMS provider with the SendSms shape; GET /messages shows what it received, GET / is a phone
inbox for people trying the demo by hand (every message, newest first, the one-time code large)."""
import json
from datetime import datetime, timezone
from html import escape
from zoneinfo import ZoneInfo

from flask import Flask, Response, jsonify, request

from app.adapters.sms import TEMPLATES

BEIJING = ZoneInfo("Asia/Shanghai")


def _text(message: dict) -> str:
    """The message as the phone would show it (the template's text when the fake knows it)."""
    template = TEMPLATES.get(message["template"])
    try:
        body = template.format(**message["params"]) if template else json.dumps(message["params"], ensure_ascii=False)
    except (KeyError, IndexError, ValueError):
        body = json.dumps(message["params"], ensure_ascii=False)
    return f"【{message['sign']}】{body}"


def _inbox(received: list[tuple[datetime, dict]], phone: str | None) -> str:
    rows = []
    for at, message in reversed(received):
        if phone and message["phone"] != phone:
            continue
        code = message["params"].get("code") if isinstance(message["params"], dict) else None
        rows.append(
            "<li><div class=meta><b>{phone}</b> <time>{time}</time></div>{code}<p>{text}</p></li>".format(
                phone=escape(str(message["phone"])), time=escape(at.astimezone(BEIJING).strftime("%m-%d %H:%M:%S")),
                code=f"<div class=code>验证码 <strong>{escape(str(code))}</strong></div>" if code else "",
                text=escape(_text(message))))
    shown = f"（仅 {escape(phone)}）" if phone else ""
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="3">
<title>模拟短信收件箱</title>
<style>
body {{ font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; background: #f4f5f7; color: #1f2329; }}
header {{ background: #1f2329; color: #fff; padding: 12px 16px; }}
header h1 {{ margin: 0; font-size: 18px; }} header p {{ margin: 4px 0 0; font-size: 13px; color: #c9cdd4; }}
ul {{ list-style: none; margin: 0 auto; padding: 12px; max-width: 640px; }}
li {{ background: #fff; border-radius: 10px; padding: 12px 14px; margin-bottom: 10px; }}
.meta {{ display: flex; justify-content: space-between; gap: 8px; font-size: 14px; color: #5f6673; }}
.meta b {{ color: #1f2329; font-size: 16px; }}
.code {{ margin: 8px 0 0; font-size: 15px; }} .code strong {{ font-size: 30px; letter-spacing: 4px; color: #1989fa; }}
p {{ margin: 8px 0 0; line-height: 1.6; word-break: break-all; }}
.empty {{ text-align: center; color: #5f6673; padding: 40px 0; }}
</style></head><body>
<header><h1>模拟短信收件箱{shown}</h1>
<p>演示用的假短信服务收到的每一条短信，最新的在最上面（北京时间）；每3秒自动刷新。只在演示环境中存在。</p></header>
<ul>{"".join(rows) or '<li class="empty">还没有收到短信</li>'}</ul>
</body></html>"""


def create_fake_sms(token: str) -> Flask:
    app = Flask(__name__)
    app.config["messages"] = []
    app.config["received_at"] = []
    app.config["fail_next"] = 0

    @app.post("/sms/send")
    def send():
        if request.headers.get("Authorization") != f"Bearer {token}":
            return jsonify(Code="Unauthorized", Message="bad token"), 401
        if app.config["fail_next"] > 0:
            app.config["fail_next"] -= 1
            return jsonify(Code="isv.BUSINESS_LIMIT_CONTROL", Message="busy"), 503
        body = request.get_json(force=True)
        message = {"phone": body["PhoneNumbers"], "sign": body["SignName"], "template": body["TemplateCode"],
                   "params": json.loads(body["TemplateParam"])}
        app.config["messages"].append(message)
        app.config["received_at"].append(datetime.now(timezone.utc))
        return jsonify(Code="OK", Message="OK", BizId=f"fake-{len(app.config['messages'])}")

    @app.get("/messages")
    def messages():
        phone = request.args.get("phone")
        return jsonify([m for m in app.config["messages"] if phone is None or m["phone"] == phone])

    @app.get("/")
    def inbox():
        """The fake phone's inbox as a page: ?phone= shows one phone's messages only."""
        received = list(zip(app.config["received_at"], app.config["messages"]))
        response = Response(_inbox(received, request.args.get("phone")), mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response

    return app
