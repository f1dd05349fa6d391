"""The KAMR's side of area incidents (issue 16): "ทั้งฟีดเดอร์" on an outage card, then update and restore.

Every postback is checked: the ticket through ticketing.ticket_for_staff, the incident through
incidents.may_handle (a KAMR of an affected account or a supervisor of its office)."""
from __future__ import annotations

from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Message
from handlers.operations import incidents as operations
from handlers.operations.incidents import IncidentError
from handlers.postback import build, int_param
from handlers.texts import t
from handlers.thai_dates import picked_moment
from handlers.ticketing import cancel_button
from storage import conversations, incidents, network
from storage.models import Incident, Site

FLOW = "incident"


def _feeder_of(ctx: Context):
    ticket = ticketing.ticket_for_staff(ctx, "outage")
    if ticket is None:
        return None, None
    site = ctx.session.get(Site, ticket.site_id) if ticket.site_id else None
    if site is None or not site.feeder:
        ctx.reply(text_with_menu(ctx, t("incident_no_feeder", ctx.lang)))
        return None, None
    open_now = incidents.open_on_feeders(ctx.session, [site.feeder]).get(site.feeder)
    if open_now is not None:
        ctx.reply(Message(text=t("incident_exists", ctx.lang, number=open_now.number)),
                  Message(card=operations.staff_card(ctx.session, open_now, ctx.staff)))
        return None, None
    return ticket, site.feeder


def ask_feeder(ctx: Context) -> None:
    """Say what a whole-feeder notice would reach before anyone is told."""
    ticket, feeder = _feeder_of(ctx)
    if ticket is None:
        return
    sites = network.sites_on(ctx.session, [feeder])
    text = t("incident_confirm", ctx.lang, feeder=feeder, sites=len(sites), accounts=len({s.account_id for s in sites}))
    label = t("btn_incident_confirm", ctx.lang)
    ctx.reply(Message(text=text, quick_replies=(Button(label, data=build("incident.open", t=ticket.id), display=label),
                                                cancel_button(ctx))))


def open_feeder(ctx: Context) -> None:
    ticket, feeder = _feeder_of(ctx)
    if ticket is None:
        return
    incident, created = operations.open_incident(ctx.session, now=ctx.now, actor=ctx.staff, channel=ctx.inbound.channel,
                                           notifier=ctx.notifier, feeders=[feeder],
                                           started=min(ticket.started_at or ticket.created_at, ctx.now))
    if not created:  # someone opened it while this KAMR was confirming
        ctx.reply(text_with_menu(ctx, t("incident_exists", ctx.lang, number=incident.number)))
        return
    told = len(incidents.recipients(ctx.session, incident))
    ctx.reply(text_with_menu(ctx, t("incident_opened", ctx.lang, number=incident.number, count=told)))


def _incident(ctx: Context) -> Incident | None:
    incident = ctx.session.get(Incident, int_param(ctx.params, "i") or int_param(ctx.state.data, "incident_id") or 0)
    if incident is None:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    if not operations.may_handle(ctx.session, incident, ctx.staff):
        ctx.reply(text_with_menu(ctx, t("not_allowed", ctx.lang)))
        return None
    if incident.status != "open":
        ctx.reply(text_with_menu(ctx, t("incident_already_restored", ctx.lang, number=incident.number)))
        return None
    return incident


def ask_update(ctx: Context) -> None:
    """A typed note, a cause from the configured list, or an estimate from the date-time picker."""
    incident = _incident(ctx)
    if incident is None:
        return
    conversations.set_step(ctx.state, FLOW, "update", now=ctx.now, incident_id=incident.id)
    etr = Button(t("incident_card_etr", ctx.lang, etr="…"), kind="datetime", data=build("incident.etr", i=incident.id))
    ctx.reply(Message(text=t("incident_ask_update", ctx.lang, number=incident.number),
                      quick_replies=(*ticketing.cause_buttons(ctx, "incident.cause", i=incident.id), etr,
                                     cancel_button(ctx))))


def _update(ctx: Context, incident: Incident, **change) -> None:
    try:
        count = operations.update_incident(ctx.session, incident, now=ctx.now, actor=ctx.staff, notifier=ctx.notifier,
                                           note=change.pop("note", incident.note), **change)
    except IncidentError as error:
        ctx.reply(text_with_menu(ctx, str(error)))
        return
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("incident_update_sent", ctx.lang, number=incident.number, count=count)))


def on_cause(ctx: Context) -> None:
    incident = _incident(ctx)
    cause = ticketing.chosen_cause(ctx) if incident is not None else None
    if cause is not None:
        _update(ctx, incident, cause=cause)


def on_etr(ctx: Context) -> None:
    incident = _incident(ctx)
    if incident is None:
        return
    etr = picked_moment(ctx.inbound.params)
    if etr is None:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    if etr < ctx.now:  # the picker is bounded on the phone, but its answer can be forged
        ctx.reply(text_with_menu(ctx, t("incident_etr_past", ctx.lang)))
        return
    _update(ctx, incident, etr=etr)


def on_note(ctx: Context) -> None:
    incident = _incident(ctx)
    text = ctx.inbound.text.strip()[:1000]
    if incident is not None and text:
        _update(ctx, incident, note=text)


def restore(ctx: Context) -> None:
    incident = _incident(ctx)
    if incident is None:
        return
    if not operations.restore_incident(ctx.session, incident, now=ctx.now, actor=ctx.staff, notifier=ctx.notifier):
        ctx.reply(text_with_menu(ctx, t("incident_already_restored", ctx.lang, number=incident.number)))
        return
    told = len(incidents.recipients(ctx.session, incident))
    ctx.reply(text_with_menu(ctx, t("incident_restore_sent", ctx.lang, number=incident.number, count=told)))


ACTIONS = {
    "incident.feeder": Action(ask_feeder, "staff"),
    "incident.open": Action(open_feeder, "staff"),
    "incident.update": Action(ask_update, "staff"),
    "incident.cause": Action(on_cause, "staff"),
    "incident.etr": Action(on_etr, "staff"),
    "incident.restore": Action(restore, "staff"),
}
STEPS = {(FLOW, "update"): Action(on_note, "staff")}
