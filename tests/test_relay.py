"""Issue 14 item 3: free text is a conversation. Recognised outages and complaints start their dialog
with what was said pre-filled; anything else reaches the KAMR (else the backup), the customer hears
who got it, and the KAMR's typed answer goes back. Forged buttons reach nothing of another account."""
from __future__ import annotations

from sqlmodel import select

from storage import roster
from storage.db import session_scope
from storage.models import Site, Staff, Ticket, TicketEvent


def _items(message):
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _body(message):
    return [c["text"] for c in message["contents"]["body"]["contents"]]


def test_an_outage_typed_with_its_site_asks_only_since_when(org):
    bot = org
    bot.say("Ucust1", "ไฟดับที่โรงงาน 2 ค่ะ")
    asked = bot.last_to("Ucust1")
    assert asked["text"] == "เริ่มเกิดตั้งแต่เมื่อไรคะ เลือกด้านล่าง หรือพิมพ์เวลา เช่น 14:30"  # site and symptom were said
    assert [a["label"] for a in _items(asked)][:2] == ["เพิ่งเกิด", "เลือกวันเวลา"]
    bot.tap("Ucust1", "a=outage.since&v=now")
    ticket = bot.only_ticket()
    with session_scope(bot.engine) as session:
        assert session.get(Site, ticket.site_id).name == "โรงงาน 2"
    assert (ticket.kind, ticket.category) == ("outage", "no_power")


def test_an_outage_typed_without_a_site_asks_the_site_then_since_when(org):
    bot = org
    bot.say("Ucust1", "ไฟตกครับ")
    assert [a["label"] for a in _items(bot.last_to("Ucust1"))][:2] == ["โรงงาน 1", "โรงงาน 2"]
    bot.tap("Ucust1", bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"])
    assert [a["label"] for a in _items(bot.last_to("Ucust1"))][:1] == ["เพิ่งเกิด"]  # the symptom was said
    bot.tap("Ucust1", "a=outage.since&v=now")
    assert bot.only_ticket().category == "low_voltage"


def test_english_and_complaints_are_understood(org):
    bot = org
    bot.say("Ucust1", "power outage")
    assert [a["label"] for a in _items(bot.last_to("Ucust1"))][:2] == ["โรงงาน 1", "โรงงาน 2"]
    bot.say("Ucust1", "ยกเลิก")
    bot.say("Ucust1", "ร้องเรียนค่ะ")
    assert bot.last_to("Ucust1")["text"] == "ต้องการร้องเรียนเรื่องใดคะ"


def test_a_question_reaches_the_kamr_who_answers_the_customer(org):
    bot = org
    bot.say("Ucust1", "ขอใบแจ้งหนี้เดือนที่แล้วได้ไหมคะ")
    told = bot.last_to("Ucust1")
    assert told["text"] == "ส่งถึงคุณสมชาย ใจดี (KAMR) แล้วค่ะ จะตอบกลับทางนี้โดยเร็ว"
    assert _items(told)[0]["label"] == "แจ้งไฟดับ"  # the menu follows
    card = bot.last_to("Ukamr1")
    assert card["altText"].startswith("💬 ข้อความจากลูกค้า MSG-69-00001")
    assert "ขอใบแจ้งหนี้เดือนที่แล้วได้ไหมคะ" in _body(card)
    reply = card["contents"]["footer"]["contents"][0]["action"]
    assert reply["label"] == "ตอบกลับ"

    bot.tap("Ukamr1", reply["data"])
    assert bot.last_to("Ukamr1")["text"].startswith("พิมพ์คำตอบถึง User ust1 (MSG-69-00001)")
    bot.say("Ukamr1", "ส่งทางอีเมลให้แล้วนะครับ")
    assert bot.last_to("Ucust1")["text"] == "💬 คุณสมชาย ใจดี ตอบ (MSG-69-00001):\nส่งทางอีเมลให้แล้วนะครับ"
    assert bot.last_to("Ukamr1")["text"] == "ส่งคำตอบ MSG-69-00001 ถึงลูกค้าแล้วค่ะ"
    ticket = bot.only_ticket()
    assert (ticket.kind, ticket.status) == ("message", "closed")
    assert [e.action for e in bot.ticket_events()] == ["reported", "answered"]

    # The old [ตอบกลับ] once answered says so; a new question is a new message.
    bot.tap("Ukamr1", reply["data"])
    assert bot.last_to("Ukamr1")["text"] == "MSG-69-00001 ตอบไปแล้วค่ะ"
    bot.say("Ucust1", "ขอบคุณค่ะ")  # politeness is not relayed
    assert bot.last_to("Ucust1")["text"].startswith("😊 ขอบคุณค่ะ")
    with session_scope(bot.engine) as session:
        assert len(session.exec(select(Ticket)).all()) == 1


def test_with_no_kamr_on_line_the_backup_gets_it_else_the_customer_hears_the_office_will_call(org):
    bot = org
    with session_scope(bot.engine) as session:
        roster.staff_by_code(session, "K001").line_user_id = None
    bot.say("Ucust1", "มีเรื่องสอบถามค่ะ")
    assert bot.last_to("Ucust1")["text"] == "ส่งถึงคุณวีระ ประจำเขต (ผู้รับเรื่องแทน KAMR) แล้วค่ะ จะตอบกลับทางนี้โดยเร็ว"
    assert bot.last_to("Uzone")["altText"].startswith("💬 ข้อความจากลูกค้า MSG-69-00001")
    # The backup may answer: the ticket was escalated to them.
    bot.tap("Uzone", bot.last_to("Uzone")["contents"]["footer"]["contents"][0]["action"]["data"])
    bot.say("Uzone", "รับทราบครับ")
    assert bot.last_to("Ucust1")["text"].startswith("💬 คุณวีระ ประจำเขต ตอบ")

    with session_scope(bot.engine) as session:
        for staff in session.exec(select(Staff)).all():
            staff.line_user_id = None
    bot.line.reset()
    bot.say("Uhosp", "มีเรื่องสอบถามค่ะ")
    assert bot.last_to("Uhosp")["text"] == ("ได้รับข้อความแล้วค่ะ ขณะนี้ยังไม่มีเจ้าหน้าที่รับทาง LINE "
                                            "สำนักงานจะโทรติดต่อกลับค่ะ")
    assert bot.line.pushes == []


def test_forged_buttons_reach_nothing_of_another_account(org):
    bot = org
    bot.say("Ucust1", "มีเรื่องสอบถามค่ะ")
    bot.send(bot.event("Ucust1", "message", message={"type": "image", "id": "m-private",
                                                     "contentProvider": {"type": "line"}}))
    ticket = bot.only_ticket()
    bot.line.reset()
    # K002 manages A200, not A100: the reply and view buttons of A100's message are refused.
    for data in (f"a=message.reply&t={ticket.id}", f"a=message.view&t={ticket.id}", f"a=outage.view&t={ticket.id}",
                 "a=message.reply&t=999999", "a=message.reply&t=abc"):
        bot.tap("Ukamr2", data)
    texts = bot.texts_to("Ukamr2")
    assert len(texts) == 5 and not any("MSG-" in text or "ust1" in text for text in texts)
    assert not [m for m in bot.line.messages_to("Ukamr2") if m["type"] == "image"]
    # A customer cannot use the KAMR's button at all.
    bot.tap("Uhosp", f"a=message.reply&t={ticket.id}")
    assert "MSG-" not in bot.last_to("Uhosp")["text"]
    with session_scope(bot.engine) as session:
        assert [e.action for e in session.exec(select(TicketEvent)).all()] == ["reported", "message"]
