"""Reliability (issue 16 item 6): outages per site, per account, by tier and by office, from the outage
tickets as stored: duration from the ticket's start (its report time when no start was given) to its
resolution; momentary (flicker) and voltage reports counted apart; area incidents versus single sites."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from handlers.reporting.tables import ALL_OFFICES, Table, rounded
from storage import reliability
from storage.models import TIERS

MOMENTARY, VOLTAGE = "flicker", "low_voltage"  # the outage dialog's symptoms that are not an interruption


@dataclass(frozen=True)
class OutageRecord:
    office: str
    tier: str
    account_code: str
    account_name: str
    site: str  # "" when the report named no site
    feeder: str
    number: str
    symptom: str
    started_at: datetime
    restored_at: datetime | None  # None: not restored (still open)
    incident: str | None  # the area incident's number, None for a single site's outage

    @property
    def interruption(self) -> bool:
        return self.symptom not in (MOMENTARY, VOLTAGE)

    @property
    def minutes(self) -> float | None:
        if self.restored_at is None:
            return None
        return max(0.0, (self.restored_at - self.started_at).total_seconds() / 60)


def load_records(session, start_utc: datetime, end_utc: datetime, *, account_id: int | None = None
                 ) -> list[OutageRecord]:
    return [OutageRecord(account.office, account.tier, account.account_code, account.name, site.name if site else "",
                         site.feeder if site else "", ticket.number, ticket.category,
                         ticket.started_at or ticket.created_at, ticket.resolved_at, incident)
            for ticket, account, site, incident in
            reliability.outages_between(session, start_utc, end_utc, account_id=account_id)]


@dataclass(frozen=True)
class Summary:
    outages: int  # interruptions (no power, other), momentary and voltage reports apart
    restored: int
    total_minutes: float
    momentary: int
    voltage: int
    in_incidents: int  # interruptions that were part of an area incident
    single_site: int

    @property
    def mean_minutes(self) -> float | None:
        return self.total_minutes / self.restored if self.restored else None

    def cells(self) -> list:
        return [self.outages, self.restored, rounded(self.total_minutes, 1), rounded(self.mean_minutes, 1),
                self.momentary, self.voltage, self.in_incidents, self.single_site]


def summarise(records: Iterable[OutageRecord]) -> Summary:
    records = list(records)
    interruptions = [r for r in records if r.interruption]
    minutes = [m for m in (r.minutes for r in interruptions) if m is not None]
    joined = sum(r.incident is not None for r in interruptions)
    return Summary(len(interruptions), len(minutes), sum(minutes), sum(r.symptom == MOMENTARY for r in records),
                   sum(r.symptom == VOLTAGE for r in records), joined, len(interruptions) - joined)


FIGURES = ["outages", "restored", "outage_minutes_total", "outage_minutes_mean", "momentary", "voltage",
           "in_incidents", "single_site"]
FIGURE_LABELS = ["ไฟดับ (ครั้ง)", "ไฟมาแล้ว (ครั้ง)", "รวมเวลาไฟดับ (นาที)", "เฉลี่ยต่อครั้ง (นาที)",
                 "ไฟกระพริบ (ครั้ง)", "แรงดันผิดปกติ (ครั้ง)", "ในเหตุทั้งฟีดเดอร์", "เฉพาะสถานที่"]


def _mine(records: list[OutageRecord], office: str | None) -> list[OutageRecord]:
    return [r for r in records if office is None or r.office == office]


def reliability_table(records: list[OutageRecord], office: str | None) -> Table:
    """By office and tier ("all" first), then the organisation's rows when there is more than one office."""
    records = _mine(records, office)
    scopes: dict[str, list[OutageRecord]] = defaultdict(list)
    for record in records:
        scopes[record.office].append(record)
    scopes = {key: scopes[key] for key in sorted(scopes)}
    if len(scopes) > 1:
        scopes[ALL_OFFICES] = records
    rows = []
    for scope, items in scopes.items():
        rows.append([scope, "all", *summarise(items).cells()])
        rows += [[scope, tier, *summarise(r for r in items if r.tier == tier).cells()]
                 for tier in TIERS if any(r.tier == tier for r in items)]
    return Table("reliability", "ความเชื่อถือได้ของระบบไฟฟ้า: ไฟดับตามกลุ่มลูกค้าและสำนักงาน",
                 ["office", "tier", *FIGURES], ["สำนักงาน", "กลุ่มลูกค้า", *FIGURE_LABELS], rows)


def by_account_table(records: list[OutageRecord], office: str | None) -> Table:
    groups: dict[tuple, list[OutageRecord]] = defaultdict(list)
    for record in _mine(records, office):
        groups[(record.office, record.account_code, record.account_name, record.tier)].append(record)
    rows = [[*key, *summarise(items).cells()] for key, items in sorted(groups.items())]
    return Table("reliability_accounts", "ไฟดับรายลูกค้า", ["office", "account_code", "account_name", "tier", *FIGURES],
                 ["สำนักงาน", "รหัสบัญชี", "ลูกค้า", "กลุ่มลูกค้า", *FIGURE_LABELS], rows)


def by_site_table(records: list[OutageRecord], office: str | None) -> Table:
    groups: dict[tuple, list[OutageRecord]] = defaultdict(list)
    for record in _mine(records, office):
        groups[(record.office, record.account_code, record.site, record.feeder)].append(record)
    rows = [[*key, *summarise(items).cells()] for key, items in sorted(groups.items())]
    return Table("reliability_sites", "ไฟดับรายสถานที่", ["office", "account_code", "site", "feeder", *FIGURES],
                 ["สำนักงาน", "รหัสบัญชี", "สถานที่", "ฟีดเดอร์", *FIGURE_LABELS], rows)
