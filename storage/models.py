"""Tables. All datetimes are stored as UTC; repository functions live beside, in storage/*."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, Column, DateTime, Index, LargeBinary, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, also on SQLite (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _utc_column(**kwargs) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


STAFF_ROLES = (
    "kamr",
    "senior_kamr",
    "zone_kamr",
    "dept_head",
    "office_manager",
    "zone_director",
    "deputy_governor",
    "coordinator",
)
TIERS = ("strategic", "star", "status", "streamline")


class Staff(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    staff_code: str = Field(unique=True, index=True)
    name: str
    role: str
    office: str = Field(index=True)
    backup_code: Optional[str] = None  # who takes over when this person does not answer
    supervisor_code: Optional[str] = None
    line_user_id: Optional[str] = Field(default=None, unique=True)
    language: str = "th"
    active: bool = True
    phone: str = ""  # for the tap-to-call buttons customers and colleagues see


class Account(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    account_code: str = Field(unique=True, index=True)
    name: str
    tier: str
    office: str = Field(index=True)
    kamr_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)


class Site(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("account_id", "name"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str
    ca_number: Optional[str] = Field(default=None, unique=True)  # the site's electricity contract (CA) number
    # issue 16: where the site hangs on the network, so an area incident reaches every site it cuts.
    feeder: str = Field(default="", index=True)  # upper-case code, "" when not known
    substation: str = ""
    estate: str = ""  # industrial estate


class Contact(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    line_user_id: Optional[str] = Field(default=None, unique=True)  # None: known from the roster, not on LINE
    display_name: str = ""  # LINE display name
    # When the LINE profile was last asked for (display_name refreshed after 30 days; bot/line/profiles.py)
    profile_asked_at: Optional[datetime] = _utc_column(nullable=True)
    name: str = ""  # from the roster (CRM-KAM-005)
    position: str = ""
    phone: str = ""
    email: str = Field(default="", index=True)
    language: str = "th"
    linked_at: Optional[datetime] = _utc_column(nullable=True)
    active: bool = True


class LinkCode(SQLModel, table=True):
    """A one-time code; only its hash is stored so a database leak does not leak codes."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True)
    kind: str  # "contact" or "staff"
    target_id: int  # account.id or staff.id
    created_at: datetime = _utc_column(nullable=False)
    expires_at: datetime = _utc_column(nullable=False)
    used_at: Optional[datetime] = _utc_column(nullable=True)
    used_by: Optional[str] = None


class LinkAttempt(SQLModel, table=True):
    """Failed code attempts per LINE user, to stop guessing."""

    id: Optional[int] = Field(default=None, primary_key=True)
    line_user_id: str = Field(index=True)
    at: datetime = _utc_column(nullable=False)


class Ticket(SQLModel, table=True):
    __table_args__ = (Index("ix_ticket_open", "kind", "status"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    kind: str  # "outage", later "complaint", "service"
    channel: str = "line"  # line or form
    account_id: int = Field(foreign_key="account.id", index=True)
    site_id: Optional[int] = Field(default=None, foreign_key="site.id")
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id")
    category: str = ""
    description: str = ""
    status: str = "open"  # open, acknowledged, answered (complaints), resolved, closed
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _utc_column(nullable=False)
    started_at: Optional[datetime] = _utc_column(nullable=True)  # when the problem began
    acknowledged_at: Optional[datetime] = _utc_column(nullable=True)
    acknowledged_by: Optional[int] = Field(default=None, foreign_key="staff.id")
    escalated_at: Optional[datetime] = _utc_column(nullable=True)
    escalated_to: Optional[int] = Field(default=None, foreign_key="staff.id")
    resolved_at: Optional[datetime] = _utc_column(nullable=True)
    due_date: Optional[date] = None  # complaints: the answer is due by this Bangkok date
    scheduled_date: Optional[date] = None  # free services: the Bangkok date agreed with the customer
    # Outages (issue 16): the cause and the estimated restoration time every update and ติดตามสถานะ show.
    cause: str = ""
    etr: Optional[datetime] = _utc_column(nullable=True)
    etr_reminded_for: Optional[datetime] = _utc_column(nullable=True)  # the estimate its KAMR was last reminded of
    scheduled_at: Optional[datetime] = _utc_column(nullable=True)  # free services: the appointment's time (issue 21)


VISIT_MODES = ("on_site", "phone", "line", "video")


class Visit(SQLModel, table=True):
    """A relationship visit, planned or done; remote modes count as visits (002 §3.1)."""

    __table_args__ = (Index("ix_visit_staff_date", "staff_id", "visit_date"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    staff_id: int = Field(foreign_key="staff.id")
    visit_date: date  # Bangkok date
    planned_at: Optional[datetime] = _utc_column(nullable=True)  # a plan's time of day when given (issue 21)
    mode: str = "on_site"
    purpose: str = ""
    notes: str = ""
    status: str = "planned"  # planned, done, cancelled
    channel: str = "line"  # line or form
    created_at: datetime = _utc_column(nullable=False)
    reported_at: Optional[datetime] = _utc_column(nullable=True)
    rating_asked_at: Optional[datetime] = _utc_column(nullable=True)
    rating_reminded_at: Optional[datetime] = _utc_column(nullable=True)
    # issue 17: made by a named representative (ผู้แทน) for this person's quota (002 §3.1.2(2)).
    # Set on every visit made by a representative: staff_id is then the representative when one of the staff
    # was picked, else the person themself with the typed name in representative_name.
    on_behalf_of_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    representative_name: str = ""
    # issue 17: one call on several accounts is one row per account sharing joint_id (the first row's id).
    joint_id: Optional[int] = Field(default=None, index=True)
    # issue 21: the contacts the visitor met, the only ones asked to rate it; None: not picked, all are asked.
    met_contact_ids: Optional[list] = Field(default=None, sa_column=Column(JSON, nullable=True))
    # issue 17: reported late for a closed quarter (001 step 5): "" (counts), pending, approved, refused.
    late_approval: str = ""
    late_decided_by: Optional[int] = Field(default=None, foreign_key="staff.id")
    late_decided_at: Optional[datetime] = _utc_column(nullable=True)
    # issue 17: what was seen about SPP competition / self-generation on a visit to a risk-group account;
    # "none_seen" when the KAMR said so (handlers/rules/risk_note.py), "" when not given.
    risk_note: str = ""


class VisitTarget(SQLModel, table=True):
    """A quarter's visit target moved away from the configured default by a supervisor."""

    __table_args__ = (UniqueConstraint("staff_id", "year", "quarter"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    year: int  # the quota year, named by the calendar year it starts in
    quarter: int  # 1..4 of the quota year
    target: int
    set_by: str = ""
    set_at: datetime = _utc_column(nullable=False)


class TicketReporter(SQLModel, table=True):
    """Every contact who reported or joined a ticket hears its status changes."""

    __table_args__ = (UniqueConstraint("ticket_id", "contact_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")


class TicketEvent(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = _utc_column(nullable=False)
    action: str  # reported, joined, photo, location, acknowledged, update, answered, resolved, escalated, rated
    staff_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id")
    text: str = ""
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Rating(SQLModel, table=True):
    """A 1–5 score from one respondent on one subject (ticket, visit, service).

    `respondent` makes "one score each" hold when there is no contact id (a form respondent we
    could not match, a KAMR recording for the customer): NULL never equals NULL, so the contact's
    own constraint let such scores pile up on one visit."""

    __table_args__ = (UniqueConstraint("subject_kind", "subject_id", "contact_id"),
                      UniqueConstraint("subject_kind", "subject_id", "respondent", name="uq_rating_respondent"))
    id: Optional[int] = Field(default=None, primary_key=True)
    subject_kind: str
    subject_id: int
    account_id: int = Field(foreign_key="account.id", index=True)
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id")
    respondent: Optional[str] = None  # "contact:<id>", or "unidentified" (storage.ratings.add)
    score: int
    comment: str = ""
    at: datetime = _utc_column(nullable=False)
    # A low score's follow-up call, once the staff member records it (issue 21): clears it from the quarter card.
    followed_up_at: Optional[datetime] = _utc_column(nullable=True)
    followed_up_by: Optional[int] = None  # Staff.id; no foreign key so a staff row can be retired


class Conversation(SQLModel, table=True):
    """Where a person is in a multi-step dialog; also the row locked per user."""

    user_key: str = Field(primary_key=True)
    flow: str = ""
    step: str = ""
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: Optional[datetime] = _utc_column(nullable=True)


class InboxEvent(SQLModel, table=True):
    """Every webhook event, once: keyed by LINE's webhookEventId."""

    # With the two times, the looks for people waiting read this index alone, not every pending body.
    __table_args__ = (Index("ix_inbox_pending", "status", "user_key", "id", "next_attempt_at", "received_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True)
    user_key: str
    event_type: str
    payload: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))
    received_at: datetime = _utc_column(nullable=False)
    status: str = "pending"  # pending, done, failed
    attempts: int = 0
    next_attempt_at: Optional[datetime] = _utc_column(nullable=True)  # after a failure: not before this
    handled_at: Optional[datetime] = _utc_column(nullable=True)
    error: str = ""  # the last failure, without personal data (storage.errors.describe)


class OutboxMessage(SQLModel, table=True):
    __table_args__ = (Index("ix_outbox_waiting", "status", "id"),  # the sender walks them in order
                      Index("ix_outbox_user_pending", "to_user", "status", "id"))
    id: Optional[int] = Field(default=None, primary_key=True)
    to_user: str
    kind: str = "message"  # "message", "link_richmenu" or "unlink_richmenu"
    messages: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reply_token: Optional[str] = None
    reply_token_at: Optional[datetime] = _utc_column(nullable=True)
    retry_key: str
    status: str = "pending"  # pending, sent, failed
    via: str = ""  # reply or push
    attempts: int = 0
    reply_uncertain: bool = False
    created_at: datetime = _utc_column(nullable=False)
    next_attempt_at: datetime = _utc_column(nullable=False)
    claimed_until: Optional[datetime] = _utc_column(nullable=True)
    sent_at: Optional[datetime] = _utc_column(nullable=True)
    last_error: str = ""
    # issue 16: a "multicast" row goes to these LINE user ids (at most 500) in one call; to_user is its group key.
    recipients: Optional[list] = Field(default=None, sa_column=Column(JSON, nullable=True))
    # issue 18: "routine" pushes (digests, reminders) wait while LINE's monthly allowance runs short.
    priority: str = "urgent"


class Setting(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


class Notification(SQLModel, table=True):
    """One reminder item sent to one person on one Bangkok day: claimed once, even by two schedulers."""

    __table_args__ = (UniqueConstraint("kind", "recipient_staff_id", "subject_id", "day"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str  # "complaint_digest", "complaint_overdue"
    recipient_staff_id: int = Field(foreign_key="staff.id")
    subject_id: int  # ticket id
    day: date  # Bangkok date
    created_at: datetime = _utc_column(nullable=False)


class FormResponse(SQLModel, table=True):
    """One Google Forms response as the bot saw it: kept whether it became a ticket or not.

    response_key is stable across re-reads and sorting (timestamp plus a hash of the account
    answer, never the row number); row_hash changes when an answer is edited."""

    __table_args__ = (UniqueConstraint("form_key", "response_key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    form_key: str
    response_key: str
    identity_hash: str  # hash of the account answer: pairs a respondent's edit (new timestamp) with the original
    submitted_at: datetime = _utc_column(nullable=False)
    row_hash: str
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str  # ingested, unmatched, invalid
    reason: str = ""
    account_id: Optional[int] = Field(default=None, foreign_key="account.id")
    ticket_id: Optional[int] = Field(default=None, foreign_key="ticket.id")
    visit_id: Optional[int] = Field(default=None, foreign_key="visit.id")
    rating_id: Optional[int] = Field(default=None, foreign_key="rating.id")
    first_seen_at: datetime = _utc_column(nullable=False)
    updated_at: datetime = _utc_column(nullable=False)


class Media(SQLModel, table=True):
    """A photo, video, voice message or file a person sent, kept because LINE keeps it only for a while.

    Served at /media/<token>: the token is the only key, long and random, valid as long as the row."""

    __table_args__ = (Index("ix_media_due", "status", "next_attempt_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    token: str = Field(unique=True, index=True)
    channel_message_id: str = Field(unique=True)  # LINE's message id: a redelivered event stores nothing twice
    kind: str  # image, video, audio, file
    account_id: Optional[int] = Field(default=None, foreign_key="account.id", index=True)
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id")
    ticket_id: Optional[int] = Field(default=None, foreign_key="ticket.id", index=True)
    file_name: str = ""
    content_type: str = ""
    size_bytes: int = 0
    status: str = "pending"  # pending, stored, gone (LINE no longer has it), refused (size or type), failed
    reason: str = ""
    attempts: int = 0
    created_at: datetime = _utc_column(nullable=False)
    next_attempt_at: datetime = _utc_column(nullable=False)
    claimed_until: Optional[datetime] = _utc_column(nullable=True)
    fetched_at: Optional[datetime] = _utc_column(nullable=True)


class MediaContent(SQLModel, table=True):
    """The bytes, apart from the row, so lists of media never load them. In the database, so every
    process (web and worker, on any machine sharing PostgreSQL) serves the same files."""

    media_id: int = Field(primary_key=True, foreign_key="media.id")
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    preview: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


# --- issue 15: zones and the escalation chain ---------------------------------------------------


class Office(SQLModel, table=True):
    """An office and the zone it belongs to (CRM-KAM-005): a zone KAMR backs up every office of the zone."""

    code: str = Field(primary_key=True)
    zone: str = Field(default="", index=True)


class EscalationStep(SQLModel, table=True):
    """One level of a ticket's escalation chain, claimed once (even by two schedulers) before anyone is told.

    staff_id None: the level had nobody to take it (skipped, see the ticket history)."""

    __table_args__ = (UniqueConstraint("ticket_id", "level"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    level: int  # 0 the KAMR, 1.. the configured [escalation] levels
    staff_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    at: datetime = _utc_column(nullable=False)


# --- issue 17: urgent reports to the decision maker (CRM-KAM-003) -----------------------------------


class UrgentReport(SQLModel, table=True):
    """An urgent report (CRM-KAM-003: issue, risk, response follow-up), made on an open ticket, a visit or
    just an account (a risk seen on a visit: an SPP competitor, planned self-generation). The follow-up
    date reminds the decision maker and the reporter (jobs/urgent_followups.py)."""

    __table_args__ = (Index("ix_urgentreport_follow_up", "reminded_at", "follow_up_date"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    ticket_id: Optional[int] = Field(default=None, foreign_key="ticket.id", index=True)
    visit_id: Optional[int] = Field(default=None, foreign_key="visit.id")
    reported_by_id: int = Field(foreign_key="staff.id")
    decision_maker_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    issue: str = ""
    risk: str = ""
    follow_up_date: date
    created_at: datetime = _utc_column(nullable=False)
    reminded_at: Optional[datetime] = _utc_column(nullable=True)
    instructed_at: Optional[datetime] = _utc_column(nullable=True)  # the decision maker's last instruction
    instructions: int = 0


# --- issue 17: the key account plan (CRM-KAM-002) --------------------------------------------------


class PlanActivity(SQLModel, table=True):
    """One planned activity of an account's key account plan for a year (CRM-KAM-002: benefits, targets,
    activities). `activity` is "visit" or a free-service code of the catalogue, so what was done can be
    matched to it; quarter 1-4 of the quota year, or 0 for "some time in the year"."""

    __table_args__ = (UniqueConstraint("account_id", "year", "quarter", "activity"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    year: int
    quarter: int = 0
    activity: str
    benefit: str = ""
    target: str = ""
    note: str = ""
    updated_at: datetime = _utc_column(nullable=False)


# --- issue 16: area incidents and planned outages -------------------------------------------------


class Incident(SQLModel, table=True):
    """An outage over one or more feeders: every site on them gets (or joins) a ticket linked here."""

    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    feeders: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cause: str = ""
    note: str = ""
    etr: Optional[datetime] = _utc_column(nullable=True)  # estimated restoration time
    started_at: datetime = _utc_column(nullable=False)
    opened_at: datetime = _utc_column(nullable=False)
    opened_by: Optional[int] = Field(default=None, foreign_key="staff.id")
    channel: str = "cli"  # cli, line or sheet (the coordinator sheet)
    status: str = "open"  # open, restored
    restored_at: Optional[datetime] = _utc_column(nullable=True)
    etr_reminded_for: Optional[datetime] = _utc_column(nullable=True)  # the estimate the KAMRs were last reminded of


class IncidentFeeder(SQLModel, table=True):
    """`open_feeder` is the feeder while the incident is open, NULL after: one open incident per feeder."""

    id: Optional[int] = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    feeder: str
    open_feeder: Optional[str] = Field(default=None, unique=True)


class IncidentTicket(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)


class IncidentRecipient(SQLModel, table=True):
    """Who hears the incident's news: each contact once, whatever the number of their sites."""

    __table_args__ = (UniqueConstraint("incident_id", "contact_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")


class PlannedOutage(SQLModel, table=True):
    """Planned work announced ahead; `reference` is the coordinator's key, a re-import updates it."""

    id: Optional[int] = Field(default=None, primary_key=True)
    reference: str = Field(unique=True)
    site_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    starts_at: datetime = _utc_column(nullable=False)
    ends_at: datetime = _utc_column(nullable=False)
    reason: str = ""
    contact_person: str = ""
    status: str = "planned"  # planned, cancelled
    created_at: datetime = _utc_column(nullable=False)
    notice_sent_at: Optional[datetime] = _utc_column(nullable=True)
    reminder_sent_at: Optional[datetime] = _utc_column(nullable=True)
    change_pending: str = ""  # "moved" or "cancelled": told at the next daytime window (after a notice)


class PlannedAck(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("planned_id", "contact_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    planned_id: int = Field(foreign_key="plannedoutage.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")
    at: datetime = _utc_column(nullable=False)


# --- issue 17: the selection record (CRM-KAM-001) --------------------------------------------------


class SelectionRecord(SQLModel, table=True):
    """Why an account is a key account in a year (CRM-KAM-001): its tier, the deciding criterion with the
    figures, the other criteria met and the risk groups (spp, self_generation; ";"-separated) whose visits
    must carry a risk note (handlers/rules/risk_note.py)."""

    __table_args__ = (UniqueConstraint("account_id", "year"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    year: int  # the quota year
    tier: str = ""
    criterion: str = ""
    reason: str = ""
    also_met: str = ""
    risk_groups: str = ""
    decided_at: datetime = _utc_column(nullable=False)
    decided_by: str = ""
