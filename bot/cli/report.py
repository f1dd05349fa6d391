"""`kambot report quarter 2026Q3` and `kambot report month 2026-09`: CSV files and an HTML page."""
from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import open_database, with_config
from bot.config import Config
from storage import csv_cells
from storage.db import session_scope


def register(main: click.Group) -> None:
    @main.group()
    def report() -> None:
        """Performance summary (CRM-KAM-004) and voice of customer (VOC-60-001)."""


    @report.command("quarter")
    @click.argument("quarter")
    @click.option("--office", default=None, help="Only this office.")
    @click.option("--zone", default=None, help="Only the offices of this zone (the roster's office → zone link).")
    @click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder for the files (default: [reports] output_dir/QUARTER).")
    @with_config
    def report_quarter(config: Config, quarter: str, office: str | None, zone: str | None, out: Path | None) -> None:
        """QUARTER like 2026Q3: quarterly review of zones and head office."""
        if office and zone:
            raise click.BadParameter("give --office or --zone, not both")
        _report(config, quarter, "quarter", office, out, zone=zone)


    @report.command("month")
    @click.argument("month")
    @click.option("--office", default=None, help="Only this office (the office manager's monthly review).")
    @click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder for the files (default: [reports] output_dir/MONTH).")
    @with_config
    def report_month(config: Config, month: str, office: str | None, out: Path | None) -> None:
        """MONTH like 2026-09: the month, with visits counted quarter to date against the quarter's quota."""
        _report(config, month, "month", office, out)


def _report(config: Config, text: str, kind: str, office: str | None, out: Path | None, *, zone: str | None = None) -> None:
    from bot.clock import utcnow
    from handlers.reporting.build import build_report, load, only_offices, report_tabs
    from handlers.rules.workdays import calendar_from_config
    from storage.roster import offices_in_zone
    from handlers.reporting.html import render_html
    from handlers.reporting.period import parse_period

    try:
        period = parse_period(text, config.quotas)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    if period.kind != kind:
        raise click.BadParameter(f"{text!r} is a {period.kind}; use `kambot report {period.kind} {text}`")
    now = utcnow()
    with session_scope(open_database(config)) as session:
        data = load(session, period, config.quotas, now=now)
        zone_offices = offices_in_zone(session, zone) if zone else set()
    if zone:
        data = only_offices(data, zone_offices)
        if not data.accounts:
            raise click.ClickException(f"no accounts in zone {zone!r} (the roster's zone column links offices to zones)")
    if office and office not in {a.office for a in data.accounts.values()}:
        raise click.ClickException(f"no accounts in office {office!r}")
    result = build_report(data, period, config.reports, now=now, office=office, services_config=config.services,
                          first_answer=config.first_answer, calendar=calendar_from_config(config))
    scope = office or zone
    folder = out or Path(config.reports.output_dir) / (period.code + (f"-{scope}" if scope else ""))
    folder.mkdir(parents=True, exist_ok=True)
    for table in result.tables:
        with open(folder / f"{table.name}.csv", "w", newline="", encoding="utf-8-sig") as handle:
            csv_cells.writer(handle).writerows(table.as_rows())
    (folder / "report.html").write_text(render_html(result, config.reports,
                                                    ack_minutes=config.escalation.outage_ack_minutes),
                                        encoding="utf-8")
    for table in result.tables:
        click.echo(f"{table.name}: {len(table.rows)} rows")
    click.echo(f"wrote {folder}/report.html and {len(result.tables)} CSV files")
    if config.sheets.enabled and config.sheets.coordinator_spreadsheet:
        _to_coordinator_sheet(config, report_tabs(result, prefix=f"{period.code}{'-' + scope if scope else ''} "))


def _to_coordinator_sheet(config: Config, tabs: dict[str, list[list]]) -> None:
    """The same tables as tabs of the coordinator spreadsheet, in one write; the files are kept either way."""
    from bot.forms import sheets

    key = config.sheets.coordinator_spreadsheet
    try:
        sheets.write_tabs(sheets.open_client(config.sheets), key, tabs)
    except Exception as error:  # the report files are written; say plainly what the sheet refused
        raise click.ClickException(f"report files written, but the coordinator sheet was not: "
                                   f"{sheets.describe(error, key)}") from None
    click.echo(f"wrote {len(tabs)} tabs to coordinator spreadsheet {key}")
