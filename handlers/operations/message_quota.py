"""What the bot does with a reading of the channel's monthly message allowance (issue 18): keep it,
for the sender's holding back of routine pushes, and warn the administrators once per threshold a month."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from handlers.messages import Button, Card, Message
from handlers.notify import Notifier
from handlers.postback import build
from handlers.rules import message_quota as rule
from handlers.texts import t
from storage import message_quota, notifications, roster

log = logging.getLogger(__name__)

KIND = "line_quota"  # a Notification per administrator and threshold, on the month's first day


def record_reading(session: Session, *, limit: int | None, used: int, now: datetime, config,
                   notifier: Notifier) -> int:
    """Keep the reading and warn whoever has not heard of a threshold it reached this month;
    returns how many were warned. Claimed in the same transaction: two schedulers warn once."""
    reading = message_quota.reading(rule.month_of(now), limit, used, now)
    message_quota.record(session, reading)
    thresholds = rule.crossed(reading, config.line.quota_warn_percents)
    if not thresholds:
        return 0
    admins = []
    for code in config.line.administrators:
        person = roster.staff_by_code(session, code)
        if person is None or not person.active:
            log.warning("[line] administrators: no active staff %s to warn of the message quota", code)
        elif notifier.reachable(person):
            admins.append(person)
    claimed = notifications.claim_many(session, [(KIND, person.id, threshold) for person in admins
                                                 for threshold in thresholds],
                                       day=rule.month_start(now), now=now)
    warned = 0
    for person in admins:
        fresh = [threshold for threshold in thresholds if (KIND, person.id, threshold) in claimed]
        if fresh:
            notifier.push(person, [_warning(reading, max(fresh), config.line.quota_hold_percent, person.language)])
            warned += 1
    return warned


def _warning(reading: message_quota.QuotaReading, threshold: int, hold_percent: float, lang: str) -> Message:
    lines = [t("msgquota_used", lang, used=f"{reading.used:,}", limit=f"{reading.limit:,}",
               percent=f"{rule.percent(reading):.0f}")]
    lines.append(t("msgquota_holding" if rule.percent(reading) >= hold_percent else "msgquota_will_hold", lang,
                   hold=f"{hold_percent:g}"))
    label = t("btn_my_tickets", lang)
    return Message(card=Card(title=t("msgquota_title", lang, percent=threshold), lines=tuple(lines),
                             buttons=(Button(label, data=build("mytickets"), display=label),)))
