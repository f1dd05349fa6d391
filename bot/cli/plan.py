"""`kambot plan import FILE` and `kambot plan export FILE --year 2026`: the key account plan (CRM-KAM-002)."""
from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import open_database, run_import, with_config
from bot.config import Config
from storage import csv_cells
from storage.db import session_scope


def register(main: click.Group) -> None:
    @main.group()
    def plan() -> None:
        """The key account plan (CRM-KAM-002): planned visits and free services per account and year."""

    @plan.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @with_config
    def plan_import(config: Config, file: Path) -> None:
        """FILE columns: account_code,year,activity (visit or a service code) and optionally
        quarter (1-4, empty: the whole year),benefit,target,note. Good rows are kept; bad ones are named."""
        from bot.clock import utcnow
        from storage.account_plans import import_plan

        activities = ["visit", *(offer.code for offer in config.services.catalogue)]
        run_import(config, file, lambda session, text: import_plan(session, text, activities=activities, now=utcnow()))

    @plan.command("export")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--year", type=int, required=True, help="The quota year, e.g. 2026.")
    @with_config
    def plan_export(config: Config, file: Path, year: int) -> None:
        """Write the year's plan to FILE (the import's columns and `achieved`: yes, no, or empty while not due)."""
        from bot.clock import utcnow
        from handlers.rules.account_plan import assess
        from handlers.thai_dates import bangkok_today
        from storage.account_plans import COLUMNS

        today = bangkok_today(utcnow())
        with session_scope(open_database(config)) as session:
            assessed = assess(session, config.quotas, year, until=today.replace(year=max(today.year, year) + 1),
                              today=today)
            rows = [(a.account.account_code, a.item.year, a.item.quarter or "", a.item.activity, a.item.benefit,
                     a.item.target, a.item.note, ("yes" if a.achieved else "no") if a.due else "")
                    for a in assessed]
        with open(file, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv_cells.writer(handle)
            writer.writerow((*COLUMNS, "achieved"))
            writer.writerows(rows)
        click.echo(f"{file}: {len(rows)} planned activities of {year}, "
                   f"{sum(a.due and a.achieved for a in assessed)} of {sum(a.due for a in assessed)} due achieved")
