"""The levels a ticket's escalation has reached: each (ticket, level) is claimed once, across processes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import EscalationStep, Ticket


def claim(session: Session, ticket_id: int, level: int, staff_id: int | None, *, now: datetime) -> bool:
    """Record that `level` of the ticket went to `staff_id` (None: skipped); False when someone
    (another scheduler) claimed that level first: then they tell the people, not us."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = EscalationStep.__table__
    statement = (insert(table).values(ticket_id=ticket_id, level=level, staff_id=staff_id, at=now)
                 .on_conflict_do_nothing(index_elements=["ticket_id", "level"]).returning(table.c.id))
    return session.connection().execute(statement).first() is not None


def steps_of(session: Session, ticket_ids: list[int]) -> dict[int, list[EscalationStep]]:
    """{ticket id: its claimed levels, lowest first}, in one query."""
    found: dict[int, list[EscalationStep]] = {ticket_id: [] for ticket_id in ticket_ids}
    if ticket_ids:
        for step in session.exec(select(EscalationStep).where(col(EscalationStep.ticket_id).in_(ticket_ids))
                                 .order_by(EscalationStep.ticket_id, EscalationStep.level)):
            found[step.ticket_id].append(step)
    return found


def had_ticket(session: Session, ticket_id: int, staff_id: int) -> bool:
    """Whether the ticket was escalated to this person at some level (so they may act on it)."""
    return session.exec(select(EscalationStep.id).where(EscalationStep.ticket_id == ticket_id,
                                                        EscalationStep.staff_id == staff_id)).first() is not None


def unacknowledged(session: Session, *, kind: str, created_before: datetime, limit: int = 500) -> list[Ticket]:
    """Open (not acknowledged) tickets of `kind` reported before the cutoff, oldest first."""
    return list(session.exec(select(Ticket).where(Ticket.kind == kind, Ticket.status == "open",
                                                  Ticket.created_at <= created_before)
                             .order_by(Ticket.id).limit(limit)).all())
