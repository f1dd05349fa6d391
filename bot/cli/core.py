"""The core commands: database, roster import, link codes, serving, the outbox, rich menus, workdays."""
from __future__ import annotations

import functools
import logging
from datetime import datetime, timezone
from pathlib import Path

import click

from bot.cli.common import open_database, run_import, safe_url, setup_logging, with_config
from bot.config import Config
from storage.db import count_by_status, session_scope
from storage.models import InboxEvent, OutboxMessage

log = logging.getLogger("kambot")


@click.command("init-db")
@with_config
def init_db(config: Config) -> None:
    """Create the database tables (safe to run again)."""
    from storage.migrate import upgrade

    upgrade(config.database.url)
    click.echo(f"database ready: {safe_url(config.database.url)}")


@click.group("import")
def import_group() -> None:
    """Import the roster from CSV files."""


@import_group.command("staff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_config
def import_staff_command(config: Config, file: Path) -> None:
    """Staff CSV: staff_code,name,role,office[,backup,supervisor,language]."""
    from storage.roster_import import import_staff

    run_import(config, file, import_staff)


@import_group.command("accounts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_config
def import_accounts_command(config: Config, file: Path) -> None:
    """Accounts CSV: account_code,name,tier,office,kamr[,sites] (sites separated by ;).

    The kamr column must be there; its cell may be empty (Streamline: the department head)."""
    from storage.roster_import import import_accounts
    from storage.workload import LoadRule

    run_import(config, file, functools.partial(import_accounts, load_rule=LoadRule.from_config(config.workload)))


def _issue_code(config: Config, kind: str, code: str) -> None:
    from bot.clock import utcnow
    from storage import linking, roster

    engine = open_database(config)
    with session_scope(engine) as session:
        target = roster.account_by_code(session, code) if kind == "contact" else roster.staff_by_code(session, code)
        if target is None:
            raise click.ClickException(f"no {'account' if kind == 'contact' else 'staff member'} with code {code!r}")
        now = utcnow()
        secret = linking.new_code(session, kind=kind, target_id=target.id, now=now, ttl=config.bot.link_code_ttl)
    click.echo(secret)
    click.echo(f"for {target.name}; single use, valid {config.bot.link_code_ttl_hours} hours. "
               "The person adds the LINE Official Account and sends this code.", err=True)
    if kind == "staff":
        click.echo("Older unused codes for this staff member no longer work. If their LINE was linked, "
                   "that LINE user is told when this code is used.", err=True)


@click.command("link-code")
@click.argument("account_code")
@with_config
def link_code(config: Config, account_code: str) -> None:
    """Print a one-time code that links a customer contact's LINE to ACCOUNT_CODE."""
    _issue_code(config, "contact", account_code)


@click.command("staff-code")
@click.argument("staff_code")
@with_config
def staff_code(config: Config, staff_code: str) -> None:
    """Print a one-time code that links a staff member's LINE to STAFF_CODE."""
    _issue_code(config, "staff", staff_code)


@click.command()
@click.option("--host", default=None, help="Overrides server.host.")
@click.option("--port", default=None, type=int, help="Overrides server.port.")
@click.option("--workers", default=1, show_default=True,
              help="Web processes (more than 1: with --web-only, or on PostgreSQL).")
@click.option("--web-only", is_flag=True,
              help="Only store and acknowledge webhooks: run `kambot worker` beside it to handle and send.")
@with_config
def serve(config: Config, host: str | None, port: int | None, workers: int, web_only: bool) -> None:
    """Run the webhook, and unless --web-only the inbox handlers, outbox sender and scheduler, in one process."""
    from bot.cli.running import hold_sqlite_lock, require_free_port
    from bot.server import run_server

    setup_logging()
    if workers > 1 and not web_only and config.database.url.startswith("sqlite"):
        # Only the web's inbox writes may come from several processes on one SQLite file: handlers,
        # sender and scheduler run once, in `kambot worker`.
        raise click.ClickException("--workers > 1 on SQLite needs --web-only, beside one `kambot worker` "
                                   "(or PostgreSQL in database.url)")
    host, port = host or config.server.host, port or config.server.port
    open_database(config).dispose()  # here, not as gunicorn's "Worker failed to boot"
    require_free_port(host, port)
    hold_sqlite_lock(config, "serve")
    if not web_only:
        hold_sqlite_lock(config, "worker")
        hold_sqlite_lock(config, "sender")
    _warn_missing_line_settings(config, "The server starts, but the webhook answers 503 and messages wait in the "
                                        "outbox until they are set.")
    run_server(config, host=host, port=port, workers=workers, background=not web_only)


def _warn_missing_line_settings(config: Config, consequence: str) -> None:
    missing = config.missing_settings()
    if missing:
        log.warning("LINE settings missing: %s. %s", ", ".join(missing), consequence)


@click.command()
@click.option("--without-sender", is_flag=True,
              help="Leave the LINE calls (sending, fetching photos) to `kambot sender`, in a process of its own.")
@with_config
def worker(config: Config, without_sender: bool) -> None:
    """Inbox handlers, outbox sender and scheduler without the web server (beside `serve --web-only`)."""
    from bot.cli.running import hold_sqlite_lock

    setup_logging()
    engine = open_database(config)
    hold_sqlite_lock(config, "worker")
    if not without_sender:
        hold_sqlite_lock(config, "sender")
    _warn_missing_line_settings(config, "The worker handles events, but messages wait in the outbox until they "
                                        "are set.")
    _run_until_stopped(config, engine, "worker", sender=not (without_sender or config.missing_settings()),
                       inbox_poll=config.server.inbox_poll_seconds)


@click.command()
@with_config
def sender(config: Config) -> None:
    """Only the LINE calls: the outbox sender and the media fetcher of a `kambot worker --without-sender`,
    which look for work every [outbox] alone_poll_seconds. Handling and sending then use a core each."""
    from bot.cli.running import hold_sqlite_lock

    setup_logging()
    missing = config.missing_settings()
    if missing:
        raise click.ClickException(f"the sender needs the LINE settings: {', '.join(missing)}")
    engine = open_database(config)
    hold_sqlite_lock(config, "sender")
    _run_until_stopped(config, engine, "sender", inbox_workers=False, sender=True, scheduler=False,
                       alone_poll=config.outbox.alone_poll_seconds)


def _run_until_stopped(config: Config, engine, name: str, **parts) -> None:
    import signal
    import threading

    from bot.services import Services

    services = Services(config, engine)
    services.start(**parts)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log.info("%s running", name)
    stop.wait()
    services.stop()


@click.command()
@click.option("--retry-failed", is_flag=True, help="Queue failed messages and events again.")
@with_config
def outbox(config: Config, retry_failed: bool) -> None:
    """Show what waits to be sent or handled, and what failed."""
    from bot.cli.line import message_quota_lines
    from storage import inbox as inbox_repo
    from storage import outbox as outbox_repo

    engine = open_database(config)
    with session_scope(engine) as session:
        if retry_failed:
            count = outbox_repo.reset_failed(session) + inbox_repo.reset_failed(session)
            click.echo(f"{count} queued again")
        click.echo(f"inbox:  {count_by_status(session, InboxEvent)}")
        click.echo(f"outbox: {count_by_status(session, OutboxMessage)}")
        for line in message_quota_lines(config, session, datetime.now(timezone.utc)):
            click.echo(f"  {line}")
        for row in outbox_repo.failed(session):
            click.echo(f"  failed #{row.id} after {row.attempts} attempts: {row.last_error}")
        for event in inbox_repo.troubled(session):
            if event.status in ("failed", "quarantined"):
                state = event.status
            else:
                state = f"retrying at {event.next_attempt_at.isoformat(timespec='seconds')}"
            click.echo(f"  inbox event #{event.id} ({event.event_type}) {state} after {event.attempts} attempts: "
                       f"{event.error}")


@click.group()
def richmenu() -> None:
    """LINE rich menus."""


@richmenu.command("create")
@with_config
def richmenu_create(config: Config) -> None:
    """Upload the customer menu (the default) and the staff menu, in Thai and English, and link them."""
    from bot.line.richmenu import create_menus

    if config.missing_settings():
        raise click.ClickException(f"LINE settings missing: {', '.join(config.missing_settings())}")
    engine = open_database(config)
    result = create_menus(config, engine)
    click.echo(f"customer menu {result['customer']} (default), staff menu {result['staff']}, English menus "
               f"{result['customer_en']} / {result['staff_en']}; linked to {result['linked']} people")


@click.command("check-config")
@click.option("--offline", is_flag=True, help="Do not ask LINE about the channel and its webhook.")
@with_config
def check_config(config: Config, offline: bool) -> None:
    """Validate the config file and say what is missing; with LINE credentials, ask LINE about the channel;
    with an initialised database, list the accounts and offices whose reports would reach nobody on LINE
    (as `kambot roster routes`)."""
    from bot.cli.line import channel_lines

    missing = config.missing_settings()
    click.echo(f"database: {safe_url(config.database.url)}")
    click.echo("LINE: ready" if not missing else f"LINE settings missing: {', '.join(missing)}")
    for note in _form_notes(config):
        click.echo(note)
    for line in _route_notes(config):
        click.echo(line)
    problems = _file_problems(config)
    if not missing and not offline:
        notes, channel_problems = channel_lines(config)
        for note in notes:
            click.echo(note)
        problems += channel_problems
    for problem in problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    if problems:
        raise SystemExit(1)


def _route_notes(config: Config) -> list[str]:
    """The routes to a person on LINE, when there is a database to look in; a config-only run says it skipped them."""
    from bot.cli.roster import routes_missing

    try:
        engine = open_database(config)
    except click.ClickException as error:
        return [f"routes: not checked ({error.message})"]
    try:
        with session_scope(engine) as session:
            gaps = routes_missing(session, config)
    finally:
        engine.dispose()
    return [f"NO ROUTE: {line}" for line in gaps[:-1]] + [f"routes: {gaps[-1]}" if gaps else
                                                          "routes: every account and office reaches a person on LINE"]


def _file_problems(config: Config) -> list[str]:
    """What the file itself cannot say: files it names that must exist and be what they claim."""
    import json

    key_file = config.sheets.service_account_file
    if not key_file:
        return []
    try:
        key = json.loads(Path(key_file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [f"sheets.service_account_file: no file {key_file}"]
    except (OSError, ValueError) as error:
        return [f"sheets.service_account_file: {key_file} is not a readable JSON key ({error})"]
    if not isinstance(key, dict) or not key.get("client_email"):
        return [f"sheets.service_account_file: {key_file} has no client_email (a service-account key from "
                "Google Cloud, IAM > Service accounts > Keys)"]
    return []


def _form_notes(config: Config) -> list[str]:
    notes = [f"form {form.key}: {form.intent}, spreadsheet {form.spreadsheet}, tab {form.tab!r}, "
             f"{len(form.fields)} questions mapped" for form in config.forms]
    if config.forms and not config.sheets.enabled:
        notes.append("forms: sheets.service_account_file is not set, so nothing polls them; "
                     "`kambot forms import FILE.csv` still reads a downloaded CSV")
    return notes


@click.group()
def workdays() -> None:
    """The Thai working-day clock (weekends, public and government holidays, [calendar] days)."""


@workdays.command("add")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("n", type=click.IntRange(0, 365))
@with_config
def workdays_add(config: Config, start, n: int) -> None:
    """Print the Nth working day after START (START itself not counted) and the days skipped."""
    from handlers.thai_dates import format_weekday_date
    from handlers.rules.workdays import calendar_from_config

    calendar = calendar_from_config(config)
    result = calendar.add_working_days(start.date(), n)
    click.echo(f"{result.due.isoformat()}  {format_weekday_date(result.due, config.bot.language)}")
    for day, name in result.skipped:
        click.echo(f"  skipped {day.isoformat()}  {name}")
    click.echo(f"rule: {result.rule}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


def register(main: click.Group) -> None:
    for command in (init_db, import_group, link_code, staff_code, serve, worker, sender, outbox, richmenu, check_config, workdays):
        main.add_command(command)
