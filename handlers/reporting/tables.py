"""A report table: machine column names (CSV headers, Sheets) and Thai labels (HTML), rows of plain values."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

ALL_OFFICES = "ทั้งองค์กร"
T = TypeVar("T")


@dataclass
class Table:
    name: str  # file name stem and Sheets tab suffix, e.g. "complaints"
    title: str
    columns: list[str]
    labels: list[str]
    rows: list[list]

    def as_rows(self) -> list[list]:
        """Header and rows, as a spreadsheet range takes them."""
        return [self.columns, *self.rows]

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def per_office(items: Iterable[T], office_of: Callable[[T], str], summarise: Callable[[list[T]], list],
               offices: Iterable[str] = ()) -> list[list]:
    """One row per office (sorted; `offices` listed even when empty), then the organisation's row."""
    groups: dict[str, list[T]] = defaultdict(list)
    for office in offices:
        groups[office]
    everything = list(items)
    for item in everything:
        groups[office_of(item)].append(item)
    rows = [[office, *summarise(groups[office])] for office in sorted(groups)]
    if len(groups) > 1:
        rows.append([ALL_OFFICES, *summarise(everything)])
    return rows


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
