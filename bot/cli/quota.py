"""`kambot quota ...` and `kambot visits list|followups`: visit targets, moved plans, the visits, low scores."""
from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime, timezone

import click

from sqlmodel import col, select

from bot.cli.common import open_database, with_config
from bot.config import Config
from handlers.reporting import visit_listing
from handlers.rules import quotas, risk_note
from handlers.rules.roles import may_move_targets
from handlers.rules.scores import low_rating
from handlers.thai_dates import bangkok_today, format_date
from storage import roster, visits
from storage.db import session_scope
from storage.models import Account, Rating, Staff, Visit


def register(main: click.Group) -> None:
    @main.group()
    def quota() -> None:
        """Visit quotas per quarter (000 plan 8 item 03): progress and moved targets."""

    @quota.command("show")
    @click.option("--quarter", "quarter_text", help="e.g. 2026Q4 (default: the current quarter)")
    @with_config
    def quota_show(config: Config, quarter_text: str | None) -> None:
        """Done / target for everyone with a quota."""
        q = _quarter(config, quarter_text)
        with session_scope(open_database(config)) as session:
            rows = quotas.progress(session, config.quotas, q)
            held = risk_note.held_in_risk_groups(session, q.year)
            unnoted = Counter(visit.staff_id for visit, _ in risk_note.risk_visits(session, config.quotas, q.start, q.end)
                              if not risk_note.carries_note(visit))
            represented = quotas.representative_visits(session, q.start, q.end)
        click.echo(f"quarter {q.label}: {q.start.isoformat()} to {q.end.isoformat()}")
        for p in rows:
            mark = "ok" if p.met else f"{len(p.unvisited)} not visited" if p.unvisited else "below target"
            if p.year_short:
                mark = f"{mark if p.done < p.target else 'quarter ok'}, year short by {p.year_short}"
            click.echo(f"{p.staff.staff_code:8} {p.staff.role:16} {p.done:3}/{p.target:<3} {mark}{_year_text(p)}"
                       f"{_risk_text(len(held.get(p.staff.id, [])), unnoted[p.staff.id])}")
        if represented:
            click.echo(_representatives_line(rows, represented))

    @quota.command("plan")
    @click.argument("staff_code")
    @click.argument("year", type=int)
    @click.argument("targets")
    @click.option("--by", "by_code", required=True, help="staff code of the supervisor moving the targets")
    @with_config
    def quota_plan(config: Config, staff_code: str, year: int, targets: str, by_code: str) -> None:
        """Move STAFF_CODE's targets of quota YEAR between quarters: TARGETS like 4,8,6,6.

        Refused when the year's total would fall below the rule (002 §3.1.2(3))."""
        try:
            numbers = [int(part) for part in targets.split(",")]
        except ValueError:
            raise click.ClickException("TARGETS are 4 whole numbers separated by commas, e.g. 4,8,6,6") from None
        with session_scope(open_database(config)) as session:
            person, supervisor = roster.staff_by_code(session, staff_code), roster.staff_by_code(session, by_code)
            if person is None:
                raise click.ClickException(f"no staff with code {staff_code}")
            if supervisor is None or not may_move_targets(supervisor, person):
                raise click.ClickException(_not_the_supervisor(session, by_code, person))
            try:
                quotas.check_year_plan(session, config.quotas, person, year, numbers,
                                       today=bangkok_today(datetime.now(timezone.utc)))
            except quotas.PlanRefused as refusal:
                raise click.ClickException(f"plan refused: {refusal}") from None
            visits.set_plan(session, staff_id=person.id, year=year, targets=numbers, set_by=by_code,
                            now=datetime.now(timezone.utc))
        click.echo(f"{staff_code} {year}: Q1-Q4 targets {','.join(map(str, numbers))} "
                   f"(total {sum(numbers)}, rule {config.quotas.year_rule(person.role)}), set by {by_code}")

    @main.group("visits")
    def visits_group() -> None:
        """Visits and their ratings."""

    @visits_group.command("list")
    @click.option("--quarter", "quarter_text", help="e.g. 2026Q4 (default: the current quarter)")
    @click.option("--staff", "staff_code", help="only the visits made by or for this person")
    @click.option("--csv", "as_csv", is_flag=True, help="CSV for a spreadsheet instead of lines")
    @with_config
    def visit_list(config: Config, quarter_text: str | None, staff_code: str | None, as_csv: bool) -> None:
        """Done visits of a quarter: accounts on the same call, representative, contacts met, late."""
        q = _quarter(config, quarter_text)
        with session_scope(open_database(config)) as session:
            person = roster.staff_by_code(session, staff_code.upper()) if staff_code else None
            if staff_code and person is None:
                raise click.BadParameter(f"no staff member {staff_code!r}", param_hint="--staff")
            rows = visit_listing.rows(session, config.quotas, q.start, q.end, staff_id=person.id if person else None)
        if as_csv:
            writer = csv.writer(click.get_text_stream("stdout"))
            writer.writerow(visit_listing.COLUMNS)
            writer.writerows([[row[c] for c in visit_listing.COLUMNS] for row in rows])
            return
        for row in rows:
            click.echo(visit_listing.line(row))
        if not rows:
            click.echo(f"no done visit in {q.label}")

    @visits_group.command("followups")
    @click.option("--quarter", "quarter_text", help="e.g. 2026Q4 (default: the current quarter)")
    @with_config
    def followups(config: Config, quarter_text: str | None) -> None:
        """Low visit ratings this quarter ([reports] low_score_max): whom to call back (000 plan 6 item 8)."""
        q = _quarter(config, quarter_text)
        with session_scope(open_database(config)) as session:
            rows = session.exec(
                select(Rating, Visit, Account, Staff)
                .join(Visit, col(Visit.id) == Rating.subject_id)
                .join(Account, col(Account.id) == Visit.account_id)
                .join(Staff, col(Staff.id) == Visit.staff_id)
                .where(Rating.subject_kind == "visit", low_rating(config.reports),
                       Visit.visit_date >= q.start, Visit.visit_date <= q.end)
                .order_by(Visit.visit_date)
            ).all()
            for rating, visit, account, staff in rows:
                comment = f" “{rating.comment}”" if rating.comment else ""
                click.echo(f"{format_date(visit.visit_date)}  {account.account_code} {account.name}  "
                           f"{rating.score}/5  visited by {staff.staff_code}{comment}")
        if not rows:
            click.echo(f"no visit rated {config.reports.low_score_max} or less in {q.label}")


def _risk_text(held: int, unnoted: int) -> str:
    """'  risk-group 2, 1 visit without risk note' (CRM-KAM-001); '' for someone with neither."""
    parts = [f"risk-group {held}"] * bool(held) + [f"{unnoted} visit(s) without risk note"] * bool(unnoted)
    return "  " + ", ".join(parts) if parts else ""
def _representatives_line(rows: list[quotas.Progress], represented: dict[int, tuple[int, int]]) -> str:
    """Visits made by a representative (ผู้แทน), and whether the rule credits them (handlers/rules/quotas.py)."""
    parts = []
    for p in rows:
        credited, not_credited = represented.get(p.staff.id, (0, 0))
        counts = [f"{credited} credited"] * bool(credited) + [f"{not_credited} not credited"] * bool(not_credited)
        if counts:
            parts.append(f"{p.staff.staff_code} {', '.join(counts)}")
    return "by representative: " + "; ".join(parts)


def _year_text(p: quotas.Progress) -> str:
    """'  year 4 done + 18 to come, rule 24' for managers (002 §3.1.2(3)); '' for KAMRs."""
    if p.year is None:
        return ""
    to_come = max(p.target - p.done, 0) + p.year.planned_after
    return f"  year {p.year_done} done + {to_come} to come, rule {p.year.rule}"


def _not_the_supervisor(session, by_code: str, person: Staff) -> str:
    """Refusal naming the rule and who may do it instead."""
    supervisor = roster.staff_by_code(session, person.supervisor_code) if person.supervisor_code else None
    instead = (f"ask {supervisor.staff_code} {supervisor.name}" if supervisor is not None and supervisor.active
               else f"{person.staff_code} has no active supervisor in the roster (the supervisor column): set one first")
    return (f"{by_code} may not move {person.staff_code}'s targets: only their own supervisor does "
            f"(002 §3.1.2(3)); {instead}")


def _quarter(config: Config, text: str | None) -> quotas.Quarter:
    if not text:
        return quotas.quarter_of(config.quotas, bangkok_today())
    try:
        return quotas.parse_quarter(config.quotas, text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--quarter") from None
