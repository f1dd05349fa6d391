"""Contact means reachable: a tap-to-call button for a staff member with a phone (issue 15)."""
from __future__ import annotations

import re

from handlers.messages import Button
from handlers.texts import t
from storage.models import Staff


def tel_uri(phone: str) -> str:
    """The first number of a phone cell ("02-123 4567 ต่อ 12, 081…") as a tel: address."""
    first = re.split(r"[,;/]", phone)[0]
    first = re.split(r"(?:ต่อ|ext\.?|x)", first, maxsplit=1)[0]
    return "tel:" + re.sub(r"[^0-9+]", "", first)


def call_button(staff: Staff, lang: str) -> Button:
    return Button(t("btn_call_kamr", lang, name=staff.name), kind="uri", data=tel_uri(staff.phone))
