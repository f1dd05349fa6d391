"""Roster commands: `kambot accounts classify`, `kambot staff load`, `kambot roster export|import`."""
from __future__ import annotations

import functools
import sys
from collections import Counter
from pathlib import Path

import click

from bot.cli.common import open_database, run_import, with_config
from bot.config import Config
from storage import csv_cells
from storage.db import session_scope

IMPORT_COLUMNS = ("account_code", "name", "tier", "office", "kamr", "sites")


def routes_missing(session, config: Config) -> list[str]:
    """One line per account and office whose reports would reach nobody on LINE, then the count;
    empty when every one has a route (`kambot roster routes`, `kambot check-config`)."""
    from handlers.operations.escalating import accounts_without_route, offices_without_route

    accounts = accounts_without_route(session, config.escalation)
    offices = offices_without_route(session, config.escalation)
    if not accounts and not offices:
        return []
    return [*(f"account {a.account_code} {a.name} ({a.office}): no route to a person on LINE ({', '.join(reasons)})"
              for a, reasons in accounts),
            *(f"office {office}: no one on LINE in the escalation chain's roles" for office in offices),
            f"{len(accounts)} accounts and {len(offices)} offices without a route"]


def register(main: click.Group) -> None:
    @main.group()
    def accounts() -> None:
        """Key accounts: tiering by the Key Account Selection Matrix."""


    @accounts.command("classify")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--write", "out", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write the key accounts as a CSV for `kambot import accounts`, and beside it the "
                       "selection record (CRM-KAM-001) OUT-selection.csv.")
    @click.option("--record", "record_year", type=click.IntRange(2000, 2100),
                  help="Store the selection record (CRM-KAM-001) of this quota year for every classified account "
                       "that is in the roster; risk-group accounts are then marked and their visits need a risk note.")
    @click.option("--by", "decided_by", default="", help="Who decided (kept with the record), e.g. a staff code.")
    @with_config
    def classify_command(config: Config, file: Path, out: Path | None, record_year: int | None,
                         decided_by: str) -> None:
        """Tier every account of FILE and say which criterion decided it.

        FILE columns: account_code,name,office,value_group (H/M/L, empty when not on the HVC list)
        and optionally zone,kamr,sites,voltage_kv,avg_bill_thb,spp_estate,generation_mw,
        related_business_thb,maintenance_thb,strategy_area,nationwide,nomination,nomination_tier,nomination_note.
        """
        from handlers.rules.classification import (OPTIONAL_COLUMNS, REQUIRED_COLUMNS, RowError, classify, parse_row,
                                                    risk_groups, zone_warnings)
        from storage.roster_import import read_csv_file, read_rows

        settings = config.classification
        candidates, errors = [], []
        try:
            for number, row in read_rows(read_csv_file(file), REQUIRED_COLUMNS, OPTIONAL_COLUMNS):
                try:
                    candidates.append(parse_row(number, row, settings))
                except RowError as error:
                    errors.append(str(error))
        except ValueError as error:
            raise click.ClickException(f"{file}: {error}") from None
        results = classify(candidates, settings)
        for item in results:
            c = item.candidate
            also = f" (also: {', '.join(item.also_met)})" if item.also_met else ""
            office = f" -> office {item.office}" if item.office != c.office else ""
            click.echo(f"{c.account_code}\t{item.tier or '-'}\t{item.criterion}\t{c.name}: {item.reason}{also}{office}")
        for error in errors:
            click.echo(f"{file}: {error}", err=True)
        for warning in zone_warnings(candidates, settings):
            click.echo(f"{file}: {warning}", err=True)
        tiers = Counter(item.tier or "not key account" for item in results)
        click.echo(f"{len(results)} classified: " + ", ".join(f"{n} {tier}" for tier, n in sorted(tiers.items()))
                   + f"; {len(errors)} rows with errors")
        if out:
            _write_import_file(out, [item for item in results if item.tier])
            click.echo(f"wrote {out} (kambot import accounts {out})")
            record = out.with_name(f"{out.stem}-selection.csv")
            _write_selection_record(record, results)
            risky = sum(bool(risk_groups(item)) for item in results if item.tier)
            click.echo(f"wrote {record}: the selection record (CRM-KAM-001), deciding criterion of every account; "
                       f"{risky} key accounts in a risk group (SPP, self-generation)")
        if record_year:
            stored, skipped = _store_selection(config, results, record_year, decided_by or "kambot accounts classify")
            click.echo(f"recorded the {record_year} selection record of {stored} accounts"
                       + (f"; {len(skipped)} not in the roster, not recorded: {', '.join(skipped[:10])}"
                          + (" ..." if len(skipped) > 10 else "") if skipped else ""))
        if errors:
            sys.exit(1)


    @accounts.group("selection")
    def selection_group() -> None:
        """The stored selection record (CRM-KAM-001) as CSV."""

    @selection_group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--by", "decided_by", default="", help="Who decided, for rows without decided_by.")
    @with_config
    def selection_import(config: Config, file: Path, decided_by: str) -> None:
        """FILE columns: account_code,year,tier (empty: not a key account),criterion and optionally
        name,office,reason,also_met,risk_group (spp;self_generation),decided_at,decided_by, as `export` writes
        them. Good rows are kept; bad ones are named by row and column."""
        from bot.clock import utcnow
        from storage.selection import import_records

        run_import(config, file, lambda session, text: import_records(session, text, now=utcnow(),
                                                                    by=decided_by or f"import {file.name}"))

    @selection_group.command("export")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--year", type=int, required=True, help="The quota year, e.g. 2026.")
    @with_config
    def selection_export(config: Config, file: Path, year: int) -> None:
        """Write the year's stored selection record to FILE (the import's columns)."""
        from storage.selection import COLUMNS, export_rows

        with session_scope(open_database(config)) as session:
            rows = export_rows(session, year)
        with open(file, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv_cells.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        click.echo(f"{file}: the {year} selection record of {len(rows)} accounts, "
                   f"{sum(bool(row[8]) for row in rows)} in a risk group")

    @main.group()
    def staff() -> None:
        """Staff: KAMR workload."""


    @staff.command("load")
    @click.option("--office", default=None, help="Only this office.")
    @with_config
    def staff_load(config: Config, office: str | None) -> None:
        """Each KAMR's weighted load (Strategic 1.0, Star 0.8, Status 0.6); flags anyone outside 6-12."""
        from storage.workload import LoadRule, staff_loads, streamline_held_by_kamrs

        rule = LoadRule.from_config(config.workload)
        with session_scope(open_database(config)) as session:
            loads = staff_loads(session, rule, office=office)
        flags = {"low": f"LOW (< {rule.min_load:g})", "high": f"HIGH (> {rule.max_load:g})", "ok": "ok", "": "-"}
        click.echo("office\tstaff\tstrategic\tstar\tstatus\tstreamline\tload\tcheck")
        for item in loads:
            counts = "\t".join(str(item.counts.get(tier, 0)) for tier in ("strategic", "star", "status", "streamline"))
            click.echo(f"{item.staff.office}\t{item.staff.staff_code} {item.staff.name}\t{counts}\t{item.load:g}\t"
                       f"{flags[item.verdict]}")
        flagged = [item for item in loads if item.verdict in ("low", "high")]
        for warning in streamline_held_by_kamrs(loads, config.quotas.kamr_roles):
            click.echo(warning)
        for line in _risk_group_lines(config, [item.staff for item in loads]):
            click.echo(line)
        click.echo(f"{len(loads)} staff, {len(flagged)} outside {rule.min_load:g}-{rule.max_load:g}")


    @main.group()
    def roster() -> None:
        """The CRM-KAM-005 roster (staff, key accounts, sites, contacts) as one CSV file."""


    @roster.command("export")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @with_config
    def roster_export(config: Config, file: Path) -> None:
        """Write the whole roster to FILE (UTF-8; see README, Roster exchange)."""
        from storage.roster_exchange import export_roster

        with session_scope(open_database(config)) as session, \
                open(file, "w", newline="", encoding="utf-8-sig") as handle:
            count = export_roster(session, handle)
        click.echo(f"{file}: {count} rows")


    @roster.command("routes")
    @with_config
    def roster_routes(config: Config) -> None:
        """Accounts and offices whose reports would reach nobody on LINE (exit 1 when there are any)."""
        with session_scope(open_database(config)) as session:
            gaps = routes_missing(session, config)
        for line in gaps:
            click.echo(line)
        if gaps:
            sys.exit(1)
        click.echo("every account and office has a route to a person on LINE")

    @roster.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--deactivate-missing", is_flag=True,
                  help="Contacts of the file's accounts, and staff, that the file leaves out are marked inactive "
                       "and unlinked from LINE (told so). Nothing happens if any row has an error.")
    @with_config
    def roster_import(config: Config, file: Path, deactivate_missing: bool) -> None:
        """Read a roster FILE as `roster export` writes it: updates by key, never deletes."""
        from storage.roster_exchange import import_roster
        from storage.workload import LoadRule

        on_missing = _deactivate if deactivate_missing else None
        run_import(config, file, functools.partial(import_roster, load_rule=LoadRule.from_config(config.workload),
                                                on_missing=on_missing))


def _risk_group_lines(config: Config, people) -> list[str]:
    """'risk-group accounts (CRM-KAM-001): K001 สมชาย holds 2 (A001 spp, A003 self_generation)' per holder."""
    from bot.clock import utcnow
    from handlers.rules import quotas, risk_note
    from handlers.thai_dates import bangkok_today

    year = quotas.quarter_of(config.quotas, bangkok_today(utcnow())).year
    with session_scope(open_database(config)) as session:
        held = risk_note.held_in_risk_groups(session, year)
    return [f"risk-group accounts (CRM-KAM-001): {person.staff_code} {person.name} holds {len(held[person.id])} ("
            + ", ".join(f"{account.account_code} {'+'.join(groups)}" for account, groups in held[person.id]) + ")"
            for person in people if person.id in held]


def _deactivate(session, person) -> None:
    from bot.line.notifier import notifier_for
    from bot.clock import utcnow
    from handlers.operations import people

    now = utcnow()
    people.remove(session, person, now=now, notifier=notifier_for(session, now))


def _store_selection(config: Config, results, year: int, decided_by: str) -> tuple[int, list[str]]:
    """Store each classified account's record; the codes of those not in the roster are returned."""
    from sqlmodel import select

    from bot.clock import utcnow
    from handlers.rules.classification import risk_groups
    from storage import selection
    from storage.models import Account

    now, skipped, stored = utcnow(), [], 0
    with session_scope(open_database(config)) as session:
        accounts = {a.account_code.upper(): a for a in session.exec(select(Account))}
        for item in results:
            account = accounts.get(item.candidate.account_code.upper())
            if account is None:
                skipped.append(item.candidate.account_code)
                continue
            selection.record(session, account, year, tier=item.tier or "", criterion=item.criterion,
                             reason=item.reason, also_met=item.also_met, risk_groups=risk_groups(item), now=now,
                             by=decided_by)
            stored += 1
    return stored, skipped


def _write_selection_record(path: Path, results) -> None:
    from handlers.rules.classification import SELECTION_COLUMNS, selection_row

    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv_cells.writer(handle)
        writer.writerow(SELECTION_COLUMNS)
        writer.writerows(selection_row(item) for item in results)


def _write_import_file(path: Path, results) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv_cells.writer(handle)
        writer.writerow(IMPORT_COLUMNS)
        for item in results:
            c = item.candidate
            writer.writerow((c.account_code, c.name, item.tier, item.office, c.kamr, c.sites))
