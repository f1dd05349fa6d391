"""An answer nobody received on LINE (a complaint filed by Google Form by someone without LINE) is not claimed
as delivered: the KAMR gets the filer's name, phone (tap to call) and e-mail with the answer, delivers it by
phone, e-mail or in person, and records how (issue 21 item 4)."""
from __future__ import annotations

from urllib.parse import quote

from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Card
from handlers.operations import complaints
from handlers.operations.complaints import DELIVERY_CHANNELS
from handlers.postback import build
from handlers.texts import t
from storage import tickets
from storage.models import Contact, Ticket

FLOW = "delivery"
CARD_ANSWER = 500


def filer(session, ticket: Ticket) -> tuple[str, str, str]:
    """The filer's name, phone and e-mail: what the form said, else what the roster knows."""
    contact = session.get(Contact, ticket.contact_id) if ticket.contact_id else None
    name = ticket.details.get("reporter_name") or (contact.name or contact.display_name if contact else "")
    phone = ticket.details.get("phone") or (contact.phone if contact else "")
    email = ticket.details.get("email") or (contact.email if contact else "")
    return name, phone, email


def delivery_card(session, ticket: Ticket, lang: str) -> Card:
    name, phone, email = filer(session, ticket)
    answer = next((e.text for e in reversed(tickets.history(session, ticket)) if e.action == "answered"), "")
    lines = [t("delivery_why", lang),
             t("card_reporter", lang, name=name or "-"),
             t("card_phone", lang, phone=phone or "-"),
             t("delivery_email", lang, email=email or "-"),
             t("cert_answer", lang, text=answer if len(answer) <= CARD_ANSWER else answer[: CARD_ANSWER - 1] + "…")]
    buttons = [b for b in (ticketing.call_button(phone, lang),) if b]
    if email:
        subject = quote(t("delivery_mail_subject", lang, number=ticket.number))
        buttons.append(Button(t("btn_mail", lang), kind="uri", data=f"mailto:{email}?subject={subject}"))
    for how in DELIVERY_CHANNELS:
        label = t(f"btn_delivered_{how}", lang)
        buttons.append(Button(label, data=build("delivery.done", t=ticket.id, v=how), display=label))
    return Card(title=t("delivery_title", lang, number=ticket.number), lines=tuple(lines), buttons=tuple(buttons))


def delivered(ctx: Context) -> None:
    how = ctx.params.get("v", "")
    if how not in DELIVERY_CHANNELS:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    ticket = ticketing.ticket_for_staff(ctx, "complaint")
    if ticket is None:
        return
    if not complaints.record_delivery(ctx.session, ticket, how, now=ctx.now, actor=ctx.staff):
        ctx.reply(text_with_menu(ctx, t("delivery_already", ctx.lang, number=ticket.number)))
        return
    ctx.reply(text_with_menu(ctx, t("delivery_recorded", ctx.lang, number=ticket.number,
                                    how=t(f"delivered_how_{how}", ctx.lang))))


ACTIONS = {"delivery.done": Action(delivered, "staff")}
