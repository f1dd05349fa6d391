"""LINE's loading animation ("…" in the chat) for people still waiting for an answer: their oldest
event has been in the inbox longer than [line] loading_after_seconds (a busy worker, a storm).

The worker looks for them about once a second (`show_to_waiting`), so the animation runs while they
wait, not just before the answer. Each is shown it once per loading_seconds while the same event
waits, and not while their events are being handled (the answer would come first and the animation
would hang under it). A hint, not a message: called from background threads (never inside a
handler's transaction), not retried. An ask that waited here longer than STALE_AFTER_SECONDS is
dropped: in a storm asks come faster than LINE answers them, and a late one says nothing true."""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Callable, Collection

from sqlalchemy.engine import Engine

from bot.config import Config
from bot.line.events import is_one_to_one
from bot.line.sender import make_api, post_json
from storage import inbox
from storage.db import read_scope

log = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 1.0
THREADS = 4  # LINE takes a while to answer; one thread showed five animations a second at most
PER_LOOK = 200  # people shown it in one look, oldest first


class LoadingAnimation:
    def __init__(self, config: Config, monotonic: Callable[[], float] = time.monotonic):
        self.seconds, self.monotonic = config.line.loading_seconds, monotonic
        self.after = timedelta(seconds=config.line.loading_after_seconds)
        self.dropped, self._dropped_lock = 0, threading.Lock()  # counted from the animation's threads
        self.shown: dict[str, tuple[int, datetime]] = {}  # user key: (their oldest event then, when shown)
        self.client, _api = make_api(config)
        self.timeout = (config.line.connect_timeout, config.line.read_timeout)
        self.pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="loading")

    def show_to_waiting(self, engine: Engine, *, now: datetime, busy: Collection[str] = ()) -> list[Future]:
        """Start it for everyone waiting past loading_after_seconds, but those in `busy` (being
        handled); returns the calls' futures (tests wait on them)."""
        with read_scope(engine) as session:
            waiting = inbox.waiting(session, now=now, received_before=now - self.after, limit=PER_LOOK)
        asked, still = [], {}
        for key, first_id in waiting:
            if not is_one_to_one(key) or key in busy:
                continue
            last = self.shown.get(key)
            if last is not None and last[0] == first_id and (now - last[1]).total_seconds() < self.seconds:
                still[key] = last  # still showing for this event
                continue
            still[key] = (first_id, now)
            asked.append(self.start(key))
        self.shown = still  # forget those answered since: memory stays the size of the queue
        return asked

    def start(self, line_user_id: str) -> Future:
        return self.pool.submit(self._call, line_user_id, self.monotonic())

    def _call(self, line_user_id: str, asked_at: float) -> None:
        if self.monotonic() - asked_at > STALE_AFTER_SECONDS:
            with self._dropped_lock:
                self.dropped += 1
            log.debug("loading animation dropped: asked %.1f s ago", self.monotonic() - asked_at)
            return
        try:
            post_json(self.client, "/v2/bot/chat/loading/start", {"chatId": line_user_id, "loadingSeconds": self.seconds},
                      timeout=self.timeout)
        except Exception as error:  # a missed animation costs nothing: the answer still comes
            log.debug("loading animation not shown (%s)", type(error).__name__)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()
