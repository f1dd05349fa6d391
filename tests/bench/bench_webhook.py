"""Webhook burst against the real server (`kambot serve`, gunicorn), beside the SDK-example baseline.

    python tests/bench/bench_webhook.py [--database sqlite|postgresql] [--requests 3000] [--users 300]
        [--concurrency 32] [--rate 1000] [--line-delay 0.2] [--workers 2] [--no-baseline]
        [--split [--worker-nice 10] [--ack-only]] [--outbox-concurrency 64]

Outage reports from distinct linked customers (tap ไฟดับ, pick the symptom, "just now", then
status; every 5th webhook carries a second event from another customer) are posted signed to
/callback while a local LINE stand-in answers every call after --line-delay seconds. The same
load then goes to a handler written the SDK-example way (all work and the reply call inside the
request). PostgreSQL (--pg-url or $KAMBOT_BENCH_PG_URL; its tables are dropped and recreated)
runs `kambot serve --workers N --web-only` plus --worker-processes `kambot worker`; so does SQLite
with --split (one worker; --workers web processes, 1 unless given). Reports CPU per request of each
process (web, worker, LINE stand-in, load generator), which says what a rate would need of the
machine however busy it was. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bench")]

import requests  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import loadgen  # noqa: E402
from line_wire import free_port, sign, webhook_body  # noqa: E402
from procs import (ServerProcess, StandInProcess, customer_id, seed_customers, start_workers,  # noqa: E402
                   stop_workers, write_config)
from storage.db import make_engine  # noqa: E402

SECRET, TOKEN = "bench-secret", "bench-token"
JOURNEY = ("a=outage", "a=outage.symptom&v=no_power", "a=outage.since&v=now", "a=status")


def build_load(requests_total: int, users: int, url: str) -> tuple[list[bytes], dict[str, int], int]:
    """Prepared requests, the request index of every reply token, and the number of events."""
    bodies, token_request, events_total = [], {}, 0
    now_ms = int(time.time() * 1000)
    for n in range(requests_total):
        user, step = n % users, (n // users) % len(JOURNEY)
        picks = [(user, JOURNEY[step])]
        if n % 5 == 4:
            picks.append(((user + users // 2) % users, "a=status"))
        events = []
        for k, (who, data) in enumerate(picks):
            token = f"rt{n:07d}{k}"
            token_request[token] = n
            events.append({"type": "postback", "mode": "active", "timestamp": now_ms, "replyToken": token,
                           "source": {"type": "user", "userId": customer_id(who)},
                           "webhookEventId": f"01BENCH{n:012d}{k}", "deliveryContext": {"isRedelivery": False},
                           "postback": {"data": data}})
        events_total += len(events)
        body = webhook_body(events)
        bodies.append(loadgen.request_bytes(url, body, {"X-Line-Signature": sign(body, SECRET)}))
    return bodies, token_request, events_total


def fresh_database(args, work: Path, name: str) -> str:
    if args.database == "sqlite":
        url = f"sqlite:///{work / (name + '.sqlite3')}"
    else:
        url = args.pg_url
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    seed_customers(engine, args.users, accounts_per_kamr=20)
    engine.dispose()
    return url


def measure(args, work: Path, *, baseline: bool) -> dict:
    name = "sdk_style" if baseline else "kambot"
    db_url = fresh_database(args, work, name)
    line = StandInProcess(delay=args.line_delay, token=TOKEN)
    port = free_port()
    config = write_config(work / f"{name}.toml", secret=SECRET, token=TOKEN, line_url=line.url, db_url=db_url,
                          port=port, server={"threads": args.threads},
                          outbox={"concurrency": args.outbox_concurrency})
    pg = args.database == "postgresql"
    command = [sys.executable, str(ROOT / "tests/bench/sdk_style_app.py"), str(config)] if baseline else None
    split = (pg or args.split) and not baseline
    server_args = ("--workers", str(args.workers), "--web-only") if split else ()
    server = ServerProcess(config, *server_args, command=command, log=work / f"{name}.log")
    workers: dict = {}
    try:
        server.start()
        workers = start_workers(config, args.worker_processes if split and not args.ack_only else 0,
                                log=work / "worker.log", nice=args.worker_nice, separate_sender=args.separate_sender)
        bodies, token_request, events_total = build_load(args.requests, args.users, f"{server.base}/callback")
        started = {role: [process.pid for process in group] for role, group in workers.items()}
        _wait_until_idle([pid for pids in started.values() for pid in pids])  # start-up (imports, migrations) is no request's
        roles = {"web": descendants(server.process.pid), **started, "line_standin": [line.pid]}
        cpu_before, loadgen_before = {role: cpu_seconds(pids) for role, pids in roles.items()}, time.process_time()
        result = loadgen.run(f"{server.base}/callback", bodies, concurrency=args.concurrency, rate=args.rate)
        loadgen_cpu = time.process_time() - loadgen_before
        web_cpu = cpu_seconds(roles.pop("web")) - cpu_before.pop("web")  # before /healthz polls add to it
        finished = args.ack_only or line.wait_for(lambda: len(line.deliveries) >= events_total,
                                                  timeout=args.drain_timeout)
        settled = baseline or args.ack_only or line.wait_for(lambda: _settled(server.base), timeout=args.drain_timeout)
        time.sleep(args.line_delay * 2)
        cpu = {"web": web_cpu, **{role: cpu_seconds(pids) - cpu_before[role] for role, pids in roles.items()}}
    finally:
        stop_workers(workers)
        server.stop()
        line.stop()
    replied = {key: at for kind, key, at, _ in line.deliveries if kind == "reply"}
    pushed = [key for kind, key, _, _ in line.deliveries if kind == "push"]
    to_reply = [(at - args.line_delay - result.sent_at[token_request[token]]) * 1000
                for token, at in replied.items() if token in token_request]
    customers = {customer_id(n) for n in range(args.users)}
    within_1s = sum(1 for ms in to_reply if ms <= 1000) / max(1, events_total)
    return {
        "requests_per_s": round(len(bodies) / result.elapsed_s, 1), "events": events_total,
        "ack_ms": loadgen.percentiles(result.latencies_ms),
        "webhook_to_reply_call_ms": loadgen.percentiles(to_reply, 0),
        "replies_within_1s": round(within_1s, 3),
        "replies": len(replied), "pushes_to_customers": sum(1 for to in pushed if to in customers),
        "pushes_to_staff": sum(1 for to in pushed if to not in customers),
        "errors": result.errors + (0 if finished and settled else 1),
        "statuses": result.statuses,
        # CPU per webhook request, by process: what 1,000 requests/s would need of the 2 cores.
        "cpu_ms_per_request": {role: round(seconds * 1000 / len(bodies), 2)
                               for role, seconds in {**cpu, "load_generator": loadgen_cpu}.items() if seconds},
    }


def descendants(pid: int) -> list[int]:
    """pid and every process below it (gunicorn's master and its workers)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _wait_until_idle(pids: list[int], *, quiet_s: float = 0.5, timeout_s: float = 60) -> None:
    """Until these processes spent under 5 % of a core for quiet_s: started up and waiting for work."""
    deadline = time.monotonic() + timeout_s
    before = cpu_seconds(pids)
    while pids and time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = cpu_seconds(pids)
        if now - before < quiet_s * 0.05:
            return
        before = now


def _settled(base: str) -> bool:
    counts = requests.get(f"{base}/healthz", timeout=5).json()
    return not counts["inbox"].get("pending") and not counts["outbox"].get("pending")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("KAMBOT_BENCH_PG_URL"))
    parser.add_argument("--workers", type=int, default=None,
                        help="web processes: PostgreSQL, or SQLite with --split (default 2 on PostgreSQL, 1 on SQLite)")
    parser.add_argument("--worker-processes", type=int, default=1, help="`kambot worker` processes (PostgreSQL only)")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--outbox-concurrency", type=int, default=64, help="LINE calls in flight ([outbox] concurrency)")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=None, help="open loop: requests per second")
    parser.add_argument("--line-delay", type=float, default=0.2)
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--separate-sender", action="store_true",
                        help="with --split (or PostgreSQL): `kambot worker --without-sender` beside one `kambot sender`")
    parser.add_argument("--worker-nice", type=int, default=0,
                        help="run `kambot worker` at this nice level, below the web processes (e.g. 10)")
    parser.add_argument("--ack-only", action="store_true",
                        help="with --split: no `kambot worker`, events stay in the inbox; measures acknowledging alone")
    parser.add_argument("--split", action="store_true",
                        help="SQLite: `serve --web-only` plus `kambot worker`, as PostgreSQL always runs")
    args = parser.parse_args()
    if args.workers is None:
        args.workers = 2 if args.database == "postgresql" else 1
    if args.workers > 1 and not (args.split or args.database == "postgresql"):
        parser.error("--workers > 1 on SQLite needs --split (`serve --web-only` beside `kambot worker`)")
    if args.database == "postgresql" and not args.pg_url:
        parser.error("--database postgresql needs --pg-url or $KAMBOT_BENCH_PG_URL")
    if args.ack_only and not (args.split or args.database == "postgresql") or args.ack_only and not args.no_baseline:
        parser.error("--ack-only needs --split (or PostgreSQL) and --no-baseline")

    work = Path(tempfile.mkdtemp(prefix="kambot-bench-"))
    ours = measure(args, work, baseline=False)
    print(json.dumps({"kambot": ours}), file=sys.stderr)
    figures = {"benchmark": "webhook_burst", "database": args.database, "requests": args.requests,
               "users": args.users, "concurrency": args.concurrency, "rate": args.rate, "line_delay_s": args.line_delay,
               "workers": args.workers,
               "worker_processes": args.worker_processes if (args.database == "postgresql" or args.split)
               and not args.ack_only else 0, "worker_nice": args.worker_nice,
               "separate_sender": args.separate_sender, "kambot": ours}
    if not args.no_baseline:
        base = measure(args, work, baseline=True)
        figures["sdk_style"] = base
        figures["ratio_requests_per_s"] = round(ours["requests_per_s"] / base["requests_per_s"], 1)
        figures["ratio_ack_p99"] = round(base["ack_ms"]["p99"] / ours["ack_ms"]["p99"], 1)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    threading.stack_size(512 * 1024)
    main()
