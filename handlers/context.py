"""What a dialog handler gets: the inbound, who sent it, their dialog state, and the notifier."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Literal

from sqlmodel import Session

from bot.config import Config
from handlers.messages import Inbound, Message
from handlers.notify import Notifier
from storage.models import Contact, Conversation, Staff


@dataclass
class Context:
    session: Session
    config: Config
    inbound: Inbound
    now: datetime
    notifier: Notifier
    state: Conversation
    contact: Contact | None = None
    staff: Staff | None = None
    params: dict[str, str] = field(default_factory=dict)  # parsed postback parameters

    @property
    def lang(self) -> str:
        person = self.contact or self.staff
        return person.language if person else self.config.bot.language

    def reply(self, *messages: Message) -> None:
        self.notifier.reply(messages)

    def push(self, person: Contact | Staff, *messages: Message) -> None:
        """Push to a person; one the channel cannot reach is skipped."""
        self.notifier.push(person, messages)


Handler = Callable[[Context], None]
Who = Literal["contact", "staff", "anyone"]


@dataclass(frozen=True)
class Action:
    handler: Handler
    who: Who
