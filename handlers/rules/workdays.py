"""The Thai working-day clock for complaint deadlines.

Working days exclude Saturdays, Sundays, the ``holidays`` package's Thai PUBLIC
and GOVERNMENT holidays (substitution days "ชดเชย..." and one-off cabinet days
"วันหยุดพิเศษ (เพิ่มเติม)" included) and the organisation's own days off from
config. A config "extra workday" wins over everything else.

Counting (Civil and Commercial Code s. 193/3): the day of receipt is not
counted; the period runs from the next day and each counted day must be a
working day, so the due date is the n-th working day after the receipt date.

Receipt rule used by :meth:`WorkCalendar.due_for` (times in Bangkok):

* received on a working day before ``office_close`` (16:30 by default, ``[complaints] office_close``;
  the manuals set no cut-off, so it is the organisation's configurable choice): the receipt date
  is that day;
* received on a working day at or after ``office_close``: with
  ``received_after_hours_counts_next_day`` (default) it counts as received the
  next calendar day, i.e. as if received the next morning, which gives the
  office one more working day (Mon 20:00 is due like Tue 10:00);
* received on a non-working day: the receipt date is that day. No shift is
  needed: the count already starts at the next working day. Shifting it to
  the next working day *and* not counting that day would add a day and break
  the design rule that Fri 10 and Sat 11 April 2026 are both due Wed 22 April.
  Likewise Fri 20:00 counts as Saturday, which is due like Friday.

Data horizon: the package's one-off days (cabinet bridge days, special in-lieu
days) are listed per year in the country's ``special_*_holidays`` tables; the
Royal Ploughing Day (GOVERNMENT) table ends in the same year. The last year of
those tables is taken as the data end year (2026 in holidays 0.109); any
computation reaching a later year sets ``beyond_data`` and adds a warning.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays

from handlers.thai_dates import to_bangkok

CATEGORIES = (holidays.PUBLIC, holidays.GOVERNMENT)
WEEKEND_NAMES = {
    "th": {5: "วันเสาร์", 6: "วันอาทิตย์"},
    "en": {5: "Saturday", 6: "Sunday"},
}
_PACKAGE_LANG = {"th": "th", "en": "en_US"}
_ONE_DAY = timedelta(days=1)


def holidays_data_end_year(country: str = "TH") -> int:
    """Last year for which the package lists one-off (special) holidays."""
    probe = holidays.country_holidays(country, categories=CATEGORIES, years=())
    names = {"special_holidays"}
    for cat in CATEGORIES:
        names |= {f"special_{cat}_holidays", f"special_{cat}_holidays_observed"}
    years = [y for n in names for y in (getattr(probe, n, None) or {})]
    return max(years)


@dataclass(frozen=True)
class WorkdayResult:
    due: date
    skipped: list[tuple[date, str]] = field(default_factory=list)
    rule: str = ""
    beyond_data: bool = False
    warnings: list[str] = field(default_factory=list)


class WorkCalendar:
    def __init__(
        self,
        extra_holidays: Mapping[date, str] | None = None,
        extra_workdays: Iterable[date] = (),
        office_close: time = time(16, 30),
        language: str = "th",
        received_after_hours_counts_next_day: bool = True,
        data_end_year: int | None = None,
    ) -> None:
        self.extra_holidays = dict(extra_holidays or {})
        self.extra_workdays = frozenset(extra_workdays)
        if clash := self.extra_workdays & self.extra_holidays.keys():
            raise ValueError(f"dates both extra holiday and extra workday: {sorted(clash)}")
        self.office_close = office_close
        self.language = language
        self.received_after_hours_counts_next_day = received_after_hours_counts_next_day
        self.data_end_year = (holidays_data_end_year() if data_end_year is None
                              else data_end_year)
        self._years: dict[int, dict[date, str]] = {}
        self._lock = threading.Lock()

    # --- days --------------------------------------------------------------

    def _package_holidays(self, year: int) -> dict[date, str]:
        cached = self._years.get(year)
        if cached is None:
            with self._lock:
                cached = self._years.get(year)
                if cached is None:
                    cached = dict(holidays.country_holidays(
                        "TH", categories=CATEGORIES, years=year,
                        language=_PACKAGE_LANG.get(self.language, self.language)))
                    self._years[year] = cached
        return cached

    def holiday_name(self, d: date) -> str | None:
        """Why ``d`` is not a working day, or None when it is one."""
        if d in self.extra_workdays:
            return None
        if d in self.extra_holidays:
            return self.extra_holidays[d]
        if name := self._package_holidays(d.year).get(d):
            return name
        return WEEKEND_NAMES.get(self.language, WEEKEND_NAMES["en"]).get(d.weekday())

    def is_working_day(self, d: date) -> bool:
        return self.holiday_name(d) is None

    def next_working_day(self, d: date, include_today: bool = False) -> date:
        if not include_today:
            d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative (working days in (b, a]) if b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        count, d = 0, a
        while d < b:
            d += _ONE_DAY
            count += self.is_working_day(d)
        return count

    # --- deadlines ---------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> WorkdayResult:
        """The n-th working day after ``start`` (``start`` itself not counted)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        skipped: list[tuple[date, str]] = []
        d, left = start, n
        while left:
            d += _ONE_DAY
            if (name := self.holiday_name(d)) is None:
                left -= 1
            else:
                skipped.append((d, name))
        rule = (f"{n} working days after {start.isoformat()} (day of receipt not counted; "
                f"weekends, TH public+government holidays, {len(self.extra_holidays)} org days)")
        beyond = d.year > self.data_end_year
        warnings = []
        if beyond:
            warnings.append(
                f"holidays data for TH ends in {self.data_end_year}: cabinet one-off days "
                f"(วันหยุดพิเศษ) and Royal Ploughing Day (วันพืชมงคล) after that are unknown; "
                f"due {d.isoformat()} may be too early, add announced days to config")
        return WorkdayResult(d, skipped, rule, beyond, warnings)

    def receipt_date(self, received_at_utc: datetime) -> date:
        """The Bangkok calendar date of receipt (naive datetimes are UTC)."""
        return to_bangkok(received_at_utc).date()

    def counting_start(self, received_at_utc: datetime) -> tuple[date, str]:
        """The receipt date used for counting, and why (see module docstring)."""
        local = to_bangkok(received_at_utc)
        day = local.date()
        stamp = f"received {local:%Y-%m-%d %H:%M} Bangkok"
        if not self.is_working_day(day):
            return day, f"{stamp} on a non-working day ({self.holiday_name(day)})"
        if self.received_after_hours_counts_next_day and local.time() >= self.office_close:
            nxt = day + _ONE_DAY
            return nxt, (f"{stamp} after office hours ({self.office_close:%H:%M}): "
                         f"counted as received {nxt.isoformat()}")
        return day, stamp

    def due_for(self, received_at_utc: datetime, n: int = 5) -> WorkdayResult:
        start, why = self.counting_start(received_at_utc)
        result = self.add_working_days(start, n)
        return WorkdayResult(result.due, result.skipped, f"{why}; {result.rule}",
                             result.beyond_data, result.warnings)


def calendar_from_config(config, language: str = "th") -> WorkCalendar:
    """The working-day clock with the organisation's [calendar] days off and extra workdays, and the
    [complaints] after-hours cut-off (office_close, received_after_hours_counts_next_day); `language`
    names the holidays (th, en)."""
    days, complaints = config.calendar, config.complaints
    return _calendar(tuple(sorted(days.extra_holidays.items())), tuple(days.extra_workdays),
                     complaints.office_close, complaints.received_after_hours_counts_next_day, language)


@functools.lru_cache(maxsize=8)
def _calendar(extra_holidays: tuple[tuple[str, str], ...], extra_workdays: tuple[date, ...],
              office_close: str = "16:30", after_hours_next_day: bool = True, language: str = "th") -> WorkCalendar:
    # One calendar per configuration: building Thai holidays costs milliseconds, a forms poll files thousands.
    return WorkCalendar(extra_holidays={date.fromisoformat(k): v for k, v in extra_holidays},
                        extra_workdays=list(extra_workdays), office_close=time.fromisoformat(office_close),
                        received_after_hours_counts_next_day=after_hours_next_day, language=language)
