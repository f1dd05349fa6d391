"""Every scheduled job at scale, over a generated organisation (tests/org_factory.py).

    python tests/bench/bench_jobs.py [--database sqlite|postgresql] [--pg-url URL]
        [--accounts 5000] [--staff 1000] [--tickets 50000] [--form-rows 1000] [--form-new 50]

Runs each job of jobs/scheduler.py at Monday 23 Nov 2026 08:30 Bangkok (a working day, the
quota digest's weekday), then once more (a rerun must send nothing): escalation, the complaint
digest, the weekly quota digest, the daily visit-report reminder and the visit-rating reminder
(the two halves of the daily visit job), and the forms poll (a complaint form of FORM_ROWS
responses of which FORM_NEW arrived since the previous, unmeasured poll, plus the coordinator
spreadsheet, through the real gspread client against tests/sheets_standin.py, in this process;
tests/bench/bench_forms_poll.py measures a first read of a big sheet). Reports wall time, SQL statements issued (counted with a SQLAlchemy
event) and pushes queued (outbox rows added) per run. PostgreSQL (--pg-url or
$KAMBOT_BENCH_PG_URL) has its tables dropped and recreated. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import event, func, select  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import org_factory  # noqa: E402
from bot.config import parse_config  # noqa: E402
from sheets_standin import SheetsStandIn  # noqa: E402
from jobs.complaint_digest import send_complaint_digests  # noqa: E402
from jobs.escalation import escalate_unacknowledged  # noqa: E402
from bot.forms.poll import poll_forms  # noqa: E402
from bot.line.notifier import notifier_for  # noqa: E402
from jobs.scheduler import run_job  # noqa: E402
from jobs.visit_reminders import send_quota_digests, send_rating_reminders, send_visit_report_reminders  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402

NOW = datetime(2026, 11, 23, 1, 30, tzinfo=timezone.utc)  # Monday 08:30 in Bangkok
FORM_HEADER = ["ประทับเวลา", "รหัสบัญชี", "เรื่อง", "รายละเอียด", "เบอร์โทร"]
JOBS = (("escalation", escalate_unacknowledged), ("complaint_digest", send_complaint_digests),
        ("quota_digest", send_quota_digests), ("visit_report_reminder", send_visit_report_reminders),
        ("visit_rating_reminder", send_rating_reminders))


def form_rows(rows: int, accounts: int) -> list[list]:
    """Complaints sent from the form over the last days, spread over the accounts."""
    first = (NOW + timedelta(hours=7)).replace(tzinfo=None) - timedelta(days=3)
    return [FORM_HEADER] + [[first + timedelta(seconds=97 * n), f"A{(n * 7919) % accounts:05d}", "ค่าไฟฟ้า/บิล",
                             f"เรื่องร้องเรียนจากแบบฟอร์มที่ {n}", f"08{n:08d}"] for n in range(rows)]


def forms_config(url: str, sheets: SheetsStandIn, workdir: Path):
    key_file = workdir / "service-account.json"
    key_file.write_text(json.dumps(sheets.service_account_info()))
    return parse_config({
        "database": {"url": url},
        "sheets": {"service_account_file": str(key_file), "api_base_url": sheets.url, "coordinator_spreadsheet": "COORD"},
        "forms": [{"key": "complaints", "spreadsheet": "FORM", "intent": "complaint", "account_column": "รหัสบัญชี",
                   "fields": {"เรื่อง": "topic", "รายละเอียด": "details", "เบอร์โทร": "phone"}}],
    })


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("KAMBOT_BENCH_PG_URL"))
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=50000)
    parser.add_argument("--form-rows", type=int, default=1000)
    parser.add_argument("--form-new", type=int, default=50)
    args = parser.parse_args()
    if args.database == "postgresql" and not args.pg_url:
        parser.error("--database postgresql needs --pg-url or $KAMBOT_BENCH_PG_URL")
    workdir = Path(tempfile.mkdtemp(prefix="kambot-bench-jobs-"))
    url = args.pg_url if args.database == "postgresql" else f"sqlite:///{workdir}/jobs.sqlite3"

    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    began = time.perf_counter()
    org = org_factory.generate(engine, staff=args.staff, accounts=args.accounts, tickets=args.tickets, now=NOW)
    seeded_s = time.perf_counter() - began
    sheets = SheetsStandIn().start()
    responses = form_rows(args.form_rows, args.accounts)
    split = len(responses) - args.form_new
    form_tab = sheets.add_spreadsheet("FORM").add_tab("การตอบแบบฟอร์ม 1", responses[:split])
    sheets.add_spreadsheet("COORD")
    config = forms_config(url, sheets, workdir)
    poll_forms(engine, config, now=NOW - timedelta(minutes=5), notifier_for=notifier_for)  # the earlier responses: ingested before
    form_tab.rows.extend(responses[split:])

    def outbox_rows() -> int:
        with session_scope(engine) as session:
            return session.execute(select(func.count()).select_from(OutboxMessage)).scalar()

    statements = 0

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        nonlocal statements
        statements += 1

    runs = {}
    jobs = [(name, lambda job=job: run_job(job, engine, config, lambda: NOW, notifier_for)) for name, job in JOBS]
    jobs.append(("forms_poll", lambda: poll_forms(engine, config, now=NOW, notifier_for=notifier_for)))
    for name, job in jobs:
        for attempt in ("first", "rerun"):
            queued = outbox_rows()
            statements, began = 0, time.perf_counter()
            job()
            wall_s, issued = time.perf_counter() - began, statements
            runs[f"{name}_{attempt}"] = {"wall_s": round(wall_s, 3), "sql_statements": issued,
                                         "pushes": outbox_rows() - queued}
    sheets_requests = len(sheets.calls())
    sheets.stop()
    engine.dispose()
    for name, run in runs.items():
        print(f"{name:30} {run['wall_s']:6.2f} s {run['sql_statements']:6} statements {run['pushes']:6} pushes")
    print(json.dumps({"benchmark": "jobs_at_scale", "database": args.database, "accounts": args.accounts,
                      "staff": args.staff, "tickets": args.tickets, "contacts": org.contacts, "visits": org.visits,
                      "form_rows": args.form_rows, "form_new": args.form_new, "open_outages_due": org.open_outages,
                      "complaints_due_roughly": org.complaints_due, "visits_unreported": org.visits_unreported,
                      "visits_awaiting_rating_reminder": org.visits_awaiting_rating_reminder,
                      "sheets_requests": sheets_requests, "seed_s": round(seeded_s, 1), **runs}))


if __name__ == "__main__":
    main()
