"""Complaint close-out (VOC 04) through the real webhook: acknowledge and rate, or close on behalf and certify."""
from datetime import datetime, timezone

from sqlmodel import select

from storage.db import session_scope
from storage.models import Rating, Staff, Ticket

FRIDAY_10_APRIL = datetime(2026, 4, 10, 3, 0, tzinfo=timezone.utc)
NOT_ALLOWED = "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
EXPIRED = "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"




def _ratings(bot) -> list[Rating]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Rating)).all())


def _staff_id(bot, code: str) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(Staff).where(Staff.staff_code == code)).one().id


def _items(message: dict) -> list[dict]:
    return [item["action"] for item in message["quickReply"]["items"]]


def _answered(bot) -> Ticket:
    bot.now = FRIDAY_10_APRIL
    bot.tap("Ucust1", "a=complaint")
    bot.tap("Ucust1", "a=complaint.topic&v=power_quality")
    bot.say("Ucust1", "ไฟตกบ่อยช่วงบ่าย")
    ticket = bot.only_ticket()
    bot.advance(days=1)
    bot.tap("Ukamr1", f"a=complaint.answer&t={ticket.id}")
    bot.say("Ukamr1", "เปลี่ยนหม้อแปลงแล้วค่ะ")
    bot.tap("Ukamr1", f"a=complaint.send&t={ticket.id}")  # the preview's [ส่ง]
    return bot.only_ticket()


def _rate(bot, user: str, score: int) -> None:
    answer = bot.last_to(user)
    assert answer["text"].endswith("เปลี่ยนหม้อแปลงแล้วค่ะ")
    ack = _items(answer)
    assert [a["label"] for a in ack] == ["รับทราบคำชี้แจง"]
    bot.advance(hours=1)
    bot.tap(user, ack[0]["data"])
    ask = bot.last_to(user)
    assert "พึงพอใจกับการแก้ไขปัญหาเพียงใด" in ask["text"]
    buttons = _items(ask)
    assert [a["label"] for a in buttons] == ["5", "4", "3", "2", "1"]
    bot.advance(minutes=5)
    bot.tap(user, buttons[5 - score]["data"])


def test_customer_acknowledges_and_rates_to_close(org):
    bot = org
    ticket = _answered(bot)
    assert ticket.status == "answered"
    _rate(bot, "Ucust1", 5)
    assert bot.last_to("Ucust1")["text"] == "ขอบคุณสำหรับคะแนน 5/5 ค่ะ 🙏"

    ticket = bot.only_ticket()
    assert ticket.status == "closed"
    assert "follow_up_call" not in ticket.details
    assert ticket.details["customer_ack"]["at"] == datetime(2026, 4, 11, 4, 0, tzinfo=timezone.utc).isoformat()
    events = bot.ticket_events()
    assert [e.action for e in events] == ["reported", "answered", "customer_acknowledged", "closed"]
    assert events[2].contact_id == ticket.contact_id and events[3].contact_id == ticket.contact_id
    assert events[3].at == bot.now and events[3].details["score"] == 5
    [rating] = _ratings(bot)
    assert (rating.subject_kind, rating.subject_id, rating.score, rating.contact_id) == ("ticket", ticket.id, 5, ticket.contact_id)
    assert not any("5/5" in text for text in bot.texts_to("Ukamr1"))

    # Rating twice, or tapping acknowledge again, changes nothing.
    bot.tap("Ucust1", f"a=complaint.rate&t={ticket.id}&s=1")
    assert bot.last_to("Ucust1")["text"] == "ท่านให้คะแนนเรื่องนี้ไปแล้วค่ะ ขอบคุณค่ะ"
    bot.tap("Ucust2", f"a=complaint.ack&t={ticket.id}")
    assert bot.last_to("Ucust2")["text"] == "ท่านให้คะแนนเรื่องนี้ไปแล้วค่ะ ขอบคุณค่ะ"
    assert len(_ratings(bot)) == 1 and len(bot.ticket_events()) == 4

    # Closed: no longer in the customer's open list.
    bot.tap("Ucust1", "a=status")
    assert bot.last_to("Ucust1")["text"] == "ไม่มีเรื่องที่ค้างอยู่ค่ะ 👍"


def test_low_score_flags_a_follow_up_call(org):
    bot = org
    _answered(bot)
    _rate(bot, "Ucust1", 2)
    assert "KAMR จะติดต่อกลับ" in bot.last_to("Ucust1")["text"]
    ticket = bot.only_ticket()
    assert ticket.status == "closed" and ticket.details["follow_up_call"] is True
    assert bot.last_to("Ukamr1")["text"] == "CMP-69-00001: ลูกค้า บริษัท น้ำตาลไทย จำกัด ให้คะแนน 2/5 กรุณาโทรติดตาม"


def test_tampered_ack_from_another_account_changes_nothing(org):
    bot = org
    ticket = _answered(bot)
    bot.tap("Uhosp", f"a=complaint.ack&t={ticket.id}")
    assert bot.last_to("Uhosp")["text"] == EXPIRED
    bot.tap("Uhosp", f"a=complaint.rate&t={ticket.id}&s=1")
    assert bot.last_to("Uhosp")["text"] == EXPIRED
    bot.tap("Uhosp", "a=complaint.rate&t=99999&s=1")
    assert bot.last_to("Uhosp")["text"] == EXPIRED
    after = bot.only_ticket()
    assert after.status == "answered" and after.details == ticket.details
    assert _ratings(bot) == [] and [e.action for e in bot.ticket_events()] == ["reported", "answered"]
    bot.tap("Ukamr1", f"a=complaint.ack&t={ticket.id}")  # staff are not contacts
    assert bot.last_to("Ukamr1")["text"] == NOT_ALLOWED


def _record_on_behalf(bot, ticket: Ticket, channel_label="โทรศัพท์", score=4) -> None:
    bot.advance(days=10)  # past the 3 working days the customer has to acknowledge in LINE
    bot.tap("Ukamr1", f"a=complaint.view&t={ticket.id}")
    card = bot.last_to("Ukamr1")
    footer = [c["action"] for c in card["contents"]["footer"]["contents"]]
    assert [a["label"] for a in footer] == ["ตอบลูกค้า", "ปิดเรื่องแทนลูกค้า", "แจ้งด่วนผู้บริหาร"]
    bot.tap("Ukamr1", footer[1]["data"])
    channels = _items(bot.last_to("Ukamr1"))
    # VOC 04's channels as the 2021 memo names them (issue 17: LINE and fax too).
    assert [a["label"] for a in channels] == ["โทรศัพท์", "LINE", "วิดีโอคอล", "อีเมล", "โทรสาร", "พบตัว"]
    bot.tap("Ukamr1", next(a["data"] for a in channels if a["label"] == channel_label))
    scores = _items(bot.last_to("Ukamr1"))
    assert [a["label"] for a in scores] == ["5", "4", "3", "2", "1"]
    bot.tap("Ukamr1", scores[5 - score]["data"])


def test_kamr_closes_on_behalf_and_supervisor_certifies(org):
    bot = org
    bot.link("Usup", staff="S001")
    ticket = _answered(bot)
    _record_on_behalf(bot, ticket)
    assert bot.last_to("Ukamr1")["text"] == "บันทึกการปิดเรื่อง CMP-69-00001 แทนลูกค้าแล้ว ส่งให้คุณอรุณ หัวหน้ารับรอง"
    k001 = _staff_id(bot, "K001")
    ticket = bot.only_ticket()
    assert ticket.status == "pending_certification"
    assert ticket.details["on_behalf"] == {"by": k001, "channel": "phone", "score": 4, "at": bot.now.isoformat()}
    assert ticket.details["due"] == "2026-04-22"  # kept

    # Still open for the customer, with its own status text.
    bot.tap("Ucust1", "a=status")
    status = bot.last_to("Ucust1")
    assert any("รอรับรองการปิดเรื่อง" in item["text"] for bubble in status["contents"]["contents"]
               for item in bubble["body"]["contents"])

    push = bot.last_to("Usup")
    assert "คุณสมชาย ใจดี ปิดเรื่องแทนลูกค้าทางโทรศัพท์ คะแนน 4/5" in push["text"]
    [certify] = _items(push)
    assert certify["label"] == "รับรอง" and certify["data"] == f"a=closeout.certify&t={ticket.id}"

    for user in ("Ukamr1", "Ucust1", "Ukamr2"):  # the recorder, a customer, a KAMR who supervises no one
        bot.tap(user, certify["data"])
        assert bot.last_to(user)["text"] == NOT_ALLOWED, user
    assert bot.only_ticket().status == "pending_certification" and _ratings(bot) == []

    bot.advance(hours=2)
    bot.tap("Usup", certify["data"])
    assert bot.last_to("Usup")["text"] == "รับรองการปิดเรื่อง CMP-69-00001 แล้ว"
    assert bot.last_to("Ukamr1")["text"] == "CMP-69-00001 ได้รับการรับรองและปิดเรื่องแล้ว"
    ticket = bot.only_ticket()
    assert ticket.status == "closed"
    events = bot.ticket_events()
    assert [e.action for e in events] == ["reported", "answered", "closed_on_behalf", "certified"]
    assert events[2].staff_id == k001 and events[3].staff_id == _staff_id(bot, "S001") and events[3].at == bot.now
    [rating] = _ratings(bot)
    assert (rating.subject_id, rating.score, rating.contact_id) == (ticket.id, 4, None)

    bot.tap("Usup", certify["data"])  # a second tap
    assert bot.last_to("Usup")["text"] == "CMP-69-00001 ปิดเรื่องไปแล้วค่ะ"
    assert len(_ratings(bot)) == 1


def test_pending_certification_cannot_be_reanswered_or_rated(org):
    bot = org
    ticket = _answered(bot)
    _record_on_behalf(bot, ticket, channel_label="พบตัว", score=2)
    # No supervisor on LINE: recorded anyway, the KAMR is told.
    assert "ไม่พบผู้รับรองทาง LINE" in bot.last_to("Ukamr1")["text"]
    bot.tap("Ukamr1", f"a=complaint.answer&t={ticket.id}")
    assert bot.last_to("Ukamr1")["text"] == "CMP-69-00001 ปิดเรื่องไปแล้วค่ะ"
    bot.tap("Ucust1", f"a=complaint.rate&t={ticket.id}&s=5")
    assert bot.last_to("Ucust1")["text"] == "เรื่องนี้ยังไม่เสร็จสิ้น จึงยังให้คะแนนไม่ได้ค่ะ"
    bot.tap("Ukamr2", f"a=complaint.onbehalf&t={ticket.id}")
    assert bot.last_to("Ukamr2")["text"] == NOT_ALLOWED
    assert bot.only_ticket().status == "pending_certification" and _ratings(bot) == []


def test_on_behalf_records_a_fax_or_line_answer(org):
    """Issue 17: VOC 04 signed by fax (or acknowledged in a LINE chat) is a channel of its own."""
    bot = org
    ticket = _answered(bot)
    _record_on_behalf(bot, ticket, channel_label="โทรสาร", score=3)
    assert bot.only_ticket().details["on_behalf"]["channel"] == "fax"


def test_on_behalf_waits_for_the_customer_for_three_working_days(org):
    bot = org
    ticket = _answered(bot)  # answered Saturday 11 April 2026; Songkran 13-15 April
    bot.tap("Ukamr1", f"a=complaint.onbehalf&t={ticket.id}")
    assert bot.last_to("Ukamr1")["text"].startswith(
        "CMP-69-00001: ลูกค้ายังรับทราบคำชี้แจงทาง LINE ได้ถึง 20 เม.ย. 2569")
    assert bot.only_ticket().status == "answered"
    bot.now = datetime(2026, 4, 20, 2, 0, tzinfo=timezone.utc)  # Monday 20 April, 09:00 in Bangkok
    bot.tap("Ukamr1", f"a=complaint.onbehalf&t={ticket.id}")
    channels = _items(bot.last_to("Ukamr1"))
    # VOC 04's channels as the 2021 memo names them (issue 17: LINE and fax too).
    assert [a["label"] for a in channels] == ["โทรศัพท์", "LINE", "วิดีโอคอล", "อีเมล", "โทรสาร", "พบตัว"]


def test_buttons_sent_before_the_closeout_rename_still_work(org):
    """Chats keep the old "complaint.ack" / "complaint.rate" buttons: they act as the new ones."""
    bot = org
    ticket = _answered(bot)
    bot.advance(hours=1)
    bot.tap("Ucust1", f"a=complaint.ack&t={ticket.id}")  # as pushed with the answer before 2026-12
    assert "พึงพอใจกับการแก้ไขปัญหาเพียงใด" in bot.last_to("Ucust1")["text"]
    bot.advance(minutes=5)
    bot.tap("Ucust1", f"a=complaint.rate&t={ticket.id}&s=4")
    assert [r.score for r in _ratings(bot)] == [4]
    assert bot.only_ticket().status == "closed"
