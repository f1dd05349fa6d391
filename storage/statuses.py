"""Ticket statuses and the sets the code asks about. Defined here, the lowest layer that needs them
(storage queries open tickets); handlers and jobs reach them through handlers/rules/statuses.py.

Outages: open → acknowledged → resolved (003; 001 §4.14.4). Complaints: open → acknowledged →
answered (the explanation, due in 5 working days) → closed when the customer acknowledges and rates,
or pending_certification when the KAMR recorded it for them and a manager has to certify (VOC 04;
002 §3.2). Free services: open → proposed / scheduled → resolved, or declined (002 §3.1.1(2)).
"""
from __future__ import annotations

# Not finished yet: listed in the customer's status and the KAMR's tickets. "answered" is a
# complaint with the office's explanation sent, open until closed; outages never take it, so
# outage transitions from OPEN_STATUSES still mean open or acknowledged. "pending_certification"
# is a complaint closed by the KAMR for the customer (VOC 04), open until a manager certifies it.
# "proposed" and "scheduled" are free-service requests with a date offered or booked.
OPEN_STATUSES = ("open", "acknowledged", "answered", "pending_certification", "proposed", "scheduled")
# Done with: the customer may rate it, and a free service counts as delivered.
FINISHED_STATUSES = ("resolved", "closed")
# Given up on: neither open nor delivered.
DROPPED_STATUSES = ("declined", "cancelled")
# A complaint still waiting for the office's explanation (the 5-working-day clock runs).
UNANSWERED_STATUSES = ("open", "acknowledged")
# The KAMR may (re)answer a complaint until the close-out starts; pending_certification is open but
# not answerable.
ANSWERABLE_STATUSES = (*UNANSWERED_STATUSES, "answered")
# The KAMR may (re)book or decline a free service.
BOOKABLE_STATUSES = ("open", "proposed", "scheduled")
