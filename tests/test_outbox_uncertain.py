"""A reply whose fate is unknown is neither sent twice nor counted as sent without proof.

- The sender dies after LINE took a reply and the restart comes after the token's life: the
  message is not pushed a second time; it is kept failed and shown to the operator.
- An event handled late (it waited in the inbox) has a token as old as the event: it goes by
  push, not by a reply LINE would refuse and the sender would take for "already used".
- A reply that timed out is asked again while its token still lives, so a refusal proves it was used.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from faults import storage_fails, write_cli_config
from sqlalchemy import func
from sqlmodel import select

from bot.cli import main
from bot.line.sender import LineSender
from storage.db import session_scope
from storage.models import OutboxMessage


@pytest.fixture
def line_read_timeout() -> float:
    return 1  # the stand-in is made to hang past it


def _rows(bot, after: int) -> list[OutboxMessage]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.id > after).order_by(OutboxMessage.id)))


def _last_id(bot) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(func.max(OutboxMessage.id))).one() or 0


def _queue(bot, user: str) -> dict:
    event = bot.tap_event(user, "a=contact")
    assert bot.post([event]).status_code == 200
    bot.drain(send=False)
    return event


def test_reply_taken_by_line_then_crash_then_late_restart_is_not_pushed_again(org, tmp_path):
    bot = org
    start = _last_id(bot)
    _queue(bot, "Ucust1")
    dying = LineSender(bot.config, bot.engine, lambda: bot.now)
    try:
        [row] = dying._claim(10)
        assert dying._attempt(row).status == "sent"  # LINE took the reply ...
    finally:
        dying.close()  # ... and the process died before writing it down
    bot.advance(minutes=10)  # restarted long after the reply token's minute
    while bot.sender.send_due():
        pass
    assert len(bot.line.messages_to("Ucust1")) == 1
    assert [c for c in bot.line.calls if c.kind == "push"] == []
    [row] = _rows(bot, start)
    assert row.status == "failed" and row.last_error.startswith("reply uncertain")
    listing = CliRunner().invoke(main, ["outbox", "--config", write_cli_config(tmp_path / "c.toml", bot)]).output
    assert f"failed #{row.id}" in listing and "reply uncertain" in listing


def test_event_handled_after_its_token_died_is_answered_by_push(org):
    bot = org
    start = _last_id(bot)
    event = bot.tap_event("Ucust1", "a=contact")
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", times=1):
        assert bot.post([event]).status_code == 200
        bot.drain(send=False)  # the handler failed once; the event waits out its backoff
    bot.advance(minutes=5)
    bot.line.expire_reply_token(event["replyToken"])  # LINE's minute is over
    bot.line.hang_next("reply", 2.0, deliver=False)  # had a reply been tried, it would time out
    bot.drain()
    assert len(bot.line.messages_to("Ucust1")) == 1
    assert [c for c in bot.line.calls if c.kind == "reply"] == []
    [row] = _rows(bot, start)
    assert (row.status, row.via) == ("sent", "push")


def test_timed_out_reply_is_asked_again_while_its_token_lives(org):
    bot = org
    start = _last_id(bot)
    bot.config = bot.config.model_copy(update={"outbox": bot.config.outbox.model_copy(
        update={"backoff_base_seconds": 120.0, "backoff_max_seconds": 600.0})})
    bot.sender.close()
    bot.sender = LineSender(bot.config, bot.engine, lambda: bot.now)
    _queue(bot, "Ucust1")
    bot.line.hang_next("reply", 2.0, deliver=False)  # LINE never got it
    assert bot.sender.send_due() == 0
    [row] = _rows(bot, start)
    assert row.reply_uncertain
    assert (row.next_attempt_at - bot.now).total_seconds() <= bot.config.outbox.reply_token_ttl_seconds
    bot.now = row.next_attempt_at
    assert bot.sender.send_due() == 1
    assert len(bot.line.messages_to("Ucust1")) == 1
    assert (_rows(bot, start)[0].status, _rows(bot, start)[0].via) == ("sent", "reply")
