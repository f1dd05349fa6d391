"""The dates and times people may pick or type, one rule each: the pickers offer them as
initial/min/max and the server refuses anything outside (typed, or forged in a postback).

Outage start: not in the future, at most a week back. Estimated restoration: from now (never before the
outage started) to two weeks ahead. Restoration: from the outage's start to now. Service date: tomorrow to [services]
max_days_ahead (180), at an appointment time in office hours (a button, or typed), never in the past. Visit date: 60 days back to a year
ahead (CRM-KAM-005 plans and reports)."""
from __future__ import annotations

from dataclasses import dataclass
import re
from datetime import date, datetime, time, timedelta, timezone

from handlers.thai_dates import BANGKOK, bangkok_today, to_bangkok

OUTAGE_START_DAYS_BACK = 7
ESTIMATE_DAYS_AHEAD = 14
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


def in_office_hours(hhmm: str, settings) -> bool:
    """An appointment (service or planned visit) starts within office hours: [first_answer] office_opens
    (inclusive) to office_closes, the same hours the answer clock counts."""
    hour = time(int(hhmm[:2]), int(hhmm[2:]))
    return time.fromisoformat(settings.office_opens) <= hour < time.fromisoformat(settings.office_closes)


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


def _minutes(moment: datetime) -> str:
    """A picker's value: Bangkok time to the minute, as LINE shows it."""
    return to_bangkok(moment).strftime("%Y-%m-%dT%H:%M")


def _minute_floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)  # what the picker's minute-precise value can equal


def estimate_picker(now: datetime) -> dict:
    return {"initial": _minutes(now), "min": _minutes(now), "max": _minutes(now + timedelta(days=ESTIMATE_DAYS_AHEAD))}


def estimate_refusal(etr: datetime | None, *, now: datetime, started: datetime) -> str | None:
    """The text key refusing an estimated restoration time (unreadable, past, before the start, too far), else None."""
    if etr is None:
        return "outage_etr_unreadable"
    if etr < _minute_floor(now):
        return "outage_etr_past"
    if etr < _minute_floor(started):
        return "outage_etr_before_start"
    if etr > now + timedelta(days=ESTIMATE_DAYS_AHEAD):
        return "outage_etr_too_far"
    return None


def restoration_picker(now: datetime, started: datetime) -> dict:
    return {"initial": _minutes(now), "min": _minutes(min(started, now)), "max": _minutes(now)}


def restoration_refusal(at: datetime | None, *, now: datetime, started: datetime) -> str | None:
    """The text key refusing a restoration time (unreadable, in the future, before the outage started), else None."""
    if at is None:
        return "outage_restored_unreadable"
    if at > now:
        return "outage_restored_future"
    if at < _minute_floor(started):
        return "outage_restored_before_start"
    return None
