"""A staff member's pending "type your …" step belongs to one ticket: any other tap parks it, visibly.

Why: a KAMR asked to type the answer to complaint A who then taps รับเรื่อง on outage B and types a
sentence about B must not send that sentence to A's customer. So when a tap (or a menu word typed by
hand) does not belong to the waiting step, the step ends and the person is told which ticket's typing
was put aside, with a button to go back to it.

Each dialog module declares its typing steps: TYPING_STEPS = {step: (notice text key, resume action[, choices])}.
A tap on the resume action or one of the choices for the same ticket (e.g. [แก้ไข], an outage update's
cause) and the postbacks the module ties to the step (STEP_OF_ACTION, e.g. [ส่ง]) continue the step instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from handlers.context import Context
from handlers.messages import Button, Card, Message
from handlers.notify import Notifier, Person, Priority
from handlers.postback import build, int_param
from handlers.texts import t
from storage import conversations
from storage.models import Ticket


@dataclass(frozen=True)
class TypingStep:
    notice_key: str  # "พักการพิมพ์คำชี้แจง {number} ไว้ก่อน"
    resume_action: str  # the postback that asks for the typing again
    choices: tuple[str, ...] = ()  # postbacks offered beside the typing (an outage update's cause and estimate)


def continues(ctx: Context, typing: TypingStep, action: str, params: dict, step_of_action: tuple[str, str] | None) -> bool:
    """Whether this tap belongs to the waiting step rather than to something else."""
    if step_of_action is not None and step_of_action[0] == ctx.state.flow:
        return True
    return (action in (typing.resume_action, *typing.choices)
            and int_param(params, "t") == int_param(ctx.state.data, "ticket_id"))


def park(ctx: Context, typing: TypingStep) -> Message | None:
    """End the typing step and return the notice naming its ticket (None when it named none)."""
    ticket = ctx.session.get(Ticket, int_param(ctx.state.data, "ticket_id") or 0)
    conversations.clear(ctx.state, now=ctx.now)
    if ticket is None:
        return None
    label = t("btn_resume_typing", ctx.lang)
    return Message(card=Card(title=t(typing.notice_key, ctx.lang, number=ticket.number),
                             buttons=(Button(label, data=build(typing.resume_action, t=ticket.id), display=label),)))


class NoticeFirst:
    """A notifier whose first reply starts with `notice`, so the person reads it before the answer to their tap."""

    def __init__(self, inner: Notifier, notice: Message):
        self.inner, self.notice = inner, notice

    def reply(self, messages: Sequence[Message]) -> None:
        if self.notice is not None:
            messages, self.notice = (self.notice, *messages), None
        self.inner.reply(messages)

    def flush(self) -> None:
        """Deliver the notice if the handler did not reply at all."""
        if self.notice is not None:
            self.reply(())

    def push(self, person: Person, messages: Sequence[Message], *, priority: Priority = "urgent") -> None:
        self.inner.push(person, messages, priority=priority)

    def reachable(self, person: Person | None) -> bool:
        return self.inner.reachable(person)

    def show_menu(self, person, menu) -> None:
        self.inner.show_menu(person, menu)
