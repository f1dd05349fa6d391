"""Issue 21 item 1: a staff member's "type your …" step belongs to one ticket; other taps park it; answers are
previewed with [ส่ง] [แก้ไข] before they reach the customer. Through the real webhook, SDK and LINE stand-in."""
from datetime import datetime, timezone

from sqlmodel import select

from storage.db import session_scope
from storage.models import Ticket

FRIDAY_10_APRIL = datetime(2026, 4, 10, 3, 0, tzinfo=timezone.utc)


def _tickets(bot) -> dict[str, Ticket]:
    with session_scope(bot.engine) as session:
        return {t.kind: t for t in session.exec(select(Ticket)).all()}


def _footer(card: dict) -> list[dict]:
    return [c["action"] for c in card["contents"]["footer"]["contents"]]


def _body(card: dict) -> list[str]:
    return [c["text"] for c in card["contents"]["body"]["contents"]]


def _complaint_and_outage(bot) -> tuple[Ticket, Ticket]:
    bot.now = FRIDAY_10_APRIL
    bot.tap("Ucust1", "a=complaint")
    bot.tap("Ucust1", "a=complaint.topic&v=power_quality")
    bot.say("Ucust1", "ไฟตกบ่อยช่วงบ่าย")
    bot.tap("Ucust1", "a=complaint.done")
    bot.tap("Ucust2", "a=outage")
    bot.tap("Ucust2", bot.last_to("Ucust2")["quickReply"]["items"][0]["action"]["data"])  # the first site
    bot.tap("Ucust2", "a=outage.symptom&v=no_power")
    bot.tap("Ucust2", "a=outage.since&v=now")
    found = _tickets(bot)
    return found["complaint"], found["outage"]


def test_tapping_another_ticket_parks_the_answer_and_nothing_reaches_the_complaint_customer(org):
    bot = org
    complaint, outage = _complaint_and_outage(bot)
    bot.tap("Ukamr1", f"a=complaint.answer&t={complaint.id}")
    assert bot.last_to("Ukamr1")["text"] == "พิมพ์คำชี้แจงเรื่องร้องเรียน CMP-69-00001 ที่จะส่งถึงลูกค้าค่ะ"
    before = len(bot.line.messages_to("Ucust1"))

    bot.tap("Ukamr1", f"a=outage.ack&t={outage.id}")
    parked, card, acked = bot.line.messages_to("Ukamr1")[-3:]
    assert parked["altText"] == "พักการพิมพ์คำชี้แจง CMP-69-00001 ไว้ก่อน"
    [resume] = _footer(parked)
    assert resume["label"] == "กลับไปพิมพ์ต่อ" and resume["data"] == f"a=complaint.answer&t={complaint.id}"
    assert card["altText"].startswith("⚡") and acked["text"].startswith(f"รับเรื่อง {outage.number} แล้ว")

    bot.say("Ukamr1", "ทีมช่างกำลังเดินทางไปตรวจสอบหม้อแปลงค่ะ")
    assert len(bot.line.messages_to("Ucust1")) == before  # the complaint's customer heard nothing
    assert not any("ทีมช่าง" in text for text in bot.texts_to("Ucust2"))
    assert _tickets(bot)["complaint"].status == "open"  # the complaint clock still runs

    # The resume button asks for the answer to the same complaint again.
    bot.tap("Ukamr1", resume["data"])
    assert bot.last_to("Ukamr1")["text"] == "พิมพ์คำชี้แจงเรื่องร้องเรียน CMP-69-00001 ที่จะส่งถึงลูกค้าค่ะ"


def test_a_menu_word_typed_while_answering_is_a_tap_not_the_answer(org):
    bot = org
    complaint, _ = _complaint_and_outage(bot)
    bot.tap("Ukamr1", f"a=complaint.answer&t={complaint.id}")
    bot.say("Ukamr1", "งานของฉัน")
    assert any(text == "พักการพิมพ์คำชี้แจง CMP-69-00001 ไว้ก่อน" for text in bot.texts_to("Ukamr1"))
    assert not any("งานของฉัน" in text for text in bot.texts_to("Ucust1"))
    assert _tickets(bot)["complaint"].status == "open"


def test_answer_is_previewed_edited_and_sent_with_the_ticket_named(org):
    bot = org
    complaint, _ = _complaint_and_outage(bot)
    bot.tap("Ukamr1", f"a=complaint.answer&t={complaint.id}")
    bot.say("Ukamr1", "ร่างแรก")
    preview = bot.last_to("Ukamr1")
    assert _body(preview) == ["ตรวจคำชี้แจง CMP-69-00001 ก่อนส่ง", "ถึงลูกค้า: บริษัท น้ำตาลไทย จำกัด", "ร่างแรก"]
    send, edit = _footer(preview)
    assert (send["label"], edit["label"]) == ("ส่งถึงลูกค้า", "แก้ไขข้อความ")
    assert not any("ร่างแรก" in text for text in bot.texts_to("Ucust1"))  # not sent yet

    bot.tap("Ukamr1", edit["data"])
    assert bot.last_to("Ukamr1")["text"] == "พิมพ์คำชี้แจงเรื่องร้องเรียน CMP-69-00001 ที่จะส่งถึงลูกค้าค่ะ"
    bot.say("Ukamr1", "เปลี่ยนหม้อแปลงแล้วค่ะ")
    new_send = _footer(bot.last_to("Ukamr1"))[0]
    bot.tap("Ukamr1", new_send["data"])
    assert bot.last_to("Ucust1")["text"] == "CMP-69-00001 คำชี้แจงจากคุณสมชาย ใจดี:\nเปลี่ยนหม้อแปลงแล้วค่ะ"
    assert not any("ร่างแรก" in text for text in bot.texts_to("Ucust1"))
    assert bot.last_to("Ukamr1")["text"] == "ส่งคำชี้แจง CMP-69-00001 ถึงลูกค้าแล้ว"
    assert _tickets(bot)["complaint"].status == "answered"

    # The preview's send button is spent: a second tap sends nothing twice.
    count = len(bot.line.messages_to("Ucust1"))
    bot.tap("Ukamr1", new_send["data"])
    assert bot.last_to("Ukamr1")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    assert len(bot.line.messages_to("Ucust1")) == count


def test_send_after_parking_sends_nothing(org):
    bot = org
    complaint, outage = _complaint_and_outage(bot)
    bot.tap("Ukamr1", f"a=complaint.answer&t={complaint.id}")
    bot.say("Ukamr1", "คำชี้แจงที่ยังไม่แน่ใจ")
    send = _footer(bot.last_to("Ukamr1"))[0]
    bot.tap("Ukamr1", f"a=outage.view&t={outage.id}")
    assert bot.line.messages_to("Ukamr1")[-2]["altText"] == "พักการพิมพ์คำชี้แจง CMP-69-00001 ไว้ก่อน"
    bot.tap("Ukamr1", send["data"])
    assert bot.last_to("Ukamr1")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    assert not any("ไม่แน่ใจ" in text for text in bot.texts_to("Ucust1"))
    # Tampered: another KAMR's send of this complaint is refused too.
    bot.tap("Ukamr2", f"a=complaint.send&t={complaint.id}")
    assert bot.last_to("Ukamr2")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    assert _tickets(bot)["complaint"].status == "open"
