"""POST /callback: check the signature, store the events, answer 200 at once."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, current_app, jsonify, request
from linebot.v3 import SignatureValidator

from bot.line.events import inbox_row
from storage import inbox, outbox
from storage.db import session_scope

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)


def _error(status: int, message: str):
    return jsonify({"error": message}), status


def _read_body(cap: int) -> bytes | None:
    """The body, or None if it is larger than cap. Flask checks a declared Content-Length;
    a chunked body has none and werkzeug's own limit would cut it silently, so read it here."""
    if request.content_length is not None:
        return request.get_data(cache=False)  # beyond the cap Flask answers 413
    body = request.environ["wsgi.input"].read(cap + 1)
    return None if len(body) > cap else body


@bp.app_errorhandler(413)
def _too_large(_exception):
    return _error(413, "body larger than server.max_body_bytes")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _parse_json(text: str):
    """Strict JSON: no NaN or Infinity, and no string a database column refuses."""
    payload = json.loads(text, parse_constant=_refuse_constant)
    if "\\u" in text and _unstorable(payload):  # only escapes make those: check only then
        raise ValueError("NUL character or lone surrogate in a string")
    return payload


def _unstorable(value) -> bool:
    """NUL characters (PostgreSQL text refuses them) and lone surrogates (not UTF-8)."""
    if isinstance(value, str):
        return "\x00" in value or not value.isascii() and not _utf8(value)
    if isinstance(value, dict):
        return any(_unstorable(key) or _unstorable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_unstorable(item) for item in value)
    return False


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


@bp.post("/callback")
def callback():
    kambot = current_app.extensions["kambot"]
    secret = kambot.config.line.channel_secret
    if not secret:
        log.warning("webhook called but line.channel_secret is not set")
        return _error(503, "line.channel_secret is not configured")
    signature = request.headers.get("X-Line-Signature", "")
    body = _read_body(kambot.config.server.max_body_bytes)
    if body is None:
        return _too_large(None)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "body is not UTF-8")
    if not signature or not SignatureValidator(secret).validate(text, signature):
        log.info("webhook rejected: %s signature", "missing" if not signature else "invalid")
        return _error(400, "missing or invalid X-Line-Signature")
    try:
        payload = _parse_json(text)
    except (ValueError, RecursionError):
        return _error(400, "body is not JSON")
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        return _error(400, "body has no events list")
    rows = [inbox_row(event) for event in events if isinstance(event, dict)]
    if rows:
        try:
            fresh = kambot.inbox_writer.store(rows)
        except Exception as error:  # nothing acknowledged, nothing lost: LINE redelivers
            log.error("webhook: events not stored (%s)", type(error).__name__)
            return _error(503, "events could not be stored; send them again")
        log.debug("webhook: %d events, %d new", len(rows), len(fresh))
        kambot.services.events_stored(fresh)
    return Response(b"{}", mimetype="application/json")


@bp.get("/healthz")
def health():
    kambot = current_app.extensions["kambot"]
    with session_scope(kambot.engine) as session:
        return jsonify({"inbox": inbox.count_by_status(session), "outbox": outbox.count_by_status(session)})
