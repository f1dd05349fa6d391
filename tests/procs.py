"""Real processes for fault tests and benchmarks: `kambot serve` under gunicorn, signed webhooks,
a seeded organisation of linked customers. Nothing here imports pytest."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

from storage.db import session_scope
from storage.models import Account, Contact, Staff

from line_wire import SECRET, TOKEN, free_port

ROOT = Path(__file__).resolve().parents[1]


def customer_id(n: int) -> str:
    return f"U{n:032d}"


def seed_customers(engine, users: int, *, accounts_per_kamr: int | None = None) -> None:
    """`users` accounts, each with one linked contact (LINE id `customer_id(n)`), and their KAMRs
    on LINE (one for all, else one per `accounts_per_kamr`; the first is "Ukamr")."""
    now = datetime.now(timezone.utc)
    per_kamr = accounts_per_kamr or max(users, 1)
    with session_scope(engine) as session:
        kamrs = [Staff(staff_code=f"K{k + 1}", name=f"สมชาย ใจดี {k + 1}", role="kamr", office="O1",
                       line_user_id="Ukamr" if k == 0 else f"Ukamr{k + 1}") for k in range(-(-users // per_kamr) or 1)]
        session.add_all(kamrs)
        session.flush()
        accounts = [Account(account_code=f"A{i}", name=f"บริษัท {i} จำกัด", tier="star", office="O1",
                            kamr_id=kamrs[i // per_kamr].id) for i in range(users)]
        session.add_all(accounts)
        session.flush()
        session.add_all(Contact(account_id=a.id, line_user_id=customer_id(i), linked_at=now)
                        for i, a in enumerate(accounts))


def write_config(path: Path, *, secret: str, token: str, line_url: str, db_url: str, port: int, **sections) -> Path:
    """A TOML config; `sections` adds tables, e.g. outbox={"claim_lease_seconds": 3}."""
    tables = {"line": {"channel_secret": secret, "channel_access_token": token, "api_host": line_url},
              "database": {"url": db_url}, "server": {"port": port}}
    for name, values in sections.items():
        tables.setdefault(name, {}).update(values)
    lines = []
    for name, values in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def web_only_server(engine, db_url: str, line_url: str, tmp_path: Path, *, users: int,
                    workers: int = 1) -> tuple[Path, "ServerProcess"]:
    """`users` linked customers, a config for the stand-in at `line_url`, and `kambot serve --web-only`
    (not started) with `workers` web processes; returns the config's path and the server."""
    seed_customers(engine, users)
    config = write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=line_url, db_url=db_url,
                          port=free_port())
    return config, ServerProcess(config, "--workers", str(workers), "--web-only", log=tmp_path / "server.log")


class ServerProcess:
    """`kambot serve` (gunicorn master and worker) in its own process group, so kill -9 takes both.
    `command` runs another server on the config's port instead (a benchmark's baseline)."""

    def __init__(self, config: Path, *args: str, log: Path | None = None, command: list[str] | None = None):
        self.config, self.log = config, log
        self.command = command or [sys.executable, "-m", "bot.cli", "serve", "--config", str(config), *args]
        self.port = int(next(line for line in config.read_text().splitlines() if line.startswith("port")).split("=")[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "ServerProcess":
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode} (log: {self.log})")
            try:
                if requests.get(f"{self.base}/healthz", timeout=1).status_code < 500:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"server not healthy after {timeout} s (log: {self.log})")

    def kill9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill9()


def start_workers(config: Path, count: int, *, log: Path, nice: int = 0,
                  separate_sender: bool = False) -> dict[str, list[subprocess.Popen]]:
    """`count` `kambot worker` processes, by role; with `separate_sender` they leave the LINE calls to
    one `kambot sender` (role "sender")."""
    def start(*command: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", *command, "--config", str(config)], cwd=ROOT,
                                stdout=open(log, "ab"), stderr=subprocess.STDOUT, preexec_fn=lambda: os.nice(nice))

    roles = {"worker": [start("worker", *(("--without-sender",) if separate_sender else ())) for _ in range(count)]}
    if separate_sender and count:
        roles["sender"] = [start("sender")]
    return roles


def stop_workers(roles: dict[str, list[subprocess.Popen]]) -> None:
    processes = [process for group in roles.values() for process in group]
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # seen once: killed, so that the server is stopped too
            print(f"{process.args[3]} {process.pid} did not stop within 30 s of SIGTERM: killed", file=sys.stderr)
            process.kill()
            process.wait()


def run_jobs(db_url: str, now: datetime, rounds: int, barrier, results) -> None:
    """Run the scheduler's jobs `rounds` times at `now`, as a second scheduler process would;
    puts the number of pushes queued on `results`."""
    from bot.config import Config
    from jobs.complaint_digest import send_complaint_digests
    from jobs.escalation import escalate_unacknowledged
    from jobs.first_answer import watch_first_answers
    from bot.line.notifier import notifier_for
    from jobs.scheduler import run_job
    from storage.db import make_engine

    config, engine = Config(), make_engine(db_url)
    barrier.wait(timeout=30)  # both processes start together
    queued = sum(run_job(job, engine, config, lambda: now, notifier_for)
                 for _ in range(rounds) for job in (escalate_unacknowledged, send_complaint_digests, watch_first_answers))
    engine.dispose()
    results.put(queued)


def two_schedulers(db_url: str, now: datetime, rounds: int) -> list[int]:
    """Two scheduler processes started together (spawned, a barrier), each running the jobs `rounds` times
    at `now`; what each queued."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    schedulers = [context.Process(target=run_jobs, args=(db_url, now, rounds, barrier, results)) for _ in range(2)]
    for process in schedulers:
        process.start()
    queued = [results.get(timeout=60) for _ in schedulers]
    for process in schedulers:
        process.join(timeout=10)
        if process.exitcode != 0:
            raise RuntimeError(f"a scheduler process exited with {process.exitcode}")
    return queued


def _serve_line_standin(delay: float, token: str, urls, deliveries, stop, details: bool) -> None:
    from bot.demo.line_standin import LineStandIn

    line = LineStandIn(access_token=token, delay=delay).start()
    line.listeners.append(lambda call: deliveries.put(
        (call.kind, (call.json or {}).get("replyToken") or (call.json or {}).get("to"), time.monotonic(),
         _first_text(call.json) if details else None)))
    urls.put(line.url)
    stop.wait()
    line.stop()


def _first_text(body: dict | None) -> str | None:
    """The first message's text, a Flex card's alt text, a photo's address or a pin's place: enough to tell
    which message a push was (and whether one went twice)."""
    first = ((body or {}).get("messages") or [{}])[0]
    pin = f"{first['type']} {first.get('address', '')} {first.get('latitude')},{first.get('longitude')}" \
        if first.get("type") == "location" else None
    return first.get("text") or first.get("altText") or first.get("originalContentUrl") or pin


class StandInProcess:
    """The LINE stand-in in a process of its own, so that a benchmark's load generator and the
    stand-in do not share one interpreter lock. Records (kind, reply token or push target,
    monotonic time, the first message's text when `details`) for every delivery; time.monotonic is
    one clock for all processes on Linux."""

    def __init__(self, *, delay: float, token: str, details: bool = False):
        import multiprocessing
        import threading

        context = multiprocessing.get_context("spawn")
        urls, self._queue, self._stop = context.Queue(), context.Queue(), context.Event()
        self.deliveries: list[tuple[str, str, float, str | None]] = []
        self._process = context.Process(target=_serve_line_standin, args=(delay, token, urls, self._queue, self._stop, details),
                                        daemon=True)
        self._process.start()
        self.url = urls.get(timeout=30)
        self.pid = self._process.pid
        self._collector = threading.Thread(target=self._collect, daemon=True)
        self._collector.start()

    def _collect(self) -> None:
        while True:
            try:
                item = self._queue.get()
            except (EOFError, OSError):  # the stand-in's process and its queue are gone
                return
            if item is None:
                return
            self.deliveries.append(item)

    def wait_for(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        self._stop.set()
        self._process.join(timeout=10)
        self._queue.put(None)
        self._collector.join(timeout=10)  # before the interpreter tears the queue down under it
