"""What a handler gets: the inbound, who sent it, their dialog state, and a way to answer."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Literal, Protocol

from sqlmodel import Session

from bot.config import Config
from handlers.messages import Inbound, Message
from storage import outbox
from storage.models import Contact, Conversation, Staff


class Replier(Protocol):
    """Where a handler's answers go: LINE's outbox, a form's record, the simulator."""

    def reply(self, messages: list[Message]) -> None: ...

    def push(self, to_user: str, messages: list[Message]) -> None: ...


class OutboxReplier:
    """Queues messages in the outbox inside the handler's own transaction."""

    def __init__(self, session: Session, *, user_id: str, reply_token: str, now: datetime,
                 token_issued_at: datetime | None = None):
        self.session, self.user_id, self.reply_token, self.now = session, user_id, reply_token, now
        # A token's minute runs from when LINE sent the event, not from when it was handled (an
        # event may wait in the inbox): the sender judges its age from this.
        self.token_issued_at = min(token_issued_at, now) if token_issued_at else now

    def reply(self, messages: list[Message]) -> None:
        token, self.reply_token = self.reply_token, ""  # a reply token is good for one call
        outbox.enqueue(
            self.session, to_user=self.user_id, messages=[m.to_dict() for m in messages], now=self.now, reply_token=token or None,
            reply_token_at=self.token_issued_at,
        )

    def push(self, to_user: str, messages: list[Message]) -> None:
        outbox.enqueue(self.session, to_user=to_user, messages=[m.to_dict() for m in messages], now=self.now)


@dataclass
class Context:
    session: Session
    config: Config
    inbound: Inbound
    now: datetime
    replier: Replier
    state: Conversation
    contact: Contact | None = None
    staff: Staff | None = None
    params: dict[str, str] = field(default_factory=dict)  # parsed postback parameters

    @property
    def lang(self) -> str:
        person = self.contact or self.staff
        return person.language if person else self.config.bot.language

    def reply(self, *messages: Message) -> None:
        self.replier.reply(list(messages))

    def push(self, person: Contact | Staff, *messages: Message) -> None:
        """Push to a linked person; unlinked staff simply cannot be reached on LINE."""
        if person.line_user_id:
            self.replier.push(person.line_user_id, list(messages))


Handler = Callable[[Context], None]
Who = Literal["contact", "staff", "anyone"]


@dataclass(frozen=True)
class Action:
    handler: Handler
    who: Who
