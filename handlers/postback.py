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


def int_param(params: dict, name: str) -> int | None:
    value = str(params.get(name, ""))
    return int(value) if value.isdigit() and len(value) < 12 else None
