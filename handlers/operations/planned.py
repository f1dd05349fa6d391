"""Planned outages (issue 16): notices ahead of the work, a reminder the day before, moves and
cancellations, acknowledgements and questions for the KAMR.

`send_due` is what the scheduler runs: nothing outside the daytime window (handlers/rules/daytime);
each notice is claimed before it is queued, so two schedulers send it once."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import PlannedConfig
from handlers.messages import Button, Card, Message
from handlers.notify import Notifier
from handlers.postback import build
from handlers.rules.daytime import in_daytime
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_datetime, to_bangkok
from storage import planned as store
from storage.models import Account, Contact, PlannedOutage, Staff

CARD_ACCOUNTS = 10


def send_due(session: Session, *, now: datetime, config: PlannedConfig, notifier: Notifier) -> int:
    """Changes first (a move supersedes its old reminder), then notices, then reminders; returns how many went."""
    if not in_daytime(now, config):
        return 0
    sent = 0
    for planned in store.upcoming(session, now=now):
        if planned.change_pending and store.clear_change(session, planned, planned.change_pending):
            change = "cancelled" if planned.status == "cancelled" else "moved"
            _tell(session, planned, notifier, lambda lang, sites, p=planned, c=change: Message(text=t(
                f"planned_{c}", lang, reference=p.reference, when=_when(p, lang), sites=sites)))
            _tell_kamrs(session, planned, notifier, change=change)
            sent += 1
        if planned.status != "planned" or planned.starts_at <= now:
            continue
        start_day = to_bangkok(planned.starts_at).date()
        if planned.notice_sent_at is None and planned.starts_at - now <= timedelta(days=config.notice_days):
            late = bangkok_today(now) >= start_day - timedelta(days=1)  # the notice is the reminder too
            if store.claim(session, planned, "notice_sent_at", now=now, **({"reminder_sent_at": now} if late else {})):
                _tell(session, planned, notifier, lambda lang, sites, p=planned: _notice(p, lang, sites))
                _tell_kamrs(session, planned, notifier)
                sent += 1
        elif planned.notice_sent_at is not None and planned.reminder_sent_at is None \
                and bangkok_today(now) >= start_day - timedelta(days=1):
            if store.claim(session, planned, "reminder_sent_at", now=now):
                _tell(session, planned, notifier, lambda lang, sites, p=planned: Message(text=t(
                    "planned_reminder", lang, reference=p.reference, when=_when(p, lang), sites=sites),
                    quick_replies=_buttons(p, lang)))
                _tell_kamrs(session, planned, notifier)
                sent += 1
    return sent


def acknowledge(session: Session, planned: PlannedOutage, contact: Contact, *, now: datetime) -> bool:
    return store.acknowledge(session, planned, contact, now=now)


def ask_kamr(session: Session, planned: PlannedOutage, contact: Contact, text: str, *, notifier: Notifier) -> bool:
    """The question goes to the account's KAMR; False when the account has none on LINE."""
    account = session.get(Account, contact.account_id)
    kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
    if not notifier.reachable(kamr):
        return False
    notifier.push(kamr, [Message(text=t("planned_staff_question", kamr.language, reference=planned.reference,
                                        name=contact.name or contact.display_name or "-", account=account.name,
                                        text=text))])
    return True


def affects(session: Session, planned: PlannedOutage, contact: Contact) -> bool:
    return any(account.id == contact.account_id for account, _ in store.affected(session, planned))


def kamr_card(session: Session, planned: PlannedOutage, kamr: Staff, *, change: str = "") -> Card:
    """The KAMR's accounts the work cuts, and who of their contacts has not acknowledged yet."""
    lang = kamr.language
    acked = store.acknowledged_by(session, planned)
    on_line = defaultdict(list)
    for contact in store.contacts(session, planned):
        on_line[contact.account_id].append(contact)
    lines = [t("planned_staff_when", lang, when=_when(planned, lang))]
    if change:
        lines.append(t("planned_staff_changed", lang, change=t(f"planned_change_{change}", lang)))
    mine = [(account, sites) for account, sites in store.affected(session, planned) if account.kamr_id == kamr.id]
    for account, sites in mine[:CARD_ACCOUNTS]:
        waiting = [c.name or c.display_name or f"C{c.id}" for c in on_line[account.id] if c.id not in acked]
        state = (t("planned_staff_nobody", lang) if not on_line[account.id] else
                 t("planned_staff_waiting", lang, names=", ".join(waiting)) if waiting else t("planned_staff_acked", lang))
        lines.append(t("planned_staff_account", lang, account=account.name,
                       sites=", ".join(site.name for site in sites), acked=state))
    if len(mine) > CARD_ACCOUNTS:
        lines.append(t("incident_card_more", lang, count=len(mine) - CARD_ACCOUNTS))
    return Card(title=t("planned_staff_title", lang, reference=planned.reference), lines=tuple(lines))


def _notice(planned: PlannedOutage, lang: str, sites: str) -> Message:
    return Message(text=t("planned_notice", lang, reference=planned.reference, when=_when(planned, lang),
                          sites=sites, reason=planned.reason or "-",
                          person=planned.contact_person or "-"),
                   quick_replies=_buttons(planned, lang))


def _buttons(planned: PlannedOutage, lang: str) -> tuple[Button, ...]:
    return (Button(t("btn_planned_ack", lang), data=build("planned.ack", p=planned.id), display=t("btn_planned_ack", lang)),
            Button(t("btn_planned_ask", lang), data=build("planned.ask", p=planned.id), display=t("btn_planned_ask", lang)))


def _when(planned: PlannedOutage, lang: str) -> str:
    return t("planned_when", lang, start=format_datetime(planned.starts_at, lang), end=format_datetime(planned.ends_at, lang))


def _tell(session: Session, planned: PlannedOutage, notifier: Notifier, message_for) -> None:
    """`message_for(lang, sites)`: each contact reads only their own account's sites (never another
    customer's), so contacts are grouped by language and by the names of their sites: one multicast a group."""
    sites_of = {account.id: ", ".join(site.name for site in sites) for account, sites in store.affected(session, planned)}
    groups: dict[tuple[str, str], list[Contact]] = defaultdict(list)
    for contact in store.contacts(session, planned):
        groups[(contact.language, sites_of[contact.account_id])].append(contact)
    for (lang, sites), people in sorted(groups.items()):
        notifier.push_many(people, [message_for(lang, sites)])


def _tell_kamrs(session: Session, planned: PlannedOutage, notifier: Notifier, *, change: str = "") -> None:
    kamr_ids = sorted({account.kamr_id for account, _ in store.affected(session, planned) if account.kamr_id})
    for kamr in (session.get(Staff, kamr_id) for kamr_id in kamr_ids):
        notifier.push(kamr, [Message(card=kamr_card(session, planned, kamr, change=change))])
