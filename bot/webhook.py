"""POST /callback: check the signature, store the events, answer 200 at once."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, current_app, jsonify, request
from linebot.v3 import SignatureValidator

from bot import event_quarantine
from bot.line_adapter import inbox_row
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
    """Strict JSON: no NaN or Infinity. Values no column takes are dealt with per event, below."""
    return json.loads(text, parse_constant=_refuse_constant)


def _inbox_rows(events: list, text: str) -> list[dict]:
    rows = []
    suspect = event_quarantine.body_suspect(text)
    for event in events:
        if not isinstance(event, dict):
            continue
        row = inbox_row(event)
        reason = event_quarantine.unstorable(event) if suspect else ""
        if reason:
            row = event_quarantine.quarantined(row, reason)
            log.warning("webhook: event %s quarantined (%s); the others are stored", row["event_id"], reason)
        rows.append(row)
    return rows


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
    rows = _inbox_rows(events, text)
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
