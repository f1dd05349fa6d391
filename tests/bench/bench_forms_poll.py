"""One forms poll ingesting a big responses sheet, through the real gspread client and the Sheets stand-in.

    python tests/bench/bench_forms_poll.py [--rows 10000] [--accounts 200] [--db URL]

A complaint form with ROWS responses from ACCOUNTS accounts (each KAMR on LINE, so every
response also queues the KAMR's card) and a coordinator spreadsheet. Poll 1 ingests everything;
poll 2 reads the same sheet again and must create nothing. Prints figures, then one JSON line:
rows/s, Sheets requests per poll, peak Python memory (tracemalloc), tickets and outbox rows.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the Sheets stand-in lives in tests/

from sqlmodel import func, select  # noqa: E402

from bot.config import parse_config  # noqa: E402
from sheets_standin import SheetsStandIn  # noqa: E402
from bot.forms.poll import poll_forms  # noqa: E402
from bot.line.notifier import notifier_for  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Account, FormResponse, OutboxMessage, Staff, Ticket  # noqa: E402

HEADER = ["ประทับเวลา", "รหัสบัญชี", "เรื่อง", "รายละเอียด", "เบอร์โทร"]
TOPICS = ["ค่าไฟฟ้า/บิล", "คุณภาพไฟฟ้า", "การให้บริการ", "พนักงาน", "อื่น ๆ"]


def seed(engine, accounts: int) -> None:
    with session_scope(engine) as session:
        for n in range(accounts // 10 + 1):
            session.add(Staff(staff_code=f"K{n:03d}", name=f"KAMR {n}", role="kamr", office="PEA-N1",
                              line_user_id=f"Ukamr{n:03d}"))
        session.flush()
        staff_ids = [s.id for s in session.exec(select(Staff)).all()]
        for n in range(accounts):
            session.add(Account(account_code=f"A{n:04d}", name=f"บริษัท ทดสอบ {n} จำกัด", tier="strategic",
                                office="PEA-N1", kamr_id=staff_ids[n % len(staff_ids)]))


def sheet_rows(rows: int, accounts: int) -> list[list]:
    start = datetime(2026, 11, 2, 8, 0)
    data = [HEADER]
    for n in range(rows):
        data.append([start + timedelta(seconds=37 * n), f"A{n % accounts:04d}", TOPICS[n % len(TOPICS)],
                     f"รายละเอียดเรื่องร้องเรียนที่ {n} " + "ข้อความ" * 10, f"08{n:08d}"])
    return data


def fresh_run(args, folder: Path, sheets: SheetsStandIn, key_file: Path, rows: list[list], now: datetime, *,
              repeat: bool = True):
    """A new database and spreadsheets; poll once (and, when `repeat`, again over the same rows)."""
    folder.mkdir()
    url = args.db or f"sqlite:///{folder / 'kambot.sqlite3'}"
    if args.db:
        reset(url)
    upgrade(url)
    engine = make_engine(url)
    seed(engine, args.accounts)
    prefix = folder.name.upper()
    sheets.add_spreadsheet(f"{prefix}-FORM").add_tab("การตอบแบบฟอร์ม 1", rows)
    sheets.add_spreadsheet(f"{prefix}-COORD")
    config = parse_config({
        "database": {"url": url},
        "sheets": {"service_account_file": str(key_file), "api_base_url": sheets.url,
                   "coordinator_spreadsheet": f"{prefix}-COORD"},
        "forms": [{"key": "complaints", "spreadsheet": f"{prefix}-FORM", "intent": "complaint",
                   "account_column": "รหัสบัญชี",
                   "fields": {"เรื่อง": "topic", "รายละเอียด": "details", "เบอร์โทร": "phone"}}],
    })
    sheets.reset_log()
    started = time.perf_counter()
    first = poll_forms(engine, config, now=now, notifier_for=notifier_for)
    first_seconds = time.perf_counter() - started
    first_requests = len(sheets.calls())
    if not repeat:
        return None
    sheets.reset_log()
    started = time.perf_counter()
    second = poll_forms(engine, config, now=now + timedelta(minutes=5), notifier_for=notifier_for)
    second_seconds = time.perf_counter() - started
    with session_scope(engine) as session:
        counts = {name: session.exec(select(func.count()).select_from(model)).one()
                  for name, model in (("tickets", Ticket), ("form_responses", FormResponse),
                                      ("outbox_rows", OutboxMessage))}
    engine.dispose()
    return {
        "rows": args.rows,
        "first_poll_seconds": round(first_seconds, 2),
        "rows_per_second": round(args.rows / first_seconds, 1),
        "requests_first_poll": first_requests,
        "second_poll_seconds": round(second_seconds, 2),
        "requests_second_poll": len(sheets.calls()),
        "second_poll_new": second.results["complaints"].new if "complaints" in second.results else None,
        **counts,
        "failures": {**first.failures, **second.failures},
        "database": url.split(":", 1)[0],
    }


def reset(url: str) -> None:
    """A PostgreSQL database given by --db starts empty, like the fresh SQLite file."""
    from sqlalchemy import text
    from sqlmodel import SQLModel

    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kambot-bench-forms-"))
    sheets = SheetsStandIn().start()
    key_file = workdir / "service-account.json"
    key_file.write_text(json.dumps(sheets.service_account_info()))
    rows = sheet_rows(args.rows, args.accounts)
    now = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)

    # Run 1 is timed; run 2 repeats it on a fresh database under tracemalloc (which slows Python
    # down several times) only to measure the peak memory of the same poll.
    timed = fresh_run(args, workdir / "timed", sheets, key_file, rows, now)
    tracemalloc.start()
    fresh_run(args, workdir / "traced", sheets, key_file, rows, now, repeat=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sheets.stop()
    result = {**timed, "peak_memory_mb": round(peak / 1_000_000, 1)}
    print(f"poll 1: {args.rows} rows in {result['first_poll_seconds']} s ({result['rows_per_second']} rows/s), "
          f"{result['requests_first_poll']} Sheets requests, peak {result['peak_memory_mb']} MB (tracemalloc)")
    print(f"poll 2 (same rows): {result['second_poll_seconds']} s, {result['requests_second_poll']} requests, "
          f"{result['second_poll_new']} new")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
