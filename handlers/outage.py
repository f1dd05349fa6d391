"""Outage reports: the customer's dialog and the KAMR's acknowledge / update / resolve buttons.

What each step does to the ticket, and who is told, is handlers/operations/outages.py."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from handlers import ticketing
from handlers.context import Action, Context
from handlers.labels import fitted
from handlers.menu import text_with_menu
from handlers.ticketing import cancel_button, choice_buttons, chosen_value
from handlers.messages import Button, Message
from handlers.operations import outages, reaching
from handlers.operations.outages import staff_card
from handlers.postback import build, int_param
from handlers.rules.statuses import OPEN_STATUSES
from handlers.rules import date_bounds
from handlers.thai_dates import BANGKOK, format_datetime, picked_moment
from handlers.texts import t
from storage import conversations, roster
from storage.models import Site, Staff, Ticket

FLOW = "outage"
SYMPTOMS = ("no_power", "low_voltage", "flicker", "other")
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(น\.?)?\s*$")


# --- the customer's dialog -------------------------------------------------


def start(ctx: Context) -> None:
    sites = roster.sites_of(ctx.session, ctx.contact.account_id)
    if len(sites) > 1:
        conversations.set_step(ctx.state, FLOW, "site", now=ctx.now, symptom="")  # not one from an earlier try
        buttons = [Button(fitted("btn_site", ctx.lang, "name", name=s.name), data=build("outage.site", s=s.id),
                          display=s.name) for s in sites[:12]]
        ctx.reply(Message(text=t("outage_ask_site", ctx.lang), quick_replies=(*buttons, cancel_button(ctx))))
        return
    conversations.set_step(ctx.state, FLOW, "symptom", now=ctx.now, site_id=sites[0].id if sites else None)
    _ask_symptom(ctx)


def on_site(ctx: Context) -> None:
    sites = roster.sites_of(ctx.session, ctx.contact.account_id)
    chosen = int_param(ctx.params, "s")
    site = next((s for s in sites if s.id == chosen or s.name == ctx.inbound.text.strip()), None)
    if site is None:  # a site of another account, or a typo: ask again
        start(ctx)
        return
    conversations.set_step(ctx.state, FLOW, "symptom", now=ctx.now, site_id=site.id)
    if ctx.state.data.get("symptom") in SYMPTOMS:  # said already in the typed message
        _ask_since(ctx, ctx.state.data["symptom"])
        return
    _ask_symptom(ctx)


def start_prefilled(ctx: Context, *, site_id: int | None, symptom: str) -> None:
    """From a typed message (handlers/understand.py): ask only what it did not say."""
    sites = roster.sites_of(ctx.session, ctx.contact.account_id)
    site = next((s for s in sites if s.id == site_id), sites[0] if len(sites) == 1 else None)
    if site is None and sites:
        start(ctx)  # which site?
        if symptom in SYMPTOMS:
            conversations.set_step(ctx.state, FLOW, "site", now=ctx.now, symptom=symptom)
        return
    conversations.set_step(ctx.state, FLOW, "symptom", now=ctx.now, site_id=site.id if site else None)
    if symptom in SYMPTOMS:
        _ask_since(ctx, symptom)
    else:
        _ask_symptom(ctx)


def _ask_symptom(ctx: Context) -> None:
    buttons = choice_buttons(ctx, "outage.symptom", SYMPTOMS, "symptom")
    ctx.reply(Message(text=t("outage_ask_symptom", ctx.lang), quick_replies=(*buttons, cancel_button(ctx))))


def on_symptom(ctx: Context) -> None:
    value = chosen_value(ctx, SYMPTOMS, "symptom")
    if value not in SYMPTOMS:
        _ask_symptom(ctx)
        return
    _ask_since(ctx, value)


def _ask_since(ctx: Context, symptom: str) -> None:
    conversations.set_step(ctx.state, FLOW, "since", now=ctx.now, symptom=symptom)
    now_label = t("btn_since_now", ctx.lang)
    pick_label = t("btn_since_pick", ctx.lang)
    buttons = (
        Button(now_label, data=build("outage.since", v="now"), display=now_label),
        Button(pick_label, kind="datetime", data=build("outage.since", v="pick"), **date_bounds.outage_start_picker(ctx.now)),
        cancel_button(ctx),
    )
    ctx.reply(Message(text=t("outage_ask_since", ctx.lang), quick_replies=buttons))


def on_since(ctx: Context) -> None:
    started = _parse_since(ctx)
    earliest, _latest = date_bounds.outage_start_bounds(ctx.now)
    if started is None or started < earliest:  # unreadable, or forged from long ago (year 1)
        ctx.reply(Message(text=t("outage_bad_time", ctx.lang), quick_replies=(cancel_button(ctx),)))
        return
    _create_or_join(ctx, min(started, ctx.now))


def _parse_since(ctx: Context) -> datetime | None:
    if ctx.params.get("v") == "now":
        return ctx.now
    if ctx.inbound.params.get("datetime"):
        return picked_moment(ctx.inbound.params)
    match = TIME_PATTERN.match(ctx.inbound.text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    local_now = ctx.now.astimezone(BANGKOK)
    local = local_now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    if local > local_now:  # "23:50" typed at 00:10 means last night
        local -= timedelta(days=1)
    return local.astimezone(timezone.utc)


def _create_or_join(ctx: Context, started: datetime) -> None:
    data = ctx.state.data
    site = ctx.session.get(Site, data["site_id"]) if data.get("site_id") else None
    site_name = site.name if site else "-"
    ticket, joined, holder, in_incident = outages.open_outage(
        ctx.session, now=ctx.now, actor=ctx.contact, channel=ctx.inbound.channel, notifier=ctx.notifier,
        account_id=ctx.contact.account_id, site_id=data.get("site_id"), symptom=data["symptom"], started=started,
        chain=ctx.config.escalation)
    # Joined or new, what the person sends next (a photo, a pin) goes on this outage, not to a new relay.
    conversations.set_step(ctx.state, FLOW, "attach", now=ctx.now, ticket_id=ticket.id)
    if joined:
        status = t(f"status_{ticket.status}", ctx.lang)
        text = t("outage_joined", ctx.lang, site=site_name, number=ticket.number, status=status)
        ctx.reply(Message(text=text, quick_replies=_attach_buttons(ctx)))
        return
    text = t(
        "outage_created",
        ctx.lang,
        number=ticket.number,
        site=site_name,
        symptom=t(f"symptom_{ticket.category}", ctx.lang),
        since=format_datetime(started, ctx.lang),
    )
    if not in_incident:  # under an area incident nobody calls this one back: the incident's notice says why
        text += "\n" + reaching.who_calls(holder, ctx.lang)
    ctx.reply(Message(text=text, quick_replies=_attach_buttons(ctx)))


def _attach_buttons(ctx: Context) -> tuple[Button, ...]:
    ticket = ticketing.reported_ticket(ctx)
    return (*ticketing.attach_buttons(ctx, "outage.done"), *(outages.customer_buttons(ticket, ctx.lang) if ticket else ()))


def on_attach(ctx: Context) -> None:
    ticketing.on_attach(ctx, done=done, buttons=_attach_buttons(ctx))


def done(ctx: Context) -> None:
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("outage_done", ctx.lang)))


def power_back(ctx: Context) -> None:
    """[ไฟมาแล้ว]: from the confirmation or the status list, for an outage of the contact's account."""
    ticket = ticketing.ticket_for_contact(ctx, "outage")
    if ticket is None:
        return
    if ctx.state.flow == FLOW and ctx.state.data.get("ticket_id") == ticket.id:
        conversations.clear(ctx.state, now=ctx.now)
    if not outages.restored_by_customer(ctx.session, ticket, now=ctx.now, actor=ctx.contact, notifier=ctx.notifier):
        ctx.reply(text_with_menu(ctx, t("ticket_already_resolved", ctx.lang, number=ticket.number)))
        return
    ctx.reply(Message(text=t("outage_restored_customer", ctx.lang, number=ticket.number),
                      quick_replies=outages.rating_buttons(ticket, ctx.lang)))


# --- the KAMR's side ---------------------------------------------------------


def _ticket_for_staff(ctx: Context) -> Ticket | None:
    return ticketing.ticket_for_staff(ctx, "outage")


def acknowledge(ctx: Context) -> None:
    ticket = _ticket_for_staff(ctx)
    if ticket is None:
        return
    if not outages.acknowledge(ctx.session, ticket, now=ctx.now, actor=ctx.staff, notifier=ctx.notifier):
        by = ctx.session.get(Staff, ticket.acknowledged_by) if ticket.acknowledged_by else None
        ctx.reply(text_with_menu(ctx, t("staff_already_acked", ctx.lang, number=ticket.number, staff=by.name if by else "-")))
        return
    ctx.reply(Message(card=staff_card(ctx.session, ticket, ctx.lang, now=ctx.now)),
              Message(text=t("staff_acked", ctx.lang, number=ticket.number)))


def ask_update(ctx: Context) -> None:
    """A cause from the configured list (the one area incidents use), an estimated restoration time from the
    date-time picker, or a typed note: each goes to every reporter with the cause and estimate as they stand."""
    ticket = _ticket_for_staff(ctx)
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "update", now=ctx.now, ticket_id=ticket.id)
    ctx.reply(Message(text=t("staff_ask_update", ctx.lang, number=ticket.number),
                      quick_replies=(*ticketing.cause_buttons(ctx, "outage.cause", t=ticket.id),
                                     outages.estimate_button(ticket, ctx.lang, now=ctx.now),
                                     cancel_button(ctx))))


def _open_ticket(ctx: Context) -> Ticket | None:
    return ticketing.workable_ticket(ctx, "outage", OPEN_STATUSES, "ticket_already_resolved")


def _post_update(ctx: Context, ticket: Ticket, **change) -> None:
    outages.post_update(ctx.session, ticket, now=ctx.now, actor=ctx.staff, notifier=ctx.notifier, **change)
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(Message(text=t("staff_update_sent", ctx.lang, number=ticket.number),
                      quick_replies=_next_buttons(ctx, ticket)))


def _next_buttons(ctx: Context, ticket: Ticket) -> tuple[Button, ...]:
    again = t("btn_update", ctx.lang)
    return (Button(again, data=build("outage.update", t=ticket.id), display=again),
            outages.resolve_button(ticket, ctx.lang))


def on_update_text(ctx: Context) -> None:
    ticket = _open_ticket(ctx)
    text = ctx.inbound.text.strip()[:1000]
    if ticket is None or not text:
        return
    _post_update(ctx, ticket, text=text)


def on_cause(ctx: Context) -> None:
    ticket = _open_ticket(ctx)
    cause = ticketing.chosen_cause(ctx) if ticket is not None else None
    if cause is not None:
        _post_update(ctx, ticket, cause=cause)


def on_estimate(ctx: Context) -> None:
    """From the update's picker or the reminder's: the picker is bounded on the phone, but its answer can be forged."""
    ticket = _open_ticket(ctx)
    if ticket is None:
        return
    etr = picked_moment(ctx.inbound.params)
    started = ticket.started_at or ticket.created_at
    refusal = date_bounds.estimate_refusal(etr, now=ctx.now, started=started)
    if refusal is not None:
        ctx.reply(Message(text=t(refusal, ctx.lang, since=format_datetime(started, ctx.lang)),
                          quick_replies=(outages.estimate_button(ticket, ctx.lang, now=ctx.now), cancel_button(ctx))))
        return
    _post_update(ctx, ticket, etr=etr)


def resolve(ctx: Context) -> None:
    """Closing is deliberate: the first tap asks, showing the restoration time (now, or another from the picker);
    the second ([ยืนยัน ไฟมาแล้ว], or a time picked) closes and asks the customers to rate."""
    ticket = _ticket_for_staff(ctx)
    if ticket is None:
        return
    started = ticket.started_at or ticket.created_at
    if ctx.params.get("ok") != "1" and ticket.status in OPEN_STATUSES:
        _confirm_resolve(ctx, ticket, t("resolve_confirm", ctx.lang, number=ticket.number,
                                        at=format_datetime(ctx.now, ctx.lang)))
        return
    restored_at = picked_moment(ctx.inbound.params) if ctx.params.get("at") == "pick" else ctx.now
    refusal = date_bounds.restoration_refusal(restored_at, now=ctx.now, started=started)
    if refusal is not None and ticket.status in OPEN_STATUSES:
        _confirm_resolve(ctx, ticket, t(refusal, ctx.lang, since=format_datetime(started, ctx.lang)))
        return
    if not outages.resolve(ctx.session, ticket, now=ctx.now, actor=ctx.staff, notifier=ctx.notifier,
                           restored_at=restored_at):
        ctx.reply(text_with_menu(ctx, t("ticket_already_resolved", ctx.lang, number=ticket.number)))
        return
    ctx.reply(text_with_menu(ctx, t("staff_resolved", ctx.lang, number=ticket.number)))


def _confirm_resolve(ctx: Context, ticket: Ticket, text: str) -> None:
    yes, other, no = t("btn_confirm_resolve", ctx.lang), t("btn_restored_other_time", ctx.lang), t("btn_not_yet", ctx.lang)
    started = ticket.started_at or ticket.created_at
    ctx.reply(Message(text=text, quick_replies=(
        Button(yes, data=build("outage.resolve", t=ticket.id, ok=1), display=yes),
        Button(other, kind="datetime", data=build("outage.resolve", t=ticket.id, ok=1, at="pick"),
               **date_bounds.restoration_picker(ctx.now, started)),
        Button(no, data=build("outage.view", t=ticket.id), display=no))))


def view(ctx: Context) -> None:
    ticket = _ticket_for_staff(ctx)
    if ticket is not None:
        ctx.reply(outages.staff_message(ctx.session, ticket, ctx.lang, now=ctx.now))


ACTIONS = {
    "outage": Action(start, "contact"),
    "outage.site": Action(on_site, "contact"),
    "outage.symptom": Action(on_symptom, "contact"),
    "outage.since": Action(on_since, "contact"),
    "outage.done": Action(done, "contact"),
    "outage.restored": Action(power_back, "contact"),
    "outage.ack": Action(acknowledge, "staff"),
    "outage.update": Action(ask_update, "staff"),
    "outage.cause": Action(on_cause, "staff"),
    "outage.etr": Action(on_estimate, "staff"),
    "outage.resolve": Action(resolve, "staff"),
    "outage.view": Action(view, "staff"),
}

# The dialog's states: what a free-text, photo or location message means at each step.
STEPS = {
    (FLOW, "site"): Action(on_site, "contact"),
    (FLOW, "symptom"): Action(on_symptom, "contact"),
    (FLOW, "since"): Action(on_since, "contact"),
    (FLOW, "attach"): Action(on_attach, "contact"),
    (FLOW, "update"): Action(on_update_text, "staff"),
}

# Postbacks that only make sense at one step of the dialog.
STEP_OF_ACTION = {"outage.site": "site", "outage.symptom": "symptom", "outage.since": "since", "outage.done": "attach"}

# The staff's typing steps: any other tap parks them (handlers/parking.py).
TYPING_STEPS = {"update": ("parked_update", "outage.update", ("outage.cause", "outage.etr"))}
