"""Webhook burst against the real server (`kambot serve`, gunicorn) on SQLite.

    python tests/bench/bench_webhook.py [--users 200] [--requests 2000] [--concurrency 16] [--line-delay 0.2]

Signed webhooks from distinct linked customers (status taps and outage-report
starts) hit /callback while a local LINE stand-in answers with a delay. Prints
one JSON line: requests/s, ack latency p50/p95/p99 (ms), webhook-to-reply
p50/p95/p99 (ms), replies vs pushes, errors.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import requests

from bot.line_standin import LineStandIn
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Account, Contact, Staff

SECRET, TOKEN = "bench-secret", "bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seed(url: str, users: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(timezone.utc)
    with session_scope(engine) as session:
        kamr = Staff(staff_code="K1", name="KAMR", role="kamr", office="O1", line_user_id="Ukamr")
        session.add(kamr)
        session.flush()
        for i in range(users):
            account = Account(account_code=f"A{i}", name=f"Account {i}", tier="star", office="O1", kamr_id=kamr.id)
            session.add(account)
            session.flush()
            session.add(Contact(account_id=account.id, line_user_id=f"U{i:031d}", linked_at=now))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--line-delay", type=float, default=0.2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kambot-bench-"))
    db_url = f"sqlite:///{work / 'bench.sqlite3'}"
    seed(db_url, args.users)
    line = LineStandIn(access_token=TOKEN, delay=args.line_delay).start()
    sent_at: dict[str, float] = {}
    replied_at: dict[str, float] = {}

    def on_delivery(call) -> None:
        token = (call.json or {}).get("replyToken")
        if token:
            replied_at[token] = time.monotonic()

    line.listeners.append(on_delivery)
    port = free_port()
    config = work / "bench.toml"
    config.write_text(
        f'[line]\nchannel_secret = "{SECRET}"\nchannel_access_token = "{TOKEN}"\napi_host = "{line.url}"\n'
        f'[database]\nurl = "{db_url}"\n[server]\nport = {port}\nthreads = 16\n',
        encoding="utf-8",
    )
    server = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--config", str(config)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        acks: list[float] = []
        errors = 0
        lock = threading.Lock()
        local = threading.local()

        def post(n: int) -> None:
            nonlocal errors
            user = f"U{n % args.users:031d}"
            token = f"rt{n}"
            data = "a=status" if n % 2 else "a=outage"
            event = {"type": "postback", "mode": "active", "timestamp": int(time.time() * 1000),
                     "source": {"type": "user", "userId": user}, "webhookEventId": f"EV{n:020d}",
                     "deliveryContext": {"isRedelivery": False}, "replyToken": token, "postback": {"data": data}}
            body = json.dumps({"destination": "Ubot", "events": [event]}).encode()
            signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
            session = getattr(local, "session", None) or requests.Session()
            local.session = session
            start = time.monotonic()
            sent_at[token] = start
            try:
                response = session.post(f"{base}/callback", data=body, timeout=10,
                                        headers={"X-Line-Signature": signature, "Content-Type": "application/json"})
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                acks.append((time.monotonic() - start) * 1000)
                errors += 0 if ok else 1

        began = time.monotonic()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(post, range(args.requests)))
        elapsed = time.monotonic() - began
        line.wait_for(lambda: len(replied_at) + len(line.pushes) >= args.requests, timeout=120)
        to_reply = [(replied_at[t] - sent_at[t]) * 1000 for t in replied_at if t in sent_at]
        print(json.dumps({
            "benchmark": "webhook_burst", "database": "sqlite", "requests": args.requests, "users": args.users,
            "concurrency": args.concurrency, "line_delay_s": args.line_delay,
            "requests_per_s": round(args.requests / elapsed, 1),
            "ack_ms": {q: round(percentile(acks, v), 2) for q, v in (("p50", .5), ("p95", .95), ("p99", .99))},
            "webhook_to_reply_ms": {q: round(percentile(to_reply, v), 1) for q, v in (("p50", .5), ("p95", .95), ("p99", .99))},
            "replies": len(line.replies), "pushes": len(line.pushes), "errors": errors,
            "mean_ack_ms": round(statistics.fmean(acks), 2) if acks else None,
        }))
    finally:
        server.terminate()
        server.wait(timeout=20)
        line.stop()


if __name__ == "__main__":
    main()
