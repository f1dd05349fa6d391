"""Pieces shared by the ticket dialogs (outage, complaint, service): who may act, the buttons, the card's reporter lines.

Who hears about a ticket is handlers/operations/reaching.py."""
from __future__ import annotations

from typing import Callable

from handlers.context import Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Message
from handlers.operations import case
from handlers.operations.reachable import tel_uri
from handlers.postback import build, int_param
from handlers.rules import roles
from handlers.texts import t
from handlers.thai_dates import time_label
from storage import conversations, escalations, media, tickets
from storage.models import Account, Contact, Ticket


def cancel_button(ctx: Context) -> Button:
    label = t("btn_cancel", ctx.lang)
    return Button(label, kind="text", data=ctx.config.bot.cancel_words[0], display=label)


def choice_buttons(ctx: Context, action: str, values: tuple[str, ...], text_prefix: str) -> list[Button]:
    """Quick replies for a fixed list of choices, labelled by texts "<prefix>_<value>"."""
    labels = {v: t(f"{text_prefix}_{v}", ctx.lang) for v in values}
    return [Button(labels[v], data=build(action, v=v), display=labels[v]) for v in values]


def chosen_value(ctx: Context, values: tuple[str, ...], text_prefix: str) -> str:
    """The value from the tapped button, or from the label typed in Thai or English."""
    return ctx.params.get("v") or value_for_label(ctx.inbound.text, values, text_prefix)


def value_for_label(text: str, values: tuple[str, ...], text_prefix: str) -> str:
    """The value whose Thai or English label is `text` (as a button or a form's choice shows it), else ""."""
    typed = text.strip()
    return next((v for v in values if typed in (t(f"{text_prefix}_{v}", "th"), t(f"{text_prefix}_{v}", "en"))), "")


def attach_buttons(ctx: Context, done_action: str, *, location: bool = True) -> tuple[Button, ...]:
    """Camera, photo album, (location,) done: what a reporter may add after the ticket number."""
    done = t("btn_done", ctx.lang)
    buttons = [Button(t("btn_photo", ctx.lang), kind="camera"), Button(t("btn_album", ctx.lang), kind="camera_roll")]
    if location:
        buttons.append(Button(t("btn_location", ctx.lang), kind="location"))
    return (*buttons, Button(done, data=build(done_action), display=done))


def reported_ticket(ctx: Context) -> Ticket | None:
    """The ticket this dialog reported. Read without flushing: a photo just recorded is then
    written once, already on its ticket, not inserted and then updated."""
    with ctx.session.no_autoflush:
        return ctx.session.get(Ticket, ctx.state.data.get("ticket_id") or 0)


def on_attach(ctx: Context, *, done: Callable[[Context], None], buttons: tuple[Button, ...]) -> None:
    """The step after a report: the Done label typed by hand finishes; what the ticket can use is
    recorded and reaches the responders; anything else shows this step's buttons again."""
    typed = ctx.inbound.text.strip().lower() if ctx.inbound.kind == "text" else ""
    if typed and typed in (t("btn_done", "th").lower(), t("btn_done", "en").lower()):
        done(ctx)
        return
    ticket = reported_ticket(ctx)
    conversations.set_step(ctx.state, ctx.state.flow, "attach", now=ctx.now)
    used = ticket is not None and ticket.account_id == ctx.contact.account_id and record_attachment(ctx, ticket)
    ctx.reply(Message(text=t("outage_attached" if used else "attach_what", ctx.lang), quick_replies=buttons))


def record_attachment(ctx: Context, ticket: Ticket) -> bool:
    """A photo, file, location or extra note sent right after reporting goes on the ticket, and
    reaches the responders (notes at once, files once stored). False: nothing the ticket can use."""
    inbound = ctx.inbound
    if inbound.kind in ("image", "media"):
        action = "photo" if inbound.kind == "image" else "file"
        kept = media.attach_to_ticket(ctx.session, inbound.media_id, ticket.id)  # before the log's flush writes it
        tickets.log(ctx.session, ticket, action, now=ctx.now, contact_id=ctx.contact.id, media_id=inbound.media_id)
        if kept is not None and kept.status == "stored":  # already fetched: the fetcher will not relay it again
            case.relay_media(ctx.session, kept, now=ctx.now, notifier=ctx.notifier)
    elif inbound.kind == "location":
        tickets.log(
            ctx.session, ticket, "location", now=ctx.now, contact_id=ctx.contact.id,
            latitude=inbound.latitude, longitude=inbound.longitude, address=inbound.address,
        )
        case.relay_pin(ctx.session, ticket, latitude=inbound.latitude, longitude=inbound.longitude,
                       address=inbound.address, notifier=ctx.notifier)
    elif inbound.kind == "text" and inbound.text.strip():
        text = inbound.text.strip()[:1000]
        tickets.log(ctx.session, ticket, "note", now=ctx.now, contact_id=ctx.contact.id, text=text)
        case.relay_note(ctx.session, ticket, ctx.contact, text, notifier=ctx.notifier)
    else:
        return False
    return True


def reporter_lines(session, ticket: Ticket, lang: str, reads: case.CaseReads | None = None) -> list[str]:
    """Who reported (every contact of a joined outage) and how to call back; and that it came by form."""
    contact = session.get(Contact, ticket.contact_id) if ticket.contact_id else None
    name = case.person_name(contact) if contact else ticket.details.get("reporter_name", "")
    phone = ticket.details.get("phone") or (contact.phone if contact else "")
    lines = [t("card_reporter", lang, name=name)] if name else []
    if phone:
        lines.append(t("card_phone", lang, phone=phone))
    others = [c for c in (reads or case.CaseReads(session, ticket)).reporters if c.id != ticket.contact_id]
    for other in others:
        lines.append(t("card_also_reported", lang, name=case.person_name(other) or "-",
                       phone=f" ({other.phone})" if other.phone else ""))
    if ticket.channel == "form":
        lines.append(t("card_via_form", lang))
    return lines


def ticket_for_staff(ctx: Context, kind: str | tuple[str, ...]) -> Ticket | None:
    """The ticket named by the postback (or the dialog), if this staff member may act on it.

    `kind` is one ticket kind or a tuple of the kinds accepted."""
    kinds = (kind,) if isinstance(kind, str) else kind
    ticket = ctx.session.get(Ticket, int_param(ctx.params, "t") or int_param(ctx.state.data, "ticket_id") or 0)
    if ticket is None or ticket.kind not in kinds:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    account = ctx.session.get(Account, ticket.account_id)
    if (ticket.escalated_to != ctx.staff.id and not escalations.had_ticket(ctx.session, ticket.id, ctx.staff.id)
            and not roles.may_act_for_account(ctx.session, ctx.staff, account)):
        ctx.reply(text_with_menu(ctx, t("not_allowed", ctx.lang)))
        return None
    return ticket


def workable_ticket(ctx: Context, kind: str, statuses: tuple[str, ...], closed_key: str) -> Ticket | None:
    """ticket_for_staff, and still in one of `statuses`; else the typing step ends and `closed_key` says why."""
    ticket = ticket_for_staff(ctx, kind)
    if ticket is not None and ticket.status not in statuses:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t(closed_key, ctx.lang, number=ticket.number)))
        return None
    return ticket


def ticket_for_contact(ctx: Context, kind: str) -> Ticket | None:
    """The ticket named by the postback if it is of `kind` and belongs to this contact's account.

    Someone else's ticket looks exactly like a missing one: no hint that it exists."""
    ticket = ctx.session.get(Ticket, int_param(ctx.params, "t") or 0)
    if ticket is None or ticket.kind != kind or ticket.account_id != ctx.contact.account_id:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    return ticket


def call_button(phone: str, lang: str) -> Button | None:
    """Tap to call (a tel: link), for a number with at least a few digits."""
    uri = tel_uri(phone or "")
    return Button(t("btn_call", lang, phone=phone), kind="uri", data=uri) if len(uri) >= len("tel:") + 3 else None


def urgent_button(ticket: Ticket, lang: str) -> Button:
    """"Report urgently to the decision maker" (CRM-KAM-003, handlers/urgent.py) on an open ticket's staff card."""
    label = t("btn_urgent", lang)
    return Button(label, data=build("urgent.start", t=ticket.id), display=label)


def outside_hours_text(ctx: Context, hhmm: str) -> str:
    """Why an appointment time is refused: outside office hours ([first_answer] office_opens–office_closes)."""
    hours = ctx.config.first_answer
    return t("time_outside_hours", ctx.lang, time=time_label(hhmm, ctx.lang), opens=hours.office_opens,
             closes=hours.office_closes)


def cause_buttons(ctx: Context, action: str, **ids) -> tuple[Button, ...]:
    """The [incidents] causes as quick replies (outage tickets and area incidents alike), at most 11 so that
    the estimate picker and [ยกเลิก] fit LINE's 13."""
    return tuple(Button(cause, data=build(action, **ids, c=n), display=cause)
                 for n, cause in enumerate(ctx.config.incidents.causes))[:11]


def chosen_cause(ctx: Context) -> str | None:
    """The cause a cause button names; a forged index, or a list changed since, is an expired button (None)."""
    index = int_param(ctx.params, "c")
    causes = ctx.config.incidents.causes
    if index is None or not 0 <= index < len(causes):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    return causes[index]
