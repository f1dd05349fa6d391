"""Thai date display and parsing.

Times are stored as UTC-aware datetimes and shown in Asia/Bangkok. A naive
datetime is taken to be UTC. Thai display uses abbreviated month names and the
Buddhist era year (CE + 543): ``22 เม.ย. 2569``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543

TH_MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                  "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
TH_MONTHS_FULL = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                  "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
EN_MONTHS_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EN_MONTHS_FULL = ("January", "February", "March", "April", "May", "June", "July",
                  "August", "September", "October", "November", "December")
# Monday first, as date.weekday().
TH_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def to_bangkok(dt: datetime) -> datetime:
    """The same instant in Bangkok time; a naive datetime is taken as UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(BANGKOK)


def bangkok_today(now_utc: datetime | None = None) -> date:
    """The calendar date in Bangkok at ``now_utc`` (default: now)."""
    return to_bangkok(now_utc or datetime.now(timezone.utc)).date()


def _local_date(d: date | datetime) -> date:
    return to_bangkok(d).date() if isinstance(d, datetime) else d


def format_date(d: date | datetime, lang: str = "th") -> str:
    """``22 เม.ย. 2569`` (th) or ``22 Apr 2026`` (en)."""
    d = _local_date(d)
    if lang == "th":
        return f"{d.day} {TH_MONTHS_ABBR[d.month - 1]} {d.year + BE_OFFSET}"
    return f"{d.day} {EN_MONTHS_ABBR[d.month - 1]} {d.year}"


def format_datetime(dt: datetime, lang: str = "th") -> str:
    """``22 เม.ย. 2569 14:30 น.`` (th) or ``22 Apr 2026 14:30`` (en), Bangkok time."""
    local = to_bangkok(dt)
    text = f"{format_date(local.date(), lang)} {local.hour:02d}:{local.minute:02d}"  # strftime: slower, tabs call it 100,000 times
    return f"{text} น." if lang == "th" else text


def format_weekday_date(d: date | datetime, lang: str = "th") -> str:
    """``วันพุธที่ 22 เม.ย. 2569`` (th) or ``Wed 22 Apr 2026`` (en)."""
    d = _local_date(d)
    if lang == "th":
        return f"วัน{TH_WEEKDAYS[d.weekday()]}ที่ {format_date(d, lang)}"
    return f"{EN_WEEKDAYS[d.weekday()]} {format_date(d, lang)}"


# --- parsing -----------------------------------------------------------------

def _month_key(text: str) -> str:
    return re.sub(r"[\s.]", "", text).lower()


_MONTHS: dict[str, int] = {}
for _names in (TH_MONTHS_ABBR, TH_MONTHS_FULL, EN_MONTHS_ABBR, EN_MONTHS_FULL):
    for _i, _name in enumerate(_names, start=1):
        _MONTHS[_month_key(_name)] = _i

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WEEKDAY_PREFIX = re.compile(
    r"^วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)(?:ที่)?\s*")
_ERA = re.compile(r"(?:พ\s*\.?\s*ศ|ค\s*\.?\s*ศ)\s*\.?")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_TEXTUAL = re.compile(r"^(\d{1,2})\s*([^\d]+?)\s*(\d{4}|\d{2})$")
# Words for days counted from today, as people type them.
_RELATIVE = {"วันนี้": 0, "today": 0, "พรุ่งนี้": 1, "tomorrow": 1, "มะรืนนี้": 2, "มะรืน": 2,
             "day after tomorrow": 2}


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:  # two digits are the Buddhist era's, as Thai people write them: 69 is 2569
        year += 2500
    if year > 2400:  # Buddhist era
        year -= BE_OFFSET
    if not 1900 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_thai_date(text: str, today: date | None = None) -> date | None:
    """Parse a date as Thai users type it; None when it is not a date.

    Accepts ``2026-04-22``, ``22/4/2569``, ``22/04/2026`` (also ``-`` or ``.``
    separators), ``22 เม.ย. 2569``, ``22 เมษายน 2569``, ``22 เมษายน พ.ศ. 2569``,
    ``วันพุธที่ 22 เม.ย. 2569``, ``22 Apr 2026``, and Thai digits. A year above
    2400 is Buddhist era; a two-digit year is the Buddhist era's last digits, as
    Thai people write it (``15/12/69``, ``15 ธ.ค. 69`` are 15 December 2569).
    Given `today`, also วันนี้, พรุ่งนี้, มะรืนนี้ (today, tomorrow).
    """
    if not isinstance(text, str):
        return None
    if today is not None and (ahead := _RELATIVE.get(re.sub(r"\s+", " ", text.strip().lower()))) is not None:
        return date.fromordinal(today.toordinal() + ahead)
    s = text.strip().translate(_THAI_DIGITS)
    s = _WEEKDAY_PREFIX.sub("", s)
    if m := _ISO.match(s):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(s):
        return _make(int(m[3]), int(m[2]), int(m[1]))
    if m := _TEXTUAL.match(s):
        month = _MONTHS.get(_month_key(_ERA.sub("", m[2])))
        if month is None:
            return None
        return _make(int(m[3]), month, int(m[1]))
    return None


_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)\s*(?:น\.?|นาฬิกา)?$")
_THAI_NUMBERS = {"โมง": 1, "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5}
_AFTERNOON = re.compile(r"^บ่าย\s*(โมง|หนึ่ง|สอง|สาม|สี่|ห้า|[1-5])\s*(?:โมง)?\s*(?:ตรง)?$")
_MORNING = re.compile(r"^(\d{1,2})\s*โมง\s*(?:เช้า)?\s*(?:ตรง)?$")


def parse_typed_time(text: str) -> str | None:
    """A time of day as people type it: ``10:30``, ``10.30``, ``10:30 น.``, ``9 โมง``, ``บ่ายสอง`` (14:00),
    ``บ่าย 3 โมง``, ``เที่ยง``; as ``"1030"`` for the time buttons' code, None when it is not a time."""
    if not isinstance(text, str):
        return None
    s = re.sub(r"\s+", " ", text.strip().translate(_THAI_DIGITS)).lower()
    if m := _CLOCK.match(s):
        return f"{int(m[1]):02d}{m[2]}"
    if s in ("เที่ยง", "เที่ยงตรง", "เที่ยงวัน"):
        return "1200"
    if m := _AFTERNOON.match(s):
        return f"{12 + (_THAI_NUMBERS.get(m[1]) or int(m[1])):02d}00"
    if (m := _MORNING.match(s)) and 6 <= int(m[1]) <= 11:  # "เก้าโมง" is 9 in the morning
        return f"{int(m[1]):02d}00"
    return None


def picked_date(params: dict, typed: str, today: date | None = None) -> date | None:
    """The day from a date picker's answer (``params['date']``), else the day typed in the chat (with `today`,
    relative words such as พรุ่งนี้ too)."""
    picked = params.get("date") or params.get("d")
    return parse_thai_date(str(picked)) if picked else parse_thai_date(typed, today)


def picked_moment(params: dict) -> datetime | None:
    """The UTC moment from a date-time picker's answer (``params['datetime']``, Bangkok time as LINE sends it);
    None when missing or unreadable (a forged value)."""
    try:
        return datetime.fromisoformat(str(params.get("datetime") or "")).replace(tzinfo=BANGKOK).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 in Bangkok is before UTC's year 1
        return None


# --- how long ago (issue 21: ages on the staff's work cards) ---------------------------


def format_age(now: datetime, since: datetime, lang: str = "th") -> str:
    """How long ago, in the largest whole unit: ``15 นาที``, ``3 ชม.``, ``2 วัน`` (``15 min``, ``3 h``, ``2 days``)."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} นาที" if lang == "th" else f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} ชม." if lang == "th" else f"{minutes // 60} h"
    days = minutes // (24 * 60)
    return f"{days} วัน" if lang == "th" else f"{days} day{'s' if days > 1 else ''}"


def format_day(d: date | datetime, lang: str = "th") -> str:
    """An appointment's day with its weekday: ``1 ธ.ค. 2569 (อังคาร)`` (th) or ``1 Dec 2026 (Tue)`` (en)."""
    d = _local_date(d)
    weekday = TH_WEEKDAYS[d.weekday()] if lang == "th" else EN_WEEKDAYS[d.weekday()]
    return f"{format_date(d, lang)} ({weekday})"


def format_duration(minutes: float, lang: str = "th") -> str:
    """A length of time to the minute: ``1 ชม. 30 นาที``, ``45 นาที`` (``1 h 30 min``)."""
    hours, rest = divmod(int(round(minutes)), 60)
    hour_unit, minute_unit = ("ชม.", "นาที") if lang == "th" else ("h", "min")
    if not hours:
        return f"{rest} {minute_unit}"
    return f"{hours} {hour_unit}" + (f" {rest} {minute_unit}" if rest else "")


def time_label(hhmm: str, lang: str = "th") -> str:
    """A time button's label from ``"1000"``: ``10:00 น.`` (th) or ``10:00`` (en)."""
    clock = f"{hhmm[:2]}:{hhmm[2:]}"
    return f"{clock} น." if lang == "th" else clock


def format_appointment(moment: datetime, lang: str = "th") -> str:
    """An appointment's day, weekday and time: ``1 ธ.ค. 2569 (อังคาร) 10:00 น.`` (th) or ``1 Dec 2026 (Tue) 10:00`` (en)."""
    local = to_bangkok(moment)
    return f"{format_day(local.date(), lang)} {time_label(f'{local.hour:02d}{local.minute:02d}', lang)}"
