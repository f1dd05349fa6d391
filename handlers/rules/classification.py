"""The Key Account Selection Matrix (manual 001 §6.1.1): tier from value group and attractiveness.

Pure rules over parsed rows; thresholds come from [classification] in config. An account of
the High Value Customer list (value group H, M or L) is in the main attractiveness group when
any criterion holds; the first one in the manual's order is the one reported as deciding.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

MATRIX = {("H", True): "strategic", ("H", False): "status", ("M", True): "star", ("M", False): "streamline",
          ("L", True): "star", ("L", False): "streamline"}
NOMINATION_TIERS = ("status", "streamline")
REQUIRED_COLUMNS = ("account_code", "name", "office", "value_group")
OPTIONAL_COLUMNS = ("zone", "kamr", "sites", "voltage_kv", "avg_bill_thb", "spp_estate", "generation_mw",
                    "related_business_thb", "maintenance_thb", "strategy_area", "nationwide",
                    "nomination", "nomination_tier", "nomination_note")
NUMBER_COLUMNS = ("voltage_kv", "avg_bill_thb", "generation_mw", "related_business_thb", "maintenance_thb")
YES = {"yes", "y", "true", "1", "ใช่", "มี"}
NO = {"", "no", "n", "false", "0", "ไม่ใช่", "ไม่มี"}


@dataclass
class Candidate:
    """One parsed input row."""

    row: int
    account_code: str
    name: str
    office: str
    value_group: str  # H, M, L, or "" when not on the HVC list
    zone: str = ""
    kamr: str = ""
    sites: str = ""
    voltage_kv: float = 0
    avg_bill_thb: float = 0
    spp_estate: bool = False
    generation_mw: float = 0
    related_business_thb: float = 0
    maintenance_thb: float = 0
    strategy_area: str = ""
    nationwide: bool = False
    nomination: str = ""
    nomination_tier: str = ""
    nomination_note: str = ""


@dataclass
class Classification:
    candidate: Candidate
    tier: str | None  # None: not a key account
    criterion: str  # key of the deciding criterion, "none", "nomination" or "not_listed"
    reason: str  # human-readable: the figure against the threshold
    also_met: list[str] = field(default_factory=list)
    office: str = ""  # the owning office after the nationwide rule


class RowError(ValueError):
    pass


def _mega(value: float) -> str:
    return f"{value / 1_000_000:g} M THB"


def parse_row(number: int, row: dict[str, str], settings) -> Candidate:
    """A Candidate from a CSV row; RowError names the row and column."""
    for column in ("account_code", "name", "office"):
        if not row.get(column):
            raise RowError(f"row {number}, column {column}: empty")
    values: dict = {"row": number, **{k: row.get(k, "") for k in ("account_code", "name", "office", "zone", "kamr",
                                                                    "sites", "nomination_note")}}
    group = row.get("value_group", "").upper()
    if group not in ("H", "M", "L", ""):
        raise RowError(f"row {number}, column value_group: {row['value_group']!r} is not H, M, L or empty")
    values["value_group"] = group
    for column in NUMBER_COLUMNS:
        text = row.get(column, "").replace(",", "")
        try:
            values[column] = float(text) if text else 0.0
        except ValueError:
            raise RowError(f"row {number}, column {column}: {row[column]!r} is not a number") from None
        if values[column] < 0:
            raise RowError(f"row {number}, column {column}: {row[column]!r} is negative")
    for column in ("spp_estate", "nationwide"):
        text = row.get(column, "").lower()
        if text not in YES | NO:
            raise RowError(f"row {number}, column {column}: {row[column]!r} is not yes or no")
        values[column] = text in YES
    values["strategy_area"] = _strategy_area(number, row.get("strategy_area", ""), settings.strategy_areas)
    values.update(_nomination(number, row, settings.nomination_reasons, listed=bool(group)))
    return Candidate(**values)


def _strategy_area(number: int, text: str, areas: list[str]) -> str:
    if not text:
        return ""
    for area in areas:
        if area.casefold() == text.casefold():
            return area
    raise RowError(f"row {number}, column strategy_area: {text!r} is not one of {', '.join(areas)} "
                   "(classification.strategy_areas)")


def _nomination(number: int, row: dict[str, str], reasons: list[str], *, listed: bool) -> dict:
    reason = row.get("nomination", "").lower()
    if not reason:
        return {}
    if reason not in reasons:
        raise RowError(f"row {number}, column nomination: {row['nomination']!r} is not one of {', '.join(reasons)}")
    if reason == "other" and not row.get("nomination_note"):
        raise RowError(f"row {number}, column nomination_note: empty (say why for nomination 'other')")
    tier = row.get("nomination_tier", "").lower()
    if not listed and tier not in NOMINATION_TIERS:
        raise RowError(f"row {number}, column nomination_tier: {row.get('nomination_tier', '')!r} is not status "
                       "or streamline")
    return {"nomination": reason, "nomination_tier": tier}


def _zone_top_codes(candidates: list[Candidate], settings) -> dict[str, tuple[int, int]]:
    """Accounts that qualify by the zone rule: code -> (rank, customers at the bill threshold in the zone).

    A zone (the zone column, else the office) with fewer than zone_top_n customers at the bill
    threshold takes its top zone_top_n listed customers by bill (ties broken by account code).
    """
    by_zone: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        if candidate.value_group and candidate.avg_bill_thb > 0:
            by_zone[candidate.zone or candidate.office].append(candidate)
    chosen: dict[str, tuple[int, int]] = {}
    for members in by_zone.values():
        at_threshold = sum(c.avg_bill_thb >= settings.bill_thb_min for c in members)
        if at_threshold >= settings.zone_top_n:
            continue
        ranked = sorted(members, key=lambda c: (-c.avg_bill_thb, c.account_code))[: settings.zone_top_n]
        chosen.update({c.account_code: (rank, at_threshold) for rank, c in enumerate(ranked, start=1)})
    return chosen


def zone_warnings(candidates: list[Candidate], settings) -> list[str]:
    """The zone rule (001 §6.1.1: top 20 *of the zone*) needs each account's zone; without one the account
    is ranked within its office instead, which the person classifying must be told (issue 17)."""
    if not settings.zone_top_n:
        return []
    missing = [c for c in candidates if c.value_group and c.avg_bill_thb > 0 and not c.zone]
    if not missing:
        return []
    offices = ", ".join(sorted({c.office for c in missing}))
    rows = ", ".join(str(c.row) for c in missing[:10]) + (" ..." if len(missing) > 10 else "")
    return [f"warning: {len(missing)} accounts have no zone (rows {rows}): the top-{settings.zone_top_n} zone rule "
            f"ranked them within their office ({offices}) instead; add a zone column to rank them by zone"]


def _criteria(c: Candidate, settings, zone_top: dict[str, tuple[int, int]]) -> list[tuple[str, str]]:
    """Every attractiveness criterion this account meets, in the manual's order, with its figures."""
    met = []
    if c.voltage_kv >= settings.voltage_kv_min:
        met.append(("voltage", f"buys at {c.voltage_kv:g} kV >= {settings.voltage_kv_min:g} kV"))
    if c.avg_bill_thb >= settings.bill_thb_min:
        met.append(("bill", f"average bill {_mega(c.avg_bill_thb)} >= {_mega(settings.bill_thb_min)}"))
    elif c.account_code in zone_top:
        rank, at_threshold = zone_top[c.account_code]
        zone = f"zone {c.zone}" if c.zone else f"office {c.office} (no zone given)"
        met.append(("bill_zone_top", f"average bill {_mega(c.avg_bill_thb)} is #{rank} of the top "
                                     f"{settings.zone_top_n} in {zone} ({at_threshold} at "
                                     f">= {_mega(settings.bill_thb_min)})"))
    if c.spp_estate and c.avg_bill_thb >= settings.spp_bill_thb_min:
        met.append(("spp_risk", f"SPP estate and average bill {_mega(c.avg_bill_thb)} >= "
                                f"{_mega(settings.spp_bill_thb_min)}"))
    if c.generation_mw >= settings.self_generation_mw_min:
        met.append(("self_generation", f"generates {c.generation_mw:g} MW >= {settings.self_generation_mw_min:g} MW"))
    if c.related_business_thb >= settings.related_business_thb_min:
        met.append(("related_business", f"related business {_mega(c.related_business_thb)} >= "
                                        f"{_mega(settings.related_business_thb_min)}"))
    elif c.maintenance_thb >= settings.maintenance_thb_min:
        met.append(("related_business", f"maintenance {_mega(c.maintenance_thb)}/year >= "
                                        f"{_mega(settings.maintenance_thb_min)}"))
    if c.strategy_area:
        met.append(("national_strategy", f"national strategy area {c.strategy_area}"))
    if c.nationwide:
        met.append(("nationwide", "branches nationwide (owned by head office KAMRs)"))
    return met


def classify(candidates: list[Candidate], settings) -> list[Classification]:
    """Tier and deciding criterion for every candidate, in input order."""
    zone_top = _zone_top_codes(candidates, settings) if settings.zone_top_n else {}
    results = []
    for c in candidates:
        office = settings.head_office if c.nationwide and settings.head_office else c.office
        if not c.value_group:
            results.append(_nominated(c, office))
            continue
        met = _criteria(c, settings, zone_top)
        tier = MATRIX[(c.value_group, bool(met))]
        if met:
            (criterion, reason), also = met[0], [key for key, _ in met[1:]]
        else:
            criterion, reason, also = "none", "no attractiveness criterion met", []
        results.append(Classification(c, tier, criterion, f"value {c.value_group}; {reason}", also, office))
    return results


def _nominated(c: Candidate, office: str) -> Classification:
    if not c.nomination:
        return Classification(c, None, "not_listed", "not on the HVC list and not nominated", office=office)
    note = f": {c.nomination_note}" if c.nomination_note else ""
    return Classification(c, c.nomination_tier, "nomination", f"special case ({c.nomination}{note})", office=office)


# --- the selection record (CRM-KAM-001), issue 17 -----------------------------------------------------

# Criteria that put an account in a risk group (001 §6.1.1: SPP estates, self-generation): the KAMR
# watches these customers for the sales they may take elsewhere.
RISK_CRITERIA = {"spp_risk": "spp", "self_generation": "self_generation"}
SELECTION_COLUMNS = ("account_code", "name", "office", "value_group", "tier", "criterion", "reason", "also_met",
                     "risk_group")


def risk_groups(item: Classification) -> list[str]:
    """The risk groups of a classified account, whether its deciding criterion or one also met."""
    met = [item.criterion, *item.also_met]
    return [group for key, group in RISK_CRITERIA.items() if key in met]


def selection_row(item: Classification) -> tuple:
    """One row of the selection record: the tier, the deciding criterion with its figures, the others met."""
    c = item.candidate
    return (c.account_code, c.name, item.office, c.value_group, item.tier or "", item.criterion, item.reason,
            ";".join(item.also_met), ";".join(risk_groups(item)))
