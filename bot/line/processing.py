"""Handles stored webhook events, in order per user: one transaction per event (`process_user`), or on
SQLite one for the events of several people at a time (`process_users`)."""
from __future__ import annotations

import logging
import time
from collections import deque
from datetime import datetime
from typing import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Config
from bot.line import profiles
from bot.line.events import is_one_to_one, to_inbound
from bot.line.notifier import LineNotifier, calls
from handlers.context import Context
from handlers.messages import Message
from handlers.router import dispatch
from handlers.texts import t
from storage import conversations, errors, inbox, media
from storage.db import keep_loaded, lock_user, session_scope
from storage.outbox import enqueue

log = logging.getLogger(__name__)


def process_user(engine: Engine, config: Config, user_key: str, clock: Callable[[], datetime], *,
                 on_content: Callable[[], None] = lambda: None) -> int:
    """Handle every pending event of one user, oldest first; returns how many were handled.
    `on_content` is called once an event that brought a photo or a file is committed: the fetcher
    is woken for those only (woken after every event, its look for due files was an eighth of a
    storm's worker CPU)."""
    handled, more = 0, True
    while more:
        event_id = None
        try:
            with session_scope(engine) as session:
                keep_loaded(session)
                lock_user(session, user_key)
                # Whether more wait is known now: events stored later are handed to the runner
                # again by the webhook or the worker's poll, as the runner is told of every stored one.
                event, more = inbox.next_pending(session, user_key)
                if event is None or not inbox.is_due(event, clock()):
                    return handled  # a failed try waits out its backoff, and this user's later events with it
                event_id = event.id
                content = _handle(session, config, event, now=clock())
                inbox.mark_done(session, event.id, now=clock())
            handled += 1
            if content:
                on_content()
        except Exception as error:  # one bad event must not stop the others
            if event_id is None:
                raise
            _record_failure(engine, config, event_id, error, now=clock())
    return handled


def process_users(engine: Engine, config: Config, user_keys: list[str], clock: Callable[[], datetime], *,
                  on_content: Callable[[], None] = lambda: None, budget_seconds: float = 0.02) -> int:
    """Handle the pending events of several people, oldest first for each, in shared transactions of
    about `budget_seconds`; returns how many were handled.

    For SQLite, where every transaction queues for the one writer: in a storm the queueing cost each
    event more than its handling did. Events fail rarely, so none gets a savepoint of its own (two
    statements and a flush each, what sharing saved): should anything in a shared transaction fail,
    all of it is rolled back and its people are handled one transaction per event (`process_user`),
    where a failing event is recorded and that person's later events wait behind it."""
    waiting, handled = list(user_keys), 0
    while waiting:
        carried, content, done = [], False, 0
        try:
            with session_scope(engine) as session:
                keep_loaded(session)
                queue, started = deque(waiting), time.monotonic()
                while queue:
                    if done and time.monotonic() - started > budget_seconds:
                        carried = list(queue)  # the web's next insert waits for this transaction
                        break
                    key = queue.popleft()
                    lock_user(session, key)
                    event, more = inbox.next_pending(session, key)
                    if event is None or not inbox.is_due(event, clock()):
                        continue
                    content = _handle(session, config, event, now=clock()) or content
                    inbox.mark_done(session, event.id, now=clock())
                    done += 1
                    if more:
                        queue.append(key)
        except Exception as error:
            log.warning("a shared transaction of %d people was rolled back (%s): handling them one by one",
                        len(waiting), errors.describe(error))
            return handled + sum(process_user(engine, config, key, clock, on_content=on_content) for key in waiting)
        handled += done
        if content:
            on_content()
        waiting = carried
    return handled


def _record_failure(engine: Engine, config: Config, event_id: int, error: Exception, *, now: datetime) -> None:
    summary = errors.describe(error)  # the error's own text may hold a LINE user id or what was typed
    with session_scope(engine) as session:
        event = inbox.record_failure(session, event_id, summary, transient=errors.is_transient(error),
                                     policy=inbox.RetryPolicy.from_config(config.inbox), now=now)
    if event is None:
        return
    if event.status == "failed":
        log.error("inbox event %s (%s) failed for good after %d attempts: %s. It is kept: see `kambot outbox`, "
                  "and `kambot outbox --retry-failed` once the cause is fixed.\n%s",
                  event_id, event.event_type, event.attempts, summary, errors.frames(error))
    else:
        log.warning("inbox event %s (%s) failed, attempt %d, tried again after %s: %s\n%s", event_id,
                    event.event_type, event.attempts, event.next_attempt_at.isoformat(timespec="seconds"), summary,
                    errors.frames(error))


def _handle(session: Session, config: Config, event: inbox.PendingEvent, *, now: datetime) -> bool:
    """Returns whether content to fetch was recorded."""
    payload = event.payload or {}
    if not is_one_to_one(event.user_key):
        _answer_group(session, config, event, payload, now=now)
        return False
    inbound = to_inbound(payload)
    if inbound is None:
        log.debug("ignoring %s event", event.event_type)
        return False
    notifier = LineNotifier(session, now=now, reply_to=inbound.user_id, reply_token=inbound.reply_token,
                            token_issued_at=inbound.received_at)
    state, contact, staff = conversations.load_with_person(session, inbound.user_id, now=now,
                                                           timeout=config.bot.conversation_timeout)
    ctx = Context(session=session, config=config, inbound=inbound, now=now, notifier=notifier, state=state,
                  contact=contact, staff=staff)
    content = bool(inbound.media_id and inbound.kind in ("image", "media") and (ctx.contact or ctx.staff))
    if content:
        _keep_content(session, inbound, ctx.contact, now=now)
    dispatch(ctx)
    conversations.keep(session, state)
    if inbound.kind != "unfollow":  # after dispatch: a contact who just linked counts
        profiles.ask_if_due(session, ctx.contact, now=now)
    return content


def _keep_content(session: Session, inbound, contact, *, now: datetime) -> None:
    """LINE keeps sent content only for a while: note it now, the media fetcher downloads it.
    Unlinked people's uploads are not kept (PDPA: nothing of strangers)."""
    media.record(session, channel_message_id=inbound.media_id, kind=inbound.media_kind or "image", now=now,
                 account_id=contact.account_id if contact else None, contact_id=contact.id if contact else None,
                 file_name=inbound.file_name, size_bytes=inbound.file_size)


def _answer_group(session: Session, config: Config, event: inbox.PendingEvent, payload: dict, *, now: datetime) -> None:
    """Groups and rooms get one polite line when the bot is added, then silence: no data in shared chats."""
    token = payload.get("replyToken")
    if event.event_type == "join" and isinstance(token, str):
        text = t("group_not_supported", config.bot.language)
        enqueue(session, to_user=event.user_key.split(":", 1)[1], chunks=calls([Message(text=text).to_dict()]), now=now,
                reply_token=token)
