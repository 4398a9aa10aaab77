"""A fake department that answers record queries over HTTP, for tests and demo mode.

config["records"]: kind → ID number → list of records; config["DOWN"] answers 503;
config["DELAY"] seconds of silence before answering (a department that hangs). An empty token accepts any caller.
"""
import time

from flask import Flask, jsonify, request


def create_fake_department(token: str, records: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(records=records or {}, DOWN=False, DELAY=0, queries=0)

    @app.post("/records/query")
    def query():
        app.config["queries"] += 1
        if token and request.headers.get("Authorization") != f"Bearer {token}":
            return jsonify(error="unauthorized"), 401
        if app.config["DELAY"]:
            time.sleep(app.config["DELAY"])
        if app.config["DOWN"]:
            return jsonify(error="maintenance"), 503
        body = request.get_json(force=True)
        by_number = app.config["records"].get(body["kind"], {})
        return jsonify(records=[dict(record, id_number=number) for number in body["id_numbers"]
                                for record in by_number.get(number, [])])

    return app
