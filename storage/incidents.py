"""Area incidents (issue 16): the incident, its feeders, the tickets it holds and who hears its news."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from storage.db import lock_key
from storage.models import Account, Contact, Incident, IncidentFeeder, IncidentRecipient, IncidentTicket, Site, Ticket

PREFIX = "INC"
ACKNOWLEDGED_BY_INCIDENT = "acknowledged_by_incident"  # in Ticket.details: the incident's number


# Built once: these run per report and per status card (building a statement cost more than running it).
_OPEN_ON_FEEDERS = (select(IncidentFeeder, Incident).join(Incident, col(Incident.id) == IncidentFeeder.incident_id)
                    .where(col(IncidentFeeder.open_feeder).in_(bindparam("feeders", expanding=True))))
_OF_TICKET = (select(Incident).join(IncidentTicket, col(IncidentTicket.incident_id) == Incident.id)
              .where(IncidentTicket.ticket_id == bindparam("ticket")))


def lock_feeders(session: Session, feeders: list[str]) -> None:
    """Until commit, others opening or joining an incident on these feeders wait (always in one order)."""
    for feeder in sorted(set(feeders)):
        lock_key(session, f"incident-feeder:{feeder}")


def open_on_feeders(session: Session, feeders: list[str]) -> dict[str, Incident]:
    """{feeder: its open incident} for the given feeders that have one."""
    if not feeders:
        return {}
    rows = session.exec(_OPEN_ON_FEEDERS, params={"feeders": list(feeders)}).all()
    return {link.feeder: incident for link, incident in rows}


def create(session: Session, incident: Incident) -> Incident:
    """Insert, number it (INC-YY-NNNNN, YY the Buddhist-era year) and hold its feeders open."""
    incident.number = f"tmp-{id(incident)}"
    session.add(incident)
    session.flush()
    incident.number = f"{PREFIX}-{(incident.opened_at.year + 543) % 100:02d}-{incident.id:05d}"
    session.add(incident)
    for feeder in incident.feeders:
        session.add(IncidentFeeder(incident_id=incident.id, feeder=feeder, open_feeder=feeder))
    session.flush()
    return incident


def close(session: Session, incident: Incident, *, now: datetime) -> bool:
    """Restored: the feeders are free for the next incident. False when it was restored already."""
    result = session.execute(update(Incident).where(Incident.id == incident.id, Incident.status == "open")
                             .values(status="restored", restored_at=now))
    session.refresh(incident)
    if result.rowcount != 1:
        return False
    for link in session.exec(select(IncidentFeeder).where(IncidentFeeder.incident_id == incident.id)):
        link.open_feeder = None
        session.add(link)
    session.flush()
    return True


def link_ticket(session: Session, incident: Incident, ticket: Ticket) -> bool:
    if session.exec(select(IncidentTicket).where(IncidentTicket.ticket_id == ticket.id)).first() is not None:
        return False
    session.add(IncidentTicket(incident_id=incident.id, ticket_id=ticket.id))
    session.flush()
    return True


def tickets_of(session: Session, incident: Incident) -> list[Ticket]:
    return list(session.exec(select(Ticket).join(IncidentTicket, col(IncidentTicket.ticket_id) == Ticket.id)
                             .where(IncidentTicket.incident_id == incident.id).order_by(Ticket.id)).all())


def accounts_on(session: Session, incident: Incident) -> list[tuple[Account, Site]]:
    """The account and site of each ticket on the incident that has a site, in ticket order, in one
    read: read ticket by ticket for every KAMR's card, opening an incident of 50 sites took seconds."""
    return list(session.exec(select(Account, Site).select_from(IncidentTicket)
                             .join(Ticket, col(Ticket.id) == IncidentTicket.ticket_id)
                             .join(Account, col(Account.id) == Ticket.account_id)
                             .join(Site, col(Site.id) == Ticket.site_id)
                             .where(IncidentTicket.incident_id == incident.id).order_by(Ticket.id)).all())


def of_ticket(session: Session, ticket_id: int) -> Incident | None:
    return session.exec(_OF_TICKET, params={"ticket": ticket_id}).first()


def add_recipients(session: Session, incident: Incident, contact_ids: list[int]) -> list[int]:
    """Add those not on the list yet; returns the ids added (each contact hears each piece of news once)."""
    known = set(session.exec(select(IncidentRecipient.contact_id).where(IncidentRecipient.incident_id == incident.id)))
    added = [contact_id for contact_id in dict.fromkeys(contact_ids) if contact_id not in known]
    for contact_id in added:
        session.add(IncidentRecipient(incident_id=incident.id, contact_id=contact_id))
    session.flush()
    return added


def recipients(session: Session, incident: Incident) -> list[Contact]:
    return list(session.exec(select(Contact).join(IncidentRecipient, col(IncidentRecipient.contact_id) == Contact.id)
                             .where(IncidentRecipient.incident_id == incident.id, Contact.active)
                             .order_by(Contact.id)).all())
