"""`kambot incident …` and `kambot planned …` (issue 16): area incidents and planned outages.

Times on the command line are Bangkok wall-clock ("2026-11-23 14:30"); notices are queued in the
outbox in the command's transaction and sent by the running bot."""
from __future__ import annotations

from datetime import datetime, timezone

import click

from bot.cli.common import open_database, with_config
from bot.config import Config
from storage.db import session_scope

TIME_FORMAT = "%Y-%m-%d %H:%M"


def bangkok_time(text: str | None, option: str) -> datetime | None:
    from handlers.thai_dates import BANGKOK

    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).replace(tzinfo=BANGKOK).astimezone(timezone.utc)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a time like \"2026-11-23 14:30\" (Bangkok)", param_hint=option)


def _staff(session, code: str | None):
    from storage.roster import staff_by_code

    if not code:
        return None
    staff = staff_by_code(session, code)
    if staff is None or not staff.active:
        raise click.ClickException(f"unknown staff_code {code!r} (--by)")
    return staff


def _incident(session, number: str):
    from sqlmodel import select

    from storage.models import Incident

    found = session.exec(select(Incident).where(Incident.number == number.strip().upper())).first()
    if found is None and number.isdigit():
        found = session.get(Incident, int(number))
    if found is None:
        raise click.ClickException(f"no incident {number!r} (see `kambot incident list`)")
    return found


def register(main: click.Group) -> None:
    @main.group("incident")
    def incident_group() -> None:
        """Area incidents: one outage over whole feeders, told to every affected contact at once."""

    @incident_group.command("open")
    @click.option("--feeder", "feeders", multiple=True, required=True, help="feeder code; repeat for more")
    @click.option("--cause", default="", help="what is known of the cause")
    @click.option("--etr", help='estimated restoration, Bangkok time "YYYY-MM-DD HH:MM"')
    @click.option("--since", help='when it started, Bangkok time (default: now)')
    @click.option("--by", "by_code", help="staff code of who opens it")
    @with_config
    def incident_open(config: Config, feeders, cause, etr, since, by_code) -> None:
        """Open an incident on FEEDERs: every site on them joins it, every linked contact is told."""
        from bot.line.notifier import notifier_for
        from bot.clock import utcnow
        from handlers.operations.incidents import IncidentError, open_incident
        from storage import incidents

        etr_at, started = bangkok_time(etr, "--etr"), bangkok_time(since, "--since")
        with session_scope(open_database(config)) as session:
            now = utcnow()
            try:
                incident, created = open_incident(session, now=now, actor=_staff(session, by_code), channel="cli",
                                                  notifier=notifier_for(session, now), feeders=list(feeders),
                                                  cause=cause, etr=etr_at, started=started)
            except IncidentError as error:
                raise click.ClickException(str(error)) from None
            sites, told = len(incidents.tickets_of(session, incident)), len(incidents.recipients(session, incident))
            number = incident.number
        if created:
            click.echo(f"{number} opened on {', '.join(incident.feeders)}: {sites} sites, {told} contacts told")
        else:
            click.echo(f"{number} is already open on {', '.join(incident.feeders)}: nothing sent again")

    @incident_group.command("update")
    @click.argument("number")
    @click.option("--cause", default=None)
    @click.option("--etr", help='estimated restoration, Bangkok time "YYYY-MM-DD HH:MM"')
    @click.option("--note", default="", help="free text for the customers")
    @click.option("--by", "by_code")
    @with_config
    def incident_update(config: Config, number, cause, etr, note, by_code) -> None:
        """Tell everyone affected the news of incident NUMBER (INC-69-00001), once each."""
        from bot.line.notifier import notifier_for
        from bot.clock import utcnow
        from handlers.operations.incidents import IncidentError, update_incident

        etr_at = bangkok_time(etr, "--etr")
        with session_scope(open_database(config)) as session:
            now, incident = utcnow(), _incident(session, number)
            try:
                told = update_incident(session, incident, now=now, actor=_staff(session, by_code),
                                       notifier=notifier_for(session, now), cause=cause, etr=etr_at, note=note)
            except IncidentError as error:
                raise click.ClickException(str(error)) from None
            number = incident.number
        click.echo(f"{number} updated: {told} contacts told")

    @incident_group.command("restore")
    @click.argument("number")
    @click.option("--at", "at_text", help='when power came back, Bangkok time (default: now)')
    @click.option("--by", "by_code")
    @with_config
    def incident_restore(config: Config, number, at_text, by_code) -> None:
        """Power is back: the tickets resolved, every contact told once and asked for a score."""
        from bot.line.notifier import notifier_for
        from bot.clock import utcnow
        from handlers.operations.incidents import IncidentError, restore_incident
        from storage import incidents

        at = bangkok_time(at_text, "--at")
        with session_scope(open_database(config)) as session:
            now, incident = utcnow(), _incident(session, number)
            try:
                done = restore_incident(session, incident, now=now, actor=_staff(session, by_code),
                                        notifier=notifier_for(session, now), restored_at=at)
            except IncidentError as error:
                raise click.ClickException(str(error)) from None
            told, number = len(incidents.recipients(session, incident)), incident.number
        click.echo(f"{number} restored: {told} contacts told" if done else f"{number} was restored already")

    @incident_group.command("list")
    @with_config
    def incident_list(config: Config) -> None:
        """Incidents, newest first."""
        from sqlmodel import select

        from handlers.thai_dates import format_datetime
        from storage.models import Incident

        with session_scope(open_database(config)) as session:
            for incident in session.exec(select(Incident).order_by(Incident.id.desc()).limit(50)):
                click.echo(f"{incident.number}  {incident.status:8}  {','.join(incident.feeders)}  "
                           f"since {format_datetime(incident.started_at, 'en')}  {incident.cause}")

    @main.group("planned")
    def planned_group() -> None:
        """Planned outages: announced days ahead, reminded the day before, moves and cancellations told."""

    @planned_group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @with_config
    def planned_import(config: Config, file: str) -> None:
        """Add or change planned work from FILE.csv (reference,starts,ends,feeders,sites,ca_numbers,reason,
        contact_person,status); the notices go out from the running bot in the daytime window."""
        from pathlib import Path

        from bot.clock import utcnow
        from storage.planned import import_planned
        from storage.roster_import import HeaderError, read_csv_file

        with session_scope(open_database(config)) as session:
            try:
                result = import_planned(session, read_csv_file(Path(file)), now=utcnow())
            except (HeaderError, ValueError) as error:
                raise click.ClickException(str(error)) from None
        for error in result.errors:
            click.echo(error, err=True)
        click.echo(f"planned outages: {result.created} added, {result.updated} updated, {len(result.errors)} rows refused")

    @planned_group.command("list")
    @with_config
    def planned_list(config: Config) -> None:
        """Planned work with who acknowledged, soonest first."""
        from sqlmodel import select

        from handlers.thai_dates import format_datetime
        from storage import planned as store
        from storage.models import PlannedOutage

        with session_scope(open_database(config)) as session:
            for item in session.exec(select(PlannedOutage).order_by(PlannedOutage.starts_at)):
                told = len(store.contacts(session, item))
                acked = len(store.acknowledged_by(session, item))
                click.echo(f"{item.reference}  {item.status:9}  {format_datetime(item.starts_at, 'en')} – "
                           f"{format_datetime(item.ends_at, 'en')}  {acked}/{told} acknowledged")
