"""Issue 21 item 2 and issue 14 item 6: งานของฉัน holds everything waiting for the person, as a carousel of cards
(one per ticket, its own buttons), most urgent first, with age, due date and overdue marks; certifications stay
there with [รับรอง] / [ไม่รับรอง]. Through the real webhook, SDK and LINE stand-in."""
from datetime import datetime, timezone

from sqlmodel import select

from storage.db import session_scope
from storage.models import Ticket

FRIDAY_10_APRIL = datetime(2026, 4, 10, 3, 0, tzinfo=timezone.utc)
NONE = "ไม่มีเรื่องที่ค้างอยู่ค่ะ 👍"


def _bubbles(message: dict) -> list[dict]:
    assert message["type"] == "flex" and message["contents"]["type"] == "carousel"
    return message["contents"]["contents"]


def _texts(bubble: dict) -> list[str]:
    return [c["text"] for c in bubble["body"]["contents"]]


def _labels(bubble: dict) -> list[str]:
    return [c["action"]["label"] for c in (bubble.get("footer") or {}).get("contents", [])]


def _tickets(bot) -> list[Ticket]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Ticket).order_by(Ticket.id)).all())


def _complaint(bot, user="Ucust1", text="ไฟตกบ่อยช่วงบ่าย"):
    bot.tap(user, "a=complaint")
    bot.tap(user, "a=complaint.topic&v=power_quality")
    bot.say(user, text)
    bot.tap(user, "a=complaint.done")
    return _tickets(bot)[-1]


def _outage(bot, user="Ucust2"):
    bot.tap(user, "a=outage")
    bot.tap(user, bot.last_to(user)["quickReply"]["items"][0]["action"]["data"])
    bot.tap(user, "a=outage.symptom&v=low_voltage")
    bot.tap(user, "a=outage.since&v=now")
    return _tickets(bot)[-1]


def test_my_work_is_a_carousel_most_urgent_first_with_age_due_and_overdue(org):
    bot = org
    bot.now = FRIDAY_10_APRIL
    late = _complaint(bot, text="บิลสูงผิดปกติ")  # due 22 April 2026
    bot.now = datetime(2026, 4, 24, 3, 0, tzinfo=timezone.utc)  # Friday 24 April: two days past due
    fresh = _complaint(bot, text="มิเตอร์หมุนเร็ว")
    bot.advance(hours=1)
    outage = _outage(bot)
    bot.advance(minutes=20)

    bot.tap("Ukamr1", "a=mytickets")
    header, carousel = bot.line.messages_to("Ukamr1")[-2:]
    assert header["text"] == "งานที่รอท่าน 3 เรื่อง (ด่วน/เกินกำหนด 2) เรียงตามความเร่งด่วน"
    first, second, third = _bubbles(carousel)
    # The outage nobody has taken, then the overdue complaint, then the one due later.
    assert _texts(first)[0] == f"🔻 แรงดันต่ำ {outage.number}"  # titled by the symptom reported
    assert "รับแจ้งเมื่อ 20 นาทีที่แล้ว" in _texts(first)
    assert "⚠️ ยังไม่มีผู้รับเรื่อง (KAMR: สมชาย ใจดี)" in _texts(first)
    assert _labels(first)[0] == "รับเรื่อง"
    assert _texts(second)[0] == f"📝 ร้องเรียน {late.number}"
    assert "ครบกำหนด: วันพุธที่ 22 เม.ย. 2569" in _texts(second)
    assert "⚠️ เกินกำหนด 2 วัน" in _texts(second)
    assert "รับแจ้งเมื่อ 14 วันที่แล้ว" in _texts(second)
    assert _texts(third)[0] == f"📝 ร้องเรียน {fresh.number}"
    assert not any(line.startswith("⚠️") for line in _texts(third))
    # Each card has its own buttons, and they work.
    answer = next(c["action"] for c in second["footer"]["contents"] if c["action"]["label"] == "ตอบลูกค้า")
    bot.tap("Ukamr1", answer["data"])
    assert bot.last_to("Ukamr1")["text"] == f"พิมพ์คำชี้แจงเรื่องร้องเรียน {late.number} ที่จะส่งถึงลูกค้าค่ะ"


def test_supervisor_and_backup_see_the_unacknowledged_outage_of_their_kamr(org):
    bot = org
    bot.link("Usup", staff="S001")
    bot.tap("Usup", "a=mytickets")
    assert bot.last_to("Usup")["text"] == NONE
    outage = _outage(bot)
    bot.advance(minutes=7)
    for user in ("Usup", "Uzone"):  # K001's senior KAMR and their backup
        bot.tap(user, "a=mytickets")
        [card] = _bubbles(bot.last_to(user))
        assert _texts(card)[0] == f"🔻 แรงดันต่ำ {outage.number}"
        assert "⚠️ ยังไม่มีผู้รับเรื่อง (KAMR: สมชาย ใจดี)" in _texts(card), user
    bot.tap("Ukamr2", "a=mytickets")  # another KAMR of the office stands above nobody
    assert bot.last_to("Ukamr2")["text"] == NONE
    bot.tap("Ukamr1", f"a=outage.ack&t={outage.id}")
    bot.tap("Usup", "a=mytickets")
    assert bot.last_to("Usup")["text"] == NONE  # taken: no longer waiting for the supervisor


def _recorded_on_behalf(bot) -> Ticket:
    bot.link("Usup", staff="S001")
    bot.now = FRIDAY_10_APRIL
    ticket = _complaint(bot)
    bot.tap("Ukamr1", f"a=complaint.answer&t={ticket.id}")
    bot.say("Ukamr1", "เปลี่ยนหม้อแปลงแล้วค่ะ")
    bot.tap("Ukamr1", f"a=complaint.send&t={ticket.id}")
    bot.advance(days=10)
    bot.tap("Ukamr1", f"a=complaint.obscore&t={ticket.id}&c=phone&s=2")
    return ticket


def test_certification_stays_in_my_work_with_the_case_and_can_be_refused(org):
    bot = org
    ticket = _recorded_on_behalf(bot)
    bot.tap("Usup", "a=menu")  # the push's quick reply is gone
    bot.advance(hours=3)
    bot.tap("Usup", "a=mytickets")
    [card] = _bubbles(bot.last_to("Usup"))
    assert _texts(card) == [
        f"✅ รอรับรองการปิดเรื่อง {ticket.number}",
        "ลูกค้า: บริษัท น้ำตาลไทย จำกัด",
        "เรื่องร้องเรียน: ไฟตกบ่อยช่วงบ่าย",
        "คำชี้แจง: เปลี่ยนหม้อแปลงแล้วค่ะ",
        "ความเห็นลูกค้าทางโทรศัพท์ คะแนน 2/5",
        "บันทึกโดยคุณสมชาย ใจดี เมื่อ 3 ชม.ที่แล้ว",
    ]
    assert _labels(card) == ["รับรอง", "ไม่รับรอง"]
    refuse = card["footer"]["contents"][1]["action"]["data"]

    for user in ("Ukamr1", "Ukamr2"):  # the recorder and a KAMR who supervises no one
        bot.tap(user, refuse)
        assert bot.last_to(user)["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    bot.tap("Usup", refuse)
    assert bot.last_to("Usup")["text"] == (
        f"พิมพ์เหตุผลที่ไม่รับรองการปิดเรื่อง {ticket.number} (จะส่งถึงคุณสมชาย ใจดี)")
    bot.say("Usup", "ยังไม่ได้ยืนยันกับผู้จัดการโรงงาน")
    assert bot.last_to("Usup")["text"] == f"ไม่รับรองการปิดเรื่อง {ticket.number} แล้ว แจ้งคุณสมชาย ใจดีแล้ว"
    told = bot.last_to("Ukamr1")
    assert told["text"] == (f"{ticket.number}: คุณอรุณ หัวหน้าไม่รับรองการปิดเรื่องแทนลูกค้า\n"
                            "เหตุผล: ยังไม่ได้ยืนยันกับผู้จัดการโรงงาน\nกรุณาติดต่อลูกค้าอีกครั้ง")
    assert [i["action"]["label"] for i in told["quickReply"]["items"]] == ["ปิดเรื่องแทนลูกค้า"]
    [after] = _tickets(bot)
    assert after.status == "answered" and "on_behalf" not in after.details
    assert after.details["refused_close_outs"][0]["reason"] == "ยังไม่ได้ยืนยันกับผู้จัดการโรงงาน"
    assert bot.ticket_events()[-1].action == "certification_refused"
    bot.tap("Usup", "a=mytickets")
    assert bot.last_to("Usup")["text"] == NONE


def test_more_than_a_carousel_holds_pages_on(org):
    bot = org
    bot.now = FRIDAY_10_APRIL
    for n in range(13):
        _complaint(bot, text=f"เรื่องที่ {n + 1}")
    bot.tap("Ukamr1", "a=mytickets")
    cards = _bubbles(bot.last_to("Ukamr1"))
    assert len(cards) == 12
    assert _texts(cards[-1]) == ["ยังมีอีก 2 เรื่อง"] and _labels(cards[-1]) == ["ดูเรื่องถัดไป"]
    bot.tap("Ukamr1", cards[-1]["footer"]["contents"][0]["action"]["data"])
    rest = _bubbles(bot.last_to("Ukamr1"))
    assert [_texts(c)[0] for c in rest] == ["📝 ร้องเรียน CMP-69-00012", "📝 ร้องเรียน CMP-69-00013"]
    bot.tap("Ukamr1", "a=mytickets&p=x")  # tampered page: the first page
    assert len(_bubbles(bot.last_to("Ukamr1"))) == 12


def test_customer_status_is_one_card_per_request_with_what_they_can_do(org):
    bot = org
    bot.now = FRIDAY_10_APRIL
    ticket = _complaint(bot)
    outage = _outage(bot, user="Ucust1")
    bot.tap("Ukamr1", f"a=complaint.answer&t={ticket.id}")
    bot.say("Ukamr1", "เปลี่ยนหม้อแปลงแล้วค่ะ")
    bot.tap("Ukamr1", f"a=complaint.send&t={ticket.id}")
    bot.tap("Ucust2", "a=status")  # the account's other contact sees it, but only the filer closes it (issue 19)
    assert _labels(_bubbles(bot.line.messages_to("Ucust2")[-1])[0]) == []
    bot.tap("Ucust1", "a=status")  # the contact who filed it, whose answer push scrolled away
    header, carousel = bot.line.messages_to("Ucust1")[-2:]
    assert header["text"] == "เรื่องที่กำลังดำเนินการ (2)"
    complaint_card, outage_card = _bubbles(carousel)
    assert _texts(complaint_card) == [f"{ticket.number} ร้องเรียน – คุณภาพไฟฟ้า – ตอบชี้แจงแล้ว",
                                      "แจ้งเมื่อ 10 เม.ย. 2569 10:00 น."]
    assert _labels(complaint_card) == ["รับทราบคำชี้แจง"]
    assert _texts(outage_card)[0] == f"{outage.number} ไฟดับ – โรงงาน 1 – รอรับเรื่อง"
    bot.tap("Ucust1", complaint_card["footer"]["contents"][0]["action"]["data"])
    assert "พึงพอใจกับการแก้ไขปัญหาเพียงใด" in bot.last_to("Ucust1")["text"]
