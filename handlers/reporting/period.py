"""Report periods: a quota quarter (2026Q3, counted from [quotas] year_start_month) or a month (2026-09)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from handlers.rules import quotas
from handlers.thai_dates import BANGKOK, BE_OFFSET, TH_MONTHS_FULL, format_date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    kind: str  # "quarter" or "month"
    start: date  # first Bangkok day
    end: date  # last Bangkok day, inclusive
    quarter: quotas.Quarter  # the quota quarter the period lies in

    @property
    def code(self) -> str:
        return self.quarter.label if self.kind == "quarter" else f"{self.start:%Y-%m}"

    @property
    def quarter_to_date(self) -> quotas.Quarter:
        """The quota quarter from its first day to the end of this period."""
        return quotas.Quarter(self.quarter.year, self.quarter.number, self.quarter.start, self.end)

    @property
    def as_quarter(self) -> quotas.Quarter:
        """This period's own days, labelled with its quota quarter (moved targets are per quarter)."""
        return quotas.Quarter(self.quarter.year, self.quarter.number, self.start, self.end)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: Bangkok midnights."""
        start = datetime.combine(self.start, time(), BANGKOK)
        return start, datetime.combine(self.end + timedelta(days=1), time(), BANGKOK)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def title(self) -> str:
        """``ไตรมาส 3/2569 (1 ก.ค. 2569 – 30 ก.ย. 2569)`` or ``เดือนกันยายน 2569``."""
        if self.kind == "quarter":
            head = f"ไตรมาส {self.quarter.number}/{self.quarter.year + BE_OFFSET}"
            return f"{head} ({format_date(self.start)} – {format_date(self.end)})"
        return f"เดือน{TH_MONTHS_FULL[self.start.month - 1]} {self.start.year + BE_OFFSET}"


def parse_period(text: str, settings) -> Period:
    """``2026Q3`` (a quota quarter) or ``2026-09``; settings: [quotas]. ValueError says what is expected."""
    text = text.strip()
    if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        start = date(int(match[1]), int(match[2]), 1)
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return Period("month", start, end, quotas.quarter_of(settings, start))
    try:
        quarter = quotas.parse_quarter(settings, text)
    except ValueError:
        raise ValueError(f"{text!r} is not a quarter like 2026Q3 or a month like 2026-09") from None
    return Period("quarter", quarter.start, quarter.end, quarter)
