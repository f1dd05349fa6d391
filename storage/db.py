"""Engine and sessions: SQLite file by default (WAL), PostgreSQL by URL."""
from __future__ import annotations

import fcntl
import os
import threading
from collections import deque
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator

from sqlalchemy import event, func, select, text, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, create_engine

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
    # hide_parameters: an error's text must not carry the statement's values (LINE ids, what people typed).
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)


class WriteGate:
    """SQLite lets one transaction write at a time and makes the others poll with growing sleeps
    (busy_timeout, up to 100 ms a nap), so under load a waiting webhook could sleep for hundreds of
    milliseconds while inbox handlers slip in. Writers queue here instead. Within the process, first
    come first served, those marked urgent (the webhook's inbox writes) before the others, and the
    gate is handed straight to the next in line. Across processes (`serve --web-only` beside
    `kambot worker`), the holder also takes an exclusive lock on a file beside the database, which
    the kernel hands over without polling; an urgent writer first holds a second "urgent" file while
    it waits, and other writers pass through that file before queueing, so they cannot overtake it."""

    def __init__(self, lock_path: Path | None = None, timeout: float = 30.0):
        self.timeout = timeout
        self._lock = threading.Lock()
        self._busy = False
        self._queues: dict[bool, deque[threading.Event]] = {True: deque(), False: deque()}
        self._files = None
        if lock_path is not None:
            self._files = tuple(os.open(f"{lock_path}.{name}", os.O_RDWR | os.O_CREAT, 0o600)
                                for name in ("write-lock", "urgent-lock"))

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
            if self._files is None:
                yield
            else:
                with self._across_processes(urgent):
                    yield
        finally:
            with self._lock:
                queue = self._queues[True] or self._queues[False]
                if queue:
                    queue.popleft().set()  # still busy: now theirs
                else:
                    self._busy = False

    @contextmanager
    def _across_processes(self, urgent: bool) -> Iterator[None]:
        write, urgent_file = self._files
        fcntl.flock(urgent_file, fcntl.LOCK_EX)  # wait behind an urgent writer already queued
        if not urgent:
            fcntl.flock(urgent_file, fcntl.LOCK_UN)
        try:
            fcntl.flock(write, fcntl.LOCK_EX)
        finally:
            if urgent:
                fcntl.flock(urgent_file, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(write, fcntl.LOCK_UN)


_urgent = ContextVar("urgent_transaction", default=False)
_READING = "kambot_reading"  # execution option of read_scope's connections


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
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

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
        # PDPA: deleted rows and erased bodies are overwritten, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A reading (read_scope) begins deferred: in WAL it sees the last commit and blocks no writer.
        connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(_READING) else "BEGIN IMMEDIATE")

    engine.write_gate = WriteGate(Path(database) if database and database != ":memory:" else None)
    engine.reader = engine.execution_options(**{_READING: True})
    return engine


def keep_loaded(session: Session) -> None:
    """Hold every row this session loads or writes until it ends. SQLAlchemy's identity map holds rows
    weakly, so a row looked up by one function and dropped is read again by the next one's
    `session.get`; handling one event asks for its ticket, account and staff several times. Only for
    short sessions (one event): a job walking thousands of rows would keep them all."""
    session.info["kept"] = []


@event.listens_for(Session, "loaded_as_persistent")
@event.listens_for(Session, "pending_to_persistent")
def _keep(session: Session, instance) -> None:
    kept = session.info.get("kept")
    if kept is not None:
        kept.append(instance)


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


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A session that only reads, for looks made many times a second (the worker's poll for new events,
    its sweep): on SQLite it neither waits at the write gate nor takes the write lock, so it holds up
    no handler (in a storm those looks held the gate 5 % of the time). Nothing is committed."""
    with Session(getattr(engine, "reader", engine), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


def write_loaded(session: Session, rows: list, **values) -> None:
    """Write the same values to rows already loaded, in one UPDATE, and let the loaded rows say what
    was written without writing it again (the unit of work would issue an UPDATE per row)."""
    if not rows:
        return
    model = type(rows[0])
    session.connection().execute(update(model).where(model.id.in_([row.id for row in rows])).values(**values))
    for row in rows:
        for name, value in values.items():
            set_committed_value(row, name, value)


def lock_user(session: Session, user_key: str) -> None:
    """Serialise work for one person across threads and processes.

    SQLite already serialises writers (BEGIN IMMEDIATE); PostgreSQL takes a
    transaction-scoped advisory lock keyed by the user.
    """
    lock_key(session, user_key)


def lock_key(session: Session, key: str) -> None:
    """Serialise transactions that name the same key (a person, a site's open outage) until commit.
    SQLite has one writer at a time anyway; PostgreSQL takes a transaction-scoped advisory lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


def count_by_status(session: Session, model) -> dict[str, int]:
    """{status: rows} of a table with a status column: the inbox, the outbox, media (/healthz, `kambot outbox`)."""
    return {status: count for status, count in session.execute(select(model.status, func.count()).group_by(model.status))}
