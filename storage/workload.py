"""KAMR workload (manual 001 §6.1.2): tiers weighted, Streamline not counted, 6..12 per KAMR."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import TIERS, Account, Staff

# A senior KAMR supervises the office's KAMRs (001 §4.13): holding no accounts is their job, not a
# low load; once they hold accounts the 6..12 rule applies to them like to a KAMR (issue 17).
SUPERVISING_WHEN_EMPTY = ("senior_kamr",)


@dataclass(frozen=True)
class LoadRule:
    weights: dict[str, float]
    min_load: float
    max_load: float
    roles: tuple[str, ...]  # judged ([workload] roles); others holding accounts are only listed

    @classmethod
    def from_config(cls, settings) -> "LoadRule":
        return cls(dict(settings.weights), settings.min_load, settings.max_load, tuple(settings.roles))


@dataclass(frozen=True)
class StaffLoad:
    staff: Staff
    counts: dict[str, int]
    load: float
    verdict: str  # "ok", "low", "high", or "" when the rule does not apply to the role

    def describe(self) -> str:
        counts = ", ".join(f"{self.counts.get(tier, 0)} {tier}" for tier in TIERS)
        return f"{self.staff.staff_code} {self.staff.name}: load {self.load:g} ({counts})"


def weighted_load(counts: dict[str, int], weights: dict[str, float]) -> float:
    # Rounded so that 4 Strategic + 6 Star + 5 Status reads 11.8, not 11.800000000000001.
    return round(sum(weights.get(tier, 0.0) * n for tier, n in counts.items()), 6)


def verdict(load: float, rule: LoadRule) -> str:
    if load < rule.min_load:
        return "low"
    if load > rule.max_load:
        return "high"
    return "ok"


def staff_loads(session: Session, rule: LoadRule, *, staff_ids: set[int] | None = None,
                office: str | None = None) -> list[StaffLoad]:
    """Every active KAMR and anyone else holding accounts (or just staff_ids), by office and code."""
    counts: dict[int, Counter] = {}
    rows = session.exec(select(Account.kamr_id, Account.tier, func.count())
                        .where(col(Account.kamr_id).is_not(None)).group_by(Account.kamr_id, Account.tier))
    for kamr_id, tier, n in rows:
        counts.setdefault(kamr_id, Counter())[tier] = n
    query = select(Staff).where(Staff.active).order_by(Staff.office, Staff.staff_code)
    if office:
        query = query.where(Staff.office == office)
    loads = []
    for staff in session.exec(query):
        if staff_ids is not None and staff.id not in staff_ids:
            continue
        if staff.role not in rule.roles and staff.id not in counts:
            continue
        tier_counts = dict(counts.get(staff.id, {}))
        load = weighted_load(tier_counts, rule.weights)
        judged = staff.role in rule.roles and (tier_counts or staff.role not in SUPERVISING_WHEN_EMPTY)
        loads.append(StaffLoad(staff, tier_counts, load, verdict(load, rule) if judged else ""))
    return loads


def streamline_held_by_kamrs(loads: list[StaffLoad], kamr_roles: list[str]) -> list[str]:
    """Streamline accounts are the department head's (001 §4.15.5): one warning per KAMR holding some."""
    return [f"Streamline held by a KAMR (001 §4.15.5: the department head's): {item.staff.staff_code} "
            f"{item.staff.name} holds {item.counts['streamline']}"
            for item in loads if item.staff.role in kamr_roles and item.counts.get("streamline")]


def out_of_range(loads: list[StaffLoad], rule: LoadRule) -> list[str]:
    """One warning per KAMR whose load breaks the rule, naming them."""
    bound = {"low": f"below {rule.min_load:g}", "high": f"above {rule.max_load:g}"}
    return [f"workload {bound[item.verdict]}: {item.describe()}" for item in loads if item.verdict in bound]
