"""POST /callback as LINE and an operator see it: signatures, bad bodies, redelivery, every event
type, unlinked users, per-user order, store-then-handle, and no personal data in the logs."""
from __future__ import annotations

import copy
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from bot import create_app
from handlers.texts import t
from storage import roster
from storage.db import count_by_status, session_scope
from storage.models import Account, Conversation, InboxEvent, Site, Ticket

from line_wire import sign, webhook_body


def _counts(bot) -> dict[str, int]:
    with session_scope(bot.engine) as session:
        return count_by_status(session, InboxEvent)


# --- signature -----------------------------------------------------------------------------


def test_valid_signature_is_accepted(bot):
    event = bot.text_event("Unew", "สวัสดี")
    response = bot.post([event])
    assert response.status_code == 200
    assert _counts(bot) == {"pending": 1}


def test_invalid_signature_is_rejected_and_nothing_is_stored(bot):
    body = webhook_body([bot.text_event("Unew", "สวัสดี")])
    response = bot.post([], body=body, signature=sign(body, "some-other-secret"))
    assert response.status_code == 400
    assert "X-Line-Signature" in response.get_json()["error"]
    assert _counts(bot) == {}
    bot.drain()
    assert bot.line.calls == []


def test_tampered_body_is_rejected(bot):
    body = webhook_body([bot.text_event("Unew", "สวัสดี")])
    signature = sign(body)
    tampered = body.replace(b'"Unew"', b'"Uevil"')
    assert tampered != body
    response = bot.post([], body=tampered, signature=signature)
    assert response.status_code == 400
    assert _counts(bot) == {}


def test_missing_signature_header_is_rejected(bot):
    response = bot.post([bot.text_event("Unew", "สวัสดี")], signature="")
    assert response.status_code == 400
    assert _counts(bot) == {}


def test_line_console_verify_button_gets_200(bot):
    body = json.dumps({"destination": "U0123456789abcdef0123456789abcdef", "events": []}).encode()
    response = bot.post([], body=body, signature=sign(body))
    assert response.status_code == 200
    assert _counts(bot) == {}
    bot.drain()
    assert bot.line.calls == []


# --- bad bodies ------------------------------------------------------------------------------


def test_malformed_json_signed_gets_400_with_json_error(bot):
    body = b'{"destination": "Ubot", "events": ['
    response = bot.post([], body=body, signature=sign(body))
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]
    assert _counts(bot) == {}


def test_json_list_body_gets_400(bot):
    body = json.dumps([{"destination": "Ubot", "events": []}]).encode()
    response = bot.post([], body=body, signature=sign(body))
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_object_without_events_list_gets_400(bot):
    for payload in ({"destination": "Ubot"}, {"destination": "Ubot", "events": {"type": "message"}}):
        body = json.dumps(payload).encode()
        response = bot.post([], body=body, signature=sign(body))
        assert response.status_code == 400, payload


def test_non_utf8_body_gets_400(bot):
    body = b'{"destination": "Ubot", "events": [], "x": "\xff\xfe\xfa"}'
    response = bot.post([], body=body, signature=sign(body))
    assert response.status_code == 400
    assert _counts(bot) == {}


def test_oversized_body_gets_413(bot):
    assert bot.config.server.max_body_bytes == 1_000_000
    event = bot.text_event("Unew", "ก" * 10)
    body = json.dumps({"destination": "Ubot", "events": [event], "pad": "x" * 1_000_001}).encode()
    response = bot.post([], body=body, signature=sign(body))
    assert response.status_code == 413
    assert _counts(bot) == {}


def test_body_just_under_the_limit_is_accepted(bot):
    skeleton = json.dumps({"destination": "Ubot", "events": [], "pad": ""}).encode()
    body = json.dumps({"destination": "Ubot", "events": [], "pad": "x" * (1_000_000 - len(skeleton))}).encode()
    assert len(body) == 1_000_000
    assert bot.post([], body=body, signature=sign(body)).status_code == 200


def test_no_channel_secret_configured_gets_503(bot):
    config = bot.config.model_copy(update={"line": bot.config.line.model_copy(update={"channel_secret": ""})})
    client = create_app(config, engine=bot.engine).test_client()
    body = webhook_body([bot.text_event("Unew", "สวัสดี")])
    response = client.post("/callback", data=body,
                           headers={"Content-Type": "application/json", "X-Line-Signature": sign(body)})
    assert response.status_code == 503
    assert "line.channel_secret" in response.get_json()["error"]
    assert _counts(bot) == {}


def test_database_down_gets_503_and_the_redelivery_is_stored(bot, tmp_path):
    from storage.db import make_engine

    broken = make_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite3'}")  # no schema: every insert fails
    client = create_app(bot.config, engine=broken).test_client()
    body = webhook_body([bot.text_event("Unew", "สวัสดี")])
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body)}
    response = client.post("/callback", data=body, headers=headers)
    assert response.status_code == 503
    assert response.get_json()["error"] == "events could not be stored; send them again"
    assert bot.client.post("/callback", data=body, headers=headers).status_code == 200  # LINE's redelivery
    assert _counts(bot) == {"pending": 1}


def test_concurrent_requests_store_each_event_once(bot):
    """Requests arriving together are written in one batch; an event in two of them is kept once."""
    events = [bot.text_event(f"U{n:032d}", "ไฟดับ") for n in range(40)]
    bodies = [webhook_body(events[n:n + 2]) for n in range(0, 40, 1)]  # neighbours share an event
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda body: bot.client.post(
            "/callback", data=body, headers={"Content-Type": "application/json", "X-Line-Signature": sign(body)}
        ).status_code, bodies))
    assert statuses == [200] * 40
    with session_scope(bot.engine) as session:
        stored = session.exec(select(InboxEvent.event_id)).all()
    assert sorted(stored) == sorted(event["webhookEventId"] for event in events)


# --- redelivery -------------------------------------------------------------------------------


def _redelivered(event: dict) -> dict:
    again = copy.deepcopy(event)
    again["deliveryContext"] = {"isRedelivery": True}
    return again


def test_redelivered_text_from_unlinked_user_is_answered_once(bot):
    event = bot.text_event("Unew", "สวัสดีค่ะ")
    for payload in (event, event, _redelivered(event)):
        assert bot.post([payload]).status_code == 200
    bot.drain()
    assert bot.texts_to("Unew") == [t("unlinked", "th")]
    assert len(bot.line.replies) == 1 and bot.line.pushes == []
    assert _counts(bot) == {"done": 1}


def test_redelivered_status_tap_is_answered_once(org):
    bot = org
    event = bot.event("Ucust1", "postback", postback={"data": "a=status"})
    assert bot.post([event]).status_code == 200
    bot.drain()
    assert bot.post([event]).status_code == 200
    assert bot.post([_redelivered(event)]).status_code == 200
    bot.drain()
    assert len(bot.line.messages_to("Ucust1")) == 1
    assert len(bot.line.replies) == 1 and bot.line.pushes == []


def test_redelivered_outage_dialog_makes_one_ticket(org):
    bot = org
    bot.tap("Ucust1", "a=outage")
    with session_scope(bot.engine) as session:
        account = session.exec(select(Account).where(Account.name == "บริษัท น้ำตาลไทย จำกัด")).one()
        site = session.exec(select(Site).where(Site.account_id == account.id).order_by(Site.id)).first()
    bot.tap("Ucust1", f"a=outage.site&s={site.id}")
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    last = bot.text_event("Ucust1", "09:40")
    for payload in (last, last, _redelivered(last)):
        assert bot.post([payload]).status_code == 200
    bot.drain()
    with session_scope(bot.engine) as session:
        assert len(session.exec(select(Ticket)).all()) == 1
    created = [x for x in bot.texts_to("Ucust1") if x.startswith("รับแจ้งแล้วค่ะ")]
    assert len(created) == 1
    assert len(bot.line.pushes) == 1  # the KAMR is told once


# --- every event type --------------------------------------------------------------------------


def test_every_line_event_type_in_one_payload(org):
    bot = org
    group = {"type": "group", "groupId": "Cgroup1", "userId": "Ucust1"}
    room = {"type": "room", "roomId": "Rroom1", "userId": "Ucust1"}
    e = bot.event
    events = [
        bot.text_event("Ucust1", "สวัสดี"),
        e("Ucust1", "message", message={"type": "image", "id": "img1", "contentProvider": {"type": "line"}}),
        e("Ucust1", "message", message={"type": "video", "id": "vid1", "duration": 1000,
                                         "contentProvider": {"type": "line"}}),
        e("Ucust1", "message", message={"type": "audio", "id": "aud1", "duration": 1000,
                                         "contentProvider": {"type": "line"}}),
        e("Ucust1", "message", message={"type": "file", "id": "file1", "fileName": "a.pdf", "fileSize": 10}),
        e("Ucust1", "message", message={"type": "location", "id": "loc1", "title": "บ้าน", "address": "เชียงใหม่",
                                         "latitude": 18.79, "longitude": 98.98}),
        e("Ucust2", "message", message={"type": "sticker", "id": "st1", "packageId": "446", "stickerId": "1988",
                                         "stickerResourceType": "STATIC"}),
        e("Unewbie", "follow", follow={"isUnblocked": False}),
        e("Ugone", "unfollow"),
        e("Cgroup1", "join", source={"type": "group", "groupId": "Cgroup1"}),
        e("Rroom1", "leave", source={"type": "room", "roomId": "Rroom1"}),
        e("Ukamr1", "postback", postback={"data": "a=menu", "params": {"date": "2026-11-23"}}),
        e("Ukamr1", "postback", postback={"data": "a=menu", "params": {"time": "09:40"}}),
        e("Ukamr1", "postback", postback={"data": "a=menu", "params": {"datetime": "2026-11-23T09:40"}}),
        e("Uhosp", "beacon", beacon={"hwid": "d41d8cd98f", "type": "enter"}),
        e("Uhosp", "accountLink", link={"result": "ok", "nonce": "nonce-1"}),
        e("Cgroup1", "memberJoined", source={"type": "group", "groupId": "Cgroup1"},
          joined={"members": [{"type": "user", "userId": "Uzone"}]}),
        e("Cgroup1", "memberLeft", source={"type": "group", "groupId": "Cgroup1"},
          left={"members": [{"type": "user", "userId": "Uzone"}]}),
        e("Uhosp", "unsend", unsend={"messageId": "m-old"}),
        e("Uhosp", "videoPlayComplete", videoPlayComplete={"trackingId": "track-1"}),
        e("Uhosp", "somethingNew", something={"new": True}),
        e("Cgroup1", "message", source=group, message={"type": "text", "id": "g1", "text": "สถานะ"}),
        e("Cgroup1", "message", source=group, message={"type": "sticker", "id": "g2", "packageId": "1",
                                                        "stickerId": "1"}),
        e("Rroom1", "message", source=room, message={"type": "text", "id": "r1", "text": "ไฟดับ"}),
        e("Cgroup1", "postback", source=group, postback={"data": "a=status"}),
    ]
    assert len({ev["type"] for ev in events}) == 13
    before = _counts(bot).get("done", 0)
    response = bot.post(events)
    assert response.status_code == 200
    assert _counts(bot) == {"done": before, "pending": len(events)}
    bot.drain()
    counts = _counts(bot)
    assert "failed" not in counts and "pending" not in counts
    assert counts == {"done": before + len(events)}
    with session_scope(bot.engine) as session:
        assert all(row.payload is None for row in session.exec(select(InboxEvent)).all())

    # A sticker from a linked contact: a friendly word, with the menu (issue 14).
    sticker_answer = bot.line.messages_to("Ucust2")
    assert [m["text"] for m in sticker_answer] == [t("sticker_thanks", "th")]
    # A greeting gets the menu; image, video, audio, file and location outside a dialog go to the
    # KAMR (issue 14), and the customer hears who got them.
    ucust1 = bot.texts_to("Ucust1")
    assert ucust1[0] == t("menu_hint", "th")
    assert ucust1[1:] == [t("relay_told_kamr", "th", staff="คุณสมชาย ใจดี")] * 5
    # A new follower is greeted, and told to link.
    assert bot.texts_to("Unewbie") == [t("greet_unlinked", "th")]
    # Groups: one polite line on join, nothing else ever; rooms: nothing.
    assert bot.texts_to("Cgroup1") == [t("group_not_supported", "th")]
    assert bot.texts_to("Rroom1") == []
    assert all(p["to"] not in ("Cgroup1", "Rroom1") for p in bot.line.pushes)
    # Pushed: only to the KAMR: the relayed message's card, the pin, and each file once kept.
    assert [p["to"] for p in bot.line.pushes] == ["Ukamr1"] * 6
    # Nobody got anything for unfollow, beacon, accountLink, unsend, videoPlayComplete or unknown types.
    assert bot.texts_to("Ugone") == [] and bot.texts_to("Uhosp") == []
    # Postbacks with date/time/datetime params were answered (one reply each); the rest the KAMR
    # got is the relayed message MSG-69-… and its files.
    to_kamr = bot.texts_to("Ukamr1")
    assert to_kamr.count(t("staff_menu_hint", "th")) == 3
    assert all("MSG-69-" in text or text in ("รูปภาพ", "วิดีโอ", "ข้อความเสียง", "ไฟล์", "")  # "": the pin
               for text in to_kamr if text != t("staff_menu_hint", "th"))


def test_group_text_from_a_linked_user_never_reaches_the_group_or_the_user(org):
    bot = org
    group = {"type": "group", "groupId": "Cgroup9", "userId": "Ucust1"}
    events = [bot.event("Cgroup9", "message", source=group, message={"type": "text", "id": f"g{i}", "text": text})
              for i, text in enumerate(["สถานะ", "ไฟดับ", "เมนู", "งานของฉัน"])]
    before = _counts(bot).get("done", 0)
    assert bot.post(events).status_code == 200
    bot.drain()
    assert bot.line.replies == [] and bot.line.pushes == []
    assert _counts(bot) == {"done": before + 4}


def test_event_without_webhook_event_id_or_source_is_stored_and_ignored(bot):
    odd = {"type": "message", "timestamp": 1, "message": {"type": "text", "id": "x", "text": "hi"}}
    assert bot.post([odd, odd, "not an event", 42]).status_code == 200
    assert _counts(bot) == {"pending": 1}
    bot.drain()
    assert _counts(bot) == {"done": 1}
    assert bot.line.replies == [] and bot.line.pushes == []


# --- unlinked users ----------------------------------------------------------------------------


def test_unlinked_follow_gets_the_greeting(bot):
    bot.follow("Unew")
    assert bot.texts_to("Unew") == [t("greet_unlinked", "th")]


def test_unlinked_user_never_sees_data(org):
    bot = org
    bot.say("Ustranger", "สถานะ")
    bot.say("Ustranger", "ไฟดับ")
    bot.tap("Ustranger", "a=status")
    bot.tap("Ustranger", "a=contact")
    bot.tap("Ustranger", "a=outage")
    messages = bot.line.messages_to("Ustranger")
    assert [m["text"] for m in messages] == [t("unlinked", "th")] * 5
    everything = json.dumps(messages, ensure_ascii=False)
    for secret in ("น้ำตาลไทย", "โรงงาน", "สมชาย", "OUT-", "K001", "A100"):
        assert secret not in everything
    assert all("quickReply" not in m for m in messages)


def test_wrong_code_gets_code_invalid(bot):
    bot.say("Unew", "ABCD-1234")
    assert bot.texts_to("Unew") == [t("code_invalid", "th")]


def test_sixth_code_within_an_hour_is_throttled_even_if_valid(bot):
    bot.seed_roster()
    for i in range(5):
        bot.say("Unew", f"WRNG-000{i}")
        bot.advance(minutes=5)
    assert bot.texts_to("Unew") == [t("code_invalid", "th")] * 5
    code = bot.issue_code(account="A100", ttl=timedelta(hours=2))
    bot.say("Unew", code)
    assert bot.texts_to("Unew")[-1] == t("code_throttled", "th")
    with session_scope(bot.engine) as session:
        assert roster.contact_by_line_user(session, "Unew") is None
    # An hour after the first wrong codes the same valid code works.
    bot.advance(minutes=45)
    bot.say("Unew", code)
    assert bot.texts_to("Unew")[-2].startswith("เชื่อมบัญชีเรียบร้อยแล้วค่ะ")  # then asked for their name
    with session_scope(bot.engine) as session:
        assert roster.contact_by_line_user(session, "Unew") is not None


def test_throttling_is_per_user(bot):
    for i in range(6):
        bot.say("Uattacker", f"WRNG-000{i}")
    assert bot.texts_to("Uattacker")[-1] == t("code_throttled", "th")
    bot.say("Uhonest", "WRNG-9999")
    assert bot.texts_to("Uhonest") == [t("code_invalid", "th")]


# --- order, store-then-handle -------------------------------------------------------------------


def test_events_of_one_user_in_one_payload_are_handled_in_order(org):
    bot = org
    with session_scope(bot.engine) as session:
        account = roster.account_by_code(session, "A100")
        site = session.exec(select(Site).where(Site.account_id == account.id).order_by(Site.id)).first()
    events = [
        bot.event("Ucust1", "postback", postback={"data": "a=outage"}),
        bot.event("Ucust1", "postback", postback={"data": f"a=outage.site&s={site.id}"}),
        bot.event("Ucust1", "postback", postback={"data": "a=outage.symptom&v=no_power"}),
    ]
    assert bot.post(events).status_code == 200
    bot.drain()
    texts = bot.texts_to("Ucust1")
    assert texts == [t("outage_ask_site", "th"), t("outage_ask_symptom", "th"), t("outage_ask_since", "th")]
    with session_scope(bot.engine) as session:
        state = session.get(Conversation, "Ucust1")
        assert state.step == "since"


def test_webhook_stores_and_does_not_handle_inline(org):
    bot = org
    before = _counts(bot)["done"]  # the linking codes the roster fixture typed
    event = bot.event("Ucust1", "postback", postback={"data": "a=status"})
    response = bot.post([event])
    assert response.status_code == 200
    assert bot.line.calls == []
    assert _counts(bot) == {"done": before, "pending": 1}
    by_id = select(InboxEvent).where(InboxEvent.event_id == event["webhookEventId"])
    with session_scope(bot.engine) as session:
        row = session.exec(by_id).one()
        assert row.status == "pending" and row.payload["postback"]["data"] == "a=status"
    bot.drain()
    assert _counts(bot) == {"done": before + 1}
    with session_scope(bot.engine) as session:
        assert all(r.payload is None for r in session.exec(select(InboxEvent)).all())
        row = session.exec(by_id).one()
        assert row.status == "done" and row.payload is None and row.handled_at is not None
    assert len(bot.line.messages_to("Ucust1")) == 1


# --- privacy ---------------------------------------------------------------------------------


def test_message_text_never_reaches_the_logs(org, caplog):
    bot = org
    caplog.set_level(logging.DEBUG)  # not even at DEBUG
    secret = "เลขบัตร 1234567890123"
    bot.say("Ucust1", secret)
    bot.say("Ustranger", secret)
    assert caplog.records  # the bot does log
    for record in caplog.records:
        message = record.getMessage()
        assert "1234567890123" not in message, (record.name, message[:200])
        assert "เลขบัตร" not in message, (record.name, message[:200])
