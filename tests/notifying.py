"""A notifier for fast tests: it keeps what would have been sent, to whom, instead of sending it.

Reachable is what the LINE notifier says: a person with a LINE user id."""
from __future__ import annotations

from typing import Sequence

from handlers.messages import Message
from handlers.notify import Menu, Person, Priority


class CollectingNotifier:
    def __init__(self) -> None:
        self.pushes: list[tuple[Person, tuple[Message, ...]]] = []
        self.routine: list[tuple[Person, tuple[Message, ...]]] = []  # the pushes marked routine, also in pushes
        self.replies: list[tuple[Message, ...]] = []
        self.menus: list[tuple[Person, Menu]] = []

    def reply(self, messages: Sequence[Message]) -> None:
        self.replies.append(tuple(messages))

    def push(self, person: Person, messages: Sequence[Message], *, priority: Priority = "urgent") -> None:
        if self.reachable(person):
            self.pushes.append((person, tuple(messages)))
            if priority == "routine":
                self.routine.append((person, tuple(messages)))

    def reachable(self, person: Person | None) -> bool:
        return bool(person is not None and person.line_user_id)

    def push_many(self, people: Sequence[Person], messages: Sequence[Message]) -> None:
        """Recorded as one push per person, each once, as the LINE notifier's multicast delivers it."""
        seen: list[Person] = []
        for person in people:
            if self.reachable(person) and not any(_same(person, other) for other in seen):
                seen.append(person)
                self.pushes.append((person, tuple(messages)))

    def show_menu(self, person: Person, menu: Menu) -> None:
        if self.reachable(person):
            self.menus.append((person, menu))

    def to(self, person: Person) -> list[Message]:
        """Every message pushed to this person (compared by who they are, not by object)."""
        return [message for to, messages in self.pushes if _same(to, person) for message in messages]

    def people(self) -> list[Person]:
        """Who got a push, in order, once each."""
        seen: list[Person] = []
        for to, _ in self.pushes:
            if not any(_same(to, other) for other in seen):
                seen.append(to)
        return seen


def _same(a: Person, b: Person) -> bool:
    return type(a) is type(b) and a.id == b.id
