"""What every `kambot` command shares: logging, the validated --config, a printable database URL."""
from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from bot.config import Config, ConfigError, load_config
from storage.db import make_engine, session_scope


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def with_config(command):
    """Adds --config and hands the validated Config to the command; a bad file stops here, naming the key."""

    @click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="KAMBOT_CONFIG",
                  help="TOML config file (default: $KAMBOT_CONFIG, else embedded defaults).")
    @functools.wraps(command)
    def wrapper(*args, config_path=None, **kwargs):
        try:
            config = load_config(config_path)
        except ConfigError as error:
            raise click.ClickException(str(error)) from None
        return command(config, *args, **kwargs)

    return wrapper


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def run_import(config: Config, file: Path, importer) -> None:
    """Read a roster CSV into the database with `importer`, print what changed and each bad row."""
    engine = make_engine(config.database.url)
    with open(file, newline="", encoding="utf-8-sig") as handle, session_scope(engine) as session:
        try:
            result = importer(session, handle)
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
    from storage.models import utcnow

    now = utcnow()
    return hand_over(session, handovers, now=now, notifier=notifier_for(session, now))
