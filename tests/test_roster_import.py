"""Roster CSV import: good rows kept, bad rows named by row and column, re-import updates."""
from __future__ import annotations

import io

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import Account, Site, Staff
from storage.roster import account_by_code, sites_of, staff_by_code
from storage.roster_import import import_accounts, import_staff

STAFF = """staff_code,name,role,office,backup,supervisor,language
K001,สมชาย ใจดี,kamr,PEA-N1,Z001,S001,th
Z001,วีระ ประจำเขต,zone_kamr,PEA-N1,,S001,
S001,อรุณ หัวหน้า,senior_kamr,PEA-N1,,,en
"""
ACCOUNTS = """account_code,name,tier,office,kamr,sites
A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,K001,โรงงาน 1;โรงงาน 2
A200,โรงพยาบาลเมือง,status,PEA-N1,,
"""


def run(engine, importer, text: str):
    with session_scope(engine) as session:
        return importer(session, io.StringIO(text))


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return len(session.exec(select(model)).all())


def test_valid_staff_and_accounts(engine):
    staff = run(engine, import_staff, STAFF)
    assert (staff.created, staff.updated, staff.errors) == (3, 0, [])
    accounts = run(engine, import_accounts, ACCOUNTS)
    assert (accounts.created, accounts.updated, accounts.errors) == (2, 0, [])
    with session_scope(engine) as session:
        k001 = staff_by_code(session, "K001")
        assert (k001.name, k001.role, k001.office, k001.backup_code, k001.supervisor_code, k001.language) == (
            "สมชาย ใจดี", "kamr", "PEA-N1", "Z001", "S001", "th")
        assert staff_by_code(session, "Z001").language == "th"  # empty means the default
        assert staff_by_code(session, "S001").language == "en"
        a100 = account_by_code(session, "A100")
        assert (a100.name, a100.tier, a100.kamr_id) == ("บริษัท น้ำตาลไทย จำกัด", "strategic", k001.id)
        assert [s.name for s in sites_of(session, a100.id)] == ["โรงงาน 1", "โรงงาน 2"]
        assert account_by_code(session, "A200").kamr_id is None


def test_reimport_updates_instead_of_duplicating(engine):
    run(engine, import_staff, STAFF)
    run(engine, import_accounts, ACCOUNTS)
    again = run(engine, import_staff, STAFF.replace("สมชาย ใจดี,kamr", "สมชาย ใหม่,kamr"))
    assert (again.created, again.updated, again.errors) == (0, 3, [])
    accounts = run(engine, import_accounts, ACCOUNTS.replace("strategic", "star"))
    assert (accounts.created, accounts.updated, accounts.errors) == (0, 2, [])
    assert count(engine, Staff) == 3
    assert count(engine, Account) == 2
    assert count(engine, Site) == 2
    with session_scope(engine) as session:
        assert staff_by_code(session, "K001").name == "สมชาย ใหม่"
        assert account_by_code(session, "A100").tier == "star"


@pytest.mark.parametrize("importer, text, column", [
    (import_staff, "staff_code,name,office\nK001,x,PEA\n", "role"),
    (import_accounts, "account_code,name,tier,office\nA1,x,star,PEA\n", "kamr"),
])
def test_missing_column_is_named(engine, importer, text, column):
    with pytest.raises(ValueError) as error:
        run(engine, importer, text)
    assert "missing column" in str(error.value)
    assert column in str(error.value)


def test_unknown_column_is_named(engine):
    with pytest.raises(ValueError) as error:
        run(engine, import_staff, "staff_code,name,role,office,fax\nK001,x,kamr,PEA,0812345678\n")
    assert "fax" in str(error.value)


def test_tier_and_role_in_other_case_are_accepted(engine):
    result = run(engine, import_staff, "staff_code,name,role,office\nK001,x,KAMR,PEA\n")
    assert result.errors == []
    result = run(engine, import_accounts, "account_code,name,tier,office,kamr\nA1,x,Strategic,PEA,K001\n")
    assert result.errors == [] and result.created == 1
    with session_scope(engine) as session:
        assert account_by_code(session, "A1").tier == "strategic"
        assert staff_by_code(session, "K001").role == "kamr"


def test_sites_split_on_semicolon_and_bar_without_duplicates(engine):
    text = "account_code,name,tier,office,kamr,sites\nA1,x,star,PEA,,a;b|c\n"
    run(engine, import_accounts, text)
    run(engine, import_accounts, text)
    run(engine, import_accounts, "account_code,name,tier,office,kamr,sites\nA1,x,star,PEA,, c ; a \n")
    with session_scope(engine) as session:
        assert sorted(s.name for s in sites_of(session, account_by_code(session, "A1").id)) == ["a", "b", "c"]
    assert count(engine, Site) == 3


def test_backup_defined_later_in_the_same_file(engine):
    result = run(engine, import_staff, "staff_code,name,role,office,backup\nK001,x,kamr,PEA,Z001\nZ001,y,zone_kamr,PEA,\n")
    assert (result.created, result.errors) == (2, [])
    with session_scope(engine) as session:
        assert staff_by_code(session, "K001").backup_code == "Z001"


def test_backup_already_in_database(engine):
    run(engine, import_staff, "staff_code,name,role,office\nZ001,y,zone_kamr,PEA\n")
    result = run(engine, import_staff, "staff_code,name,role,office,backup\nK001,x,kamr,PEA,Z001\n")
    assert result.errors == []


def test_bad_rows_are_named_and_good_rows_kept(engine):
    text = ("staff_code,name,role,office,backup,supervisor\n"
            "K001,x,kamr,PEA,,\n"
            "K002,y,kamr,PEA,NOBODY,\n"
            "K003,z,chief,PEA,,\n"
            "K004,w,kamr,PEA,,GHOST\n"
            ",v,kamr,PEA,,\n")
    result = run(engine, import_staff, text)
    assert result.created == 1
    assert len(result.errors) == 4
    assert result.errors[0].startswith("row 3, column backup:") and "NOBODY" in result.errors[0]
    assert result.errors[1].startswith("row 4, column role:") and "chief" in result.errors[1]
    assert result.errors[2].startswith("row 5, column supervisor:")
    assert result.errors[3].startswith("row 6, column staff_code:")
    assert count(engine, Staff) == 1


def test_account_with_unknown_kamr_or_tier(engine):
    run(engine, import_staff, STAFF)
    text = ("account_code,name,tier,office,kamr\n"
            "A1,x,star,PEA,K001\n"
            "A2,y,star,PEA,K999\n"
            "A3,z,gold,PEA,K001\n")
    result = run(engine, import_accounts, text)
    assert result.created == 1
    assert result.errors[0].startswith("row 3, column kamr:") and "K999" in result.errors[0]
    assert result.errors[1].startswith("row 4, column tier:")
    assert count(engine, Account) == 1


def test_padded_headers_and_cells(engine):
    result = run(engine, import_staff, "staff_code, name ,role,office\n K001 ,x,kamr,PEA\n")
    assert result.errors == []
    with session_scope(engine) as session:
        assert staff_by_code(session, "K001") is not None
