"""POST /callback: check the signature, store the events, answer 200 at once."""
from __future__ import annotations

import hmac
import ipaddress
import json
import logging

from flask import Blueprint, Response, current_app, jsonify, request
from linebot.v3 import SignatureValidator
from sqlalchemy import insert

from bot.line import event_quarantine
from bot.line.events import inbox_row
from storage.db import count_by_status, session_scope
from storage.models import InboxEvent, Media, OutboxMessage, Setting

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)
HEALTH_PROBE_KEY = "healthz.probe"


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
    try:
        body = _read_body(kambot.config.server.max_body_bytes)
    except OSError:  # the server's read deadline (bot/server_worker.py), or the client went away
        return _error(408, "body not received in time")
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
    """Ready (200) only when the webhook can store events: a write to the database is tried and
    rolled back. The counts, and what is wrong, only to loopback or with server.health_token."""
    kambot = current_app.extensions["kambot"]
    problem = _storage_problem(kambot.engine)
    body: dict = {"status": "unavailable" if problem else "ok"}
    if _trusted(kambot.config.server.health_token):
        body["missing_settings"] = kambot.config.missing_settings()
        if problem:
            body["storage"] = problem
        else:
            with session_scope(kambot.engine) as session:
                # media: photos and files still to fetch from LINE are `pending`
                body.update(inbox=count_by_status(session, InboxEvent), outbox=count_by_status(session, OutboxMessage),
                            media=count_by_status(session, Media))
    return jsonify(body), 503 if problem else 200


class _Probed(Exception):
    """Raised inside the probe's transaction so that its write is rolled back."""


def _storage_problem(engine) -> str:
    try:
        with session_scope(engine) as session:
            session.execute(insert(Setting).values(key=HEALTH_PROBE_KEY, value="probe"))
            raise _Probed
    except _Probed:
        return ""
    except Exception as error:
        log.error("healthz: storage not writable (%s)", type(error).__name__)
        return f"not writable: {type(error).__name__}"


def _trusted(token: str) -> bool:
    if token:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if offered and hmac.compare_digest(offered.encode(), token.encode()):
            return True
    # Behind a proxy every request comes from loopback: one that was forwarded is not local.
    forwarded = any(request.headers.get(name) for name in ("X-Forwarded-For", "X-Real-IP", "Forwarded"))
    return not forwarded and ipaddress.ip_address(request.remote_addr or "0.0.0.0").is_loopback
