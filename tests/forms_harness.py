"""Shared by the Google Forms tests: the Sheets stand-in, a throwaway service-account key, a config with forms."""
from __future__ import annotations

import json
from datetime import datetime

from bot.config import Config, parse_config
from sheets_standin import SheetsStandIn
from bot.forms.poll import PollReport, poll_forms
from bot.line.notifier import notifier_for

OUTAGE_HEADER = ["ประทับเวลา", "รหัสบัญชี", "สถานที่", "อาการ", "เริ่มเมื่อ", "รายละเอียด", "ชื่อผู้แจ้ง", "เบอร์โทร"]
OUTAGE_FIELDS = {"สถานที่": "site", "อาการ": "symptom", "เริ่มเมื่อ": "started_at", "รายละเอียด": "details",
                 "ชื่อผู้แจ้ง": "reporter_name", "เบอร์โทร": "phone"}
COMPLAINT_HEADER = ["ประทับเวลา", "ที่อยู่อีเมล", "เรื่อง", "รายละเอียด", "เบอร์โทร"]
COMPLAINT_FIELDS = {"เรื่อง": "topic", "รายละเอียด": "details", "เบอร์โทร": "phone"}


def forms_config(base: Config, sheets: SheetsStandIn, tmp_path, *, coordinator: str = "", forms=None) -> Config:
    key_file = tmp_path / "service-account.json"
    if not key_file.exists():
        key_file.write_text(json.dumps(sheets.service_account_info()))
    data = base.model_dump(mode="json")
    data["sheets"] = {"service_account_file": str(key_file), "api_base_url": sheets.url,
                      "coordinator_spreadsheet": coordinator, "backoff_base_seconds": 0, "max_attempts": 3}
    data["forms"] = forms if forms is not None else [
        {"key": "outage", "spreadsheet": "OUTAGE-SHEET", "tab": "การตอบแบบฟอร์ม 1", "intent": "outage",
         "account_column": "รหัสบัญชี", "account_kind": "account_code", "fields": OUTAGE_FIELDS},
        {"key": "complaint", "spreadsheet": "COMPLAINT-SHEET", "tab": "การตอบแบบฟอร์ม 1", "intent": "complaint",
         "account_column": "ที่อยู่อีเมล", "account_kind": "email", "fields": COMPLAINT_FIELDS},
    ]
    return parse_config(data)


def poll(bot, config: Config) -> PollReport:
    report = poll_forms(bot.engine, config, now=bot.now, notifier_for=notifier_for)
    bot.drain()
    return report


def at(hour: int, minute: int, second: int = 0, day: int = 23) -> datetime:
    """A Bangkok wall-clock time in November 2026, as the sheet holds it."""
    return datetime(2026, 11, day, hour, minute, second)
