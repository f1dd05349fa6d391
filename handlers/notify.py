"""The one outbound port: how handlers, domain operations and jobs reach people.

Channels implement it (LINE queues into its outbox; tests collect). Callers name people, never a
channel's ids, and never split messages: the channel knows its own limits."""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Literal, Protocol, Sequence

from sqlmodel import Session

from handlers.messages import Message
from storage.models import Contact, Staff

Person = Contact | Staff
Menu = Literal["customer", "staff"]
# "routine": digests, reminders, review summaries, rating requests; held back when the channel's monthly
# message allowance runs short. Everything else (outages, incidents, escalations, answers) is "urgent".
Priority = Literal["urgent", "routine"]


class Notifier(Protocol):
    def reply(self, messages: Sequence[Message]) -> None:
        """Answer whoever sent what is being handled; nobody to answer (a job, a form) drops it."""

    def push(self, person: Person, messages: Sequence[Message], *, priority: Priority = "urgent") -> None:
        """Send to a person; one the channel cannot reach is skipped (see `reachable`)."""

    def reachable(self, person: Person | None) -> bool:
        """Whether a push to this person would reach them."""

    def push_many(self, people: Sequence[Person], messages: Sequence[Message]) -> None:
        """The same messages to many people at once (an area incident, planned work): each reachable
        person once, however often listed. The channel batches them (LINE: multicast)."""

    def show_menu(self, person: Person, menu: Menu) -> None:
        """Give the person the persistent menu for their role, where the channel has one."""

    def push_address(self, address: str, messages: Sequence[Message]) -> None:
        """Send to a channel address no person holds any more (the phone a staff member left)."""

    def reset_menu_address(self, address: str) -> None:
        """Take the role's menu away from such an address."""


class Silent:
    """Reaches nobody: for work that must not talk (imports, the demo's history)."""

    def reply(self, messages: Sequence[Message]) -> None:
        pass

    def push(self, person: Person, messages: Sequence[Message], *, priority: Priority = "urgent") -> None:
        pass

    def reachable(self, person: Person | None) -> bool:
        return False

    def push_many(self, people: Sequence[Person], messages: Sequence[Message]) -> None:
        pass

    def show_menu(self, person: Person, menu: Menu) -> None:
        pass

    def push_address(self, address: str, messages: Sequence[Message]) -> None:
        pass

    def reset_menu_address(self, address: str) -> None:
        pass


# What a job or an intake is handed to build a notifier for its own transaction.
NotifierFor = Callable[[Session, datetime], Notifier]
