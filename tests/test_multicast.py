"""Fan-out by LINE multicast (issue 16): 500 ids a call, each call with its own retry key, once each
across a lost answer, a sender that died mid-call and two senders; a blocked user stops nobody."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.line.notifier import LineNotifier
from bot.line.sender import LineSender
from handlers.messages import Message
from storage.db import session_scope
from storage.models import Contact, OutboxMessage
from storage.outbox import claim_due


@pytest.fixture
def line_read_timeout() -> float:
    return 1  # the stand-in is made to hang past it


def _people(count: int) -> list[Contact]:
    return [Contact(id=n, account_id=1, line_user_id=f"Umany{n:04d}") for n in range(count)]


def _queue(bot, people, text="ไฟฟ้าขัดข้องทั้งฟีดเดอร์ BPA-03") -> None:
    with session_scope(bot.engine) as session:
        LineNotifier(session, now=bot.now).push_many(people, [Message(text=text)])


def _multicasts(bot, status=None):
    return [c for c in bot.line.calls if c.kind == "multicast" and (status is None or c.status == status)]


def test_1200_people_get_three_calls_each_person_once(bot):
    people = _people(1200)
    _queue(bot, people + people[:10] + [Contact(id=9999, account_id=1)])  # repeated and not on LINE: ignored
    while bot.sender.send_due():
        pass
    calls = _multicasts(bot, 200)
    assert sorted(len(c.json["to"]) for c in calls) == [200, 500, 500]
    assert len({c.headers["x-line-retry-key"] for c in calls}) == 3
    assert all(bot.texts_to(p.line_user_id) == ["ไฟฟ้าขัดข้องทั้งฟีดเดอร์ BPA-03"] for p in people)
    assert not [c for c in bot.line.calls if c.kind == "push"]
    with session_scope(bot.engine) as session:
        assert {row.status for row in session.exec(select(OutboxMessage))} == {"sent"}


def test_a_blocked_user_does_not_stop_the_others(bot):
    people = _people(3)
    bot.line.blocked.add("Umany0001")
    _queue(bot, people)
    bot.sender.send_due()
    assert [bot.texts_to(p.line_user_id) for p in people] == [["ไฟฟ้าขัดข้องทั้งฟีดเดอร์ BPA-03"], [],
                                                              ["ไฟฟ้าขัดข้องทั้งฟีดเดอร์ BPA-03"]]


def test_a_lost_answer_is_repeated_with_its_key_and_delivered_once(bot):
    people = _people(20)
    _queue(bot, people)
    bot.line.hang_next("multicast", 2.0, deliver=True)  # LINE took it, the answer never came back
    assert bot.sender.send_due() == 0
    bot.advance(seconds=5)
    assert bot.sender.send_due() == 1
    assert [c.status for c in _multicasts(bot)] == [200, 409]
    assert all(len(bot.texts_to(p.line_user_id)) == 1 for p in people)


def test_a_sender_that_died_mid_call_leaves_it_to_the_next_once(bot):
    people = _people(30)
    _queue(bot, people)
    # The first sender claimed the row and made the call, then died before recording it.
    with session_scope(bot.engine) as session:
        [row] = claim_due(session, now=bot.now, lease=timedelta(seconds=bot.config.outbox.claim_lease_seconds))
        row_id = row.id
    with session_scope(bot.engine) as session:
        row = session.get(OutboxMessage, row_id)
        bot.sender._attempt(row)
    assert bot.sender.send_due() == 0  # still under the dead sender's lease
    bot.advance(seconds=bot.config.outbox.claim_lease_seconds + 1)
    assert bot.sender.send_due() == 1
    assert [c.status for c in _multicasts(bot)] == [200, 409]
    assert Counter(len(bot.texts_to(p.line_user_id)) for p in people) == {1: 30}


def test_two_senders_share_the_rows_and_nobody_hears_twice(bot):
    people = _people(2000)
    _queue(bot, people)
    second = LineSender(bot.config, bot.engine, lambda: bot.now)
    try:
        while bot.sender.send_due(limit=2) + second.send_due(limit=2):
            pass
    finally:
        second.close()
    assert len(_multicasts(bot, 200)) == 4
    assert Counter(len(bot.texts_to(p.line_user_id)) for p in people) == {1: 2000}


def test_an_erased_user_leaves_every_multicast_row(bot):
    from storage.privacy import erase_line_user

    _queue(bot, _people(3))
    _queue(bot, _people(1), text="only the erased one")
    with session_scope(bot.engine) as session:
        erase_line_user(session, "Umany0000")
    bot.sender.send_due()
    assert [bot.texts_to(f"Umany000{n}") for n in range(3)] == [[], ["ไฟฟ้าขัดข้องทั้งฟีดเดอร์ BPA-03"],
                                                                ["ไฟฟ้าขัดข้องทั้งฟีดเดอร์ BPA-03"]]
    with session_scope(bot.engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
        assert [sorted(row.recipients) for row in rows] == [["Umany0001", "Umany0002"]]
