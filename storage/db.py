"""Engine and sessions: SQLite file by default (WAL), PostgreSQL by URL."""
from __future__ import annotations

import threading
from collections import deque
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from storage import models  # noqa: F401  (registers the tables)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


class WriteGate:
    """SQLite lets one transaction write at a time and makes the others poll with growing sleeps
    (busy_timeout), so under load a waiting webhook could sleep for hundreds of milliseconds while
    inbox handlers slip in. Within the process, transactions queue here instead, first come first
    served, and those marked urgent (webhook acknowledgements) before the others; the gate is
    handed straight to the next in line, so nobody waits longer than the queue ahead of them."""

    def __init__(self, timeout: float = 30.0):
        self.timeout = timeout
        self._lock = threading.Lock()
        self._busy = False
        self._queues: dict[bool, deque[threading.Event]] = {True: deque(), False: deque()}

    @contextmanager
    def hold(self, *, urgent: bool) -> Iterator[None]:
        with self._lock:
            turn = None
            if self._busy:
                turn = threading.Event()
                self._queues[urgent].append(turn)
            self._busy = True
        if turn is not None and not turn.wait(self.timeout):
            with self._lock:
                if not turn.is_set():  # still in line: leave it
                    self._queues[urgent].remove(turn)
                    raise TimeoutError(f"database busy for {self.timeout} s")
        try:
            yield
        finally:
            with self._lock:
                queue = self._queues[True] or self._queues[False]
                if queue:
                    queue.popleft().set()  # still busy: now theirs
                else:
                    self._busy = False


_urgent = ContextVar("urgent_transaction", default=False)


@contextmanager
def urgent() -> Iterator[None]:
    """Transactions opened inside go first through the SQLite write gate (the webhook's insert)."""
    token = _urgent.set(True)
    try:
        yield
    finally:
        _urgent.reset(token)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transactions into our own hands so that every one starts with
        # BEGIN IMMEDIATE: writers queue on the lock instead of failing mid-way.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    engine.write_gate = WriteGate()
    return engine


def create_schema(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error."""
    gate = getattr(engine, "write_gate", None)
    with gate.hold(urgent=_urgent.get()) if gate else nullcontext(), Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def lock_user(session: Session, user_key: str) -> None:
    """Serialise work for one person across threads and processes.

    SQLite already serialises writers (BEGIN IMMEDIATE); PostgreSQL takes a
    transaction-scoped advisory lock keyed by the user.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": user_key})
