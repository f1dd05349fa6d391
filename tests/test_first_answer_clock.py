"""Issue 15: a clock on every service request. Asked on a Friday afternoon before a long weekend (Father's
Day on Saturday, its substitute on Monday), the first answer is due Tuesday 15:00 after 8 office hours;
the KAMR is reminded an hour before, and at the deadline the request goes to the backup, once."""
from __future__ import annotations

from datetime import datetime, time, timezone

from bot.config import Config, ConfigError, parse_config
from handlers.rules.answer_clock import answer_due
from handlers.rules.workdays import calendar_from_config
from handlers.thai_dates import BANGKOK
from storage.db import session_scope

import pytest

from answer_clock import told_every_half_hour, watch


def _cards(bot, user):
    return [m for m in bot.line.messages_to(user) if m.get("type") == "flex"]


def test_reminder_before_and_escalation_at_the_deadline_across_a_long_weekend(org):
    bot = org
    bot.now = datetime(2026, 12, 4, 15, 0, tzinfo=BANGKOK).astimezone(timezone.utc)  # Friday 15:00
    bot.tap("Ucust1", "a=service")
    bot.tap("Ucust1", "a=service.pick&c=FMS2")
    bot.tap("Ucust1", "a=service.date", date="2026-12-21")
    ticket = bot.only_ticket()
    assert len(_cards(bot, "Ukamr1")) == 1
    bot.line.reset()

    told = told_every_half_hour(bot, until=datetime(2026, 12, 8, 17, 0, tzinfo=BANGKOK))
    assert told == ["Tue 14:00", "Tue 15:00"]
    [reminder] = _cards(bot, "Ukamr1")
    assert reminder["altText"].startswith(f"⏰ {ticket.number}: กรุณาตอบลูกค้าภายใน 8 ธ.ค. 2569 15:00")
    [escalated] = _cards(bot, "Uzone")
    assert escalated["altText"].startswith(f"⚠️ ส่งต่อ: {ticket.number} ยังไม่ได้ตอบลูกค้า")
    assert bot.texts_to("Ucust1")[-1] == f"{ticket.number}: ส่งต่อให้คุณวีระ ประจำเขต ดูแลแล้วค่ะ จะติดต่อกลับภายใน 15 นาที"
    events = [(e.action, e.details.get("reason")) for e in bot.ticket_events()]
    assert ("escalated", "answer_overdue") in events


def test_a_request_answered_in_time_is_neither_reminded_nor_escalated(org):
    bot = org
    bot.tap("Ucust1", "a=service")
    bot.tap("Ucust1", "a=service.pick&c=FMS2")
    bot.tap("Ucust1", "a=service.date", date="2026-12-21")
    ticket = bot.only_ticket()
    with session_scope(bot.engine) as session:
        from storage import tickets

        stored = session.get(type(ticket), ticket.id)
        tickets.transition(session, stored, ("open",), status="scheduled")
    bot.line.reset()
    bot.advance(days=3)
    assert watch(bot) == 0
    bot.drain()
    assert bot.line.pushes == []


@pytest.mark.parametrize("received, due", [
    (datetime(2026, 12, 4, 22, 0), datetime(2026, 12, 8, 16, 30)),  # Friday night counts from Tuesday's opening
    (datetime(2026, 11, 23, 8, 0), datetime(2026, 11, 23, 16, 30)),  # before opening: the whole Monday
    (datetime(2026, 11, 23, 16, 0), datetime(2026, 11, 24, 16, 0)),  # half an hour Monday, the rest Tuesday
])
def test_office_hours_on_working_days(received, due):
    calendar = calendar_from_config(Config())
    got = answer_due(received.replace(tzinfo=BANGKOK).astimezone(timezone.utc), 8, calendar,
                     opens=time(8, 30), closes=time(16, 30))
    assert got == due.replace(tzinfo=BANGKOK)


def test_office_hours_are_checked():
    with pytest.raises(ConfigError, match="first_answer.office_opens"):
        parse_config({"first_answer": {"office_opens": "17:00"}})
    with pytest.raises(ConfigError, match="first_answer.office_closes"):
        parse_config({"first_answer": {"office_closes": "25:00"}})
    with pytest.raises(ConfigError, match="first_answer.message_working_hours"):
        parse_config({"first_answer": {"message_working_hours": 0}})
