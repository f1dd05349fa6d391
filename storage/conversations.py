"""Dialog state per person, with a timeout."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, inspect, literal
from sqlmodel import Session, select

from storage.models import Contact, Conversation, Staff


_ANCHOR = select(literal(1).label("anchor")).subquery()  # one row, so that none of the three need exist
_WHO = bindparam("line_user_id")
_PERSON_AND_STATE = (select(Conversation, Contact, Staff).select_from(_ANCHOR)  # built once: it runs per event
                     .outerjoin(Conversation, Conversation.user_key == _WHO)
                     .outerjoin(Contact, and_(Contact.line_user_id == _WHO, Contact.active))
                     .outerjoin(Staff, and_(Staff.line_user_id == _WHO, Staff.active)))


def load_with_person(session: Session, line_user_id: str, *, now: datetime,
                     timeout: timedelta) -> tuple[Conversation, Contact | None, Staff | None]:
    """`load` and who the LINE user is (their active contact and staff rows, each unique per LINE id),
    in one query: every event needs all three, and a round trip each was most of handling one."""
    state, contact, staff = session.exec(_PERSON_AND_STATE, params={"line_user_id": line_user_id}).one()
    return _fresh(session, state, line_user_id, now=now, timeout=timeout), contact, staff


def _fresh(session: Session, state: Conversation | None, user_key: str, *, now: datetime,
           timeout: timedelta) -> Conversation:
    if state is None:  # added by `keep` once it holds something: a first event inserts it once, not twice
        state = Conversation(user_key=user_key, data={})
    elif state.flow and state.updated_at and now - state.updated_at > timeout:
        clear(state, now=now)
    return state


def keep(session: Session, state: Conversation) -> None:
    """Store a state that `load_with_person` made new, if the event gave it a dialog (no row means no dialog)."""
    if inspect(state).transient and (state.flow or state.step or state.data):
        session.add(state)


def set_step(state: Conversation, flow: str, step: str, *, now: datetime, **data) -> None:
    kept = state.data if state.flow == flow else {}
    state.flow, state.step = flow, step
    state.data = {**kept, **data}
    state.updated_at = now


def clear(state: Conversation, *, now: datetime) -> None:
    state.flow, state.step, state.data = "", "", {}
    state.updated_at = now
