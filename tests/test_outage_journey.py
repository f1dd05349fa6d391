"""The whole outage journey through the real webhook, the real SDK client and the LINE stand-in."""
from sqlmodel import select

from storage.db import session_scope
from storage.models import Rating, TicketEvent


def test_outage_report_acknowledge_update_resolve_rate(org):
    bot = org
    bot.tap("Ucust1", "a=outage")
    ask_site = bot.last_to("Ucust1")
    assert ask_site["text"] == "ไฟดับที่สถานที่ใดคะ"
    labels = [item["action"]["label"] for item in ask_site["quickReply"]["items"]]
    assert labels == ["โรงงาน 1", "โรงงาน 2", "ยกเลิก"]
    site_data = ask_site["quickReply"]["items"][1]["action"]["data"]

    bot.tap("Ucust1", site_data)
    assert bot.last_to("Ucust1")["text"] == "เกิดอาการแบบใดคะ"
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    since = bot.last_to("Ucust1")
    assert [i["action"]["type"] for i in since["quickReply"]["items"]] == ["postback", "datetimepicker", "message"]
    bot.say("Ucust1", "09:40")

    ticket = bot.only_ticket()
    assert ticket.number == "OUT-69-00001"
    created = bot.last_to("Ucust1")["text"]
    assert created.startswith("รับแจ้งแล้วค่ะ เลขที่ OUT-69-00001\nโรงงาน 2: ไฟดับ ตั้งแต่ 23 พ.ย. 2569 09:40 น.")
    # The reply used the reply token: free, and at once.
    assert len(bot.line.replies) == 4 and len(bot.line.pushes) == 1
    # The KAMR got a push with the card and three buttons.
    card = bot.last_to("Ukamr1")
    assert card["type"] == "flex" and card["altText"].startswith("⚡ แจ้งไฟดับ OUT-69-00001")
    buttons = [b["action"]["label"] for b in card["contents"]["footer"]["contents"]]
    assert buttons == ["รับเรื่อง", "แจ้งความคืบหน้า", "แก้ไขแล้ว", "แจ้งด่วนผู้บริหาร"]

    bot.tap("Ukamr1", card["contents"]["footer"]["contents"][0]["action"]["data"])
    assert bot.last_to("Ucust1")["text"] == "OUT-69-00001: คุณสมชาย ใจดี รับเรื่องแล้ว กำลังตรวจสอบกับศูนย์ควบคุมการจ่ายไฟค่ะ"

    bot.tap("Ukamr1", f"a=outage.update&t={ticket.id}")
    bot.say("Ukamr1", "ทีมช่างถึงหน้างานแล้ว คาดว่าไฟมาภายใน 30 นาที")
    assert bot.last_to("Ucust1")["text"] == "OUT-69-00001 อัปเดตจากคุณสมชาย ใจดี:\nทีมช่างถึงหน้างานแล้ว คาดว่าไฟมาภายใน 30 นาที"

    bot.tap("Ukamr1", f"a=outage.resolve&t={ticket.id}")
    confirm = bot.last_to("Ukamr1")  # closing is deliberate: one tap asks first
    assert confirm["text"] == ("ยืนยันว่า OUT-69-00001 ไฟกลับมาใช้ได้ตามปกติแล้ว? "
                               "ลูกค้าจะได้รับแจ้งและแบบประเมินทันที\nเวลาไฟมา: 23 พ.ย. 2569 10:00 น.")
    assert [i["action"]["label"] for i in confirm["quickReply"]["items"]] == ["ยืนยัน ไฟมาแล้ว", "ไฟมาเวลาอื่น", "ยังไม่ใช่"]
    assert not bot.last_to("Ucust1")["text"].startswith("OUT-69-00001: แก้ไขเรียบร้อยแล้ว")
    assert bot.only_ticket().status == "acknowledged"
    bot.tap("Ukamr1", confirm["quickReply"]["items"][0]["action"]["data"])
    resolved = bot.last_to("Ucust1")
    assert resolved["text"].startswith("OUT-69-00001: แก้ไขเรียบร้อยแล้วค่ะ ✅ ไฟมาเมื่อ 23 พ.ย. 2569 10:00 น.")
    scores = [i["action"]["label"] for i in resolved["quickReply"]["items"]]
    assert scores == ["5", "4", "3", "2", "1"]

    bot.tap("Ucust1", resolved["quickReply"]["items"][0]["action"]["data"])
    assert bot.last_to("Ucust1")["text"].startswith("ขอบคุณสำหรับคะแนน 5/5")
    with session_scope(bot.engine) as session:
        assert [r.score for r in session.exec(select(Rating)).all()] == [5]
        actions = [e.action for e in session.exec(select(TicketEvent).order_by(TicketEvent.id)).all()]
    assert actions == ["reported", "acknowledged", "update", "resolved", "rated"]
    assert bot.only_ticket().status == "resolved"
