"""Two contacts of one account report the same site at the same moment: one ticket, one KAMR card,
the second contact joined to it; on PostgreSQL, where their handlers run in parallel, too."""
from __future__ import annotations


from sqlmodel import select

from faults import handle_all_at_once
from storage.db import session_scope
from storage.models import Site, Ticket, TicketReporter

CONTACTS = ("Ucust1", "Ucust2")



def test_two_contacts_reporting_one_site_at_once_open_one_ticket(org):
    bot = org
    with session_scope(bot.engine) as session:
        site = session.exec(select(Site).where(Site.name == "โรงงาน 1")).one()
    for user in CONTACTS:
        for data in ("a=outage", f"a=outage.site&s={site.id}", "a=outage.symptom&v=no_power"):
            bot.tap(user, data)
    bot.line.reset()
    assert bot.post([bot.tap_event(user, "a=outage.since&v=now") for user in CONTACTS]).status_code == 200
    # New tickets wait until both handlers have looked for the site's open ticket (without the
    # site lock both find none and both open one).
    handle_all_at_once(bot, CONTACTS, hold_table="ticket")
    with session_scope(bot.engine) as session:
        tickets = session.exec(select(Ticket)).all()
        reporters = session.exec(select(TicketReporter)).all()
    assert len(tickets) == 1
    assert len(reporters) == 2
    cards = [m for m in bot.line.messages_to("Ukamr1") if m.get("type") == "flex"]
    assert len(cards) == 1
    answers = [bot.texts_to(user)[-1] for user in CONTACTS]
    assert sum(a.startswith(f"รับแจ้งแล้วค่ะ เลขที่ {tickets[0].number}") for a in answers) == 1
    assert sum(tickets[0].number in a and not a.startswith("รับแจ้งแล้วค่ะ") for a in answers) == 1
