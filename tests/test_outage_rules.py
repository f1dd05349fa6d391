"""Outage rules: joining, escalation, who may do what, status lists, dialog timeouts, low ratings."""
from sqlmodel import select

from handlers.rules import roles
from jobs.escalation import escalate_unacknowledged
from storage import roster
from storage.db import session_scope
from storage.models import Conversation, Rating, Ticket, TicketEvent

EXPIRED = "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
NOT_ALLOWED = "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
STATUS_NONE = "ไม่มีเรื่องที่ค้างอยู่ค่ะ 👍"


def _report(bot, user: str, site: str | None = "โรงงาน 1", symptom: str = "no_power") -> None:
    bot.tap(user, "a=outage")
    if site is not None:
        items = bot.last_to(user)["quickReply"]["items"]
        bot.tap(user, next(i["action"]["data"] for i in items if i["action"]["label"] == site))
    assert bot.last_to(user)["text"] == "เกิดอาการแบบใดคะ"
    bot.tap(user, f"a=outage.symptom&v={symptom}")
    bot.tap(user, "a=outage.since&v=now")


def _tickets(bot) -> list[Ticket]:
    with session_scope(bot.engine) as session:
        rows = list(session.exec(select(Ticket).order_by(Ticket.id)).all())
        for row in rows:
            session.expunge(row)
        return rows


def _escalate(bot) -> int:
    return bot.run_job(escalate_unacknowledged, deliver=False)


def _buttons(message: dict) -> list[dict]:
    return [b["action"] for b in message["contents"]["footer"]["contents"]]


def _text(bot, user: str) -> str:
    return bot.last_to(user)["text"]


def test_second_report_for_the_same_site_joins_the_open_ticket(org):
    bot = org
    _report(bot, "Ucust1", "โรงงาน 1")
    _report(bot, "Ucust2", "โรงงาน 1", symptom="flicker")

    [ticket] = _tickets(bot)
    joined = _text(bot, "Ucust2")
    assert joined.startswith(f"มีการแจ้งไฟดับของ โรงงาน 1 อยู่แล้ว เลขที่ {ticket.number} (สถานะ: รอรับเรื่อง)")
    assert len(bot.line.messages_to("Ukamr1")) == 1  # one card, not two

    bot.tap("Ukamr1", f"a=outage.ack&t={ticket.id}")
    ack = f"{ticket.number}: คุณสมชาย ใจดี รับเรื่องแล้ว กำลังตรวจสอบกับศูนย์ควบคุมการจ่ายไฟค่ะ"
    assert _text(bot, "Ucust1") == ack
    assert _text(bot, "Ucust2") == ack
    with session_scope(bot.engine) as session:
        actions = [e.action for e in session.exec(select(TicketEvent).order_by(TicketEvent.id)).all()]
    assert actions == ["reported", "joined", "acknowledged"]


def test_a_pin_sent_by_the_second_reporter_goes_on_the_joined_outage_not_to_a_new_message(org):
    bot = org
    _report(bot, "Ucust1", "โรงงาน 1")
    _report(bot, "Ucust2", "โรงงาน 1")
    labels = [i["action"]["label"] for i in bot.last_to("Ucust2")["quickReply"]["items"]]
    assert "เสร็จสิ้น" in labels and "ส่งตำแหน่ง" in labels  # the joiner may add what they see, as the first did

    bot.send(bot.event("Ucust2", "message", message={"type": "location", "id": "m-pin2", "title": "เสาไฟ",
                                                     "address": "ซอย 3", "latitude": 13.75, "longitude": 100.5}))
    [ticket] = _tickets(bot)  # no relayed-message ticket beside the outage
    place, pin_card = bot.line.messages_to("Ukamr1")[-2:]
    assert (place["type"], place["latitude"]) == ("location", 13.75)
    assert ticket.number in pin_card["altText"]
    assert bot.last_to("Ucust2")["text"] == "ได้รับแล้วค่ะ ส่งเพิ่มได้อีก หรือกด ‘เสร็จสิ้น’"
    assert [e.action for e in bot.ticket_events()] == ["reported", "joined", "location"]


def test_report_for_another_site_opens_a_second_ticket(org):
    bot = org
    _report(bot, "Ucust1", "โรงงาน 1")
    _report(bot, "Ucust2", "โรงงาน 2")

    first, second = _tickets(bot)
    assert first.site_id != second.site_id and first.number != second.number
    assert _text(bot, "Ucust2").startswith(f"รับแจ้งแล้วค่ะ เลขที่ {second.number}\nโรงงาน 2")
    cards = bot.line.messages_to("Ukamr1")
    assert [c["altText"].splitlines()[0] for c in cards] == [
        f"⚡ แจ้งไฟดับ {first.number}", f"⚡ แจ้งไฟดับ {second.number}"]


def test_unacknowledged_outage_escalates_once_to_the_backup(org):
    bot = org
    _report(bot, "Ucust1")
    [ticket] = _tickets(bot)

    bot.advance(minutes=14)
    assert _escalate(bot) == 0
    bot.drain()
    assert bot.line.messages_to("Uzone") == []

    bot.advance(minutes=2)
    assert _escalate(bot) == 1
    assert _escalate(bot) == 0
    bot.drain()
    [card] = bot.line.messages_to("Uzone")
    assert card["altText"].startswith(f"⚠️ ส่งต่อ: ไฟดับ {ticket.number}")
    assert "ยังไม่มีผู้รับเรื่องภายใน 15 นาที (KAMR: สมชาย ใจดี)" in card["altText"]
    [escalated] = _tickets(bot)
    assert escalated.escalated_to is not None

    bot.tap("Uzone", _buttons(card)[0]["data"])
    assert _text(bot, "Ucust1") == f"{ticket.number}: คุณวีระ ประจำเขต รับเรื่องแล้ว กำลังตรวจสอบกับศูนย์ควบคุมการจ่ายไฟค่ะ"
    assert _tickets(bot)[0].status == "acknowledged"
    bot.advance(minutes=30)
    assert _escalate(bot) == 0


def test_kamr_not_on_line_sends_the_card_to_the_backup_at_once(org):
    bot = org
    with session_scope(bot.engine) as session:
        k002 = roster.staff_by_code(session, "K002")
        k002.line_user_id = None
        session.add(k002)
    _report(bot, "Uhosp", site=None)

    [ticket] = _tickets(bot)
    assert _text(bot, "Uhosp").startswith(f"รับแจ้งแล้วค่ะ เลขที่ {ticket.number}\n-: ไฟดับ")
    [card] = bot.line.messages_to("Uzone")
    assert card["altText"].startswith(f"⚠️ ส่งต่อ: ไฟดับ {ticket.number}")
    assert bot.line.messages_to("Ukamr2") == []
    with session_scope(bot.engine) as session:
        assert ticket.escalated_to == roster.staff_by_code(session, "Z001").id
    # Already with the backup: the 15-minute job does not send it again.
    bot.advance(minutes=20)
    assert _escalate(bot) == 0
    bot.tap("Uzone", _buttons(card)[0]["data"])
    assert _text(bot, "Uhosp").startswith(f"{ticket.number}: คุณวีระ ประจำเขต รับเรื่องแล้ว")


def test_tampered_and_out_of_turn_postbacks_are_refused(org):
    bot = org
    _report(bot, "Ucust1")
    [ticket] = _tickets(bot)

    # Another account's contact tries to rate and to act as staff on A100's ticket.
    bot.tap("Uhosp", f"a=rate.give&k=ticket&i={ticket.id}&s=1")
    assert _text(bot, "Uhosp") == EXPIRED
    bot.tap("Uhosp", f"a=outage.ack&t={ticket.id}")
    assert _text(bot, "Uhosp") == NOT_ALLOWED
    # The KAMR of another account, not the backup, may not close it.
    bot.tap("Ukamr2", f"a=outage.resolve&t={ticket.id}")
    assert _text(bot, "Ukamr2") == NOT_ALLOWED
    bot.tap("Ukamr2", f"a=outage.ack&t={ticket.id}")
    assert _text(bot, "Ukamr2") == NOT_ALLOWED
    assert _tickets(bot)[0].status == "open"

    # Rating before it is resolved, then twice.
    bot.tap("Ucust1", f"a=rate.give&k=ticket&i={ticket.id}&s=5")
    assert _text(bot, "Ucust1") == "เรื่องนี้ยังไม่เสร็จสิ้น จึงยังให้คะแนนไม่ได้ค่ะ"
    bot.tap("Ukamr1", f"a=outage.resolve&t={ticket.id}&ok=1")  # confirmed
    bot.tap("Ucust1", f"a=rate.give&k=ticket&i={ticket.id}&s=5")
    assert _text(bot, "Ucust1").startswith("ขอบคุณสำหรับคะแนน 5/5")
    bot.tap("Ucust1", f"a=rate.give&k=ticket&i={ticket.id}&s=1")
    assert _text(bot, "Ucust1") == "ท่านให้คะแนนเรื่องนี้ไปแล้วค่ะ ขอบคุณค่ะ"
    bot.tap("Ucust1", f"a=rate.give&k=ticket&i={ticket.id}&s=9")
    assert _text(bot, "Ucust1") == EXPIRED

    # Garbage: refused politely, the bot carries on.
    bot.tap("Ukamr1", "a=outage.ack&t=abc")
    assert _text(bot, "Ukamr1") == EXPIRED
    bot.tap("Ukamr1", "a=outage.ack&t=99999999")
    assert _text(bot, "Ukamr1") == EXPIRED
    bot.tap("Ukamr1", "a=outage.ack&t=" + "9" * 400)
    assert _text(bot, "Ukamr1") == EXPIRED
    bot.tap("Ucust1", "x" * 400)
    assert _text(bot, "Ucust1") == EXPIRED
    bot.tap("Ucust1", "a=%ZZ&&&=")
    assert _text(bot, "Ucust1") == EXPIRED

    with session_scope(bot.engine) as session:
        assert [(r.contact_id is not None, r.score) for r in session.exec(select(Rating)).all()] == [(True, 5)]
    assert _tickets(bot)[0].status == "resolved"


def test_status_and_my_tickets(org):
    bot = org
    bot.tap("Ucust1", "a=status")
    assert _text(bot, "Ucust1") == STATUS_NONE
    bot.tap("Ukamr1", "a=mytickets")
    assert _text(bot, "Ukamr1") == STATUS_NONE

    _report(bot, "Ucust1", "โรงงาน 2")
    [ticket] = _tickets(bot)
    bot.tap("Ucust1", "a=status")
    header, card = bot.line.messages_to("Ucust1")[-2:]
    assert header["text"] == "เรื่องที่กำลังดำเนินการ (1)"
    assert card["type"] == "flex" and card["contents"]["type"] == "carousel"  # one card per request
    assert card["altText"] == f"{ticket.number} ไฟดับ – โรงงาน 2 – รอรับเรื่อง"
    bot.say("Ucust2", "สถานะ")  # typed instead of tapped, by the other contact
    assert bot.last_to("Ucust2")["altText"] == card["altText"]

    bot.tap("Ukamr1", "a=mytickets")
    [mine] = bot.last_to("Ukamr1")["contents"]["contents"]  # one card per ticket, with its own buttons
    lines = [c["text"] for c in mine["body"]["contents"]]
    assert lines[:3] == [f"⚡ แจ้งไฟดับ {ticket.number}", "ลูกค้า: บริษัท น้ำตาลไทย จำกัด", "สถานะ: รอรับเรื่อง"]
    ack = mine["footer"]["contents"][0]["action"]
    assert ack["label"] == "รับเรื่อง"
    bot.tap("Ukamr1", ack["data"])
    assert bot.line.messages_to("Ukamr1")[-2]["altText"].startswith(f"⚡ แจ้งไฟดับ {ticket.number}")
    # Someone else's KAMR sees nothing of it.
    bot.tap("Ukamr2", "a=mytickets")
    assert _text(bot, "Ukamr2") == STATUS_NONE

    bot.tap("Ucust1", "a=status")
    assert bot.last_to("Ucust1")["altText"].endswith("โรงงาน 2 – กำลังดำเนินการ")
    bot.tap("Ukamr1", f"a=outage.resolve&t={ticket.id}&ok=1")  # confirmed
    bot.tap("Ucust1", "a=status")
    assert _text(bot, "Ucust1") == STATUS_NONE
    bot.tap("Ukamr1", "a=mytickets")
    assert _text(bot, "Ukamr1") == STATUS_NONE


def _state(bot, user: str) -> Conversation:
    with session_scope(bot.engine) as session:
        state = session.get(Conversation, user)
        session.expunge(state)
        return state


def test_cancel_word_and_idle_timeout_end_the_dialog(org):
    bot = org
    bot.tap("Ucust1", "a=outage")
    site_button = bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"]
    assert _state(bot, "Ucust1").flow == "outage"
    bot.say("Ucust1", "ยกเลิก")
    assert _text(bot, "Ucust1") == "ยกเลิกแล้วค่ะ เลือกเมนูใหม่ได้เลย"
    state = _state(bot, "Ucust1")
    assert (state.flow, state.step, state.data) == ("", "", {})
    bot.tap("Ucust1", site_button)
    assert _text(bot, "Ucust1") == EXPIRED

    # A dialog left for more than 30 minutes starts afresh.
    bot.tap("Ucust1", "a=outage")
    bot.tap("Ucust1", site_button)
    assert _text(bot, "Ucust1") == "เกิดอาการแบบใดคะ"
    bot.advance(minutes=31)
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    assert _text(bot, "Ucust1") == EXPIRED
    bot.say("Ucust1", "09:40")  # no longer read as the dialog's answer: free text goes to the KAMR (issue 14)
    assert _text(bot, "Ucust1") == "ส่งถึงคุณสมชาย ใจดี (KAMR) แล้วค่ะ จะตอบกลับทางนี้โดยเร็ว"
    assert [ticket.kind for ticket in _tickets(bot)] == ["message"]  # no outage

    # Within the timeout the dialog carries on.
    bot.tap("Ucust1", "a=outage")
    bot.advance(minutes=29)
    bot.tap("Ucust1", site_button)
    assert _text(bot, "Ucust1") == "เกิดอาการแบบใดคะ"


def test_low_rating_asks_the_kamr_to_follow_up(org):
    bot = org
    _report(bot, "Ucust1")
    _report(bot, "Ucust1", "โรงงาน 2")
    first, second = _tickets(bot)
    for ticket in (first, second):
        bot.tap("Ukamr1", f"a=outage.resolve&t={ticket.id}&ok=1")  # confirmed
    before = len(bot.line.messages_to("Ukamr1"))

    bot.tap("Ucust1", f"a=rate.give&k=ticket&i={first.id}&s=4")
    assert _text(bot, "Ucust1") == "ขอบคุณสำหรับคะแนน 4/5 ค่ะ 🙏"
    assert len(bot.line.messages_to("Ukamr1")) == before  # a good score asks nothing

    bot.tap("Ucust1", f"a=rate.give&k=ticket&i={second.id}&s=3")
    assert _text(bot, "Ucust1").startswith("ขอบคุณสำหรับคะแนน 3/5 ค่ะ ขออภัยที่ยังไม่ประทับใจ")
    assert len(bot.line.messages_to("Ukamr1")) == before + 2  # one alert: its card (call, record) and its line
    assert _text(bot, "Ukamr1") == f"{second.number}: ลูกค้า บริษัท น้ำตาลไทย จำกัด ให้คะแนน 3/5 กรุณาโทรติดตาม"


def test_backups_of_many_people_at_once(engine):
    """The escalation job looks up every backup in one go: the named backup if active and not
    themselves, else the office's zone KAMR, then senior KAMR (those on LINE first)."""
    from storage.models import Staff

    people = [  # code, role, office, backup_code, on LINE, active
        ("K1", "kamr", "O1", "K2", True, True),  # named backup
        ("K2", "kamr", "O1", "K9", True, True),  # named backup gone: the office's zone KAMR on LINE
        ("K3", "kamr", "O1", "X1", True, True),  # named backup inactive: same
        ("K4", "kamr", "O1", "K4", False, True),  # named self: same
        ("X1", "kamr", "O1", None, False, False),
        ("Z1", "zone_kamr", "O1", None, False, True),  # not on LINE: only after Z2
        ("Z2", "zone_kamr", "O1", None, True, True),
        ("Z3", "zone_kamr", "O2", None, True, True),  # only zone KAMR of O2: backs up others, not himself
        ("S3", "senior_kamr", "O2", None, True, True),
        ("K5", "kamr", "O2", None, True, True),
        ("K6", "kamr", "O3", None, True, True),  # nobody in O3
    ]
    with session_scope(engine) as session:
        for code, role, office, backup, on_line, active in people:
            session.add(Staff(staff_code=code, name=code, role=role, office=office, backup_code=backup,
                              line_user_id=f"U{code}" if on_line else None, active=active))
    with session_scope(engine) as session:
        staff = session.exec(select(Staff).order_by(Staff.id)).all()
        together = roles.people_for(session, staff, roles.BACKUP)
        picked = {person.staff_code: (together[person.id].staff_code if together[person.id] else None) for person in staff}
    assert picked == {"K1": "K2", "K2": "Z2", "K3": "Z2", "K4": "Z2", "X1": "Z2", "Z1": "Z2", "Z2": "Z1",
                      "Z3": "S3", "S3": "Z3", "K5": "Z3", "K6": None}
