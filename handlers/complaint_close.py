"""Complaint close-out (form VOC 04): the customer acknowledges the answer and rates it, or the KAMR
records the customer's acknowledgment and score for them and a manager certifies it.

State lives in Ticket.details and TicketEvent rows: details["customer_ack"] (who/when the customer
tapped acknowledge), details["on_behalf"] (who recorded, channel, score, when), details["follow_up_call"].
"""
from __future__ import annotations

from datetime import date, datetime

from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Card, Message
from handlers.operations.ratings import follow_up_low_score
from handlers.postback import build, int_param
from handlers.rules import roles
from handlers.rules.scores import is_low
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_age, format_date, to_bangkok
from handlers.rules.workdays import calendar_from_config
from storage import conversations, ratings, tickets
from storage.models import Account, Staff, Ticket

FLOW = "closeout"
SCORES = (5, 4, 3, 2, 1)
# VOC 04 filled for the complainant: the channels the 2021 memo names (002 §3.2(1): telephone/fax, e-mail,
# LINE and other online chat, video) and meeting in person (issue 17 added LINE and fax).
CHANNELS = ("phone", "line", "video", "email", "fax", "in_person")
CARD_TEXT = 160  # the complaint and the answer as a certification card shows them
MAX_REASON = 500


# --- buttons -------------------------------------------------------------------


def ack_buttons(ticket: Ticket, lang: str) -> tuple[Button, ...]:
    label = t("btn_complaint_ack", lang)
    return (Button(label, data=build("closeout.ack", t=ticket.id), display=label),)


def onbehalf_button(ticket: Ticket, lang: str) -> Button:
    label = t("btn_onbehalf", lang)
    return Button(label, data=build("closeout.onbehalf", t=ticket.id), display=label)


def _score_buttons(action: str, ticket: Ticket, **params) -> tuple[Button, ...]:
    return tuple(Button(str(s), data=build(action, t=ticket.id, **params, s=s), display=f"{s}/5") for s in SCORES)


# --- the customer ----------------------------------------------------------------


def _customer_ticket(ctx: Context) -> Ticket | None:
    """The answered complaint named by the postback, if this contact filed or joined it: the
    buttons go to those contacts only, and a colleague who never saw the answer may not close it."""
    ticket = ticketing.ticket_for_contact(ctx, "complaint")
    if ticket is None:
        return None
    if ticket.status != "answered":
        done = ticket.status == "closed"
        ctx.reply(text_with_menu(ctx, t("rating_already" if done else "rating_not_ready", ctx.lang)))
        return None
    if not tickets.is_reporter(ctx.session, ticket, ctx.contact.id):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    return ticket


def acknowledge(ctx: Context) -> None:
    ticket = _customer_ticket(ctx)
    if ticket is None:
        return
    if "customer_ack" not in ticket.details:
        ticket.details = {**ticket.details, "customer_ack": {"contact_id": ctx.contact.id, "at": ctx.now.isoformat()}}
        ctx.session.add(ticket)
    ctx.reply(Message(text=t("complaint_ask_rating", ctx.lang, number=ticket.number),
                      quick_replies=_score_buttons("closeout.rate", ticket)))


def rate(ctx: Context) -> None:
    score = int_param(ctx.params, "s")
    if score not in SCORES:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    ticket = _customer_ticket(ctx)
    if ticket is None:
        return
    if not tickets.transition(ctx.session, ticket, ("answered",), status="closed", resolved_at=ctx.now):
        ctx.reply(text_with_menu(ctx, t("rating_already", ctx.lang)))
        return
    ratings.add(ctx.session, subject_kind="ticket", subject_id=ticket.id, account_id=ticket.account_id,
                contact_id=ctx.contact.id, score=score, now=ctx.now)
    ack = ticket.details.get("customer_ack") or {"contact_id": ctx.contact.id, "at": ctx.now.isoformat()}
    low = is_low(score, ctx.config.reports)
    ticket.details = {**ticket.details, "customer_ack": ack, "closed_at": ctx.now.isoformat(),
                      **({"follow_up_call": True} if low else {})}
    ctx.session.add(ticket)
    tickets.log(ctx.session, ticket, "customer_acknowledged", now=ctx.now, contact_id=ack["contact_id"],
                acknowledged_at=ack["at"])
    tickets.log(ctx.session, ticket, "closed", now=ctx.now, contact_id=ctx.contact.id, score=score)
    ctx.reply(text_with_menu(ctx, t("rating_thanks_low" if low else "rating_thanks", ctx.lang, score=score)))
    if low:
        follow_up_low_score(ctx.session, ticket, score, notifier=ctx.notifier, contact_id=ctx.contact.id)


# --- on behalf of the customer: the KAMR records, a manager certifies ----------------


def _answered_for_staff(ctx: Context) -> Ticket | None:
    """The answered complaint the staff member may close for the customer, once the customer has had
    the configured wait. Checked at every step: the channel and score buttons can be forged too."""
    ticket = ticketing.ticket_for_staff(ctx, "complaint")
    if ticket is not None and ticket.status != "answered":
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return None
    if ticket is None:
        return None
    allowed_from = _onbehalf_allowed_from(ctx, ticket)
    if allowed_from is not None and bangkok_today(ctx.now) < allowed_from:
        ctx.reply(text_with_menu(ctx, t("onbehalf_too_early", ctx.lang, number=ticket.number,
                                        date=format_date(allowed_from, ctx.lang))))
        return None
    return ticket


def onbehalf(ctx: Context) -> None:
    ticket = _answered_for_staff(ctx)
    if ticket is None:
        return
    labels = {c: t(f"channel_{c}", ctx.lang) for c in CHANNELS}
    buttons = tuple(Button(labels[c], data=build("closeout.obchannel", t=ticket.id, v=c), display=labels[c])
                    for c in CHANNELS)
    ctx.reply(Message(text=t("onbehalf_ask_channel", ctx.lang, number=ticket.number), quick_replies=buttons))


def _onbehalf_allowed_from(ctx: Context, ticket: Ticket) -> date | None:
    """The first day the KAMR may close for the customer; None when the customer has no LINE."""
    if ticket.channel != "line" or "answered_at" not in ticket.details:
        return None
    answered = to_bangkok(datetime.fromisoformat(ticket.details["answered_at"])).date()
    wait = ctx.config.complaints.customer_ack_wait_working_days
    return calendar_from_config(ctx.config).add_working_days(answered, wait).due


def onbehalf_channel(ctx: Context) -> None:
    channel = ctx.params.get("v", "")
    if channel not in CHANNELS:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    ticket = _answered_for_staff(ctx)
    if ticket is None:
        return
    ctx.reply(Message(text=t("onbehalf_ask_score", ctx.lang, number=ticket.number),
                      quick_replies=_score_buttons("closeout.obscore", ticket, c=channel)))


def onbehalf_score(ctx: Context) -> None:
    channel, score = ctx.params.get("c", ""), int_param(ctx.params, "s")
    if channel not in CHANNELS or score not in SCORES:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    ticket = _answered_for_staff(ctx)
    if ticket is None:
        return
    if not tickets.transition(ctx.session, ticket, ("answered",), status="pending_certification"):
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return
    record = {"by": ctx.staff.id, "channel": channel, "score": score, "at": ctx.now.isoformat()}
    ticket.details = {**ticket.details, "on_behalf": record}
    ctx.session.add(ticket)
    tickets.log(ctx.session, ticket, "closed_on_behalf", now=ctx.now, staff_id=ctx.staff.id, channel=channel, score=score)
    manager = roles.person_for(ctx.session, ctx.staff, roles.CERTIFIER)
    account = ctx.session.get(Account, ticket.account_id)
    if manager is None or not manager.line_user_id:
        ctx.reply(text_with_menu(ctx, t("onbehalf_no_manager", ctx.lang, number=ticket.number)))
        return
    text = t("certify_request", manager.language, number=ticket.number, account=account.name, staff=ctx.staff.name,
             channel=t(f"channel_{channel}", manager.language), score=score)
    # The card carries the case and both buttons, and stays in งานของฉัน after this push scrolls away.
    ctx.push(manager, Message(card=certification_card(ctx.session, ticket, manager.language, now=ctx.now), text=text,
                              quick_replies=certify_buttons(ticket, manager.language)[:1]))
    ctx.reply(text_with_menu(ctx, t("onbehalf_sent", ctx.lang, number=ticket.number, manager=manager.name)))


def _may_certify(session, staff: Staff, ticket: Ticket) -> bool:
    recorder = session.get(Staff, ticket.details["on_behalf"]["by"])
    return recorder is not None and roles.may_certify(staff, recorder, session.get(Account, ticket.account_id))


def certify(ctx: Context) -> None:
    ticket = _certifiable(ctx)
    if ticket is None:
        return
    if not tickets.transition(ctx.session, ticket, ("pending_certification",), status="closed", resolved_at=ctx.now):
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return
    record = ticket.details["on_behalf"]
    score = int(record["score"])
    ratings.add(ctx.session, subject_kind="ticket", subject_id=ticket.id, account_id=ticket.account_id,
                contact_id=None, score=score, now=ctx.now, comment=f"on_behalf:{record['channel']}")
    ticket.details = {**ticket.details, "on_behalf": {**record, "certified_by": ctx.staff.id, "certified_at": ctx.now.isoformat()},
                      "closed_at": ctx.now.isoformat(), **({"follow_up_call": True} if is_low(score, ctx.config.reports) else {})}
    ctx.session.add(ticket)
    tickets.log(ctx.session, ticket, "certified", now=ctx.now, staff_id=ctx.staff.id, recorded_by=record["by"], score=score)
    ctx.reply(text_with_menu(ctx, t("certify_done", ctx.lang, number=ticket.number)))
    if is_low(score, ctx.config.reports):  # the same follow-up call as a low score the customer gave
        follow_up_low_score(ctx.session, ticket, score, notifier=ctx.notifier)
    recorder = ctx.session.get(Staff, record["by"])
    if recorder is not None:
        ctx.push(recorder, Message(text=t("certify_done_staff", recorder.language, number=ticket.number)))


def certify_buttons(ticket: Ticket, lang: str) -> tuple[Button, ...]:
    certify, refuse = t("btn_certify", lang), t("btn_refuse_certify", lang)
    return (Button(certify, data=build("closeout.certify", t=ticket.id), display=certify),
            Button(refuse, data=build("closeout.refuse", t=ticket.id), display=refuse))


def certification_card(session, ticket: Ticket, lang: str, *, now: datetime) -> Card:
    """A close-out recorded for the customer: what was complained, what was answered, how, what score, by whom."""
    record = ticket.details["on_behalf"]
    recorder = session.get(Staff, record["by"])
    account = session.get(Account, ticket.account_id)
    answer = next((e.text for e in reversed(tickets.history(session, ticket)) if e.action == "answered"), "")
    lines = (
        t("card_account", lang, account=account.name),
        t("cert_complaint", lang, text=_short(ticket.description)),
        t("cert_answer", lang, text=_short(answer) or "-"),
        t("cert_channel_score", lang, channel=t(f"channel_{record['channel']}", lang), score=record["score"]),
        t("cert_recorded_by", lang, staff=recorder.name if recorder else "-",
          age=format_age(now, datetime.fromisoformat(record["at"]), lang)),
    )
    return Card(title=t("cert_card_title", lang, number=ticket.number), lines=lines, buttons=certify_buttons(ticket, lang))


def _short(text: str) -> str:
    return text if len(text) <= CARD_TEXT else text[: CARD_TEXT - 1] + "…"


def _certifiable(ctx: Context) -> Ticket | None:
    """The close-out named by the postback (or the refusal being typed), if this person may certify it."""
    ticket = ctx.session.get(Ticket, int_param(ctx.params, "t") or int_param(ctx.state.data, "ticket_id") or 0)
    if ticket is None or ticket.kind != "complaint":
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    if ticket.status != "pending_certification" or "on_behalf" not in ticket.details:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return None
    if not _may_certify(ctx.session, ctx.staff, ticket):
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("not_allowed", ctx.lang)))
        return None
    return ticket


def ask_refusal(ctx: Context) -> None:
    ticket = _certifiable(ctx)
    if ticket is None:
        return
    recorder = ctx.session.get(Staff, ticket.details["on_behalf"]["by"])
    conversations.set_step(ctx.state, FLOW, "refuse_reason", now=ctx.now, ticket_id=ticket.id)
    ctx.reply(Message(text=t("refuse_ask_reason", ctx.lang, number=ticket.number, staff=recorder.name if recorder else "-"),
                      quick_replies=(ticketing.cancel_button(ctx),)))


def on_refusal(ctx: Context) -> None:
    """Not certified: the complaint goes back to answered, the recorder hears why and may close it again."""
    ticket = _certifiable(ctx)
    if ticket is None:
        return
    reason = ctx.inbound.text.strip()[:MAX_REASON] if ctx.inbound.kind == "text" else ""
    if not reason:
        ask_refusal(ctx)
        return
    conversations.clear(ctx.state, now=ctx.now)
    if not tickets.transition(ctx.session, ticket, ("pending_certification",), status="answered"):
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return
    record = {**ticket.details["on_behalf"], "refused_by": ctx.staff.id, "refused_at": ctx.now.isoformat(),
              "reason": reason}
    details = {k: v for k, v in ticket.details.items() if k != "on_behalf"}
    ticket.details = {**details, "refused_close_outs": [*details.get("refused_close_outs", []), record]}
    ctx.session.add(ticket)
    tickets.log(ctx.session, ticket, "certification_refused", now=ctx.now, staff_id=ctx.staff.id, text=reason,
                recorded_by=record["by"])
    recorder = ctx.session.get(Staff, record["by"])
    if recorder is not None:
        ctx.push(recorder, Message(text=t("refused_staff", recorder.language, number=ticket.number,
                                          manager=ctx.staff.name, reason=reason),
                                   quick_replies=(onbehalf_button(ticket, recorder.language),)))
    ctx.reply(text_with_menu(ctx, t("refuse_done", ctx.lang, number=ticket.number,
                                    staff=recorder.name if recorder else "-")))


# Its buttons say "closeout.…"; they said "complaint.…" until 2026-12 (aliases in handlers/router.py).
PREFIXES = ("closeout",)
ACTIONS = {
    "closeout.ack": Action(acknowledge, "contact"),
    "closeout.rate": Action(rate, "contact"),
    "closeout.onbehalf": Action(onbehalf, "staff"),
    "closeout.obchannel": Action(onbehalf_channel, "staff"),
    "closeout.obscore": Action(onbehalf_score, "staff"),
    "closeout.certify": Action(certify, "staff"),
    "closeout.refuse": Action(ask_refusal, "staff"),
}

STEPS = {(FLOW, "refuse_reason"): Action(on_refusal, "staff")}

# The certifier's typing step: any other tap parks it (handlers/parking.py).
TYPING_STEPS = {"refuse_reason": ("parked_refusal", "closeout.refuse")}
