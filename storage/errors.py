"""What went wrong, told without personal data, and whether trying again can help.

A database error's text carries the statement's values (a LINE user id, a phone number, what a
customer typed) and PostgreSQL adds a DETAIL line with the offending key; a handler's ValueError
repeats the input it choked on. Logs and the inbox's error column keep only the exception type,
where it was raised, and for database errors the first line of the driver's message with
anything quoted or id-like masked.
"""
from __future__ import annotations

import re
import traceback
from pathlib import Path

from sqlalchemy import exc

# Passing troubles of the storage: locked, full, disconnected, timed out, read-only for a while.
_TRANSIENT = (exc.OperationalError, exc.InterfaceError, exc.InternalError, exc.TimeoutError,
              exc.DisconnectionError, TimeoutError, ConnectionError, OSError)
_QUOTED = re.compile(r"""("[^"]*"|'[^']*'|\([^)]*\)=\([^)]*\))""")
_LINE_ID = re.compile(r"\b[UCR][0-9a-f]{32}\b")
_ROOT = Path(__file__).resolve().parent.parent


def is_transient(error: BaseException) -> bool:
    """True when the same work may well succeed later; False for errors that repeat identically."""
    return isinstance(error, _TRANSIENT)


def describe(error: BaseException) -> str:
    """`Type at file:line` plus, for database errors, a masked first line of the driver's message."""
    text = type(error).__name__
    where = _where(error)
    if where:
        text += f" at {where}"
    original = getattr(error, "orig", None)
    if isinstance(error, exc.DBAPIError) and original is not None:
        first_line = str(original).strip().splitlines()[0] if str(original).strip() else ""
        text += f" ({type(original).__name__}: {mask(first_line)[:200]})"
    return text


def mask(text: str) -> str:
    """Constraint and table names stay, values go: quoted parts, `(key)=(value)` pairs, LINE ids."""
    return _LINE_ID.sub("U…", _QUOTED.sub(_masked_quote, text))


def _masked_quote(match: re.Match) -> str:
    quoted = match.group(0)
    if quoted.startswith('"') and re.fullmatch(r'"[a-z_][a-z0-9_]*"', quoted):
        return quoted  # PostgreSQL quotes identifiers (constraint, table and column names) this way
    return "…"


def _where(error: BaseException) -> str:
    """The innermost frame in kambot's own code: enough to find the bug, no values."""
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    ours = [frame for frame in frames if _is_ours(frame.filename)]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return ""
    path = Path(frame.filename)
    try:
        path = path.resolve().relative_to(_ROOT)
    except ValueError:
        path = Path(path.name)
    return f"{path}:{frame.lineno}"


def _is_ours(filename: str) -> bool:
    try:
        relative = Path(filename).resolve().relative_to(_ROOT)
    except ValueError:
        return False
    return relative.parts[0] in ("bot", "handlers", "storage", "jobs")


def frames(error: BaseException) -> str:
    """The traceback's frames without the exception's message (which may carry personal data)."""
    return "".join(traceback.format_tb(error.__traceback__)) if error.__traceback__ else ""
