"""CSV cells a spreadsheet will not run as formulas.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with = + - @ (and, after a tab or
carriage return, those again), so a customer who types `=HYPERLINK(...)` or `+cmd|...` into the
bot would have it run on the coordinator's computer when the export is opened. Every CSV kambot
writes goes through `writer`/`dict_writer`: such a cell gets a leading apostrophe, which the
spreadsheet shows as text and hides. Plain numbers (-3, +5.5, -12%) stay numbers. Files kambot
reads back (roster exchange) take the apostrophe off again with `unescape`.
"""
from __future__ import annotations

import csv
import re
from typing import Any, Iterable, TextIO

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def safe(value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith(TRIGGERS) or _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def unescape(value: str) -> str:
    """What `safe` wrote, as it was typed."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


class _SafeWriter:
    def __init__(self, handle: TextIO, **kwargs):
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter(csv.DictWriter):
    def _dict_to_list(self, rowdict, *args, **kwargs):
        return [safe(cell) for cell in super()._dict_to_list(rowdict, *args, **kwargs)]


def writer(handle: TextIO, **kwargs) -> _SafeWriter:
    return _SafeWriter(handle, **kwargs)


def dict_writer(handle: TextIO, fieldnames, **kwargs) -> csv.DictWriter:
    return _SafeDictWriter(handle, fieldnames=fieldnames, **kwargs)
