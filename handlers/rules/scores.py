"""Low satisfaction scores (000 plan 6 item 8): scores of 3 or below are followed up by phone.

`[reports] low_score_max` (default 3) is the one setting: the KAMR's follow-up push after a rating in
LINE, the "โทรติดตาม" lines of the quarter card, the complaint close-out's follow-up call, `kambot visits
followups` and the reports' low-score share and VOC comments all ask this module.
"""
from __future__ import annotations

from sqlmodel import col

from bot.config import ReportsConfig
from storage.models import Rating


def is_low(score: int, settings: ReportsConfig) -> bool:
    return score <= settings.low_score_max


def low_rating(settings: ReportsConfig):
    """is_low as a query condition on Rating."""
    return col(Rating.score) <= settings.low_score_max
