"""Urgent report to the decision maker (CRM-KAM-003) through the real webhook and the LINE stand-in."""
import io

from sqlmodel import select

from storage.db import session_scope
from storage.models import Staff, Ticket
from storage.roster_import import import_staff

NOT_ALLOWED = "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
MANAGER_CSV = """staff_code,name,role,office,backup,supervisor
M001,ประเสริฐ ผู้จัดการ,office_manager,PEA-N1,,
"""
RISK = "โรงงานหยุดผลิต เสียหายวันละ 2 ล้านบาท ลูกค้าขู่ร้องเรียน กกพ."




def _staff_id(bot, code: str) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(Staff).where(Staff.staff_code == code)).one().id


def _with_manager(bot) -> None:
    with session_scope(bot.engine) as session:
        assert not import_staff(session, io.StringIO(MANAGER_CSV)).errors
    bot.link("Umgr", staff="M001")
    bot.line.reset()


def _texts(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" and "text" in node else []
        return own + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def _buttons(message: dict) -> list[dict]:
    return [b["action"] for b in message["contents"]["footer"]["contents"]]


def _report_outage(bot) -> Ticket:
    bot.tap("Ucust1", "a=outage")
    site_data = bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"]
    bot.tap("Ucust1", site_data)
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    bot.tap("Ucust1", "a=outage.since&v=now")
    return bot.only_ticket()


def test_outage_reported_urgent_and_followed_up(org):
    bot = org
    _with_manager(bot)
    ticket = _report_outage(bot)
    card = bot.last_to("Ukamr1")
    urgent = _buttons(card)[-1]
    assert urgent["label"] == "แจ้งด่วนผู้บริหาร" and urgent["data"] == f"a=urgent.start&t={ticket.id}"

    # Not for a customer, nor for the KAMR of another account.
    bot.tap("Ucust1", urgent["data"])
    assert bot.last_to("Ucust1")["text"] == NOT_ALLOWED
    bot.tap("Ukamr2", urgent["data"])
    assert bot.last_to("Ukamr2")["text"] == NOT_ALLOWED

    bot.tap("Ukamr1", _buttons(card)[0]["data"])  # acknowledge
    bot.advance(minutes=10)
    bot.line.reset()
    bot.tap("Ukamr1", urgent["data"])
    assert bot.last_to("Ukamr1")["text"].startswith("OUT-69-00001: พิมพ์ความเสี่ยง/ผลกระทบต่อลูกค้า")
    bot.say("Ukamr1", RISK)
    assert bot.last_to("Ukamr1")["text"] == "ส่งรายงานด่วน OUT-69-00001 ถึงคุณประเสริฐ ผู้จัดการ แล้ว"

    [push] = bot.line.messages_to("Umgr")
    assert push["type"] == "flex" and push["altText"].startswith("🚨 รายงานเรื่องด่วน (CRM-KAM-003) OUT-69-00001")
    lines = _texts(push["contents"])
    assert f"ความเสี่ยง/ผลกระทบ: {RISK}" in lines
    assert "ปัญหา: ไฟดับ – โรงงาน 1" in lines
    assert any(line.startswith("• ") and "รับเรื่อง (สมชาย ใจดี)" in line and "น." in line for line in lines), lines
    [followup] = _buttons(push)
    assert followup["label"] == "สั่งการ/ติดตาม" and followup["data"] == f"a=urgent.followup&t={ticket.id}"

    k001, m001 = _staff_id(bot, "K001"), _staff_id(bot, "M001")
    details = bot.only_ticket().details["urgent"]
    assert details == {"by": k001, "to": m001, "risk": RISK, "at": bot.now.isoformat()}
    assert bot.ticket_events()[-1].action == "urgent_reported" and bot.ticket_events()[-1].staff_id == k001

    # Only the recorded decision maker follows up.
    bot.tap("Uzone", followup["data"])
    assert bot.last_to("Uzone")["text"] == NOT_ALLOWED
    bot.tap("Ukamr1", followup["data"])
    assert bot.last_to("Ukamr1")["text"] == NOT_ALLOWED

    bot.advance(minutes=5)
    bot.tap("Umgr", followup["data"])
    bot.say("Umgr", "ประสานศูนย์ควบคุมฯ ส่งรถโมบายด่วน รายงานทุก 30 นาที")
    relayed = bot.last_to("Ukamr1")
    assert relayed["text"] == "OUT-69-00001 ข้อสั่งการจากคุณประเสริฐ ผู้จัดการ:\nประสานศูนย์ควบคุมฯ ส่งรถโมบายด่วน รายงานทุก 30 นาที"
    labels = [i["action"]["label"] for i in relayed["quickReply"]["items"]]
    assert labels == ["แจ้งความคืบหน้า", "แก้ไขแล้ว", "แจ้งด่วนผู้บริหาร"]
    event = bot.ticket_events()[-1]
    assert (event.action, event.staff_id, event.text) == ("urgent_followup", m001, "ประสานศูนย์ควบคุมฯ ส่งรถโมบายด่วน รายงานทุก 30 นาที")
    assert bot.last_to("Umgr")["text"] == "ส่งข้อสั่งการ OUT-69-00001 ถึงคุณสมชาย ใจดีแล้ว"
    assert len(bot.line.messages_to("Umgr")) == 3


def test_complaint_reported_urgent_and_cancel_works(org):
    bot = org
    _with_manager(bot)
    bot.tap("Ucust1", "a=complaint")
    bot.tap("Ucust1", "a=complaint.topic&v=power_quality")
    bot.say("Ucust1", "ไฟตกบ่อยช่วงบ่าย เครื่องจักรเสียหาย")
    ticket = bot.only_ticket()
    card = bot.last_to("Ukamr1")
    assert [a["label"] for a in _buttons(card)] == ["ตอบลูกค้า", "แจ้งด่วนผู้บริหาร"]

    bot.tap("Ukamr1", f"a=urgent.start&t={ticket.id}")
    bot.say("Ukamr1", "ยกเลิก")
    assert "urgent" not in bot.only_ticket().details and bot.line.messages_to("Umgr") == []

    bot.tap("Ukamr1", f"a=urgent.start&t={ticket.id}")
    bot.say("Ukamr1", "ลูกค้าจะย้ายไปใช้ไฟจากโซลาร์")
    assert bot.last_to("Ukamr1")["text"] == "ส่งรายงานด่วน CMP-69-00001 ถึงคุณประเสริฐ ผู้จัดการ แล้ว"
    [push] = bot.line.messages_to("Umgr")
    lines = _texts(push["contents"])
    assert push["altText"].startswith("🚨 รายงานเรื่องด่วน (CRM-KAM-003) CMP-69-00001")
    assert "ปัญหา: คุณภาพไฟฟ้า: ไฟตกบ่อยช่วงบ่าย เครื่องจักรเสียหาย" in lines
    assert "การดำเนินการที่ผ่านมา: ยังไม่มี" in lines
    assert [e.action for e in bot.ticket_events()] == ["reported", "urgent_reported"]


def test_no_decision_maker_on_line_is_told_plainly(org):
    bot = org  # no office manager; the supervisor S001 is not on LINE
    ticket = _report_outage(bot)
    bot.tap("Ukamr1", f"a=urgent.start&t={ticket.id}")
    bot.say("Ukamr1", RISK)
    assert "ไม่พบผู้บริหารที่รับรายงานด่วน OUT-69-00001 ทาง LINE" in bot.last_to("Ukamr1")["text"]
    assert "urgent" not in bot.only_ticket().details
