"""The service operations without a chat: the request reaches the KAMR; each step tells the other side."""
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session

from handlers.operations import services
from handlers.rules.entitlement import offers_for
from handlers.texts import t
from notifying import CollectingNotifier
from operations_world import NOW, account, contact, seed, staff, world_config
from storage import tickets

CONFIG = world_config()
PREFERRED, PROPOSED = date(2026, 12, 7), date(2026, 12, 9)
PROPOSED_AT = datetime(2026, 12, 9, 7, 30, tzinfo=timezone.utc)  # 14:30 in Bangkok


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        seed(session)
        yield session


def _request(session, reporter, notifier=None, **extra):
    offer = offers_for(CONFIG.services, "strategic")[0]
    return services.open_request(session, CONFIG, now=NOW, actor=reporter, channel="form" if reporter is None else "line",
                                 notifier=notifier or CollectingNotifier(), account_id=account(session, "A100").id,
                                 offer=offer, preferred=PREFERRED, **extra)


def test_a_form_request_keeps_the_notes_and_the_reporter_and_calls_the_kamr(session):
    notifier = CollectingNotifier()
    ticket = _request(session, None, notifier, notes="ช่วงเช้า", details={"form": "svc", "phone": "081"})
    assert ticket.description.endswith("\nช่วงเช้า") and ticket.channel == "form"
    assert ticket.details == {"preferred_date": "2026-12-07", "form": "svc", "phone": "081"}
    [message] = notifier.to(staff(session, "K001"))
    assert message.card.title == t("service_card_title", "th", number=ticket.number)


def test_proposal_confirmation_and_done_each_tell_the_other_side(session):
    reporter = contact(session, "A100", "วิภา")
    ticket, k001 = _request(session, reporter), staff(session, "K001")
    notifier = CollectingNotifier()
    assert services.book(session, CONFIG, ticket, PROPOSED_AT, status="proposed", now=NOW, actor=k001, notifier=notifier)
    [proposal] = notifier.to(reporter)
    assert [b.data for b in proposal.quick_replies][0] == f"a=service.confirm&t={ticket.id}&d=2026-12-09T14%3A30"
    assert (ticket.scheduled_date, ticket.scheduled_at) == (PROPOSED, PROPOSED_AT)

    notifier = CollectingNotifier()
    assert services.confirm_date(session, CONFIG, ticket, now=NOW, actor=reporter, notifier=notifier)
    assert not services.confirm_date(session, CONFIG, ticket, now=NOW, actor=reporter, notifier=notifier)
    [to_kamr] = notifier.to(k001)
    assert ticket.status == "scheduled"
    assert to_kamr.card.title == t("staff_service_confirmed", "th", number=ticket.number, date="9 ธ.ค. 2569 (พุธ) 14:30 น.")  # weekday and time

    notifier = CollectingNotifier()
    assert services.mark_done(session, CONFIG, ticket, now=NOW, actor=k001, notifier=notifier)
    assert notifier.people() == [reporter] and ticket.status == "resolved"
    assert [e.action for e in tickets.history(session, ticket)] == ["requested", "proposed", "confirmed", "resolved"]


def test_a_declined_request_says_why(session):
    reporter = contact(session, "A100", "วิภา")
    ticket, notifier = _request(session, reporter), CollectingNotifier()
    assert services.decline(session, CONFIG, ticket, "ไม่มีอุปกรณ์", now=NOW, actor=staff(session, "K001"), notifier=notifier)
    assert "ไม่มีอุปกรณ์" in notifier.to(reporter)[0].text and ticket.status == "declined"
    assert not services.ask_new_date(session, CONFIG, ticket, PROPOSED, now=NOW, actor=reporter, notifier=notifier)
