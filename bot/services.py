"""Background work beside the web server: inbox handlers, the outbox sender, the scheduler.

The webhook only stores events and wakes these up, so LINE gets its 200 at once.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Callable, Iterable

from sqlalchemy.engine import Engine

from bot.clock import utcnow
from bot.config import Config
from bot.line.loading import LoadingAnimation
from bot.line.media import MediaFetcher
from bot.line.notifier import notifier_for as line_notifier_for
from bot.line.sender import LineSender
from bot.line.processing import process_user, process_users
from jobs.scheduler import build_scheduler
from storage import inbox
from storage.db import read_scope

log = logging.getLogger(__name__)

# Events older than this still pending were left by a crash or another process.
SWEEP_AGE = timedelta(seconds=5)
SWEEP_EVERY = 2.0
# A polling worker on PostgreSQL reads new events from this many ids below the highest it saw: two
# web processes may commit ids out of order, and the full sweep comes only every SWEEP_EVERY. SQLite
# needs none: its writers take turns, so a row committed later always has a higher id.
POLL_OVERLAP = 500
LOADING_LOOK_EVERY = 1.0  # seconds between looks for people waiting past [line] loading_after_seconds
BATCH_PEOPLE = 64  # SQLite: people handed to one batch of shared transactions (process_users)


class KeyedRunner:
    """Runs one task per key at a time, different keys in parallel: one user's events stay in order.
    A key submitted while its task waits to start is already covered by that task; while it runs,
    the key is run once more afterwards (its events may have come in after the task looked)."""

    def __init__(self, work: Callable[[str], object], workers: int):
        self.work = work
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inbox")
        self.lock = threading.Lock()
        self.queued: set[str] = set()
        self.active: set[str] = set()
        self.again: set[str] = set()

    def submit(self, keys: Iterable[str]) -> None:
        for key in keys:
            with self.lock:
                if key in self.queued:
                    continue
                if key in self.active:
                    self.again.add(key)
                    continue
                self.queued.add(key)
            self.pool.submit(self._run, key)

    def busy(self) -> set[str]:
        """The keys whose task is running now."""
        with self.lock:
            return set(self.active)

    def _run(self, key: str) -> None:
        with self.lock:
            self.queued.discard(key)
            self.active.add(key)
        while True:
            try:
                self.work(key)
            except Exception:
                log.exception("inbox worker failed for a user")
            with self.lock:
                if key not in self.again:
                    self.active.discard(key)
                    return
                self.again.discard(key)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)


class BatchRunner:
    """SQLite's runner: one thread hands everyone waiting (up to `batch` people) to `work` at once,
    which handles them in shared transactions (`process_users`). Batches run one after another, so a
    person is in one batch at a time, and one submitted while their batch runs is in the next."""

    def __init__(self, work: Callable[[list[str]], object], batch: int):
        self.work, self.batch = work, batch
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox")
        self.lock = threading.Lock()
        self.waiting: dict[str, None] = {}  # in the order submitted
        self.active: set[str] = set()
        self.running = False

    def submit(self, keys: Iterable[str]) -> None:
        with self.lock:
            self.waiting.update(dict.fromkeys(keys))
            if self.waiting and not self.running:
                self.running = True
                self.pool.submit(self._run)

    def busy(self) -> set[str]:
        with self.lock:
            return set(self.active)

    def _run(self) -> None:
        while True:
            with self.lock:
                keys = list(itertools.islice(self.waiting, self.batch))
                if not keys:
                    self.running = False
                    return
                for key in keys:
                    del self.waiting[key]
                self.active.update(keys)
            try:
                self.work(keys)
            except Exception:
                log.exception("inbox worker failed for a batch of users")
            with self.lock:
                self.active.difference_update(keys)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)


class Services:
    def __init__(self, config: Config, engine: Engine, clock: Callable[[], datetime] = utcnow):
        self.config, self.engine, self.clock = config, engine, clock
        # Handlers do no network I/O, and SQLite takes one writer at a time: more threads there would
        # only queue for the write lock and the interpreter lock, so one thread handles several people
        # per transaction. PostgreSQL writes in parallel: a thread per person.
        if engine.dialect.name == "sqlite":
            self.runner = BatchRunner(self._process_many, batch=BATCH_PEOPLE)
        else:
            self.runner = KeyedRunner(self._process, workers=max(2, config.server.threads // 2))
        self.sender: LineSender | None = None
        self.media: MediaFetcher | None = None
        self.loading: LoadingAnimation | None = None
        self.media_wakeup = threading.Event()
        self.scheduler = None
        self.stopping = threading.Event()
        self.outbox_wakeup = threading.Event()
        self.threads: list[threading.Thread] = []
        self.handling_inbox = False
        self.sweep_every, self.sweep_age = SWEEP_EVERY, SWEEP_AGE
        self.polling, self.seen_id, self.polled = False, 0, set()
        self.poll_overlap = POLL_OVERLAP if engine.dialect.name == "postgresql" else 0

    # --- called by the webhook -------------------------------------------------

    def events_stored(self, user_keys: Iterable[str]) -> None:
        # Without inbox workers (web-only tests, or another process handles them) events wait in the inbox.
        if self.handling_inbox:
            self.runner.submit(dict.fromkeys(user_keys))

    # --- work ------------------------------------------------------------------

    def _process(self, user_key: str) -> None:
        if process_user(self.engine, self.config, user_key, self.clock, on_content=self.media_wakeup.set):
            self.outbox_wakeup.set()

    def _process_many(self, user_keys: list[str]) -> None:
        if process_users(self.engine, self.config, user_keys, self.clock, on_content=self.media_wakeup.set):
            self.outbox_wakeup.set()

    def sweep_inbox(self, *, min_age: timedelta = SWEEP_AGE) -> None:
        with read_scope(self.engine) as session:
            now = self.clock()
            keys = inbox.pending_user_keys(session, due_by=now, received_before=now - min_age + timedelta(microseconds=1))
        if keys:
            log.log(logging.DEBUG if min_age == timedelta(0) else logging.INFO, "picking up %d users with events pending",
                    len(keys))
            self.runner.submit(keys)

    def poll_new_events(self) -> None:
        """What other processes stored since the last look (`kambot worker`): a cheap range read, where
        the full sweep groups every pending event (a tenth of a busy worker's CPU at 20 sweeps a second).
        Events read at an earlier look are not handed on again: in a backlog, the overlap's pending rows
        came back at every look, 20 times a second, and each person was looked up again in the next batch."""
        with read_scope(self.engine) as session:
            rows, self.seen_id = inbox.pending_since(session, max(0, self.seen_id - self.poll_overlap))
        keys = [key for event_id, key in rows if event_id not in self.polled]
        self.polled = {event_id for event_id, _ in rows if event_id > self.seen_id - self.poll_overlap}
        if keys:
            self.runner.submit(dict.fromkeys(keys))

    def _sweeper_loop(self) -> None:
        last_full = time.monotonic()
        while not self.stopping.wait(self.sweep_every):
            try:
                if self.polling and time.monotonic() - last_full < SWEEP_EVERY:
                    self.poll_new_events()
                else:
                    last_full = time.monotonic()
                    self.sweep_inbox(min_age=self.sweep_age)  # also retries due after a backoff
            except Exception:
                log.exception("inbox sweep failed")

    def _loading_loop(self) -> None:
        while not self.stopping.wait(LOADING_LOOK_EVERY):
            try:
                self.loading.show_to_waiting(self.engine, now=self.clock(), busy=self.runner.busy())
            except Exception:
                log.exception("looking for people waiting failed")

    # --- lifecycle -------------------------------------------------------------

    def start(self, *, inbox_workers: bool = True, sender: bool = True, media: bool | None = None,
              scheduler: bool = True, inbox_poll: float | None = None, alone_poll: float | None = None) -> "Services":
        """`inbox_poll`: look for new events this often (seconds), in a process whose own webhook
        does not tell it of them (`kambot worker` beside web-only servers). `alone_poll` likewise
        for messages to send and files to fetch, where the handlers run in another process
        (`kambot sender`). `media` (the downloads of what people sent) goes with the sender unless
        said otherwise."""
        if inbox_poll:
            self.sweep_every, self.sweep_age, self.polling = inbox_poll, timedelta(0), True
        if inbox_workers:
            self.handling_inbox = True
            if self.config.line.loading_after_seconds:
                self.loading = LoadingAnimation(self.config)
                self._thread(self._loading_loop, "loading-watcher")
            if self.polling:
                with read_scope(self.engine) as session:
                    self.seen_id = inbox.highest_id(session)
            self.sweep_inbox(min_age=timedelta(0))  # whatever a crash left behind
            self._thread(self._sweeper_loop, "inbox-sweeper")
        if sender:
            self.sender = LineSender(self.config, self.engine, self.clock)
            self._thread(lambda: self.sender.pump(self.stopping, self.outbox_wakeup, poll=alone_poll), "outbox-sender")
        if sender if media is None else media:
            self.media = MediaFetcher(self.config, self.engine, self.clock)
            self._thread(lambda: self.media.run(self.stopping, self.media_wakeup, every=alone_poll or 2.0,
                                                read_first=bool(alone_poll)), "media-fetcher")
        if scheduler and self.config.scheduler.enabled:
            self.scheduler = build_scheduler(self.config, self.engine, self.clock, notifier_for=line_notifier_for,
                                             on_messages=self.outbox_wakeup.set,
                                             polls=self.channel_polls(), daily=self.channel_daily())
            self.scheduler.start()
        return self

    def channel_polls(self) -> dict:
        config = self.config
        if not (config.sheets.enabled and (config.forms or config.sheets.coordinator_spreadsheet)):
            return {}
        from bot.forms.poll import poll_forms

        return {"forms_poll": (lambda: bool(poll_forms(self.engine, config, now=self.clock(),
                                                             notifier_for=line_notifier_for).ingested),
                               config.sheets.poll_seconds)}

    def channel_daily(self) -> dict:
        if self.config.missing_settings():
            return {}
        from bot.line.quota_check import check_message_quota

        return {"message quota check": (lambda: check_message_quota(self.engine, self.config, self.clock),
                                        self.config.line.quota_check_time)}

    def _thread(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        self.outbox_wakeup.set()
        self.media_wakeup.set()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        for thread in self.threads:
            thread.join(timeout=10)
        self.runner.shutdown()
        if self.loading is not None:
            self.loading.close()
        if self.sender is not None:
            self.sender.close()
        if self.media is not None:
            self.media.close()
