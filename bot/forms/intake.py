"""Google Forms responses -> the same tickets a LINE message creates, through the same operations.

One path for the scheduled poll (the whole sheet, read in one request) and for
`kambot forms import FILE.csv` (maybe only some rows). Every response is recorded once, by a
stable key, as ingested, unmatched (no such account) or invalid (unreadable, answers missing),
with the reason; nothing is dropped. A re-read changes nothing; an edited answer annotates the
ticket; unmatched and invalid responses are tried again on every read (the roster or the sheet
may have been fixed).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.config import REQUIRED_FIELDS, Config, FormConfig
from bot.forms.rows import ParsedResponse, normalise_ref, parse_rows
from handlers import complaint, outage, visit, visit_party
from handlers.operations import complaints, outages, ratings, services, visits
from handlers.notify import Notifier, NotifierFor
from handlers.rules import date_bounds, risk_note
from handlers.rules.entitlement import is_entitled
from handlers.texts import t
from handlers.ticketing import value_for_label
from storage import form_responses, roster, tickets
from storage.db import session_scope
from storage.models import VISIT_MODES, Account, Contact, FormResponse, Rating, Site, Staff, Ticket, Visit

log = logging.getLogger(__name__)

# Responses per transaction: a big first read does not hold the database's write lock for long.
CHUNK = 200
ACCOUNT_KIND_WORDS = {"account_code": "รหัสบัญชี", "ca_number": "หมายเลขผู้ใช้ไฟฟ้า (CA)", "email": "อีเมล"}
# Reasons are for coordinators: Thai, like everything people read.


class IntakeError(Exception):
    """The sheet cannot be read at all (its header lacks the timestamp or account column)."""


@dataclass
class IntakeResult:
    read: int = 0
    new: int = 0
    edited: int = 0
    ingested: int = 0
    unmatched: int = 0
    invalid: int = 0
    missing_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"{self.read} rows read, {self.new} new, {self.edited} edited; {self.ingested} became tickets, "
                f"{self.unmatched} unmatched, {self.invalid} invalid")
        if self.missing_columns:
            text += f"; missing columns: {', '.join(self.missing_columns)}"
        return text


@dataclass(frozen=True)
class Match:
    account_id: int
    site_id: int | None = None
    contact_id: int | None = None


class Directory:
    """The roster column a form identifies accounts by, loaded once per read."""

    def __init__(self, session: Session, kind: str):
        self.kind = kind
        if kind == "account_code":
            rows = session.exec(select(Account.account_code, Account.id)).all()
            self.entries = {normalise_ref(code): Match(account_id) for code, account_id in rows}
        elif kind == "ca_number":
            rows = session.exec(select(Site.ca_number, Site.account_id, Site.id).where(Site.ca_number.is_not(None))).all()
            self.entries = {_ca_digits(ca): Match(account_id, site_id=site_id) for ca, account_id, site_id in rows}
        else:
            rows = session.exec(select(Contact.email, Contact.account_id, Contact.id)
                                .where(Contact.active, Contact.email != "").order_by(Contact.id)).all()
            self.entries = {}
            for email, account_id, contact_id in rows:
                self.entries.setdefault(normalise_ref(email), Match(account_id, contact_id=contact_id))

    def find(self, ref: str) -> Match | None:
        return self.entries.get(_ca_digits(ref) if self.kind == "ca_number" else normalise_ref(ref))


def _ca_digits(text: str) -> str:
    """CA numbers compare by digits: a sheet may have turned 020001234567 into the number 20001234567."""
    return re.sub(r"\D", "", text).lstrip("0")


def ingest(engine: Engine, config: Config, form: FormConfig, rows: list[list], *, zone: str, now: datetime,
           notifier_for: NotifierFor, full_view: bool = True) -> IntakeResult:
    """Record every response row of one form; `full_view` says the rows are the whole sheet (the poll)."""
    columns, parsed = parse_rows(form, rows, zone=zone)
    if rows and (columns.timestamp is None or not columns.account):
        raise IntakeError(f"form {form.key}: the sheet has no column {', '.join(map(repr, columns.missing))}; "
                          "nothing was read (see `kambot forms check`)")
    result = IntakeResult(read=len(parsed), missing_columns=columns.missing, unknown_columns=columns.unknown)
    with session_scope(engine) as session:
        known = form_responses.seen(session, form.key)
        directory = Directory(session, form.account_kind)
    work = _plan(parsed, known, full_view)
    for start in range(0, len(work), CHUNK):
        with session_scope(engine) as session:
            for response, record in work[start:start + CHUNK]:
                try:
                    with session.begin_nested():
                        _apply(session, config, form, response, record, directory, now, result,
                               notifier_for(session, now))
                except Exception as error:  # one bad row must not stop the others; it is kept and retried
                    log.exception("form %s row %d failed", form.key, response.row_number)
                    with session.begin_nested():
                        _record_failure(session, form, response, record, f"{type(error).__name__}: {error}", now)
                    result.invalid += 1
    return result


def _stamp_of(key: str) -> str:
    return key[:14] if key[:14].isdigit() else ""


def _plan(parsed: list[ParsedResponse], known: dict[str, form_responses.Seen],
          full_view: bool) -> list[tuple[ParsedResponse, form_responses.Seen | None]]:
    """What to do with each row: new, changed or to retry; unchanged ingested rows drop out.

    A response edited in Google Forms gets a new timestamp, one edited in the sheet may get a new
    account answer: either way its old key vanishes from the sheet while a new one appears. Such
    a pair (same timestamp, else same account answer) is one response edited, never a new one."""
    work: list[tuple[ParsedResponse, form_responses.Seen | None]] = []
    present = {response.key for response in parsed}
    vanished = [record for key, record in known.items() if key not in present] if full_view else []
    for response in parsed:
        record = known.get(response.key)
        if record is None and vanished:
            record = next((r for r in vanished if response.stamp and _stamp_of(r.response_key) == response.stamp), None)
            if record is None:
                earlier = [r for r in vanished if r.identity_hash == response.identity_hash
                           and _stamp_of(r.response_key) < response.stamp]
                record = max(earlier, key=lambda r: r.response_key, default=None)
            if record is not None:
                vanished.remove(record)
        if record is not None and record.status == "ingested" and record.row_hash == response.row_hash:
            continue
        work.append((response, record))
    return work


def _apply(session: Session, config: Config, form: FormConfig, response: ParsedResponse,
           record: form_responses.Seen | None, directory: Directory, now: datetime, result: IntakeResult,
           notifier: Notifier) -> None:
    if record is None:
        stored = FormResponse(form_key=form.key, response_key=response.key, identity_hash=response.identity_hash,
                              submitted_at=response.submitted_at, row_hash=response.row_hash, answers={},
                              status="new", first_seen_at=now, updated_at=now)
        result.new += 1
    else:
        stored = session.get(FormResponse, record.id)
        if stored.row_hash != response.row_hash:
            result.edited += 1
    previous = dict(stored.answers)
    stored.response_key, stored.identity_hash = response.key, response.identity_hash
    stored.submitted_at, stored.row_hash, stored.updated_at = response.submitted_at, response.row_hash, now
    stored.answers = {"account": response.account_ref, **response.answers}
    if stored.status == "ingested":
        _annotate_edit(session, stored, previous, now)
    else:
        stored.status, stored.reason = _evaluate(session, config, form, response, directory, stored, now, notifier)
    session.add(stored)
    session.flush()
    if stored.status in ("ingested", "unmatched", "invalid") and stored.status != getattr(record, "status", None):
        setattr(result, stored.status, getattr(result, stored.status) + 1)
    if stored.status != "ingested":  # the reason quotes answers (PDPA): coordinators see it, the log does not
        log.info("form %s row %d: %s", form.key, response.row_number, stored.status)


def _record_failure(session: Session, form: FormConfig, response: ParsedResponse,
                    record: form_responses.Seen | None, reason: str, now: datetime) -> None:
    stored = session.get(FormResponse, record.id) if record else FormResponse(
        form_key=form.key, response_key=response.key, identity_hash=response.identity_hash,
        submitted_at=response.submitted_at, row_hash="", answers={}, status="invalid", first_seen_at=now, updated_at=now)
    if stored.status != "ingested":
        stored.status, stored.reason, stored.updated_at = "invalid", f"ระบบขัดข้อง: {reason}"[:500], now
    session.add(stored)


def _evaluate(session: Session, config: Config, form: FormConfig, response: ParsedResponse, directory: Directory,
              stored: FormResponse, now: datetime, notifier: Notifier) -> tuple[str, str]:
    if response.problem:
        return "invalid", response.problem
    if not response.account_ref:
        return "invalid", f"ไม่ได้ตอบช่อง {form.account_column!r}"
    missing = [name for name in REQUIRED_FIELDS.get(form.intent, ()) if not response.answers.get(name)]
    if missing:
        titles = [title for title, name in form.fields.items() if name in missing]
        return "invalid", f"ไม่ได้ตอบคำถาม {', '.join(map(repr, titles))}"
    match = directory.find(response.account_ref)
    if match is None:
        return "unmatched", f"ไม่พบบัญชีที่มี{ACCOUNT_KIND_WORDS[form.account_kind]} {response.account_ref!r}"
    stored.account_id = match.account_id
    contact = session.get(Contact, match.contact_id) if match.contact_id else None
    respondent = Respondent(session=session, config=config, now=now, notifier=notifier, contact=contact)
    return INTAKES[form.intent](respondent, form, response, match, stored)


@dataclass(frozen=True)
class Respondent:
    """Everything an intent's ingestion needs besides the response: the transaction and who answered."""

    session: Session
    config: Config
    now: datetime
    notifier: Notifier
    contact: Contact | None  # None: the form's answers name no contact the roster knows


def _reporter(form: FormConfig, answers: dict[str, str]) -> dict[str, str]:
    return {"form": form.key, **{k: answers[k] for k in ("reporter_name", "phone") if answers.get(k)}}


def _outage(who: Respondent, form: FormConfig, response: ParsedResponse, match: Match, stored: FormResponse):
    answers = response.answers
    symptom = value_for_label(answers.get("symptom", ""), outage.SYMPTOMS, "symptom") or "other"
    # An answer that is none of the choices is kept word for word in the description.
    typed = answers.get("symptom", "") if symptom == "other" else ""
    started = datetime.fromisoformat(answers["started_at"]) if "started_at" in answers else response.submitted_at
    ticket = outages.open_outage(
        who.session, now=who.now, actor=who.contact, channel="form", notifier=who.notifier, account_id=match.account_id,
        site_id=match.site_id or _site_named(who.session, match, answers), symptom=symptom, started=min(started, who.now),
        description="\n".join(filter(None, (typed, answers.get("details", "")))), details=_reporter(form, answers),
        chain=who.config.escalation).ticket
    stored.ticket_id = ticket.id
    return "ingested", ""


def _complaint(who: Respondent, form: FormConfig, response: ParsedResponse, match: Match, stored: FormResponse):
    answers = response.answers
    topic = value_for_label(answers.get("topic", ""), complaint.TOPICS, "topic") or "other"
    stored.ticket_id = complaints.file_complaint(
        who.session, who.config, now=who.now, actor=who.contact, channel="form", notifier=who.notifier,
        account_id=match.account_id, topic=topic, text=answers["details"], received_at=response.submitted_at,
        details=_reporter(form, answers)).id
    return "ingested", ""


def _service(who: Respondent, form: FormConfig, response: ParsedResponse, match: Match, stored: FormResponse):
    answers = response.answers
    wanted = answers["service"].strip().casefold()
    offer = next((o for o in who.config.services.catalogue
                  if wanted in (o.code.casefold(), o.name_th.casefold(), o.name_en.casefold())), None)
    if offer is None:
        return "invalid", f"ไม่รู้จักบริการ {answers['service']!r}"
    account = who.session.get(Account, match.account_id)
    if not is_entitled(offer, account.tier):
        return "invalid", f"บริการ {offer.name_th} ไม่อยู่ในสิทธิ์ของลูกค้าระดับ {account.tier}"
    preferred = date.fromisoformat(answers["preferred_date"])
    stored.ticket_id = services.open_request(
        who.session, who.config, now=who.now, actor=who.contact, channel="form", notifier=who.notifier,
        account_id=account.id, offer=offer, preferred=preferred, notes=answers.get("details", ""),
        details=_reporter(form, answers)).id
    return "ingested", ""


def _visit_report(who: Respondent, form: FormConfig, response: ParsedResponse, match: Match, stored: FormResponse):
    answers = response.answers
    staff = roster.staff_by_code(who.session, answers["staff_code"].strip().upper())
    if staff is None or not staff.active:
        return "invalid", f"ไม่พบพนักงานรหัส {answers['staff_code']!r}"
    account = visit.account_in_scope(who.session, staff, match.account_id)
    if account is None:
        return "invalid", f"{staff.name} ไม่ได้ดูแลบัญชีนี้"
    day = date.fromisoformat(answers["visit_date"])
    window = date_bounds.visit_days(response.submitted_at)
    first, last = window.first, window.last
    if not window.holds(day):
        return "invalid", f"วันที่เยี่ยม {answers['visit_date']} อยู่นอกช่วง {first.isoformat()} ถึง {last.isoformat()}"
    mode = value_for_label(answers.get("mode", ""), VISIT_MODES, "mode") or "on_site"
    purpose = value_for_label(answers.get("purpose", ""), visit.PURPOSES, "purpose") or (
        "other" if answers.get("purpose") else "")
    party = _visit_party(who, staff, account, answers)
    if isinstance(party, str):
        return "invalid", party
    party, unknown_contacts = _contacts_met(who, account, party, answers)
    note = risk_note.from_answer(answers.get("risk_note", ""))[:visit.MAX_NOTES]
    logged, _asked = visits.log_visit(who.session, now=who.now, actor=staff, channel="form", notifier=who.notifier,
                                      account=account, day=day, mode=mode, purpose=purpose,
                                      notes=answers.get("notes", "")[:visit.MAX_NOTES], rules=who.config.quotas,
                                      party=party, risk_note=note)
    stored.visit_id = logged.id
    return "ingested", "; ".join(note for note in (unknown_contacts, _missing_risk_note(who, logged, account)) if note)


def _contacts_met(who: Respondent, account: Account, party: visits.Party,
                  answers: dict[str, str]) -> tuple[visits.Party, str]:
    """The contacts_met answer (names or phones of the accounts' contacts): only they are asked to rate,
    as in LINE. Names that match nobody are left out and named on the row; no answer: everyone is asked."""
    answer = answers.get("contacts_met", "").strip()
    if not answer:
        return party, ""
    contacts = [c for each in (account, *party.accounts) for c in roster.contacts_of(who.session, each.id)]
    met, unknown = visits.contacts_named(contacts, answer)
    note = f"ไม่พบผู้ติดต่อ {', '.join(repr(name) for name in unknown)} ในบัญชี (คอลัมน์ contacts_met)" if unknown else ""
    return replace(party, met_contact_ids=met), note


def _missing_risk_note(who: Respondent, logged: Visit, account: Account) -> str:
    """Recorded all the same (the visit happened), but the coordinator's row says the risk note is missing."""
    if logged.status != "done" or logged.risk_note:
        return ""
    groups = risk_note.groups_on(who.session, who.config.quotas, account.id, logged.visit_date)
    return t("risk_note_missing_form", "th", account=account.name, groups=risk_note.group_names(groups, "th")) \
        if groups else ""


def _visit_party(who: Respondent, staff: Staff, account: Account, answers: dict[str, str]) -> visits.Party | str:
    """The more_accounts and representative answers, or the reason they cannot be taken (in Thai)."""
    codes = [code.upper() for code in re.split(r"[,;\s]+", answers.get("more_accounts", "")) if code]
    found = {a.account_code: a for a in who.session.exec(select(Account).where(col(Account.account_code).in_(codes)))}
    more = []
    for code in dict.fromkeys(codes):
        other = visit.account_in_scope(who.session, staff, found[code].id) if code in found else None
        if other is None:
            return f"บัญชีเพิ่มเติม {code!r}: ไม่พบ หรือ {staff.name} ไม่ได้ดูแลบัญชีนี้ (คอลัมน์ more_accounts)"
        if other.id != account.id:
            more.append(other)
    named = answers.get("representative", "").strip()
    if named and not visit_party.may_name_representative(staff):
        return f"{staff.name} ไม่ใช่ผู้บริหารที่มีเป้าหมายการเยี่ยม จึงระบุผู้แทนไม่ได้ (คอลัมน์ representative)"
    person = roster.staff_by_code(who.session, named.upper()) if named else None
    if person is not None and person.id == staff.id:  # their own code: no representative
        return visits.Party(accounts=tuple(more))
    if person is not None and not person.active:
        person = None
    return visits.Party(accounts=tuple(more), representative=person,
                        representative_name="" if person else named[:visit_party.MAX_NAME])


def _visit_rating(who: Respondent, form: FormConfig, response: ParsedResponse, match: Match, stored: FormResponse):
    answers = response.answers
    score = next((int(ch) for ch in answers["score"] if ch.isdigit()), 0)
    if score not in range(1, 6):
        return "invalid", f"คะแนน {answers['score']!r} ไม่ใช่ 1–5"
    query = select(Visit).where(Visit.account_id == match.account_id, Visit.status == "done")
    if answers.get("visit_date"):
        query = query.where(Visit.visit_date == date.fromisoformat(answers["visit_date"]))
    rated = who.session.exec(query.order_by(col(Visit.visit_date).desc(), col(Visit.id).desc())).first()
    if rated is None:
        on_day = f" วันที่ {answers['visit_date']}" if answers.get("visit_date") else ""
        return "invalid", f"ไม่พบการเยี่ยมที่บันทึกผลแล้ว{on_day}"
    if not ratings.record(who.session, rated, now=who.now, actor=who.contact, notifier=who.notifier, score=score,
                          reports=who.config.reports,
                          comment=answers.get("comment", "")):
        return "invalid", "ผู้ติดต่อนี้ให้คะแนนการเยี่ยมนี้แล้ว"
    stored.visit_id = rated.id
    stored.rating_id = who.session.exec(select(Rating.id).where(Rating.subject_kind == "visit",
                                                                Rating.subject_id == rated.id)
                                        .order_by(col(Rating.id).desc())).first()
    return "ingested", ""


INTAKES = {"outage": _outage, "complaint": _complaint, "service": _service, "visit_report": _visit_report,
           "visit_rating": _visit_rating}


def _site_named(session: Session, match: Match, answers: dict[str, str]) -> int | None:
    sites = roster.sites_of(session, match.account_id)
    named = next((s for s in sites if s.name.strip() == answers.get("site", "").strip()), None)
    if named is not None:
        return named.id
    return sites[0].id if len(sites) == 1 else None


def _annotate_edit(session: Session, stored: FormResponse, previous: dict, now: datetime) -> None:
    """An answer changed after the ticket was opened: the ticket's history says what, nothing is duplicated."""
    changes = {name: [previous.get(name, ""), value] for name, value in stored.answers.items()
               if previous.get(name, "") != value}
    changes.update({name: [value, ""] for name, value in previous.items() if name not in stored.answers})
    ticket = session.get(Ticket, stored.ticket_id) if stored.ticket_id else None
    if ticket is None or not changes:
        return
    text = "; ".join(f"{name}: {old or '-'} → {new or '-'}" for name, (old, new) in sorted(changes.items()))
    tickets.log(session, ticket, "form_edited", now=now, text=text[:1000], form=stored.form_key, changes=changes)
