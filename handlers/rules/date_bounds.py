"""The dates and times people may pick or type, one rule each: the pickers offer them as
initial/min/max and the server refuses anything outside (typed, or forged in a postback).

Outage start: not in the future, at most a week back. Service date: tomorrow to [services]
max_days_ahead (180), at one of the office's appointment times, never in the past. Visit date: 60 days back to a year ahead (CRM-KAM-005 plans and reports)."""
from __future__ import annotations

from dataclasses import dataclass
import re
from datetime import date, datetime, time, timedelta, timezone

from handlers.thai_dates import BANGKOK, bangkok_today, to_bangkok

OUTAGE_START_DAYS_BACK = 7
VISIT_PAST_DAYS, VISIT_FUTURE_DAYS = 60, 365
# The times offered for service appointments and planned visits: office hours, lunch left out (Bangkok).
APPOINTMENT_TIMES = ("0900", "1000", "1100", "1300", "1400", "1500")
_HHMM = re.compile(r"^([01]\d|2[0-3])([0-5]\d)$")


@dataclass(frozen=True)
class DayWindow:
    first: date
    last: date
    initial: date

    def holds(self, day: date | None) -> bool:
        return day is not None and self.first <= day <= self.last

    def picker(self) -> dict:
        """initial/min/max for a date picker (Button fields)."""
        return {"initial": self.initial.isoformat(), "min": self.first.isoformat(), "max": self.last.isoformat()}


def service_days(now: datetime, max_days_ahead: int) -> DayWindow:
    today = bangkok_today(now)
    first = today + timedelta(days=1)
    return DayWindow(first, today + timedelta(days=max_days_ahead), first)


def appointment_moment(day: date, hhmm: str) -> datetime | None:
    """The UTC instant of `day` at `hhmm` ("1000") Bangkok time; None for anything that is not a time."""
    match = _HHMM.match(hhmm or "")
    if match is None:
        return None
    local = datetime.combine(day, time(int(match[1]), int(match[2])), BANGKOK)
    return local.astimezone(timezone.utc)


def visit_days(now: datetime) -> DayWindow:
    today = bangkok_today(now)
    return DayWindow(today - timedelta(days=VISIT_PAST_DAYS), today + timedelta(days=VISIT_FUTURE_DAYS), today)


def outage_start_bounds(now: datetime) -> tuple[datetime, datetime]:
    """(earliest, latest) an outage may have begun: UTC."""
    return now - timedelta(days=OUTAGE_START_DAYS_BACK), now


def outage_start_picker(now: datetime) -> dict:
    """initial/min/max for the datetime picker, in Bangkok time as LINE shows it (minutes only)."""
    earliest, latest = (to_bangkok(moment).strftime("%Y-%m-%dT%H:%M") for moment in outage_start_bounds(now))
    return {"initial": latest, "min": earliest, "max": latest}
