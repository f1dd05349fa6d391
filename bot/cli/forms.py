"""`kambot forms check|import` and `kambot export`: Google Forms set-up, offline intake, coordinator CSVs."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

from bot.cli.common import open_database, with_config
from bot.config import Config, FormConfig
from storage import csv_cells
from storage.db import session_scope


def register(main: click.Group) -> None:
    @main.group()
    def forms() -> None:
        """Google Forms intake ([sheets] and [[forms]] in the config)."""

    @forms.command("check")
    @with_config
    def check(config: Config) -> None:
        """Open each responses sheet and the coordinator sheet: missing or unknown columns, access problems."""
        from bot.forms.rows import map_columns
        from bot.forms import sheets

        if not config.forms:
            click.echo("no [[forms]] in the config: nothing to check")
        if not config.sheets.enabled:
            raise click.ClickException("sheets.service_account_file is not set: the poll is off; "
                                       "`kambot forms import FILE.csv` still works")
        problems = 0
        try:
            client = sheets.open_client(config.sheets)
        except sheets.SheetAccessError as error:
            raise click.ClickException(str(error)) from None
        engine = open_database(config)
        for form in config.forms:
            click.echo(f"form {form.key} ({form.intent}): spreadsheet {form.spreadsheet}, tab {form.tab!r}")
            try:
                values = sheets.read_tabs(client, form.spreadsheet, [form.tab])[form.tab]
            except Exception as error:
                values = sheets.SheetAccessError(sheets.describe(error, form.spreadsheet))
            if isinstance(values, Exception):
                click.echo(f"  PROBLEM: {values}")
                problems += 1
            else:
                columns = map_columns(form, values.rows[0] if values.rows else [])
                for title in columns.missing:
                    click.echo(f"  PROBLEM: no column {title!r} in the sheet (rename it in [[forms]] or in the form)")
                for title in columns.unknown:
                    click.echo(f"  note: column {title!r} is not used (map it in [[forms]] fields if it matters)")
                problems += len(columns.missing)
                if not columns.missing:
                    click.echo(f"  ok: {max(len(values.rows) - 1, 0)} responses, time zone {values.timezone}")
            _last_poll(engine, form.key)
        if config.sheets.coordinator_spreadsheet:
            key = config.sheets.coordinator_spreadsheet
            click.echo(f"coordinator spreadsheet {key}")
            try:
                sheets.read_tabs(client, key, [])
                click.echo("  ok: it opens (the bot adds its own tabs)")
            except Exception as error:
                click.echo(f"  PROBLEM: {sheets.describe(error, key)}")
                problems += 1
            _last_poll(engine, "coordinator")
        if problems:
            click.echo(f"{problems} problem(s) found", err=True)
            sys.exit(1)

    @forms.command("poll")
    @with_config
    def poll(config: Config) -> None:
        """Run one poll now (what the scheduler does every sheets.poll_seconds); queued cards go out with the bot."""
        from bot.clock import utcnow
        from bot.forms.poll import poll_forms
        from bot.line.notifier import notifier_for

        if not config.sheets.enabled:
            raise click.ClickException("sheets.service_account_file is not set: use `kambot forms import FILE.csv`")
        report = poll_forms(open_database(config), config, now=utcnow(), notifier_for=notifier_for)
        for key, result in report.results.items():
            click.echo(f"form {key}: {result.summary()}")
        for key, message in report.failures.items():
            click.echo(f"{key}: FAILED: {message}", err=True)
        if report.failures:
            sys.exit(1)

    @forms.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--form", "form_key", help="The [[forms]] key the CSV belongs to (needed with several forms).")
    @with_config
    def import_csv(config: Config, file: Path, form_key: str | None) -> None:
        """Ingest a CSV downloaded from a responses sheet, exactly as the poll would (no Google needed)."""
        from bot.forms.intake import IntakeError, ingest
        from bot.line.notifier import notifier_for
        from bot.clock import utcnow

        from storage.roster_import import read_csv_file

        form = _form_named(config, form_key)
        try:
            rows = [row for row in csv.reader(read_csv_file(file))]
        except ValueError as error:
            raise click.ClickException(f"{file}: {error}") from None
        try:
            result = ingest(open_database(config), config, form, rows, zone=config.bot.timezone,
                            now=utcnow(), notifier_for=notifier_for, full_view=False)
        except IntakeError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{file}: {result.summary()}")


    @main.command("export")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    @with_config
    def export(config: Config, directory: Path) -> None:
        """Write the coordinator tabs (tickets, visits, form responses) as CSV files into DIRECTORY."""
        from bot.forms.coordinator_tabs import build_tabs
        from bot.clock import utcnow

        directory.mkdir(parents=True, exist_ok=True)
        with session_scope(open_database(config)) as session:
            tables = build_tabs(session, config, now=utcnow())
        for table in tables:
            path = directory / f"{table.name}.csv"
            with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # the BOM lets Excel read Thai
                csv_cells.writer(handle).writerows(table.rows)
            click.echo(f"{path}: {len(table.rows) - 1} rows")


def _last_poll(engine, name: str) -> None:
    from datetime import datetime

    from handlers.thai_dates import format_datetime
    from storage import form_responses

    with session_scope(engine) as session:
        last = form_responses.last_poll(session, name)
    if last:
        when = format_datetime(datetime.fromisoformat(last["at"]), "th")
        click.echo(f"  last poll {when}: {'ok' if last['ok'] else 'FAILED'}: {last['message']}")


def _form_named(config: Config, key: str | None) -> FormConfig:
    if not config.forms:
        raise click.ClickException(f"no [[forms]] table in the config{f' for form {key!r}' if key else ''}: "
                                   "add one per Google Form (see config.example.toml, [[forms]])")
    if key is None and len(config.forms) == 1:
        return config.forms[0]
    form = next((f for f in config.forms if f.key == key), None)
    if form is None:
        known = ", ".join(f.key for f in config.forms)
        raise click.ClickException(f"say which form with --form (one of: {known})")
    return form
