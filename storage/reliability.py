"""Outage tickets with where they happened, for the reliability figures (issue 16 item 6)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Account, Incident, IncidentTicket, Site, Ticket


def outages_between(session: Session, start_utc: datetime, end_utc: datetime, *, account_id: int | None = None
                    ) -> list[tuple[Ticket, Account, Site | None, str | None]]:
    """Outage tickets that started in [start_utc, end_utc) (reported time when the start is unknown), with
    their account, site and area incident number (None for a single site's outage), oldest first."""
    began = func.coalesce(Ticket.started_at, Ticket.created_at)
    query = (select(Ticket, Account, Site, Incident.number)
             .join(Account, col(Account.id) == Ticket.account_id)
             .join(Site, col(Site.id) == Ticket.site_id, isouter=True)
             .join(IncidentTicket, col(IncidentTicket.ticket_id) == Ticket.id, isouter=True)
             .join(Incident, col(Incident.id) == IncidentTicket.incident_id, isouter=True)
             .where(Ticket.kind == "outage", began >= start_utc, began < end_utc)
             .order_by(began, Ticket.id))
    if account_id is not None:
        query = query.where(Ticket.account_id == account_id)
    return list(session.exec(query).all())

