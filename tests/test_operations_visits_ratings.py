"""Visit and rating operations without a chat: who is asked to rate, who hears a low score."""
from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.config import ReportsConfig
from handlers.operations import outages, ratings, visits
from handlers.texts import t
from handlers.thai_dates import bangkok_today
from notifying import CollectingNotifier
from operations_world import NOW, account, contact, seed, staff
from storage import roster

REPORTS = ReportsConfig()

TODAY = bangkok_today(NOW)


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        seed(session)
        yield session


def _log(session, notifier, *, day=TODAY, by="K001", channel="line"):
    return visits.log_visit(session, now=NOW, actor=staff(session, by), channel=channel, notifier=notifier,
                            account=account(session, "A100"), day=day, mode="video", purpose="relationship", notes="")


def test_a_done_visit_asks_the_contacts_on_line_to_rate_it(session):
    on_line, off_line = contact(session, "A100", "วิภา"), contact(session, "A100", "สมศรี", on_line=False)
    notifier = CollectingNotifier()
    visit, asked = _log(session, notifier, channel="form")
    assert (visit.status, visit.channel, visit.rating_asked_at, asked) == ("done", "form", NOW, 1)
    assert notifier.people() == [on_line] and off_line not in notifier.people()
    [request] = notifier.to(on_line)
    assert [b.data for b in request.quick_replies][0] == f"a=rate.give&k=visit&i={visit.id}&s=5"


def test_a_plan_asks_nobody_until_it_is_reported(session):
    reporter = contact(session, "A100", "วิภา")
    notifier = CollectingNotifier()
    visit, asked = _log(session, notifier, day=TODAY + timedelta(days=3))
    assert (visit.status, asked, notifier.pushes) == ("planned", 0, [])
    a100 = account(session, "A100")
    assert visits.report_planned(session, visit, a100, now=NOW, notifier=notifier, notes="คุยแล้ว") == 1
    assert visits.report_planned(session, visit, a100, now=NOW, notifier=notifier, notes="") is None
    assert visit.status == "done" and visit.notes == "คุยแล้ว" and notifier.people() == [reporter]


def test_a_low_visit_score_goes_to_the_kamr_and_the_visitor(session):
    rater = contact(session, "A100", "วิภา")
    visit, _ = _log(session, CollectingNotifier(), by="S001")
    notifier = CollectingNotifier()
    assert ratings.record(session, visit, now=NOW, actor=rater, notifier=notifier, score=2, reports=REPORTS, comment="มาสาย")
    assert not ratings.record(session, visit, now=NOW, actor=rater, notifier=notifier, score=5, reports=REPORTS)  # once per contact
    assert notifier.people() == [staff(session, "K001"), staff(session, "S001")]


def test_a_good_ticket_score_tells_nobody_and_a_low_one_the_kamr(session):
    a100 = account(session, "A100")
    site_id = roster.sites_of(session, a100.id)[0].id
    ticket = outages.open_outage(session, now=NOW, actor=None, channel="form", notifier=CollectingNotifier(),
                                 account_id=a100.id, site_id=site_id, symptom="flicker", started=NOW).ticket
    notifier = CollectingNotifier()
    assert ratings.record(session, ticket, now=NOW, actor=contact(session, "A100", "วิภา"), notifier=notifier, score=4, reports=REPORTS)
    assert notifier.pushes == []
    assert ratings.record(session, ticket, now=NOW, actor=contact(session, "A100", "เอกชัย"), notifier=notifier, score=3, reports=REPORTS)
    k001 = staff(session, "K001")
    assert [m.text for m in notifier.to(k001)] == [
        t("staff_low_rating", "th", number=ticket.number, account=a100.name, score=3)]
