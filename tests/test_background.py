"""The background path as `kambot serve` runs it: webhook wakes inbox threads, the sender thread replies."""
import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import InboxEvent, OutboxMessage


@pytest.fixture
def line_read_timeout() -> float:
    return 1  # the stand-in is made to hang past it


def test_webhook_answer_arrives_through_background_threads(org):
    bot = org
    services = bot.app.extensions["kambot"].services
    services.start(scheduler=False)
    try:
        event = bot.event("Ucust1", "postback", postback={"data": "a=status"})
        assert bot.post([event]).status_code == 200
        assert bot.line.wait_for(lambda: bot.line.replies, timeout=10)
        assert bot.line.replies[0]["replyToken"] == event["replyToken"]
        assert bot.line.replies[0]["messages"][0]["text"] == "ไม่มีเรื่องที่ค้างอยู่ค่ะ 👍"
    finally:
        services.stop()
    with session_scope(bot.engine) as session:
        stored = session.exec(select(InboxEvent).where(InboxEvent.event_id == event["webhookEventId"])).one()
        assert (stored.status, stored.payload) == ("done", None)
        sent = session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert (sent.to_user, sent.status, sent.via) == ("Ucust1", "sent", "reply")


def test_events_left_pending_by_a_crash_are_handled_on_start(org):
    bot = org
    # Stored while no worker ran (the process died right after answering 200).
    assert bot.post([bot.event("Ucust2", "postback", postback={"data": "a=status"})]).status_code == 200
    services = bot.app.extensions["kambot"].services
    services.start(scheduler=False)
    try:
        assert bot.line.wait_for(lambda: bot.line.messages_to("Ucust2"), timeout=10)
    finally:
        services.stop()
    assert len(bot.line.messages_to("Ucust2")) == 1


def test_a_hanging_line_call_holds_up_only_its_own_person(org):
    bot = org
    services = bot.app.extensions["kambot"].services
    bot.line.hang_next("reply", 0.8, deliver=True)  # the first answer's call hangs (read timeout is 1 s)
    services.start(scheduler=False)
    try:
        first = bot.event("Ucust1", "postback", postback={"data": "a=status"})
        assert bot.post([first]).status_code == 200
        assert bot.line.wait_for(lambda: bot.line.replies, timeout=10)  # the hanging call has been taken
        second = bot.event("Ucust2", "postback", postback={"data": "a=status"})
        assert bot.post([second]).status_code == 200
        assert bot.line.wait_for(lambda: len(bot.line.replies) == 2, timeout=0.6)  # sent while the first still hangs
        assert bot.line.wait_for(lambda: all(c.status == 200 for c in bot.line.calls), timeout=5)
    finally:
        services.stop()
    assert [r["replyToken"] for r in bot.line.replies] == [first["replyToken"], second["replyToken"]]


def test_a_person_asked_for_again_before_their_turn_is_handled_once():
    """The sweeper and the webhook both name people with events waiting; naming someone again
    while their turn is still queued must not cost a second pass (a transaction that finds nothing)."""
    import threading

    from bot.services import KeyedRunner

    calls, first_started, release = [], threading.Event(), threading.Event()

    def work(key: str) -> None:
        calls.append(key)
        if key == "first":
            first_started.set()
            release.wait(5)

    runner = KeyedRunner(work, workers=1)
    runner.submit(["first"])
    assert first_started.wait(5)
    runner.submit(["waiting"])
    runner.submit(["waiting", "first"])  # "waiting" still queued; "first" is running: once more after
    release.set()
    runner.shutdown()
    assert sorted(calls) == ["first", "first", "waiting"]
