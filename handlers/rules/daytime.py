"""When a notice that is not urgent may go out (issue 16): inside the [planned] Bangkok daytime window.

Planned work, its reminder and its changes wait for the window; real outages never ask this."""
from __future__ import annotations

from datetime import datetime

from bot.config import PlannedConfig
from handlers.thai_dates import to_bangkok


def in_daytime(now: datetime, planned: PlannedConfig) -> bool:
    return planned.daytime_start <= to_bangkok(now).strftime("%H:%M") < planned.daytime_end
