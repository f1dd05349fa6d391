"""Two contacts of one account report the same site at the same moment: one ticket, one KAMR card,
the second contact joined to it; on PostgreSQL, where their handlers run in parallel, too."""
from __future__ import annotations

import threading
import time

from sqlalchemy import text
from sqlmodel import select

from bot.line.processing import process_user
from storage.db import session_scope
from storage.models import Site, Ticket, TicketReporter

CONTACTS = ("Ucust1", "Ucust2")


def _waiting_locks(bot) -> int:
    with bot.engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())")).scalar_one()


def test_two_contacts_reporting_one_site_at_once_open_one_ticket(org):
    bot = org
    with session_scope(bot.engine) as session:
        site = session.exec(select(Site).where(Site.name == "โรงงาน 1")).one()
    for user in CONTACTS:
        for data in ("a=outage", f"a=outage.site&s={site.id}", "a=outage.symptom&v=no_power"):
            bot.tap(user, data)
    bot.line.reset()
    assert bot.post([bot.tap_event(user, "a=outage.since&v=now") for user in CONTACTS]).status_code == 200
    postgres = bot.engine.dialect.name == "postgresql"
    blocker = bot.engine.connect() if postgres else None
    if postgres:
        # New tickets wait until both handlers have looked for the site's open ticket: the worst
        # interleaving, every time (without the site lock both find none and both open one).
        blocker.begin()
        blocker.execute(text("LOCK TABLE ticket IN EXCLUSIVE MODE"))
    threads = [threading.Thread(target=process_user, args=(bot.engine, bot.config, user, lambda: bot.now))
               for user in CONTACTS]
    for thread in threads:
        thread.start()
    if postgres:
        deadline = time.monotonic() + 10
        while _waiting_locks(bot) < len(CONTACTS) and time.monotonic() < deadline:
            time.sleep(0.02)
        blocker.rollback()
        blocker.close()
    for thread in threads:
        thread.join(timeout=30)
    bot.drain()
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
