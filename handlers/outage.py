"""Outage reports: the customer's dialog and the KAMR's acknowledge / update / resolve."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.ticketing import cancel_button, choice_buttons, chosen_value
from handlers.messages import Button, Card, Message
from handlers.postback import build, int_param
from handlers.rating import score_buttons
from handlers.rules.statuses import OPEN_STATUSES
from handlers.thai_dates import BANGKOK, format_datetime
from handlers.texts import t
from storage import conversations, roster, tickets
from storage.models import Account, Site, Staff, Ticket

FLOW = "outage"
SYMPTOMS = ("no_power", "low_voltage", "flicker", "other")
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(น\.?)?\s*$")


# --- the customer's dialog -------------------------------------------------


def start(ctx: Context) -> None:
    sites = roster.sites_of(ctx.session, ctx.contact.account_id)
    if len(sites) > 1:
        conversations.set_step(ctx.state, FLOW, "site", now=ctx.now)
        buttons = [Button(s.name[:20], data=build("outage.site", s=s.id), display=s.name) for s in sites[:12]]
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
    _ask_symptom(ctx)


def _ask_symptom(ctx: Context) -> None:
    buttons = choice_buttons(ctx, "outage.symptom", SYMPTOMS, "symptom")
    ctx.reply(Message(text=t("outage_ask_symptom", ctx.lang), quick_replies=(*buttons, cancel_button(ctx))))


def on_symptom(ctx: Context) -> None:
    value = chosen_value(ctx, SYMPTOMS, "symptom")
    if value not in SYMPTOMS:
        _ask_symptom(ctx)
        return
    conversations.set_step(ctx.state, FLOW, "since", now=ctx.now, symptom=value)
    now_label = t("btn_since_now", ctx.lang)
    pick_label = t("btn_since_pick", ctx.lang)
    buttons = (
        Button(now_label, data=build("outage.since", v="now"), display=now_label),
        Button(pick_label, kind="datetime", data=build("outage.since", v="pick")),
        cancel_button(ctx),
    )
    ctx.reply(Message(text=t("outage_ask_since", ctx.lang), quick_replies=buttons))


def on_since(ctx: Context) -> None:
    started = _parse_since(ctx)
    if started is None:
        ctx.reply(Message(text=t("outage_bad_time", ctx.lang), quick_replies=(cancel_button(ctx),)))
        return
    _create_or_join(ctx, min(started, ctx.now))


def _parse_since(ctx: Context) -> datetime | None:
    if ctx.params.get("v") == "now":
        return ctx.now
    picked = ctx.inbound.params.get("datetime")
    if picked:
        try:
            return datetime.fromisoformat(picked).replace(tzinfo=BANGKOK).astimezone(timezone.utc)
        except ValueError:
            return None
    match = TIME_PATTERN.match(ctx.inbound.text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    local_now = ctx.now.astimezone(BANGKOK)
    local = local_now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    if local > local_now:  # "23:50" typed at 00:10 means last night
        local -= timedelta(days=1)
    return local.astimezone(timezone.utc)


def _create_or_join(ctx: Context, started: datetime) -> None:
    session, contact, data = ctx.session, ctx.contact, ctx.state.data
    site = session.get(Site, data["site_id"]) if data.get("site_id") else None
    site_name = site.name if site else "-"
    ticket, joined = open_outage(ctx, account_id=contact.account_id, site_id=data.get("site_id"), contact_id=contact.id,
                                 symptom=data["symptom"], started=started)
    if joined:
        conversations.clear(ctx.state, now=ctx.now)
        status = t(f"status_{ticket.status}", ctx.lang)
        ctx.reply(text_with_menu(ctx, t("outage_joined", ctx.lang, site=site_name, number=ticket.number, status=status)))
        return
    conversations.set_step(ctx.state, FLOW, "attach", now=ctx.now, ticket_id=ticket.id)
    text = t(
        "outage_created",
        ctx.lang,
        number=ticket.number,
        site=site_name,
        symptom=t(f"symptom_{ticket.category}", ctx.lang),
        since=format_datetime(started, ctx.lang),
    )
    ctx.reply(Message(text=text, quick_replies=_attach_buttons(ctx)))


def open_outage(ctx: Context, *, account_id: int, site_id: int | None, contact_id: int | None, symptom: str,
                started: datetime, description: str = "", details: dict | None = None) -> tuple[Ticket, bool]:
    """Open an outage ticket and call the KAMR, or join the site's open one: (ticket, joined).

    The LINE dialog and the Google Forms intake both come here; the channel is the inbound's."""
    session = ctx.session
    existing = tickets.open_for_site(session, kind="outage", account_id=account_id, site_id=site_id)
    if existing is not None:
        if contact_id is None or tickets.add_reporter(session, existing, contact_id):
            tickets.log(session, existing, "joined", now=ctx.now, contact_id=contact_id, symptom=symptom,
                        **(details or {}))
        return existing, True
    ticket = tickets.create(
        session,
        Ticket(
            kind="outage",
            channel=ctx.inbound.channel,
            account_id=account_id,
            site_id=site_id,
            contact_id=contact_id,
            category=symptom,
            description=description,
            details=details or {},
            created_at=ctx.now,
            started_at=started,
        ),
    )
    tickets.log(session, ticket, "reported", now=ctx.now, contact_id=contact_id)
    notify_responders(ctx, ticket)
    return ticket, False


def _attach_buttons(ctx: Context) -> tuple[Button, ...]:
    return ticketing.attach_buttons(ctx, "outage.done")


def on_attach(ctx: Context) -> None:
    ticketing.record_attachment(ctx, ctx.session.get(Ticket, ctx.state.data.get("ticket_id")))
    conversations.set_step(ctx.state, FLOW, "attach", now=ctx.now)
    ctx.reply(Message(text=t("outage_attached", ctx.lang), quick_replies=_attach_buttons(ctx)))


def done(ctx: Context) -> None:
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("outage_done", ctx.lang)))


# --- the KAMR's side ---------------------------------------------------------


def notify_responders(ctx: Context, ticket: Ticket) -> None:
    """The KAMR gets the card; with no KAMR on LINE the backup gets it at once."""
    ticketing.notify_responders(
        ctx, ticket, lambda lang, minutes: staff_card(ctx.session, ticket, lang, escalated_minutes=minutes))


def staff_card(session, ticket: Ticket, lang: str, *, escalated_minutes: int | None = None) -> Card:
    account = session.get(Account, ticket.account_id)
    site = session.get(Site, ticket.site_id) if ticket.site_id else None
    lines = [
        t("card_account", lang, account=f"{account.name} ({account.account_code})"),
        t("card_site", lang, site=site.name if site else "-"),
        t("card_symptom", lang, symptom=t(f"symptom_{ticket.category}", lang)),
        t("card_since", lang, since=format_datetime(ticket.started_at or ticket.created_at, lang)),
        t("card_status", lang, status=t(f"status_{ticket.status}", lang)),
    ]
    lines += ticketing.reporter_lines(session, ticket, lang)
    title_key = "outage_card_title"
    if escalated_minutes is not None:
        title_key = "outage_card_escalated_title"
        kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
        lines.append(t("card_escalated_from", lang, minutes=escalated_minutes, kamr=kamr.name if kamr else "-"))
    buttons = []
    if ticket.status == "open":
        buttons.append(Button(t("btn_ack", lang), data=build("outage.ack", t=ticket.id), display=t("btn_ack", lang)))
    if ticket.status in OPEN_STATUSES:
        buttons.append(Button(t("btn_update", lang), data=build("outage.update", t=ticket.id), display=t("btn_update", lang)))
        buttons.append(Button(t("btn_resolve", lang), data=build("outage.resolve", t=ticket.id), display=t("btn_resolve", lang)))
        buttons.append(ticketing.urgent_button(ticket, lang))
    return Card(title=t(title_key, lang, number=ticket.number), lines=tuple(lines), buttons=tuple(buttons))


def _ticket_for_staff(ctx: Context) -> Ticket | None:
    return ticketing.ticket_for_staff(ctx, "outage")


def _tell_reporters(ctx: Context, ticket: Ticket, key: str, *, rating: bool = False, **values) -> None:
    buttons = (lambda lang: rating_buttons(ticket, lang)) if rating else None
    ticketing.tell_reporters(ctx, ticket, key, buttons=buttons, **values)


def rating_buttons(ticket: Ticket, lang: str) -> tuple[Button, ...]:
    return score_buttons("ticket", ticket.id)


def acknowledge(ctx: Context) -> None:
    ticket = _ticket_for_staff(ctx)
    if ticket is None:
        return
    if not tickets.transition(ctx.session, ticket, ("open",), status="acknowledged", acknowledged_at=ctx.now,
                              acknowledged_by=ctx.staff.id):
        by = ctx.session.get(Staff, ticket.acknowledged_by) if ticket.acknowledged_by else None
        ctx.reply(text_with_menu(ctx, t("staff_already_acked", ctx.lang, number=ticket.number, staff=by.name if by else "-")))
        return
    tickets.log(ctx.session, ticket, "acknowledged", now=ctx.now, staff_id=ctx.staff.id)
    _tell_reporters(ctx, ticket, "outage_ack_customer", staff=ctx.staff.name)
    ctx.reply(Message(card=staff_card(ctx.session, ticket, ctx.lang)), Message(text=t("staff_acked", ctx.lang, number=ticket.number)))


def ask_update(ctx: Context) -> None:
    ticket = _ticket_for_staff(ctx)
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "update", now=ctx.now, ticket_id=ticket.id)
    ctx.reply(Message(text=t("staff_ask_update", ctx.lang, number=ticket.number), quick_replies=(cancel_button(ctx),)))


def on_update_text(ctx: Context) -> None:
    ticket = _ticket_for_staff(ctx)
    text = ctx.inbound.text.strip()[:1000]
    if ticket is None or not text:
        return
    if ticket.status == "open":  # posting an update is taking the ticket
        tickets.transition(ctx.session, ticket, ("open",), status="acknowledged", acknowledged_at=ctx.now,
                           acknowledged_by=ctx.staff.id)
    tickets.log(ctx.session, ticket, "update", now=ctx.now, staff_id=ctx.staff.id, text=text)
    _tell_reporters(ctx, ticket, "outage_update_customer", staff=ctx.staff.name, text=text)
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("staff_update_sent", ctx.lang, number=ticket.number)))


def resolve(ctx: Context) -> None:
    ticket = _ticket_for_staff(ctx)
    if ticket is None:
        return
    values = {"status": "resolved", "resolved_at": ctx.now}
    if ticket.acknowledged_at is None:
        values.update(acknowledged_at=ctx.now, acknowledged_by=ctx.staff.id)
    if not tickets.transition(ctx.session, ticket, OPEN_STATUSES, **values):
        ctx.reply(text_with_menu(ctx, t("ticket_already_resolved", ctx.lang, number=ticket.number)))
        return
    tickets.log(ctx.session, ticket, "resolved", now=ctx.now, staff_id=ctx.staff.id)
    _tell_reporters(ctx, ticket, "outage_resolved_customer", rating=True)
    ctx.reply(text_with_menu(ctx, t("staff_resolved", ctx.lang, number=ticket.number)))


def view(ctx: Context) -> None:
    ticket = _ticket_for_staff(ctx)
    if ticket is not None:
        ctx.reply(Message(card=staff_card(ctx.session, ticket, ctx.lang)))


ACTIONS = {
    "outage": Action(start, "contact"),
    "outage.site": Action(on_site, "contact"),
    "outage.symptom": Action(on_symptom, "contact"),
    "outage.since": Action(on_since, "contact"),
    "outage.done": Action(done, "contact"),
    "outage.ack": Action(acknowledge, "staff"),
    "outage.update": Action(ask_update, "staff"),
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
