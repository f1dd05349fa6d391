"""The Flask app factory and what the app carries (config, engine, background services)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from flask import Flask
from sqlalchemy.engine import Engine

from bot.config import Config
from bot.line.inbox_writer import InboxWriter
from bot.clock import utcnow
from bot.services import Services
from storage.db import make_engine


@dataclass
class Kambot:
    config: Config
    engine: Engine
    services: Services
    clock: Callable[[], datetime]
    inbox_writer: InboxWriter


def create_app(config: Config | None = None, *, engine: Engine | None = None,
               clock: Callable[[], datetime] = utcnow) -> Flask:
    """The web app; background services are started by the caller (`kambot serve`, tests)."""
    from bot import media
    from bot.line import webhook

    config = config or Config()
    engine = engine or make_engine(config.database.url)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.server.max_body_bytes
    app.extensions["kambot"] = Kambot(config, engine, Services(config, engine, clock), clock,
                                      InboxWriter(engine, clock))
    app.register_blueprint(webhook.bp)
    app.register_blueprint(media.bp)
    return app
