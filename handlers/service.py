"""Free services by tier (002 §3.1.1(2)): the customer asks for a date, the KAMR books, proposes or declines.

The dialogs of both sides; what each step does and who hears it is handlers/operations/services.py.
"""
from __future__ import annotations

from datetime import date, datetime

from bot.config import ServiceOffer
from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Card, Message
from handlers.operations import services
from handlers.operations.services import offer_button, offer_label, staff_card
from handlers.postback import build
from handlers.rules.entitlement import is_entitled, offers_for
from handlers.rules.statuses import BOOKABLE_STATUSES, RESCHEDULABLE_STATUSES
from handlers.texts import t
from handlers.rules import date_bounds
from handlers.rules.workdays import calendar_from_config
from handlers.thai_dates import (bangkok_today, format_appointment, format_date, format_day, format_weekday_date,
                                 parse_typed_time, picked_date, time_label)
from handlers.ticketing import cancel_button
from storage import conversations
from storage.models import Account, Ticket

FLOW = "service"
MAX_REASON = 500


def _offer_of(ctx: Context, ticket: Ticket) -> str:
    return services.offer_name(ctx.config, ticket, ctx.lang)


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
        t("service_line", lang, name=offer_label(o, lang),
          description=(o.description_en if lang == "en" and o.description_en else o.description_th))
        for o in offers
    )
    # Customers read names, not the office's codes; the button's short name is written to fit its label.
    buttons = tuple(Button(offer_button(o, lang), data=build("service.pick", c=o.code),
                           display=offer_label(o, lang)) for o in offers)
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
    _ask_date(ctx, t("service_ask_date", ctx.lang, name=offer_label(offer, ctx.lang)))


def _window(ctx: Context) -> date_bounds.DayWindow:
    return date_bounds.service_days(ctx.now, ctx.config.services.max_days_ahead)


def _ask_date(ctx: Context, text: str) -> None:
    label = t("btn_pick_date", ctx.lang)
    picker = Button(label, kind="date", data=build("service.date"), **_window(ctx).picker())
    ctx.reply(Message(text=text, quick_replies=(picker, cancel_button(ctx))))


def _bad_date_text(ctx: Context) -> str:
    window = _window(ctx)
    return t("service_bad_date", ctx.lang, first=format_date(window.first, ctx.lang),
             last=format_date(window.last, ctx.lang))


def _date_in_range(ctx: Context) -> date | None:
    """The customer's date: readable, in the window and a working day (else asked again, with why)."""
    day = picked_date(ctx.inbound.params, ctx.inbound.text, bangkok_today(ctx.now))
    if day is None:  # not a date at all: say so, not that it is out of range
        _ask_date(ctx, t("date_unreadable", ctx.lang))
        return None
    if not _window(ctx).holds(day):
        _ask_date(ctx, _bad_date_text(ctx))
        return None
    if day_off := _day_off(ctx, day):
        _ask_date(ctx, t("service_date_day_off", ctx.lang, date=format_day(day, ctx.lang), name=day_off))
        return None
    return day


def _day_off(ctx: Context, day: date) -> str | None:
    """Why `day` is not a working day ([calendar]), one name is enough: "ชดเชยวันชาติ; ชดเชยวันพ่อ…"."""
    name = calendar_from_config(ctx.config, ctx.lang).holiday_name(day)
    return name.split("; ")[0] if name else None


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
    ticket = services.open_request(ctx.session, ctx.config, now=ctx.now, actor=ctx.contact, channel=ctx.inbound.channel,
                                   notifier=ctx.notifier, account_id=ctx.contact.account_id, offer=offer, preferred=day)
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("service_requested", ctx.lang, name=offer_label(offer, ctx.lang),
                                    number=ticket.number, date=format_day(day, ctx.lang))))


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
    if ctx.params.get("d") != services.appointment_key(ticket):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))  # a proposal that was replaced since
        return
    if not services.confirm_date(ctx.session, ctx.config, ticket, now=ctx.now, actor=ctx.contact, notifier=ctx.notifier):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    day = services.appointment_text(ticket, ctx.lang)
    ctx.reply(text_with_menu(ctx, t("service_confirmed_customer", ctx.lang, name=_offer_of(ctx, ticket), date=day,
                                    number=ticket.number)))


def ask_other_date(ctx: Context) -> None:
    ticket = _customer_ticket(ctx, RESCHEDULABLE_STATUSES)
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "date", now=ctx.now, ticket_id=ticket.id)
    _ask_date(ctx, t("service_ask_date", ctx.lang, name=f"{ticket.number} {_offer_of(ctx, ticket)}"))


def _new_date_for(ctx: Context, day: date) -> None:
    ctx.params = {"t": str(ctx.state.data["ticket_id"])}
    conversations.clear(ctx.state, now=ctx.now)
    ticket = _customer_ticket(ctx, RESCHEDULABLE_STATUSES)
    if ticket is None or not services.ask_new_date(ctx.session, ctx.config, ticket, day, now=ctx.now, actor=ctx.contact,
                                                   notifier=ctx.notifier):
        return
    ctx.reply(text_with_menu(ctx, t("service_rescheduled_customer", ctx.lang, date=format_day(day, ctx.lang),
                                    number=ticket.number)))


# --- the KAMR's side -----------------------------------------------------------


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
    if ctx.params.get("d", day.isoformat()) != day.isoformat():  # the customer asked another date since
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    _book_at(ctx, ticket, day, action="service.accept", status="scheduled")


def propose(ctx: Context) -> None:
    ticket = _staff_ticket(ctx, BOOKABLE_STATUSES)
    if ticket is None:
        return
    day = picked_date({**ctx.params, **ctx.inbound.params}, "")  # the picker's date, or the one a time button carries
    if not _window(ctx).holds(day):  # the picker's bounds, checked again: a forged 2200 is refused
        ctx.reply(text_with_menu(ctx, _bad_date_text(ctx)))
        return
    _book_at(ctx, ticket, day, action="service.propose", status="proposed")


def _book_at(ctx: Context, ticket: Ticket, day: date, *, action: str, status: str) -> None:
    """A date, then a time (a button, or typed); a past time or one outside office hours is refused, a
    non-working day asked again before it is booked."""
    when = date_bounds.appointment_moment(day, ctx.params.get("h", ""))
    if when is None:
        _ask_time(ctx, ticket, day, action, t("service_ask_time", ctx.lang, number=ticket.number,
                                               date=format_day(day, ctx.lang)))
        return
    if when <= ctx.now:
        _ask_time(ctx, ticket, day, action, t("service_time_past", ctx.lang, date=format_appointment(when, ctx.lang)))
        return
    if not date_bounds.in_office_hours(ctx.params["h"], ctx.config.first_answer):
        _ask_time(ctx, ticket, day, action, ticketing.outside_hours_text(ctx, ctx.params["h"]))
        return
    if (ctx.state.flow, ctx.state.step) == (FLOW, "time"):
        conversations.clear(ctx.state, now=ctx.now)
    day_off = _day_off(ctx, day)
    if day_off and ctx.params.get("ok") != "1":
        yes = t("btn_book_anyway", ctx.lang)
        keep = Button(yes, data=build(action, t=ticket.id, d=day.isoformat(), h=ctx.params["h"], ok=1), display=yes)
        ctx.reply(Message(text=t("service_day_off", ctx.lang, date=format_appointment(when, ctx.lang), name=day_off),
                          quick_replies=(keep, _other_day_picker(ctx, ticket), cancel_button(ctx))))
        return
    _book(ctx, ticket, when, status=status)


def _ask_time(ctx: Context, ticket: Ticket, day: date, action: str, text: str) -> None:
    """The time buttons; a time typed instead is read by on_typed_time."""
    conversations.set_step(ctx.state, FLOW, "time", now=ctx.now, ticket_id=ticket.id, day=day.isoformat(),
                           action=action)
    times = tuple(Button(time_label(hhmm, ctx.lang), data=build(action, t=ticket.id, d=day.isoformat(), h=hhmm),
                         display=time_label(hhmm, ctx.lang)) for hhmm in date_bounds.APPOINTMENT_TIMES)
    ctx.reply(Message(text=text, quick_replies=(*times, _other_day_picker(ctx, ticket), cancel_button(ctx))))


def on_typed_time(ctx: Context) -> None:
    """"10:30", "10.30 น.", "บ่ายสอง" typed where the time buttons are offered: as if that button was tapped."""
    data = ctx.state.data
    ctx.params = {"t": str(data["ticket_id"]), "d": data["day"]}
    hhmm = parse_typed_time(ctx.inbound.text)
    if hhmm is None:
        ticket = _staff_ticket(ctx, BOOKABLE_STATUSES)
        if ticket is not None:
            _ask_time(ctx, ticket, date.fromisoformat(data["day"]), data["action"], t("time_unreadable", ctx.lang))
        return
    ctx.params["h"] = hhmm
    (accept if data["action"] == "service.accept" else propose)(ctx)


def _other_day_picker(ctx: Context, ticket: Ticket) -> Button:
    return Button(t("btn_pick_other_day", ctx.lang), kind="date", data=build("service.propose", t=ticket.id),
                  **_window(ctx).picker())


def _book(ctx: Context, ticket: Ticket, when: datetime, *, status: str) -> None:
    if not services.book(ctx.session, ctx.config, ticket, when, status=status, now=ctx.now, actor=ctx.staff,
                         notifier=ctx.notifier):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    key = "staff_service_accepted" if status == "scheduled" else "staff_service_proposed"
    ctx.reply(text_with_menu(ctx, t(key, ctx.lang, number=ticket.number, date=format_appointment(when, ctx.lang))))


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
    if not services.decline(ctx.session, ctx.config, ticket, reason, now=ctx.now, actor=ctx.staff, notifier=ctx.notifier):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    ctx.reply(text_with_menu(ctx, t("staff_service_declined", ctx.lang, number=ticket.number)))


def mark_done(ctx: Context) -> None:
    """Delivered is deliberate: confirmed with a second tap, and before the appointment only with a reason."""
    ticket = _staff_ticket(ctx, ("scheduled",))
    if ticket is None:
        return
    if ticket.scheduled_date and bangkok_today(ctx.now) < ticket.scheduled_date:
        conversations.set_step(ctx.state, FLOW, "early_reason", now=ctx.now, ticket_id=ticket.id)
        ctx.reply(Message(text=t("service_done_early_ask", ctx.lang, number=ticket.number,
                                 date=format_weekday_date(ticket.scheduled_date, ctx.lang)),
                          quick_replies=(cancel_button(ctx),)))
        return
    if ctx.params.get("ok") != "1":
        yes, no = t("btn_confirm_done", ctx.lang), t("btn_not_yet", ctx.lang)
        ctx.reply(Message(text=t("service_done_confirm", ctx.lang, number=ticket.number,
                                 name=services.offer_name(ctx.config, ticket, ctx.lang)),
                          quick_replies=(Button(yes, data=build("service.done", t=ticket.id, ok=1), display=yes),
                                         Button(no, data=build("service.view", t=ticket.id), display=no))))
        return
    _done(ctx, ticket)


def on_early_reason(ctx: Context) -> None:
    ticket = _staff_ticket(ctx, ("scheduled",))
    if ticket is None:
        return
    reason = ctx.inbound.text.strip()[:MAX_REASON] if ctx.inbound.kind == "text" else ""
    if not reason:
        ctx.reply(Message(text=t("service_done_early_ask", ctx.lang, number=ticket.number,
                                 date=format_weekday_date(ticket.scheduled_date, ctx.lang)),
                          quick_replies=(cancel_button(ctx),)))
        return
    conversations.clear(ctx.state, now=ctx.now)
    _done(ctx, ticket, reason=reason)


def _done(ctx: Context, ticket: Ticket, *, reason: str = "") -> None:
    if not services.mark_done(ctx.session, ctx.config, ticket, now=ctx.now, actor=ctx.staff, notifier=ctx.notifier,
                              early_reason=reason):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    ctx.reply(text_with_menu(ctx, t("staff_service_done", ctx.lang, number=ticket.number)))


def view(ctx: Context) -> None:
    ticket = ticketing.ticket_for_staff(ctx, "service")
    if ticket is not None:
        ctx.reply(Message(card=staff_card(ctx.session, ctx.config, ticket, ctx.lang, now=ctx.now)))


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
    (FLOW, "early_reason"): Action(on_early_reason, "staff"),
    (FLOW, "time"): Action(on_typed_time, "staff"),
}

STEP_OF_ACTION = {"service.pick": "pick", "service.date": "date"}

# The staff's typing steps: any other tap parks them (handlers/parking.py).
TYPING_STEPS = {"decline_reason": ("parked_decline_reason", "service.decline"),
                "early_reason": ("parked_decline_reason", "service.done")}
