"""One TOML file, validated at start; every error names the key that is wrong."""
from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

DEFAULT_DB_URL = "sqlite:///var/kambot.sqlite3"


class ConfigError(Exception):
    """Raised with a message that names the offending key."""


def _repeated(values) -> list[str]:
    """The values that occur more than once, sorted."""
    counts = Counter(values)
    return sorted(value for value, count in counts.items() if count > 1)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineConfig(_Section):
    channel_secret: str = ""
    channel_access_token: str = ""
    api_host: str | None = None
    # Seconds per LINE API call (connect, read); LINE asks for replies within seconds.
    connect_timeout: float = Field(default=3.0, gt=0)
    read_timeout: float = Field(default=10.0, gt=0)
    # Loading animation (bot/line/loading.py): shown to someone whose event has waited this many
    # seconds unanswered (0: never), for loading_seconds at most (LINE allows 5 to 60).
    loading_after_seconds: float = Field(default=2.0, ge=0)
    loading_seconds: int = Field(default=20, ge=5, le=60)
    # The month's message allowance (issue 18): read daily at quota_check_time (Bangkok); these staff
    # codes are warned on LINE once a month at each of quota_warn_percents; from quota_hold_percent on,
    # routine pushes (digests, reminders, review summaries, rating requests) wait in the outbox.
    administrators: list[str] = []
    quota_check_time: str = "07:45"
    quota_warn_percents: list[int] = [80, 95]
    quota_hold_percent: float = Field(default=95, gt=0, le=100)

    @field_validator("quota_check_time")
    @classmethod
    def _quota_check_time(cls, value: str) -> str:
        return RemindersConfig._hh_mm(value)

    @field_validator("quota_warn_percents")
    @classmethod
    def _percents(cls, values: list[int]) -> list[int]:
        if any(not 0 < value <= 100 for value in values):
            raise ValueError("each must be a percentage from 1 to 100")
        return sorted(set(values))

    @field_validator("loading_seconds")
    @classmethod
    def _five_second_steps(cls, seconds: int) -> int:
        if seconds % 5:
            raise ValueError("must be a multiple of 5 (LINE's steps)")
        return seconds

    @property
    def missing(self) -> list[str]:
        return [f"line.{k}" for k in ("channel_secret", "channel_access_token") if not getattr(self, k)]


class DatabaseConfig(_Section):
    url: str = DEFAULT_DB_URL

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if not url.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return url


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    threads: int = Field(default=8, ge=1, le=256)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    # The address LINE and people reach this server at (https://…): photos sent on to staff and
    # links in the coordinator sheet point here. Empty: media are kept but not linked.
    public_url: str = ""

    @field_validator("public_url")
    @classmethod
    def _https(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        local = url.startswith(("http://127.0.0.1", "http://localhost"))  # the demo and tests
        if url and not (url.startswith("https://") or local):
            raise ValueError("must start with https:// (LINE fetches images only over HTTPS)")
        return url
    # `kambot worker` looks for events stored by web-only servers this often (seconds).
    inbox_poll_seconds: float = Field(default=0.05, gt=0, le=5)
    # A request's headers and body must arrive within this many seconds of its first byte, or the
    # connection is closed: slow clients cannot hold the server's threads.
    request_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # /healthz shows inbox and outbox counts only to loopback (not forwarded by a proxy), or to a
    # request with "Authorization: Bearer <this token>". Empty: loopback only.
    health_token: str = ""


class MediaConfig(_Section):
    max_bytes: int = Field(default=20_000_000, ge=10_000)
    # What is kept; anything else is refused with a message to the sender.
    allowed_types: list[str] = ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "audio/m4a",
                                "audio/mp4", "audio/x-m4a", "audio/aac", "audio/mpeg", "application/pdf",
                                "application/msword", "application/vnd.ms-excel",
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/plain",
                                "application/octet-stream"]
    max_attempts: int = Field(default=8, ge=1, le=50)
    backoff_base_seconds: float = Field(default=5, gt=0)
    preview_max_pixels: int = Field(default=480, ge=64, le=1024)
    concurrency: int = Field(default=8, ge=1, le=64)


class BotConfig(_Section):
    language: str = "th"
    timezone: str = "Asia/Bangkok"
    conversation_timeout_minutes: int = Field(default=30, ge=1)
    cancel_words: list[str] = ["ยกเลิก", "cancel"]
    link_code_ttl_hours: int = Field(default=72, ge=1)
    link_attempts_per_hour: int = Field(default=5, ge=1)

    @property
    def conversation_timeout(self) -> timedelta:
        return timedelta(minutes=self.conversation_timeout_minutes)

    @property
    def link_code_ttl(self) -> timedelta:
        return timedelta(hours=self.link_code_ttl_hours)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {zone!r} (a name like Asia/Bangkok)") from None
        return zone

    @field_validator("language")
    @classmethod
    def _supported(cls, lang: str) -> str:
        if lang not in ("th", "en"):
            raise ValueError("must be 'th' or 'en'")
        return lang


# --- issue 15: the escalation chain ------------------------------------------------------------
# What a level of the chain may name: the KAMR's backup, or a role asked in the account's office and
# then its zone (the role names of storage.models.STAFF_ROLES; "kamr" is level 0, so naming it loops).
ESCALATION_STEPS = ("backup", "zone_kamr", "senior_kamr", "dept_head", "office_manager", "zone_director",
                    "deputy_governor")


class EscalationLevel(_Section):
    """One level after the KAMR: who (the first of these roles found on LINE) and how long they have."""

    step: list[str]
    wait_minutes: int = Field(default=15, ge=1)

    @field_validator("step", mode="before")
    @classmethod
    def _one_or_many(cls, step):
        return [step] if isinstance(step, str) else step

    @field_validator("step")
    @classmethod
    def _known_roles(cls, step: list[str]) -> list[str]:
        if not step:
            raise ValueError("names no role")
        for role in step:
            if role == "kamr":
                raise ValueError("'kamr' is level 0 (the account's KAMR): naming it again makes the chain loop")
            if role not in ESCALATION_STEPS:
                raise ValueError(f"{role!r} is not a role the chain knows (one of {', '.join(ESCALATION_STEPS)})")
        return step


DEFAULT_ESCALATION_LEVELS = [  # manual 001 §4.12.5, §4.14.4: office KAMR, zone KAMR, senior KAMR or head, manager
    EscalationLevel(step=["backup"], wait_minutes=15),
    EscalationLevel(step=["zone_kamr"], wait_minutes=15),
    EscalationLevel(step=["senior_kamr", "dept_head"], wait_minutes=15),
    EscalationLevel(step=["office_manager"], wait_minutes=30),
]


class EscalationConfig(_Section):
    outage_ack_minutes: int = Field(default=15, ge=1)
    check_every_seconds: int = Field(default=60, ge=5)
    levels: list[EscalationLevel] = DEFAULT_ESCALATION_LEVELS

    @field_validator("levels")
    @classmethod
    def _no_loop(cls, levels: list[EscalationLevel]) -> list[EscalationLevel]:
        seen: dict[str, int] = {}
        for number, level in enumerate(levels, start=1):
            for role in level.step:
                if role in seen:
                    raise ValueError(f"level {number} names {role!r} again (level {seen[role]}): the chain would loop")
                seen[role] = number
        return levels

    def wait_at(self, level: int) -> int:
        """Minutes level `level` (0 the KAMR) has to acknowledge before the next one is called."""
        return self.outage_ack_minutes if level == 0 else self.levels[level - 1].wait_minutes


_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class FirstAnswerConfig(_Section):
    """A clock on every service request and every message relayed to a KAMR (issue 15): the KAMR answers
    (books, proposes or declines a service; [ตอบกลับ] a message) within so many working hours, counted
    in office hours on Thai working days ([calendar])."""

    service_working_hours: float = Field(default=8, gt=0, le=200)
    message_working_hours: float = Field(default=4, gt=0, le=200)
    remind_before_minutes: int = Field(default=60, ge=0)
    office_opens: str = "08:30"
    office_closes: str = "16:30"
    check_every_seconds: int = Field(default=300, ge=5)

    @field_validator("office_opens", "office_closes")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not _HH_MM.match(value):
            raise ValueError("must be HH:MM (24-hour)")
        return value

    @model_validator(mode="after")
    def _opens_before_it_closes(self) -> "FirstAnswerConfig":
        if self.office_opens >= self.office_closes:
            raise ValueError(f"first_answer.office_opens ({self.office_opens}) must be before office_closes "
                             f"({self.office_closes})")
        return self


class OutboxConfig(_Section):
    max_attempts: int = Field(default=8, ge=1)
    backoff_base_seconds: float = Field(default=2.0, gt=0)
    backoff_max_seconds: float = Field(default=300.0, gt=0)
    # LINE reply tokens live about a minute; stop trying them a little earlier.
    reply_token_ttl_seconds: int = Field(default=50, ge=1, le=60)
    poll_seconds: float = Field(default=1.0, gt=0)
    # `kambot sender` runs apart from the handlers, which cannot wake it: it looks this often.
    alone_poll_seconds: float = Field(default=0.05, gt=0, le=5)
    # LINE calls in flight at once (to different people; one person's messages stay in order).
    concurrency: int = Field(default=64, ge=1, le=256)
    # A sender owns the messages it took for this long; after a crash another pass takes them again.
    # Short enough that the retake still finds the reply token usable (so a reply that did reach
    # LINE is refused, not pushed a second time), longer than any call can be in flight.
    claim_lease_seconds: float = Field(default=30.0, gt=0)


class InboxConfig(_Section):
    # A webhook event whose handling fails for a passing reason (storage locked, full or
    # disconnected) is tried again after waits doubling from the base up to the maximum, this many
    # times in all (the defaults span about six hours), then kept as failed for the administrator.
    # A failure that is not about storage (a handler's own error) repeats identically: it gets
    # bug_attempts tries.
    max_attempts: int = Field(default=20, ge=1, le=100)
    bug_attempts: int = Field(default=3, ge=1, le=100)
    backoff_base_seconds: float = Field(default=5.0, gt=0)
    backoff_max_seconds: float = Field(default=1800.0, gt=0)


class RetentionConfig(_Section):
    """PDPA: how long data about people is kept (days; 0 keeps it). Purged daily at purge_hour."""

    # Sent and finally failed LINE messages (their texts name people and quote them).
    message_days: int = Field(default=90, ge=0)
    # Webhook events that failed or were quarantined keep their body this long (handled ones keep none).
    event_days: int = Field(default=30, ge=0)
    # Dialogs left unfinished.
    conversation_days: int = Field(default=30, ge=0)
    # A contact no longer active (removed, or left out of a roster import) is anonymised after this.
    inactive_contact_days: int = Field(default=365, ge=0)
    # Free text of tickets and rating comments (scores, dates and counts stay for the reports).
    record_text_days: int = Field(default=0, ge=0)
    purge_hour: int = Field(default=3, ge=0, le=23)  # Bangkok time (bot.timezone)


class CalendarConfig(_Section):
    extra_holidays: dict[str, str] = {}
    extra_workdays: list[date] = []

    @field_validator("extra_holidays")
    @classmethod
    def _iso_dates(cls, days: dict[str, str]) -> dict[str, str]:
        for key in days:
            try:
                date.fromisoformat(key)
            except ValueError:
                raise ValueError(f"key {key!r} is not a date like 2026-12-30") from None
        return days


class ComplaintsConfig(_Section):
    # VOC 04: the customer acknowledges in LINE; only after this many working days
    # without it may the KAMR close on their behalf (0: at once).
    customer_ack_wait_working_days: int = Field(default=3, ge=0, le=30)
    # The 5-working-day answer clock (001 flow chart; 002 §3.2): a complaint received on a working day at or
    # after office_close (Bangkok) counts as received the next day, when received_after_hours_counts_next_day.
    # The manuals do not set a cut-off: this is the organisation's own, documented choice (issue 17).
    office_close: str = "16:30"
    received_after_hours_counts_next_day: bool = True

    @field_validator("office_close")
    @classmethod
    def _office_close(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("must be a time like 16:30 (HH:MM, 24-hour)")
        return value


class ClassificationConfig(_Section):
    """Key Account Selection Matrix thresholds (001 §6.1.1); amounts in THB."""

    voltage_kv_min: float = Field(default=69, gt=0)
    bill_thb_min: float = Field(default=20_000_000, gt=0)
    # A zone with fewer than this many customers at bill_thb_min takes its top N by bill.
    zone_top_n: int = Field(default=20, ge=0)
    spp_bill_thb_min: float = Field(default=5_000_000, gt=0)
    self_generation_mw_min: float = Field(default=2, gt=0)
    related_business_thb_min: float = Field(default=5_000_000, gt=0)
    maintenance_thb_min: float = Field(default=2_000_000, gt=0)
    strategy_areas: list[str] = ["EEC", "Super Cluster"]
    nomination_reasons: list[str] = ["hospital", "government", "industry_representative",
                                      "high_outage_damage", "existing_key_account", "other"]
    # Office code of the head office KAMRs who own customers with branches nationwide ("": keep the office).
    head_office: str = ""


class WorkloadConfig(_Section):
    """Weighted KAMR load (001 §6.1.2): Streamline is handled by the department head."""

    weights: dict[str, float] = {"strategic": 1.0, "star": 0.8, "status": 0.6, "streamline": 0.0}
    min_load: float = Field(default=6, ge=0)
    max_load: float = Field(default=12, gt=0)
    # Roles the 6..12 rule applies to; anyone else holding accounts is listed without a verdict.
    roles: list[str] = ["kamr", "senior_kamr"]

    @field_validator("weights")
    @classmethod
    def _every_tier(cls, weights: dict[str, float]) -> dict[str, float]:
        if set(weights) != set(TIER_NAMES):
            raise ValueError(f"needs exactly the tiers {', '.join(TIER_NAMES)}")
        return weights


class ReportsConfig(_Section):
    """Quarterly and monthly reports (CRM-KAM-004, VOC-60-001)."""

    # Satisfaction target (1-5) for key accounts (000: 4.36), and per tier where it differs.
    satisfaction_target: float = Field(default=4.36, ge=1, le=5)
    satisfaction_targets_by_tier: dict[str, float] = {}
    # Scores at or below this are "low" (followed up by phone, 000 plan 6 item 8): LINE follow-ups, the
    # quarter card, the complaint close-out, `kambot visits followups` and the reports (handlers/rules/scores.py).
    low_score_max: int = Field(default=3, ge=1, le=5)
    # The report of free services is due this many days after the quarter ends (the services themselves
    # are due within the quarter; handlers/reporting/services.py).
    service_report_days: int = Field(default=20, ge=0)
    # Significance level of the F-test of satisfaction across tiers.
    anova_alpha: float = Field(default=0.05, gt=0, lt=1)
    # Where `kambot report` writes its CSV files and report.html (a folder per period inside).
    output_dir: str = "var/reports"


TIER_NAMES = ("strategic", "star", "status", "streamline")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ServiceOffer(_Section):
    code: str = Field(pattern=r"^[A-Z0-9_-]{1,12}$")
    name_th: str = Field(min_length=1, max_length=40)
    name_en: str = ""
    description_th: str = ""
    description_en: str = ""
    tiers: list[str]
    example: bool = False
    # The name on the catalogue's button, written to fit LINE's 20-character labels (issue 21); "" = name_th / name_en.
    button_th: str = Field(default="", max_length=20)
    button_en: str = Field(default="", max_length=20)  # shipped as an illustration; replace with the office's own catalogue

    @field_validator("tiers")
    @classmethod
    def _known_tiers(cls, tiers: list[str]) -> list[str]:
        unknown = [tier for tier in tiers if tier not in TIER_NAMES]
        if unknown or not tiers:
            raise ValueError(f"must list tiers from {', '.join(TIER_NAMES)}; got {tiers}")
        return tiers


DEFAULT_SERVICES = [
    ServiceOffer(code="FMS2", name_th="ตรวจสอบข้อมูลโหลด (Load Profile)", name_en="Load-profile check",
                 description_th="วิเคราะห์การใช้ไฟฟ้ารายช่วงเวลา เพื่อเลือกอัตราและลดค่าความต้องการพลังไฟฟ้า",
                 description_en="Interval load analysis to choose a tariff and cut demand charges",
                 button_th="ตรวจข้อมูลโหลด", button_en="Load-profile check",
                 tiers=["strategic", "star", "status", "streamline"]),
    ServiceOffer(code="FMS3", name_th="ให้คำปรึกษาการใช้ไฟฟ้าและการจัดการโหลด", name_en="Energy-efficiency consulting",
                 description_th="แนะนำการใช้ไฟฟ้าอย่างมีประสิทธิภาพและการบริหารโหลด",
                 description_en="Advice on efficient use of electricity and load management",
                 button_th="ปรึกษาการใช้ไฟฟ้า", button_en="Efficiency advice",
                 tiers=["strategic", "star", "status"]),
    ServiceOffer(code="MAINT", name_th="บำรุงรักษาระบบไฟฟ้าของลูกค้า", name_en="Maintenance of your electrical system",
                 description_th="ตรวจและบำรุงรักษาหม้อแปลงและอุปกรณ์ในระบบไฟฟ้าของลูกค้า",
                 description_en="Inspection and maintenance of transformers and switchgear",
                 button_th="บำรุงรักษาระบบไฟฟ้า", button_en="Maintenance",
                 tiers=["strategic", "star"], example=True),
    ServiceOffer(code="THERMO", name_th="ตรวจจุดร้อนด้วยกล้องอินฟราเรด", name_en="Infrared hot-spot scan",
                 description_th="ถ่ายภาพความร้อนหาจุดต่อหลวมก่อนเกิดไฟดับ",
                 description_en="Thermal imaging to find loose joints before they fail",
                 button_th="ตรวจจุดร้อน", button_en="Hot-spot scan",
                 tiers=["strategic", "star", "status"], example=True),
    ServiceOffer(code="PQ", name_th="ตรวจวัดคุณภาพไฟฟ้า", name_en="Power-quality measurement",
                 description_th="ติดตั้งเครื่องวัดแรงดันตก ฮาร์มอนิก 7 วัน พร้อมรายงาน",
                 description_en="A 7-day recording of sags and harmonics, with a report",
                 button_th="วัดคุณภาพไฟฟ้า", button_en="Power-quality test",
                 tiers=["strategic"], example=True),
]


class ServicesConfig(_Section):
    # Free value-added services by tier (002 §3.1.1(2)); [[services.catalogue]] replaces the whole list.
    catalogue: list[ServiceOffer] = DEFAULT_SERVICES
    # How far ahead a customer may ask for a date.
    max_days_ahead: int = Field(default=180, ge=1, le=730)

    @field_validator("catalogue")
    @classmethod
    def _unique_codes(cls, catalogue: list[ServiceOffer]) -> list[ServiceOffer]:
        duplicates = _repeated(offer.code for offer in catalogue)
        if duplicates:
            raise ValueError(f"service codes must be unique; repeated: {', '.join(duplicates)}")
        return catalogue

    def offer(self, code: str) -> ServiceOffer | None:
        return next((offer for offer in self.catalogue if offer.code == code), None)


class QuotasConfig(_Section):
    # Month (1-12) the quota year starts; quarters are counted from it. A year is named by the
    # calendar year it starts in.
    year_start_month: int = Field(default=1, ge=1, le=12)
    # Visits per quarter and per year by role (000 plan 8 item 03; 002 §3.1.2).
    per_quarter: dict[str, int] = {"office_manager": 6, "zone_director": 3, "deputy_governor": 1}
    per_year: dict[str, int] = {"office_manager": 24, "zone_director": 12, "deputy_governor": 4}
    # Roles that must visit every one of their own accounts each quarter.
    kamr_roles: list[str] = ["kamr", "senior_kamr", "zone_kamr"]
    # A visit result is recorded within this many days of the visit (001 flow chart step 5).
    report_within_days: int = Field(default=7, ge=1, le=60)
    # --- issue 17: the manuals' rules as the manuals mean them ---
    # The deputy governor's quota was suspended by the 2021 memo (002 §3.1.2(1)): this one switch
    # turns per_quarter and per_year of deputy_governor on or off together.
    deputy_governor_quota: bool = False
    # Roles that carry the visit targets of their office's Streamline accounts (001 §4.15.5).
    streamline_roles: list[str] = ["dept_head"]
    # A quarter closes this many days after its last day: its targets are history from then on, and
    # a visit reported late for it counts only once the reporter's supervisor approves (001 step 5).
    quarter_closes_after_days: int = Field(default=7, ge=0, le=60)

    @field_validator("per_quarter", "per_year")
    @classmethod
    def _non_negative(cls, values: dict[str, int]) -> dict[str, int]:
        negative = [role for role, count in values.items() if count < 0]
        if negative:
            raise ValueError(f"counts must be 0 or more: {', '.join(negative)}")
        return values

    def quarter_rule(self, role: str) -> int:
        """Visits (distinct customers) a quarter for a manager role; 0 when switched off."""
        if role == "deputy_governor" and not self.deputy_governor_quota:
            return 0
        return self.per_quarter.get(role, 0)

    def year_rule(self, role: str) -> int:
        if role == "deputy_governor" and not self.deputy_governor_quota:
            return 0
        return self.per_year.get(role, 4 * self.per_quarter.get(role, 0))


class SchedulerConfig(_Section):
    enabled: bool = True


class RemindersConfig(_Section):
    # Bangkok wall-clock time (config.bot.timezone) of the daily complaint digest, working days only.
    complaint_digest_time: str = "08:30"

    # The weekly visit-quota digest: weekday and time; skipped when that day is not a working day.
    quota_digest_weekday: str = "mon"
    quota_digest_time: str = "08:00"
    # The daily reminder of visit reports not yet logged, and of visit ratings not yet given.
    visit_reminder_time: str = "09:00"
    # Contacts who did not rate a visit get one reminder after this many days.
    visit_rating_reminder_days: int = Field(default=2, ge=1, le=30)
    # Visit rating requests go out only between these Bangkok times; one logged at night waits for the
    # morning (issue 21: nobody is asked to rate at 02:40).
    rating_window_start: str = "08:00"
    rating_window_end: str = "20:00"

    @field_validator("complaint_digest_time", "quota_digest_time", "visit_reminder_time", "rating_window_start",
                     "rating_window_end")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("must be a time like 08:30 (HH:MM, 24-hour)")
        return value

    @field_validator("quota_digest_weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        if value not in WEEKDAYS:
            raise ValueError(f"must be one of {', '.join(WEEKDAYS)}")
        return value

    @model_validator(mode="after")
    def _rating_window_opens_before_it_closes(self) -> "RemindersConfig":
        if self.rating_window_start >= self.rating_window_end:
            raise ValueError("rating_window_start must be earlier than rating_window_end")
        return self

    @staticmethod
    def hour_minute(value: str) -> tuple[int, int]:
        hour, minute = value.split(":")
        return int(hour), int(minute)

    @property
    def complaint_digest_hour_minute(self) -> tuple[int, int]:
        return self.hour_minute(self.complaint_digest_time)


# --- issue 16: outage communication ----------------------------------------------------------------

DEFAULT_CAUSES = ["ต้นไม้ล้มทับสาย", "อุปกรณ์ชำรุด", "สัตว์", "ฟ้าผ่า", "อุบัติเหตุ", "งานบำรุงรักษา", "กำลังตรวจสอบ"]


class IncidentsConfig(_Section):
    # The causes a KAMR picks from when updating an area incident or a single outage ticket (quick replies:
    # at most 12, 20 characters each).
    causes: list[str] = Field(default_factory=lambda: list(DEFAULT_CAUSES))

    @field_validator("causes")
    @classmethod
    def _causes(cls, value: list[str]) -> list[str]:
        value = [cause.strip() for cause in value]
        if not value or len(value) > 12 or any(not cause or len(cause) > 20 for cause in value):
            raise ValueError("must be 1 to 12 causes of 1 to 20 characters each")
        if len(set(value)) != len(value):
            raise ValueError("must not repeat a cause")
        return value


class PlannedConfig(_Section):
    # Planned outages (`kambot planned import`): the notice goes this many days before the work starts.
    notice_days: int = Field(default=3, ge=1, le=30)
    # Notices that are not urgent (planned work, its reminders and changes) wait for this Bangkok
    # daytime window; real outages never wait.
    daytime_start: str = "08:00"
    daytime_end: str = "19:00"

    @field_validator("daytime_start", "daytime_end")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("must be a time like 08:00 (HH:MM, 24-hour)")
        return value

    @model_validator(mode="after")
    def _window(self) -> "PlannedConfig":
        if self.daytime_start >= self.daytime_end:
            raise ValueError("daytime_start must be before daytime_end")
        return self


# What each kind of form may carry: [[forms]] fields maps question titles to these.
FORM_FIELDS = {
    "outage": ("site", "symptom", "started_at", "details", "reporter_name", "phone"),
    "complaint": ("topic", "details", "reporter_name", "phone"),
    "service": ("service", "preferred_date", "details", "reporter_name", "phone"),
    "visit_report": ("staff_code", "visit_date", "mode", "purpose", "notes", "more_accounts", "representative",
                     "risk_note", "contacts_met"),
    "visit_rating": ("visit_date", "score", "comment", "reporter_name"),
}
# A response without these is recorded as invalid (the account column is always required).
REQUIRED_FIELDS = {"complaint": ("details",), "service": ("service", "preferred_date"),
                   "visit_report": ("staff_code", "visit_date"), "visit_rating": ("score",)}


class SheetsConfig(_Section):
    # Service-account JSON key from the Google Cloud console; share each sheet with its client_email.
    service_account_file: str = ""
    # Optional: send Sheets API calls to another server (the local stand-in), like line.api_host.
    api_base_url: str | None = None
    poll_seconds: int = Field(default=300, ge=10)
    coordinator_spreadsheet: str = ""
    # A coordinator tab whose rows did not change is not written again, except at least once in
    # this many minutes, so that a tab a person edited by hand is put right; 0: every poll.
    coordinator_rewrite_minutes: int = Field(default=60, ge=0, le=24 * 60)
    timeout_seconds: float = Field(default=20.0, gt=0)
    # Bounded retries of reads and overwrites on 429 / 5xx (never of adding tabs).
    max_attempts: int = Field(default=4, ge=1, le=10)
    backoff_base_seconds: float = Field(default=2.0, ge=0)
    backoff_max_seconds: float = Field(default=30.0, ge=0)

    @property
    def enabled(self) -> bool:
        return bool(self.service_account_file)


class FormConfig(_Section):
    key: str = Field(pattern=r"^[a-z0-9_\-]{1,40}$")  # our own name for the form, kept with each response
    spreadsheet: str = Field(min_length=1)  # the key in the responses sheet's URL
    tab: str = "การตอบแบบฟอร์ม 1"
    intent: Literal["outage", "service", "complaint", "visit_report", "visit_rating"]
    timestamp_column: str = "ประทับเวลา"
    account_column: str = Field(min_length=1)
    account_kind: Literal["account_code", "ca_number", "email"] = "account_code"
    # Question title (as the sheet's header shows it) -> field; "title#2" picks the 2nd column of that title.
    fields: dict[str, str] = Field(default_factory=dict, validate_default=True)
    # Only for `kambot forms import FILE.csv`: how the CSV's timestamps read (d/m/y or m/d/y).
    csv_date_order: Literal["dmy", "mdy"] = "dmy"

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, fields: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        intent = info.data.get("intent")
        if intent is None:
            return fields  # the intent's own error is reported
        allowed = FORM_FIELDS[intent]
        for title, name in fields.items():
            if name not in allowed:
                raise ValueError(f"{title!r} = {name!r}: not a field of {intent} forms (one of {', '.join(allowed)})")
        missing = [name for name in REQUIRED_FIELDS.get(intent, ()) if name not in fields.values()]
        if missing:
            raise ValueError(f"{intent} forms need a question for {', '.join(missing)}")
        return fields


# --- issue 17: urgent reports (CRM-KAM-003) ------------------------------------------------------


class UrgentConfig(_Section):
    # An urgent report to the decision maker carries a follow-up date this many working days ahead; on
    # that day, at reminder_time (Bangkok), the decision maker and the reporter are reminded.
    follow_up_working_days: int = Field(default=3, ge=1, le=60)
    reminder_time: str = "09:30"

    @field_validator("reminder_time")
    @classmethod
    def _reminder_time(cls, value: str) -> str:
        return RemindersConfig._hh_mm(value)


class ReviewsConfig(_Section):
    # Reviews that happen by themselves (001 flow chart step 6: offices monthly, zones quarterly one month
    # after the quarter). On the office_working_day-th working day of each month, at review_time (Bangkok),
    # each office's senior KAMRs and department heads get last month's summary card; on the first working day
    # zone_days_after_quarter days after a quarter ends, the zone directors and zone KAMRs get the quarter's.
    office_working_day: int = Field(default=3, ge=1, le=15)
    zone_days_after_quarter: int = Field(default=30, ge=0, le=60)
    review_time: str = "08:30"

    @field_validator("review_time")
    @classmethod
    def _review_time(cls, value: str) -> str:
        return RemindersConfig._hh_mm(value)


class Config(_Section):
    line: LineConfig = LineConfig()
    database: DatabaseConfig = DatabaseConfig()
    server: ServerConfig = ServerConfig()
    media: MediaConfig = MediaConfig()
    bot: BotConfig = BotConfig()
    escalation: EscalationConfig = EscalationConfig()
    first_answer: FirstAnswerConfig = FirstAnswerConfig()
    outbox: OutboxConfig = OutboxConfig()
    inbox: InboxConfig = InboxConfig()
    retention: RetentionConfig = RetentionConfig()
    calendar: CalendarConfig = CalendarConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    reminders: RemindersConfig = RemindersConfig()
    complaints: ComplaintsConfig = ComplaintsConfig()
    services: ServicesConfig = ServicesConfig()
    quotas: QuotasConfig = QuotasConfig()
    classification: ClassificationConfig = ClassificationConfig()
    workload: WorkloadConfig = WorkloadConfig()
    reports: ReportsConfig = ReportsConfig()
    urgent: UrgentConfig = UrgentConfig()  # issue 17
    reviews: ReviewsConfig = ReviewsConfig()  # issue 17
    sheets: SheetsConfig = SheetsConfig()
    incidents: IncidentsConfig = IncidentsConfig()  # issue 16
    planned: PlannedConfig = PlannedConfig()  # issue 16
    forms: list[FormConfig] = []

    @field_validator("forms")
    @classmethod
    def _unique_form_keys(cls, forms: list[FormConfig]) -> list[FormConfig]:
        duplicates = _repeated(form.key for form in forms)
        if duplicates:
            raise ValueError(f"form key {duplicates[0]!r} is used twice")
        return forms

    @model_validator(mode="after")
    def _lease_outlasts_a_call(self) -> "Config":
        longest_call = self.line.connect_timeout + self.line.read_timeout
        if self.outbox.claim_lease_seconds <= longest_call:
            raise ValueError(f"outbox.claim_lease_seconds ({self.outbox.claim_lease_seconds:g}) must be longer than "
                             f"line.connect_timeout + line.read_timeout ({longest_call:g}): a call still in flight "
                             "would be taken and sent again")
        return self

    def missing_settings(self) -> list[str]:
        return self.line.missing


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (see config.example.toml)"
        lines.append(f"{key}: {message}" if key else message.removeprefix("Value error, "))
    return "; ".join(lines)


def parse_config(data: dict) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(f"invalid configuration: {_describe(error)}") from None


def load_config(path: str | os.PathLike | None) -> Config:
    """Read PATH (or $KAMBOT_CONFIG); no file at all means the embedded defaults."""
    path = path or os.environ.get("KAMBOT_CONFIG")
    if not path:
        return Config()
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {file}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{file} is not valid TOML: {error}") from None
    return paths_from_folder(parse_config(data), file.resolve().parent)


def paths_from_folder(config: Config, folder: Path) -> Config:
    """Relative paths in a config file are read from the file's folder, so every command finds the same
    database wherever it runs (the embedded defaults stay relative to the current directory)."""
    from sqlalchemy.engine import make_url

    def within(path: str) -> str:
        return path if not path or Path(path).is_absolute() else str(folder / path)

    url = config.database.url
    if url.startswith("sqlite"):
        parsed = make_url(url)
        if parsed.database and parsed.database != ":memory:":
            url = parsed.set(database=within(parsed.database)).render_as_string(hide_password=False)
    return config.model_copy(update={
        "database": config.database.model_copy(update={"url": url}),
        "sheets": config.sheets.model_copy(update={"service_account_file": within(config.sheets.service_account_file)}),
        "reports": config.reports.model_copy(update={"output_dir": within(config.reports.output_dir)}),
    })
