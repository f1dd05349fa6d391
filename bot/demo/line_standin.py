"""A local stand-in for the LINE Messaging API.

Used by tests, benchmarks and the terminal chat simulator.  It is a plain
werkzeug WSGI app served by a real threaded HTTP server on 127.0.0.1 (free
port; connections kept open between calls, as LINE's are), so our code can
talk to it through the real line-bot-sdk v3 client::

    standin = LineStandIn(access_token="tok").start()
    cfg = linebot.v3.messaging.Configuration(host=standin.url, access_token="tok")
    ...
    standin.stop()

With ``Configuration(host=...)`` set, the SDK sends every call (api.line.me and
api-data.line.me endpoints alike) to ``host + path``, so one server covers both.

Emulated behaviour (a subset of the real platform, see the LINE Messaging API
reference "Common specifications" and "Retry failed API requests"):

* ``Authorization: Bearer <access_token>`` is checked when ``access_token`` was
  given (401 otherwise).
* Reply: a reply token is accepted once; reuse or an expired token -> 400
  ``{"message": "Invalid reply token"}``.
* Push: ``X-Line-Retry-Key`` (UUID) is honoured; a key that was already accepted
  -> 409 ``{"message": "The retry key is already accepted", "sentMessages": [...]}``
  with the ``x-line-accepted-request-id`` header, and nothing is delivered again.
  Sending ``X-Line-Retry-Key`` to an endpoint that does not support it (reply)
  -> 400, like LINE.
* Message validation: 1..5 message objects, each with a known ``type``; text
  messages need a non-empty ``text`` of at most 5000 characters.
* Rich menus, profile, message content and loading animation endpoints.
* Bot info (``bot_name``, ``basic_id``) and the webhook endpoint: set (PUT), read (GET, ``webhook_active``)
  and tested (POST .../test: a real signed POST of an empty event list to the URL, signed with
  ``channel_secret`` when given; LINE's verdict: success, statusCode, reason, detail).
* The message quota: ``quota_type`` ("limited" or "none") and ``quota_value`` (GET /v2/bot/message/quota);
  consumption counts pushes (1 each) and multicasts (1 per recipient), never replies, as LINE does;
  a push or multicast beyond a limited quota -> 429 "You have reached your monthly limit.".
* Everything else -> 404 ``{"message": "Not found"}``.
* Every response carries ``x-line-request-id``.
* Not LINE: ``POST /_standin/reply-tokens`` ``{"replyToken", "userId"}`` and
  ``GET /_standin/messages/<userId>/<after>`` expose ``register_reply_token``
  and ``messages_to`` over HTTP for the chat simulator in another process
  (``kambot chat``).

Fault injection: ``fail_next`` (answer an error status without delivering),
``hang_next`` (sleep before answering, optionally after delivering) and
``delay`` (every request sleeps first).

This module must not import pytest.
"""

from __future__ import annotations

import json
import logging
import re
import struct
import threading
import time
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from bot.demo.http_server import KeepAliveServer

__all__ = ["RecordedCall", "LineStandIn"]

log = logging.getLogger(__name__)

REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
MULTICAST_PATH = "/v2/bot/message/multicast"
MULTICAST_MAX = 500

KINDS = ("reply", "push", "multicast", "any")

MESSAGE_TYPES = (
    "text",
    "textV2",
    "sticker",
    "image",
    "video",
    "audio",
    "location",
    "imagemap",
    "template",
    "flex",
    "coupon",
)
# message types for which LINE returns a quoteToken in sentMessages
QUOTABLE_TYPES = ("text", "textV2", "sticker", "image", "video")

AUTH_FAILED = (
    "Authentication failed. Confirm that the access token in the "
    "authorization header is valid."
)

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def _tiny_png() -> bytes:
    """A valid 1x1 white PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PNG_BYTES = _tiny_png()


@dataclass
class RecordedCall:
    """One request received by the stand-in.

    ``headers`` keys are lower-cased (e.g. ``"authorization"``,
    ``"x-line-retry-key"``).  ``json`` is the parsed body when it parsed as
    JSON, else None.  ``status`` is the status code we answered.
    """

    method: str
    path: str
    headers: dict[str, str]
    json: Any | None
    body: bytes
    status: int

    @property
    def kind(self) -> str:
        """"reply", "push" or "other"."""
        return _kind_of(self.method, self.path)


def _kind_of(method: str, path: str) -> str:
    if method == "POST" and path == REPLY_PATH:
        return "reply"
    if method == "POST" and path == PUSH_PATH:
        return "push"
    if method == "POST" and path == MULTICAST_PATH:
        return "multicast"
    return "other"


@dataclass
class _Fault:
    kind: str
    remaining: int
    status: int = 0
    body: dict | None = None
    seconds: float = 0.0
    deliver: bool = True


@dataclass
class _Delivery:
    kind: str  # "reply" | "push" | "multicast"
    target: str  # reply token or push "to"
    messages: list[dict]
    recipients: tuple[str, ...] = ()  # multicast: who got it (those who blocked the account are left out)
    call: RecordedCall | None = None


@dataclass
class _Outcome:
    status: int
    payload: Any = None  # dict -> JSON, bytes -> raw
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delivery: _Delivery | None = None


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


class LineStandIn:
    """Threaded local HTTP server emulating the LINE Messaging API."""

    def __init__(self, *, delay: float = 0.0, access_token: str | None = None, channel_secret: str | None = None):
        self.delay: float = delay
        self.access_token: str | None = access_token
        self.channel_secret: str | None = channel_secret
        self.listeners: list[Callable[[RecordedCall], None]] = []

        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = None
        self.url: str = ""

        self._url_map = Map(
            [
                Rule(REPLY_PATH, methods=["POST"], endpoint="reply"),
                Rule(PUSH_PATH, methods=["POST"], endpoint="push"),
                Rule(MULTICAST_PATH, methods=["POST"], endpoint="multicast"),
                Rule("/v2/bot/message/quota", methods=["GET"], endpoint="quota"),
                Rule("/v2/bot/message/quota/consumption", methods=["GET"], endpoint="quota_consumption"),
                Rule("/v2/bot/info", methods=["GET"], endpoint="bot_info"),
                Rule("/v2/bot/channel/webhook/endpoint", methods=["GET"], endpoint="webhook_get"),
                Rule("/v2/bot/channel/webhook/endpoint", methods=["PUT"], endpoint="webhook_set"),
                Rule("/v2/bot/channel/webhook/test", methods=["POST"], endpoint="webhook_test"),
                Rule("/v2/bot/message/<message_id>/content", methods=["GET"], endpoint="message_content"),
                Rule("/v2/bot/message/<message_id>/content/transcoding", methods=["GET"], endpoint="transcoding"),
                Rule("/v2/bot/profile/<user_id>", methods=["GET"], endpoint="profile"),
                Rule("/v2/bot/chat/loading/start", methods=["POST"], endpoint="loading_start"),
                Rule("/v2/bot/richmenu", methods=["POST"], endpoint="richmenu_create"),
                Rule("/v2/bot/richmenu/validate", methods=["POST"], endpoint="richmenu_validate"),
                Rule("/v2/bot/richmenu/list", methods=["GET"], endpoint="richmenu_list"),
                Rule("/v2/bot/richmenu/<rich_menu_id>", methods=["GET"], endpoint="richmenu_get"),
                Rule("/v2/bot/richmenu/<rich_menu_id>", methods=["DELETE"], endpoint="richmenu_delete"),
                Rule("/v2/bot/richmenu/<rich_menu_id>/content", methods=["POST"], endpoint="richmenu_upload"),
                Rule("/v2/bot/richmenu/<rich_menu_id>/content", methods=["GET"], endpoint="richmenu_download"),
                Rule("/v2/bot/user/all/richmenu/<rich_menu_id>", methods=["POST"], endpoint="default_set"),
                Rule("/v2/bot/user/all/richmenu", methods=["GET"], endpoint="default_get"),
                Rule("/v2/bot/user/all/richmenu", methods=["DELETE"], endpoint="default_delete"),
                Rule("/v2/bot/user/<user_id>/richmenu/<rich_menu_id>", methods=["POST"], endpoint="user_link"),
                Rule("/v2/bot/user/<user_id>/richmenu", methods=["GET"], endpoint="user_get"),
                Rule("/v2/bot/user/<user_id>/richmenu", methods=["DELETE"], endpoint="user_unlink"),
                Rule("/_standin/reply-tokens", methods=["POST"], endpoint="sim_reply_token"),
                Rule("/_standin/messages/<user_id>/<int:after>", methods=["GET"], endpoint="sim_messages"),
            ],
            strict_slashes=False,
        )
        self._init_state()

    # ------------------------------------------------------------------ state

    def _init_state(self) -> None:
        with self._lock:
            self.calls: list[RecordedCall] = []
            self.replies: list[dict] = []
            self.pushes: list[dict] = []
            self.multicasts: list[dict] = []  # accepted multicast bodies
            self.rich_menus: dict[str, dict] = {}
            self.default_rich_menu: str | None = None
            self.user_rich_menus: dict[str, str] = {}
            self.rich_menu_images: dict[str, bytes] = {}
            # what people "sent": message id -> (bytes, content type); ids not here get a tiny PNG,
            # ids in `gone_content` a 404 as when LINE no longer keeps it
            self.content: dict[str, tuple[bytes, str]] = {}
            self.gone_content: set[str] = set()
            self.transcoding: dict[str, str] = {}  # message id -> processing / succeeded / failed
            self.profiles: dict[str, str] = {}  # user id -> display name; others get "User <last 4>"
            self.loading: list[tuple[str, int]] = []  # loading animations asked for: (chat id, seconds)
            self._deliveries: list[_Delivery] = []
            # users who blocked the account: multicast leaves them out, as LINE does, and still succeeds
            self.blocked: set[str] = set()
            self._reply_token_users: dict[str, str] = {}
            self._used_reply_tokens: set[str] = set()
            self._expired_reply_tokens: set[str] = set()
            # retry key -> (accepted request id, sentMessages)
            self._retry_keys: dict[str, tuple[str, list[dict]]] = {}
            self._faults: list[_Fault] = []
            self._hangs: list[_Fault] = []
            self._message_seq = 0
            self.bot_name, self.basic_id = "kambot stand-in", "@000standin"
            self.webhook_endpoint, self.webhook_active = "", False
            self.quota_type, self.quota_value = "none", 0  # LINE's answer: "limited" with a value, or "none"

    def reset(self) -> None:
        """Forget calls, deliveries, faults, reply tokens, retry keys and rich
        menu state (as if freshly constructed).  The server keeps running and
        ``delay``, ``access_token`` and ``listeners`` are kept.  Containers are
        cleared in place, so references held by callers stay valid."""
        with self._lock:
            for container in (
                self.calls,
                self.replies,
                self.pushes,
                self.multicasts,
                self.rich_menus,
                self.user_rich_menus,
                self.rich_menu_images,
                self.content,
                self.gone_content,
                self.transcoding,
                self.profiles,
                self.loading,
                self._deliveries,
                self.blocked,
                self._reply_token_users,
                self._used_reply_tokens,
                self._expired_reply_tokens,
                self._retry_keys,
                self._faults,
                self._hangs,
            ):
                container.clear()
            self.default_rich_menu = None
            self._message_seq = 0
            self.bot_name, self.basic_id = "kambot stand-in", "@000standin"
            self.webhook_endpoint, self.webhook_active = "", False
            self.quota_type, self.quota_value = "none", 0

    # --------------------------------------------------------------- lifecycle

    def start(self, port: int = 0) -> "LineStandIn":
        """Serve on ``port`` (a free one by default; the old one to come back after ``stop``)."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = KeepAliveServer(self._wsgi_app, port, name="LineStandIn").start()
        self.port: int = self._server.server_port
        self.url = self._server.url
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes up sleeping (delay / hang) requests
        self._server.stop()
        self._server = None

    def __enter__(self) -> "LineStandIn":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ test helpers

    def register_reply_token(self, token: str, user_id: str) -> None:
        """Attribute replies made with ``token`` to ``user_id`` (messages_to)."""
        with self._lock:
            self._reply_token_users[token] = user_id

    def expire_reply_token(self, token: str) -> None:
        """Later replies with ``token`` get 400 Invalid reply token."""
        with self._lock:
            self._expired_reply_tokens.add(token)

    def fail_next(
        self, kind: str, status: int, *, count: int = 1, body: dict | None = None
    ) -> None:
        """The next ``count`` requests of ``kind`` ("reply", "push" or "any")
        are answered with ``status`` (and ``body``, default a LINE-like error)
        and are NOT delivered.  Faults are consumed in FIFO order; a request
        rejected by the auth check does not consume one."""
        _check_kind(kind)
        with self._lock:
            self._faults.append(_Fault(kind=kind, remaining=count, status=status, body=body))

    def hang_next(
        self, kind: str, seconds: float, *, count: int = 1, deliver: bool = True
    ) -> None:
        """The next ``count`` requests of ``kind`` sleep ``seconds`` before the
        answer is sent.  With ``deliver=True`` the request is processed
        normally first (the message counts as delivered, listeners fire, retry
        keys / reply tokens are consumed) - like LINE accepting it but the
        answer getting lost.  With ``deliver=False`` nothing is delivered and,
        should the client still be waiting, it gets 500."""
        _check_kind(kind)
        with self._lock:
            self._hangs.append(_Fault(kind=kind, remaining=count, seconds=seconds, deliver=deliver))

    def messages_to(self, user_id: str) -> list[dict]:
        """Every message object delivered to ``user_id``, in order: accepted
        pushes with ``to == user_id`` and accepted replies whose token was
        registered for that user (registration may happen before or after)."""
        with self._lock:
            out: list[dict] = []
            for d in self._deliveries:
                if d.kind == "push":
                    hit = d.target == user_id
                elif d.kind == "multicast":
                    hit = user_id in d.recipients
                else:
                    hit = self._reply_token_users.get(d.target) == user_id
                if hit:
                    out.extend(d.messages)
            return out

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> bool:
        """Poll ``predicate`` until truthy or ``timeout`` seconds passed."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if predicate():
                    return True
            except Exception:  # predicate may race with state changes
                pass
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    @property
    def total_usage(self) -> int:
        with self._lock:
            return sum(len(d.recipients) if d.kind == "multicast" else 1 for d in self._deliveries if d.kind != "reply")

    # ------------------------------------------------------------------- WSGI

    def _sleep(self, seconds: float) -> None:
        if seconds and seconds > 0:
            self._stopping.wait(seconds)

    @staticmethod
    def _take(queue: list[_Fault], kind: str) -> _Fault | None:
        for f in queue:
            if f.kind == "any" or f.kind == kind:
                f.remaining -= 1
                if f.remaining <= 0:
                    queue.remove(f)
                return f
        return None

    def _wsgi_app(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        self._sleep(self.delay)

        body = request.get_data(cache=True)
        parsed: Any | None = None
        if body:
            try:
                parsed = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                parsed = None
        headers = {k.lower(): v for k, v in request.headers.items()}
        method = request.method.upper()
        path = request.path
        kind = _kind_of(method, path)
        request_id = uuid.uuid4().hex

        hang: _Fault | None = None
        with self._lock:
            if not self._authorized(headers):
                outcome = _Outcome(401, {"message": AUTH_FAILED})
            else:
                hang = self._take(self._hangs, kind)
                fault = self._take(self._faults, kind)
                if fault is not None:
                    outcome = _Outcome(fault.status, fault.body or _default_error(fault.status))
                elif hang is not None and not hang.deliver:
                    outcome = _Outcome(500, {"message": "An error occurred in the LINE Platform (stand-in: hung, not delivered)"})
                else:
                    try:
                        outcome = self._route(method, path, headers, parsed, body, request_id)
                    except Exception:  # never let a bug kill the request thread silently
                        log.exception("LineStandIn handler error for %s %s", method, path)
                        outcome = _Outcome(500, {"message": "stand-in internal error"})

            call = RecordedCall(
                method=method,
                path=path,
                headers=headers,
                json=parsed,
                body=body,
                status=outcome.status,
            )
            self.calls.append(call)
            delivery = outcome.delivery
            if delivery is not None:
                delivery.call = call
                self._deliveries.append(delivery)
                {"reply": self.replies, "push": self.pushes, "multicast": self.multicasts}[delivery.kind].append(parsed)
            listeners = list(self.listeners) if delivery is not None else []

        for listener in listeners:
            try:
                listener(call)
            except Exception:
                log.exception("LineStandIn listener %r failed", listener)

        if hang is not None:
            self._sleep(hang.seconds)

        if isinstance(outcome.payload, (bytes, bytearray)):
            data = bytes(outcome.payload)
        else:
            data = json.dumps(outcome.payload if outcome.payload is not None else {}).encode()
        response = Response(data, status=outcome.status, content_type=outcome.content_type)
        response.headers["x-line-request-id"] = request_id
        for k, v in outcome.headers.items():
            response.headers[k] = v
        return response(environ, start_response)

    def _authorized(self, headers: dict[str, str]) -> bool:
        if self.access_token is None:
            return True
        return headers.get("authorization", "") == f"Bearer {self.access_token}"

    # ---------------------------------------------------------------- routing

    def _route(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        parsed: Any,
        body: bytes,
        request_id: str,
    ) -> _Outcome:
        adapter = self._url_map.bind("127.0.0.1")
        try:
            endpoint, args = adapter.match(path, method=method)
        except (NotFound, MethodNotAllowed):
            return _Outcome(404, {"message": "Not found"})
        except HTTPException:  # e.g. redirects
            return _Outcome(404, {"message": "Not found"})
        handler = getattr(self, f"_h_{endpoint}")
        return handler(headers=headers, parsed=parsed, body=body, request_id=request_id, **args)

    def _next_sent_messages(self, messages: list[dict]) -> list[dict]:
        sent = []
        for m in messages:
            self._message_seq += 1
            item: dict[str, str] = {"id": str(461230966842000000 + self._message_seq)}
            if m.get("type") in QUOTABLE_TYPES:
                item["quoteToken"] = uuid.uuid4().hex + uuid.uuid4().hex
            sent.append(item)
        return sent

    # --- messaging

    def _h_reply(self, *, headers, parsed, body, request_id) -> _Outcome:
        if "x-line-retry-key" in headers:
            return _Outcome(400, {"message": "X-Line-Retry-Key is not supported by this API"})
        err = _validate_send(parsed, "replyToken")
        if err is not None:
            return err
        token = parsed["replyToken"]
        if token in self._used_reply_tokens or token in self._expired_reply_tokens:
            return _Outcome(400, {"message": "Invalid reply token"})
        self._used_reply_tokens.add(token)
        messages = parsed["messages"]
        return _Outcome(
            200,
            {"sentMessages": self._next_sent_messages(messages)},
            delivery=_Delivery("reply", token, list(messages)),
        )

    def _h_push(self, *, headers, parsed, body, request_id) -> _Outcome:
        retry_key = headers.get("x-line-retry-key")
        if retry_key is not None and not _UUID_RE.match(retry_key):
            return _Outcome(400, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"})
        if retry_key is not None and retry_key in self._retry_keys:
            accepted_id, sent = self._retry_keys[retry_key]
            return _Outcome(
                409,
                {"message": "The retry key is already accepted", "sentMessages": sent},
                headers={"x-line-accepted-request-id": accepted_id},
            )
        err = _validate_send(parsed, "to") or self._over_quota(1)
        if err is not None:
            return err
        messages = parsed["messages"]
        sent = self._next_sent_messages(messages)
        if retry_key is not None:
            self._retry_keys[retry_key] = (request_id, sent)
        return _Outcome(
            200,
            {"sentMessages": sent},
            delivery=_Delivery("push", parsed["to"], list(messages)),
        )

    def _h_multicast(self, *, headers, parsed, body, request_id) -> _Outcome:
        """Like push, to up to 500 user ids; LINE skips those who blocked the account without failing."""
        retry_key = headers.get("x-line-retry-key")
        if retry_key is not None and not _UUID_RE.match(retry_key):
            return _Outcome(400, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"})
        if retry_key is not None and retry_key in self._retry_keys:
            accepted_id, _sent = self._retry_keys[retry_key]
            return _Outcome(409, {"message": "The retry key is already accepted"},
                            headers={"x-line-accepted-request-id": accepted_id})
        to = parsed.get("to") if isinstance(parsed, dict) else None
        if not isinstance(to, list) or not to or not all(isinstance(user, str) and user for user in to):
            return _body_errors([{"message": "May not be empty", "property": "to"}])
        if len(to) > MULTICAST_MAX:
            return _body_errors([{"message": f"Size must be between 1 and {MULTICAST_MAX}", "property": "to"}])
        err = _validate_send({**parsed, "to": to[0]}, "to")
        if err is not None:
            return err
        messages = parsed["messages"]
        recipients = tuple(user for user in dict.fromkeys(to) if user not in self.blocked)
        over = self._over_quota(len(recipients))
        if over is not None:
            return over
        if retry_key is not None:
            self._retry_keys[retry_key] = (request_id, [])
        return _Outcome(200, {}, delivery=_Delivery("multicast", "", list(messages), recipients=recipients))

    def _over_quota(self, messages: int) -> _Outcome | None:
        if self.quota_type == "limited" and self.total_usage + messages > self.quota_value:
            return _Outcome(429, {"message": "You have reached your monthly limit."})
        return None

    def _h_quota(self, **_kw) -> _Outcome:
        if self.quota_type == "limited":
            return _Outcome(200, {"type": "limited", "value": self.quota_value})
        return _Outcome(200, {"type": "none"})

    def _h_quota_consumption(self, **_kw) -> _Outcome:
        return _Outcome(200, {"totalUsage": self.total_usage})

    # --- the channel

    def _h_bot_info(self, **_kw) -> _Outcome:
        return _Outcome(200, {"userId": "U" + "0" * 32, "basicId": self.basic_id, "displayName": self.bot_name,
                              "chatMode": "bot", "markAsReadMode": "auto"})

    def _h_webhook_get(self, **_kw) -> _Outcome:
        return _Outcome(200, {"endpoint": self.webhook_endpoint, "active": self.webhook_active})

    def _h_webhook_set(self, *, parsed, **_kw) -> _Outcome:
        endpoint = parsed.get("endpoint") if isinstance(parsed, dict) else None
        if not isinstance(endpoint, str) or not endpoint.startswith("https://") and not _local(endpoint):
            return _body_errors([{"message": "must be a valid HTTPS URL", "property": "endpoint"}])
        self.webhook_endpoint, self.webhook_active = endpoint, True
        return _Outcome(200, {})

    def _h_webhook_test(self, *, parsed, **_kw) -> _Outcome:
        """POSTs an empty, signed event list to the URL as LINE's "Verify" does (outside the lock would be
        kinder to other calls; tests make one at a time)."""
        endpoint = (parsed or {}).get("endpoint") or self.webhook_endpoint
        return _Outcome(200, _verify_webhook(endpoint, self.channel_secret))

    def _h_message_content(self, *, message_id, **_kw) -> _Outcome:
        if message_id in self.gone_content:
            return _Outcome(404, {"message": "Not found"})
        data, content_type = self.content.get(message_id, (PNG_BYTES, "image/png"))
        return _Outcome(200, data, content_type=content_type)

    def _h_transcoding(self, *, message_id, **_kw) -> _Outcome:
        if message_id in self.gone_content:
            return _Outcome(404, {"message": "Not found"})
        return _Outcome(200, {"status": self.transcoding.get(message_id, "succeeded")})

    def _h_loading_start(self, *, parsed, **_kw) -> _Outcome:
        """LINE answers 202; a chat id that is no user, or seconds outside 5..60 in steps of 5, get 400."""
        chat_id = parsed.get("chatId") if isinstance(parsed, dict) else None
        seconds = parsed.get("loadingSeconds", 20) if isinstance(parsed, dict) else None
        if not isinstance(chat_id, str) or not chat_id.startswith("U") or not isinstance(seconds, int) \
                or not 5 <= seconds <= 60 or seconds % 5:
            return _Outcome(400, {"message": "The request body has 1 error(s)"})
        self.loading.append((chat_id, seconds))
        return _Outcome(202, {})

    def _h_profile(self, *, user_id, **_kw) -> _Outcome:
        return _Outcome(
            200,
            {"userId": user_id, "displayName": self.profiles.get(user_id, f"User {user_id[-4:]}"), "language": "th"},
        )

    # --- rich menus

    def _h_richmenu_validate(self, *, parsed, **_kw) -> _Outcome:
        err = _validate_rich_menu(parsed)
        return err if err is not None else _Outcome(200, {})

    def _h_richmenu_create(self, *, parsed, **_kw) -> _Outcome:
        err = _validate_rich_menu(parsed)
        if err is not None:
            return err
        rich_menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.rich_menus[rich_menu_id] = {"richMenuId": rich_menu_id, "selected": False, **parsed}
        return _Outcome(200, {"richMenuId": rich_menu_id})

    def _h_richmenu_list(self, **_kw) -> _Outcome:
        return _Outcome(200, {"richmenus": list(self.rich_menus.values())})

    def _h_richmenu_get(self, *, rich_menu_id, **_kw) -> _Outcome:
        menu = self.rich_menus.get(rich_menu_id)
        if menu is None:
            return _Outcome(404, {"message": "Not found"})
        return _Outcome(200, menu)

    def _h_richmenu_delete(self, *, rich_menu_id, **_kw) -> _Outcome:
        if rich_menu_id not in self.rich_menus:
            return _Outcome(404, {"message": "Not found"})
        del self.rich_menus[rich_menu_id]
        self.rich_menu_images.pop(rich_menu_id, None)
        if self.default_rich_menu == rich_menu_id:
            self.default_rich_menu = None
        for user in [u for u, m in self.user_rich_menus.items() if m == rich_menu_id]:
            del self.user_rich_menus[user]
        return _Outcome(200, {})

    def _h_richmenu_upload(self, *, rich_menu_id, headers, body, **_kw) -> _Outcome:
        if rich_menu_id not in self.rich_menus:
            return _Outcome(404, {"message": "Not found"})
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in ("image/png", "image/jpeg"):
            return _Outcome(415, {"message": "Unsupported Media Type"})
        if not body:
            return _Outcome(400, {"message": "The request body is empty"})
        if rich_menu_id in self.rich_menu_images:
            return _Outcome(400, {"message": "An image has already been uploaded to the richmenu"})
        self.rich_menu_images[rich_menu_id] = bytes(body)
        return _Outcome(200, {})

    def _h_richmenu_download(self, *, rich_menu_id, **_kw) -> _Outcome:
        image = self.rich_menu_images.get(rich_menu_id)
        if image is None:
            return _Outcome(404, {"message": "Not found"})
        ctype = "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"
        return _Outcome(200, image, content_type=ctype)

    def _menu_usable(self, rich_menu_id: str) -> _Outcome | None:
        if rich_menu_id not in self.rich_menus:
            return _Outcome(404, {"message": "Not found"})
        if rich_menu_id not in self.rich_menu_images:
            return _Outcome(400, {"message": "must upload richmenu image before applying it to user"})
        return None

    def _h_default_set(self, *, rich_menu_id, **_kw) -> _Outcome:
        err = self._menu_usable(rich_menu_id)
        if err is not None:
            return err
        self.default_rich_menu = rich_menu_id
        return _Outcome(200, {})

    def _h_default_get(self, **_kw) -> _Outcome:
        if self.default_rich_menu is None:
            return _Outcome(404, {"message": "no default richmenu"})
        return _Outcome(200, {"richMenuId": self.default_rich_menu})

    def _h_default_delete(self, **_kw) -> _Outcome:
        self.default_rich_menu = None
        return _Outcome(200, {})

    def _h_user_link(self, *, user_id, rich_menu_id, **_kw) -> _Outcome:
        err = self._menu_usable(rich_menu_id)
        if err is not None:
            return err
        self.user_rich_menus[user_id] = rich_menu_id
        return _Outcome(200, {})

    def _h_user_get(self, *, user_id, **_kw) -> _Outcome:
        rich_menu_id = self.user_rich_menus.get(user_id)
        if rich_menu_id is None:
            return _Outcome(404, {"message": "the user has no richmenu"})
        return _Outcome(200, {"richMenuId": rich_menu_id})

    def _h_user_unlink(self, *, user_id, **_kw) -> _Outcome:
        self.user_rich_menus.pop(user_id, None)
        return _Outcome(200, {})

    # --- for the chat simulator (not LINE)

    def _h_sim_reply_token(self, *, parsed, **_kw) -> _Outcome:
        if not isinstance(parsed, dict) or not parsed.get("replyToken") or not parsed.get("userId"):
            return _Outcome(400, {"message": "replyToken and userId are required"})
        self.register_reply_token(str(parsed["replyToken"]), str(parsed["userId"]))
        return _Outcome(200, {})

    def _h_sim_messages(self, *, user_id, after, **_kw) -> _Outcome:
        """Messages to the user from the ``after``-th on, and the count to ask from next time."""
        messages = self.messages_to(user_id)
        return _Outcome(200, {"messages": messages[after:], "next": len(messages)})


# ---------------------------------------------------------------- the webhook test


def _local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "http://localhost"))


def _verify_webhook(endpoint: str, secret: str | None) -> dict:
    import base64
    import hashlib
    import hmac
    import urllib.error
    import urllib.request
    from datetime import datetime, timezone

    body = json.dumps({"destination": "U" + "0" * 32, "events": []}).encode()
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Line-Signature"] = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    verdict = {"timestamp": datetime.now(timezone.utc).isoformat(), "success": False}
    try:
        with urllib.request.urlopen(urllib.request.Request(endpoint, data=body, headers=headers), timeout=5) as answer:
            return {**verdict, "success": True, "statusCode": answer.status, "reason": "OK", "detail": str(answer.status)}
    except urllib.error.HTTPError as error:
        return {**verdict, "statusCode": error.code, "reason": "ERROR_STATUS_CODE",
                "detail": f"The webhook returned an HTTP status code other than 200.({error.code} {error.reason})"}
    except (urllib.error.URLError, OSError, ValueError) as error:
        return {**verdict, "statusCode": 0, "reason": "COULD_NOT_CONNECT", "detail": str(error)[:200]}


# ---------------------------------------------------------------- validation


def _default_error(status: int) -> dict:
    if status == 429:
        return {"message": "Too Many Requests"}
    if status >= 500:
        return {"message": "An error occurred in the LINE Platform"}
    if status == 401:
        return {"message": AUTH_FAILED}
    return {"message": f"Error {status}"}


def _body_errors(details: list[dict]) -> _Outcome:
    return _Outcome(
        400,
        {"message": f"The request body has {len(details)} error(s)", "details": details},
    )


def _validate_send(parsed: Any, target_field: str) -> _Outcome | None:
    if not isinstance(parsed, dict):
        return _Outcome(400, {"message": "The request body could not be parsed as JSON"})
    details: list[dict] = []
    target = parsed.get(target_field)
    if not isinstance(target, str) or not target:
        details.append({"message": "May not be empty", "property": target_field})
    messages = parsed.get("messages")
    if not isinstance(messages, list) or not messages:
        details.append({"message": "May not be empty", "property": "messages"})
    elif len(messages) > 5:
        details.append({"message": "Size must be between 1 and 5", "property": "messages"})
    else:
        for i, m in enumerate(messages):
            prop = f"messages[{i}]"
            if not isinstance(m, dict) or not m.get("type"):
                details.append({"message": "May not be empty", "property": f"{prop}.type"})
                continue
            if m["type"] not in MESSAGE_TYPES:
                details.append(
                    {
                        "message": "Must be one of the following values: ["
                        + ", ".join(MESSAGE_TYPES)
                        + "]",
                        "property": f"{prop}.type",
                    }
                )
                continue
            if m["type"] == "text":
                text = m.get("text")
                if not isinstance(text, str) or not text:
                    details.append({"message": "May not be empty", "property": f"{prop}.text"})
                elif len(text) > 5000:
                    details.append(
                        {"message": "Length must be between 0 and 5000", "property": f"{prop}.text"}
                    )
    return _body_errors(details) if details else None


def _validate_rich_menu(parsed: Any) -> _Outcome | None:
    if not isinstance(parsed, dict):
        return _Outcome(400, {"message": "The request body could not be parsed as JSON"})
    details: list[dict] = []
    for key in ("size", "name", "chatBarText", "areas"):
        if key not in parsed:
            details.append({"message": "May not be empty", "property": key})
    if isinstance(parsed.get("areas"), list) and len(parsed["areas"]) > 20:
        details.append({"message": "Size must be between 0 and 20", "property": "areas"})
    return _body_errors(details) if details else None
