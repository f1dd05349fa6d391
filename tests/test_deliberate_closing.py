"""Issue 21 item 3: closing is deliberate. Resolve and delivered ask first; a service is not delivered before its
appointment without a reason; a low score recorded for the customer raises the same follow-up as their own.
Through the real webhook, SDK and LINE stand-in."""
from closing import answered_complaint_ten_days_on
from storage.db import session_scope
from storage.models import Ticket


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message["quickReply"]["items"]]


def _booked_service(bot) -> Ticket:
    bot.tap("Ucust1", "a=service")
    bot.tap("Ucust1", "a=service.pick&c=FMS2")
    bot.tap("Ucust1", "a=service.date", date="2026-12-01")
    ticket = bot.only_ticket()
    bot.tap("Ukamr1", f"a=service.accept&t={ticket.id}")
    bot.tap("Ukamr1", f"a=service.accept&t={ticket.id}&d=2026-12-01&h=1000")  # the time, from its quick reply
    return bot.only_ticket()


def test_one_tap_on_resolved_no_longer_closes_an_outage(org):
    bot = org
    bot.tap("Ucust1", "a=outage")
    bot.tap("Ucust1", bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"])
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    bot.tap("Ucust1", "a=outage.since&v=now")
    ticket = bot.only_ticket()
    heard = len(bot.line.messages_to("Ucust1"))
    bot.tap("Ukamr1", f"a=outage.resolve&t={ticket.id}")
    yes, _other_time, not_yet = _quick(bot.last_to("Ukamr1"))
    assert bot.only_ticket().status == "open" and len(bot.line.messages_to("Ucust1")) == heard
    bot.tap("Ukamr1", not_yet["data"])  # "not yet" shows the card again, nothing changes
    assert bot.last_to("Ukamr1")["altText"].startswith(f"⚡ แจ้งไฟดับ {ticket.number}")
    assert bot.only_ticket().status == "open"
    bot.tap("Ukamr1", yes["data"])
    assert bot.only_ticket().status == "resolved"
    assert bot.last_to("Ucust1")["text"].startswith(f"{ticket.number}: แก้ไขเรียบร้อยแล้วค่ะ ✅")
    bot.tap("Ukamr2", yes["data"])  # another account's KAMR, with a forwarded button
    assert bot.last_to("Ukamr2")["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"


def test_service_is_not_delivered_a_week_before_its_appointment_without_a_reason(org):
    bot = org  # Monday 23 November 2026; the appointment is Tuesday 1 December
    ticket = _booked_service(bot)
    heard = len(bot.line.messages_to("Ucust1"))
    bot.tap("Ukamr1", f"a=service.done&t={ticket.id}")
    assert bot.last_to("Ukamr1")["text"] == (
        "SRV-69-00001 นัดไว้วันอังคารที่ 1 ธ.ค. 2569 ยังไม่ถึงวันนัด\nหากให้บริการแล้ว พิมพ์เหตุผลที่ให้บริการก่อนวันนัดค่ะ")
    bot.tap("Ukamr1", f"a=service.done&t={ticket.id}&ok=1")  # a forged "confirmed" still needs the reason
    assert "ยังไม่ถึงวันนัด" in bot.last_to("Ukamr1")["text"]
    assert bot.only_ticket().status == "scheduled" and len(bot.line.messages_to("Ucust1")) == heard

    bot.say("Ukamr1", "ลูกค้าขอเลื่อนมาทำวันนี้ ทีมว่าง")
    assert bot.last_to("Ukamr1")["text"] == "ปิดงาน SRV-69-00001 แล้ว ลูกค้าจะได้รับแบบประเมิน"
    assert bot.only_ticket().status == "resolved"
    resolved = bot.ticket_events()[-1]
    assert (resolved.action, resolved.text, resolved.details["before_appointment"]) == (
        "resolved", "ลูกค้าขอเลื่อนมาทำวันนี้ ทีมว่าง", True)


def test_on_behalf_low_score_asks_the_kamr_to_call_like_the_customers_own(org):
    bot = org
    ticket = answered_complaint_ten_days_on(bot)
    bot.tap("Ukamr1", f"a=complaint.obscore&t={ticket.id}&c=phone&s=2")
    bot.tap("Usup", f"a=complaint.certify&t={ticket.id}")
    assert bot.last_to("Ukamr1")["text"] == "CMP-69-00001 ได้รับการรับรองและปิดเรื่องแล้ว"
    assert "CMP-69-00001: ลูกค้า บริษัท น้ำตาลไทย จำกัด ให้คะแนน 2/5 กรุณาโทรติดตาม" in bot.texts_to("Ukamr1")
    with session_scope(bot.engine) as session:
        assert session.get(Ticket, ticket.id).details["follow_up_call"] is True
