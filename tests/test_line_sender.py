"""The outbox sender against LINE's failures: the real webhook, the real SDK client and the LINE stand-in."""
import pytest
from sqlalchemy import func
from sqlmodel import select

from storage import outbox
from storage.db import session_scope
from storage.models import OutboxMessage

STATUS_NONE = "ไม่มีเรื่องที่ค้างอยู่ค่ะ 👍"


@pytest.fixture
def line_read_timeout() -> float:
    return 1  # the stand-in is made to hang past it


def _queue(bot, user: str, data: str = "a=status") -> dict:
    """A postback handled but not yet sent: its answer waits in the outbox."""
    event = bot.event(user, "postback", postback={"data": data})
    assert bot.post([event]).status_code == 200
    bot.drain(send=False)
    return event


def _rows(bot) -> list[OutboxMessage]:
    """The outbox rows of this test (the org fixture's linking answers left out)."""
    with session_scope(bot.engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.id > bot.first_row).order_by(OutboxMessage.id)
        rows = list(session.exec(query).all())
        for row in rows:
            session.expunge(row)
        return rows


@pytest.fixture
def org(org):
    with session_scope(org.engine) as session:
        org.first_row = session.exec(select(func.max(OutboxMessage.id))).one() or 0
    return org


def _calls(bot, kind: str):
    return [c for c in bot.line.calls if c.kind == kind]


def test_reply_retried_after_429_and_500_then_delivered_once(org):
    bot = org
    _queue(bot, "Ucust1")
    bot.line.fail_next("reply", 429)
    bot.line.fail_next("reply", 500)

    assert bot.sender.send_due() == 0
    assert _rows(bot)[0].status == "pending"
    assert bot.sender.send_due() == 0  # not due yet: the backoff holds it
    assert len(_calls(bot, "reply")) == 1
    bot.advance(seconds=5)
    assert bot.sender.send_due() == 0
    bot.advance(seconds=5)
    assert bot.sender.send_due() == 1

    assert [c.status for c in _calls(bot, "reply")] == [429, 500, 200]
    assert _calls(bot, "push") == []
    assert bot.texts_to("Ucust1") == [STATUS_NONE]
    row = _rows(bot)[0]
    assert (row.status, row.via, row.attempts) == ("sent", "reply", 3)


def test_reply_that_timed_out_but_arrived_is_not_sent_again(org):
    bot = org
    _queue(bot, "Ucust1")
    bot.line.hang_next("reply", 2.0, deliver=True)

    assert bot.sender.send_due() == 0  # read timeout after 1 s; LINE did take it
    row = _rows(bot)[0]
    assert row.status == "pending" and row.reply_uncertain and "timeout" in row.last_error
    bot.advance(seconds=5)
    while bot.sender.send_due():
        pass

    assert len(bot.line.messages_to("Ucust1")) == 1
    assert _calls(bot, "push") == []
    row = _rows(bot)[0]
    assert (row.status, row.via) == ("sent", "reply")


def test_expired_reply_token_falls_back_to_push_with_retry_key(org):
    bot = org
    _queue(bot, "Ucust1")
    bot.advance(minutes=2)
    assert bot.sender.send_due() == 1

    assert _calls(bot, "reply") == []
    pushes = _calls(bot, "push")
    assert len(pushes) == 1 and pushes[0].status == 200
    row = _rows(bot)[0]
    assert pushes[0].headers["x-line-retry-key"] == row.retry_key
    assert pushes[0].json["to"] == "Ucust1"
    assert (row.status, row.via, row.reply_token) == ("sent", "push", None)
    assert bot.texts_to("Ucust1") == [STATUS_NONE]


def test_push_that_timed_out_but_arrived_is_accepted_on_409(org):
    bot = org
    _queue(bot, "Ucust1")
    bot.advance(minutes=2)  # the reply token is too old: this goes as a push
    bot.line.hang_next("push", 2.0, deliver=True)

    assert bot.sender.send_due() == 0
    assert _rows(bot)[0].status == "pending"
    bot.advance(seconds=5)
    assert bot.sender.send_due() == 1

    pushes = _calls(bot, "push")
    assert [c.status for c in pushes] == [200, 409]
    assert pushes[0].headers["x-line-retry-key"] == pushes[1].headers["x-line-retry-key"]
    assert bot.texts_to("Ucust1") == [STATUS_NONE]
    row = _rows(bot)[0]
    assert (row.status, row.via, row.attempts) == ("sent", "push", 2)


def test_line_down_leaves_failed_rows_that_can_be_retried(org):
    bot = org
    _queue(bot, "Ucust1")
    bot.line.fail_next("any", 503, count=20)

    for _ in range(10):
        bot.sender.send_due()
        bot.advance(minutes=1)
    rows = _rows(bot)
    assert len(rows) == 1
    assert (rows[0].status, rows[0].attempts) == ("failed", 5)
    assert rows[0].last_error.startswith("503")
    assert len(bot.line.calls) == 5  # bounded: nothing after max_attempts
    assert bot.line.messages_to("Ucust1") == []

    bot.line.reset()  # LINE is back
    with session_scope(bot.engine) as session:
        assert outbox.reset_failed(session) == 1
    assert bot.sender.send_due() == 1
    row = _rows(bot)[0]
    assert (row.status, row.via) == ("sent", "push")
    assert bot.line.messages_to("Ucust1")[0]["text"] == STATUS_NONE


def test_one_persons_messages_keep_their_order(org):
    bot = org
    _queue(bot, "Ucust1", "a=status")
    _queue(bot, "Ucust1", "a=contact")
    first, second = _rows(bot)
    bot.line.fail_next("reply", 429)

    bot.sender.send_due()
    assert len(bot.line.calls) == 1  # the second waited behind the first
    assert [(r.status, r.attempts) for r in _rows(bot)] == [("pending", 1), ("pending", 0)]
    # The first now waits out its backoff; the second must keep waiting behind it.
    assert bot.sender.send_due() == 0
    assert len(bot.line.calls) == 1
    assert bot.line.messages_to("Ucust1") == []

    bot.advance(seconds=5)
    while bot.sender.send_due():
        pass
    texts = bot.texts_to("Ucust1")
    assert texts[0] == STATUS_NONE
    assert texts[1].startswith("KAMR ของ บริษัท น้ำตาลไทย จำกัด คือ คุณสมชาย ใจดี")
    assert [r.status for r in _rows(bot)] == ["sent", "sent"]
    assert [c.json["replyToken"] for c in _calls(bot, "reply") if c.status == 200] == [
        first.reply_token, second.reply_token]


def test_push_400_is_not_retried(org):
    bot = org
    _queue(bot, "Ucust1")
    bot.advance(minutes=2)
    bot.line.fail_next("push", 400)

    assert bot.sender.send_due() == 1
    row = _rows(bot)[0]
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("400")
    bot.advance(minutes=10)
    assert bot.sender.send_due() == 0
    assert len(bot.line.calls) == 1


def _patient_sender(bot, **outbox):
    """A sender that keeps trying through a long LINE outage (the default gives up after 5 here)."""
    from bot.line.sender import LineSender

    config = bot.config.model_copy(update={"outbox": bot.config.outbox.model_copy(update=outbox)})
    return LineSender(config, bot.engine, lambda: bot.now)


def test_line_down_then_throttling_then_back_delivers_everything_once_by_push(org):
    bot = org
    users = ["Ucust1", "Ucust2", "Uhosp"]
    for user in users:
        _queue(bot, user)
    sender = _patient_sender(bot, max_attempts=30, backoff_max_seconds=8)
    port = bot.line.port
    bot.line.stop()  # LINE unreachable for a minute: connections refused
    try:
        for _ in range(12):
            assert sender.send_due() == 0
            bot.advance(seconds=5)
        rows = _rows(bot)
        assert {r.status for r in rows} == {"pending"} and min(r.attempts for r in rows) >= 5
        assert all(r.last_error.startswith("connection") and not r.reply_uncertain for r in rows)

        bot.line.start(port=port)  # back, but throttling and failing at first
        bot.line.fail_next("push", 429, count=2)
        bot.line.fail_next("push", 500)
        bot.line.fail_next("push", 503)
        hung = False
        for _ in range(20):
            sender.send_due()
            if not hung and len([c for c in _calls(bot, "push") if c.status >= 429]) == 4:
                bot.line.hang_next("push", 2.0, deliver=True)  # then one is accepted but the answer is lost
                hung = True
            if {r.status for r in _rows(bot)} == {"sent"}:
                break
            bot.advance(seconds=5)
    finally:
        sender.close()

    assert [r.via for r in _rows(bot)] == ["push"] * 3  # the reply tokens expired meanwhile
    assert _calls(bot, "reply") == []
    statuses = [c.status for c in _calls(bot, "push")]
    assert {429, 500, 503, 409} <= set(statuses) and statuses.count(200) == 3
    for user in users:
        assert bot.texts_to(user) == [STATUS_NONE]


def test_reply_token_refused_after_an_unreachable_line_falls_back_to_push(org):
    bot = org
    event = _queue(bot, "Ucust1")
    port = bot.line.port
    bot.line.stop()
    assert bot.sender.send_due() == 0  # refused: LINE never saw the reply
    bot.line.start(port=port)
    bot.line.expire_reply_token(event["replyToken"])
    bot.advance(seconds=5)
    assert bot.sender.send_due() == 1

    assert [c.status for c in _calls(bot, "reply")] == [400]
    assert [c.status for c in _calls(bot, "push")] == [200]
    assert bot.texts_to("Ucust1") == [STATUS_NONE]
    assert (_rows(bot)[0].status, _rows(bot)[0].via) == ("sent", "push")
