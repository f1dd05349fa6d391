"""The complaint operations without a chat: the due date, the KAMR's card, the answer to the reporters."""
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from handlers.operations import complaints
from handlers.texts import t
from notifying import CollectingNotifier
from operations_world import NOW, account, contact, seed, staff, world_config
from storage import tickets


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        seed(session)
        yield session


def _file(session, notifier, reporter, *, channel="line", received_at=NOW, text="ค่าไฟสูงผิดปกติ"):
    return complaints.file_complaint(session, world_config(), now=NOW, actor=reporter, channel=channel, notifier=notifier,
                                     account_id=account(session, "A100").id, topic="billing", text=text,
                                     received_at=received_at)


def test_a_form_complaint_is_due_when_a_line_one_received_at_the_same_time_is(session):
    received = NOW - timedelta(hours=2)  # Monday morning
    by_line = _file(session, CollectingNotifier(), contact(session, "A100", "วิภา"), received_at=received)
    by_form = _file(session, CollectingNotifier(), None, channel="form", received_at=received)
    assert by_line.due_date == by_form.due_date == date(2026, 11, 30)  # 5 working days later
    assert by_line.details["due_rule"] == by_form.details["due_rule"]
    assert (by_line.channel, by_form.channel) == ("line", "form")


def test_filing_pushes_the_kamr_card_and_keeps_the_text_within_bounds(session):
    notifier = CollectingNotifier()
    ticket = _file(session, notifier, None, text="ก" * 5000)
    k001 = staff(session, "K001")
    assert notifier.people() == [k001]
    card = notifier.to(k001)[0].card
    assert card.title == t("complaint_card_title", "th", number=ticket.number)
    assert len(ticket.description) == complaints.MAX_TEXT
    assert [e.action for e in tickets.history(session, ticket)] == ["reported"]


def test_with_the_kamr_unreachable_the_backup_gets_the_complaint(session):
    staff(session, "K001").line_user_id = None
    notifier = CollectingNotifier()
    ticket = _file(session, notifier, contact(session, "A100", "วิภา"))
    assert notifier.people() == [staff(session, "Z001")] and ticket.escalated_to == staff(session, "Z001").id


def test_the_answer_goes_to_the_reporter_with_the_acknowledge_button(session):
    reporter = contact(session, "A100", "วิภา")
    ticket = _file(session, CollectingNotifier(), reporter)
    k001, notifier = staff(session, "K001"), CollectingNotifier()
    assert complaints.answer_complaint(session, ticket, "ตรวจมิเตอร์แล้ว ปกติ", now=NOW, actor=k001, notifier=notifier)
    assert ticket.status == "answered" and ticket.acknowledged_by == k001.id
    assert ticket.details["answered_at"] == NOW.isoformat()
    [message] = notifier.to(reporter)
    assert message.text == t("complaint_answer_customer", "th", number=ticket.number, staff=k001.name,
                             text="ตรวจมิเตอร์แล้ว ปกติ")
    assert [b.data for b in message.quick_replies] == [f"a=closeout.ack&t={ticket.id}"]
    assert notifier.people() == [reporter]
    tickets.transition(session, ticket, ("answered",), status="pending_certification")
    assert not complaints.answer_complaint(session, ticket, "อีกครั้ง", now=NOW, actor=k001, notifier=notifier)
