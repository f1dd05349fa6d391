"""The LINE side of the notifier port: messages for a person become outbox rows for their LINE user.

Only here are people turned into LINE user ids and messages split into LINE's calls."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlmodel import Session

import uuid

from bot.line.limits import MESSAGES_PER_CALL, MULTICAST_RECIPIENTS
from handlers.messages import Message
from handlers.notify import Menu, Person, Priority
from storage import outbox
from storage.models import Setting

STAFF_MENU_SETTING = "richmenu.staff"  # written by `kambot richmenu create`


def menu_setting(kind: str, lang: str) -> str:
    """The setting holding a rich menu's id: the Thai staff menu is STAFF_MENU_SETTING, English ones end in ".en"."""
    return f"richmenu.{kind}" + (".en" if lang == "en" else "")


class LineNotifier:
    """Queues into the outbox inside the caller's transaction; the sender sends after commit.

    `reply_to` and `reply_token`: the LINE user being answered and the token of their event."""

    def __init__(self, session: Session, *, now: datetime, reply_to: str = "", reply_token: str = "",
                 token_issued_at: datetime | None = None):
        self.session, self.now = session, now
        self.reply_to, self.reply_token = reply_to, reply_token
        # A token's minute runs from when LINE sent the event, not from when it was handled (an
        # event may wait in the inbox): the sender judges its age from this.
        self.token_issued_at = min(token_issued_at, now) if token_issued_at else now

    def reply(self, messages: Sequence[Message]) -> None:
        if not self.reply_to:
            return
        token, self.reply_token = self.reply_token, ""  # a reply token is good for one call
        self._queue(self.reply_to, messages, reply_token=token)

    def push(self, person: Person, messages: Sequence[Message], *, priority: Priority = "urgent") -> None:
        if self.reachable(person):
            self._queue(person.line_user_id, messages, priority=priority)

    def reachable(self, person: Person | None) -> bool:
        return bool(person is not None and person.line_user_id)

    def push_many(self, people: Sequence[Person], messages: Sequence[Message]) -> None:
        """Multicast rows of at most 500 LINE ids each, every call with its own retry key (outbox.enqueue)."""
        ids = list(dict.fromkeys(person.line_user_id for person in people if self.reachable(person)))
        chunks = calls([m.to_dict() for m in messages])
        for start in range(0, len(ids), MULTICAST_RECIPIENTS):
            group = ids[start:start + MULTICAST_RECIPIENTS]
            outbox.enqueue(self.session, to_user=f"multicast:{uuid.uuid4()}", chunks=chunks, now=self.now,
                           kind="multicast", recipients=group)

    def show_menu(self, person: Person, menu: Menu) -> None:
        if not self.reachable(person):
            return
        english = self.session.get(Setting, menu_setting(menu, "en")) if person.language == "en" else None
        if menu == "customer" and english is None:  # the default menu: take away any per-user menu
            self.reset_menu_address(person.line_user_id)
            return
        setting = english or self.session.get(Setting, STAFF_MENU_SETTING)
        if setting is not None:
            outbox.enqueue(self.session, to_user=person.line_user_id, chunks=[[{"rich_menu_id": setting.value}]],
                           now=self.now, kind="link_richmenu")

    def push_address(self, address: str, messages: Sequence[Message]) -> None:
        if address:
            self._queue(address, messages)

    def reset_menu_address(self, address: str) -> None:
        if address:
            outbox.enqueue(self.session, to_user=address, chunks=[[{}]], now=self.now, kind="unlink_richmenu")

    def _queue(self, line_user_id: str, messages: Sequence[Message], *, reply_token: str = "",
               priority: Priority = "urgent") -> None:
        chunks = calls([m.to_dict() for m in messages])
        outbox.enqueue(self.session, to_user=line_user_id, chunks=chunks, now=self.now, reply_token=reply_token or None,
                       reply_token_at=self.token_issued_at if reply_token else None, priority=priority)


def notifier_for(session: Session, now: datetime) -> LineNotifier:
    """A notifier with nobody to answer, for jobs and intakes that start outside a chat."""
    return LineNotifier(session, now=now)


def _parts(message: dict) -> int:
    """LINE messages one neutral message becomes: each attachment, the card, the carousel, the text."""
    return max(1, len(message.get("attachments") or ()) + bool(message.get("card")) + bool(message.get("cards"))
               + bool(message.get("text")))


def calls(messages: list[dict]) -> list[list[dict]]:
    """Split one person's messages into LINE calls of at most five message objects each."""
    chunks: list[list[dict]] = [[]]
    for message in messages:
        if chunks[-1] and sum(map(_parts, chunks[-1])) + _parts(message) > MESSAGES_PER_CALL:
            chunks.append([])
        chunks[-1].append(message)
    return chunks
