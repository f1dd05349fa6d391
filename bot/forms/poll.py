"""The scheduled Google Forms poll: read every responses sheet, ingest, refresh the coordinator tabs.

Requests per poll: per responses spreadsheet two metadata reads and one values read per tab;
for the coordinator spreadsheet two metadata reads, one values read of the incident tab (once it
exists) and, when a tab changed, one values batchUpdate (plus one spreadsheets batchUpdate when a
tab is added or grown). A failing sheet is logged, recorded for
`kambot forms check`, and does not stop the others.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.config import Config, FormConfig
from bot.forms import incident_tab, sheets
from bot.forms.coordinator_tabs import build_tabs
from bot.forms.intake import IntakeResult, ingest
from handlers.notify import NotifierFor
from storage import form_responses, sheet_tabs
from storage.db import session_scope

log = logging.getLogger(__name__)

COORDINATOR = "coordinator"


@dataclass
class PollReport:
    results: dict[str, IntakeResult] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # form key (or "coordinator") -> plain words

    @property
    def ingested(self) -> int:
        return sum(result.ingested for result in self.results.values())


def poll_forms(engine: Engine, config: Config, *, now: datetime, notifier_for: NotifierFor, client=None) -> PollReport:
    report = PollReport()
    try:
        client = client or sheets.open_client(config.sheets)
    except Exception as error:
        message = sheets.describe(error, "-")
        for form in config.forms:
            report.failures[form.key] = message
        if config.sheets.coordinator_spreadsheet:
            report.failures[COORDINATOR] = message
        _record(engine, config, report, now)
        return report
    by_spreadsheet: dict[str, list[FormConfig]] = defaultdict(list)
    for form in config.forms:
        by_spreadsheet[form.spreadsheet].append(form)
    for key, forms in by_spreadsheet.items():
        _poll_spreadsheet(engine, config, client, key, forms, now, report, notifier_for)
    if config.sheets.coordinator_spreadsheet:
        try:
            _refresh_coordinator(engine, config, client, now, notifier_for)
        except Exception as error:
            report.failures[COORDINATOR] = sheets.describe(error, config.sheets.coordinator_spreadsheet)
            log.warning("coordinator sheet not refreshed: %s", report.failures[COORDINATOR])
    _record(engine, config, report, now)
    return report


def _refresh_coordinator(engine: Engine, config: Config, client, now: datetime, notifier_for: NotifierFor) -> None:
    """Incidents the coordinators typed are opened first, so the tabs written after show them.

    Of the bot's tabs only the blocks of rows that changed since the last write are written; a tab
    is written whole when it is missing, shorter or narrower than before, or not written whole for
    [sheets] coordinator_rewrite_minutes (that puts right a tab edited by hand). With nothing to
    write and no result column to fill, no write request is sent at all."""
    key = config.sheets.coordinator_spreadsheet
    opened = sheets.open_spreadsheet(client, key)
    spreadsheet, tabs = opened
    extra, cells = {}, []
    if incident_tab.TAB in tabs:
        results = incident_tab.take_in(engine, sheets.values_of(tabs[incident_tab.TAB]), zone=spreadsheet.timezone,
                                       now=now, notifier_for=notifier_for)
        if results.values:
            column = sheets.column_letters(results.column)
            quoted = "'" + incident_tab.TAB.replace("'", "''") + "'"
            cells.append({"range": f"{quoted}!{column}1", "values": [[incident_tab.RESULT], *([v] for v in results.values)]})
    else:  # the coordinator's tab, made once with its header; after that the bot writes only the result column
        extra[incident_tab.TAB] = [incident_tab.HEADER]
    with session_scope(engine) as session:
        tables = build_tabs(session, config, now=now)
        before = sheet_tabs.last_written(session, key)
    stale_before = now - timedelta(minutes=config.sheets.coordinator_rewrite_minutes)
    changed, after = {}, {}  # changed: tabs written in part (their row slices); after: what every tab written holds
    for table in tables:
        previous, blocks = before.get(table.title), sheets.block_fingerprints(table.rows)
        width = sheets.table_width(table.rows)
        if (table.title not in tabs or previous is None or previous.at <= stale_before
                or len(table.rows) < previous.rows or width != previous.width):
            after[table.title] = sheet_tabs.Written(blocks, len(table.rows), width, now)
        elif blocks != previous.blocks:
            changed[table.title] = _changed_slices(blocks, previous.blocks, len(table.rows))
            after[table.title] = sheet_tabs.Written(blocks, len(table.rows), width, previous.at)
    if not after and not extra and not cells:
        return
    sheets.write_tabs(client, key, {**{table.title: table.rows for table in tables if table.title in after}, **extra},
                      cells=cells, opened=opened, only=changed)
    with session_scope(engine) as session:
        sheet_tabs.record(session, key, after)


def _changed_slices(blocks: list[str], previous: list[str], rows: int) -> list[tuple[int, int]]:
    """The row slices [start, stop) of the blocks that differ from (or were not in) the last write."""
    size = sheets.BLOCK_ROWS
    return [(n * size, min(rows, (n + 1) * size)) for n, block in enumerate(blocks)
            if n >= len(previous) or previous[n] != block]


def _poll_spreadsheet(engine: Engine, config: Config, client, key: str, forms: list[FormConfig], now: datetime,
                      report: PollReport, notifier_for: NotifierFor) -> None:
    try:
        tabs = sheets.read_tabs(client, key, [form.tab for form in forms])
    except Exception as error:
        message = sheets.describe(error, key)
        log.warning("forms sheet not read: %s", message)
        for form in forms:
            report.failures[form.key] = message
        return
    for form in forms:
        values = tabs[form.tab]
        if isinstance(values, Exception):
            report.failures[form.key] = str(values)
            log.warning("form %s not read: %s", form.key, values)
            continue
        try:
            report.results[form.key] = ingest(engine, config, form, values.rows, zone=values.timezone, now=now,
                                              notifier_for=notifier_for)
        except Exception as error:
            report.failures[form.key] = f"{type(error).__name__}: {error}"
            log.exception("form %s not ingested", form.key)


def _record(engine: Engine, config: Config, report: PollReport, now: datetime) -> None:
    with session_scope(engine) as session:
        for name, result in report.results.items():
            form_responses.record_poll(session, name, now=now, ok=True, message=result.summary())
        for name, message in report.failures.items():
            form_responses.record_poll(session, name, now=now, ok=False, message=message)
        if config.sheets.coordinator_spreadsheet and COORDINATOR not in report.failures:
            form_responses.record_poll(session, COORDINATOR, now=now, ok=True, message="refreshed")
