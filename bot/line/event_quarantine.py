"""Events no database column can hold, set aside one by one so the rest of a webhook body is kept.

PostgreSQL text refuses NUL characters, UTF-8 has no lone surrogates, and JSON columns refuse the
infinite float that a number like 1e400 becomes. Refusing the whole body lost everyone else's
events in it (and on PostgreSQL a 503 for each redelivery, for the whole batch). Now such an event
is stored as `quarantined`: never handled, its values replaced so it fits, listed by
`kambot outbox` for the administrator.
"""
from __future__ import annotations

import math
import re

# Cheap look at the raw text before walking the parsed tree: only escapes make NUL or surrogates,
# and only a huge exponent makes an infinite float.
_SUSPECT = re.compile(r"\\u|\d[eE][+-]?\d{3}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def body_suspect(text: str) -> bool:
    return bool(_SUSPECT.search(text))


def unstorable(value) -> str:
    """Why the value cannot be stored ("" when it can)."""
    if isinstance(value, str):
        if "\x00" in value:
            return "NUL character"
        if not value.isascii() and not _utf8(value):
            return "lone surrogate"
        return ""
    if isinstance(value, float):
        return "" if math.isfinite(value) else "number out of range"
    if isinstance(value, dict):
        for key, item in value.items():
            reason = unstorable(key) or unstorable(item)
            if reason:
                return reason
        return ""
    if isinstance(value, list):
        for item in value:
            reason = unstorable(item)
            if reason:
                return reason
    return ""


def storable_copy(value):
    """The value with NUL and surrogates as U+FFFD and infinite numbers as null."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {storable_copy(key): storable_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable_copy(item) for item in value]
    return value


def quarantined(row: dict, reason: str) -> dict:
    """An inbox row for an event that is kept but not handled."""
    return {**{key: storable_copy(row[key]) for key in ("event_id", "user_key", "event_type", "payload")},
            "status": "quarantined", "error": f"quarantined: {reason}"}


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False
