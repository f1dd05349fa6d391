"""Drains the outbox to LINE: reply token first, push with a stored retry key otherwise.

Every call has a timeout; what LINE answered is classified into an `Outcome`, and
storage/outbox.py turns it into the row's next state: retried with backoff up to a bound,
then kept as "failed" rows that operators can see (`kambot outbox`), never dropped.
"""
from __future__ import annotations

import json
import logging
import concurrent.futures
import threading
from urllib.parse import quote
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Callable

import urllib3
from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi
from sqlalchemy.engine import Engine

from bot import media
from bot.config import Config
from bot.line import profiles
from bot.line.render import render_all
from handlers.rules.message_quota import holding
from storage import message_quota
from storage.db import read_scope, session_scope
from storage.models import OutboxMessage
from storage.outbox import Outcome, RetryPolicy, any_due, claim_due, record_outcomes

log = logging.getLogger(__name__)

DEFAULT_HOST = "https://api.line.me"


def make_api(config: Config) -> tuple[ApiClient, MessagingApi]:
    configuration = Configuration(host=config.line.api_host or DEFAULT_HOST, access_token=config.line.channel_access_token)
    configuration.retries = False  # our own bounded retries, never urllib3's silent ones
    configuration.connection_pool_maxsize = config.outbox.concurrency
    client = ApiClient(configuration)
    return client, MessagingApi(client)


def post_json(client: ApiClient, path: str, body: dict, *, timeout: tuple[float, float],
              retry_key: str | None = None) -> None:
    """A call through the SDK's client (its auth, pool, timeouts and errors) with the body as LINE's
    JSON, built once: the SDK's request models would validate and rebuild the same dicts (its
    argument validation alone cost more than the call). The answer is not read into models either:
    only its status counts."""
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if retry_key:
        headers["X-Line-Retry-Key"] = retry_key
    client.call_api(path, "POST", header_params=headers, body=body, auth_settings=["Bearer"],
                    response_types_map={}, _request_timeout=timeout)


def get_json(client: ApiClient, path: str, *, timeout: tuple[float, float]) -> dict:
    """A GET through the SDK's client, its answer read as plain JSON (not into the SDK's models)."""
    response = client.call_api(path, "GET", header_params={"Accept": "application/json"}, auth_settings=["Bearer"],
                               response_types_map={}, _request_timeout=timeout)
    answer = json.loads(response.raw_data or "{}")
    return answer if isinstance(answer, dict) else {}


class LineSender:
    def __init__(self, config: Config, engine: Engine, clock: Callable[[], datetime]):
        self.config, self.engine, self.clock = config, engine, clock
        self.client, self.api = make_api(config)
        self.timeout = (config.line.connect_timeout, config.line.read_timeout)
        self.policy = RetryPolicy(max_attempts=config.outbox.max_attempts,
                                  backoff_base_seconds=config.outbox.backoff_base_seconds,
                                  backoff_max_seconds=config.outbox.backoff_max_seconds,
                                  reply_token_ttl_seconds=config.outbox.reply_token_ttl_seconds)
        self.pool = ThreadPoolExecutor(max_workers=config.outbox.concurrency, thread_name_prefix="outbox")
        self.media_url = lambda token, preview: media.url_for(config, token, preview=preview)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()

    def send_due(self, *, limit: int = 200) -> int:
        """One pass over due rows, waiting for all of them; returns how many were settled (sent
        or failed for good). Tests and tools use it; the server runs `pump`."""
        rows = self._claim(limit)
        if not rows:
            return 0
        outcomes = list(self.pool.map(self._attempt, rows)) if len(rows) > 1 else [self._attempt(rows[0])]
        # One transaction for the pass. Should the process die before it commits, the lease runs
        # out and the rows are taken again as possibly sent (reply refused: it was used; push: retry key).
        self._record(rows, outcomes)
        return sum(outcome.status in ("sent", "failed") for outcome in outcomes)

    def pump(self, stopping: threading.Event, wakeup: threading.Event, *, poll: float | None = None) -> None:
        """The server's sending loop: keeps up to `concurrency` LINE calls in flight and takes more
        due messages whenever half the slots are free, instead of waiting for a whole pass, so a slow
        call holds up only its own person. What ended meanwhile is recorded in one transaction.
        `wakeup` is set when messages are queued; finished calls set it too. Without it, it looks
        every `poll` seconds ([outbox] poll_seconds): when nothing in flight ended, that look is a
        read, and only what it finds takes the write lock (`kambot sender`, where no handler wakes it)."""
        in_flight: dict[Future, OutboxMessage] = {}
        poll = poll or self.config.outbox.poll_seconds
        woken = True
        while not stopping.is_set():
            wakeup.clear()  # before looking: a signal from now on ends the wait below at once
            busy = sum(not future.done() for future in in_flight)
            free = self.config.outbox.concurrency - busy
            try:
                # Record and take in batches (at least half the slots): a claim per finished call
                # would cost more than the call. A hanging call still leaves the other half free.
                if free >= max(1, self.config.outbox.concurrency // 2) and (woken or busy < len(in_flight)
                                                                           or self._any_due()):
                    rows = self._record_finished(in_flight, then_claim=free)
                else:
                    rows = []
            except Exception:
                log.exception("outbox pass failed")  # the lease brings the rows back
                rows = []
            for row in rows:
                future = self.pool.submit(self._attempt, row)
                future.add_done_callback(lambda _future: wakeup.set())
                in_flight[future] = row
            woken = True
            if len(rows) < free or not rows:
                woken = wakeup.wait(poll)
        concurrent.futures.wait(in_flight)
        self._record_finished(in_flight)

    def _any_due(self) -> bool:
        with read_scope(self.engine) as session:
            now = self.clock()
            return any_due(session, now=now, hold_routine=self._holding(session, now))

    def _holding(self, session, now) -> bool:
        return holding(message_quota.latest(session), now, self.config.line.quota_hold_percent)

    def _record_finished(self, in_flight: dict[Future, OutboxMessage], *, then_claim: int = 0) -> list[OutboxMessage]:
        """Settle the calls that ended and take up to `then_claim` more, in one transaction: on SQLite
        every transaction queues for the one writer, and in a storm the sender's were a fifth of them."""
        rows, outcomes = [], []
        for future in [future for future in in_flight if future.done()]:
            row = in_flight.pop(future)
            if future.exception() is None:
                rows.append(row)
                outcomes.append(future.result())
            else:  # the lease brings it back
                log.error("outbox %s: sending failed: %r", row.id, future.exception())
        if not rows and not then_claim:
            return []
        with session_scope(self.engine) as session:
            if rows:
                self._record_in(session, rows, outcomes)
            return self._claim_in(session, then_claim) if then_claim else []

    def _claim(self, limit: int) -> list[OutboxMessage]:
        with session_scope(self.engine) as session:
            return self._claim_in(session, limit)

    def _claim_in(self, session, limit: int) -> list[OutboxMessage]:
        """Due rows, at most one per person (their oldest), so one person's messages keep their order
        and different people are served in parallel (LINE answers take a while). Routine rows wait
        while the month's message allowance runs short (the last reading, bot/line/quota_check.py)."""
        now = self.clock()
        return claim_due(session, now=now, lease=timedelta(seconds=self.config.outbox.claim_lease_seconds),
                         limit=limit, reply_ttl=timedelta(seconds=self.config.outbox.reply_token_ttl_seconds),
                         hold_routine=self._holding(session, now))

    # --- one row ---------------------------------------------------------------

    def _attempt(self, row: OutboxMessage) -> Outcome:
        if row.kind == "link_richmenu":
            return self._call("api", lambda: self.api.link_rich_menu_id_to_user(
                row.to_user, row.messages[0]["rich_menu_id"], _request_timeout=self.timeout))
        if row.kind == "unlink_richmenu":  # back to the default (customer) menu
            return self._call("api", lambda: self.api.unlink_rich_menu_id_from_user(
                row.to_user, _request_timeout=self.timeout))
        if row.kind == profiles.KIND:  # the answer is kept by _record, in the transaction that settles the row
            return self._call("api", lambda: get_json(self.client, f"/v2/bot/profile/{quote(row.to_user, safe='')}",
                                                      timeout=self.timeout))
        messages = render_all(row.messages, self.media_url)
        if row.kind == "multicast":  # retry key: a repeat after a crash or a timeout is answered 409, not re-sent
            return self._call("multicast", lambda: self._post(
                "/v2/bot/message/multicast", {"to": row.recipients, "messages": messages}, retry_key=row.retry_key))
        if row.reply_token and row.reply_uncertain and not self._reply_usable(row):
            # A reply may have reached LINE (a crash or a timeout mid-call) and the token is too old
            # to ask again: pushing could say everything twice, counting it sent could lose it.
            # Kept as failed for the operator (`kambot outbox`; --retry-failed pushes it).
            return Outcome("failed", via="reply", error="reply uncertain: it may have reached LINE before its "
                           "token expired; not pushed, to avoid sending it twice")
        if self._reply_usable(row):
            outcome = self._call("reply", lambda: self._post(
                "/v2/bot/message/reply", {"replyToken": row.reply_token, "messages": messages}))
            if outcome.status == "failed" and row.reply_uncertain:
                # An earlier reply timed out and the token is now refused: it was used, so
                # that reply went through. Pushing now would say everything twice.
                return Outcome("sent", via="reply", error="reply token used by an earlier attempt")
            if outcome.status != "failed":
                return outcome
            log.info("outbox %s: reply refused (%s), falling back to push", row.id, outcome.error)
        outcome = self._call("push", lambda: self._post(
            "/v2/bot/message/push", {"to": row.to_user, "messages": messages}, retry_key=row.retry_key))
        outcome.reply_refused = bool(row.reply_token)
        return outcome

    def _post(self, path: str, body: dict, *, retry_key: str | None = None) -> None:
        post_json(self.client, path, body, timeout=self.timeout, retry_key=retry_key)

    def _reply_usable(self, row: OutboxMessage) -> bool:
        if not row.reply_token:
            return False
        age = (self.clock() - row.reply_token_at).total_seconds()
        return age < self.config.outbox.reply_token_ttl_seconds

    def _call(self, via: str, send: Callable[[], object]) -> Outcome:
        try:
            answer = send()
            return Outcome("sent", via=via, answer=answer if isinstance(answer, dict) else None)
        except ApiException as error:
            return _classify(error, via=via)
        except urllib3.exceptions.ConnectTimeoutError as error:  # also refused connections: LINE never saw it
            return Outcome("retry", via=via, error=f"connection: {type(error).__name__}")
        except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ProtocolError) as error:
            # The request may have reached LINE: a push is safe to repeat with its retry key.
            return Outcome("retry", via=via, error=f"timeout: {type(error).__name__}", uncertain=True)
        except urllib3.exceptions.HTTPError as error:
            return Outcome("retry", via=via, error=f"connection: {type(error).__name__}")

    # --- bookkeeping -------------------------------------------------------------

    def _record(self, rows: list[OutboxMessage], outcomes: list[Outcome]) -> None:
        with session_scope(self.engine) as session:
            self._record_in(session, rows, outcomes)

    def _record_in(self, session, rows: list[OutboxMessage], outcomes: list[Outcome]) -> None:
        record_outcomes(session, rows=rows, outcomes=outcomes, now=self.clock(), policy=self.policy)
        for row, outcome in zip(rows, outcomes):
            if row.kind == profiles.KIND and outcome.answer:
                profiles.keep(session, row.to_user, outcome.answer)


def _classify(error: ApiException, *, via: str) -> Outcome:
    status = error.status or 0
    message = _message(error)
    if via in ("push", "multicast") and status == 409:
        return Outcome("sent", via=via, error="push accepted by an earlier attempt (409)")
    if status == 429 or status >= 500:
        retry_after = None
        if error.headers and error.headers.get("Retry-After", "").isdigit():
            retry_after = float(error.headers["Retry-After"])
        return Outcome("retry", via=via, error=f"{status} {message}", retry_after=retry_after)
    return Outcome("failed", via=via, error=f"{status} {message}")


def _message(error: ApiException) -> str:
    try:
        return str(json.loads(error.body or "{}").get("message", ""))[:200]
    except (ValueError, AttributeError):
        return ""
