"""Issue 21 item 9: whatever one person's action sends to another is framed in the reader's language, not
the sender's: relayed messages and answers, escalation notices, handover, urgent reports and their
follow-up, certification requests and refusals. An English-speaking KAMR with a Thai customer, and vice
versa; through the real webhook, SDK and LINE stand-in (handover: operations with a collecting notifier)."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from handlers.operations.handover import hand_over
from jobs.escalation import escalate_unacknowledged
from jobs.urgent_followups import send_urgent_followups
from closing import answered_complaint_ten_days_on
from notifying import CollectingNotifier
from operations_world import NOW, contact, seed, staff
from storage import roster
from storage.db import session_scope
from storage.models import UrgentReport
from storage.roster_import import import_staff

def _speaks_english(bot, user: str) -> None:
    with session_scope(bot.engine) as session:
        person = roster.staff_by_line_user(session, user) or roster.contact_by_line_user(session, user)
        person.language = "en"
        session.add(person)


def _body(message: dict) -> list[str]:
    return [c["text"] for c in message["contents"]["body"]["contents"]]


def _footer(message: dict) -> list[dict]:
    return [c["action"] for c in message["contents"]["footer"]["contents"]]


def _outage(bot, user="Ucust1"):
    bot.tap(user, "a=outage")
    bot.tap(user, bot.last_to(user)["quickReply"]["items"][0]["action"]["data"])
    bot.tap(user, "a=outage.symptom&v=no_power")
    bot.tap(user, "a=outage.since&v=now")
    return bot.only_ticket()


def _relayed(bot, question: str, answer: str) -> dict:
    """A customer's message to the KAMR, [Reply] on its card and the typed answer: what each side read."""
    bot.say("Ucust1", question)
    told, card = bot.last_to("Ucust1")["text"], bot.last_to("Ukamr1")
    bot.tap("Ukamr1", _footer(card)[0]["data"])
    asked = bot.last_to("Ukamr1")["text"]
    bot.say("Ukamr1", answer)
    return {"told": told, "card": card, "asked": asked, "sent": bot.last_to("Ukamr1")["text"],
            "answer": bot.last_to("Ucust1")["text"]}


def test_a_thai_customers_message_reaches_an_english_kamr_in_english_and_the_answer_comes_back_in_thai(org):
    bot = org
    _speaks_english(bot, "Ukamr1")
    seen = _relayed(bot, "ขอใบแจ้งหนี้เดือนที่แล้วได้ไหมคะ", "ส่งทางอีเมลให้แล้วครับ")
    assert seen["told"] == "ส่งถึงคุณสมชาย ใจดี (KAMR) แล้วค่ะ จะตอบกลับทางนี้โดยเร็ว"
    card = seen["card"]
    assert card["altText"].startswith("💬 Message from a customer MSG-69-00001")
    assert _body(card)[1] == "Account: บริษัท น้ำตาลไทย จำกัด (A100)"
    assert "ขอใบแจ้งหนี้เดือนที่แล้วได้ไหมคะ" in _body(card)  # what was said, as said
    assert _footer(card)[0]["label"] == "Reply"
    assert seen["asked"].startswith("Type your answer to")
    assert seen["sent"] == "Answer on MSG-69-00001 sent to the customer."
    assert seen["answer"] == "💬 คุณสมชาย ใจดี ตอบ (MSG-69-00001):\nส่งทางอีเมลให้แล้วครับ"


def test_an_english_customers_message_reaches_a_thai_kamr_in_thai_and_the_answer_comes_back_in_english(org):
    bot = org
    _speaks_english(bot, "Ucust1")
    seen = _relayed(bot, "Could you send last month's invoice?", "Sent by e-mail.")
    assert seen["told"] == "Sent to สมชาย ใจดี (KAMR), who will answer here soon."
    assert seen["card"]["altText"].startswith("💬 ข้อความจากลูกค้า MSG-69-00001")
    assert _footer(seen["card"])[0]["label"] == "ตอบกลับ"
    assert seen["sent"] == "ส่งคำตอบ MSG-69-00001 ถึงลูกค้าแล้วค่ะ"
    assert seen["answer"] == "💬 สมชาย ใจดี answered (MSG-69-00001):\nSent by e-mail."


def _escalated(bot) -> None:
    """Ucust1 reports an outage nobody takes: after 15 minutes the backup (Uzone) has it."""
    _outage(bot)
    bot.advance(minutes=16)
    bot.run_job(escalate_unacknowledged)


def test_an_escalation_reaches_an_english_backup_in_english_and_the_thai_customer_in_thai(org):
    bot = org
    _speaks_english(bot, "Uzone")
    _escalated(bot)
    card = bot.last_to("Uzone")
    assert card["altText"].startswith("⚠️ Escalated: No power OUT-69-00001")
    assert bot.last_to("Ucust1")["text"].startswith("OUT-69-00001: ส่งต่อให้คุณวีระ ประจำเขต ดูแลแล้วค่ะ")


def test_an_escalation_reaches_a_thai_backup_in_thai_and_the_english_customer_in_english(org):
    bot = org
    _speaks_english(bot, "Ucust1")
    _escalated(bot)
    assert bot.last_to("Uzone")["altText"].startswith("⚠️ ส่งต่อ: ไฟดับ OUT-69-00001")
    assert bot.last_to("Ucust1")["text"].startswith("OUT-69-00001:") and "วีระ ประจำเขต" in bot.last_to("Ucust1")["text"]
    assert "ส่งต่อ" not in bot.last_to("Ucust1")["text"]


def test_handover_tells_each_person_in_their_own_language(engine):
    with Session(engine) as session:
        seed(session)
        k001, k002 = staff(session, "K001"), staff(session, "K002")
        k002.language = "en"  # the new KAMR reads English; the old one and a contact read Thai
        thai, english = contact(session, "A100", "วิภา"), contact(session, "A100", "John", language="en")
        notifier = CollectingNotifier()
        a100 = roster.account_by_code(session, "A100")
        assert hand_over(session, [(a100.id, k001.id, k002.id)], now=NOW, notifier=notifier) == 1
        [new] = notifier.to(k002)
        assert new.card.title == "🤝 Now yours: บริษัท น้ำตาลไทย จำกัด" and new.card.lines[0] == "Before: สมชาย ใจดี"
        [old] = notifier.to(k001)
        assert old.text.startswith("บริษัท น้ำตาลไทย จำกัด ย้ายไปอยู่ในความดูแลของคุณสมหญิง รักงาน")
        [to_thai], [to_english] = notifier.to(thai), notifier.to(english)
        assert to_thai.card.title == "KAMR คนใหม่ของ บริษัท น้ำตาลไทย จำกัด"
        assert to_english.card.title == "Your new KAMR for บริษัท น้ำตาลไทย จำกัด"


def _with_manager(bot, *, english: bool) -> None:
    with session_scope(bot.engine) as session:
        assert not import_staff(session, io.StringIO(
            "staff_code,name,role,office,backup,supervisor\nM001,ประเสริฐ ผู้จัดการ,office_manager,PEA-N1,,\n")).errors
    bot.link("Umgr", staff="M001")
    if english:
        _speaks_english(bot, "Umgr")
    bot.line.reset()


def test_an_urgent_report_and_its_follow_up_reach_an_english_manager_in_english(org):
    bot = org
    _with_manager(bot, english=True)
    ticket = _outage(bot)
    bot.tap("Ukamr1", f"a=outage.ack&t={ticket.id}")
    bot.tap("Ukamr1", f"a=urgent.start&t={ticket.id}")
    bot.say("Ukamr1", "โรงงานหยุดผลิต")
    assert bot.last_to("Ukamr1")["text"] == "ส่งรายงานด่วน OUT-69-00001 ถึงคุณประเสริฐ ผู้จัดการ แล้ว"
    card = bot.last_to("Umgr")
    assert card["altText"].startswith("🚨 Urgent report (CRM-KAM-003) OUT-69-00001")
    assert "Issue: No power – โรงงาน 1" in _body(card) and "Risk / impact: โรงงานหยุดผลิต" in _body(card)

    with session_scope(bot.engine) as session:
        report = session.exec(select(UrgentReport)).one()
        assert report.issue == "ไฟดับ – โรงงาน 1"  # the form's record stays Thai
        follow_up = report.follow_up_date
    bot.now = datetime.combine(follow_up, datetime.min.time(), timezone.utc) + timedelta(hours=2)
    assert bot.run_job(send_urgent_followups) == 2
    reminder = bot.last_to("Umgr")
    assert reminder["altText"].startswith("⏰ Urgent report due for follow-up: OUT-69-00001")
    assert "Issue: No power – โรงงาน 1" in _body(reminder)  # not the stored Thai wording
    assert bot.last_to("Ukamr1")["text"].startswith("⏰ วันนี้ครบกำหนดติดตามเรื่องด่วน OUT-69-00001")


def test_an_english_kamrs_urgent_report_reaches_a_thai_manager_in_thai(org):
    bot = org
    _with_manager(bot, english=False)
    _speaks_english(bot, "Ukamr1")
    ticket = _outage(bot)
    bot.tap("Ukamr1", f"a=urgent.start&t={ticket.id}")
    bot.say("Ukamr1", "The plant stopped")
    assert bot.last_to("Ukamr1")["text"] == "Urgent report on OUT-69-00001 sent to ประเสริฐ ผู้จัดการ."
    card = bot.last_to("Umgr")
    assert card["altText"].startswith("🚨 รายงานเรื่องด่วน (CRM-KAM-003) OUT-69-00001")
    assert "ปัญหา: ไฟดับ – โรงงาน 1" in _body(card)


def _closed_on_behalf(bot, ticket) -> tuple[dict, dict]:
    """The KAMR records a phone call scoring 2/5: the supervisor's certification card and the text beside it."""
    bot.tap("Ukamr1", f"a=complaint.obscore&t={ticket.id}&c=phone&s=2")
    card, text = bot.line.messages_to("Usup")[-2:]
    return card, text


def _refused(bot, card: dict, reason: str) -> str:
    """The supervisor taps [ไม่รับรอง] and types why: what the KAMR reads."""
    bot.tap("Usup", _footer(card)[1]["data"])
    bot.say("Usup", reason)
    return bot.last_to("Ukamr1")["text"]


def test_a_certification_request_reaches_an_english_supervisor_in_english_and_the_refusal_the_thai_kamr_in_thai(org):
    bot = org
    ticket = answered_complaint_ten_days_on(bot)
    _speaks_english(bot, "Usup")
    card, text = _closed_on_behalf(bot, ticket)
    assert bot.last_to("Ukamr1")["text"] == f"บันทึกการปิดเรื่อง {ticket.number} แทนลูกค้าแล้ว ส่งให้คุณอรุณ หัวหน้ารับรอง"
    assert _body(card)[0] == f"✅ Certify close-out {ticket.number}"
    assert "Answer: เปลี่ยนหม้อแปลงแล้วค่ะ" in _body(card)  # what the KAMR wrote, as written
    assert [a["label"] for a in _footer(card)] == ["Certify", "Do not certify"]
    assert text["text"] == (f"{ticket.number} (บริษัท น้ำตาลไทย จำกัด): สมชาย ใจดี closed it for the customer by Phone, "
                            "score 2/5. Please certify.")
    assert _refused(bot, card, "Not confirmed with the plant manager") == (
        f"{ticket.number}: คุณอรุณ หัวหน้าไม่รับรองการปิดเรื่องแทนลูกค้า\n"
        "เหตุผล: Not confirmed with the plant manager\nกรุณาติดต่อลูกค้าอีกครั้ง")


def test_an_english_kamrs_certification_request_reaches_a_thai_supervisor_in_thai(org):
    bot = org
    ticket = answered_complaint_ten_days_on(bot)
    _speaks_english(bot, "Ukamr1")
    card, text = _closed_on_behalf(bot, ticket)
    assert _body(card)[0] == f"✅ รอรับรองการปิดเรื่อง {ticket.number}"
    assert [a["label"] for a in _footer(card)] == ["รับรอง", "ไม่รับรอง"]
    assert text["text"].startswith(f"{ticket.number} (บริษัท น้ำตาลไทย จำกัด): คุณสมชาย ใจดี ปิดเรื่องแทนลูกค้าทาง")
    assert _refused(bot, card, "ยังไม่ได้ยืนยันกับผู้จัดการโรงงาน") == (
        f"{ticket.number}: อรุณ หัวหน้า did not certify your close-out.\n"
        "Reason: ยังไม่ได้ยืนยันกับผู้จัดการโรงงาน\nPlease contact the customer again.")
