"""Sites on the network (issue 16): a feeder from the account import (`site@feeder`) and the roster exchange."""
from __future__ import annotations

import io

from storage.db import session_scope
from storage.network import known_feeders, unknown_feeders
from storage.roster import account_by_code, sites_of
from storage.roster_exchange import export_roster, import_roster
from storage.roster_import import import_accounts

ACCOUNTS = """account_code,name,tier,office,kamr,sites
A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,,โรงงาน 1@bpa-03;โรงงาน 2
A200,โรงพยาบาลเมือง,status,PEA-N1,,อาคาร A@BPA 03!
"""


def feeders_of(session, code):
    return {site.name: site.feeder for site in sites_of(session, account_by_code(session, code).id)}


def test_account_import_reads_site_at_feeder_and_refuses_a_bad_code(engine):
    with session_scope(engine) as session:
        result = import_accounts(session, io.StringIO(ACCOUNTS))
    assert result.created == 1
    assert result.errors == ["row 3, column sites: 'BPA 03!' is not a feeder code (letters, digits, - . / _ up to 30; "
                             "write site@feeder)"]
    with session_scope(engine) as session:
        assert feeders_of(session, "A100") == {"โรงงาน 1": "BPA-03", "โรงงาน 2": ""}
        assert known_feeders(session) == {"BPA-03"}
        assert unknown_feeders(session, ["bpa-03", "X9"]) == ["X9"]
    # A re-import naming the other site's feeder moves it; leaving the feeder out changes nothing.
    with session_scope(engine) as session:
        import_accounts(session, io.StringIO("account_code,name,tier,office,kamr,sites\n"
                                             "A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,,โรงงาน 1;โรงงาน 2@BPA-04\n"))
    with session_scope(engine) as session:
        assert feeders_of(session, "A100") == {"โรงงาน 1": "BPA-03", "โรงงาน 2": "BPA-04"}


def test_roster_exchange_carries_feeder_substation_and_estate(engine):
    with session_scope(engine) as session:
        import_accounts(session, io.StringIO(ACCOUNTS.splitlines()[0] + "\n" + ACCOUNTS.splitlines()[1] + "\n"))
    with session_scope(engine) as session:
        out = io.StringIO()
        export_roster(session, out)
    text = out.getvalue()
    assert text.splitlines()[0].endswith(",line,line_name,zone,feeder,substation,estate")
    changed = text.replace("A100,,,,,,,,BPA-03,,", "A100,,,,,,,,BPA-03,สถานีบางปะอิน,นิคมฯ บางปะอิน")
    assert changed != text
    with session_scope(engine) as session:
        result = import_roster(session, io.StringIO(changed + "site,,โรงงาน 3,,,,,,,,A100,,,,,,,,no good,,\n"))
    assert result.errors == ["row 5, column feeder: 'no good' is not a feeder code (letters, digits, - . / _ up to 30)"]
    with session_scope(engine) as session:
        site = sites_of(session, account_by_code(session, "A100").id)[0]
        assert (site.feeder, site.substation, site.estate) == ("BPA-03", "สถานีบางปะอิน", "นิคมฯ บางปะอิน")
    # An older file without the network columns still imports and keeps the feeders.
    old = "\n".join(",".join(line.split(",")[:17]) for line in changed.splitlines()) + "\n"
    with session_scope(engine) as session:
        assert import_roster(session, io.StringIO(old)).errors == []
    with session_scope(engine) as session:
        assert sites_of(session, account_by_code(session, "A100").id)[0].feeder == "BPA-03"
