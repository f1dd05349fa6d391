"""A complaint the customer filed, the KAMR answered and nobody acknowledged for ten days: ready to be closed
on the customer's behalf ([complaint.obscore]) and certified by the KAMR's supervisor (S001, อรุณ หัวหน้า,
linked as "Usup"). Through the real webhook, as the tests of close-outs, languages and the supervisor's screen
need it."""
from __future__ import annotations

from datetime import datetime, timezone

FRIDAY_10_APRIL = datetime(2026, 4, 10, 3, 0, tzinfo=timezone.utc)  # 10:00 in Bangkok


def answered_complaint_ten_days_on(bot):
    bot.link("Usup", staff="S001")
    bot.now = FRIDAY_10_APRIL
    bot.tap("Ucust1", "a=complaint")
    bot.tap("Ucust1", "a=complaint.topic&v=power_quality")
    bot.say("Ucust1", "ไฟตกบ่อยช่วงบ่าย")
    bot.tap("Ucust1", "a=complaint.done")
    ticket = bot.only_ticket()
    bot.tap("Ukamr1", f"a=complaint.answer&t={ticket.id}")
    bot.say("Ukamr1", "เปลี่ยนหม้อแปลงแล้วค่ะ")
    bot.tap("Ukamr1", f"a=complaint.send&t={ticket.id}")
    bot.advance(days=10)
    return ticket
