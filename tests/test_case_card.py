"""Item 2 of issue 14: the KAMR sees the case: photos, the pin, the notes, every reporter, their
LINE name, a call button and how long ago; the coordinator's tabs link to the media."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot.config import parse_config
from storage import roster
from storage.db import session_scope
from storage.models import Media
from line_wire import SECRET, TOKEN

PUBLIC = "https://kambot.example.go.th"
JPEG = b"\xff\xd8\xff\xe0" + b"smoking transformer" * 10


@pytest.fixture
def config(db_url, line):
    return parse_config({
        "line": {"channel_secret": SECRET, "channel_access_token": TOKEN, "api_host": line.url,
                 "connect_timeout": 1, "read_timeout": 5},
        "database": {"url": db_url},
        "server": {"public_url": PUBLIC},
        "outbox": {"backoff_base_seconds": 1, "max_attempts": 5},
    })


@pytest.fixture
def world(bot):
    bot.seed_roster()
    bot.line.profiles.update({"Ucust1": "Nok ☀️", "Ucust2": "พี่เอ"})
    for user, kwargs in (("Ucust1", {"account": "A100"}), ("Ucust2", {"account": "A100"}), ("Ukamr1", {"staff": "K001"})):
        bot.link(user, **kwargs)
    with session_scope(bot.engine) as session:
        nok = roster.contact_by_line_user(session, "Ucust1")
        nok.name, nok.phone = "นกน้อย ใจงาม", "081-234-5678"
        roster.contact_by_line_user(session, "Ucust2").phone = "089 999 0000"
    bot.line.reset()
    return bot


def _report(bot, user, site_index=0):
    bot.tap(user, "a=outage")
    bot.tap(user, bot.last_to(user)["quickReply"]["items"][site_index]["action"]["data"])
    bot.tap(user, "a=outage.symptom&v=no_power")
    bot.tap(user, "a=outage.since&v=now")


def _card(message):
    body = [c["text"] for c in message["contents"]["body"]["contents"]]
    actions = [b["action"] for b in message["contents"].get("footer", {}).get("contents", [])]
    return body, actions


def test_the_display_name_is_fetched_at_link_and_refreshed_after_30_days(world):
    bot = world
    with session_scope(bot.engine) as session:
        assert roster.contact_by_line_user(session, "Ucust2").display_name == "พี่เอ"
    bot.line.profiles["Ucust2"] = "พี่เอ (ใหม่)"
    bot.say("Ucust2", "เมนู")
    with session_scope(bot.engine) as session:
        assert roster.contact_by_line_user(session, "Ucust2").display_name == "พี่เอ"  # fresh: not asked again
    bot.advance(days=31)
    bot.say("Ucust2", "เมนู")
    with session_scope(bot.engine) as session:
        assert roster.contact_by_line_user(session, "Ucust2").display_name == "พี่เอ (ใหม่)"
    assert [c.path for c in bot.line.calls if "/profile/" in c.path] == ["/v2/bot/profile/Ucust2"]


def test_the_kamr_card_carries_name_call_button_and_age_and_later_photo_pin_note_arrive(world):
    bot = world
    _report(bot, "Ucust1")
    body, actions = _card(bot.last_to("Ukamr1"))
    assert "ผู้แจ้ง: นกน้อย ใจงาม (LINE: Nok ☀️)" in body
    assert "แจ้งเมื่อสักครู่" in body
    assert {"type": "uri", "label": "📞 โทร 081-234-5678", "uri": "tel:0812345678"} in actions

    # A photo: pushed to the KAMR only once stored, as an image from the bot's own host.
    bot.line.content["m-smoke"] = (JPEG, "image/jpeg")
    bot.send(bot.event("Ucust1", "message", message={"type": "image", "id": "m-smoke",
                                                     "contentProvider": {"type": "line"}}))
    with session_scope(bot.engine) as session:
        token = session.exec(select(Media)).one().token
    image, caption = bot.line.messages_to("Ukamr1")[-2:]
    assert image == {"type": "image", "originalContentUrl": f"{PUBLIC}/media/{token}",
                     "previewImageUrl": f"{PUBLIC}/media/{token}/preview"}
    assert caption["altText"].startswith("📎 รูปภาพเพิ่มเติม OUT-69-00001 จาก นกน้อย ใจงาม")
    assert bot.app.test_client().get(f"/media/{token}").data == JPEG

    # The pin and a note reach the KAMR at once.
    bot.send(bot.event("Ucust1", "message", message={"type": "location", "id": "m-pin", "title": "หม้อแปลง",
                                                     "address": "ถนนพหลโยธิน", "latitude": 13.7563, "longitude": 100.5018}))
    place, pin_card = bot.line.messages_to("Ukamr1")[-2:]
    assert (place["type"], place["latitude"], place["longitude"]) == ("location", 13.7563, 100.5018)
    maps = "https://www.google.com/maps/search/?api=1&query=13.756300,100.501800"
    assert {"type": "uri", "label": "เปิดแผนที่", "uri": maps} in _card(pin_card)[1]
    bot.say("Ucust1", "หม้อแปลงมีควันออกมาค่ะ ได้กลิ่นไหม้")
    note_body, note_actions = _card(bot.last_to("Ukamr1"))
    assert note_body[0] == "📝 ข้อความเพิ่มเติม OUT-69-00001"
    assert "หม้อแปลงมีควันออกมาค่ะ ได้กลิ่นไหม้" in note_body
    assert note_actions[0]["uri"] == "tel:0812345678"
    assert bot.texts_to("Ucust1")[-1] == "ได้รับแล้วค่ะ ส่งเพิ่มได้อีก หรือกด ‘เสร็จสิ้น’"

    # A second contact joins; 12 minutes on, the card the KAMR opens carries everything.
    bot.tap("Ucust1", "a=outage.done")
    _report(bot, "Ucust2")
    bot.advance(minutes=12)
    ticket_id = bot.only_ticket().id
    bot.line.reset()
    bot.tap("Ukamr1", f"a=outage.view&t={ticket_id}")
    image, place, card = bot.line.messages_to("Ukamr1")
    assert image["originalContentUrl"] == f"{PUBLIC}/media/{token}" and place["type"] == "location"
    body, actions = _card(card)
    for line in ("ผู้แจ้ง: นกน้อย ใจงาม (LINE: Nok ☀️)", "แจ้งด้วย: พี่เอ (089 999 0000)",
                 "📝 หม้อแปลงมีควันออกมาค่ะ ได้กลิ่นไหม้", "📍 ตำแหน่ง: ถนนพหลโยธิน", "แจ้งเมื่อ 12 นาทีที่แล้ว"):
        assert line in body
    uris = [a["uri"] for a in actions if a["type"] == "uri"]
    assert uris == ["tel:0812345678", "tel:0899990000", maps]


def test_the_coordinator_tabs_link_to_the_media(world):
    from bot.forms.coordinator_tabs import build_tabs

    bot = world
    _report(bot, "Ucust1")
    bot.send(bot.event("Ucust1", "message", message={"type": "image", "id": "m-tab",
                                                     "contentProvider": {"type": "line"}}))
    with session_scope(bot.engine) as session:
        token = session.exec(select(Media)).one().token
        tables = {table.name: table.rows for table in build_tabs(session, bot.config, now=bot.now)}
    tickets = tables["tickets"]
    assert tickets[0][-1] == "ไฟล์แนบ" and tickets[1][-1] == f"{PUBLIC}/media/{token}"
    photo_row = next(row for row in tables["ticket_history"] if row[2] == "photo")
    assert photo_row[0] == "OUT-69-00001" and photo_row[-1] == f"{PUBLIC}/media/{token}"
    assert photo_row[3] == "นกน้อย ใจงาม"


def test_the_kamr_screen_in_the_terminal_simulator_shows_photo_pin_notes_and_call(world):
    """The screen the README shows: what `kambot chat` prints for the KAMR's card."""
    from bot.demo.chat_render import render_messages

    bot = world
    _report(bot, "Ucust1")
    bot.line.content["m-smoke"] = (JPEG, "image/jpeg")
    bot.send(bot.event("Ucust1", "message", message={"type": "image", "id": "m-smoke",
                                                     "contentProvider": {"type": "line"}}))
    bot.send(bot.event("Ucust1", "message", message={"type": "location", "id": "m-pin", "title": "หม้อแปลง",
                                                     "address": "ถนนพหลโยธิน", "latitude": 13.7563, "longitude": 100.5018}))
    bot.say("Ucust1", "หม้อแปลงมีควันออกมาค่ะ ได้กลิ่นไหม้")
    bot.advance(minutes=12)
    bot.line.reset()
    bot.tap("Ukamr1", f"a=outage.view&t={bot.only_ticket().id}")
    screen = render_messages(bot.line.messages_to("Ukamr1"))
    text = "\n".join(screen.lines)
    print(text)
    assert screen.lines[0].startswith(f"🤖 [รูปภาพ / image] {PUBLIC}/media/")
    assert screen.lines[1] == "🤖 [ตำแหน่ง / location] OUT-69-00001 ถนนพหลโยธิน (13.7563, 100.5018)"
    for line in ("   │ 📝 หม้อแปลงมีควันออกมาค่ะ ได้กลิ่นไหม้", "   │ แจ้งเมื่อ 12 นาทีที่แล้ว",
                 "   │ [5] 📞 โทร 081-234-5678 ☎ 0812345678", "   │ [6] เปิดแผนที่ 🗺"):
        assert line in screen.lines


def test_the_escalated_card_carries_the_photo_the_pin_and_the_notes(world):
    from bot.line.notifier import notifier_for
    from jobs.escalation import escalate_unacknowledged

    bot = world
    bot.link("Uzone", staff="Z001")
    _report(bot, "Ucust1")
    bot.line.content["m-esc"] = (JPEG, "image/jpeg")
    bot.send(bot.event("Ucust1", "message", message={"type": "image", "id": "m-esc",
                                                     "contentProvider": {"type": "line"}}))
    bot.say("Ucust1", "ได้กลิ่นไหม้ค่ะ")
    bot.advance(minutes=16)
    bot.line.reset()
    with session_scope(bot.engine) as session:
        assert escalate_unacknowledged(session, now=bot.now, config=bot.config,
                                       notifier=notifier_for(session, bot.now)) == 1
    bot.drain()
    image, card = bot.line.messages_to("Uzone")
    assert image["type"] == "image" and image["originalContentUrl"].startswith(f"{PUBLIC}/media/")
    body, actions = _card(card)
    assert body[0] == "⚠️ ส่งต่อ: ไฟดับ OUT-69-00001"
    assert "📝 ได้กลิ่นไหม้ค่ะ" in body and "แจ้งเมื่อ 16 นาทีที่แล้ว" in body
    assert "tel:0812345678" in [a.get("uri") for a in actions]


def test_one_customers_photos_reach_the_kamr_in_the_order_sent_when_the_first_is_slow(world):
    """The server's fetcher keeps several downloads going; a sender whose earlier photo is still
    downloading waits, so the KAMR never gets the second photo first."""
    import threading

    bot = world
    _report(bot, "Ucust1")
    bot.drain()
    bot.line.content["m-first"] = (JPEG, "image/jpeg")
    bot.line.content["m-second"] = (JPEG + b"2", "image/jpeg")
    send_first = [bot.event("Ucust1", "message", message={"type": "image", "id": "m-first",
                                                          "contentProvider": {"type": "line"}})]
    bot.post(send_first)
    bot.drain(send=False)
    bot.line.hang_next("any", 1.5)  # the first photo's download is slow
    stopping, wakeup = threading.Event(), threading.Event()
    fetcher = threading.Thread(target=bot.media.run, args=(stopping, wakeup), kwargs={"every": 0.05})
    fetcher.start()
    try:
        assert bot.line.wait_for(lambda: any(c.path.endswith("/m-first/content") for c in bot.line.calls))
        bot.post([bot.event("Ucust1", "message", message={"type": "image", "id": "m-second",
                                                           "contentProvider": {"type": "line"}})])
        bot.drain(send=False)
        wakeup.set()

        def stored() -> bool:
            with session_scope(bot.engine) as session:
                return [m.status for m in session.exec(select(Media))] == ["stored", "stored"]
        assert bot.line.wait_for(stored, timeout=10)
    finally:
        stopping.set()
        wakeup.set()
        fetcher.join(timeout=10)
    bot.drain()
    with session_scope(bot.engine) as session:
        tokens = {m.channel_message_id: m.token for m in session.exec(select(Media))}
    photos = [m["originalContentUrl"] for m in bot.line.messages_to("Ukamr1") if m["type"] == "image"]
    assert [url.rsplit("/", 1)[-1] for url in photos] == [tokens["m-first"], tokens["m-second"]]
    assert [c.path for c in bot.line.calls if "/content" in c.path] == [
        "/v2/bot/message/m-first/content", "/v2/bot/message/m-second/content"]
