"""What the bot does, without a chat: open an outage, file a complaint, answer it, log a visit, …

Each operation is a plain function of `(session, *, now, actor, notifier, …)`, plus `channel` where the
record keeps it ("line", "form", "cli"): `actor` is the Contact or Staff doing it, or None for a form
respondent the roster does not know. An operation changes state, logs the ticket's history and
pushes to the people who must hear (the KAMR's card, the backup when the KAMR is unreachable, the
reporters) through the notifier. It never replies and never touches dialog state: the dialogs
(handlers/outage.py, …), the Forms intake, the demo and the CLI all call the same functions and
say what suits their channel themselves. The commit is the caller's.
"""
