"""Google Forms response rows -> responses with stable keys (no database, no network).

Headers are mapped by position on every read, so inserted or moved columns do no harm.
Google Forms may give two questions the same title: a field mapped by title takes the first
non-empty answer among the columns of that title; "title#2" names the 2nd such column.
Cells come from the Sheets API unformatted (numbers as numbers, dates as serial days in the
spreadsheet's time zone) or from a downloaded CSV (formatted text, maybe Buddhist-era years);
both give the same key for the same response.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import FormConfig

TIMESTAMP_TITLES = ("ประทับเวลา", "Timestamp")
DATETIME_FIELDS = ("started_at",)
DATE_FIELDS = ("visit_date", "preferred_date")
SERIAL_EPOCH = datetime(1899, 12, 30)
BE_OFFSET = 543
_FORMATTED = re.compile(
    r"^\s*(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ ,T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?\s*$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True)
class Columns:
    timestamp: int | None
    account: list[int]
    fields: dict[str, list[int]]
    missing: list[str]  # configured titles the header lacks
    unknown: list[str]  # header titles nobody configured (new questions)


@dataclass(frozen=True)
class ParsedResponse:
    row_number: int  # 1-based, for messages only: coordinators sort the sheet
    key: str
    stamp: str  # the submission's wall-clock time, YYYYMMDDhhmmss in the sheet's zone
    identity_hash: str
    submitted_at: datetime  # UTC
    account_ref: str
    answers: dict[str, str] = field(default_factory=dict)
    row_hash: str = ""
    problem: str = ""  # why the row cannot be read (kept as an invalid response)


def _titles(header: list[Any]) -> list[str]:
    """Each column's name, with "#n" added to the n-th repeat of a title."""
    seen: dict[str, int] = {}
    names = []
    for cell in header:
        title = str(cell).strip()
        seen[title] = seen.get(title, 0) + 1
        names.append(title if seen[title] == 1 else f"{title}#{seen[title]}")
    return names


def _positions(wanted: str, header: list[Any], names: list[str]) -> list[int]:
    """Columns for a configured title: every column of that title, or with "#n" only the n-th."""
    pinned = re.fullmatch(r"(.+)#(\d+)", wanted)
    if pinned:
        target = pinned[1] if pinned[2] == "1" else wanted
        return [i for i, name in enumerate(names) if name == target]
    return [i for i, cell in enumerate(header) if str(cell).strip() == wanted]


def map_columns(form: FormConfig, header: list[Any]) -> Columns:
    names = _titles(header)
    timestamp = _positions(form.timestamp_column, header, names) or next(
        (_positions(t, header, names) for t in TIMESTAMP_TITLES if _positions(t, header, names)), [])
    account = _positions(form.account_column, header, names)
    fields: dict[str, list[int]] = {}
    missing = [] if timestamp else [form.timestamp_column]
    if not account:
        missing.append(form.account_column)
    for title, name in form.fields.items():
        positions = _positions(title, header, names)
        if positions:
            fields.setdefault(name, []).extend(positions)
        else:
            missing.append(title)
    used = set(timestamp) | set(account) | {i for p in fields.values() for i in p}
    unknown = [names[i] for i in range(len(header)) if i not in used and names[i]]
    return Columns(timestamp[0] if timestamp else None, account, fields, missing, unknown)


def as_text(value: Any) -> str:
    """A cell as the respondent typed it: 0812345678 stays text, 1234.0 reads 1234."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def local_time(value: Any, date_order: str) -> datetime | None:
    """A timestamp cell as naive wall-clock time: serial days, ISO text or d/m/y (Buddhist era allowed)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (SERIAL_EPOCH + timedelta(seconds=round(float(value) * 86400))).replace(microsecond=0)
    text = as_text(value).translate(_THAI_DIGITS)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)
    except ValueError:
        pass
    match = _FORMATTED.match(text)
    if not match:
        return None
    a, b, c = int(match[1]), int(match[2]), int(match[3])
    year, month, day = (a, b, c) if a > 31 else ((c, a, b) if date_order == "mdy" else (c, b, a))
    if year > 2400:
        year -= BE_OFFSET
    try:
        return datetime(year, month, day, int(match[4] or 0), int(match[5] or 0), int(match[6] or 0))
    except ValueError:
        return None


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def normalise_ref(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def parse_rows(form: FormConfig, rows: list[list[Any]], *, zone: str) -> tuple[Columns, list[ParsedResponse]]:
    """The header row mapped, and every non-blank response row parsed."""
    if not rows:
        return map_columns(form, []), []
    columns = map_columns(form, rows[0])
    tz = ZoneInfo(zone)
    parsed: list[ParsedResponse] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(as_text(cell) for cell in row):
            continue
        response = _parse_row(form, columns, row, number, tz)
        # Two responses in the same second for the same account: keep both, in sheet order.
        seen[response.key] = seen.get(response.key, 0) + 1
        if seen[response.key] > 1:
            response = ParsedResponse(**{**response.__dict__, "key": f"{response.key}#{seen[response.key]}"})
        parsed.append(response)
    return columns, parsed


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else ""


def _first(row: list[Any], positions: list[int]) -> Any:
    return next((_cell(row, i) for i in positions if as_text(_cell(row, i))), "")


def _parse_row(form: FormConfig, columns: Columns, row: list[Any], number: int, tz: ZoneInfo) -> ParsedResponse:
    account_ref = as_text(_first(row, columns.account))
    identity_hash = _digest(normalise_ref(account_ref))[:16]
    raw_stamp = _cell(row, columns.timestamp) if columns.timestamp is not None else ""
    local = local_time(raw_stamp, form.csv_date_order)
    if local is None:
        # Unreadable: keyed by the whole row so re-reading it finds the same record.
        key = "row-" + _digest([as_text(c) for c in row])[:24]
        return ParsedResponse(number, key, "", identity_hash, datetime.now(timezone.utc), account_ref,
                              row_hash=key, problem=f"แถว {number}: ประทับเวลา {as_text(raw_stamp)!r} ไม่ใช่วันที่")
    answers, problems = {}, []
    for name, positions in columns.fields.items():
        value = _first(row, positions)
        if name in DATETIME_FIELDS or name in DATE_FIELDS:
            moment = local_time(value, form.csv_date_order) if as_text(value) else None
            if as_text(value) and moment is None:
                problems.append(f"{name} {as_text(value)!r} ไม่ใช่วันที่")
            elif moment is not None:
                value = (moment.replace(tzinfo=tz).astimezone(timezone.utc).isoformat() if name in DATETIME_FIELDS
                         else moment.date().isoformat())
        text = as_text(value)
        if text:
            answers[name] = text
    stamp = local.strftime("%Y%m%d%H%M%S")
    return ParsedResponse(
        row_number=number,
        key=f"{stamp}-{identity_hash}",
        stamp=stamp,
        identity_hash=identity_hash,
        submitted_at=local.replace(tzinfo=tz).astimezone(timezone.utc),
        account_ref=account_ref,
        answers=answers,
        row_hash=_digest(stamp, account_ref, answers)[:32],
        problem="; ".join(problems),
    )
