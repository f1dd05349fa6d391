"""Ticket statuses and their sets, for handlers and jobs. The definitions live in storage/statuses.py
because storage queries them too and must not import handlers; this module is where the rules are
looked up, so it names them again without redefining them."""
from storage.statuses import (ANSWERABLE_STATUSES, BOOKABLE_STATUSES, DROPPED_STATUSES, FINISHED_STATUSES,
                              OPEN_STATUSES, UNANSWERED_STATUSES)

__all__ = ["ANSWERABLE_STATUSES", "BOOKABLE_STATUSES", "DROPPED_STATUSES", "FINISHED_STATUSES", "OPEN_STATUSES",
           "UNANSWERED_STATUSES"]
