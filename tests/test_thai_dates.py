from datetime import date, datetime, timezone

import pytest

from handlers.thai_dates import (
    BANGKOK,
    bangkok_today,
    format_date,
    format_datetime,
    format_weekday_date,
    parse_thai_date,
    to_bangkok,
)


def test_format_date():
    assert format_date(date(2026, 4, 22)) == "22 เม.ย. 2569"
    assert format_date(date(2026, 4, 22), "en") == "22 Apr 2026"
    assert format_date(date(2027, 1, 1)) == "1 ม.ค. 2570"
    assert format_date(date(2026, 12, 31)) == "31 ธ.ค. 2569"


def test_format_date_of_datetime_uses_bangkok_date():
    late_utc = datetime(2026, 4, 21, 18, 30, tzinfo=timezone.utc)
    assert format_date(late_utc) == "22 เม.ย. 2569"
    assert format_date(datetime(2026, 4, 21, 18, 30)) == "22 เม.ย. 2569"  # naive = UTC
    assert format_date(datetime(2026, 4, 21, 16, 59, tzinfo=timezone.utc)) == "21 เม.ย. 2569"


def test_format_datetime():
    assert format_datetime(datetime(2026, 4, 21, 18, 30, tzinfo=timezone.utc)) == "22 เม.ย. 2569 01:30 น."
    assert format_datetime(datetime(2026, 4, 22, 7, 30, tzinfo=timezone.utc)) == "22 เม.ย. 2569 14:30 น."
    assert format_datetime(datetime(2026, 4, 22, 7, 30, tzinfo=timezone.utc), "en") == "22 Apr 2026 14:30"
    assert format_datetime(datetime(2026, 4, 22, 14, 30, tzinfo=BANGKOK)) == "22 เม.ย. 2569 14:30 น."
    # year boundary: 31 Dec 2026 17:05 UTC is New Year's Day in Bangkok
    assert format_datetime(datetime(2026, 12, 31, 17, 5)) == "1 ม.ค. 2570 00:05 น."


def test_format_weekday_date():
    assert format_weekday_date(date(2026, 4, 22)) == "วันพุธที่ 22 เม.ย. 2569"
    assert format_weekday_date(date(2026, 4, 22), "en") == "Wed 22 Apr 2026"
    assert format_weekday_date(date(2026, 4, 16)) == "วันพฤหัสบดีที่ 16 เม.ย. 2569"
    assert format_weekday_date(datetime(2026, 4, 21, 18, 30, tzinfo=timezone.utc)) == "วันพุธที่ 22 เม.ย. 2569"


def test_to_bangkok_and_today():
    assert to_bangkok(datetime(2026, 4, 21, 18, 30)).hour == 1
    assert to_bangkok(datetime(2026, 4, 21, 18, 30, tzinfo=timezone.utc)).utcoffset().total_seconds() == 7 * 3600
    assert bangkok_today(datetime(2026, 4, 21, 18, 30, tzinfo=timezone.utc)) == date(2026, 4, 22)
    assert bangkok_today(datetime(2026, 4, 21, 16, 59, tzinfo=timezone.utc)) == date(2026, 4, 21)


def test_bangkok_today_default_now():
    import time_machine

    with time_machine.travel(datetime(2026, 4, 21, 18, 30, tzinfo=timezone.utc), tick=False):
        assert bangkok_today() == date(2026, 4, 22)


@pytest.mark.parametrize("text", [
    "2026-04-22",
    "22/4/2569",
    "22/04/2026",
    "22-04-2026",
    "22.4.2569",
    "22 เม.ย. 2569",
    "22 เมย 2569",
    "22 เม.ย.2569",
    "22เม.ย.2569",
    "22 เมษายน 2569",
    "22 เมษายน พ.ศ. 2569",
    "วันพุธที่ 22 เม.ย. 2569",
    "๒๒ เม.ย. ๒๕๖๙",
    "22 Apr 2026",
    "22 april 2026",
    "  22/4/2569 ",
])
def test_parse_thai_date(text):
    assert parse_thai_date(text) == date(2026, 4, 22)


@pytest.mark.parametrize("text, expected", [
    ("1 ม.ค. 2570", date(2027, 1, 1)),
    ("31 ธันวาคม 2569", date(2026, 12, 31)),
    ("5 ก.พ. 2569", date(2026, 2, 5)),
    ("29 กุมภาพันธ์ 2567", date(2024, 2, 29)),
    ("1 มี.ค. 2569", date(2026, 3, 1)),
    ("14 พฤศจิกายน 2569", date(2026, 11, 14)),
    ("14 พ.ย. 2569", date(2026, 11, 14)),
    ("7 ก.ค. 2569", date(2026, 7, 7)),
    ("7 มิ.ย. 2569", date(2026, 6, 7)),
])
def test_parse_thai_date_months(text, expected):
    assert parse_thai_date(text) == expected


@pytest.mark.parametrize("text", [
    "", "hello", "พรุ่งนี้", "31/2/2569", "32/1/2026", "22/13/2026", "22 ฟฟฟ 2569",
    "2026-13-01", "22/04/3000", "22 เม.ย.", None,
])
def test_parse_thai_date_nonsense(text):
    assert parse_thai_date(text) is None


@pytest.mark.parametrize("text", ["15 ธ.ค. 69", "15/12/69", "15-12-69", "๑๕ ธ.ค. ๖๙", "วันอังคารที่ 15 ธ.ค. 69"])
def test_two_digit_years_are_the_buddhist_eras(text):
    assert parse_thai_date(text) == date(2026, 12, 15)


@pytest.mark.parametrize("text, ahead", [("วันนี้", 0), ("พรุ่งนี้", 1), (" มะรืนนี้ ", 2), ("มะรืน", 2),
                                         ("Tomorrow", 1)])
def test_relative_words_count_from_today(text, ahead):
    today = date(2026, 12, 31)
    assert parse_thai_date(text, today) == date.fromordinal(today.toordinal() + ahead)
    assert parse_thai_date(text) is None  # without a today there is nothing to count from


def test_round_trip():
    for d in (date(2026, 1, 1), date(2026, 4, 22), date(2026, 12, 31)):
        assert parse_thai_date(format_date(d)) == d
        assert parse_thai_date(format_date(d, "en")) == d
        assert parse_thai_date(format_weekday_date(d)) == d
