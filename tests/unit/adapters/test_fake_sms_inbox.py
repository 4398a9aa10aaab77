"""The fake SMS provider's phone inbox (GET /): newest first, the code large, everything escaped."""
import json

import pytest

from app.devservers.sms import create_fake_sms

TOKEN = "inbox-token"


def send(client, phone, template, params):
    response = client.post("/sms/send", headers={"Authorization": f"Bearer {TOKEN}"}, json={
        "PhoneNumbers": phone, "SignName": "社会救助掌上办", "TemplateCode": template,
        "TemplateParam": json.dumps(params, ensure_ascii=False)})
    assert response.status_code == 200


@pytest.fixture
def client():
    return create_fake_sms(TOKEN).test_client()


def test_inbox_lists_messages_newest_first_with_the_code_prominent(client):
    send(client, "13900000001", "otp", {"code": "111111", "minutes": 5})
    send(client, "13900000002", "sign_invite", {"url": "http://127.0.0.1:5000/sign/abc"})
    send(client, "13900000001", "otp", {"code": "222222", "minutes": 5})

    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="3">' in page
    assert page.index("222222") < page.index("http://127.0.0.1:5000/sign/abc") < page.index("111111")
    assert "<strong>222222</strong>" in page
    assert "您的验证码是222222，5分钟内有效" in page and "13900000002" in page


def test_inbox_can_show_one_phone(client):
    send(client, "13900000001", "otp", {"code": "111111", "minutes": 5})
    send(client, "13900000002", "otp", {"code": "333333", "minutes": 5})
    page = client.get("/?phone=13900000002").get_data(as_text=True)
    assert "333333" in page and "111111" not in page


def test_inbox_escapes_what_it_received(client):
    send(client, "<b>1</b>", "notice", {"body": "<script>alert(1)</script>"})
    send(client, "13900000003", "SMS_0001", {"code": "<i>9</i>"})   # a template the fake does not know
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>1</b>" not in page and "<i>9</i>" not in page and "&lt;i&gt;9&lt;/i&gt;" in page


def test_empty_inbox_and_the_json_list_are_unchanged(client):
    assert "还没有收到短信" in client.get("/").get_data(as_text=True)
    send(client, "13900000004", "otp", {"code": "444444", "minutes": 5})
    assert client.get("/messages").json == [{"phone": "13900000004", "sign": "社会救助掌上办", "template": "otp",
                                            "params": {"code": "444444", "minutes": 5}}]
