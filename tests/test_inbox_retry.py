"""A handler whose storage fails for a moment is tried again later, with growing waits, across
restarts, until it succeeds; what cannot be handled ends visible in `kambot outbox` and logged."""
from __future__ import annotations

import logging
import time

from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.config import InboxConfig
from bot.services import Services
from storage.db import make_engine, session_scope
from storage.models import InboxEvent

from faults import storage_fails, write_cli_config


def _event(bot) -> InboxEvent:
    with session_scope(bot.engine) as session:
        return session.exec(select(InboxEvent).order_by(InboxEvent.id.desc())).first()


def _kambot(bot, tmp_path, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--config", write_cli_config(tmp_path / "cli.toml", bot)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_passing_storage_failure_is_retried_with_growing_waits_until_answered(org):
    bot = org
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", times=4):
        bot.tap("Ucust1", "a=contact")
        waits = []
        for _ in range(4):
            event = _event(bot)
            assert event.status == "pending" and bot.texts_to("Ucust1") == []
            waits.append((event.next_attempt_at - bot.now).total_seconds())
            bot.drain()  # not due yet: nothing happens, and nothing is spent
            assert _event(bot).attempts == event.attempts
            bot.advance(seconds=waits[-1])
            bot.drain()
    assert waits == [5, 10, 20, 40]
    assert _event(bot).status == "done"
    assert len(bot.texts_to("Ucust1")) == 1


def test_later_events_of_the_same_person_wait_behind_the_failed_one(org):
    bot = org
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", times=1):
        bot.tap("Ucust1", "a=contact")
    bot.say("Ucust1", "สวัสดี")  # stored and tried, but must not overtake the first
    assert bot.texts_to("Ucust1") == []
    bot.advance(seconds=5)
    bot.drain()
    bot.tap("Ucust2", "a=contact")  # the same button, undisturbed, for comparison
    assert bot.texts_to("Ucust1")[0] == bot.texts_to("Ucust2")[0]
    assert len(bot.texts_to("Ucust1")) == 2


def test_pending_retry_survives_a_restart_and_the_sweeper_takes_it(org):
    bot = org
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", times=2):
        bot.tap("Ucust1", "a=contact")
        bot.advance(seconds=5)
        bot.drain()
    assert (_event(bot).status, _event(bot).attempts) == ("pending", 2)
    bot.engine.dispose()  # the process is gone; a new one starts on the same database
    bot.advance(seconds=10)
    engine = make_engine(bot.config.database.url)
    services = Services(bot.config, engine, clock=lambda: bot.now).start(sender=False, scheduler=False)
    try:
        deadline = time.monotonic() + 10
        while _event(bot).status != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        services.stop()
        engine.dispose()
    assert _event(bot).status == "done"
    while bot.sender.send_due():
        pass
    assert len(bot.texts_to("Ucust1")) == 1


def test_unhandleable_event_ends_failed_logged_at_error_and_listed(org, tmp_path, caplog):
    bot = org
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", kind="ProgrammingError"), \
            caplog.at_level(logging.WARNING):
        bot.tap("Ucust1", "a=contact")
        for _ in range(5):
            bot.advance(hours=1)
            bot.drain()
    event = _event(bot)
    assert (event.status, event.attempts) == ("failed", 3)  # inbox.bug_attempts: it would only repeat
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and "failed for good" in r.getMessage()]
    assert len(errors) == 1 and f"inbox event {event.id}" in errors[0].getMessage()
    assert all("Ucust1" not in r.getMessage() for r in caplog.records)
    listing = _kambot(bot, tmp_path, "outbox")
    assert f"inbox event #{event.id} (postback) failed after 3 attempts: ProgrammingError" in listing
    assert "'failed': 1" in listing


def test_storage_down_for_longer_than_the_retries_ends_failed(org, tmp_path):
    bot = org
    bot.config = bot.config.model_copy(update={"inbox": InboxConfig(max_attempts=4)})
    with storage_fails(bot.engine, "INSERT INTO outboxmessage"):
        bot.tap("Ucust1", "a=contact")
        for _ in range(2):
            bot.advance(hours=1)
            bot.drain()
        assert "retrying at" in _kambot(bot, tmp_path, "outbox")
        for _ in range(3):
            bot.advance(hours=1)
            bot.drain()
    assert (_event(bot).status, _event(bot).attempts) == ("failed", 4)
    assert "OperationalError" in _event(bot).error
    assert "1 queued again" in _kambot(bot, tmp_path, "outbox", "--retry-failed")
    bot.drain()
    assert len(bot.texts_to("Ucust1")) == 1
