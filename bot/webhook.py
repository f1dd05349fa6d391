"""POST /callback: check the signature, store the events, answer 200 at once."""
from __future__ import annotations

import json
import logging

from flask import Blueprint, current_app, jsonify, request
from linebot.v3 import SignatureValidator

from bot.line_adapter import inbox_row
from storage import inbox, outbox
from storage.db import session_scope

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)


def _error(status: int, message: str):
    return jsonify({"error": message}), status


@bp.post("/callback")
def callback():
    kambot = current_app.extensions["kambot"]
    secret = kambot.config.line.channel_secret
    if not secret:
        log.warning("webhook called but line.channel_secret is not set")
        return _error(503, "line.channel_secret is not configured")
    signature = request.headers.get("X-Line-Signature", "")
    body = request.get_data(cache=False)  # beyond server.max_body_bytes Flask answers 413
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "body is not UTF-8")
    if not signature or not SignatureValidator(secret).validate(text, signature):
        log.info("webhook rejected: %s signature", "missing" if not signature else "invalid")
        return _error(400, "missing or invalid X-Line-Signature")
    try:
        payload = json.loads(text)
    except ValueError:
        return _error(400, "body is not JSON")
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        return _error(400, "body has no events list")
    rows = [inbox_row(event) for event in events if isinstance(event, dict)]
    if rows:
        with session_scope(kambot.engine) as session:
            fresh = inbox.add_events(session, rows, now=kambot.clock())
        log.info("webhook: %d events, %d new", len(rows), len(fresh))
        kambot.services.events_stored(fresh)
    return jsonify({}), 200


@bp.get("/healthz")
def health():
    kambot = current_app.extensions["kambot"]
    with session_scope(kambot.engine) as session:
        return jsonify({"inbox": inbox.count_by_status(session), "outbox": outbox.count_by_status(session)})
