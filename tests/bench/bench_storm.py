"""A storm: feeders trip and thousands of key-account contacts report at once (issue 20).

    python tests/bench/bench_storm.py [--database sqlite|postgresql --pg-url URL] [--worker-processes 1]
        [--web-processes 2] [--accounts 5000] [--staff 1000] [--reporters 2000] [--window 120]
        [--incident-share 0.5] [--line-delay 0.2] [--separate-sender] [--worker-nice 0]

A generated organisation (`tests/org_factory.py`: 5,000 accounts with three contacts each, two on
LINE; 1,000 staff; 20,000 earlier tickets) gets one site per account on a feeder of five accounts.
Feeders trip until enough contacts are on them, and `--reporters` of those contacts start reporting
within `--window` seconds (Poisson arrivals). Each report is the real journey, one signed webhook
per step a few seconds apart as a person taps: [ไฟดับ], the symptom, "just now", a photo, a pin,
[เสร็จสิ้น]. Both contacts of an account often report the same site. A quarter of the way in, an
operator opens area incidents (`kambot incident open`, one per ten feeders) over `--incident-share`
of the tripped feeders: the notices go out by multicast and later reports join the incident.
The LINE stand-in answers every call after `--line-delay` seconds.

Reports reply latency (webhook sent → reply call, LINE's delay taken off; an answer pushed because
its reply token had expired counts with the push's time) p50/p95/p99, time from a
site's first report to its KAMR's card, replies/pushes/multicasts, CPU per process and per webhook
request, and errors (non-200 answers, replies sent twice, cards pushed twice, anything failed or left
pending). Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bench")]

import requests  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import loadgen  # noqa: E402
import org_factory  # noqa: E402
from bench_webhook import cpu_seconds, descendants  # noqa: E402
from line_wire import free_port, sign, webhook_body  # noqa: E402
from procs import ServerProcess, StandInProcess, start_workers, stop_workers, write_config  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.models import Account, Contact, Site, Staff  # noqa: E402

SECRET, TOKEN = "storm-secret", "storm-token"
ACCOUNTS_PER_FEEDER = 5
FEEDERS_PER_INCIDENT = 10
TAPS = ("a=outage", "a=outage.symptom&v=no_power", "a=outage.since&v=now", "photo", "pin", "a=outage.done")
SINCE_STEP = TAPS.index("a=outage.since&v=now")
PHOTO_STEP = TAPS.index("photo")
PUBLIC_URL = "https://kambot.example"  # photos relayed to the KAMRs are addressed under it
CARD_ACCOUNT = re.compile(r"\((A\d{5})\)")


def feeder_of(account_index: int) -> str:
    return f"F{account_index // ACCOUNTS_PER_FEEDER:04d}"


def build_organisation(url: str, args) -> dict:
    """The organisation, its sites on feeders; returns who is who for the storm."""
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    org_factory.generate(engine, staff=args.staff, accounts=args.accounts, tickets=args.tickets,
                         now=datetime.now(timezone.utc))
    with session_scope(engine) as session:
        accounts = session.execute(select(Account.id, Account.account_code, Staff.line_user_id)
                                   .join(Staff, Staff.id == Account.kamr_id).order_by(Account.id)).all()
        session.execute(insert(Site), [dict(account_id=account_id, name="โรงงาน 1", feeder=feeder_of(n))
                                       for n, (account_id, _, _) in enumerate(accounts)])
        contacts = session.execute(select(Contact.account_id, Contact.line_user_id)
                                   .where(Contact.line_user_id.is_not(None))).all()
    engine.dispose()
    on_line: dict[int, list[str]] = {}
    for account_id, line_user_id in contacts:
        on_line.setdefault(account_id, []).append(line_user_id)
    index_of = {account_id: n for n, (account_id, _, _) in enumerate(accounts)}
    return {"accounts": accounts, "on_line": on_line, "index_of": index_of}


def choose_storm(org: dict, args, rng: random.Random) -> tuple[list[str], list[tuple[str, str]]]:
    """Tripped feeders and (contact LINE id, account code) of every reporter, in arrival order."""
    feeders: dict[str, list] = {}
    for account_id, code, _kamr in org["accounts"]:
        feeders.setdefault(feeder_of(org["index_of"][account_id]), []).append((account_id, code))
    order = list(feeders)
    rng.shuffle(order)
    tripped, candidates = [], []
    for feeder in order:  # about four in five contacts on a tripped feeder write
        if len(candidates) * 0.8 >= args.reporters:
            break
        tripped.append(feeder)
        candidates += [(user, code) for account_id, code in feeders[feeder] for user in org["on_line"].get(account_id, [])]
    reporters = rng.sample(candidates, min(args.reporters, len(candidates)))
    return tripped, reporters


def build_requests(reporters, args, rng: random.Random, url: str, start_wall: float):
    """Every step of every journey as (due offset s, prepared request, reply token, step, account code, user)."""
    steps, arrival = [], 0.0
    for n, (user, code) in enumerate(reporters):
        arrival += rng.expovariate(len(reporters) / args.window)
        due = arrival
        for k, tap in enumerate(TAPS):
            token = f"st{n:06d}{k}"
            steps.append((due, token, _event(tap, user, token, f"01STORM{n:010d}{k}", start_wall + due), k, code, user))
            due += rng.uniform(2.0, 5.0)  # reading the answer and tapping the next button
    steps.sort(key=lambda step: step[0])
    prepared = []
    for due, token, event, k, code, user in steps:
        body = webhook_body([event])
        prepared.append((due, loadgen.request_bytes(url, body, {"X-Line-Signature": sign(body, SECRET)}), token, k, code,
                         user))
    return prepared


def _event(tap: str, user: str, token: str, event_id: str, at_wall: float) -> dict:
    event = {"mode": "active", "timestamp": int(at_wall * 1000), "replyToken": token, "webhookEventId": event_id,
             "source": {"type": "user", "userId": user}, "deliveryContext": {"isRedelivery": False}}
    if tap == "photo":
        return {**event, "type": "message", "message": {"type": "image", "id": "9" + event_id[-12:],
                                                        "contentProvider": {"type": "line"}}}
    if tap == "pin":
        return {**event, "type": "message", "message": {"type": "location", "id": "8" + event_id[-12:],
                                                        "title": "โรงงาน", "address": "ถนนพหลโยธิน",
                                                        "latitude": 13.7563, "longitude": 100.5018}}
    return {**event, "type": "postback", "postback": {"data": tap}}


def open_incidents(config: Path, feeders: list[str], log: Path) -> list[float]:
    """`kambot incident open` per group of feeders, as an operator would; returns when each was opened."""
    opened = []
    for start in range(0, len(feeders), FEEDERS_PER_INCIDENT):
        group = feeders[start:start + FEEDERS_PER_INCIDENT]
        command = [sys.executable, "-m", "bot.cli", "incident", "open", "--config", str(config),
                   "--cause", "กำลังตรวจสอบ", *(arg for feeder in group for arg in ("--feeder", feeder))]
        opened.append(time.monotonic())
        subprocess.run(command, cwd=ROOT, stdout=open(log, "ab"), stderr=subprocess.STDOUT, check=True)
    return opened


def measure(args, work: Path) -> dict:
    rng = random.Random(args.seed)
    url = args.pg_url if args.database == "postgresql" else f"sqlite:///{work / 'storm.sqlite3'}"
    began_setup = time.monotonic()
    org = build_organisation(url, args)
    tripped, reporters = choose_storm(org, args, rng)
    kamr_of = {code: kamr for _id, code, kamr in org["accounts"]}
    line = StandInProcess(delay=args.line_delay, token=TOKEN, details=True)
    config = write_config(work / "storm.toml", secret=SECRET, token=TOKEN, line_url=line.url, db_url=url,
                          port=free_port(), server={"threads": 16, "public_url": PUBLIC_URL},
                          outbox={"concurrency": args.outbox_concurrency})
    server = ServerProcess(config, "--workers", str(args.web_processes), "--web-only", log=work / "web.log")
    workers: dict = {}
    try:
        server.start(timeout=120)
        workers = start_workers(config, args.worker_processes, log=work / "worker.log", nice=args.worker_nice,
                                separate_sender=args.separate_sender)
        time.sleep(2)  # the workers' start-up is not the storm's
        setup_s = time.monotonic() - began_setup
        start_wall = time.time() + 3
        prepared = build_requests(reporters, args, rng, f"{server.base}/callback", start_wall)
        roles = {"web": descendants(server.process.pid), "line_standin": [line.pid],
                 **{role: [process.pid for process in group] for role, group in workers.items()}}
        cpu_before = {role: cpu_seconds(pids) for role, pids in roles.items()}
        incident_feeders = tripped[:int(len(tripped) * args.incident_share)]
        incidents_at: list[float] = []
        operator = threading.Timer(3 + args.window / 4, lambda: incidents_at.extend(
            open_incidents(config, incident_feeders, work / "operator.log")))
        operator.start()
        loadgen_before = time.process_time()
        result = loadgen.run(f"{server.base}/callback", [p[1] for p in prepared], concurrency=args.concurrency,
                             schedule=[p[0] for p in prepared], start_wall=start_wall)
        loadgen_cpu = time.process_time() - loadgen_before
        operator.join()
        # The web's share ends with the last acknowledgement; what it spends after is answering
        # the drain's /healthz (a probe write and counts), not webhooks.
        web_cpu = cpu_seconds(roles["web"]) - cpu_before["web"]
        settled = line.wait_for(lambda: _settled(server.base), timeout=args.drain_timeout)
        time.sleep(args.line_delay * 3)
        health = requests.get(f"{server.base}/healthz", timeout=5).json()
        cpu = {role: cpu_seconds(pids) - cpu_before[role] for role, pids in roles.items()} | {"web": web_cpu}
    finally:
        stop_workers(workers)
        server.stop()
        line.stop()
    if args.deliveries:  # every LINE call, to look into what the figures count
        with open(args.deliveries, "w", encoding="utf-8") as out:
            for kind, key, at, detail in line.deliveries:
                out.write(json.dumps({"kind": kind, "to": key, "at": at, "text": detail}, ensure_ascii=False) + "\n")
    return _figures(args, prepared, result, line.deliveries, kamr_of, cpu, loadgen_cpu, health, settled,
                    tripped=len(tripped), incident_feeders=len(incident_feeders), incidents=len(incidents_at),
                    setup_s=setup_s)


def _figures(args, prepared, result, deliveries, kamr_of, cpu, loadgen_cpu, health, settled, **extra) -> dict:
    sent_at = {p[2]: result.sent_at[n] for n, p in enumerate(prepared)}
    replies: dict[str, list[float]] = {}
    cards: dict[str, list[float]] = {}
    pushes_to: dict[str, list[float]] = {}
    photos_to: dict[str, list[float]] = {}
    pushes = multicasts = multicast_recipients = 0
    for kind, key, at, detail in deliveries:
        if kind == "reply":
            replies.setdefault(key, []).append(at)
        elif kind == "push":
            pushes += 1
            pushes_to.setdefault(key, []).append(at)
            if (detail or "").startswith(f"{PUBLIC_URL}/media/"):
                photos_to.setdefault(key, []).append(at)
            account = CARD_ACCOUNT.search(detail or "")
            if account and "OUT-" in detail and kamr_of.get(account.group(1)) == key:
                cards.setdefault(account.group(1), []).append(at)
        elif kind == "multicast":
            multicasts += 1
            multicast_recipients += len(key or [])
    answered_at = {token: min(ats) for token, ats in replies.items() if token in sent_at}
    by_push = _answers_pushed(prepared, sent_at, answered_at, pushes_to)
    to_reply = [(at - args.line_delay - sent_at[token]) * 1000 for token, at in {**answered_at, **by_push}.items()]
    first_ticket_step: dict[str, float] = {}
    for n, (_due, _body, _token, step, code, _user) in enumerate(prepared):
        if step == SINCE_STEP:
            first_ticket_step[code] = min(first_ticket_step.get(code, float("inf")), result.sent_at[n])
    to_card = [min(ats) - args.line_delay - first_ticket_step[code] for code, ats in cards.items()
               if code in first_ticket_step]
    to_photo = _photos_relayed(args, prepared, result, kamr_of, photos_to)
    failed = {side: health.get(side, {}).get("failed", 0) for side in ("inbox", "outbox")}
    pending = {side: health.get(side, {}).get("pending", 0) for side in ("inbox", "outbox")}
    return {
        "webhook_requests": len(prepared), "sent_over_s": round(result.elapsed_s, 1),
        "ack_ms": loadgen.percentiles(result.latencies_ms),
        "reply_latency_ms": loadgen.percentiles(to_reply, 0),
        "replies_within_1s": round(sum(ms <= 1000 for ms in to_reply) / max(1, len(prepared)), 3),
        "replies_within_3s": round(sum(ms <= 3000 for ms in to_reply) / max(1, len(prepared)), 3),
        "kamr_card_s": {**loadgen.percentiles(to_card, 1), "max": round(max(to_card), 1) if to_card else None,
                        "cards": len(cards), "within_10s": sum(s <= 10 for s in to_card)},
        "photo_to_kamr_s": {**loadgen.percentiles(to_photo, 1), "max": round(max(to_photo), 1) if to_photo else None,
                            "photos": len(to_photo)},
        "replies": len(replies), "events_without_reply": len(prepared) - len(replies),
        "answered_by_push": len(by_push), "events_unanswered": len(prepared) - len(answered_at) - len(by_push),
        "pushes": pushes, "multicasts": multicasts, "multicast_recipients": multicast_recipients,
        "errors": {"non_200": result.errors, "statuses": result.statuses, "replied_twice": sum(len(ats) > 1 for ats in replies.values()),
                   "cards_twice": sum(len(ats) > 1 for ats in cards.values()), "failed": failed, "pending": pending,
                   "unsettled": not settled},
        "cpu_ms_per_request": {role: round(seconds * 1000 / len(prepared), 2)
                               for role, seconds in {**cpu, "load_generator": loadgen_cpu}.items() if seconds},
        **extra,
    }


def _photos_relayed(args, prepared, result, kamr_of, photos_to) -> list[float]:
    """Seconds from a photo's webhook to a photo pushed to its account's KAMR. The push names only the
    photo's address, so per KAMR each photo, in the order sent, takes the first photo pushed after it."""
    sent: dict[str, list[float]] = {}
    for n, (_due, _body, _token, step, code, _user) in enumerate(prepared):
        if step == PHOTO_STEP and kamr_of.get(code):
            sent.setdefault(kamr_of[code], []).append(result.sent_at[n])
    seconds = []
    for kamr, times in sent.items():
        pushed = iter(sorted(photos_to.get(kamr, [])))
        for at in sorted(times):
            relayed = next((push for push in pushed if push >= at), None)
            if relayed is None:
                break
            seconds.append(relayed - args.line_delay - at)
    return seconds


def _answers_pushed(prepared, sent_at, answered_at, pushes_to) -> dict[str, float]:
    """Answers sent by push because the reply token had aged out ([outbox] reply_token_ttl_seconds):
    per person, in order, each unreplied event takes the first push to that person after it was sent.
    Without this a slow answer would drop out of the latency figures instead of counting as slow."""
    waiting: dict[str, list[str]] = {}
    for _due, _body, token, _step, _code, user in sorted(prepared, key=lambda p: sent_at[p[2]]):
        if token not in answered_at:
            waiting.setdefault(user, []).append(token)
    pushed = {}
    for user, tokens in waiting.items():
        times = iter(sorted(pushes_to.get(user, [])))
        for token in tokens:
            at = next((at for at in times if at >= sent_at[token]), None)
            if at is None:
                break
            pushed[token] = at
    return pushed


def _settled(base: str) -> bool:
    time.sleep(0.5)  # not 20 health checks a second: each costs the database work the workers need
    counts = requests.get(f"{base}/healthz", timeout=5).json()
    # photos still being fetched queue their relays to the KAMR when stored: wait for them too
    return not any(counts[part].get("pending") for part in ("inbox", "media", "outbox"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("KAMBOT_BENCH_PG_URL"))
    parser.add_argument("--web-processes", type=int, default=None,
                        help="`kambot serve --web-only` processes (default 2 on PostgreSQL, 1 on SQLite)")
    parser.add_argument("--worker-processes", type=int, default=1, help="`kambot worker` processes")
    parser.add_argument("--separate-sender", action="store_true",
                        help="`kambot worker --without-sender` beside one `kambot sender`")
    parser.add_argument("--worker-nice", type=int, default=0,
                        help="nice level of the worker and sender processes (niced, the write lock's holder waits"
                             " for the CPU and every writer with it: docs/benchmarks.md, sixth look)")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=20000, help="earlier tickets in the database")
    parser.add_argument("--reporters", type=int, default=2000)
    parser.add_argument("--window", type=float, default=120, help="seconds over which the reporters start")
    parser.add_argument("--incident-share", type=float, default=0.5, help="share of tripped feeders given an incident")
    parser.add_argument("--concurrency", type=int, default=64, help="connections LINE keeps open to the webhook")
    parser.add_argument("--line-delay", type=float, default=0.2)
    parser.add_argument("--outbox-concurrency", type=int, default=64, help="LINE calls in flight per sender ([outbox] concurrency)")
    parser.add_argument("--drain-timeout", type=float, default=900)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--deliveries", default="", help="write every LINE call (kind, to, time, first text) here")
    args = parser.parse_args()
    if args.database == "postgresql" and not args.pg_url:
        parser.error("--database postgresql needs --pg-url or $KAMBOT_BENCH_PG_URL")
    if args.web_processes is None:
        args.web_processes = 2 if args.database == "postgresql" else 1
    work = Path(tempfile.mkdtemp(prefix="kambot-storm-"))
    figures = measure(args, work)
    print(json.dumps({"benchmark": "storm", "database": args.database, "accounts": args.accounts,
                      "reporters": args.reporters, "window_s": args.window, "line_delay_s": args.line_delay,
                      "web_processes": args.web_processes,
                      "worker_processes": args.worker_processes,
                      "separate_sender": args.separate_sender, "kambot": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
