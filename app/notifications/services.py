"""Queue a message in the caller's transaction; deliver it after commit from a job."""
import json
import logging
from datetime import timedelta

from sqlalchemy import select

from app.adapters.sms import SmsFailed, SmsSender
from app.adapters.wechat import WechatDeliveryFailed, WechatRecipientUnavailable
from app.common.clock import CHINA_TZ, utcnow
from app.common.masking import mask_numbers_in, mask_phone
from app.db import after_commit, session
from app.identity.models import Account, WechatIdentity
from app.notifications.models import Message, OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


_dispatch = None


def configure_dispatch(dispatch) -> None:
    """`dispatch(message_id)` hands a committed message to the job queue (set by app.wiring)."""
    global _dispatch
    _dispatch = dispatch


NOTICE_TTL = 7 * 86400
TITLES = {"application": "申请进度通知", "staff": "待办提醒"}


def _queue(channel: str, template: str, payload: dict, *, ttl_seconds: int) -> OutboxMessage:
    """The message goes to the job queue only once the transaction has committed."""
    now = utcnow()
    message = OutboxMessage(channel=channel, template=template, created_at=now,
                            expires_at=now + timedelta(seconds=ttl_seconds),
                            payload=json.dumps(payload, ensure_ascii=False))
    session.add(message)
    session.flush()
    after_commit(lambda: _dispatch(message.id))
    return message


def queue_sms(phone: str, template: str, params: dict, *, ttl_seconds: int) -> OutboxMessage:
    return _queue("sms", template, {"phone": phone, "params": params}, ttl_seconds=ttl_seconds)


def notify(account_id: int, kind: str, body: str, *, application_id: int | None = None) -> Message:
    """An inbox copy now, and a WeChat subscribe message (SMS if that fails) after commit."""
    title, body = TITLES.get(kind.split(".")[0], "通知"), mask_numbers_in(body)
    message = Message(account_id=account_id, kind=kind, title=title, body=body, application_id=application_id,
                      created_at=utcnow())
    session.add(message)
    session.flush()
    _queue("notice", kind, {"account_id": account_id, "message_id": message.id, "title": title, "body": body},
           ttl_seconds=NOTICE_TTL)
    return message


def inbox(account_id: int):
    return select(Message).where(Message.account_id == account_id).order_by(Message.id.desc())


def deliver_message(message_id: int, *, sender: SmsSender, wechat=None, wechat_template: str = "") -> str:
    """Send one pending message; returns its status, "retry" when the channel failed."""
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None or message.status != "pending":
        return message.status if message else "missing"
    if message.expires_at < utcnow():
        # A one-time code that arrives after it expired only confuses people.
        message.status, message.last_error = "failed", "expired before delivery"
        return message.status
    payload = json.loads(message.payload)
    message.attempts += 1
    try:
        if message.channel == "sms":
            sender.send(payload["phone"], message.template, payload["params"])
        else:
            _deliver_notice(payload, sender=sender, wechat=wechat, template_id=wechat_template)
    except (SmsFailed, WechatDeliveryFailed) as exc:
        message.last_error = str(exc)[:200]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
        return "retry" if message.status == "pending" else message.status
    except NoChannel as exc:
        message.status, message.last_error = "failed", str(exc)
        return message.status
    message.status, message.sent_at, message.last_error = "sent", utcnow(), None
    return message.status


class NoChannel(Exception):
    """Neither WeChat nor a phone: the inbox copy is all the person gets."""


def _deliver_notice(payload: dict, *, sender: SmsSender, wechat, template_id: str) -> None:
    account = session.get(Account, payload["account_id"])
    identity = session.scalar(select(WechatIdentity).where(WechatIdentity.account_id == account.id)
                              .order_by(WechatIdentity.channel).limit(1))
    if identity is not None and wechat is not None:
        try:
            wechat.send_subscribe_message(identity.channel, identity.openid, template_id, {
                "thing1": payload["title"][:20], "thing2": payload["body"][:20],
                "time3": utcnow().astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"),
            })
            return
        except WechatRecipientUnavailable:
            pass  # not subscribed or refused: the SMS below is the fallback
    if not account.phone:
        raise NoChannel("no WeChat subscription and no phone")
    log.info("notice by SMS", extra={"phone": mask_phone(account.phone)})
    sender.send(account.phone, "notice", {"body": payload["body"]})


def stalled_message_ids(*, older_than_seconds: int = 60, limit: int = 100) -> list[int]:
    """Pending messages whose job was lost (a worker crash, a queue outage)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.created_at < cutoff)
        .order_by(OutboxMessage.id).limit(limit)
    ))
