"""LINE's loading animation for someone whose answer is late: their event waited in the inbox
(a busy worker, or a worker in another process) longer than [line] loading_after_seconds.

A hint, not a message: called from background threads (never inside a handler's transaction),
not retried, and the answer clears it when it arrives. An ask that waited here longer than
STALE_AFTER_SECONDS is dropped: its answer, made right after the ask, has most likely been sent, and
an animation arriving after the answer would show "…" under it for loading_seconds. In a storm the
asks come faster than LINE answers them, so without this they queued for minutes behind each other."""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from bot.config import Config
from bot.line.sender import make_api, post_json

log = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 1.0
THREADS = 4  # LINE takes a while to answer; one thread showed five animations a second at most


class LoadingAnimation:
    def __init__(self, config: Config, monotonic: Callable[[], float] = time.monotonic):
        self.seconds, self.monotonic = config.line.loading_seconds, monotonic
        self.dropped = 0
        self.client, _api = make_api(config)
        self.timeout = (config.line.connect_timeout, config.line.read_timeout)
        self.pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="loading")

    def start(self, line_user_id: str):
        """Ask LINE to show it; returns the future (tests wait on it)."""
        return self.pool.submit(self._call, line_user_id, self.monotonic())

    def _call(self, line_user_id: str, asked_at: float) -> None:
        if self.monotonic() - asked_at > STALE_AFTER_SECONDS:
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
