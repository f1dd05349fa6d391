"""The manuals' rules, one module each (sources in each docstring; digest in shared/domain.md).

roles         role sets; who stands in for or above a person (backup, overseer, certifier, decision maker)
statuses      ticket status sets (defined in storage/statuses.py, which storage queries)
scores        the low-score threshold, `[reports] low_score_max`
entitlement   free services by tier
workdays      the Thai working-day clock for deadlines
quotas        visit quotas per quarter and year
classification  the Key Account Selection Matrix

The KAMR workload rule (001 §6.1.2) stays in storage/workload.py: the roster imports in storage check
it, and storage imports nothing of handlers.
"""
