"""Free services by tier (002 §3.1.1(2)): the customer asks for a date, the KAMR books, proposes or declines.

Statuses: open (asked) → proposed (KAMR's date, awaiting the customer) → scheduled → resolved (done,
rated with the ticket rating); declined at any point before done.
"""
from __future__ import annotations

from datetime import date, timedelta

from bot.config import ServiceOffer
from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import customer_buttons, text_with_menu
from handlers.messages import Button, Card, Message
from handlers.outage import rating_buttons
from handlers.postback import build
from handlers.rules.entitlement import is_entitled, offers_for
from handlers.rules.statuses import BOOKABLE_STATUSES
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_date, picked_date
from handlers.ticketing import cancel_button
from storage import conversations, tickets
from storage.models import Account, Ticket

FLOW = "service"
MAX_REASON = 500


def _offer_label(offer: ServiceOffer, lang: str) -> str:
    return offer.name_en if lang == "en" and offer.name_en else offer.name_th


def _offer_name(ctx: Context, ticket: Ticket, lang: str) -> str:
    offer = ctx.config.services.offer(ticket.category)
    return _offer_label(offer, lang) if offer else ticket.category


def _offer_of(ctx: Context, ticket: Ticket) -> str:
    return _offer_name(ctx, ticket, ctx.lang)


# --- the customer's side -------------------------------------------------------


def catalogue(ctx: Context) -> None:
    account = ctx.session.get(Account, ctx.contact.account_id)
    offers = offers_for(ctx.config.services, account.tier)
    if not offers:
        ctx.reply(text_with_menu(ctx, t("service_none", ctx.lang)))
        return
    conversations.clear(ctx.state, now=ctx.now)  # a fresh request, whatever was left of an earlier one
    conversations.set_step(ctx.state, FLOW, "pick", now=ctx.now)
    lang = ctx.lang
    lines = tuple(
        t("service_line", lang, code=o.code, name=_offer_label(o, lang),
          description=(o.description_en if lang == "en" and o.description_en else o.description_th))
        for o in offers
    )
    buttons = tuple(Button(f"{o.code} {_offer_label(o, lang)}", data=build("service.pick", c=o.code),
                           display=_offer_label(o, lang)) for o in offers)
    card = Card(title=t("service_catalogue_title", lang, tier=account.tier.capitalize()), lines=lines, buttons=buttons)
    ctx.reply(Message(card=card, quick_replies=(cancel_button(ctx),)))


def _entitled_offer(ctx: Context, code: str) -> ServiceOffer | None:
    """The offer, if this contact's account tier includes it; a tampered code gets the list again."""
    offer = ctx.config.services.offer(code)
    account = ctx.session.get(Account, ctx.contact.account_id)
    if offer is None or not is_entitled(offer, account.tier):
        ctx.reply(text_with_menu(ctx, t("service_not_entitled", ctx.lang)))
        conversations.clear(ctx.state, now=ctx.now)
        return None
    return offer


def pick(ctx: Context) -> None:
    offer = _entitled_offer(ctx, ctx.params.get("c", ""))
    if offer is None:
        return
    conversations.set_step(ctx.state, FLOW, "date", now=ctx.now, code=offer.code)
    _ask_date(ctx, t("service_ask_date", ctx.lang, name=_offer_label(offer, ctx.lang)))


def _ask_date(ctx: Context, text: str) -> None:
    label = t("btn_pick_date", ctx.lang)
    ctx.reply(Message(text=text, quick_replies=(Button(label, kind="date", data=build("service.date")), cancel_button(ctx))))


def _date_in_range(ctx: Context) -> date | None:
    today = bangkok_today(ctx.now)
    first, last = today + timedelta(days=1), today + timedelta(days=ctx.config.services.max_days_ahead)
    day = picked_date(ctx.inbound.params, ctx.inbound.text)
    if day is None or not first <= day <= last:
        _ask_date(ctx, t("service_bad_date", ctx.lang, first=format_date(first, ctx.lang),
                         last=format_date(last, ctx.lang)))
        return None
    return day


def on_date(ctx: Context) -> None:
    day = _date_in_range(ctx)
    if day is None:
        return
    if ctx.state.data.get("ticket_id"):
        _new_date_for(ctx, day)
        return
    offer = _entitled_offer(ctx, ctx.state.data.get("code", ""))
    if offer is None:
        return
    ticket = open_request(ctx, account_id=ctx.contact.account_id, contact_id=ctx.contact.id, offer=offer, preferred=day)
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("service_requested", ctx.lang, name=_offer_label(offer, ctx.lang),
                                    number=ticket.number, date=format_date(day, ctx.lang))))


def open_request(ctx: Context, *, account_id: int, contact_id: int | None, offer: ServiceOffer, preferred: date) -> Ticket:
    """A service request, from LINE or a form: the ticket, its history, and the KAMR's card."""
    ticket = tickets.create(ctx.session, Ticket(
        kind="service", channel=ctx.inbound.channel, account_id=account_id, contact_id=contact_id,
        category=offer.code, description=offer.name_th, created_at=ctx.now,
        details={"preferred_date": preferred.isoformat()},
    ))
    tickets.log(ctx.session, ticket, "requested", now=ctx.now, contact_id=contact_id, preferred_date=preferred.isoformat())
    ticketing.notify_responders(ctx, ticket, lambda lang, _minutes: staff_card(ctx, ticket, lang))
    return ticket


def _customer_ticket(ctx: Context, statuses: tuple[str, ...]) -> Ticket | None:
    ticket = ticketing.ticket_for_contact(ctx, "service")
    if ticket is None:
        return None
    if ticket.status not in statuses:
        ctx.reply(text_with_menu(ctx, t("service_wrong_state", ctx.lang, number=ticket.number,
                                        status=t(f"status_{ticket.status}", ctx.lang))))
        return None
    return ticket


def confirm(ctx: Context) -> None:
    ticket = _customer_ticket(ctx, ("proposed",))
    if ticket is None:
        return
    if ctx.params.get("d") != (ticket.scheduled_date.isoformat() if ticket.scheduled_date else None):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))  # a proposal that was replaced since
        return
    if not tickets.transition(ctx.session, ticket, ("proposed",), status="scheduled"):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    day = format_date(ticket.scheduled_date, ctx.lang)
    tickets.log(ctx.session, ticket, "confirmed", now=ctx.now, contact_id=ctx.contact.id)
    ctx.reply(text_with_menu(ctx, t("service_confirmed_customer", ctx.lang, name=_offer_of(ctx, ticket), date=day,
                                    number=ticket.number)))
    _tell_kamr(ctx, ticket, "staff_service_confirmed", date=ticket.scheduled_date)


def ask_other_date(ctx: Context) -> None:
    ticket = _customer_ticket(ctx, ("proposed", "scheduled"))
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "date", now=ctx.now, ticket_id=ticket.id)
    _ask_date(ctx, t("service_ask_date", ctx.lang, name=f"{ticket.number} {_offer_of(ctx, ticket)}"))


def _new_date_for(ctx: Context, day: date) -> None:
    ctx.params = {"t": str(ctx.state.data["ticket_id"])}
    conversations.clear(ctx.state, now=ctx.now)
    ticket = _customer_ticket(ctx, ("proposed", "scheduled"))
    if ticket is None or not tickets.transition(ctx.session, ticket, ("proposed", "scheduled"), status="open",
                                                scheduled_date=None):
        return
    ticket.details = {**ticket.details, "preferred_date": day.isoformat()}
    ctx.session.add(ticket)
    tickets.log(ctx.session, ticket, "new_date_asked", now=ctx.now, contact_id=ctx.contact.id, preferred_date=day.isoformat())
    ctx.reply(text_with_menu(ctx, t("service_rescheduled_customer", ctx.lang, date=format_date(day, ctx.lang),
                                    number=ticket.number)))
    _tell_kamr(ctx, ticket, "staff_service_new_date", date=day)


def _tell_kamr(ctx: Context, ticket: Ticket, key: str, *, date: date) -> None:
    def card_for(lang: str, _minutes) -> Card:
        card = staff_card(ctx, ticket, lang)
        text = t(key, lang, number=ticket.number, date=format_date(date, lang))
        return Card(title=text, lines=card.lines, buttons=card.buttons)

    ticketing.notify_responders(ctx, ticket, card_for)


# --- the KAMR's side -----------------------------------------------------------


def staff_card(ctx: Context, ticket: Ticket, lang: str) -> Card:
    account = ctx.session.get(Account, ticket.account_id)
    preferred = ticket.details.get("preferred_date")
    lines = [
        t("card_account", lang, account=f"{account.name} ({account.account_code})"),
        t("card_service", lang, name=f"{ticket.category} {_offer_name(ctx, ticket, lang)}"),
        t("card_preferred", lang, date=format_date(date.fromisoformat(preferred), lang) if preferred else "-"),
    ]
    if ticket.scheduled_date:
        lines.append(t("card_scheduled", lang, date=format_date(ticket.scheduled_date, lang)))
    lines.append(t("card_status", lang, status=t(f"status_{ticket.status}", lang)))
    buttons: tuple[Button, ...] = ()
    if ticket.status == "open" and preferred:
        label = t("btn_accept_date", lang)
        buttons += (Button(label, data=build("service.accept", t=ticket.id), display=label),)
    if ticket.status == "scheduled":
        label = t("btn_service_done", lang)
        buttons += (Button(label, data=build("service.done", t=ticket.id), display=label),)
    if ticket.status in BOOKABLE_STATUSES:
        buttons += (Button(t("btn_propose_date", lang), kind="date", data=build("service.propose", t=ticket.id)),
                    Button(t("btn_decline", lang), data=build("service.decline", t=ticket.id), display=t("btn_decline", lang)))
    return Card(title=t("service_card_title", lang, number=ticket.number), lines=tuple(lines), buttons=buttons)


def _staff_ticket(ctx: Context, statuses: tuple[str, ...]) -> Ticket | None:
    ticket = ticketing.ticket_for_staff(ctx, "service")
    if ticket is not None and ticket.status not in statuses:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("service_wrong_state", ctx.lang, number=ticket.number,
                                        status=t(f"status_{ticket.status}", ctx.lang))))
        return None
    return ticket


def accept(ctx: Context) -> None:
    ticket = _staff_ticket(ctx, ("open",))
    if ticket is None:
        return
    day = date.fromisoformat(ticket.details["preferred_date"])
    _book(ctx, ticket, day, status="scheduled")


def propose(ctx: Context) -> None:
    ticket = _staff_ticket(ctx, BOOKABLE_STATUSES)
    if ticket is None:
        return
    day = picked_date(ctx.inbound.params, "")
    if day is None or day < bangkok_today(ctx.now):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    _book(ctx, ticket, day, status="proposed")


def _book(ctx: Context, ticket: Ticket, day: date, *, status: str) -> None:
    from_statuses = ("open",) if status == "scheduled" else BOOKABLE_STATUSES
    values = {"status": status, "scheduled_date": day}
    if ticket.acknowledged_at is None:
        values.update(acknowledged_at=ctx.now, acknowledged_by=ctx.staff.id)
    if not tickets.transition(ctx.session, ticket, from_statuses, **values):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    tickets.log(ctx.session, ticket, status, now=ctx.now, staff_id=ctx.staff.id, date=day.isoformat())
    def localized(lang: str) -> dict:
        return {"name": _offer_name(ctx, ticket, lang), "date": format_date(day, lang)}

    if status == "scheduled":
        ticketing.tell_reporters(ctx, ticket, "service_accepted_customer", localized=localized,
                                 buttons=lambda lang: (_customer_button(ticket, "btn_change_date", "service.other", lang),))
        key = "staff_service_accepted"
    else:
        ticketing.tell_reporters(ctx, ticket, "service_proposed_customer", localized=localized,
                                 buttons=lambda lang: (
                                     _customer_button(ticket, "btn_confirm_date", "service.confirm", lang, d=day.isoformat()),
                                     _customer_button(ticket, "btn_other_date", "service.other", lang)))
        key = "staff_service_proposed"
    ctx.reply(text_with_menu(ctx, t(key, ctx.lang, number=ticket.number, date=format_date(day, ctx.lang))))


def _customer_button(ticket: Ticket, key: str, action: str, lang: str, **params) -> Button:
    label = t(key, lang)
    return Button(label, data=build(action, t=ticket.id, **params), display=label)


def ask_decline_reason(ctx: Context) -> None:
    ticket = _staff_ticket(ctx, BOOKABLE_STATUSES)
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "decline_reason", now=ctx.now, ticket_id=ticket.id)
    ctx.reply(Message(text=t("staff_ask_decline_reason", ctx.lang, number=ticket.number), quick_replies=(cancel_button(ctx),)))


def on_decline_reason(ctx: Context) -> None:
    ticket = _staff_ticket(ctx, BOOKABLE_STATUSES)
    if ticket is None:
        return
    reason = ctx.inbound.text.strip()[:MAX_REASON] if ctx.inbound.kind == "text" else ""
    if not reason:
        ctx.reply(Message(text=t("staff_ask_decline_reason", ctx.lang, number=ticket.number), quick_replies=(cancel_button(ctx),)))
        return
    conversations.clear(ctx.state, now=ctx.now)
    if not tickets.transition(ctx.session, ticket, BOOKABLE_STATUSES, status="declined", resolved_at=ctx.now):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    tickets.log(ctx.session, ticket, "declined", now=ctx.now, staff_id=ctx.staff.id, text=reason)
    ticketing.tell_reporters(ctx, ticket, "service_declined_customer", reason=reason, buttons=customer_buttons,
                             localized=lambda lang: {"name": _offer_name(ctx, ticket, lang)})
    ctx.reply(text_with_menu(ctx, t("staff_service_declined", ctx.lang, number=ticket.number)))


def mark_done(ctx: Context) -> None:
    ticket = _staff_ticket(ctx, ("scheduled",))
    if ticket is None:
        return
    if not tickets.transition(ctx.session, ticket, ("scheduled",), status="resolved", resolved_at=ctx.now):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    tickets.log(ctx.session, ticket, "resolved", now=ctx.now, staff_id=ctx.staff.id)
    ticketing.tell_reporters(ctx, ticket, "service_done_customer", buttons=lambda lang: rating_buttons(ticket, lang),
                             localized=lambda lang: {"name": _offer_name(ctx, ticket, lang)})
    ctx.reply(text_with_menu(ctx, t("staff_service_done", ctx.lang, number=ticket.number)))


def view(ctx: Context) -> None:
    ticket = ticketing.ticket_for_staff(ctx, "service")
    if ticket is not None:
        ctx.reply(Message(card=staff_card(ctx, ticket, ctx.lang)))


ACTIONS = {
    "service": Action(catalogue, "contact"),
    "service.pick": Action(pick, "contact"),
    "service.date": Action(on_date, "contact"),
    "service.confirm": Action(confirm, "contact"),
    "service.other": Action(ask_other_date, "contact"),
    "service.accept": Action(accept, "staff"),
    "service.propose": Action(propose, "staff"),
    "service.decline": Action(ask_decline_reason, "staff"),
    "service.done": Action(mark_done, "staff"),
    "service.view": Action(view, "staff"),
}

STEPS = {
    (FLOW, "date"): Action(on_date, "contact"),
    (FLOW, "decline_reason"): Action(on_decline_reason, "staff"),
}

STEP_OF_ACTION = {"service.pick": "pick", "service.date": "date"}
