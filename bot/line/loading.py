"""LINE's loading animation for someone whose answer is late: their event waited in the inbox
(a busy worker, or a worker in another process) longer than [line] loading_after_seconds.

A hint, not a message: called from a background thread (never inside a handler's transaction),
not retried, and the answer clears it when it arrives."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from bot.config import Config
from bot.line.sender import make_api, post_json

log = logging.getLogger(__name__)


class LoadingAnimation:
    def __init__(self, config: Config):
        self.seconds = config.line.loading_seconds
        self.client, _api = make_api(config)
        self.timeout = (config.line.connect_timeout, config.line.read_timeout)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="loading")

    def start(self, line_user_id: str):
        """Ask LINE to show it; returns the future (tests wait on it)."""
        return self.pool.submit(self._call, line_user_id)

    def _call(self, line_user_id: str) -> None:
        try:
            post_json(self.client, "/v2/bot/chat/loading/start", {"chatId": line_user_id, "loadingSeconds": self.seconds},
                      timeout=self.timeout)
        except Exception as error:  # a missed animation costs nothing: the answer still comes
            log.debug("loading animation not shown (%s)", type(error).__name__)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()
