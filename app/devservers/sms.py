"""A fake SMS provider with the SendSms shape; GET /messages shows what it received."""
import json

from flask import Flask, jsonify, request


def create_fake_sms(token: str) -> Flask:
    app = Flask(__name__)
    app.config["messages"] = []
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
        return jsonify(Code="OK", Message="OK", BizId=f"fake-{len(app.config['messages'])}")

    @app.get("/messages")
    def messages():
        phone = request.args.get("phone")
        return jsonify([m for m in app.config["messages"] if phone is None or m["phone"] == phone])

    return app
