"""The levels a ticket's escalation has reached: each (ticket, level) is claimed once, across processes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import EscalationStep, Staff, Ticket


_TABLE = EscalationStep.__table__
# Built once per dialect (each new outage claims its first level; building a statement cost more than running it).
_CLAIM = {dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(_TABLE)
          .values(ticket_id=bindparam("ticket"), level=bindparam("level"), staff_id=bindparam("staff"), at=bindparam("at"))
          .on_conflict_do_nothing(index_elements=["ticket_id", "level"]).returning(_TABLE.c.id)
          for dialect in (postgresql, sqlite)}
_STEPS_OF = (select(EscalationStep).where(col(EscalationStep.ticket_id).in_(bindparam("tickets", expanding=True)))
             .order_by(EscalationStep.ticket_id, EscalationStep.level))


def claim(session: Session, ticket_id: int, level: int, staff_id: int | None, *, now: datetime) -> bool:
    """Record that `level` of the ticket went to `staff_id` (None: skipped); False when someone
    (another scheduler) claimed that level first: then they tell the people, not us."""
    statement = _CLAIM[session.get_bind().dialect.name]
    values = {"ticket": ticket_id, "level": level, "staff": staff_id, "at": now}
    return session.connection().execute(statement, values).first() is not None


def steps_of(session: Session, ticket_ids: list[int]) -> dict[int, list[EscalationStep]]:
    """{ticket id: its claimed levels, lowest first}, in one query."""
    found: dict[int, list[EscalationStep]] = {ticket_id: [] for ticket_id in ticket_ids}
    if ticket_ids:
        for step in session.exec(_STEPS_OF, params={"tickets": list(ticket_ids)}):
            found[step.ticket_id].append(step)
    return found


_HOLDER = (select(EscalationStep.staff_id)  # the highest level claimed with a person
           .where(EscalationStep.ticket_id == bindparam("ticket"), col(EscalationStep.staff_id).is_not(None))
           .order_by(col(EscalationStep.level).desc()).limit(1).scalar_subquery())
_ANSWERING = select(Staff, col(Staff.id) == _HOLDER).where(or_(col(Staff.id) == _HOLDER,
                                                               col(Staff.id).in_(bindparam("also", expanding=True))))


def answering(session: Session, ticket: Ticket) -> list[Staff]:
    """Everyone answering for a ticket now, in one query (every photo, pin and note relayed to them
    asks): whoever holds it in the chain, then whoever it was escalated to, then whoever took it."""
    also = [staff_id for staff_id in (ticket.escalated_to, ticket.acknowledged_by) if staff_id]
    found = session.exec(_ANSWERING, params={"ticket": ticket.id, "also": also}).all()
    order = {staff_id: rank for rank, staff_id in enumerate(also, start=1)}
    return [staff for staff, _holds in sorted(found, key=lambda row: 0 if row[1] else order[row[0].id])]


def had_ticket(session: Session, ticket_id: int, staff_id: int) -> bool:
    """Whether the ticket was escalated to this person at some level (so they may act on it)."""
    return session.exec(select(EscalationStep.id).where(EscalationStep.ticket_id == ticket_id,
                                                        EscalationStep.staff_id == staff_id)).first() is not None


def unacknowledged(session: Session, *, kind: str, created_before: datetime, limit: int = 500) -> list[Ticket]:
    """Open (not acknowledged) tickets of `kind` reported before the cutoff, oldest first."""
    return list(session.exec(select(Ticket).where(Ticket.kind == kind, Ticket.status == "open",
                                                  Ticket.created_at <= created_before)
                             .order_by(Ticket.id).limit(limit)).all())
