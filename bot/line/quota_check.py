"""The daily reading of LINE's monthly message allowance (issue 18), a channel job of the scheduler."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from sqlalchemy.engine import Engine

from bot.config import Config
from bot.line import channel
from bot.line.notifier import notifier_for
from handlers.operations.message_quota import record_reading
from storage.db import session_scope

log = logging.getLogger(__name__)


def check_message_quota(engine: Engine, config: Config, clock: Callable[[], datetime]) -> bool:
    """Read the allowance and this month's use, keep them (the sender holds routine pushes from
    [line] quota_hold_percent on) and warn the administrators; whether anyone was warned."""
    try:
        quota = channel.quota(config)
    except channel.ChannelError as error:
        log.warning("message quota not read: %s", error)
        return False
    with session_scope(engine) as session:
        now = clock()
        warned = record_reading(session, limit=quota.limit, used=quota.used, now=now, config=config,
                                notifier=notifier_for(session, now))
    log.info("message quota: %s of %s used this month, %s warned", quota.used, quota.limit or "unlimited", warned)
    return bool(warned)
