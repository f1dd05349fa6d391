"""Scheduled jobs at scale: escalation and the complaint digest over a generated organisation.

    python tests/bench/bench_jobs.py [--database sqlite|postgresql] [--pg-url URL]
        [--accounts 5000] [--staff 1000] [--tickets 50000]

Runs each job at Monday 08:30 Bangkok (digest time), then once more (a rerun must send
nothing). Reports wall time, SQL statements issued (counted with a SQLAlchemy event) and
pushes queued per run. PostgreSQL (--pg-url or $KAMBOT_BENCH_PG_URL) has its tables dropped
and recreated. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import event  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import org_factory  # noqa: E402
from bot.config import Config  # noqa: E402
from jobs.complaint_digest import send_complaint_digests  # noqa: E402
from jobs.escalation import escalate_unacknowledged  # noqa: E402
from jobs.scheduler import run_job  # noqa: E402
from storage.db import make_engine  # noqa: E402

NOW = datetime(2026, 11, 23, 1, 30, tzinfo=timezone.utc)  # Monday 08:30 in Bangkok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("KAMBOT_BENCH_PG_URL"))
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=50000)
    args = parser.parse_args()
    if args.database == "postgresql" and not args.pg_url:
        parser.error("--database postgresql needs --pg-url or $KAMBOT_BENCH_PG_URL")
    url = args.pg_url if args.database == "postgresql" else f"sqlite:///{tempfile.mkdtemp()}/jobs.sqlite3"

    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    began = time.perf_counter()
    org = org_factory.generate(engine, staff=args.staff, accounts=args.accounts, tickets=args.tickets, now=NOW)
    seeded_s = time.perf_counter() - began

    statements = 0

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        nonlocal statements
        statements += 1

    config, runs = Config(), {}
    for name, job in (("escalation", escalate_unacknowledged), ("complaint_digest", send_complaint_digests)):
        for attempt in ("first", "rerun"):
            statements, began = 0, time.perf_counter()
            pushes = run_job(job, engine, config, lambda: NOW)
            runs[f"{name}_{attempt}"] = {"wall_s": round(time.perf_counter() - began, 3), "sql_statements": statements,
                                         "pushes": pushes}
    engine.dispose()
    print(json.dumps({"benchmark": "jobs_at_scale", "database": args.database, "accounts": args.accounts,
                      "staff": args.staff, "tickets": args.tickets, "open_outages_due": org.open_outages,
                      "complaints_due_roughly": org.complaints_due, "seed_s": round(seeded_s, 1), **runs}))


if __name__ == "__main__":
    main()
