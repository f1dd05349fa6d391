"""Button labels written to fit the channel's label length (LINE: 20 characters), so nothing is cut mid-word
by the channel: a label with a free value (an account's name, a subject) shortens that value, visibly."""
from __future__ import annotations

from handlers.messages import LABEL_CHARS
from handlers.texts import t


def fitted(key: str, lang: str, free: str, **values) -> str:
    """t(key) with `values[free]` shortened to what the rest of the label leaves ("…" marks the cut)."""
    room = LABEL_CHARS - len(t(key, lang, **{**values, free: ""}))
    value = str(values[free])
    if len(value) > room:
        value = value[: max(1, room - 1)] + "…"
    return t(key, lang, **{**values, free: value})
