"""Fetches what people send (photos, video, voice, files) from LINE's content API while LINE still has it.

Receiving only records a pending row (no network I/O in the handler's transaction); this fetcher
downloads outside any transaction, checks size and type, makes a preview, and stores the bytes in
the database so every process serves them. Failures are retried with backoff; content LINE no
longer has is noted on the ticket; a refused upload is explained to the sender.
"""
from __future__ import annotations

import io
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import urllib3
from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApiBlob
from sqlalchemy.engine import Engine

from bot.config import Config
from bot.line.notifier import LineNotifier
from handlers.messages import Message
from handlers.operations import case
from handlers.texts import t
from storage import media as media_repo
from storage import tickets
from storage.db import read_scope, session_scope
from storage.models import Contact, Media, Ticket

log = logging.getLogger(__name__)

DATA_HOST = "https://api-data.line.me"  # content lives on LINE's data host, not api.line.me
PREVIEW_MAX_BYTES = 1_000_000  # LINE's limit for previewImageUrl
LEASE = timedelta(seconds=60)
NOT_READY_DELAY = timedelta(seconds=5)  # video and audio: LINE is still transcoding
KINDS_BY_TYPE = {"image": ("image/",), "video": ("video/",), "audio": ("audio/",)}


def make_blob_api(config: Config) -> tuple[ApiClient, MessagingApiBlob]:
    configuration = Configuration(host=config.line.api_host or DATA_HOST, access_token=config.line.channel_access_token)
    configuration.retries = False
    return (client := ApiClient(configuration)), MessagingApiBlob(client)


@dataclass
class Fetched:
    status: str  # stored, retry, gone, refused, failed
    data: bytes = b""
    content_type: str = ""
    reason: str = ""
    delay: timedelta | None = None


class MediaFetcher:
    """Downloads up to [media] concurrency files at once: each takes LINE's round trip, and in an area
    outage hundreds of photos come in a minute (one at a time, 5 a second, they reached the KAMRs
    minutes late). One sender's files are fetched one after another, so they reach the KAMR in order."""

    def __init__(self, config: Config, engine: Engine, clock: Callable[[], datetime]):
        self.config, self.engine, self.clock = config, engine, clock
        self.client, self.blob = make_blob_api(config)
        self.timeout = (config.line.connect_timeout, max(config.line.read_timeout, 30.0))
        self.concurrency = config.media.concurrency
        self.pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="media")

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()

    def fetch_due(self, *, limit: int | None = None) -> int:
        """One pass: fetch the due rows, several senders at once, and wait for all; returns how many
        were settled. Tests and tools use it; the server runs `run`."""
        batches = self._claim(limit or self.concurrency, busy=set())
        wait([self.pool.submit(self._fetch_all, rows) for rows in batches.values()])
        return sum(len(rows) for rows in batches.values())

    def run(self, stopping: threading.Event, wakeup: threading.Event, *, every: float = 2.0,
            read_first: bool = False) -> None:
        """Keeps up to `concurrency` senders' downloads going, taking more as they finish, so a slow
        download holds up only its own sender. `wakeup` is set when files are recorded and when a
        download ends. `read_first`: where nothing records files (`kambot sender`), a look that no
        signal asked for reads first, and claims (a write) only when a file is due."""
        in_flight: dict[Future, object] = {}
        woken = True
        while not stopping.is_set():
            wakeup.clear()  # before looking: a signal from now on ends the wait below at once
            for future in [future for future in in_flight if future.done()]:
                del in_flight[future]
            free = self.concurrency - len(in_flight)
            batches = {}
            if free > 0 and (woken or not read_first or self._any_due()):
                try:
                    batches = self._claim(free, busy=set(in_flight.values()))
                except Exception:
                    log.exception("media pass failed")  # the lease brings the rows back
            for sender, rows in batches.items():
                future = self.pool.submit(self._fetch_all, rows)
                future.add_done_callback(lambda _future: wakeup.set())
                in_flight[future] = sender
            woken = True
            if not batches or sum(len(rows) for rows in batches.values()) < free:
                # All that was due is taken: claiming again at once would find nothing, in a write
                # transaction of its own. A file recorded since the look has set `wakeup` already.
                woken = wakeup.wait(every)
        wait(in_flight)

    def _any_due(self) -> bool:
        try:
            with read_scope(self.engine) as session:
                return media_repo.any_due(session, now=self.clock())
        except Exception:
            log.exception("media look failed")
            return False

    def _claim(self, limit: int, *, busy: set) -> dict[object, list[Media]]:
        """Due rows by sender, in order, leaving out senders whose files are being fetched."""
        with session_scope(self.engine) as session:
            rows = media_repo.claim_due(session, now=self.clock(), lease=LEASE, limit=limit,
                                        skip_contacts={sender for sender in busy if isinstance(sender, int)})
            session.expunge_all()  # written by claim_due at once, before the rows are let go
        batches: dict[object, list[Media]] = {}
        for row in rows:  # a staff member's files (no contact) have no one waiting on their order
            batches.setdefault(row.contact_id if row.contact_id is not None else ("file", row.id), []).append(row)
        return batches

    def _fetch_all(self, rows: list[Media]) -> None:
        for row in rows:
            try:
                self._settle(row, self._fetch(row))
            except Exception:
                log.exception("media %s: fetching failed", row.id)  # the lease brings it back

    # --- one download ------------------------------------------------------------

    def _fetch(self, row: Media) -> Fetched:
        limit = self.config.media.max_bytes
        if row.size_bytes > limit:  # a file message says its size up front
            return Fetched("refused", reason=f"too_large:{row.size_bytes}")
        try:
            if row.kind in ("video", "audio"):
                state = self.blob.get_message_content_transcoding_by_message_id(
                    row.channel_message_id, _request_timeout=self.timeout)
                if state.status == "processing":
                    return Fetched("retry", reason="transcoding", delay=NOT_READY_DELAY)
                if state.status == "failed":
                    return Fetched("failed", reason="LINE could not transcode it")
            response = self.blob.get_message_content_with_http_info(
                row.channel_message_id, _preload_content=False, _request_timeout=self.timeout)
            raw = response.raw_data
            data = raw.read(limit + 1) if hasattr(raw, "read") else bytes(raw)
            content_type = (response.headers or {}).get("Content-Type", "").split(";")[0].strip().lower()
        except ApiException as error:
            if error.status in (404, 410):
                return Fetched("gone", reason=f"LINE answered {error.status}")
            if error.status in (400, 401, 403):
                return Fetched("failed", reason=f"LINE answered {error.status}")
            return Fetched("retry", reason=f"LINE answered {error.status}")
        except (urllib3.exceptions.HTTPError, OSError) as error:
            return Fetched("retry", reason=f"connection: {type(error).__name__}")
        if len(data) > limit:
            return Fetched("refused", reason=f"too_large:{len(data)}")
        if content_type not in self.config.media.allowed_types:
            return Fetched("refused", reason=f"type:{content_type or 'unknown'}")
        return Fetched("stored", data=data, content_type=content_type)

    # --- bookkeeping ---------------------------------------------------------------

    def _settle(self, row: Media, fetched: Fetched) -> None:
        # Before the transaction: shrinking a phone's photo takes a while, and on SQLite every writer waits for it.
        preview = make_preview(fetched.data, fetched.content_type, self.config.media.preview_max_pixels) \
            if fetched.status == "stored" and row.kind == "image" else None
        now = self.clock()
        with session_scope(self.engine) as session:
            media = media_repo.with_case(session, row.id)
            if media is None or media.status != "pending":
                # Erased meanwhile, or settled by a fetcher that took it after this one's lease ran out
                # (a download and a wait for the database longer than LEASE): relaying it again would
                # send the responders a second copy.
                log.info("media %s already settled elsewhere", row.id)
                return
            if fetched.status == "stored":
                media_repo.store(session, media, data=fetched.data, preview=preview,
                                 content_type=fetched.content_type, now=now)
                # Only now can the responders open it: it goes to them after it is stored, never before.
                case.relay_media(session, media, now=now, notifier=LineNotifier(session, now=now))
                return
            if fetched.status == "retry" and media.attempts + 1 < self.config.media.max_attempts:
                delay = fetched.delay or timedelta(seconds=self.config.media.backoff_base_seconds * 2 ** media.attempts)
                media_repo.retry_later(session, media, now=now, delay=delay, reason=fetched.reason)
                return
            status = "failed" if fetched.status == "retry" else fetched.status
            media_repo.give_up(session, media, status=status, reason=fetched.reason)
            log.warning("media %s not kept: %s (%s)", media.id, status, fetched.reason.split(":")[0])
            self._tell(session, media, now)

    def _tell(self, session, media: Media, now: datetime) -> None:
        """The ticket notes what was lost; the sender hears why an upload was refused."""
        if media.ticket_id:
            ticket = session.get(Ticket, media.ticket_id)
            tickets.log(session, ticket, "media_lost", now=now, contact_id=media.contact_id, kind=media.kind,
                        status=media.status)
        contact = session.get(Contact, media.contact_id) if media.contact_id else None
        if contact is None:
            return
        if media.status == "refused":
            key = "media_too_large" if media.reason.startswith("too_large") else "media_unsupported"
            megabytes = self.config.media.max_bytes // 1_000_000
            text = t(key, contact.language, megabytes=megabytes)
        else:
            text = t("media_not_kept", contact.language)
        LineNotifier(session, now=now).push(contact, [Message(text=text)])


def make_preview(data: bytes, content_type: str, max_pixels: int) -> bytes | None:
    """A JPEG within LINE's preview limit; the original when it already fits; None when unreadable."""
    if content_type in ("image/jpeg", "image/png") and len(data) <= PREVIEW_MAX_BYTES // 4:
        return data
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((max_pixels, max_pixels))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=80)
            return out.getvalue() if out.tell() <= PREVIEW_MAX_BYTES else None
    except Exception:  # not an image Pillow reads: serve the original as its own preview if small
        return data if len(data) <= PREVIEW_MAX_BYTES and content_type in ("image/jpeg", "image/png") else None
