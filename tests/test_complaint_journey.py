"""Complaints through the real webhook: topic, details, due date in working days, the KAMR's answer."""
from datetime import date, datetime, timezone

from sqlmodel import select

from storage.db import session_scope
from storage.models import TicketEvent

FRIDAY_10_APRIL = datetime(2026, 4, 10, 3, 0, tzinfo=timezone.utc)  # Friday 10:00 in Bangkok



def _body_lines(card: dict) -> list[str]:
    return [item["text"] for item in card["contents"]["body"]["contents"]]


def _carousel_lines(message: dict) -> list[str]:
    """The lines of every card of a carousel (ติดตามสถานะ: one card per request)."""
    return [item["text"] for bubble in message["contents"]["contents"] for item in bubble["body"]["contents"]]


def _file(bot, user="Ucust1", details="ไฟตกบ่อยช่วงบ่าย เครื่องจักรหยุดทำงาน 3 ครั้งในสัปดาห์นี้"):
    bot.tap(user, "a=complaint")
    bot.tap(user, "a=complaint.topic&v=power_quality")
    bot.say(user, details)


def test_complaint_filed_answered_and_listed(org):
    bot = org
    bot.now = FRIDAY_10_APRIL
    bot.tap("Ucust1", "a=complaint")
    ask = bot.last_to("Ucust1")
    assert ask["text"] == "ต้องการร้องเรียนเรื่องใดคะ"
    labels = [item["action"]["label"] for item in ask["quickReply"]["items"]]
    assert labels == ["คุณภาพไฟฟ้า", "ค่าไฟฟ้า/บิล", "การให้บริการ", "พนักงาน", "อื่น ๆ", "ยกเลิก"]
    bot.tap("Ucust1", ask["quickReply"]["items"][0]["action"]["data"])
    assert bot.last_to("Ucust1")["text"] == "กรุณาพิมพ์รายละเอียดเรื่องร้องเรียนค่ะ"
    bot.say("Ucust1", "ไฟตกบ่อยช่วงบ่าย " * 30)

    created = bot.last_to("Ucust1")
    assert created["text"] == ("รับเรื่องร้องเรียนแล้วค่ะ เลขที่ CMP-69-00001\nจะตอบชี้แจงภายในวันที่ 22 เม.ย. 2569\n"
                               "ส่งรูปประกอบได้ หรือกด ‘เสร็จสิ้น’")
    assert [i["action"]["type"] for i in created["quickReply"]["items"]] == ["camera", "cameraRoll", "postback"]
    # A photo goes on the ticket; "Done" brings the menu back.
    bot.send(bot.event("Ucust1", "message", message={"type": "image", "id": "img-77", "quoteToken": "q",
                                                     "contentProvider": {"type": "line"}}))
    assert bot.last_to("Ucust1")["text"] == "ได้รับแล้วค่ะ ส่งเพิ่มได้อีก หรือกด ‘เสร็จสิ้น’"
    assert [(e.action, e.details.get("media_id")) for e in bot.ticket_events()] == [("reported", None), ("photo", "img-77")]
    bot.tap("Ucust1", "a=complaint.done")
    finished = bot.last_to("Ucust1")
    assert finished["text"] == "ขอบคุณค่ะ KAMR จะตอบชี้แจงภายในกำหนด"
    assert finished["quickReply"]["items"][0]["action"]["label"] == "แจ้งไฟดับ"  # the menu follows
    ticket = bot.only_ticket()
    assert (ticket.kind, ticket.category, ticket.status) == ("complaint", "power_quality", "open")
    assert ticket.due_date == date(2026, 4, 22)
    assert ticket.details["due"] == "2026-04-22"
    assert ticket.details["received_at"] == FRIDAY_10_APRIL.isoformat()
    assert "2026-04-10" in ticket.details["due_rule"]

    card, photo_text, photo_card = bot.line.messages_to("Ukamr1")  # the photo follows once stored
    assert card["type"] == "flex" and card["altText"].startswith("📝 ร้องเรียน CMP-69-00001")
    assert photo_text["text"] == "รูปภาพ"  # no [server] public_url in tests: the label stands in for the image
    assert photo_card["altText"].startswith("📎 รูปภาพเพิ่มเติม CMP-69-00001 จาก User ust1")
    lines = _body_lines(card)
    assert lines[1] == "ลูกค้า: บริษัท น้ำตาลไทย จำกัด (A100)"
    assert lines[2] == "เรื่อง: คุณภาพไฟฟ้า"
    assert lines[3].startswith("รายละเอียด: ไฟตกบ่อยช่วงบ่าย") and lines[3].endswith("…")
    assert len(lines[3]) == len("รายละเอียด: ") + 300
    assert lines[4] == "ตอบภายใน: 22 เม.ย. 2569"
    button = card["contents"]["footer"]["contents"][0]["action"]
    assert button["label"] == "ตอบลูกค้า" and button["data"] == f"a=complaint.answer&t={ticket.id}"

    bot.tap("Ucust1", "a=status")
    status = bot.last_to("Ucust1")
    assert "CMP-69-00001 ร้องเรียน – คุณภาพไฟฟ้า – รอรับเรื่อง" in _carousel_lines(status)

    bot.advance(days=1)
    bot.tap("Ukamr1", button["data"])
    assert bot.last_to("Ukamr1")["text"] == "พิมพ์คำชี้แจงเรื่องร้องเรียน CMP-69-00001 ที่จะส่งถึงลูกค้าค่ะ"
    bot.say("Ukamr1", "ตรวจพบหม้อแปลงเกินพิกัด จะเปลี่ยนขนาดภายในวันที่ 30 เม.ย.")
    bot.tap("Ukamr1", f"a=complaint.send&t={ticket.id}")  # the preview's [ส่ง]
    assert bot.last_to("Ucust1")["text"] == (
        "CMP-69-00001 คำชี้แจงจากคุณสมชาย ใจดี:\nตรวจพบหม้อแปลงเกินพิกัด จะเปลี่ยนขนาดภายในวันที่ 30 เม.ย."
    )
    assert bot.last_to("Ukamr1")["text"] == "ส่งคำชี้แจง CMP-69-00001 ถึงลูกค้าแล้ว"

    ticket = bot.only_ticket()
    assert ticket.status == "answered"
    assert ticket.details["answered_at"] == bot.now.isoformat()
    assert ticket.details["due"] == "2026-04-22"  # kept
    with session_scope(bot.engine) as session:
        events = session.exec(select(TicketEvent).order_by(TicketEvent.id)).all()
        assert [(e.action, e.text) for e in events] == [
            ("reported", ""), ("photo", ""), ("answered", "ตรวจพบหม้อแปลงเกินพิกัด จะเปลี่ยนขนาดภายในวันที่ 30 เม.ย.")]

    # Answered is still open until closed: the customer and the KAMR still see it.
    bot.tap("Ucust1", "a=status")
    assert "CMP-69-00001 ร้องเรียน – คุณภาพไฟฟ้า – ตอบชี้แจงแล้ว" in _carousel_lines(bot.last_to("Ucust1"))
    bot.tap("Ukamr1", "a=mytickets")
    [mine] = bot.last_to("Ukamr1")["contents"]["contents"]  # one card per ticket (handlers/my_work.py)
    assert [c["text"] for c in mine["body"]["contents"]][:3] == [
        "📝 ร้องเรียน CMP-69-00001", "ลูกค้า: บริษัท น้ำตาลไทย จำกัด", "สถานะ: ตอบชี้แจงแล้ว"]
    bot.tap("Ukamr1", mine["footer"]["contents"][0]["action"]["data"])
    assert bot.last_to("Ukamr1")["text"] == "พิมพ์คำชี้แจงเรื่องร้องเรียน CMP-69-00001 ที่จะส่งถึงลูกค้าค่ะ"


def test_typed_keyword_and_topic_start_the_dialog(org):
    bot = org
    bot.now = FRIDAY_10_APRIL
    bot.say("Ucust2", "ร้องเรียน")
    assert bot.last_to("Ucust2")["text"] == "ต้องการร้องเรียนเรื่องใดคะ"
    bot.say("Ucust2", "ค่าไฟฟ้า/บิล")
    assert bot.last_to("Ucust2")["text"] == "กรุณาพิมพ์รายละเอียดเรื่องร้องเรียนค่ะ"
    bot.say("Ucust2", "บิลเดือนมีนาคมสูงผิดปกติ")
    assert bot.last_to("Ucust2")["text"].startswith("รับเรื่องร้องเรียนแล้วค่ะ เลขที่ CMP-69-00001")
    assert bot.only_ticket().category == "billing"


def test_only_the_accounts_staff_may_answer(org):
    bot = org
    bot.now = FRIDAY_10_APRIL
    _file(bot)
    ticket = bot.only_ticket()
    data = f"a=complaint.answer&t={ticket.id}"

    bot.tap("Ucust1", data)  # a customer
    assert bot.last_to("Ucust1")["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    bot.tap("Ukamr2", data)  # the KAMR of another account
    assert bot.last_to("Ukamr2")["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    bot.say("Ukamr2", "ข้อความนี้ไม่ควรถึงลูกค้า")
    assert not any("ข้อความนี้ไม่ควรถึงลูกค้า" in text for text in bot.texts_to("Ucust1"))
    assert bot.only_ticket().status == "open"

    bot.tap("Uzone", data)  # K001's backup may
    bot.say("Uzone", "รับทราบ จะตรวจสอบให้ค่ะ")
    bot.tap("Uzone", f"a=complaint.send&t={ticket.id}")
    assert bot.last_to("Ucust1")["text"] == "CMP-69-00001 คำชี้แจงจากคุณวีระ ประจำเขต:\nรับทราบ จะตรวจสอบให้ค่ะ"


def test_organisation_holiday_in_config_moves_the_due_date(org):
    bot = org
    calendar = bot.config.calendar.model_copy(update={"extra_holidays": {"2026-04-20": "วันหยุดองค์กร"}})
    bot.config = bot.config.model_copy(update={"calendar": calendar})
    bot.now = FRIDAY_10_APRIL
    _file(bot)
    assert bot.last_to("Ucust1")["text"].split("\n")[1] == "จะตอบชี้แจงภายในวันที่ 23 เม.ย. 2569"
    assert bot.only_ticket().due_date == date(2026, 4, 23)


def test_after_office_hours_counts_from_the_next_day(org):
    bot = org
    bot.now = datetime(2026, 4, 9, 10, 0, tzinfo=timezone.utc)  # Thursday 17:00 in Bangkok: like Friday
    _file(bot)
    assert bot.only_ticket().due_date == date(2026, 4, 22)
