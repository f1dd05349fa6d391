"""`kambot demo serve`: the bot with a built-in LINE API stand-in instead of LINE, for `kambot chat`.

One process: the LINE stand-in (bot/demo/line_standin.py), the real Flask webhook on a threaded server,
and the usual background services (inbox handlers, outbox sender, scheduler). The channel secret
and token are made up at start and written, with both addresses, to a session file that only
the owner can read; `kambot chat` reads it to sign its webhooks and to fetch what was sent.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from werkzeug.serving import make_server

from bot import create_app
from bot.config import Config
from bot.demo.line_standin import LineStandIn
from bot.line.richmenu import create_menus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoSession:
    webhook_url: str
    line_api_url: str
    channel_secret: str
    access_token: str
    database_url: str

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle)

    @staticmethod
    def load(path: Path) -> "DemoSession":
        return DemoSession(**json.loads(path.read_text(encoding="utf-8")))


class SimulatedBot:
    """The stand-in, the web server and the services, started and stopped together."""

    def __init__(self, config: Config, *, host: str, port: int):
        self.standin = LineStandIn(access_token=secrets.token_urlsafe(24)).start()
        self.config = config.model_copy(update={"line": config.line.model_copy(update={
            "channel_secret": secrets.token_hex(16),
            "channel_access_token": self.standin.access_token,
            "api_host": self.standin.url,
        })})
        self.app = create_app(self.config)
        self.server = make_server(host, port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, name="demo-web", daemon=True)

    @property
    def session(self) -> DemoSession:
        return DemoSession(
            webhook_url=f"http://{self.server.host}:{self.server.server_port}/callback",
            line_api_url=self.standin.url,
            channel_secret=self.config.line.channel_secret,
            access_token=self.config.line.channel_access_token,
            database_url=self.config.database.url,
        )

    def start(self) -> "SimulatedBot":
        kambot = self.app.extensions["kambot"]
        create_menus(self.config, kambot.engine)  # the rich menus `/menu` shows in the chat
        kambot.services.start()
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.app.extensions["kambot"].services.stop()
        self.standin.stop()


def serve_until_stopped(bot: SimulatedBot, session_file: Path, on_ready) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    bot.start()
    bot.session.save(session_file)
    try:
        on_ready(bot.session)
        stop.wait()
    finally:
        session_file.unlink(missing_ok=True)
        bot.stop()
