"""Visits to risk-group accounts carry a risk note (001 §6.1.1, CRM-KAM-001; issue 17).

An account whose selection record puts it in a risk group (an SPP estate, self-generation) may buy its
power elsewhere: every done visit to it says what was seen about that, or explicitly that nothing was
("none_seen"). One home for LINE (handlers/visit_risk.py), Forms (bot/forms/intake.py) and the report."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

from sqlmodel import Session, col, select

from bot.config import QuotasConfig
from handlers.rules import quotas
from handlers.texts import t
from storage import selection
from storage.models import Account, Visit

NONE_SEEN = "none_seen"
LATEST = 9999  # "up to this year": the latest record


def groups_on(session: Session, rules: QuotasConfig, account_id: int, day: date) -> list[str]:
    """The account's risk groups on a day (its selection record of that quota year or the latest before)."""
    return selection.risk_groups_of(session, [account_id], quotas.quarter_of(rules, day).year).get(account_id, [])


def needs_note(session: Session, rules: QuotasConfig, account_id: int, day: date) -> bool:
    return bool(groups_on(session, rules, account_id, day))


def carries_note(visit: Visit) -> bool:
    return bool(visit.risk_note.strip())


def group_names(groups: list[str], lang: str) -> str:
    return ", ".join(t(f"risk_group_{group}", lang) for group in groups)


def mark(groups: list[str], lang: str) -> str:
    """'⚠️ กลุ่มเสี่ยง: SPP, ผลิตไฟใช้เอง' for the cards and lists; '' for an account in no risk group."""
    return t("risk_mark", lang, groups=group_names(groups, lang)) if groups else ""


def latest_groups(session: Session, account_id: int) -> list[str]:
    """The risk groups of the account's latest selection record: what the cards show."""
    return selection.risk_groups_of(session, [account_id], LATEST).get(account_id, [])


def groups_by_visit(session: Session, rules: QuotasConfig,
                    done_visits: Iterable[tuple[int, int, date]]) -> dict[int, list[str]]:
    """{visit id: its account's risk groups on the visit's day} of the (visit id, account id, day) of done
    visits; visits to accounts in no risk group are left out."""
    by_year: dict[int, list[tuple[int, int, date]]] = defaultdict(list)
    for item in done_visits:
        by_year[quotas.quota_year(rules, item[2])].append(item)
    found: dict[int, list[str]] = {}
    for year, items in by_year.items():
        groups = selection.risk_groups_of(session, (account_id for _, account_id, _ in items), year)
        found.update({visit_id: groups[account_id] for visit_id, account_id, _ in items if account_id in groups})
    return found


def risk_visits(session: Session, rules: QuotasConfig, start: date, end: date) -> list[tuple[Visit, Account]]:
    """The done visits from start to end to accounts in a risk group on the visit's day."""
    found = session.exec(select(Visit, Account).join(Account, col(Account.id) == Visit.account_id).where(
        Visit.status == "done", Visit.visit_date >= start, Visit.visit_date <= end)
        .order_by(Visit.visit_date, Visit.id)).all()
    at_risk = groups_by_visit(session, rules, ((v.id, v.account_id, v.visit_date) for v, _ in found))
    return [(visit, account) for visit, account in found if visit.id in at_risk]


def held_in_risk_groups(session: Session, year: int) -> dict[int, list[tuple[Account, list[str]]]]:
    """{KAMR id: (account, its risk groups) of the accounts they hold that the year's selection record (or
    the latest before) puts in a risk group}."""
    accounts = list(session.exec(select(Account).where(col(Account.kamr_id).is_not(None))
                                 .order_by(Account.account_code)).all())
    groups = selection.risk_groups_of(session, (a.id for a in accounts), year)
    held: dict[int, list[tuple[Account, list[str]]]] = defaultdict(list)
    for account in accounts:
        if account.id in groups:
            held[account.kamr_id].append((account, groups[account.id]))
    return dict(held)


def note_status(note: str, needed: bool, lang: str) -> str:
    """What the visit lists show: the note, 'ไม่พบความเสี่ยง', '⚠️ ไม่มีบันทึกความเสี่ยง' when one is needed, or ''."""
    if note == NONE_SEEN:
        return t("risk_none_seen", lang)
    return note or (t("risk_note_missing", lang) if needed else "")


def from_answer(answer: str) -> str:
    """A typed or Forms answer: 'ไม่พบความเสี่ยง' (or the English) is the explicit none-seen; anything else is
    the note."""
    answer = answer.strip()
    said_none = {t("risk_none_seen", lang).casefold() for lang in ("th", "en")}
    return NONE_SEEN if answer.casefold() in said_none else answer
