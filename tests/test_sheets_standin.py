"""The Sheets stand-in behaves like the API where our code depends on it, seen through real gspread."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from gspread.exceptions import APIError
from gspread.utils import DateTimeOption, ValueRenderOption

from bot.config import SheetsConfig
from bot.forms import sheets as gateway


@pytest.fixture
def client(sheets, tmp_path):
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps(sheets.service_account_info()))
    return gateway.open_client(SheetsConfig(service_account_file=str(key_file), api_base_url=sheets.url,
                                            backoff_base_seconds=0))


@pytest.fixture
def book(sheets):
    book = sheets.add_spreadsheet("BOOK", locale="th_TH", timezone="Asia/Bangkok")
    book.add_tab("ข้อมูล", [["เวลา", "โทร", "จำนวน", "", ""], [datetime(2026, 11, 23, 9, 40), "0812345678", 12.0, "", ""],
                            ["", "", "", "", ""]])
    return book


def test_render_options_like_google(client, book):
    sheet = client.open_by_key("BOOK").worksheet("ข้อมูล")
    assert sheet.get_values() == [["เวลา", "โทร", "จำนวน"], ["23/11/2569 9:40:00", "0812345678", "12"]]
    serial, phone, count = sheet.get_values(value_render_option=ValueRenderOption.unformatted,
                                            date_time_render_option=DateTimeOption.serial_number)[1]
    assert (serial, phone, count) == (pytest.approx(46349 + (9 * 60 + 40) / 1440), "0812345678", 12.0)
    assert sheet.get_values(value_render_option=ValueRenderOption.unformatted,
                            date_time_render_option=DateTimeOption.formatted_string)[1][0] == "23/11/2569 9:40:00"
    batch = client.open_by_key("BOOK").values_batch_get(["'ข้อมูล'!A1:A2", "'ข้อมูล'!B2"])
    assert [r["values"] for r in batch["valueRanges"]] == [[["เวลา"], ["23/11/2569 9:40:00"]], [["0812345678"]]]


def test_writes_past_the_grid_are_refused_and_tabs_are_unique(client, sheets):
    book = sheets.add_spreadsheet("SMALL")
    book.add_tab("t", row_count=2, column_count=2)
    spreadsheet = client.open_by_key("SMALL")
    with pytest.raises(APIError, match="exceeds grid limits"):
        spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": [{"range": "'t'!A1", "values": [["a"]] * 3}]})
    with pytest.raises(APIError, match="already exists"):
        spreadsheet.add_worksheet("t", rows=5, cols=5)
    assert book.tab("t").rows == []


def test_a_key_the_server_did_not_issue_is_refused(sheets, tmp_path, book):
    from sheets_standin import SheetsStandIn

    other = SheetsStandIn()  # never started: only its key generator is used
    key_file = tmp_path / "foreign.json"
    key_file.write_text(json.dumps(other.service_account_info()))
    client = gateway.open_client(SheetsConfig(service_account_file=str(key_file), api_base_url=sheets.url))
    with pytest.raises(Exception) as error:
        client.open_by_key("BOOK")
    assert "invalid_grant" in str(error.value)
    assert "refused the service-account key" in gateway.describe(error.value, "BOOK")
    assert sheets.calls() == []  # no Sheets request got through without a token
