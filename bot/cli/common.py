"""What every `kambot` command shares: logging, the validated --config, the database it names, a printable URL."""
from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click
from sqlalchemy.engine import Engine, make_url

from bot.config import Config, ConfigError, load_config
from storage.db import make_engine, session_scope

# --config may be given to `kambot` itself, to any group and to the command; the innermost one wins.
CONFIG_PATH = "kambot.config_path"
CONFIG_HELP = "TOML config file (default: $KAMBOT_CONFIG, else embedded defaults)."


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _remember_config_path(ctx: click.Context, _param, value):
    if value is not None:
        ctx.meta[CONFIG_PATH] = value  # meta is shared by the whole chain of contexts
    return value


CONFIG_OPTION = dict(type=click.Path(dir_okay=False), callback=_remember_config_path, expose_value=False,
                     help=CONFIG_HELP)


def config_option():
    """The --config of `kambot` itself and of the commands: it only records the path (see given_config_path)."""
    return click.option("--config", "config_path", **CONFIG_OPTION)


def given_config_path() -> str | None:
    """The --config given anywhere on the command line so far (None: $KAMBOT_CONFIG or the defaults)."""
    context = click.get_current_context(silent=True)
    return context.meta.get(CONFIG_PATH) if context else None


def current_config() -> Config:
    try:
        return load_config(given_config_path())
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def with_config(command):
    """Adds --config and hands the validated Config to the command; a bad file stops here, naming the key."""

    @config_option()
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        return command(current_config(), *args, **kwargs)

    return wrapper


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def init_command(first: str = "kambot init-db") -> str:
    """The command to run first, with the --config this one was given."""
    path = given_config_path()
    return f"{first} --config {path}" if path else first


def open_database(config: Config, *, first: str = "kambot init-db") -> Engine:
    """An engine on a database that exists and carries this code's schema, else one line saying to run
    `first`. A missing SQLite file is not created here (connecting would leave an empty one behind)."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.migrate import schema_state

    url = config.database.url
    database = make_url(url).database if url.startswith("sqlite") else None
    if database and database != ":memory:" and not Path(database).exists():
        raise click.ClickException(f"no database at {Path(database).resolve()}: run `{init_command(first)}` first")
    engine = make_engine(url)
    try:
        state = schema_state(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise click.ClickException(f"cannot open the database {safe_url(url)}: {reason}") from None
    if state == "empty":
        engine.dispose()
        raise click.ClickException(f"the database {safe_url(url)} is not initialised: run `{init_command(first)}` first")
    if state == "old":
        engine.dispose()
        raise click.ClickException(f"the database {safe_url(url)} has an older schema than this kambot: "
                                   f"run `{init_command()}` to upgrade it")
    return engine


def run_import(config: Config, file: Path, importer) -> None:
    """Read a roster CSV into the database with `importer`, print what changed and each bad row."""
    from storage.roster_import import read_csv_file

    try:
        text = read_csv_file(file)
    except ValueError as error:
        raise click.ClickException(f"{file}: {error}") from None
    engine = open_database(config)
    with session_scope(engine) as session:
        try:
            result = importer(session, text)
        except ValueError as error:
            raise click.ClickException(f"{file}: {error}") from None
        handed_over = _hand_over(session, result.handovers)
    for error in result.errors:
        click.echo(f"{file}: {error}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{file}: {result.created} created, {result.updated} updated, {len(result.errors)} rows with errors")
    if handed_over:
        click.echo(f"{file}: {handed_over} accounts handed over to another KAMR (both KAMRs and the contacts told)")
    if result.errors:
        sys.exit(1)


def _hand_over(session, handovers) -> int:
    """Accounts the import gave another KAMR: tell both KAMRs and the contacts, move planned visits,
    in the import's own transaction (the messages go out with what they describe)."""
    if not handovers:
        return 0
    from bot.line.notifier import notifier_for
    from handlers.operations.handover import hand_over
    from bot.clock import utcnow

    now = utcnow()
    return hand_over(session, handovers, now=now, notifier=notifier_for(session, now))
