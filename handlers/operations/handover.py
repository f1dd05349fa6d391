"""Handover: an account changed KAMR (any roster import). The new KAMR gets one card with the account's
open tickets and planned visits, the old KAMR is told, the customer contacts meet their new KAMR, and
the planned visits move. The import only records the change; its caller runs this with a notifier."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.messages import Button, Card, Message
from handlers.notify import Notifier
from handlers.operations.reachable import calls_to
from handlers.postback import build
from handlers.texts import TEXTS, t
from handlers.thai_dates import format_date
from storage import roster, tickets, visits
from storage.models import Account, Staff


def hand_over(session: Session, handovers: list[tuple[int, int | None, int]], *, now: datetime,
              notifier: Notifier) -> int:
    """Returns the number of accounts handed over."""
    for account_id, old_id, new_id in handovers:
        account, new = session.get(Account, account_id), session.get(Staff, new_id)
        old = session.get(Staff, old_id) if old_id else None
        open_tickets = tickets.open_for_account(session, account_id)
        moved = visits.move_planned(session, account_id=account_id, from_staff_id=old_id, to_staff_id=new_id)
        for ticket in open_tickets:
            tickets.log(session, ticket, "handed_over", now=now, staff_id=new_id, from_staff=old_id)
        _tell_new(account, new, old, open_tickets, moved, notifier)
        if old is not None and old.active:
            mine = t("btn_my_tickets", old.language)  # what is still theirs; the new KAMR to call about the rest
            notifier.push(old, [Message(text=t("handover_old", old.language, account=account.name, name=new.name,
                                               tickets=len(open_tickets), visits=len(moved)),
                                        quick_replies=(*calls_to(new, old.language),
                                                       Button(mine, data=build("mytickets"), display=mine)))])
        for contact in roster.contacts_of(session, account_id):
            if notifier.reachable(contact):
                lang = contact.language
                buttons = calls_to(new, lang)
                notifier.push(contact, [Message(card=Card(title=t("handover_intro_title", lang, account=account.name),
                                                          lines=(t("handover_intro_line", lang, name=new.name),),
                                                          buttons=buttons))])
    return len(handovers)


def _tell_new(account: Account, new: Staff, old: Staff | None, open_tickets, moved, notifier: Notifier) -> None:
    lang = new.language
    lines = [t("handover_new_from", lang, name=old.name)] if old else []
    lines += [t("handover_open_ticket", lang, number=ticket.number, status=_status(ticket.status, lang))
              for ticket in open_tickets]
    lines += [t("handover_visit", lang, date=format_date(visit.visit_date, lang)) for visit in moved]
    if not open_tickets and not moved:
        lines.append(t("handover_nothing_open", lang))
    buttons = calls_to(old, lang)
    notifier.push(new, [Message(card=Card(title=t("handover_new_title", lang, account=account.name),
                                          lines=tuple(lines), buttons=buttons))])


def _status(status: str, lang: str) -> str:
    return t(f"status_{status}", lang) if f"status_{status}" in TEXTS else status
