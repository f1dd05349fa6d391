"""Forms abuse: anyone with the rating form cannot stack scores on one visit (a form respondent we
cannot match to a contact counts once), and visit reports dated 1901 or 2199 are refused, so they
neither count nor ask real customers to rate them."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from storage.db import session_scope
from storage.models import FormResponse, Rating, Visit
from tests.forms_harness import at, forms_config, poll
from tests.test_forms_coordinator import RATINGS, VISITS, forms_book  # noqa: F401  (fixture)


def test_scores_from_unmatched_respondents_count_once_per_visit(org, sheets, tmp_path, forms_book):  # noqa: F811
    config = forms_config(org.config, sheets, tmp_path, forms=[VISITS, RATINGS])
    forms_book.tab("บันทึกการเยี่ยม").rows.append([at(8, 0), "A100", "K001", date(2026, 11, 20), "โทรศัพท์", "", ""])
    poll(org, config)
    for minute in range(5):  # one person submitting again and again (the form identifies no one)
        forms_book.tab("ประเมินการเยี่ยม").rows.append([at(12, minute), "A100", date(2026, 11, 20), "1", "แย่"])
    poll(org, config)
    with session_scope(org.engine) as session:
        scores = session.exec(select(Rating.score)).all()
        reasons = [r.reason for r in session.exec(select(FormResponse).where(FormResponse.form_key == "ratings")
                                                  .order_by(FormResponse.id))]
    assert scores == [1]
    assert reasons[1:] == ["ผู้ติดต่อนี้ให้คะแนนการเยี่ยมนี้แล้ว"] * 4
    # A contact on LINE still rates the same visit once, on their own.
    with session_scope(org.engine) as session:
        visit = session.exec(select(Visit)).one()
    org.tap("Ucust1", f"a=rate.give&k=visit&i={visit.id}&s=5")
    org.tap("Ucust1", f"a=rate.give&k=visit&i={visit.id}&s=4")
    with session_scope(org.engine) as session:
        assert sorted(session.exec(select(Rating.score)).all()) == [1, 5]


def test_visit_reports_dated_far_away_are_refused_and_ask_no_one(org, sheets, tmp_path, forms_book):  # noqa: F811
    config = forms_config(org.config, sheets, tmp_path, forms=[VISITS])
    forms_book.tab("บันทึกการเยี่ยม").rows += [[at(8, 0), "A100", "K001", date(1901, 1, 1), "โทรศัพท์", "", ""],
                                                [at(8, 1), "A100", "K001", date(2199, 1, 1), "โทรศัพท์", "", ""],
                                                [at(8, 2), "A100", "K001", date(2026, 11, 20), "โทรศัพท์", "", ""]]
    poll(org, config)
    with session_scope(org.engine) as session:
        visits = session.exec(select(Visit.visit_date)).all()
        responses = session.exec(select(FormResponse).order_by(FormResponse.id)).all()
    assert visits == [date(2026, 11, 20)]
    assert [r.status for r in responses] == ["invalid", "invalid", "ingested"]
    assert "อยู่นอกช่วง" in responses[0].reason
    assert len([m for m in org.texts_to("Ucust1") if "ติดต่อเยี่ยม" in m]) == 1  # asked about the real one only
