"""Issue 15 item 5 for relayed messages: a message the customer sends on Friday afternoon before a long
weekend (Father's Day on Saturday, its substitute on Monday) has its first answer due after 4 office
hours: one on Friday, three on Tuesday, so 11:30. The KAMR is reminded an hour before; at the deadline
the message goes one level up the chain and the customer hears who has it; [ตอบกลับ] stops the clock
and the KAMR hears who answered for them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from handlers.thai_dates import BANGKOK
from storage.db import session_scope
from storage.models import EscalationStep, Notification

from answer_clock import told_every_half_hour, watch
from conftest import PG_URL
from procs import two_schedulers

FRIDAY_AFTERNOON = datetime(2026, 12, 4, 15, 30, tzinfo=BANGKOK).astimezone(timezone.utc)
DUE = datetime(2026, 12, 8, 11, 30, tzinfo=BANGKOK)  # Tuesday: Fri 15:30-16:30, then Tue 08:30-11:30


def _cards(bot, user):
    return [m for m in bot.line.messages_to(user) if m.get("type") == "flex"]


def _footer(card: dict) -> list[dict]:
    return [b["action"] for b in card["contents"]["footer"]["contents"]]


def _relay_on_friday(bot):
    bot.now = FRIDAY_AFTERNOON
    bot.say("Ucust1", "ขอใบแจ้งหนี้เดือนที่แล้วได้ไหมคะ")
    ticket = bot.only_ticket()
    assert ticket.kind == "message" and len(_cards(bot, "Ukamr1")) == 1
    bot.line.reset()
    return ticket


def test_reminded_before_and_escalated_at_the_deadline_across_nights_a_weekend_and_a_holiday(org):
    bot = org
    ticket = _relay_on_friday(bot)

    told = told_every_half_hour(bot, until=datetime(2026, 12, 8, 17, 0, tzinfo=BANGKOK))
    assert told == ["Tue 10:30", "Tue 11:30"]  # nothing on Friday night, the weekend or the holiday Monday

    [reminder] = _cards(bot, "Ukamr1")
    assert reminder["altText"].startswith(f"⏰ {ticket.number}: กรุณาตอบข้อความลูกค้าภายใน 8 ธ.ค. 2569 11:30")
    assert _footer(reminder)[0]["label"] == "ตอบกลับ"
    [escalated] = _cards(bot, "Uzone")  # the backup, one level up
    assert escalated["altText"].startswith(f"⚠️ ส่งต่อ: {ticket.number} ยังไม่ได้ตอบข้อความลูกค้า (ครบกำหนด 8 ธ.ค. 2569 11:30 น.)")
    assert bot.texts_to("Ucust1") == [f"{ticket.number}: ส่งต่อให้คุณวีระ ประจำเขต ดูแลแล้วค่ะ จะติดต่อกลับภายใน 15 นาที"]
    events = [(e.action, e.details.get("reason")) for e in bot.ticket_events()]
    assert events.count(("escalated", "answer_overdue")) == 1

    # The backup answers from the escalated card: the customer gets it and the clock stops.
    bot.tap("Uzone", _footer(escalated)[0]["data"])
    bot.say("Uzone", "ส่งทางอีเมลให้แล้วครับ")
    assert bot.last_to("Ucust1")["text"] == f"💬 คุณวีระ ประจำเขต ตอบ ({ticket.number}):\nส่งทางอีเมลให้แล้วครับ"
    assert bot.texts_to("Ukamr1")[-1] == f"{ticket.number} (บริษัท น้ำตาลไทย จำกัด): คุณวีระ ประจำเขต รับเรื่องแทนแล้วค่ะ"
    bot.line.reset()
    bot.advance(days=3)
    assert watch(bot) == 0
    bot.drain()
    assert bot.line.pushes == []


def test_a_message_answered_in_time_is_neither_reminded_nor_escalated(org):
    bot = org
    ticket = _relay_on_friday(bot)
    bot.advance(minutes=10)
    bot.tap("Ukamr1", f"a=message.reply&t={ticket.id}")
    bot.say("Ukamr1", "ส่งให้แล้วครับ")
    assert bot.only_ticket().status == "closed"
    bot.line.reset()
    for hours_late in (-0.5, 0, 1):  # in the reminder's hour, at the deadline, after it
        bot.now = (DUE + timedelta(hours=hours_late)).astimezone(timezone.utc)
        assert watch(bot) == 0
    bot.drain()
    assert bot.line.pushes == []


def test_two_schedulers_on_postgresql_send_each_relay_step_once(org):
    bot = org
    if not bot.config.database.url.startswith("postgresql"):
        pytest.skip("two scheduler processes need PostgreSQL")
    ticket = _relay_on_friday(bot)
    for at, user in ((DUE - timedelta(minutes=30), "Ukamr1"), (DUE, "Uzone")):
        queued = two_schedulers(PG_URL, at.astimezone(timezone.utc), 2)
        bot.now = at.astimezone(timezone.utc)
        bot.drain()
        assert len(_cards(bot, user)) == 1, (at, queued)  # one of the two sent the step, once
    with session_scope(bot.engine) as session:
        levels = [step.level for step in session.exec(select(EscalationStep).where(EscalationStep.ticket_id == ticket.id)
                                                      .order_by(EscalationStep.level))]
        reminders = session.exec(select(Notification).where(Notification.kind == "message_answer_reminder")).all()
    assert levels == [0, 1] and len(reminders) == 1
    assert bot.texts_to("Ucust1") == [f"{ticket.number}: ส่งต่อให้คุณวีระ ประจำเขต ดูแลแล้วค่ะ จะติดต่อกลับภายใน 15 นาที"]
