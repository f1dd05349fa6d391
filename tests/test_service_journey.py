"""Free services through the real webhook and SDK client: catalogue by tier, dates, booking, rating."""
from datetime import date, datetime, timezone

from sqlmodel import select

from storage.db import session_scope
from storage.models import Rating


def _lines(message: dict) -> list[str]:
    return [item["text"] for item in message["contents"]["body"]["contents"]]


def _buttons(message: dict) -> list[dict]:
    return [b["action"] for b in message["contents"].get("footer", {}).get("contents", [])]


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _request_fms2(bot, user="Ucust1", day="2026-12-01"):
    bot.tap(user, "a=service")
    bot.tap(user, "a=service.pick&c=FMS2")
    bot.tap(user, "a=service.date", date=day)


def _propose(bot, ticket_id: int, day: str, hhmm: str = "1000", user: str = "Ukamr1"):
    """The KAMR picks a date, then taps a time among the quick replies."""
    bot.tap(user, f"a=service.propose&t={ticket_id}", date=day)
    times = [a for a in _quick(bot.last_to(user)) if a.get("data", "").endswith(f"&h={hhmm}")]
    bot.tap(user, times[0]["data"])


def test_catalogue_follows_the_tier(org):
    bot = org
    bot.tap("Ucust1", "a=service")  # A100 is Strategic: every service
    card = bot.last_to("Ucust1")
    assert card["altText"].startswith("บริการฟรีสำหรับลูกค้า Strategic")
    assert [b["data"] for b in _buttons(card)] == [
        "a=service.pick&c=FMS2", "a=service.pick&c=FMS3", "a=service.pick&c=MAINT", "a=service.pick&c=THERMO",
        "a=service.pick&c=PQ"]
    assert _lines(card)[1].startswith("ตรวจสอบข้อมูลโหลด (Load Profile): ")  # names for customers, not codes
    assert [b["label"] for b in _buttons(card)][:2] == ["ตรวจข้อมูลโหลด", "ปรึกษาการใช้ไฟฟ้า"]  # written to fit

    bot.tap("Uhosp", "a=service")  # A200 is Status: no maintenance, no power-quality study
    assert [b["data"] for b in _buttons(bot.last_to("Uhosp"))] == [
        "a=service.pick&c=FMS2", "a=service.pick&c=FMS3", "a=service.pick&c=THERMO"]


def test_a_tampered_postback_cannot_order_a_service_the_tier_lacks(org):
    bot = org
    bot.tap("Uhosp", "a=service")
    bot.tap("Uhosp", "a=service.pick&c=PQ")
    assert bot.last_to("Uhosp")["text"] == "บริการนี้ไม่อยู่ในสิทธิ์ของระดับลูกค้าของท่านค่ะ เลือกจากรายการได้เลย"
    bot.tap("Uhosp", "a=service.date", date="2026-12-01")  # and the dialog did not move on
    assert bot.last_to("Uhosp")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    with session_scope(bot.engine) as session:
        from storage.models import Ticket

        assert session.exec(select(Ticket)).all() == []
    assert bot.line.messages_to("Ukamr2") == []


def test_request_accept_done_and_rate(org):
    bot = org
    bot.tap("Ucust1", "a=service")
    bot.tap("Ucust1", "a=service.pick&c=FMS2")
    ask = bot.last_to("Ucust1")
    assert ask["text"].startswith("ตรวจสอบข้อมูลโหลด (Load Profile)\nเลือกวันที่สะดวก")
    assert _quick(ask)[0] == {"type": "datetimepicker", "label": "เลือกวันที่", "data": "a=service.date", "mode": "date",
                              "initial": "2026-11-24", "min": "2026-11-24", "max": "2027-05-22"}
    bot.tap("Ucust1", "a=service.date", date="2026-11-23")  # today is too soon
    assert bot.last_to("Ucust1")["text"] == "กรุณาเลือกวันที่ตั้งแต่ 24 พ.ย. 2569 ถึง 22 พ.ค. 2570 ค่ะ"
    bot.say("Ucust1", "1 ธ.ค. 2569")  # typing works as well as the picker
    assert bot.last_to("Ucust1")["text"] == (
        "รับคำขอ ตรวจสอบข้อมูลโหลด (Load Profile) แล้วค่ะ เลขที่ SRV-69-00001\nวันที่ท่านสะดวก: 1 ธ.ค. 2569 (อังคาร)\n"
        "KAMR จะยืนยันวันนัดกับท่าน")
    ticket = bot.only_ticket()
    assert (ticket.kind, ticket.category, ticket.status, ticket.details["preferred_date"]) == (
        "service", "FMS2", "open", "2026-12-01")

    card = bot.last_to("Ukamr1")
    assert card["altText"].split("\n")[0] == "🛠️ ขอรับบริการ SRV-69-00001"
    assert _lines(card)[1:4] == ["ลูกค้า: บริษัท น้ำตาลไทย จำกัด (A100)",
                                 "บริการ: FMS2 ตรวจสอบข้อมูลโหลด (Load Profile)", "วันที่ลูกค้าสะดวก: 1 ธ.ค. 2569 (อังคาร)"]
    assert [b["label"] for b in _buttons(card)] == ["รับตามวันที่ลูกค้าขอ", "เสนอวันอื่น", "ปฏิเสธ"]
    bot.tap("Ukamr1", _buttons(card)[0]["data"])
    ask = bot.last_to("Ukamr1")  # the customer's date, then a time of day
    assert ask["text"] == "เลือกเวลานัด SRV-69-00001 วันที่ 1 ธ.ค. 2569 (อังคาร) ค่ะ"
    assert [a["label"] for a in _quick(ask)] == ["09:00 น.", "10:00 น.", "11:00 น.", "13:00 น.", "14:00 น.", "15:00 น.",
                                                 "เลือกวันอื่น", "ยกเลิก"]
    assert bot.only_ticket().status == "open"
    bot.tap("Ukamr1", _quick(ask)[1]["data"])
    assert bot.last_to("Ukamr1")["text"] == "นัด SRV-69-00001 วันที่ 1 ธ.ค. 2569 (อังคาร) 10:00 น. แล้ว ลูกค้าได้รับแจ้งแล้วค่ะ"
    assert bot.last_to("Ucust1")["text"] == (
        "SRV-69-00001: KAMR ยืนยันนัด ตรวจสอบข้อมูลโหลด (Load Profile) วันที่ 1 ธ.ค. 2569 (อังคาร) 10:00 น. ค่ะ")
    assert (bot.only_ticket().status, bot.only_ticket().scheduled_date, bot.only_ticket().scheduled_at) == (
        "scheduled", date(2026, 12, 1), datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc))  # stored in UTC

    bot.tap("Ucust2", bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"].replace("service.other", "service.confirm"))
    assert bot.last_to("Ucust2")["text"].startswith("SRV-69-00001 อยู่ในสถานะ ‘นัดหมายแล้ว’")  # nothing to confirm

    bot.now = datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)  # the appointment day, 14:00 in Bangkok
    bot.tap("Ukamr1", f"a=service.done&t={ticket.id}")
    confirm = _quick(bot.last_to("Ukamr1"))  # delivered is confirmed with a second tap
    assert [a["label"] for a in confirm] == ["ยืนยัน ให้บริการแล้ว", "ยังไม่ใช่"]
    bot.tap("Ukamr1", confirm[0]["data"])
    assert bot.last_to("Ukamr1")["text"] == "ปิดงาน SRV-69-00001 แล้ว ลูกค้าจะได้รับแบบประเมิน"
    done = bot.last_to("Ucust1")
    assert done["text"].startswith("SRV-69-00001: ให้บริการ ตรวจสอบข้อมูลโหลด (Load Profile) เรียบร้อยแล้วค่ะ")
    bot.tap("Ucust1", _quick(done)[0]["data"])  # 5/5
    assert bot.last_to("Ucust1")["text"].startswith("ขอบคุณสำหรับคะแนน 5/5")
    with session_scope(bot.engine) as session:
        rating = session.exec(select(Rating)).one()
        assert (rating.subject_kind, rating.subject_id, rating.score) == ("ticket", ticket.id, 5)


def test_kamr_proposes_another_date_and_the_customer_confirms(org):
    bot = org
    _request_fms2(bot)
    ticket = bot.only_ticket()
    _propose(bot, ticket.id, "2026-12-03", "1300")
    assert bot.last_to("Ukamr1")["text"] == "เสนอวันที่ 3 ธ.ค. 2569 (พฤหัสบดี) 13:00 น. ให้ลูกค้ายืนยันแล้ว (SRV-69-00001)"
    offer = bot.last_to("Ucust1")
    assert offer["text"] == ("SRV-69-00001: KAMR ขอเสนอวันที่ 3 ธ.ค. 2569 (พฤหัสบดี) 13:00 น. สำหรับ "
                             "ตรวจสอบข้อมูลโหลด (Load Profile) สะดวกไหมคะ")
    assert [a["label"] for a in _quick(offer)] == ["ยืนยันวันนัด", "ขอวันอื่น"]  # says what happens (issue 21)
    # The customer asks for another day; the KAMR proposes again; the stale confirm button no longer works.
    stale_confirm = _quick(offer)[0]["data"]
    bot.tap("Ucust1", _quick(offer)[1]["data"])
    bot.tap("Ucust1", "a=service.date", date="2026-12-04")
    assert bot.last_to("Ucust1")["text"] == "ส่งวันที่ใหม่ 4 ธ.ค. 2569 (ศุกร์) ให้ KAMR แล้วค่ะ (SRV-69-00001)"
    assert bot.last_to("Ukamr1")["altText"].split("\n")[0] == "ลูกค้าขอวันใหม่สำหรับ SRV-69-00001: 4 ธ.ค. 2569 (ศุกร์)"
    assert bot.only_ticket().status == "open"
    _propose(bot, ticket.id, "2026-12-08", "0900")
    bot.tap("Ucust1", stale_confirm)
    assert bot.last_to("Ucust1")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    bot.tap("Ucust1", _quick(bot.line.messages_to("Ucust1")[-2])[0]["data"])
    assert bot.last_to("Ucust1")["text"] == (
        "ยืนยันนัด ตรวจสอบข้อมูลโหลด (Load Profile) วันที่ 8 ธ.ค. 2569 (อังคาร) 09:00 น. แล้วค่ะ (SRV-69-00001)")
    kamr_card = bot.last_to("Ukamr1")
    assert kamr_card["altText"].split("\n")[0] == "ลูกค้ายืนยันนัด SRV-69-00001 วันที่ 8 ธ.ค. 2569 (อังคาร) 09:00 น. แล้วค่ะ"
    assert "วันนัด: 8 ธ.ค. 2569 (อังคาร) 09:00 น." in _lines(kamr_card)
    assert (bot.only_ticket().status, bot.only_ticket().scheduled_date) == ("scheduled", date(2026, 12, 8))
    assert [e.action for e in bot.ticket_events()] == ["requested", "proposed", "new_date_asked", "proposed", "confirmed"]


def test_kamr_declines_with_a_reason_and_others_cannot_act(org):
    bot = org
    _request_fms2(bot)
    ticket = bot.only_ticket()
    bot.tap("Ukamr2", f"a=service.decline&t={ticket.id}")  # K002 is not A100's KAMR
    assert bot.last_to("Ukamr2")["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    bot.tap("Ucust1", f"a=service.done&t={ticket.id}")  # a customer cannot act as staff
    assert bot.last_to("Ucust1")["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    bot.tap("Uhosp", f"a=service.confirm&t={ticket.id}&d=2026-12-01")  # nor on another account's request
    assert bot.last_to("Uhosp")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"

    bot.tap("Ukamr1", f"a=service.decline&t={ticket.id}")
    assert bot.last_to("Ukamr1")["text"] == "พิมพ์เหตุผลที่ไม่สามารถให้บริการ SRV-69-00001 เพื่อแจ้งลูกค้าค่ะ"
    bot.say("Ukamr1", "เครื่องวัดไม่ว่างถึงเดือนมกราคม")
    assert bot.last_to("Ucust1")["text"] == (
        "SRV-69-00001: ขออภัยค่ะ ไม่สามารถให้บริการ ตรวจสอบข้อมูลโหลด (Load Profile) ได้\nเหตุผล: เครื่องวัดไม่ว่างถึงเดือนมกราคม")
    assert [a["label"] for a in _quick(bot.last_to("Ucust1"))][:2] == ["แจ้งไฟดับ", "ขอรับบริการ"]  # what next
    assert bot.only_ticket().status == "declined"
    bot.tap("Ukamr1", f"a=service.done&t={ticket.id}")
    assert bot.last_to("Ukamr1")["text"] == "SRV-69-00001 อยู่ในสถานะ ‘ไม่สามารถให้บริการ’ จึงทำรายการนี้ไม่ได้ค่ะ"


def test_an_english_speaking_contact_reads_english_names_and_dates(org):
    bot = org
    with session_scope(bot.engine) as session:
        from storage import roster

        contact = roster.contact_by_line_user(session, "Ucust2")
        contact.language = "en"
        session.add(contact)
    _request_fms2(bot, user="Ucust2")
    assert bot.last_to("Ucust2")["text"].startswith("Request for Load-profile check received: SRV-69-00001\nYour date: 1 Dec 2026 (Tue)")
    _propose(bot, bot.only_ticket().id, "2026-12-03")
    assert bot.last_to("Ucust2")["text"] == (
        "SRV-69-00001: your KAMR proposes 3 Dec 2026 (Thu) 10:00 for Load-profile check. Does that suit you?")
    assert bot.last_to("Ukamr1")["text"] == "เสนอวันที่ 3 ธ.ค. 2569 (พฤหัสบดี) 10:00 น. ให้ลูกค้ายืนยันแล้ว (SRV-69-00001)"
