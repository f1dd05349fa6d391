"""PDPA commands: `kambot contact remove CODE [--erase]`, `kambot staff remove CODE`, `kambot purge`."""
from __future__ import annotations

import click

from bot.cli.common import with_config
from bot.config import Config
from bot.cli.common import open_database
from storage.db import session_scope


def register(main: click.Group) -> None:
    @main.group()
    def contact() -> None:
        """Customer contacts (PDPA: remove, erase)."""

    @contact.command("remove")
    @click.argument("code")
    @click.option("--erase", is_flag=True, help="Also anonymise their name, phone, e-mail and what they typed.")
    @with_config
    def contact_remove(config: Config, code: str, erase: bool) -> None:
        """Unlink contact CODE (C<id>, as `kambot roster export` shows) from LINE and deactivate it."""
        from bot.line.notifier import notifier_for
        from bot.clock import utcnow
        from handlers.operations import people
        from storage import privacy

        engine = open_database(config)
        with session_scope(engine) as session:
            person = privacy.contact_by_code(session, code)
            if person is None:
                raise click.ClickException(f"no contact with code {code!r} (see `kambot roster export`)")
            now = utcnow()
            told = people.remove_contact(session, person, now=now, notifier=notifier_for(session, now), erase=erase)
        if erase:
            privacy.checkpoint(engine)
        told = "their LINE is unlinked and told so" if told else "not on LINE"
        click.echo(f"contact {code.upper()} removed ({told}){'; personal data erased' if erase else ''}")

    staff_group = main.commands["staff"]

    @staff_group.command("remove")
    @click.argument("code")
    @with_config
    def staff_remove(config: Config, code: str) -> None:
        """Unlink staff member CODE from LINE, deactivate them and revoke their unused link codes."""
        from sqlmodel import select

        from bot.line.notifier import notifier_for
        from bot.clock import utcnow
        from handlers.operations import people
        from storage import roster
        from storage.models import Account

        engine = open_database(config)
        with session_scope(engine) as session:
            person = roster.staff_by_code(session, code)
            if person is None:
                raise click.ClickException(f"no staff member with code {code!r}")
            now = utcnow()
            line_user = people.remove_staff(session, person, now=now, notifier=notifier_for(session, now))
            accounts = session.exec(select(Account.account_code).where(Account.kamr_id == person.id)).all()
        click.echo(f"staff {person.staff_code} removed ({'LINE unlinked and told' if line_user else 'not on LINE'})")
        if accounts:
            click.echo(f"warning: still the KAMR of {', '.join(sorted(accounts))}: assign another with "
                       "`kambot roster import`", err=True)

    @main.command("purge")
    @with_config
    def purge_command(config: Config) -> None:
        """Apply the [retention] periods now (the scheduler does it daily)."""
        from bot.clock import utcnow
        from storage import privacy

        engine = open_database(config)
        with session_scope(engine) as session:
            result = privacy.purge(session, privacy.Retention.from_config(config.retention), now=utcnow())
        privacy.checkpoint(engine)
        click.echo(f"purged: {result.summary() or 'nothing'}")
