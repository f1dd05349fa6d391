"""Postback data comes back from the phone and may be forged: every action, tapped with tampered
values (superscript digits, ids beyond the database's integers, year-1 and year-9999 dates), is
answered and never crashes its handler."""
from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.router import ACTIONS
from storage.db import session_scope
from storage.models import InboxEvent

TAMPERED = {"t": "²", "s": "³", "i": "¹", "k": "ticket", "v": "now", "c": "line", "d": "0001-01-01"}
HUGE = {"t": "99999999999", "s": "99999999999", "i": "9999999999", "k": "visit", "d": "9999-12-31"}
PICKED = [{"date": "0001-01-01"}, {"datetime": "0001-01-01T00:00"}, {"datetime": "9999-12-31T23:59"},
          {"date": "²⁰²⁶-01-01"}]


def _failed(bot) -> list[str]:
    with session_scope(bot.engine) as session:
        return [f"{e.event_type}: {e.error}" for e in session.exec(select(InboxEvent).where(InboxEvent.status != "done"))]


@pytest.mark.parametrize("values", [TAMPERED, HUGE], ids=["superscript", "huge"])
@pytest.mark.parametrize("user", ["Ucust1", "Ukamr1"])
def test_every_action_with_tampered_values_is_answered(org, user, values):
    bot = org
    for action in sorted(ACTIONS):
        bot.line.reset()
        bot.tap(user, f"a={action}&" + "&".join(f"{k}={v}" for k, v in values.items()))
        assert _failed(bot) == [], action
        assert bot.texts_to(user), action
        bot.say(user, "ยกเลิก")


@pytest.mark.parametrize("picked", PICKED, ids=lambda p: next(iter(p.values())))
def test_date_pickers_with_dates_out_of_range_are_answered(org, picked):
    bot = org
    flows = [("Ucust1", ["a=outage", "a=outage.site&s=1", "a=outage.symptom&v=no_power"], "a=outage.since&v=pick"),
             ("Ucust1", ["a=service"], "a=service.date"),
             ("Ukamr1", ["a=visit"], "a=visit.date")]
    for user, steps, pick in flows:
        for data in steps:
            bot.tap(user, data)
        bot.line.reset()
        bot.tap(user, pick, **picked)
        assert _failed(bot) == [], pick
        assert bot.texts_to(user), pick
        bot.say(user, "ยกเลิก")
