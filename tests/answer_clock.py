"""The first-answer clock's job (jobs/first_answer.py) run as the scheduler runs it, for the clock tests of
service requests and relayed messages: once now, or every 30 minutes through nights, weekends and holidays."""
from __future__ import annotations

from datetime import datetime

from bot.line.notifier import notifier_for
from handlers.thai_dates import BANGKOK
from jobs.first_answer import watch_first_answers
from storage.db import session_scope


def watch(bot) -> int:
    with session_scope(bot.engine) as session:
        return watch_first_answers(session, now=bot.now, config=bot.config, notifier=notifier_for(session, bot.now))


def told_every_half_hour(bot, *, until: datetime) -> list[str]:
    """The Bangkok times ("Tue 10:30") at which the job told someone, delivering what it queued each time."""
    told = []
    while bot.now < until:
        bot.advance(minutes=30)
        if watch(bot):
            told.append(bot.now.astimezone(BANGKOK).strftime("%a %H:%M"))
        bot.drain()
    return told


