"""Small JSON values kept under a key (the Setting table): what a poll did, the last quota reading, the
fingerprints of a sheet tab. Like the other repository functions these never commit."""
from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from storage.models import Setting


def put_json(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key) or Setting(key=key, value="")
    row.value = json.dumps(value, ensure_ascii=False)
    session.add(row)


def get_json(session: Session, key: str) -> Any | None:
    row = session.get(Setting, key)
    return json.loads(row.value) if row is not None else None
