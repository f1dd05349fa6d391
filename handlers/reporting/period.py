"""Report periods: a calendar quarter (2026Q3) or a month (2026-09), as Bangkok dates and UTC bounds."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from handlers.thai_dates import BANGKOK, BE_OFFSET, TH_MONTHS_FULL, format_date

_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    kind: str  # "quarter" or "month"
    start: date  # first Bangkok day
    end: date  # last Bangkok day, inclusive

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.kind == "quarter" else f"{self.start:%Y-%m}"

    @property
    def quarter_period(self) -> "Period":
        """The quarter this period lies in (itself for a quarter)."""
        return parse_period(f"{self.year}Q{self.quarter}")

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: Bangkok midnights."""
        start = datetime.combine(self.start, time(), BANGKOK)
        return start, datetime.combine(self.end + timedelta(days=1), time(), BANGKOK)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def title(self, lang: str = "th") -> str:
        """``ไตรมาส 3/2569 (1 ก.ค. 2569 – 30 ก.ย. 2569)`` or ``กันยายน 2569``."""
        if self.kind == "quarter":
            head = (f"ไตรมาส {self.quarter}/{self.year + BE_OFFSET}" if lang == "th"
                    else f"Q{self.quarter} {self.year}")
            return f"{head} ({format_date(self.start, lang)} – {format_date(self.end, lang)})"
        if lang == "th":
            return f"{TH_MONTHS_FULL[self.start.month - 1]} {self.year + BE_OFFSET}"
        return f"{self.start:%B %Y}"


def parse_period(text: str) -> Period:
    """``2026Q3`` (also ``2026-Q3``) or ``2026-09``; ValueError says what is expected."""
    text = text.strip()
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        return Period("quarter", start, _month_end(date(year, 3 * quarter, 1)))
    if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        start = date(int(match[1]), int(match[2]), 1)
        return Period("month", start, _month_end(start))
    raise ValueError(f"{text!r} is not a quarter like 2026Q3 or a month like 2026-09")


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
