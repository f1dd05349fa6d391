"""When a first answer is due: working hours counted in office hours on Thai working days (issue 15).

A request received at night, on a weekend or a holiday starts counting when the office next opens;
one received near closing time carries the rest of its hours to the next working day."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from handlers.rules.workdays import WorkCalendar
from handlers.thai_dates import BANGKOK


def answer_due(received_utc: datetime, hours: float, calendar: WorkCalendar, *, opens: time, closes: time) -> datetime:
    """The moment (UTC) `hours` office hours after `received_utc`."""
    left = timedelta(hours=hours)
    local = received_utc.astimezone(BANGKOK)
    day, at = local.date(), local.time().replace(tzinfo=None)
    while True:
        if calendar.is_working_day(day) and at < closes:
            start = datetime.combine(day, max(at, opens), tzinfo=BANGKOK)
            room = datetime.combine(day, closes, tzinfo=BANGKOK) - start
            if left <= room:
                return (start + left).astimezone(received_utc.tzinfo)
            left -= room
        day, at = day + timedelta(days=1), time(0, 0)


def clock_times(settings) -> tuple[time, time]:
    """(opens, closes) of the [first_answer] section."""
    return time.fromisoformat(settings.office_opens), time.fromisoformat(settings.office_closes)


CLOCKED_KINDS = ("service", "message")  # the ticket kinds with a first-answer clock: [first_answer] <kind>_working_hours


def first_answer_due(ticket, settings, calendar: WorkCalendar) -> datetime:
    """When the first answer to a service request or relayed message is due (UTC)."""
    opens, closes = clock_times(settings)
    return answer_due(ticket.created_at, getattr(settings, f"{ticket.kind}_working_hours"), calendar,
                      opens=opens, closes=closes)
