"""When a contact may be asked to rate a visit (issue 21): within the daytime window of `[reminders]
rating_window_start` / `rating_window_end` (Bangkok), and once a day per account however many visits it had."""
from __future__ import annotations

from datetime import datetime, time

from bot.config import RemindersConfig
from handlers.thai_dates import to_bangkok


def _at(value: str) -> time:
    hour, minute = RemindersConfig.hour_minute(value)
    return time(hour, minute)


def in_window(now: datetime, settings: RemindersConfig) -> bool:
    local = to_bangkok(now).time()
    return _at(settings.rating_window_start) <= local < _at(settings.rating_window_end)


def window_opens(settings: RemindersConfig) -> str:
    """The time the window opens, as people read it: "08:00"."""
    return settings.rating_window_start
