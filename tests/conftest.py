"""Test harness: a real database (SQLite file, or PostgreSQL by KAMBOT_TEST_PG_URL), the real
Flask app and line-bot-sdk client, and a local LINE API stand-in. Nothing of ours is mocked."""
from __future__ import annotations

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
from line_wire import SECRET, TOKEN, sign, webhook_body
from sheets_standin import SheetsStandIn
from bot.line.notifier import notifier_for
from bot.line.processing import process_user
from jobs.scheduler import run_job
from storage import inbox
from storage.db import make_engine, session_scope
from storage.roster_import import import_accounts, import_staff

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
    if db_url in _SCHEMA_MADE and engine.dialect.name == "postgresql":
        _empty(engine)
    else:
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        _SCHEMA_MADE.add(db_url)
    yield engine
    engine.dispose()


_SCHEMA_MADE: set[str] = set()


def _empty(engine) -> None:
    """The tables made by an earlier test, emptied and their ids restarted: as good as new, and
    on PostgreSQL a tenth of the time of dropping and making them again."""
    names = ", ".join(table.name for table in SQLModel.metadata.sorted_tables)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    except Exception:  # a test changed the tables: make them again
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)


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
def line_read_timeout() -> float:
    """Seconds the bot waits for the LINE stand-in. Roomy, so a busy CI machine is not taken for a hung
    LINE (a timed-out push then holds its person's later messages); tests that make the stand-in hang
    override it with a short one."""
    return 5


@pytest.fixture
def config(db_url, line, line_read_timeout) -> Config:
    return parse_config(
        {
            "line": {"channel_secret": SECRET, "channel_access_token": TOKEN, "api_host": line.url,
                     "connect_timeout": 1, "read_timeout": line_read_timeout},
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
        body = body if body is not None else webhook_body(events)
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

    def tap_event(self, user: str, data: str, **params) -> dict:
        return self.event(user, "postback", postback={"data": data, **({"params": params} if params else {})})

    def tap(self, user: str, data: str, **params):
        return self.send(self.tap_event(user, data, **params))

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
                keys = inbox.pending_user_keys(session, due_by=self.now)
            if not keys:
                break
            for key in keys:
                process_user(self.engine, self.config, key, lambda: self.now)
        if send:
            while self.media.fetch_due():
                pass
            while self.sender.send_due():
                pass

    def run_job(self, job, *, deliver: bool = True) -> int:
        """One run of a scheduler job at the bot's clock, as the scheduler runs it; returns what it
        queued, delivered unless `deliver` is false."""
        queued = run_job(job, self.engine, self.config, lambda: self.now, notifier_for)
        if deliver:
            self.drain()
        return queued

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

    def issue_code(self, *, account: str | None = None, staff: str | None = None, ttl=timedelta(hours=1)) -> str:
        """A one-time link code for an account's contact or a staff member (by their codes)."""
        from storage import linking, roster

        with session_scope(self.engine) as session:
            if account:
                target, kind = roster.account_by_code(session, account), "contact"
            else:
                target, kind = roster.staff_by_code(session, staff), "staff"
            return linking.new_code(session, kind=kind, target_id=target.id, now=self.now, ttl=ttl)

    def link(self, user: str, *, account: str | None = None, staff: str | None = None) -> None:
        self.say(user, self.issue_code(account=account, staff=staff))
        if account:  # past the name and phone questions after linking (tests/test_contact_profile.py)
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
    """A bot with the roster imported and LINE users linked: two contacts of A100, KAMRs K001/Z001.

    The first test of a database (and config and clock) links them by webhook as people would;
    the others get a copy of the rows that left, which is the same state in a fraction of the time."""
    key = (bot.engine.dialect.name, bot.now, json.dumps(bot.config.model_dump(
        mode="json", exclude={"database": {"url"}, "line": {"api_host"}}), sort_keys=True))
    if key in _ORG_SNAPSHOTS:
        rows, events_used = _ORG_SNAPSHOTS[key]
        _restore(bot.engine, rows)
        bot._ids = itertools.count(events_used + 1)
    else:
        bot.seed_roster()
        for user, kwargs in (("Ucust1", {"account": "A100"}), ("Ucust2", {"account": "A100"}),
                             ("Uhosp", {"account": "A200"}), ("Ukamr1", {"staff": "K001"}),
                             ("Uzone", {"staff": "Z001"}), ("Ukamr2", {"staff": "K002"})):
            bot.link(user, **kwargs)
        events_used = next(bot._ids) - 1
        bot._ids = itertools.count(events_used + 1)
        _ORG_SNAPSHOTS[key] = (_snapshot(bot.engine), events_used)
    bot.line.reset()
    return bot


_ORG_SNAPSHOTS: dict[tuple, tuple[dict[str, list[dict]], int]] = {}


def _snapshot(engine) -> dict[str, list[dict]]:
    with engine.connect() as connection:
        return {table.name: [dict(row) for row in connection.execute(table.select()).mappings()]
                for table in SQLModel.metadata.sorted_tables}


def _restore(engine, rows: dict[str, list[dict]]) -> None:
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if rows[table.name]:
                connection.execute(table.insert(), rows[table.name])
        if engine.dialect.name == "postgresql":  # explicit ids went in: move the sequences past them
            for table in SQLModel.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement in (True, "auto") and rows[table.name]:
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))")
