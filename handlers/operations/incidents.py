"""Area incidents (issue 16): one outage over whole feeders, told to everyone it cuts, at once.

Opening one gives every site on the feeders an outage ticket (or takes in the one it has), tells
every linked contact of those accounts once (Notifier.push_many: LINE multicast) and gives each
affected account's KAMR one card. Reports from those sites join their ticket and are told so; each
update and the restoration reach every contact once, and the restoration resolves the tickets."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Sequence

from sqlmodel import Session

from handlers.messages import Button, Card, Message
from handlers.notify import Notifier
from handlers.operations.ratings import score_buttons
from handlers.postback import build
from handlers.rules import roles
from handlers.rules.statuses import OPEN_STATUSES
from handlers.texts import t
from handlers.thai_dates import format_datetime
from storage import estimates, incidents, network, tickets
from storage.models import Account, Contact, Incident, Site, Staff, Ticket
from storage.roster import contacts_of_accounts

CARD_ACCOUNTS = 8  # accounts listed on a KAMR's card before "…and N more"


class IncidentError(ValueError):
    """Refused: the message names what is wrong (an unknown feeder, an estimate before the start)."""


def open_incident(session: Session, *, now: datetime, actor: Staff | None, channel: str, notifier: Notifier,
                  feeders: Sequence[str], cause: str = "", etr: datetime | None = None,
                  started: datetime | None = None) -> tuple[Incident, bool]:
    """(incident, created). The same feeders while their incident is open are that incident (not a second one)."""
    codes = list(dict.fromkeys(network.normal_feeder(feeder) for feeder in feeders if feeder.strip()))
    if not codes:
        raise IncidentError("name at least one feeder")
    if unknown := network.unknown_feeders(session, codes):
        raise IncidentError(f"unknown feeder {', '.join(unknown)}: no site is on it (import the roster with feeders)")
    started = started or now
    _check_etr(etr, started)
    incidents.lock_feeders(session, codes)
    open_now = incidents.open_on_feeders(session, codes)
    if open_now:
        same = {incident.id for incident in open_now.values()}
        if len(same) == 1 and set(open_now) == set(codes):
            return next(iter(open_now.values())), False
        taken = ", ".join(f"{feeder} ({incident.number})" for feeder, incident in open_now.items())
        raise IncidentError(f"feeder {taken} already has an open incident: update that one")
    incident = incidents.create(session, Incident(feeders=codes, cause=cause.strip(), etr=etr, started_at=started,
                                                  opened_at=now, opened_by=actor.id if actor else None,
                                                  channel=channel))
    sites = network.sites_on(session, codes)
    for site in sites:
        _take_in_site(session, incident, site, now=now, actor=actor)
    accounts = sorted({site.account_id for site in sites})
    contacts = [c for found in contacts_of_accounts(session, accounts).values() for c in found if c.line_user_id]
    incidents.add_recipients(session, incident, [contact.id for contact in contacts])
    _tell(notifier, contacts, lambda lang: Message(text=t(
        "incident_notice", lang, number=incident.number, feeders=", ".join(codes),
        since=format_datetime(started, lang), facts=facts(incident, lang))))
    _tell_kamrs(session, incident, notifier=notifier)
    return incident, True


def _check_etr(etr: datetime | None, started: datetime) -> None:
    if etr is not None and etr < started:
        raise IncidentError(f"the estimated restoration time {format_datetime(etr, 'en')} is before the outage "
                            f"started ({format_datetime(started, 'en')})")


def _take_in_site(session: Session, incident: Incident, site: Site, *, now: datetime, actor: Staff | None) -> None:
    """The site's open outage ticket joins the incident, else it gets one: taken in hand by the incident, so
    the one-per-site escalation does not call thirty KAMRs' backups."""
    tickets.lock_site_outage(session, account_id=site.account_id, site_id=site.id)
    ticket = tickets.open_for_site(session, kind="outage", account_id=site.account_id, site_id=site.id)
    if ticket is None:
        ticket = tickets.create(session, Ticket(
            kind="outage", channel="incident", account_id=site.account_id, site_id=site.id, category="no_power",
            details={"incident": incident.number}, created_at=now, started_at=incident.started_at))
    _acknowledge_for_incident(session, ticket, incident, now=now, actor=actor)
    incidents.link_ticket(session, incident, ticket)
    tickets.log(session, ticket, "incident", now=now, staff_id=actor.id if actor else None, number=incident.number)


def _acknowledge_for_incident(session: Session, ticket: Ticket, incident: Incident, *, now: datetime,
                              actor: Staff | None) -> None:
    """The incident takes the open ticket in hand. Marked, so the outage time-to-acknowledge report
    (handlers/reporting/tickets.py) does not count it as acknowledged by a person in 0 minutes."""
    if ticket.status == "open":
        tickets.transition(session, ticket, ("open",), status="acknowledged", acknowledged_at=now,
                           acknowledged_by=actor.id if actor else None,
                           details={**ticket.details, incidents.ACKNOWLEDGED_BY_INCIDENT: incident.number})


def update_incident(session: Session, incident: Incident, *, now: datetime, actor: Staff | None, notifier: Notifier,
                    cause: str | None = None, etr: datetime | None = None, note: str = "") -> int:
    """News for everyone affected, once each; returns how many contacts it went to."""
    if incident.status != "open":
        raise IncidentError(f"{incident.number} is restored already")
    _check_etr(etr, incident.started_at)
    if cause is not None:
        incident.cause = cause.strip()
    if etr is not None:
        incident.etr = etr
    incident.note = note.strip()[:1000]
    session.add(incident)
    for ticket in incidents.tickets_of(session, incident):
        tickets.log(session, ticket, "update", now=now, staff_id=actor.id if actor else None, text=incident.note,
                    cause=incident.cause, incident=incident.number)
    contacts = incidents.recipients(session, incident)
    _tell(notifier, contacts, lambda lang: Message(text=t(
        "incident_update", lang, number=incident.number, feeders=", ".join(incident.feeders),
        facts=facts(incident, lang, with_note=True))))
    for kamr in _kamrs(session, incident):
        if actor is None or kamr.id != actor.id:
            notifier.push(kamr, [Message(text=t("incident_staff_update", kamr.language, number=incident.number,
                                                staff=actor.name if actor else "-",
                                                facts=facts(incident, kamr.language, with_note=True)))])
    return sum(notifier.reachable(contact) for contact in contacts)


def restore_incident(session: Session, incident: Incident, *, now: datetime, actor: Staff | None, notifier: Notifier,
                     restored_at: datetime | None = None) -> bool:
    """Power is back on the feeders: the tickets resolved, every contact told once and asked for one score."""
    at = restored_at or now
    if at < incident.started_at:
        raise IncidentError(f"the restoration time is before the outage started ({format_datetime(incident.started_at, 'en')})")
    if not incidents.close(session, incident, now=at):
        return False
    for ticket in incidents.tickets_of(session, incident):
        values = {"status": "resolved", "resolved_at": at}
        if ticket.acknowledged_at is None:
            values.update(acknowledged_at=now, acknowledged_by=actor.id if actor else None)
        if tickets.transition(session, ticket, OPEN_STATUSES, **values):
            tickets.log(session, ticket, "resolved", now=now, staff_id=actor.id if actor else None,
                        incident=incident.number)
    _tell(notifier, incidents.recipients(session, incident), lambda lang: Message(
        text=t("incident_restored", lang, number=incident.number, feeders=", ".join(incident.feeders),
               at=format_datetime(at, lang)),
        quick_replies=score_buttons("incident", incident.id)))
    for kamr in _kamrs(session, incident):
        if actor is None or kamr.id != actor.id:
            notifier.push(kamr, [Message(text=t("incident_staff_restored", kamr.language, number=incident.number,
                                                at=format_datetime(at, kamr.language)))])
    return True


def remind_past_estimates(session: Session, *, now: datetime, notifier: Notifier) -> int:
    """An estimate passed and the power is not back: each KAMR on the incident is asked for a new one."""
    reminded = 0
    for incident in estimates.passed(session, Incident, Incident.status == "open", now=now):
        if not estimates.claim_reminder(session, incident):
            continue
        for kamr in _kamrs(session, incident):
            notifier.push(kamr, [Message(text=t("incident_etr_passed", kamr.language, number=incident.number,
                                                etr=format_datetime(incident.etr, kamr.language)),
                                         quick_replies=(Button(t("btn_incident_update", kamr.language),
                                                               data=build("incident.update", i=incident.id),
                                                               display=t("btn_incident_update", kamr.language)),))])
        reminded += 1
    return reminded


def on_report(session: Session, ticket: Ticket, *, actor: Contact | None, now: datetime, notifier: Notifier,
              new: bool = False) -> bool:
    """A customer's report on a site an open incident cuts: the ticket is the incident's and the reporter
    is told so (and hears its news from now on). False when no incident covers the site. A `new` ticket
    (opened in this transaction) is in no incident yet."""
    incident = None if new else incidents.of_ticket(session, ticket.id)
    if incident is None or incident.status != "open":
        site = session.get(Site, ticket.site_id) if ticket.site_id else None
        incident = incidents.open_on_feeders(session, [site.feeder]).get(site.feeder) if site and site.feeder else None
        if incident is None:
            return False
        _acknowledge_for_incident(session, ticket, incident, now=now, actor=None)
        incidents.link_ticket(session, incident, ticket)
        tickets.log(session, ticket, "incident", now=now, number=incident.number)
    if actor is not None:
        incidents.add_recipients(session, incident, [actor.id])
        notifier.push(actor, [Message(text=t("incident_report_joined", actor.language, number=incident.number,
                                             feeders=", ".join(incident.feeders), facts=facts(incident, actor.language)))])
    return True


def feeder_button(session: Session, ticket: Ticket, lang: str, *, in_incident: bool) -> tuple[Button, ...]:
    """"Affects the whole feeder" on an open outage card whose site has a feeder and no incident yet."""
    site = session.get(Site, ticket.site_id) if ticket.site_id else None
    if site is None or not site.feeder or ticket.status not in OPEN_STATUSES or in_incident:
        return ()
    return (Button(t("btn_whole_feeder", lang), data=build("incident.feeder", t=ticket.id),
                   display=t("btn_whole_feeder", lang)),)


def ticket_for_rating(session: Session, incident_id: int, contact: Contact) -> Ticket | None:
    """The ticket a contact's one score on an incident is kept on: their account's first in it."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        return None
    return next((ticket for ticket in incidents.tickets_of(session, incident)
                 if ticket.account_id == contact.account_id), None)


def facts(incident: Incident, lang: str, *, with_note: bool = False) -> str:
    """Cause and estimate (and the note), one line each, as the customer reads them in every message."""
    return facts_text(lang, cause=incident.cause, etr=incident.etr, note=incident.note if with_note else "")


def facts_text(lang: str, *, cause: str, etr: datetime | None, note: str = "", note_first: bool = False) -> str:
    """The lines of `facts`, for an incident or a single outage ticket (handlers/operations/outages.py: the
    KAMR's note first, as it was before causes and estimates)."""
    text = t("incident_fact_cause", lang, cause=cause) if cause else ""
    if etr is not None:
        text += t("incident_fact_etr", lang, etr=format_datetime(etr, lang))
    said = t("incident_fact_note", lang, note=note) if note else ""
    return said + text if note_first else text + said


def staff_card(session: Session, incident: Incident, kamr: Staff, *,
               by_kamr: dict[int, list[tuple[Account, Site]]] | None = None) -> Card:
    """What one KAMR sees: the incident and their own accounts on it, with update and restore.
    `by_kamr`: the accounts on it by KAMR, when the caller has read them already."""
    lang = kamr.language
    lines = [t("incident_card_feeders", lang, feeders=", ".join(incident.feeders)),
             t("incident_card_since", lang, since=format_datetime(incident.started_at, lang))]
    if incident.cause:
        lines.append(t("incident_card_cause", lang, cause=incident.cause))
    if incident.etr:
        lines.append(t("incident_card_etr", lang, etr=format_datetime(incident.etr, lang)))
    mine = (_accounts_by_kamr(session, incident) if by_kamr is None else by_kamr).get(kamr.id, [])
    lines.append(t("incident_card_accounts", lang, count=len(mine)))
    lines += [t("incident_card_account", lang, account=account.name, site=site.name) for account, site in mine[:CARD_ACCOUNTS]]
    if len(mine) > CARD_ACCOUNTS:
        lines.append(t("incident_card_more", lang, count=len(mine) - CARD_ACCOUNTS))
    buttons: tuple[Button, ...] = ()
    if incident.status == "open":
        buttons = (Button(t("btn_incident_update", lang), data=build("incident.update", i=incident.id),
                          display=t("btn_incident_update", lang)),
                   Button(t("btn_incident_restore", lang), data=build("incident.restore", i=incident.id),
                          display=t("btn_incident_restore", lang)))
    else:
        lines.append(t("incident_card_restored", lang, at=format_datetime(incident.restored_at, lang)))
    return Card(title=t("incident_card_title", lang, number=incident.number), lines=tuple(lines), buttons=buttons)


def may_handle(session: Session, incident: Incident, staff: Staff) -> bool:
    """A KAMR of an affected account, or a supervising role of an office it cuts (handlers/rules/roles)."""
    accounts = {ticket.account_id for ticket in incidents.tickets_of(session, incident)}
    return any(roles.may_act_for_account(session, staff, session.get(Account, account_id)) for account_id in accounts)


def _accounts_by_kamr(session: Session, incident: Incident) -> dict[int, list[tuple[Account, Site]]]:
    found: dict[int, list[tuple[Account, Site]]] = defaultdict(list)
    for account, site in incidents.accounts_on(session, incident):
        if account.kamr_id:
            found[account.kamr_id].append((account, site))
    return found


def _kamrs(session: Session, incident: Incident,
           by_kamr: dict[int, list[tuple[Account, Site]]] | None = None) -> list[Staff]:
    by_kamr = _accounts_by_kamr(session, incident) if by_kamr is None else by_kamr
    return [session.get(Staff, staff_id) for staff_id in sorted(by_kamr)]


def _tell_kamrs(session: Session, incident: Incident, *, notifier: Notifier) -> None:
    by_kamr = _accounts_by_kamr(session, incident)  # once, not once per KAMR's card
    for kamr in _kamrs(session, incident, by_kamr):
        notifier.push(kamr, [Message(card=staff_card(session, incident, kamr, by_kamr=by_kamr))])


def _tell(notifier: Notifier, contacts: list[Contact], message_for) -> None:
    """One multicast per language: the same words to everyone who reads them."""
    by_lang: dict[str, list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_lang[contact.language].append(contact)
    for lang, people in sorted(by_lang.items()):
        notifier.push_many(people, [message_for(lang)])
