"""The outage operations without a chat: who hears, what is stored (a collecting notifier, a real database)."""
from datetime import timedelta

import pytest
from sqlmodel import Session

from handlers.operations import outages
from handlers.texts import t
from handlers.thai_dates import format_datetime
from notifying import CollectingNotifier
from operations_world import NOW, account, contact, seed, staff
from storage import roster, tickets


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        seed(session)
        yield session


def _open(session, notifier, reporter, *, site="โรงงาน 1", channel="line", now=NOW):
    a100 = account(session, "A100")
    site_id = next(s.id for s in roster.sites_of(session, a100.id) if s.name == site)
    opened = outages.open_outage(session, now=now, actor=reporter, channel=channel, notifier=notifier,
                                 account_id=a100.id, site_id=site_id, symptom="no_power", started=now - timedelta(minutes=5))
    return opened.ticket, opened.joined


def test_opening_an_outage_pushes_the_kamr_card(session):
    notifier = CollectingNotifier()
    ticket, joined = _open(session, notifier, contact(session, "A100", "วิภา"))
    k001 = staff(session, "K001")
    assert not joined and ticket.status == "open" and ticket.channel == "line"
    assert notifier.people() == [k001]
    card = notifier.to(k001)[0].card
    assert card.title == t("outage_card_title", "th", number=ticket.number)
    assert [b.data for b in card.buttons][:1] == [f"a=outage.ack&t={ticket.id}"]
    assert [e.action for e in tickets.history(session, ticket)] == ["reported"]
    assert notifier.replies == []  # an operation never replies


def test_with_the_kamr_unreachable_the_backup_gets_the_card_at_once(session):
    k001, z001 = staff(session, "K001"), staff(session, "Z001")
    k001.line_user_id = None
    notifier = CollectingNotifier()
    ticket, _ = _open(session, notifier, contact(session, "A100", "วิภา"))
    assert notifier.people() == [z001]
    assert ticket.escalated_to == z001.id and ticket.escalated_at == NOW
    assert [(e.action, e.details.get("reason")) for e in tickets.history(session, ticket)] == [
        ("reported", None), ("escalation_skipped", "not_on_line"), ("escalated", "kamr_unreachable")]
    assert notifier.to(z001)[0].card.title == t("outage_card_escalated_title", "th", number=ticket.number,
                                                         symptom=t(f"symptom_{ticket.category}", "th"))


def test_a_second_report_for_the_same_site_joins_and_calls_nobody_again(session):
    first, second = contact(session, "A100", "วิภา"), contact(session, "A100", "เอกชัย")
    ticket, _ = _open(session, CollectingNotifier(), first)
    notifier = CollectingNotifier()
    joined_ticket, joined = _open(session, notifier, second, now=NOW + timedelta(minutes=3))
    assert joined and joined_ticket.id == ticket.id
    assert notifier.pushes == []
    assert [c.id for c in tickets.reporters(session, ticket)] == [first.id, second.id]
    assert [e.action for e in tickets.history(session, ticket)] == ["reported", "joined"]
    other_site, joined = _open(session, CollectingNotifier(), second, site="โรงงาน 2")
    assert not joined and other_site.id != ticket.id


def test_a_form_report_without_a_contact_is_a_ticket_of_the_form_channel(session):
    notifier = CollectingNotifier()
    ticket, _ = _open(session, notifier, None, channel="form")
    assert ticket.channel == "form" and ticket.contact_id is None
    assert t("card_via_form", "th") in notifier.to(staff(session, "K001"))[0].card.lines


def test_acknowledge_update_resolve_tell_every_reporter(session):
    first, second = contact(session, "A100", "วิภา"), contact(session, "A100", "Kenji", language="en")
    off_line = contact(session, "A100", "สมศรี", on_line=False)
    ticket, _ = _open(session, CollectingNotifier(), first)
    _open(session, CollectingNotifier(), second)
    _open(session, CollectingNotifier(), off_line)
    k001, z001 = staff(session, "K001"), staff(session, "Z001")
    notifier = CollectingNotifier()

    assert outages.acknowledge(session, ticket, now=NOW, actor=k001, notifier=notifier)
    assert not outages.acknowledge(session, ticket, now=NOW, actor=z001, notifier=notifier)  # taken already
    assert ticket.status == "acknowledged" and ticket.acknowledged_by == k001.id
    outages.post_update(session, ticket, "ทีมช่างถึงแล้ว", now=NOW, actor=k001, notifier=notifier)
    assert outages.resolve(session, ticket, now=NOW, actor=k001, notifier=notifier)
    assert not outages.resolve(session, ticket, now=NOW, actor=k001, notifier=notifier)

    assert notifier.people() == [first, second]  # the one not on LINE is skipped, nobody else hears
    thai, english = notifier.to(first), notifier.to(second)
    assert [len(thai), len(english)] == [3, 3]
    assert thai[0].text == t("outage_ack_customer", "th", number=ticket.number, staff=k001.name)
    assert english[0].text == t("outage_ack_customer", "en", number=ticket.number, staff=k001.name)
    assert thai[1].text == t("outage_update_customer", "th", number=ticket.number, staff=k001.name, text="ทีมช่างถึงแล้ว")
    assert english[2].text == t("outage_resolved_customer", "en", number=ticket.number, at=format_datetime(NOW, "en"))
    assert [b.data for b in thai[2].quick_replies][0] == f"a=rate.give&k=ticket&i={ticket.id}&s=5"
    assert [e.action for e in tickets.history(session, ticket)][-3:] == ["acknowledged", "update", "resolved"]


def test_an_update_on_an_open_outage_takes_it(session):
    ticket, _ = _open(session, CollectingNotifier(), contact(session, "A100", "วิภา"))
    k001 = staff(session, "K001")
    outages.post_update(session, ticket, "กำลังตรวจสอบ", now=NOW, actor=k001, notifier=CollectingNotifier())
    assert ticket.status == "acknowledged" and ticket.acknowledged_by == k001.id and ticket.acknowledged_at == NOW
