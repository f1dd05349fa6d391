"""Issue 21 item 4: an answer to someone without LINE (a complaint filed by Google Form) is not claimed as
delivered; the KAMR gets the filer's details with a tap-to-call button and records how it was delivered.
Through the Sheets stand-in, the real webhook, SDK and LINE stand-in."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import Account, Contact, Ticket
from tests.forms_harness import COMPLAINT_HEADER, forms_config, poll


@pytest.fixture
def filed_by_form(org, sheets, tmp_path):
    sheet = sheets.add_spreadsheet("COMPLAINT-SHEET").add_tab("การตอบแบบฟอร์ม 1", [COMPLAINT_HEADER])
    sheets.add_spreadsheet("OUTAGE-SHEET", "แจ้งไฟดับ").add_tab("การตอบแบบฟอร์ม 1", [["ประทับเวลา"]])
    with session_scope(org.engine) as session:
        account = session.exec(select(Account).where(Account.account_code == "A100")).one()
        session.add(Contact(account_id=account.id, name="สมศรี มีสุข", email="somsri@example.co.th"))  # no LINE
    sheet.rows.append([datetime(2026, 11, 23, 9, 0), "somsri@example.co.th", "ค่าไฟฟ้า/บิล", "บิลเดือนนี้สูงผิดปกติ",
                       "081-234-5678"])
    poll(org, forms_config(org.config, sheets, tmp_path))
    return org.only_ticket()


def _footer(card: dict) -> list[dict]:
    return [c["action"] for c in card["contents"]["footer"]["contents"]]


def test_answer_to_a_form_filer_without_line_is_delivered_by_the_kamr_and_recorded(org, filed_by_form):
    bot, ticket = org, filed_by_form
    bot.tap("Ukamr1", f"a=complaint.answer&t={ticket.id}")
    bot.say("Ukamr1", "ตรวจสอบแล้ว มิเตอร์ปกติ ค่าไฟสูงจากเครื่องปรับอากาศใหม่")
    bot.tap("Ukamr1", f"a=complaint.send&t={ticket.id}")
    card, said = bot.line.messages_to("Ukamr1")[-2:]
    assert "ถึงลูกค้าแล้ว" not in said["text"]  # not claimed as delivered
    assert said["text"].startswith("บันทึกคำชี้แจง CMP-69-00001 แล้ว แต่ผู้แจ้งไม่มี LINE จึงยังไม่มีใครได้รับ")
    lines = [c["text"] for c in card["contents"]["body"]["contents"]]
    assert lines[0] == "📞 แจ้งคำชี้แจง CMP-69-00001 ให้ผู้แจ้ง"
    assert "ผู้แจ้ง: สมศรี มีสุข" in lines and "โทร: 081-234-5678" in lines and "อีเมล: somsri@example.co.th" in lines
    assert "คำชี้แจง: ตรวจสอบแล้ว มิเตอร์ปกติ ค่าไฟสูงจากเครื่องปรับอากาศใหม่" in lines
    call, mail, by_phone, by_email, in_person = _footer(card)
    assert (call["type"], call["uri"], call["label"]) == ("uri", "tel:0812345678", "📞 โทร 081-234-5678")
    assert mail["type"] == "uri" and mail["uri"].startswith("mailto:somsri@example.co.th?subject=")
    assert [b["label"] for b in (by_phone, by_email, in_person)] == [
        "แจ้งทางโทรศัพท์แล้ว", "ส่งอีเมลแล้ว", "แจ้งด้วยตนเองแล้ว"]

    # Still waiting in งานของฉัน until recorded, with the same card.
    bot.tap("Ukamr1", "a=mytickets")
    [waiting] = bot.last_to("Ukamr1")["contents"]["contents"]
    assert waiting["body"]["contents"][0]["text"] == "📞 แจ้งคำชี้แจง CMP-69-00001 ให้ผู้แจ้ง"

    bot.tap("Ukamr2", by_phone["data"])  # another account's KAMR
    assert bot.last_to("Ukamr2")["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    bot.tap("Ukamr1", f"a=delivery.done&t={ticket.id}&v=fax")  # tampered
    assert bot.last_to("Ukamr1")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    bot.tap("Ukamr1", by_phone["data"])
    assert bot.last_to("Ukamr1")["text"] == "บันทึกแล้วค่ะ: แจ้งคำชี้แจง CMP-69-00001 ทางโทรศัพท์แล้ว"
    with session_scope(bot.engine) as session:
        after = session.get(Ticket, ticket.id)
        assert "answer_undelivered" not in after.details and after.details["answer_delivered"]["how"] == "phone"
    assert bot.ticket_events()[-1].action == "answer_delivered"
    bot.tap("Ukamr1", by_email["data"])  # twice
    assert bot.last_to("Ukamr1")["text"] == "คำชี้แจง CMP-69-00001 ไม่มีรายการรอแจ้งค่ะ"
    bot.tap("Ukamr1", "a=mytickets")
    [card] = bot.last_to("Ukamr1")["contents"]["contents"]
    assert card["body"]["contents"][0]["text"] == "📝 ร้องเรียน CMP-69-00001"  # back to the ordinary card
