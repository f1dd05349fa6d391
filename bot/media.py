"""Serving kept media at /media/<token> (and /media/<token>/preview): LINE's apps fetch images
lazily, months later, so the address never expires; the long random token is the only key."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from bot.config import Config
from storage import media as media_repo
from storage.db import session_scope

bp = Blueprint("media", __name__)
PATH = "/media/"
INLINE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "audio/mp4", "audio/m4a",
                "audio/x-m4a", "audio/aac", "audio/mpeg")


def url_for(config: Config, token: str, *, preview: bool = False) -> str:
    """The public address of a kept file, or "" when no public URL is configured."""
    base = config.server.public_url.rstrip("/")
    if not base or not token:
        return ""
    return f"{base}{PATH}{token}" + ("/preview" if preview else "")


@bp.get("/media/<token>")
def original(token: str) -> Response:
    return _serve(token, preview=False)


@bp.get("/media/<token>/preview")
def preview(token: str) -> Response:
    return _serve(token, preview=True)


def _serve(token: str, *, preview: bool) -> Response:
    engine = current_app.extensions["kambot"].engine
    with session_scope(engine) as session:
        media = media_repo.by_token(session, token)
        content = media_repo.content(session, media) if media is not None and media.status == "stored" else None
        if content is None or (preview and content.preview is None):
            abort(404)  # unknown, not fetched yet, lost or refused: all look the same from outside
        data = content.preview if preview else content.data
        # A preview is the original when that was small enough, else a JPEG made from it.
        content_type = media.content_type if not preview or data == content.data else "image/jpeg"
        name = media.file_name
    response = Response(data, content_type=content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Referrer-Policy"] = "no-referrer"
    if content_type not in INLINE_TYPES:  # never render a sent document in the browser (no script runs)
        response.headers["Content-Disposition"] = "attachment" + (f"; filename*=UTF-8''{_quote(name)}" if name else "")
        response.headers["Content-Security-Policy"] = "sandbox"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
