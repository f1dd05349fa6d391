"""What LINE charges: pushes per 100 customer interactions, ours against an always-push design.

    python tests/bench/bench_cost.py [--accounts 400] [--kamrs 40] [--interactions 8]

Plays a journey mix through the real webhook, handlers, sender and the LINE stand-in (the test
harness, clock frozen): an outage reported, joined by a second contact, acknowledged, updated,
resolved and rated; an outage nobody acknowledges that escalates to the backup; a complaint
filed, answered, acknowledged and rated; status and "contact my KAMR" taps. Every webhook event
counts as one interaction. Replies are free; pushes count against the monthly quota (one per
recipient and call). An always-push design sends every one of those messages as a push.
The regional quota adds one complaint digest per KAMR and working day (the worst case) and one
weekly quota digest per KAMR, for the given number of accounts, KAMRs and interactions per
account and month.

Then a feeder incident (issue 16) over --incident-accounts accounts (one contact each): opened,
updated once and restored, through the operations, the LINE notifier, the sender and the stand-in.
LINE bills multicast per recipient like push, so the messages are the same; the API calls are not:
multicast takes up to 500 ids a call, one push per contact takes one call each. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlmodel import SQLModel  # noqa: E402

from bot.config import parse_config  # noqa: E402
from bot.demo.line_standin import LineStandIn  # noqa: E402
from conftest import Bot  # noqa: E402
from line_wire import SECRET, TOKEN  # noqa: E402
from jobs.escalation import escalate_unacknowledged  # noqa: E402
from bot.line.notifier import notifier_for  # noqa: E402
from jobs.scheduler import run_job  # noqa: E402
from storage.db import make_engine  # noqa: E402

WORKING_DAYS_PER_MONTH = 22
WEEKS_PER_MONTH = 4.35


def buttons(message: dict) -> dict[str, str]:
    """Label → postback data of a LINE message's quick replies and card buttons."""
    actions = [item["action"] for item in message.get("quickReply", {}).get("items", [])]
    actions += [b["action"] for b in message.get("contents", {}).get("footer", {}).get("contents", [])]
    return {a["label"]: a.get("data", a.get("text", "")) for a in actions}


def press(bot: Bot, user: str, label: str) -> None:
    """Tap the button with this label on the latest message to the user that has one."""
    bot.tap(user, next(buttons(m)[label] for m in reversed(bot.line.messages_to(user)) if label in buttons(m)))


def journeys(bot: Bot) -> None:
    # An outage: reported (the account has two sites), joined by a colleague, handled by the KAMR, rated.
    bot.tap("Ucust1", "a=outage")
    press(bot, "Ucust1", "โรงงาน 1")
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    bot.tap("Ucust1", "a=outage.since&v=now")
    bot.tap("Ucust2", "a=outage")
    press(bot, "Ucust2", "โรงงาน 1")
    bot.tap("Ucust2", "a=outage.symptom&v=no_power")
    bot.tap("Ucust2", "a=outage.since&v=now")
    press(bot, "Ukamr1", "รับเรื่อง")
    press(bot, "Ukamr1", "แจ้งความคืบหน้า")
    bot.say("Ukamr1", "ทีมช่างถึงหน้างานแล้ว")
    press(bot, "Ukamr1", "แก้ไขแล้ว")
    press(bot, "Ucust1", "5")
    # An outage nobody acknowledges: escalated to the backup after 15 minutes, who handles it.
    bot.tap("Uhosp", "a=outage")
    bot.tap("Uhosp", "a=outage.symptom&v=low_voltage")
    bot.tap("Uhosp", "a=outage.since&v=now")
    bot.advance(minutes=16)
    run_job(escalate_unacknowledged, bot.engine, bot.config, lambda: bot.now, notifier_for)
    bot.drain()
    press(bot, "Uzone", "รับเรื่อง")
    press(bot, "Uzone", "แก้ไขแล้ว")
    press(bot, "Uhosp", "4")
    # A complaint: filed, answered, acknowledged and rated.
    bot.tap("Ucust1", "a=complaint")
    bot.tap("Ucust1", "a=complaint.topic&v=power_quality")
    bot.say("Ucust1", "ไฟตกบ่อยช่วงบ่าย")
    bot.tap("Ucust1", "a=complaint.done")
    press(bot, "Ukamr1", "ตอบลูกค้า")
    bot.say("Ukamr1", "เปลี่ยนหม้อแปลงแล้วค่ะ")
    press(bot, "Ucust1", "รับทราบคำชี้แจง")
    press(bot, "Ucust1", "5")
    # Everyday taps.
    for user in ("Ucust1", "Ucust2", "Uhosp"):
        bot.tap(user, "a=status")
    bot.tap("Uhosp", "a=contact")


def incident_cost(accounts: int) -> dict:
    """API calls and messages for one feeder incident (notice, update, restoration) to `accounts` contacts."""
    import io

    from handlers.operations import incidents
    from storage.db import session_scope
    from storage.models import Contact, Incident
    from storage.roster import account_by_code
    from storage.roster_import import import_accounts

    url = f"sqlite:///{tempfile.mkdtemp()}/incident.sqlite3"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    line = LineStandIn(access_token=TOKEN).start()
    config = parse_config({"line": {"channel_secret": SECRET, "channel_access_token": TOKEN, "api_host": line.url},
                           "database": {"url": url}})
    bot = Bot(config, engine, line)
    bot.seed_roster()
    rows = "\n".join(f"B{n:04d},บริษัท {n},star,PEA-N1,K001,โรงงาน@BENCH-01" for n in range(accounts))
    with session_scope(engine) as session:
        import_accounts(session, io.StringIO("account_code,name,tier,office,kamr,sites\n" + rows + "\n"))
        for n in range(accounts):
            session.add(Contact(account_id=account_by_code(session, f"B{n:04d}").id, line_user_id=f"Ub{n:04d}"))
    steps = (lambda s, n: incidents.open_incident(s, now=bot.now, actor=None, channel="cli", notifier=n,
                                                  feeders=["BENCH-01"], cause="กำลังตรวจสอบ"),
             lambda s, n: incidents.update_incident(s, s.get(Incident, 1), now=bot.now, actor=None, notifier=n,
                                                    cause="ต้นไม้ล้มทับสาย"),
             lambda s, n: incidents.restore_incident(s, s.get(Incident, 1), now=bot.now, actor=None, notifier=n))
    try:
        for step in steps:
            with session_scope(engine) as session:
                step(session, notifier_for(session, bot.now))
            while bot.sender.send_due():
                pass
    finally:
        bot.sender.close()
        line.stop()
    calls = [c for c in line.calls if c.kind in ("push", "multicast") and c.status == 200]
    delivered = sum(len(d["messages"]) * len(d["to"]) for d in line.multicasts) + \
        sum(len(p["messages"]) for p in line.pushes)
    return {"accounts": accounts, "contacts": accounts, "notices": len(steps),
            "api_calls": len(calls), "multicast_calls": len(line.multicasts), "push_calls": len(line.pushes),
            "messages_delivered": delivered,
            "one_push_per_contact": {"api_calls": accounts * len(steps) + len(line.pushes),
                                     "messages_delivered": delivered}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=400, help="key accounts in the region")
    parser.add_argument("--kamrs", type=int, default=40, help="KAMRs in the region")
    parser.add_argument("--interactions", type=float, default=8, help="interactions per account and month")
    parser.add_argument("--incident-accounts", type=int, default=300, help="accounts on the feeder of the incident")
    args = parser.parse_args()

    url = f"sqlite:///{tempfile.mkdtemp()}/cost.sqlite3"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    line = LineStandIn(access_token=TOKEN).start()
    config = parse_config({"line": {"channel_secret": SECRET, "channel_access_token": TOKEN, "api_host": line.url},
                           "database": {"url": url}})
    bot = Bot(config, engine, line)
    bot.seed_roster()
    for user, kwargs in (("Ucust1", {"account": "A100"}), ("Ucust2", {"account": "A100"}),
                         ("Uhosp", {"account": "A200"}), ("Ukamr1", {"staff": "K001"}), ("Uzone", {"staff": "Z001"}),
                         ("Ukamr2", {"staff": "K002"})):
        bot.link(user, **kwargs)
    line.reset()
    interactions = 0
    send = bot.send

    def counted(event: dict):
        nonlocal interactions
        interactions += 1
        return send(event)

    bot.send = counted
    try:
        journeys(bot)
    finally:
        bot.sender.close()
        line.stop()

    replies, pushes = len(line.replies), len(line.pushes)
    per_100 = 100 * pushes / interactions
    always_per_100 = 100 * (replies + pushes) / interactions
    monthly_interactions = args.accounts * args.interactions
    digests = args.kamrs * (WORKING_DAYS_PER_MONTH + WEEKS_PER_MONTH)
    print(json.dumps({
        "benchmark": "line_cost", "interactions": interactions, "replies": replies, "pushes": pushes,
        "pushes_per_100_interactions": round(per_100, 1),
        "always_push_per_100_interactions": round(always_per_100, 1),
        "region": {"accounts": args.accounts, "kamrs": args.kamrs, "interactions_per_account_month": args.interactions,
                   "monthly_pushes": round(monthly_interactions * per_100 / 100 + digests),
                   "monthly_pushes_always_push": round(monthly_interactions * always_per_100 / 100 + digests),
                   "of_which_digests": round(digests)},
        "feeder_incident": incident_cost(args.incident_accounts),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
