"""Issue 14 item 8: the full text of a long complaint from the card; a low score (and the comment
once given) also reaches whoever handled it."""
from __future__ import annotations

from datetime import date

from storage import roster
from storage.db import session_scope
from storage.models import Visit


def test_the_full_text_of_a_long_complaint_is_one_tap_from_the_card(org):
    bot = org
    long_text = "ไฟตกบ่อยช่วงบ่าย " * 30 + "จบ"
    bot.tap("Ucust1", "a=complaint")
    bot.tap("Ucust1", "a=complaint.topic&v=power_quality")
    bot.say("Ucust1", long_text)
    card = bot.line.messages_to("Ukamr1")[0]
    full = next(b["action"] for b in card["contents"]["footer"]["contents"] if b["action"]["label"] == "อ่านทั้งหมด")
    bot.tap("Ukamr1", full["data"])
    assert bot.last_to("Ukamr1")["text"] == f"📄 CMP-69-00001 ข้อความเต็ม:\n{long_text.strip()}"
    bot.tap("Ukamr2", full["data"])  # not K002's account
    assert "ไฟตก" not in bot.last_to("Ukamr2")["text"]


def test_a_low_score_reaches_whoever_took_the_outage_as_well_as_the_kamr(org):
    bot = org
    bot.tap("Ucust1", "a=outage")
    bot.tap("Ucust1", bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"])
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    bot.tap("Ucust1", "a=outage.since&v=now")
    ticket = bot.only_ticket()
    with session_scope(bot.engine) as session:  # the zone KAMR stood in and took it
        session.get(type(ticket), ticket.id).escalated_to = roster.staff_by_code(session, "Z001").id
    bot.tap("Uzone", f"a=outage.ack&t={ticket.id}")
    bot.tap("Uzone", f"a=outage.resolve&t={ticket.id}")
    bot.tap("Uzone", bot.last_to("Uzone")["quickReply"]["items"][0]["action"]["data"])  # closing is deliberate: yes
    bot.tap("Ucust1", f"a=rate.give&k=ticket&i={ticket.id}&s=1")
    for user in ("Ukamr1", "Uzone"):
        assert bot.last_to(user)["text"] == "OUT-69-00001: ลูกค้า บริษัท น้ำตาลไทย จำกัด ให้คะแนน 1/5 กรุณาโทรติดตาม"


def test_a_low_visit_score_comment_follows_the_alert(org):
    bot = org
    with session_scope(bot.engine) as session:
        a100 = roster.account_by_code(session, "A100")
        visit = Visit(account_id=a100.id, staff_id=roster.staff_by_code(session, "Z001").id, visit_date=date(2026, 11, 20),
                      status="done", created_at=bot.now)
        session.add(visit)
        session.flush()
        visit_id = visit.id
    bot.tap("Ucust1", f"a=rate.give&k=visit&i={visit_id}&s=2")
    bot.say("Ucust1", "มาสายมากค่ะ")
    for user in ("Ukamr1", "Uzone"):  # the low-score card again, now with the comment (handlers/operations/ratings.py)
        assert "ความเห็น: มาสายมากค่ะ" in bot.last_to(user)["altText"].splitlines()
