"""CPU per event of the storm's report journey, handled in this process: no HTTP, no sender (issue 20).

    python tests/bench/bench_handling.py [--database sqlite|postgresql --pg-url URL] [--reporters 150]
        [--accounts 5000] [--staff 1000] [--together N] [--profile [--profile-sort tottime] [--callees REGEX]] [--show-sql N]

The organisation and the journeys of `bench_storm.py` ([ไฟดับ], symptom, "just now", a photo, a pin,
[เสร็จสิ้น]; both contacts of an account often report the same site), but each event is stored and
then handled at once by `process_user`, the worker's own function, one after the other. What it
measures is the handling alone (the dialogs, the rules, the database work and the queued answers),
free of the noise the web process, the sender and the LINE stand-in add to a whole-system run:
CPU milliseconds and SQL statements per event for each step of the journey. The step "photo
fetched" is the sender's part of a photo: `MediaFetcher.fetch_due` downloads it from a LINE
stand-in answering at once (its own process, not counted), stores it and relays it to the
responders; in a storm it is the second holder of SQLite's write lock after handling. `--profile` prints the
functions that took the time (`--callees open_outage` breaks one down). Prints one JSON line.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bench")]

from sqlalchemy import event as sa_event  # noqa: E402

import bench_storm  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.line.events import inbox_row  # noqa: E402
from bot.line.media import MediaFetcher  # noqa: E402
from bot.line.processing import process_user, process_users  # noqa: E402
from storage import inbox  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from procs import StandInProcess  # noqa: E402

FETCHED = "photo fetched"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("KAMBOT_BENCH_PG_URL"))
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=0, help="earlier tickets in the database")
    parser.add_argument("--reporters", type=int, default=150)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--together", type=int, default=1, metavar="N",
                        help="N people's events at each step handled by `process_users`, in shared transactions"
                             " as the worker does on SQLite (1: one transaction per event, `process_user`)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-sort", default="cumulative", help="pstats order: cumulative, tottime, ...")
    parser.add_argument("--callees", metavar="REGEX", help="with --profile: what the matching functions called")
    parser.add_argument("--show-sql", type=int, metavar="N", default=None,
                        help="print the statements of the N-th reporter's journey, step by step")
    args = parser.parse_args()
    if args.database == "postgresql" and not args.pg_url:
        parser.error("--database postgresql needs --pg-url or $KAMBOT_BENCH_PG_URL")
    url = args.pg_url if args.database == "postgresql" else f"sqlite:///{tempfile.mkdtemp(prefix='kambot-handling-')}/k.db"
    org = bench_storm.build_organisation(url, argparse.Namespace(staff=args.staff, accounts=args.accounts,
                                                                  tickets=args.tickets))
    _, reporters = bench_storm.choose_storm(org, argparse.Namespace(reporters=args.reporters),
                                            random.Random(args.seed))
    line = StandInProcess(delay=0, token="t")
    config = parse_config({"line": {"channel_secret": "s", "channel_access_token": "t", "api_host": line.url},
                           "database": {"url": url}, "server": {"public_url": bench_storm.PUBLIC_URL}})
    engine = make_engine(url)
    fetcher = MediaFetcher(config, engine, clock=lambda: datetime.now(timezone.utc))
    statements = [0]
    shown: list[str] = []
    showing = [False]

    def count(_conn, _cursor, statement, *_):
        statements[0] += 1
        if showing[0]:  # only then: the text costs CPU the figures would count
            shown.append(" ".join(statement.split())[:160])

    sa_event.listen(engine, "before_cursor_execute", count)
    clock = lambda: datetime.now(timezone.utc)  # noqa: E731
    steps = {tap: {"cpu_s": 0.0, "events": 0, "statements": 0} for tap in (*bench_storm.TAPS, FETCHED)}
    profile = cProfile.Profile()

    def measured(step: str, show: bool, work, count: int) -> None:
        before_statements, before_cpu = statements[0], time.process_time()
        if args.profile:
            profile.enable()
        shown.clear()
        showing[0] = show
        done = work()
        if show:
            print(f"--- {step}: {len(shown)} statements", *shown, sep="\n  ", file=sys.stderr)
        if args.profile:
            profile.disable()
        assert done == count, f"{step}: {done} of {count} done"
        figures = steps[step]
        figures["cpu_s"] += time.process_time() - before_cpu
        figures["events"] += count
        figures["statements"] += statements[0] - before_statements

    try:
        for first in range(0, len(reporters), args.together):
            group = [user for user, _code in reporters[first:first + args.together]]
            show = first <= (args.show_sql if args.show_sql is not None else -1) < first + len(group)
            for k, tap in enumerate(bench_storm.TAPS):
                stored = [bench_storm._event(tap, user, f"hb{first + i}-{k}", f"01HANDLING{first + i:08d}{k}", time.time())
                          for i, user in enumerate(group)]
                with session_scope(engine) as session:
                    inbox.add_events(session, [inbox_row(event) for event in stored], now=clock())
                if len(group) == 1:
                    measured(tap, show, lambda: process_user(engine, config, group[0], clock), 1)
                else:
                    measured(tap, show, lambda: process_users(engine, config, group, clock), len(group))
                if tap == "photo":
                    measured(FETCHED, show, lambda: fetcher.fetch_due(limit=len(group)), len(group))
    finally:
        fetcher.close()
        line.stop()
    if args.profile:
        stats = pstats.Stats(profile, stream=sys.stderr).sort_stats(args.profile_sort)
        stats.print_stats(40)
        if args.callees:
            stats.print_callees(args.callees)
    handling = [figures for step, figures in steps.items() if step != FETCHED]
    events = sum(figures["events"] for figures in handling)
    print(json.dumps({
        "benchmark": "handling", "database": args.database, "reporters": len(reporters), "events": events,
        "cpu_ms_per_event": round(1000 * sum(figures["cpu_s"] for figures in handling) / events, 2),
        "steps": {tap: {"cpu_ms": round(1000 * figures["cpu_s"] / figures["events"], 2),
                        "statements": round(figures["statements"] / figures["events"], 1)}
                  for tap, figures in steps.items()},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
