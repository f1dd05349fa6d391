"""SQLite's worker handles several people's events in shared transactions (issue 20): in a storm each
event queued longer for the one writer than it took to handle. Each event still stands alone: when
one fails, the shared transaction is rolled back and its people are handled one transaction per
event, so the others are answered, the failing one is tried again later, and a person's events keep
their order."""
from __future__ import annotations

import logging

from sqlmodel import select

from bot.line.processing import process_users
from faults import storage_fails
from storage.db import session_scope
from storage.models import InboxEvent
from statements import statements_while

PEOPLE = ["Ucust1", "Ucust2", "Uhosp"]


def _handle_together(bot, keys=PEOPLE) -> int:
    handled = process_users(bot.engine, bot.config, keys, lambda: bot.now, budget_seconds=10)
    _send(bot)
    return handled


def _send(bot) -> None:
    while bot.sender.send_due():
        pass


def _transactions_during(engine, work) -> int:
    return sum(statement.lstrip().upper().startswith(("BEGIN", "START TRANSACTION"))
               for statement in statements_while(engine, work))


def test_several_peoples_taps_are_answered_from_one_transaction(org):
    bot = org
    bot.post([bot.tap_event(user, "a=contact") for user in PEOPLE])
    transactions = _transactions_during(bot.engine, lambda: process_users(bot.engine, bot.config, PEOPLE,
                                                                          lambda: bot.now, budget_seconds=10))
    if bot.engine.dialect.name == "sqlite":
        assert transactions == 1
    _send(bot)
    answers = {user: bot.texts_to(user) for user in PEOPLE}
    assert all(len(texts) == 1 for texts in answers.values()), answers
    assert answers["Ucust1"] == answers["Ucust2"]  # the same button, the same answer


def test_one_failing_event_costs_the_others_nothing_and_is_answered_later_in_order(org):
    bot = org
    bot.post([bot.tap_event("Ucust1", "a=contact"), bot.tap_event("Ucust2", "a=contact"),
              bot.text_event("Ucust1", "สวัสดี"), bot.tap_event("Uhosp", "a=contact")])
    # Ucust1's first answer fails in the shared transaction, and again in its own.
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", times=2):
        assert _handle_together(bot) == 2
    assert bot.texts_to("Ucust1") == []  # their second event waits behind the failed first
    assert len(bot.texts_to("Ucust2")) == 1 and len(bot.texts_to("Uhosp")) == 1
    with session_scope(bot.engine) as session:
        waiting = session.exec(select(InboxEvent.status, InboxEvent.attempts).where(
            InboxEvent.user_key == "Ucust1", InboxEvent.status != "done").order_by(InboxEvent.id)).all()
    assert waiting == [("pending", 1), ("pending", 0)]

    bot.advance(seconds=5)
    assert _handle_together(bot) == 2
    assert bot.texts_to("Ucust1")[0] == bot.texts_to("Ucust2")[0]  # the tap's answer first, then the greeting's
    assert len(bot.texts_to("Ucust1")) == 2


def test_a_persons_events_in_one_batch_are_answered_in_order(org):
    bot = org
    bot.post([bot.tap_event("Ucust1", "a=outage")])
    _handle_together(bot, ["Ucust1"])
    site = bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"]
    bot.line.reset()
    bot.post([bot.tap_event("Ucust1", site), bot.tap_event("Ucust1", "a=outage.symptom&v=no_power"),
              bot.tap_event("Ucust2", "a=contact")])
    assert _handle_together(bot, ["Ucust1", "Ucust2"]) == 3
    asked = [message.get("text", "") for message in bot.line.messages_to("Ucust1")]
    assert asked == ["เกิดอาการแบบใดคะ", "เริ่มเกิดตั้งแต่เมื่อไรคะ เลือกด้านล่าง หรือพิมพ์เวลา เช่น 14:30"]


def test_when_the_shared_transaction_fails_everyone_is_handled_one_by_one(org, caplog):
    bot = org
    bot.post([bot.tap_event(user, "a=contact") for user in PEOPLE])
    with storage_fails(bot.engine, "SELECT inboxevent.id, inboxevent.user_key, inboxevent.event_type", times=1), \
            caplog.at_level(logging.WARNING):
        assert _handle_together(bot) == 3
    assert all(len(bot.texts_to(user)) == 1 for user in PEOPLE)
    assert any("handling them one by one" in record.getMessage() for record in caplog.records)


def test_a_shared_transaction_rolled_back_midway_answers_everyone_exactly_once(org, caplog):
    bot = org
    bot.post([bot.tap_event("Ucust1", "a=contact"), bot.tap_event("Ucust2", "a=contact"),
              bot.text_event("Ucust1", "สวัสดี"), bot.tap_event("Uhosp", "a=contact")])
    # Ucust2's answer fails once, after Ucust1's was queued in the same transaction: that one is
    # rolled back with it, and queued again when Ucust1 is handled alone.
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", times=1, after=1), caplog.at_level(logging.WARNING):
        assert _handle_together(bot) == 4
    assert len(bot.texts_to("Ucust1")) == 2 and bot.texts_to("Ucust1")[0] == bot.texts_to("Ucust2")[0]
    assert len(bot.texts_to("Ucust2")) == 1 and len(bot.texts_to("Uhosp")) == 1
    with session_scope(bot.engine) as session:
        assert set(session.exec(select(InboxEvent.status, InboxEvent.attempts)).all()) == {("done", 0)}
    assert any("rolled back" in record.getMessage() for record in caplog.records)
