"""Test harness: a real database (SQLite file, or PostgreSQL by KAMBOT_TEST_PG_URL), the real
Flask app and line-bot-sdk client, and a local LINE API stand-in. Nothing of ours is mocked."""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import itertools
import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import SQLModel

from bot import create_app
from bot.config import Config, parse_config
from bot.line.media import MediaFetcher
from bot.line.sender import LineSender
from bot.demo.line_standin import LineStandIn
from sheets_standin import SheetsStandIn
from bot.line.processing import process_user
from storage import inbox
from storage.db import make_engine, session_scope
from storage.roster_import import import_accounts, import_staff

SECRET = "test-channel-secret"
TOKEN = "test-access-token"
PG_URL = os.environ.get("KAMBOT_TEST_PG_URL")

STAFF_CSV = """staff_code,name,role,office,backup,supervisor
K001,สมชาย ใจดี,kamr,PEA-N1,Z001,S001
K002,สมหญิง รักงาน,kamr,PEA-N1,,S001
Z001,วีระ ประจำเขต,zone_kamr,PEA-N1,,S001
S001,อรุณ หัวหน้า,senior_kamr,PEA-N1,,
"""
ACCOUNTS_CSV = """account_code,name,tier,office,kamr,sites
A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,K001,โรงงาน 1;โรงงาน 2
A200,โรงพยาบาลเมือง,status,PEA-N1,K002,
"""


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def database_params():
    params = [pytest.param("sqlite", id="sqlite")]
    params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    return params


@pytest.fixture(params=database_params())
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kambot.sqlite3'}"
    if not PG_URL:
        pytest.skip("KAMBOT_TEST_PG_URL not set (bash .ci/run starts a PostgreSQL server)")
    return PG_URL


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def line():
    standin = LineStandIn(access_token=TOKEN).start()
    yield standin
    standin.stop()


@pytest.fixture
def sheets():
    """The Google Sheets API stand-in (tests/sheets_standin.py), for the real gspread client."""
    standin = SheetsStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture
def config(db_url, line) -> Config:
    return parse_config(
        {
            "line": {"channel_secret": SECRET, "channel_access_token": TOKEN, "api_host": line.url,
                     "connect_timeout": 1, "read_timeout": 1},
            "database": {"url": db_url},
            "outbox": {"backoff_base_seconds": 1, "max_attempts": 5},
        }
    )


class Bot:
    """Drives the bot as LINE would: signed webhooks in, then the inbox and outbox drained in-line."""

    def __init__(self, config: Config, engine, line: LineStandIn):
        self.now = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 in Bangkok
        self.config, self.engine, self.line = config, engine, line
        self.app = create_app(config, engine=engine, clock=lambda: self.now)
        self.client = self.app.test_client()
        self.sender = LineSender(config, engine, lambda: self.now)
        self.media = MediaFetcher(config, engine, lambda: self.now)
        self._ids = itertools.count(1)

    # --- time ------------------------------------------------------------------
    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)

    # --- webhooks --------------------------------------------------------------
    def post(self, events: list[dict], *, signature: str | None = None, body: bytes | None = None):
        body = body if body is not None else json.dumps({"destination": "Ubot", "events": events}).encode()
        headers = {"Content-Type": "application/json"}
        if signature != "":
            headers["X-Line-Signature"] = signature or sign(body)
        return self.client.post("/callback", data=body, headers=headers)

    def event(self, user: str, type_: str, **fields) -> dict:
        n = next(self._ids)
        event = {
            "type": type_,
            "mode": "active",
            "timestamp": int(self.now.timestamp() * 1000),
            "source": {"type": "user", "userId": user},
            "webhookEventId": f"01TESTEVENT{n:015d}",
            "deliveryContext": {"isRedelivery": False},
            **fields,
        }
        if type_ not in ("unfollow", "leave", "memberLeft", "unsend", "videoPlayComplete") and "replyToken" not in fields:
            event["replyToken"] = f"reply-token-{n}"
            self.line.register_reply_token(event["replyToken"], user)
        return event

    def text_event(self, user: str, text: str) -> dict:
        n = next(self._ids)
        return self.event(user, "message", message={"type": "text", "id": f"m{n}", "quoteToken": "q", "text": text})

    def say(self, user: str, text: str):
        return self.send(self.text_event(user, text))

    def tap(self, user: str, data: str, **params):
        return self.send(self.event(user, "postback", postback={"data": data, **({"params": params} if params else {})}))

    def follow(self, user: str):
        return self.send(self.event(user, "follow", follow={"isUnblocked": False}))

    def send(self, event: dict):
        response = self.post([event])
        assert response.status_code == 200, response.get_data(as_text=True)
        self.drain()
        return event

    # --- background work, run in-line -----------------------------------------
    def drain(self, *, send: bool = True) -> None:
        while True:
            with session_scope(self.engine) as session:
                keys = inbox.pending_user_keys(session)
            if not keys:
                break
            for key in keys:
                process_user(self.engine, self.config, key, lambda: self.now)
        if send:
            while self.media.fetch_due():
                pass
            while self.sender.send_due():
                pass

    # --- what people saw ---------------------------------------------------------
    def texts_to(self, user: str) -> list[str]:
        out = []
        for message in self.line.messages_to(user):
            out.append(message.get("text") or message.get("altText", ""))
        return out

    def last_to(self, user: str) -> dict:
        return self.line.messages_to(user)[-1]

    # --- what was stored -----------------------------------------------------------
    def only_ticket(self):
        from sqlmodel import select

        from storage.models import Ticket

        with session_scope(self.engine) as session:
            return session.exec(select(Ticket)).one()

    def ticket_events(self) -> list:
        from sqlmodel import select

        from storage.models import TicketEvent

        with session_scope(self.engine) as session:
            return list(session.exec(select(TicketEvent).order_by(TicketEvent.id)).all())

    # --- roster ------------------------------------------------------------------
    def seed_roster(self) -> None:
        with session_scope(self.engine) as session:
            assert not import_staff(session, io.StringIO(STAFF_CSV)).errors
            assert not import_accounts(session, io.StringIO(ACCOUNTS_CSV)).errors

    def link(self, user: str, *, account: str | None = None, staff: str | None = None) -> None:
        from storage import linking, roster

        with session_scope(self.engine) as session:
            if account:
                target, kind = roster.account_by_code(session, account), "contact"
            else:
                target, kind = roster.staff_by_code(session, staff), "staff"
            code = linking.new_code(session, kind=kind, target_id=target.id, now=self.now, ttl=timedelta(hours=1))
        self.say(user, code)
        if kind == "contact":  # past the name and phone questions after linking (tests/test_contact_profile.py)
            self.tap(user, "a=profile.skip")
            self.tap(user, "a=profile.skip")


@pytest.fixture
def bot(config, engine, line) -> Bot:
    harness = Bot(config, engine, line)
    yield harness
    harness.app.extensions["kambot"].inbox_writer.close()
    harness.sender.close()
    harness.media.close()


@pytest.fixture
def org(bot) -> Bot:
    """A bot with the roster imported and LINE users linked: two contacts of A100, KAMRs K001/Z001."""
    bot.seed_roster()
    for user, kwargs in (("Ucust1", {"account": "A100"}), ("Ucust2", {"account": "A100"}),
                         ("Uhosp", {"account": "A200"}), ("Ukamr1", {"staff": "K001"}),
                         ("Uzone", {"staff": "Z001"}), ("Ukamr2", {"staff": "K002"})):
        bot.link(user, **kwargs)
    bot.line.reset()
    return bot
