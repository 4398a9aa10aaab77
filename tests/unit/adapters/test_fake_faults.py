"""The fault switch of the fake servers (make faults): a hung fake answers only once the hang is lifted."""
import threading
import time

from flask import Flask
from werkzeug.test import Client

from app.devservers.faults import Hangable


def fakes(longest=5.0) -> Client:
    inner = Flask(__name__)
    inner.add_url_rule("/sns/ping", "wechat", lambda: "wechat")
    inner.add_url_rule("/fake-sms/sms/send", "sms", lambda: "sms")
    return Client(Hangable(inner, {"wechat": ("/sns/",), "sms": ("/fake-sms/sms/",)}, longest=longest))


def test_nothing_hangs_until_asked():
    client = fakes()
    assert client.get("/sns/ping").text == "wechat"
    assert client.get("/_faults").text == ""


def test_a_hung_fake_waits_until_the_hang_is_lifted_and_the_others_still_answer():
    client = fakes()
    assert client.post("/_faults", json={"hang": ["wechat"]}).text == "wechat"
    assert client.get("/fake-sms/sms/send").text == "sms"
    lifter = threading.Timer(0.3, lambda: fakes_control(client, []))
    started = time.perf_counter()
    lifter.start()
    assert client.get("/sns/ping").text == "wechat"
    assert 0.25 < time.perf_counter() - started < 3


def test_a_hang_never_lasts_past_the_longest_wait():
    client = fakes(longest=0.2)
    fakes_control(client, ["sms"])
    started = time.perf_counter()
    assert client.get("/fake-sms/sms/send").text == "sms"
    assert 0.15 < time.perf_counter() - started < 2


def test_an_unknown_fake_is_refused():
    response = fakes().post("/_faults", json={"hang": ["tsa"]})
    assert response.status_code == 400


def fakes_control(client: Client, names: list[str]) -> None:
    client.post("/_faults", json={"hang": names})
