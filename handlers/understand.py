"""What a message typed outside a dialog asks for: an outage (with the symptom and the site when
clear), a complaint, or nothing we recognise (then it is relayed to the KAMR, handlers/relay.py).

Tolerant of how people write in LINE: polite particles (ครับ ค่ะ คะ นะ …), spacing, case, a site
name, English. Table-driven: add a phrase to PHRASES, and a row to tests/test_understand.py."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

# Phrases in the normalised form (lower case, no spaces): (phrase, intent, symptom).
# Longer phrases first where one contains another ("ไฟฟ้าดับ" before "ไฟดับ" does not matter: same meaning).
PHRASES: tuple[tuple[str, str, str], ...] = (
    ("ร้องเรียน", "complaint", ""),
    ("complaint", "complaint", ""),
    ("complain", "complaint", ""),
    ("ไฟติดๆดับๆ", "outage", "flicker"),
    ("ไฟกระพริบ", "outage", "flicker"),
    ("ไฟกะพริบ", "outage", "flicker"),
    ("ไฟกระพิบ", "outage", "flicker"),
    ("flicker", "outage", "flicker"),
    ("ไฟตก", "outage", "low_voltage"),
    ("แรงดันตก", "outage", "low_voltage"),
    ("แรงดันต่ำ", "outage", "low_voltage"),
    ("lowvoltage", "outage", "low_voltage"),
    ("voltagedrop", "outage", "low_voltage"),
    ("ไฟดับ", "outage", "no_power"),
    ("ไฟฟ้าดับ", "outage", "no_power"),
    ("ไฟไม่มา", "outage", "no_power"),
    ("ไฟไม่ติด", "outage", "no_power"),
    ("ไม่มีไฟ", "outage", "no_power"),
    ("ไฟฟ้าไม่มา", "outage", "no_power"),
    ("poweroutage", "outage", "no_power"),
    ("powercut", "outage", "no_power"),
    ("powerfailure", "outage", "no_power"),
    ("nopower", "outage", "no_power"),
    ("blackout", "outage", "no_power"),
    ("outage", "outage", ""),
)
# The intent a message's first phrase names wins, except a complaint: "ร้องเรียนเรื่องไฟดับบ่อย"
# is a complaint about outages, not an outage.
PARTICLES = ("ครับผม", "ครับ", "คับ", "ค่ะ", "คะ", "ค่า", "นะคะ", "นะครับ", "นะ", "จ้า", "จ้ะ", "ฮะ", "จ้ะ", "please", "pls")
SPACES = re.compile(r"[\s\u200b.,!?…~\-_:;'\"()]+")
MAX_CHARS = 120  # a long message is a story for the KAMR, not a command


@dataclass(frozen=True)
class Understood:
    intent: str  # "outage" or "complaint"
    symptom: str = ""  # outage: no_power, low_voltage, flicker; "" when not clear
    site_id: int | None = None  # the account's site named in the message, if exactly one


def normalise(text: str) -> str:
    """Lower case, without spaces, punctuation or repeated letters (ไฟดับบบ)."""
    squeezed = re.sub(r"(.)\1{2,}", r"\1", text.lower())
    return SPACES.sub("", squeezed)


def understand(text: str, sites: Iterable[tuple[int, str]] = ()) -> Understood | None:
    """`sites`: the account's (id, name). None when the message asks for nothing we recognise."""
    if not text or len(text) > MAX_CHARS:
        return None
    plain = normalise(text)
    found = [(intent, symptom) for phrase, intent, symptom in PHRASES if phrase in plain]
    if not found:
        return None
    if any(intent == "complaint" for intent, _ in found):
        return Understood("complaint")
    symptoms = {symptom for _, symptom in found if symptom}
    return Understood("outage", symptom=symptoms.pop() if len(symptoms) == 1 else "", site_id=_site(plain, sites))


def _site(plain: str, sites: Iterable[tuple[int, str]]) -> int | None:
    """The one site whose name appears (not as the start of a longer number: โรงงาน 1 in โรงงาน 12)."""
    named = set()
    for site_id, name in sites:
        key = normalise(name)
        for match in re.finditer(re.escape(key), plain) if key else ():
            after = plain[match.end():match.end() + 1]
            if not (key[-1:].isdigit() and after.isdigit()):
                named.add(site_id)
    return named.pop() if len(named) == 1 else None


def _bare(text: str) -> str:
    plain = normalise(text)
    for particle in sorted(PARTICLES, key=len, reverse=True):
        plain = plain.replace(particle, "")
    return plain


def is_only_particles(text: str) -> bool:
    """"ครับ", "ค่ะ", "ok", "ขอบคุณค่ะ": nothing to relay, just politeness."""
    return _bare(text) in ("", "ok", "โอเค", "ขอบคุณ", "ขอบคุณมาก", "thanks", "thankyou", "ขอบใจ")


def is_greeting(text: str) -> bool:
    """"สวัสดีค่ะ", "hello": the menu answers it better than the KAMR."""
    return _bare(text) in ("สวัสดี", "หวัดดี", "hello", "hi", "hey", "ดีจ้า", "ดี")
