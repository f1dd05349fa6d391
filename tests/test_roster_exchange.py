"""CRM-KAM-005 roster exchange: one CSV of staff, accounts, sites and contacts; export -> import -> export is identical."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from storage.db import make_engine, session_scope
from storage.models import Contact, Site
from storage.roster import account_by_code
from storage.roster_exchange import export_roster, import_roster
from storage.roster_import import import_accounts, import_staff
from tests.conftest import ACCOUNTS_CSV, STAFF_CSV

LINKED_AT = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)


def seed(engine) -> None:
    with session_scope(engine) as session:
        import_staff(session, io.StringIO(STAFF_CSV))
        import_accounts(session, io.StringIO(ACCOUNTS_CSV))
        a100 = account_by_code(session, "A100")
        site = session.exec(select(Site).where(Site.name == "โรงงาน 1")).one()
        site.ca_number = "020012345678"  # leading zero kept: codes are text
        session.add(site)
        session.add(Contact(account_id=a100.id, line_user_id="Uline1", display_name="Somchai LINE", linked_at=LINKED_AT))
        session.add(Contact(account_id=a100.id, name="วิไล ขยัน", position="ผู้จัดการโรงงาน", phone="0812345678",
                            email="wilai@example.co.th"))


def export(engine) -> str:
    with session_scope(engine) as session:
        out = io.StringIO()
        export_roster(session, out)
        return out.getvalue()


def load(engine, text: str):
    with session_scope(engine) as session:
        return import_roster(session, io.StringIO(text))


def test_export_layout(engine):
    seed(engine)
    lines = export(engine).splitlines()
    assert lines[0] == ("record,code,name,office,role,tier,kamr,backup,supervisor,language,account,ca_number,"
                        "position,phone,email,line,line_name,zone,feeder,substation,estate")
    assert lines[1] == "staff,K001,สมชาย ใจดี,PEA-N1,kamr,,,Z001,S001,th,,,,,,,,,,,"
    assert "account,A100,บริษัท น้ำตาลไทย จำกัด,PEA-N1,,strategic,K001,,,,,,,,,,,,,," in lines
    assert "site,,โรงงาน 1,,,,,,,,A100,020012345678,,,,,,,,," in lines
    assert "site,,โรงงาน 2,,,,,,,,A100,,,,,,,,,," in lines
    contacts = [line for line in lines if line.startswith("contact,")]
    assert contacts[0].endswith(",,,,,,,,th,A100,,,,,yes,Somchai LINE,,,,")
    assert contacts[1].endswith(",วิไล ขยัน,,,,,,,th,A100,,ผู้จัดการโรงงาน,0812345678,wilai@example.co.th,,,,,,")
    assert len(lines) == 1 + 4 + 2 + 2 + 2


def test_export_import_export_is_identical_and_changes_nothing(engine):
    seed(engine)
    first = export(engine)
    result = load(engine, first)
    assert (result.created, result.errors) == (0, [])
    assert result.updated == 10
    assert export(engine) == first


def test_edits_update_by_key_and_a_line_contact_gets_its_roster_name(engine):
    seed(engine)
    text = export(engine)
    text = text.replace(",0812345678,", ",021234567,").replace(
        ",,,,,,,,th,A100,,,,,yes,Somchai LINE", ",สมชาย ลูกค้า,,,,,,,th,A100,,วิศวกร,,,yes,Somchai LINE")
    text += "contact,,มานี ใหม่,,,,,,,,A200,,,0899999999,,,\nsite,,อาคาร 2,,,,,,,,A200,000123,,,,,\n"
    result = load(engine, text)
    assert result.errors == [] and result.created == 2
    with session_scope(engine) as session:
        contacts = {c.name: c for c in session.exec(select(Contact))}
        assert contacts["วิไล ขยัน"].phone == "021234567"
        assert contacts["สมชาย ลูกค้า"].line_user_id == "Uline1"  # the same contact, now named
        assert contacts["มานี ใหม่"].line_user_id is None and contacts["มานี ใหม่"].phone == "0899999999"
        assert len(contacts) == 3
        assert session.exec(select(Site).where(Site.name == "อาคาร 2")).one().ca_number == "000123"


def test_into_an_empty_database(engine, tmp_path):
    seed(engine)
    text = export(engine)
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    from sqlmodel import SQLModel
    SQLModel.metadata.create_all(other)
    result = load(other, text)
    # The LINE-only contact has no roster name: it cannot be made without LINE and is named.
    assert result.errors == ["row 10, column name: empty (a new contact needs a name)"]
    assert result.created == 9
    again = export(other)
    other.dispose()
    assert [line for line in again.splitlines() if not line.startswith("contact,")] == \
           [line for line in text.splitlines() if not line.startswith("contact,")]
    assert ",วิไล ขยัน,,,,,,,th,A100,,ผู้จัดการโรงงาน,0812345678,wilai@example.co.th,," in again


def test_bad_rows_are_named_and_the_rest_imported(engine):
    seed(engine)
    header = export(engine).splitlines()[0]
    text = "\n".join([
        header,
        "vendor,X1,x,,,,,,,,,,,,,,",
        "staff,K009,ใหม่,PEA-N1,kamr,strategic,,,,,,,,,,,",
        "staff,,ไม่มีรหัส,PEA-N1,kamr,,,,,,,,,,,,",
        "site,,โรงงาน 9,,,,,,,,A200,020012345678,,,,,",
        "site,,โรงงาน 9,,,,,,,,A999,,,,,,",
        "contact,,คน หนึ่ง,,,,,,,,A200,,,08-1234,not-an-email,,",
        "account,A300,บริษัท ใหม่,PEA-N1,,gold,,,,,,,,,,,",
        "contact,,คน สอง,,,,,,,,A200,,,+66 81 234 5678,two@example.com,,",
    ]) + "\n"
    result = load(engine, text)
    assert result.errors == [
        "row 2, column record: 'vendor' is not one of staff, account, site, contact",
        "row 3, column tier: not used by staff rows (leave it empty)",
        "row 4, column code: empty",
        "row 5, column ca_number: 020012345678 already belongs to A100 โรงงาน 1",
        "row 6, column account: unknown account_code 'A999'",
        "row 7, column email: 'not-an-email' is not an e-mail address",
        "row 8, column tier: 'gold' is not one of strategic, star, status, streamline",
    ]  # in file order, whatever order the records were imported in
    assert result.created == 1  # คน สอง


def test_roster_commands(tmp_path):
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "db.sqlite3"}"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init-db", "--config", str(config)]).exit_code == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    seed(engine)
    engine.dispose()
    first, second = tmp_path / "roster.csv", tmp_path / "roster2.csv"
    exported = runner.invoke(main, ["roster", "export", str(first), "--config", str(config)])
    assert exported.exit_code == 0 and f"{first}: 10 rows" in exported.stdout
    imported = runner.invoke(main, ["roster", "import", str(first), "--config", str(config)])
    assert imported.exit_code == 0, imported.output
    assert "0 created, 10 updated, 0 rows with errors" in imported.stdout
    assert "warning: workload below 6: K001" in imported.stderr
    runner.invoke(main, ["roster", "export", str(second), "--config", str(config)])
    assert second.read_bytes() == first.read_bytes()
    assert first.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens Thai UTF-8 only with the BOM
