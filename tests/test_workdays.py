"""Working-day clock, checked against the real holidays package data (0.109).

Facts relied on (TH, PUBLIC + GOVERNMENT, 2025-2027):
  2025-12-31 Wed New Year's Eve, 2026-01-01 Thu New Year's Day,
  2026-01-02 Fri one-off cabinet bridge day "วันหยุดพิเศษ (เพิ่มเติม)",
  2026-04-13..15 Mon-Wed Songkran (no substitution day in 2026),
  2026-05-31 Sun Visakha Bucha -> 2026-06-01 Mon "ชดเชยวันวิสาขบูชา",
  2026-06-03 Wed Queen Suthida's birthday,
  2026-12-05 Sat Father's Day -> 2026-12-07 Mon substitution, 2026-12-10 Thu Constitution Day,
  2026-12-31 Thu New Year's Eve, 2027-01-01 Fri New Year's Day.
"""

from datetime import date, datetime, time, timezone

import pytest

from handlers.thai_dates import BANGKOK
from handlers.rules.workdays import WorkCalendar, WorkdayResult, holidays_data_end_year


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar()


def bkk(*args):
    """A Bangkok wall-clock time as a UTC-aware datetime, as the store keeps it."""
    return datetime(*args, tzinfo=BANGKOK).astimezone(timezone.utc)


def test_package_facts_we_rely_on(cal):
    assert cal.holiday_name(date(2026, 4, 13)) == "วันสงกรานต์"
    assert cal.holiday_name(date(2026, 4, 15)) == "วันสงกรานต์"
    assert cal.is_working_day(date(2026, 4, 16))
    assert cal.holiday_name(date(2026, 6, 1)) == "ชดเชยวันวิสาขบูชา"
    assert cal.holiday_name(date(2026, 12, 7)).startswith("ชดเชย")
    assert cal.holiday_name(date(2026, 1, 2)) == "วันหยุดพิเศษ (เพิ่มเติม)"
    assert cal.holiday_name(date(2026, 12, 31)) == "วันสิ้นปี"
    assert cal.holiday_name(date(2027, 1, 1)) == "วันขึ้นปีใหม่"
    assert cal.holiday_name(date(2026, 4, 18)) == "วันเสาร์"
    assert cal.holiday_name(date(2026, 4, 19)) == "วันอาทิตย์"
    assert cal.holiday_name(date(2026, 4, 20)) is None
    assert holidays_data_end_year() == 2026


def test_english_names():
    en = WorkCalendar(language="en")
    assert en.holiday_name(date(2026, 4, 13)) == "Songkran Festival"
    assert en.holiday_name(date(2026, 4, 18)) == "Saturday"


@pytest.mark.parametrize("received", [date(2026, 4, 10), date(2026, 4, 11)])
def test_songkran_2026(cal, received):
    r = cal.add_working_days(received, 5)
    assert isinstance(r, WorkdayResult)
    assert r.due == date(2026, 4, 22)
    assert r.due.weekday() == 2  # Wednesday
    assert (date(2026, 4, 13), "วันสงกรานต์") in r.skipped
    assert [d for d, _ in r.skipped if d.weekday() < 5] == [
        date(2026, 4, 13), date(2026, 4, 14), date(2026, 4, 15)]
    assert r.beyond_data is False and r.warnings == []
    assert r.rule.startswith(f"5 working days after {received.isoformat()} (day of receipt not counted")


@pytest.mark.parametrize("received", [
    bkk(2026, 4, 10, 10, 0),   # Friday in office hours
    bkk(2026, 4, 10, 20, 0),   # Friday evening: counts as Saturday, same due date
    bkk(2026, 4, 11, 9, 0),    # Saturday
    bkk(2026, 4, 14, 11, 0),   # Songkran
])
def test_songkran_2026_due_for(cal, received):
    assert cal.due_for(received).due == date(2026, 4, 22)


def test_new_year_2026_with_cabinet_bridge_day(cal):
    # Tue 30 Dec 2025 -> 31 Dec, 1 Jan, 2 Jan (bridge day), weekend skipped.
    r = cal.add_working_days(date(2025, 12, 30), 5)
    assert r.due == date(2026, 1, 9)
    assert r.skipped == [
        (date(2025, 12, 31), "วันสิ้นปี"),
        (date(2026, 1, 1), "วันขึ้นปีใหม่"),
        (date(2026, 1, 2), "วันหยุดพิเศษ (เพิ่มเติม)"),
        (date(2026, 1, 3), "วันเสาร์"),
        (date(2026, 1, 4), "วันอาทิตย์"),
    ]
    assert r.beyond_data is False


def test_new_year_2027_is_beyond_data(cal):
    # Tue 29 Dec 2026: Wed 30 (1), Thu 31 Dec and Fri 1 Jan off, Mon 4..Thu 7 (2..5).
    r = cal.add_working_days(date(2026, 12, 29), 5)
    assert r.due == date(2027, 1, 7)
    assert [d for d, _ in r.skipped] == [
        date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]
    assert r.beyond_data is True
    assert len(r.warnings) == 1 and "2026" in r.warnings[0]


def test_substitution_day_visakha_bucha_2026(cal):
    # Thu 28 May: Fri 29 (1); Sat 30, Sun 31 Visakha Bucha, Mon 1 Jun in lieu;
    # Tue 2 (2); Wed 3 Queen's birthday; Thu 4 (3), Fri 5 (4), Mon 8 (5).
    r = cal.add_working_days(date(2026, 5, 28), 5)
    assert r.due == date(2026, 6, 8)
    assert (date(2026, 6, 1), "ชดเชยวันวิสาขบูชา") in r.skipped
    assert (date(2026, 5, 31), "วันวิสาขบูชา") in r.skipped


def test_substitution_day_fathers_day_2026(cal):
    # Fri 4 Dec: Sat 5 Father's Day, Sun 6, Mon 7 in lieu; Tue 8, Wed 9; Thu 10
    # Constitution Day; Fri 11, Mon 14, Tue 15.
    r = cal.add_working_days(date(2026, 12, 4), 5)
    assert r.due == date(2026, 12, 15)
    skipped = dict(r.skipped)
    assert skipped[date(2026, 12, 7)].startswith("ชดเชย")
    assert skipped[date(2026, 12, 10)] == "วันรัฐธรรมนูญ"


def test_weekend_receipt(cal):
    # Sat 25 / Sun 26 Apr 2026 (like Fri 24 in office hours) count from Mon 27:
    # Mon 27 .. Thu 30 (1-4), Fri 1 May Labour Day, weekend, Mon 4 May
    # Coronation Day, Tue 5 May (5).
    for received in (bkk(2026, 4, 25, 9, 0), bkk(2026, 4, 26, 23, 0)):
        r = cal.due_for(received)
        assert r.due == date(2026, 5, 5)
        assert "non-working day" in r.rule
    assert cal.due_for(bkk(2026, 4, 24, 10, 0)).due == date(2026, 5, 5)


def test_after_office_hours(cal):
    in_hours = cal.due_for(bkk(2026, 4, 20, 10, 0))     # Monday 10:00
    after = cal.due_for(bkk(2026, 4, 20, 20, 0))        # Monday 20:00
    assert in_hours.due == date(2026, 4, 27)
    assert after.due == date(2026, 4, 28)
    assert "after office hours (16:30)" in after.rule
    assert "counted as received 2026-04-21" in after.rule
    # exactly at closing time already counts as after hours; a minute before does not
    assert cal.due_for(bkk(2026, 4, 20, 16, 30)).due == date(2026, 4, 28)
    assert cal.due_for(bkk(2026, 4, 20, 16, 29)).due == date(2026, 4, 27)


def test_after_hours_rule_can_be_switched_off():
    strict = WorkCalendar(received_after_hours_counts_next_day=False)
    assert strict.due_for(bkk(2026, 4, 20, 20, 0)).due == date(2026, 4, 27)
    later_close = WorkCalendar(office_close=time(21, 0))
    assert later_close.due_for(bkk(2026, 4, 20, 20, 0)).due == date(2026, 4, 27)


def test_receipt_date_is_bangkok_calendar_date(cal):
    # 18:30 UTC on 21 Apr is 01:30 on 22 Apr in Bangkok
    assert cal.receipt_date(datetime(2026, 4, 21, 18, 30, tzinfo=timezone.utc)) == date(2026, 4, 22)
    assert cal.receipt_date(datetime(2026, 4, 21, 16, 59)) == date(2026, 4, 21)  # naive = UTC
    # Mon 20 Apr 2026 23:30 UTC is Tue 21 Apr 06:30 Bangkok: in time, Tuesday not counted
    r = cal.due_for(datetime(2026, 4, 20, 23, 30, tzinfo=timezone.utc))
    assert r.due == date(2026, 4, 28)


def test_extra_holiday_from_config_shifts_due_date():
    org = WorkCalendar(extra_holidays={date(2026, 4, 20): "วันหยุดองค์กร"})
    r = org.add_working_days(date(2026, 4, 10), 5)
    assert r.due == date(2026, 4, 23)
    assert (date(2026, 4, 20), "วันหยุดองค์กร") in r.skipped
    assert "1 org days" in r.rule


def test_extra_workday_from_config():
    org = WorkCalendar(extra_workdays=[date(2026, 4, 15)])
    assert org.is_working_day(date(2026, 4, 15))
    assert org.add_working_days(date(2026, 4, 10), 5).due == date(2026, 4, 21)
    with pytest.raises(ValueError):
        WorkCalendar(extra_holidays={date(2026, 4, 15): "x"}, extra_workdays=[date(2026, 4, 15)])


def test_beyond_data_far_year(cal):
    r = cal.add_working_days(date(2031, 3, 2), 5)
    assert r.due == date(2031, 3, 10)  # Fri 7 Mar 2031 Makha Bucha skipped
    assert r.beyond_data is True
    assert r.warnings and "ends in 2026" in r.warnings[0]
    assert "วันหยุดพิเศษ" in r.warnings[0]


def test_data_end_year_can_be_raised_by_config():
    cal = WorkCalendar(data_end_year=2031)
    assert cal.add_working_days(date(2031, 3, 2), 5).beyond_data is False


def test_zero_and_negative_n(cal):
    assert cal.add_working_days(date(2026, 4, 10), 0).due == date(2026, 4, 10)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 4, 10), -1)


def test_next_working_day(cal):
    assert cal.next_working_day(date(2026, 4, 10)) == date(2026, 4, 16)
    assert cal.next_working_day(date(2026, 4, 16)) == date(2026, 4, 17)
    assert cal.next_working_day(date(2026, 4, 16), include_today=True) == date(2026, 4, 16)
    assert cal.next_working_day(date(2026, 4, 12), include_today=True) == date(2026, 4, 16)


def test_working_days_between(cal):
    assert cal.working_days_between(date(2026, 4, 10), date(2026, 4, 22)) == 5
    assert cal.working_days_between(date(2026, 4, 22), date(2026, 4, 10)) == -5
    assert cal.working_days_between(date(2026, 4, 20), date(2026, 4, 20)) == 0
    assert cal.working_days_between(date(2026, 4, 20), date(2026, 4, 22)) == 2
    assert cal.working_days_between(date(2026, 4, 11), date(2026, 4, 12)) == 0
    # consistent with add_working_days
    for start in (date(2025, 12, 30), date(2026, 5, 28), date(2026, 12, 4)):
        assert cal.working_days_between(start, cal.add_working_days(start, 5).due) == 5


def test_the_after_hours_cut_off_is_the_organisations_configured_choice(tmp_path):
    """Issue 17: 16:30 is not in the manuals; [complaints] office_close and the switch decide it."""
    from bot.config import ConfigError, Config, load_config
    from handlers.rules.workdays import calendar_from_config

    monday_1700 = bkk(2026, 4, 20, 17, 0)
    assert calendar_from_config(Config()).due_for(monday_1700).due == date(2026, 4, 28)  # default 16:30
    path = tmp_path / "kambot.toml"
    path.write_text('[complaints]\noffice_close = "17:30"\n', encoding="utf-8")
    assert calendar_from_config(load_config(path)).due_for(monday_1700).due == date(2026, 4, 27)
    path.write_text("[complaints]\nreceived_after_hours_counts_next_day = false\n", encoding="utf-8")
    assert calendar_from_config(load_config(path)).due_for(bkk(2026, 4, 20, 23, 0)).due == date(2026, 4, 27)
    path.write_text('[complaints]\noffice_close = "4.30pm"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "complaints.office_close" in str(error.value) and "HH:MM" in str(error.value)
