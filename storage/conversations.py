"""Dialog state per person, with a timeout."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from storage.models import Conversation


def load(session: Session, user_key: str, *, now: datetime, timeout: timedelta) -> Conversation:
    """The person's state; a dialog idle longer than the timeout starts afresh."""
    state = session.get(Conversation, user_key)
    if state is None:
        state = Conversation(user_key=user_key, data={})
        session.add(state)
    elif state.flow and state.updated_at and now - state.updated_at > timeout:
        clear(state, now=now)
    return state


def set_step(state: Conversation, flow: str, step: str, *, now: datetime, **data) -> None:
    kept = state.data if state.flow == flow else {}
    state.flow, state.step = flow, step
    state.data = {**kept, **data}
    state.updated_at = now


def clear(state: Conversation, *, now: datetime) -> None:
    state.flow, state.step, state.data = "", "", {}
    state.updated_at = now
