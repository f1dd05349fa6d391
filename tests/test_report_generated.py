"""The quarterly report on a larger random organisation: totals add up and match figures recomputed from the spec."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from bot.config import Config
from handlers.reporting.build import build_report, load
from handlers.reporting.html import render_html
from handlers.reporting.period import parse_period
from storage.db import session_scope
from storage.models import TIERS, Account, Rating, Staff, Ticket

CONFIG = Config()
OFFICES = ("PEA-C1", "PEA-N1", "PEA-S2")
QUARTER_START = datetime(2026, 6, 30, 17, 0, tzinfo=timezone.utc)  # 1 Jul 2026 00:00 in Bangkok
NOW = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)


def generate(engine, rng: random.Random) -> dict:
    """Random accounts, tickets and ratings; returns what the report should find, counted here directly."""
    expected = {"complaints": dict.fromkeys(OFFICES, 0), "outages": dict.fromkeys(OFFICES, 0),
                "scores": {tier: [] for tier in TIERS}}
    with session_scope(engine) as session:
        kamrs = [Staff(staff_code=f"K{i:02d}", name=f"KAMR {i}", role="kamr", office=OFFICES[i % 3]) for i in range(9)]
        session.add_all(kamrs)
        session.flush()
        accounts = [Account(account_code=f"A{i:03d}", name=f"บริษัท {i}", tier=rng.choice(TIERS),
                            office=kamrs[i % 9].office, kamr_id=kamrs[i % 9].id) for i in range(60)]
        session.add_all(accounts)
        session.flush()
        for n in range(400):
            account = rng.choice(accounts)
            in_quarter = rng.random() < 0.8
            created = QUARTER_START + timedelta(minutes=rng.randrange(92 * 1440)) if in_quarter \
                else QUARTER_START - timedelta(minutes=rng.randrange(1, 30 * 1440))
            kind = rng.choice(("outage", "complaint"))
            ticket = Ticket(number=f"T{n}", kind=kind, account_id=account.id, created_at=created, status="open",
                            category=rng.choice(("billing", "power_quality", "staff")))
            if kind == "outage" and rng.random() < 0.8:
                ticket.acknowledged_at = created + timedelta(minutes=rng.randrange(1, 60))
            if kind == "complaint":
                ticket.due_date = (created + timedelta(days=7)).date()
                if rng.random() < 0.7:
                    ticket.details = {"answered_at": (created + timedelta(days=rng.randrange(0, 10))).isoformat()}
            session.add(ticket)
            session.flush()
            if in_quarter:
                expected[f"{kind}s"][account.office] += 1
            if rng.random() < 0.5:
                score = rng.randint(1, 5)
                at = created + timedelta(hours=1)
                session.add(Rating(subject_kind="ticket", subject_id=ticket.id, account_id=account.id, score=score,
                                   at=at))
                if at >= QUARTER_START and at < QUARTER_START + timedelta(days=92):
                    expected["scores"][account.tier].append(score)
    return expected


def test_generated_quarter_adds_up(engine):
    expected = generate(engine, random.Random(2026))
    period = parse_period("2026Q3", CONFIG.quotas)
    with session_scope(engine) as session:
        report = build_report(load(session, period, CONFIG.quotas), period, CONFIG.reports, now=NOW)
    for name, key in (("complaints", "complaints"), ("outages", "outages")):
        rows = {row[0]: row for row in report.table(name).rows}
        assert {office: rows[office][1] for office in OFFICES} == expected[key]
        assert rows["ทั้งองค์กร"][1] == sum(expected[key].values())
        for column in range(1, 5):
            assert rows["ทั้งองค์กร"][column] == sum(rows[office][column] for office in OFFICES)
    for row in report.table("complaints").rows:  # every complaint is in exactly one state
        assert row[1] == row[2] + row[3] + row[4] + row[5]

    scores = [s for tier_scores in expected["scores"].values() for s in tier_scores]
    overall = next(row for row in report.table("satisfaction").rows if row[:2] == ["ทั้งองค์กร", "all"])
    assert overall[3] == len(scores) > 100
    assert overall[4] == round(sum(scores) / len(scores), 2)
    assert overall[5] == round(100 * sum(s <= 3 for s in scores) / len(scores), 1)

    groups = {tier: s for tier, s in expected["scores"].items() if s}
    grand = sum(scores) / len(scores)
    between = sum(len(s) * (sum(s) / len(s) - grand) ** 2 for s in groups.values())
    within = sum((x - sum(s) / len(s)) ** 2 for s in groups.values() for x in s)
    f = (between / (len(groups) - 1)) / (within / (len(scores) - len(groups)))
    anova = report.table("anova").rows[-1]
    assert anova[0] == "ทั้งองค์กร" and anova[2] == round(f, 3)
    assert anova[3:5] == [len(groups) - 1, len(scores) - len(groups)]
    assert anova[6] == ("แตกต่าง" if anova[5] < CONFIG.reports.anova_alpha else "ไม่แตกต่าง")

    page = render_html(report, CONFIG.reports, ack_minutes=CONFIG.escalation.outage_ack_minutes)
    assert page.count("<svg") == 6  # with the outages by tier (issue 16)
    assert "ไตรมาส 3/2569" in page and "2026" not in report.period.title()  # Buddhist era
