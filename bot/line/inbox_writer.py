"""Group commit for the webhook: concurrent requests' events go into the inbox in one transaction.

A transaction per request made every request wait for the database's single writer (SQLite) or
a commit of its own (PostgreSQL); under a burst that queue, not the work, set the acknowledgement
time. Here one thread writes: it takes everything that arrived while the previous batch was
committing, so a batch grows with the load and each request still waits for at most one commit
before its own. A request is answered only after its events are committed (LINE's redelivery
covers anything not acknowledged), and a failed batch fails each of its requests.
"""
from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from datetime import datetime
from typing import Callable

from sqlalchemy.engine import Engine

from bot.line import event_quarantine
from storage import errors, inbox
from storage.db import session_scope, urgent

log = logging.getLogger(__name__)

MAX_BATCH_REQUESTS = 200


class InboxWriter:
    def __init__(self, engine: Engine, clock: Callable[[], datetime]):
        self.engine, self.clock = engine, clock
        self._requests: queue.SimpleQueue[tuple[list[dict], Future] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def store(self, rows: list[dict], *, timeout: float = 20.0) -> list[str]:
        """Store one request's events; returns the user keys of events not seen before."""
        done: Future = Future()
        self._ensure_started()
        self._requests.put((rows, done))
        return done.result(timeout=timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._requests.put(None)
            self._thread.join(timeout=10)
            self._thread = None

    def _ensure_started(self) -> None:
        # Started on first use, not in create_app: a process that never takes a webhook has no thread.
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="inbox-writer", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._requests.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH_REQUESTS:
                try:
                    item = self._requests.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._requests.put(None)  # finish this batch, then stop
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[tuple[list[dict], Future]]) -> None:
        owner: dict[str, int] = {}  # event id -> the request that brought it first
        rows = []
        for index, (request_rows, _) in enumerate(batch):
            for row in request_rows:
                if row["event_id"] not in owner:
                    owner[row["event_id"]] = index
                    rows.append(row)
        try:
            stored = self._insert(rows)
        except Exception as error:
            if errors.is_transient(error):  # the database, not the events: nothing acknowledged, LINE redelivers
                log.error("inbox write of %d events failed: %s", len(rows), type(error).__name__)
                for _, done in batch:
                    done.set_exception(error)
                return
            log.warning("inbox write of %d events refused (%s): storing them one by one", len(rows),
                        type(error).__name__)
            for request_rows, done in batch:
                self._write_one_by_one(request_rows, done)
            return
        fresh: list[list[str]] = [[] for _ in batch]
        for event_id, user_key in stored:
            fresh[owner[event_id]].append(user_key)
        for keys, (_, done) in zip(fresh, batch):
            done.set_result(keys)

    def _insert(self, rows: list[dict]) -> list[tuple[str, str]]:
        with urgent(), session_scope(self.engine) as session:
            return inbox.add_events(session, rows, now=self.clock())

    def _write_one_by_one(self, rows: list[dict], done: Future) -> None:
        """One event the database refuses must not sink the others: it is kept as quarantined."""
        keys = []
        try:
            for row in rows:
                try:
                    keys += [user_key for _, user_key in self._insert([row])]
                except Exception as error:
                    if errors.is_transient(error):
                        raise
                    reason = errors.describe(error)
                    log.warning("webhook: event %s quarantined (%s); the others are stored",
                                event_quarantine.storable_copy(row["event_id"]), reason)
                    self._insert([{**event_quarantine.quarantined(row, reason), "payload": None}])
        except Exception as error:
            done.set_exception(error)
            return
        done.set_result(keys)
