"""What the bot last wrote to each of its tabs in a spreadsheet: fingerprints of its rows, and when.

Kept in the database (one setting per tab) so that two pollers, or a poller after a restart,
agree on which tabs are unchanged and may be skipped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage import settings
from storage.models import Setting

PREFIX = "sheet_tab:"


@dataclass(frozen=True)
class Written:
    blocks: list[str]  # a fingerprint per block of rows (bot/forms/sheets.py block_fingerprints)
    rows: int
    width: int
    at: datetime  # when the whole tab was last written, UTC


def _key(spreadsheet: str, title: str) -> str:
    return f"{PREFIX}{spreadsheet}:{title}"


def last_written(session: Session, spreadsheet: str) -> dict[str, Written]:
    """By tab title: the fingerprints of the rows last written there and when the whole tab was."""
    prefix = _key(spreadsheet, "")
    rows = session.exec(select(Setting).where(col(Setting.key).startswith(prefix, autoescape=True))).all()
    written = {}
    for row in rows:
        value = json.loads(row.value)
        written[row.key[len(prefix):]] = Written(value["blocks"], value["rows"], value["width"],
                                                 datetime.fromisoformat(value["at"]))
    return written


def record(session: Session, spreadsheet: str, tabs: dict[str, Written]) -> None:
    """The tabs just written (after the write succeeded: a failed write is tried again next poll)."""
    for title, written in tabs.items():
        settings.put_json(session, _key(spreadsheet, title), {"blocks": written.blocks, "rows": written.rows,
                                                              "width": written.width, "at": written.at.isoformat()})
