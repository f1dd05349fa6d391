"""Issue 14 items 4 and 5: the step after a report obeys words typed by hand and never strands
the customer; [ไฟมาแล้ว] closes the outage as restored by the customer and tells the KAMR."""
from __future__ import annotations

from tests.test_media import report_outage


def _labels(message):
    return [item["action"]["label"] for item in message.get("quickReply", {}).get("items", [])]


ATTACH = ["ถ่ายรูป", "เลือกรูป", "ส่งตำแหน่ง", "เสร็จสิ้น", "ไฟมาแล้ว"]


def test_the_confirmation_offers_power_back_and_done_typed_by_hand_finishes(org):
    bot = org
    report_outage(bot)
    assert _labels(bot.last_to("Ucust1")) == ATTACH
    bot.say("Ucust1", "เสร็จสิ้น")
    assert bot.last_to("Ucust1")["text"] == "ขอบคุณค่ะ เจ้าหน้าที่กำลังดำเนินการ"


def test_a_sticker_or_a_stray_file_in_the_attach_step_shows_its_buttons_again(org):
    bot = org
    report_outage(bot)
    bot.send(bot.event("Ucust1", "message", message={"type": "sticker", "id": "st", "packageId": "1", "stickerId": "1"}))
    again = bot.last_to("Ucust1")
    assert again["text"] == "ส่งรูป ตำแหน่ง หรือพิมพ์ข้อความเพิ่มเติมถึง KAMR ได้ค่ะ หรือกด ‘เสร็จสิ้น’"
    assert _labels(again) == ATTACH
    # A voice message is kept on the ticket (and reaches the KAMR once stored).
    bot.send(bot.event("Ucust1", "message", message={"type": "audio", "id": "m-voice", "duration": 2000,
                                                     "contentProvider": {"type": "line"}}))
    assert bot.last_to("Ucust1")["text"] == "ได้รับแล้วค่ะ ส่งเพิ่มได้อีก หรือกด ‘เสร็จสิ้น’"
    assert ("file", "m-voice") in [(e.action, e.details.get("media_id")) for e in bot.ticket_events()]
    assert bot.last_to("Ukamr1")["altText"].startswith("📎 ข้อความเสียงเพิ่มเติม OUT-69-00001")


def test_menu_words_typed_in_the_attach_step_are_obeyed(org):
    bot = org
    report_outage(bot)
    bot.say("Ucust1", "สถานะ")
    assert "OUT-69-00001" in bot.texts_to("Ucust1")[-1]  # the status list, not a note
    assert "note" not in [e.action for e in bot.ticket_events()]
    report_outage(bot, "Ucust2")  # joins; Ucust2 is not in the attach step
    bot.tap("Ucust1", "a=outage")
    bot.tap("Ucust1", bot.last_to("Ucust1")["quickReply"]["items"][1]["action"]["data"])
    bot.tap("Ucust1", "a=outage.symptom&v=flicker")
    bot.tap("Ucust1", "a=outage.since&v=now")  # a second site's outage: the attach step again
    bot.say("Ucust1", "ร้องเรียน")
    assert bot.last_to("Ucust1")["text"] == "ต้องการร้องเรียนเรื่องใดคะ"


def test_power_back_closes_the_outage_as_restored_by_the_customer_and_tells_the_kamr(org):
    bot = org
    report_outage(bot)
    button = bot.last_to("Ucust1")["quickReply"]["items"][-1]["action"]
    bot.tap("Ucust1", button["data"])
    thanks = bot.last_to("Ucust1")
    assert thanks["text"].startswith("OUT-69-00001: ขอบคุณที่แจ้งค่ะ ปิดเรื่องว่าไฟมาแล้ว ✅")
    assert _labels(thanks) == ["5", "4", "3", "2", "1"]
    assert bot.last_to("Ukamr1")["text"] == "✅ OUT-69-00001: ลูกค้า (User ust1) แจ้งว่าไฟมาแล้ว ปิดเรื่องแล้วค่ะ"
    ticket = bot.only_ticket()
    assert ticket.status == "resolved" and ticket.resolved_at == bot.now
    assert bot.ticket_events()[-1].action == "restored_by_customer"
    # Tapped again, or by a contact of another account: nothing changes, nothing leaks.
    bot.tap("Ucust1", button["data"])
    assert bot.last_to("Ucust1")["text"] == "OUT-69-00001 แก้ไขเรียบร้อยไปแล้วค่ะ"
    bot.tap("Uhosp", button["data"])
    assert "OUT-69-00001" not in bot.last_to("Uhosp")["text"]
    assert bot.ticket_events()[-1].action == "restored_by_customer"


def test_the_status_list_offers_power_back_on_an_open_outage(org):
    """Issue 14 item 5: [ไฟมาแล้ว] also in ติดตามสถานะ, and it closes the outage as restored by the customer."""
    bot = org
    ticket = report_outage(bot)
    bot.tap("Ucust1", "a=status")
    card = bot.last_to("Ucust1")["contents"]["contents"][0]
    power_back = card["footer"]["contents"][0]["action"]
    assert (power_back["label"], power_back["data"]) == ("ไฟมาแล้ว", f"a=outage.restored&t={ticket.id}")
    bot.tap("Ucust1", power_back["data"])
    assert bot.only_ticket().status == "resolved"
    assert bot.ticket_events()[-1].action == "restored_by_customer"
