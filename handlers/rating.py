"""The rating dialog: a contact taps a score (handlers/operations/ratings.py records it), a visit's
score may carry a comment asked right after, and "rate us" lists what waits for a score.
"""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Card, Message
from handlers.postback import build, int_param
from handlers.rules.scores import is_low
from handlers.rules.statuses import FINISHED_STATUSES
from handlers.texts import t
from handlers.labels import fitted
from handlers.operations import ratings as ratings_ops
from handlers.operations.incidents import ticket_for_rating
from handlers.operations.visits import was_met
from handlers.operations.ratings import record, score_buttons
from handlers.thai_dates import format_date
from handlers.ticketing import cancel_button
from storage import conversations
from storage.models import Rating, Staff, Ticket, Visit

FLOW = "rating"
RATEABLE_DAYS = 60  # how far back the "rate us" menu looks
MAX_ITEMS = 4
MAX_COMMENT = 1000


def _subject(ctx: Context, kind: str | None, subject_id: int | None) -> Ticket | Visit | None:
    """The ticket or visit, if it belongs to this contact's account; someone else's looks missing."""
    if kind == "incident":  # issue 16: one score per contact on an area incident, kept on their account's ticket
        return ticket_for_rating(ctx.session, subject_id, ctx.contact) if subject_id is not None else None
    model = {"ticket": Ticket, "visit": Visit}.get(kind or "")
    subject = ctx.session.get(model, subject_id) if model and subject_id is not None else None
    if subject is None or subject.account_id != ctx.contact.account_id:
        return None
    if isinstance(subject, Visit) and not was_met(subject, ctx.contact.id):  # only the contacts met rate it
        return None
    return subject


def _finished(subject: Ticket | Visit) -> bool:
    return subject.status == "done" if isinstance(subject, Visit) else subject.status in FINISHED_STATUSES


def give(ctx: Context) -> None:
    kind, subject_id, score = ctx.params.get("k"), int_param(ctx.params, "i"), int_param(ctx.params, "s")
    subject = _subject(ctx, kind, subject_id)
    if subject is None or score not in range(1, 6):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    if not _finished(subject):
        ctx.reply(text_with_menu(ctx, t("rating_not_ready", ctx.lang)))
        return
    if not record(ctx.session, subject, now=ctx.now, actor=ctx.contact, notifier=ctx.notifier, score=score,
                  reports=ctx.config.reports):
        ctx.reply(text_with_menu(ctx, t("rating_already", ctx.lang)))
        return
    if isinstance(subject, Ticket):
        key = "rating_thanks_low" if is_low(score, ctx.config.reports) else "rating_thanks"
        ctx.reply(text_with_menu(ctx, t(key, ctx.lang, score=score)))
    else:
        conversations.set_step(ctx.state, FLOW, "comment", now=ctx.now, kind=kind, subject_id=subject.id)
        skip = t("btn_skip", ctx.lang)
        ctx.reply(Message(text=t("rating_ask_comment", ctx.lang, score=score),
                          quick_replies=(Button(skip, data=build("rate.skip"), display=skip),)))


def on_comment(ctx: Context) -> None:
    comment = ctx.inbound.text.strip()[:MAX_COMMENT] if ctx.inbound.kind == "text" else ""
    data = ctx.state.data
    conversations.clear(ctx.state, now=ctx.now)
    rating = ctx.session.exec(select(Rating).where(
        Rating.subject_kind == data.get("kind"), Rating.subject_id == int_param(data, "subject_id"),
        Rating.contact_id == ctx.contact.id)).first()
    if rating is None or not comment:
        ctx.reply(text_with_menu(ctx, t("rating_thanks", ctx.lang, score=rating.score if rating else "-")))
        return
    ratings_ops.add_comment(ctx.session, rating, comment, notifier=ctx.notifier, reports=ctx.config.reports)
    ctx.reply(text_with_menu(ctx, t("rating_comment_saved", ctx.lang)))


# --- "rate us" from the menu: what is waiting for this contact's score -------------------


def menu(ctx: Context) -> None:
    items = _unrated(ctx)
    if not items:
        ctx.reply(text_with_menu(ctx, t("rate_menu_none", ctx.lang)))
        return
    buttons = tuple(Button(fitted("btn_rate_item", ctx.lang, "label", label=label), data=build("rate.ask", k=kind, i=subject_id),
                           display=label) for kind, subject_id, label in items[:MAX_ITEMS])
    card = Card(title=t("rate_menu_title", ctx.lang), lines=tuple(label for _, _, label in items[:MAX_ITEMS]),
                buttons=buttons)
    ctx.reply(Message(card=card, quick_replies=(cancel_button(ctx),)))


def _unrated(ctx: Context) -> list[tuple[str, int, str]]:
    since = ctx.now - timedelta(days=RATEABLE_DAYS)
    rated = set(ctx.session.exec(select(Rating.subject_kind, Rating.subject_id).where(Rating.contact_id == ctx.contact.id)))
    items: list[tuple[str, int, str]] = []
    for visit, staff in ctx.session.exec(
        select(Visit, Staff).join(Staff, col(Staff.id) == Visit.staff_id)
        .where(Visit.account_id == ctx.contact.account_id, Visit.status == "done", Visit.reported_at >= since)
        .order_by(col(Visit.visit_date).desc())
    ).all():
        if ("visit", visit.id) not in rated and was_met(visit, ctx.contact.id):
            items.append(("visit", visit.id, t("rate_line_visit", ctx.lang, date=format_date(visit.visit_date, ctx.lang),
                                               staff=visit.representative_name or staff.name)))
    for ticket in ctx.session.exec(
        select(Ticket).where(Ticket.account_id == ctx.contact.account_id, col(Ticket.status).in_(FINISHED_STATUSES),
                             Ticket.resolved_at >= since).order_by(col(Ticket.resolved_at).desc())
    ).all():
        if ("ticket", ticket.id) not in rated:
            items.append(("ticket", ticket.id, t("rate_line_ticket", ctx.lang, number=ticket.number,
                                                 kind=t(f"kind_{ticket.kind}", ctx.lang))))
    return items


def ask_score(ctx: Context) -> None:
    kind, subject_id = ctx.params.get("k"), int_param(ctx.params, "i")
    subject = _subject(ctx, kind, subject_id)
    if subject is None:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    label = subject.number if isinstance(subject, Ticket) else format_date(subject.visit_date, ctx.lang)
    ctx.reply(Message(text=t("rate_ask_score", ctx.lang, label=label), quick_replies=score_buttons(kind, subject.id)))


PREFIXES = ("rate",)  # the action names this module owns
ACTIONS = {
    "rate": Action(menu, "contact"),
    "rate.ask": Action(ask_score, "contact"),
    "rate.give": Action(give, "contact"),
    "rate.skip": Action(on_comment, "contact")  # a postback carries no comment,
}

STEPS = {(FLOW, "comment"): Action(on_comment, "contact")}

STEP_OF_ACTION = {"rate.skip": "comment"}
