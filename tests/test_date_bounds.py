"""Issue 14 item 7: pickers carry initial/min/max, and the server refuses the same out-of-bounds
values typed or forged (a year-1 start no longer crashes; a KAMR cannot propose a date in 2200)."""
from __future__ import annotations


def _pickers(message):
    actions = [i["action"] for i in message.get("quickReply", {}).get("items", [])]
    if message.get("type") == "flex":
        actions += [b["action"] for b in message["contents"].get("footer", {}).get("contents", [])]
    return [a for a in actions if a["type"] == "datetimepicker"]


def test_the_outage_start_picker_is_bounded_and_a_year_one_start_is_refused(org):
    bot = org  # Monday 23 Nov 2026, 10:00 in Bangkok
    bot.tap("Ucust1", "a=outage")
    bot.tap("Ucust1", bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"])
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    (picker,) = _pickers(bot.last_to("Ucust1"))
    assert (picker["initial"], picker["min"], picker["max"]) == ("2026-11-23T10:00", "2026-11-16T10:00",
                                                                 "2026-11-23T10:00")
    for forged in ("0001-01-01T00:00", "2026-10-01T09:00", "garbage"):
        bot.tap("Ucust1", "a=outage.since&v=pick", datetime=forged)
        assert bot.last_to("Ucust1")["text"].startswith("ไม่เข้าใจเวลาที่พิมพ์ค่ะ")
    bot.tap("Ucust1", "a=outage.since&v=pick", datetime="2026-11-23T09:15")
    assert bot.only_ticket().started_at.isoformat() == "2026-11-23T02:15:00+00:00"


def test_service_dates_from_tomorrow_to_180_days_for_the_customer_and_the_kamr(org):
    bot = org
    bot.tap("Ucust1", "a=service")
    bot.tap("Ucust1", "a=service.pick&c=FMS2")
    (picker,) = _pickers(bot.last_to("Ucust1"))
    assert (picker["initial"], picker["min"], picker["max"]) == ("2026-11-24", "2026-11-24", "2027-05-22")
    bot.tap("Ucust1", "a=service.date", date="2026-12-01")
    card = bot.last_to("Ukamr1")
    (propose,) = _pickers(card)
    assert (propose["min"], propose["max"]) == ("2026-11-24", "2027-05-22")

    bot.tap("Ukamr1", propose["data"], date="2200-01-01")
    assert bot.last_to("Ukamr1")["text"] == "กรุณาเลือกวันที่ตั้งแต่ 24 พ.ย. 2569 ถึง 22 พ.ค. 2570 ค่ะ"
    bot.tap("Ukamr1", propose["data"], date="0001-01-01")
    assert bot.last_to("Ukamr1")["text"].startswith("กรุณาเลือกวันที่ตั้งแต่")
    ticket = bot.only_ticket()
    assert (ticket.status, ticket.scheduled_date) == ("open", None)
    bot.tap("Ukamr1", f"{propose['data']}&d=2200-01-01&h=1000")  # a forged time button: its date is checked too
    assert bot.last_to("Ukamr1")["text"].startswith("กรุณาเลือกวันที่ตั้งแต่")
    bot.tap("Ukamr1", propose["data"], date="2026-12-03")
    assert bot.only_ticket().status == "open"  # a date, then a time (issue 21)
    bot.tap("Ukamr1", f"{propose['data']}&d=2026-12-03&h=2500")  # not a time: the times are offered again
    assert bot.last_to("Ukamr1")["text"].startswith("เลือกเวลานัด")
    bot.tap("Ukamr1", f"{propose['data']}&d=2026-12-03&h=1000")
    assert bot.only_ticket().status == "proposed"


def test_the_visit_date_picker_holds_the_visit_rule(org):
    bot = org
    bot.tap("Ukamr1", "a=visit")
    bot.tap("Ukamr1", bot.last_to("Ukamr1")["quickReply"]["items"][0]["action"]["data"])
    (picker,) = _pickers(bot.last_to("Ukamr1"))
    assert (picker["initial"], picker["min"], picker["max"]) == ("2026-11-23", "2026-09-24", "2027-11-23")
    bot.tap("Ukamr1", "a=visit.date", date="2200-01-01")
    assert bot.last_to("Ukamr1")["text"].startswith("กรุณาเลือกวันที่ตั้งแต่ 24 ก.ย. 2569")
