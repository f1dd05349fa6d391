"""The CSV files an operator brings (issue 18): Excel's leftovers, Thai Excel's encoding, repeated codes,
and the sample files in examples/ that the go-live steps import."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from storage.db import make_engine, session_scope
from storage.models import Account, Staff
from storage.roster_exchange import import_roster
from storage.roster_import import import_accounts, import_staff, read_csv_file

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
STAFF = "staff_code,name,role,office\nK001,สมชาย ใจดี,kamr,PEA-N1\nK002,สมหญิง รักงาน,kamr,PEA-N1\n"


def run(engine, importer, text: str):
    with session_scope(engine) as session:
        return importer(session, io.StringIO(text))


def codes(engine, model, column) -> dict[str, str]:
    with session_scope(engine) as session:
        return {getattr(row, column): row.name for row in session.exec(select(model))}


def test_excel_blank_trailing_rows_are_not_rows(engine):
    result = run(engine, import_staff, STAFF + ",,,\n,,,\n\n")
    assert (result.created, result.errors) == (2, [])


def test_a_repeated_staff_code_is_refused_naming_both_rows(engine):
    result = run(engine, import_staff, STAFF + "K001,สมชาย ซ้ำ,kamr,PEA-N1\n")
    assert result.errors == ["row 2, column staff_code: 'K001' is on rows 2 and 4: keep one (none imported)"]
    assert codes(engine, Staff, "staff_code") == {"K002": "สมหญิง รักงาน"}  # which K001 is meant: not guessed


def test_a_repeated_account_code_is_refused_naming_both_rows(engine):
    run(engine, import_staff, STAFF)
    result = run(engine, import_accounts, "account_code,name,tier,office,kamr\nA1,หนึ่ง,star,PEA-N1,K001\n"
                                          "A2,สอง,star,PEA-N1,K001\nA1,หนึ่ง ซ้ำ,status,PEA-N1,K002\n")
    assert result.errors == ["row 2, column account_code: 'A1' is on rows 2 and 4: keep one (none imported)"]
    assert codes(engine, Account, "account_code") == {"A2": "สอง"}


def test_a_repeated_code_in_the_roster_file_is_refused_too(engine):
    header = "record,code,name,office,role,tier,kamr,backup,supervisor,language,account,ca_number,position,phone," \
             "email,line,line_name"
    text = f"{header}\nstaff,K001,สมชาย,PEA-N1,kamr{',' * 12}\nstaff,K001,สมชาย ซ้ำ,PEA-N1,kamr{',' * 12}\n"
    with session_scope(engine) as session:
        result = import_roster(session, io.StringIO(text))
    assert result.errors == ["row 2, column code: 'K001' is on rows 2 and 3: keep one (none imported)"]


@pytest.mark.parametrize("encoding", ["cp874", "tis-620"])
def test_thai_excel_csv_is_answered_with_how_to_save_it(tmp_path, encoding):
    path = tmp_path / "staff.csv"
    path.write_bytes(STAFF.encode(encoding))
    with pytest.raises(ValueError) as error:
        read_csv_file(path)
    assert "CSV UTF-8" in str(error.value)
    assert "บันทึกเป็น" in str(error.value) and "Save As" in str(error.value)  # Thai and English
    assert "TIS-620" in str(error.value)


def test_utf8_with_and_without_excel_bom_reads_the_same(tmp_path):
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    plain.write_text(STAFF, encoding="utf-8")
    bom.write_text(STAFF, encoding="utf-8-sig")
    assert read_csv_file(plain).read() == read_csv_file(bom).read() == STAFF


def test_the_import_command_refuses_a_thai_excel_file_in_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    config = tmp_path / "kambot.toml"
    config.write_text('[database]\nurl = "sqlite:///k.sqlite3"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "init-db"]).exit_code == 0
    path = tmp_path / "staff.csv"
    path.write_bytes(STAFF.encode("cp874"))
    result = runner.invoke(main, ["--config", str(config), "import", "staff", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "CSV UTF-8" in result.stderr


def test_the_example_files_import_cleanly(tmp_path, monkeypatch):
    """The go-live steps of the README, on the shipped samples: no errors, no workload warnings."""
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    config = tmp_path / "kambot.toml"
    config.write_text('[database]\nurl = "sqlite:///k.sqlite3"\n', encoding="utf-8")
    runner = CliRunner()

    def kambot(*args):
        result = runner.invoke(main, ["--config", str(config), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    kambot("init-db")
    staff = kambot("import", "staff", str(EXAMPLES / "staff.csv"))
    assert "4 created, 0 updated, 0 rows with errors" in staff.stdout and staff.stderr == ""
    accounts = kambot("import", "accounts", str(EXAMPLES / "accounts.csv"))
    assert "15 created, 0 updated, 0 rows with errors" in accounts.stdout and accounts.stderr == ""
    written = tmp_path / "key-accounts.csv"
    classified = kambot("accounts", "classify", str(EXAMPLES / "classification.csv"), "--write", str(written))
    assert "7 classified: 1 not key account, 3 star, 1 status, 2 strategic; 0 rows with errors" in classified.stdout
    imported = kambot("import", "accounts", str(written))
    assert "6 created, 0 updated, 0 rows with errors" in imported.stdout
    recorded = kambot("accounts", "classify", str(EXAMPLES / "classification.csv"), "--record", "2026")
    assert "recorded the 2026 selection record of 6 accounts; 1 not in the roster, not recorded: C407" \
        in recorded.stdout  # C407 is no key account, so it was never imported
    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    assert len(codes(engine, Account, "account_code")) == 21
    engine.dispose()
