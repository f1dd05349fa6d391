"""The quarterly report on a large generated organisation (SQLite file).

    python tests/bench/bench_report.py [--accounts 2000] [--tickets 30000] [--ratings 20000] [--visits 10000]

Builds a database with 40 offices, a KAMR per 10 accounts, outages, complaints, free services,
visits and ratings spread over 2026Q3, then times the whole `kambot report quarter 2026Q3`
(queries, tables, CSV files and HTML). Prints one JSON line: rows generated, seconds to build
the report, and the HTML size.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.cli import main  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import TIERS, Account, Rating, Staff, Ticket, Visit  # noqa: E402

START = datetime(2026, 7, 1, tzinfo=timezone.utc)
TOPICS = ("power_quality", "billing", "service", "staff", "other")


def generate(url: str, args, rng: random.Random) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        kamrs = [Staff(staff_code=f"K{i:04d}", name=f"KAMR {i}", role="kamr", office=f"PEA-{i % 40:02d}")
                 for i in range(args.accounts // 10)]
        managers = [Staff(staff_code=f"M{i:02d}", name=f"ผจก. {i}", role="office_manager", office=f"PEA-{i:02d}")
                    for i in range(40)]
        session.add_all(kamrs + managers)
        session.flush()
        accounts = [Account(account_code=f"A{i:05d}", name=f"บริษัท {i}", tier=rng.choice(TIERS),
                            office=kamrs[i % len(kamrs)].office, kamr_id=kamrs[i % len(kamrs)].id)
                    for i in range(args.accounts)]
        session.add_all(accounts)
        session.flush()
        for _ in range(args.visits):
            account = rng.choice(accounts)
            session.add(Visit(account_id=account.id, staff_id=account.kamr_id, status="done", created_at=START,
                              visit_date=date(2026, 7, 1) + timedelta(days=rng.randrange(92))))
        tickets = []
        for n in range(args.tickets):
            created = START + timedelta(minutes=rng.randrange(92 * 24 * 60))
            kind = rng.choice(("outage", "outage", "complaint", "service"))
            ticket = Ticket(number=f"T{n}", kind=kind, account_id=rng.choice(accounts).id, created_at=created,
                            category=rng.choice(TOPICS) if kind == "complaint" else "FMS2", status="open")
            if kind == "outage" and rng.random() < 0.9:
                ticket.acknowledged_at = created + timedelta(minutes=rng.expovariate(1 / 8))
            if kind == "complaint":
                ticket.due_date = (created + timedelta(days=7)).date()
                if rng.random() < 0.85:
                    ticket.details = {"answered_at": (created + timedelta(days=rng.uniform(0, 9))).isoformat()}
            if kind == "service" and rng.random() < 0.7:
                ticket.status, ticket.resolved_at = "resolved", created + timedelta(days=rng.uniform(1, 40))
            tickets.append(ticket)
        session.add_all(tickets)
        session.flush()
        for n in range(args.ratings):
            ticket = tickets[n % len(tickets)]
            session.add(Rating(subject_kind="ticket", subject_id=ticket.id, account_id=ticket.account_id,
                               contact_id=None, score=rng.choice((2, 3, 4, 4, 5, 5)), at=ticket.created_at,
                               comment="ช้า" if rng.random() < 0.05 else ""))
    engine.dispose()


def run(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--tickets", type=int, default=30000)
    parser.add_argument("--ratings", type=int, default=20000)
    parser.add_argument("--visits", type=int, default=10000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        generate(url, args, random.Random(6))
        config = Path(folder) / "kambot.toml"
        config.write_text(f'[database]\nurl = "{url}"\n[reports]\noutput_dir = "{folder}/out"\n', encoding="utf-8")
        began = time.perf_counter()
        result = CliRunner().invoke(main, ["report", "quarter", "2026Q3", "--config", str(config)])
        seconds = time.perf_counter() - began
        if result.exit_code != 0:
            raise SystemExit(result.output)
        html = (Path(folder) / "out" / "2026Q3" / "report.html").stat().st_size
    figures = {"accounts": args.accounts, "tickets": args.tickets, "ratings": args.ratings, "visits": args.visits,
               "report_seconds": round(seconds, 2), "html_bytes": html}
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    run()
