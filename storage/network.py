"""Where sites hang on the distribution network (issue 16): feeders, and the sites on them.

Feeder codes are kept upper-case without surrounding spaces, so `bpa-03` and `BPA-03 ` are one feeder."""
from __future__ import annotations

import re

from sqlmodel import Session, col, select

from storage.models import Site

FEEDER = re.compile(r"^[A-Z0-9][A-Z0-9\-./_]{0,29}$")


def normal_feeder(code: str) -> str:
    return code.strip().upper()


def known_feeders(session: Session) -> set[str]:
    return {feeder for feeder in session.exec(select(Site.feeder).where(Site.feeder != "").distinct())}


def unknown_feeders(session: Session, feeders: list[str]) -> list[str]:
    """The given codes (normalised) that no site is on, in the order given."""
    known = known_feeders(session)
    return [feeder for feeder in (normal_feeder(f) for f in feeders) if feeder not in known]


def sites_on(session: Session, feeders: list[str]) -> list[Site]:
    codes = [normal_feeder(feeder) for feeder in feeders]
    return list(session.exec(select(Site).where(col(Site.feeder).in_(codes)).order_by(Site.account_id, Site.id)))
