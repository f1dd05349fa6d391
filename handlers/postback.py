"""Postback data: a short query string such as "a=outage.ack&t=12".

It comes back from the user's phone, so it is never trusted: handlers check
that the person may touch what the data names.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

MAX_LENGTH = 300  # LINE's limit for postback data


def build(action: str, **params: object) -> str:
    data = urlencode({"a": action, **{k: str(v) for k, v in params.items()}})
    if len(data) > MAX_LENGTH:
        raise ValueError("postback data longer than LINE allows")
    return data


def parse(data: str) -> tuple[str, dict[str, str]]:
    if not data or len(data) > MAX_LENGTH:
        return "", {}
    try:
        pairs = dict(parse_qsl(data, strict_parsing=True, max_num_fields=10))
    except ValueError:
        return "", {}
    return pairs.pop("a", ""), pairs


MAX_ID = 2**31 - 1  # the largest PostgreSQL integer: a larger id would fail the query, not just miss


def int_param(params: dict, name: str) -> int | None:
    """A non-negative integer, or None. Only ASCII digits: `isdigit()` is also true for `²` and
    other digits `int()` refuses."""
    value = params.get(name, "")
    if isinstance(value, int) and not isinstance(value, bool):  # from a dialog's own state
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        return None
    return number if 0 <= number <= MAX_ID else None
