"""KAMR workload (001 §6.1.2): the manual's example, the 6..12 rule, warnings on import."""
from __future__ import annotations

import io

from click.testing import CliRunner

from bot.cli import main
from bot.config import WorkloadConfig
from storage.db import session_scope
from storage.roster_import import import_accounts, import_staff
from storage.workload import LoadRule, staff_loads, weighted_load

RULE = LoadRule.from_config(WorkloadConfig())
STAFF = """staff_code,name,role,office
K001,สมชาย ใจดี,kamr,PEA-N1
K002,สมหญิง รักงาน,kamr,PEA-N1
K003,ว่าง งาน,kamr,PEA-N1
H001,หัวหน้า แผนก,dept_head,PEA-N1
"""


def accounts_csv(plan: dict[str, dict[str, int]]) -> str:
    lines, n = ["account_code,name,tier,office,kamr"], 0
    for kamr, tiers in plan.items():
        for tier, count in tiers.items():
            for _ in range(count):
                n += 1
                lines.append(f"A{n:03d},บริษัท {n},{tier},PEA-N1,{kamr}")
    return "\n".join(lines) + "\n"


# K001: the manual's example; K002: 10 Strategic + 3 Star = 12.4; H001 holds Streamline only.
PLAN = {"K001": {"strategic": 4, "star": 6, "status": 5, "streamline": 3},
        "K002": {"strategic": 10, "star": 3}, "H001": {"streamline": 4}}


def test_manuals_example_weighs_11_8():
    assert weighted_load({"strategic": 4, "star": 6, "status": 5}, RULE.weights) == 11.8
    assert weighted_load({"strategic": 4, "star": 6, "status": 5, "streamline": 9}, RULE.weights) == 11.8


def test_loads_from_the_database_and_the_verdicts(engine):
    with session_scope(engine) as session:
        import_staff(session, io.StringIO(STAFF))
        import_accounts(session, io.StringIO(accounts_csv(PLAN)))
        loads = {item.staff.staff_code: item for item in staff_loads(session, RULE)}
    assert (loads["K001"].load, loads["K001"].verdict) == (11.8, "ok")
    assert loads["K001"].counts == {"strategic": 4, "star": 6, "status": 5, "streamline": 3}
    assert (loads["K002"].load, loads["K002"].verdict) == (12.4, "high")
    assert (loads["K003"].load, loads["K003"].verdict) == (0, "low")  # a KAMR without accounts
    assert (loads["H001"].load, loads["H001"].verdict) == (0, "")  # not a KAMR role: listed, not judged


def test_import_warns_naming_the_kamrs_that_break_the_rule(engine):
    with session_scope(engine) as session:
        import_staff(session, io.StringIO(STAFF))
        result = import_accounts(session, io.StringIO(accounts_csv(PLAN)), load_rule=RULE)
    assert result.errors == []
    assert result.warnings == [
        "workload above 12: K002 สมหญิง รักงาน: load 12.4 (10 strategic, 3 star, 0 status, 0 streamline)"]
    # Moving one Strategic account from K002 to K001 puts K001 above 12 and K002 in range.
    with session_scope(engine) as session:
        moved = import_accounts(session, io.StringIO("account_code,name,tier,office,kamr\n"
                                                     "A019,บริษัท 19,strategic,PEA-N1,K001\n"), load_rule=RULE)
    assert moved.warnings == [
        "workload above 12: K001 สมชาย ใจดี: load 12.8 (5 strategic, 6 star, 5 status, 3 streamline)"]


def test_staff_load_command_flags_anyone_outside_6_to_12(tmp_path):
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "db.sqlite3"}"\n', encoding="utf-8")
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(accounts_csv(PLAN), encoding="utf-8")
    runner = CliRunner()
    for args in (["init-db"], ["import", "staff", str(tmp_path / "staff.csv")]):
        assert runner.invoke(main, [*args, "--config", str(config)]).exit_code == 0
    imported = runner.invoke(main, ["import", "accounts", str(tmp_path / "accounts.csv"), "--config", str(config)])
    assert "warning: workload above 12: K002" in imported.stderr
    result = runner.invoke(main, ["staff", "load", "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "PEA-N1\tK001 สมชาย ใจดี\t4\t6\t5\t3\t11.8\tok" in lines
    assert "PEA-N1\tK002 สมหญิง รักงาน\t10\t3\t0\t0\t12.4\tHIGH (> 12)" in lines
    assert "PEA-N1\tK003 ว่าง งาน\t0\t0\t0\t0\t0\tLOW (< 6)" in lines
    assert "PEA-N1\tH001 หัวหน้า แผนก\t0\t0\t0\t4\t0\t-" in lines
    assert lines[-1] == "4 staff, 2 outside 6-12"


def test_the_judged_roles_come_from_config(engine):
    rule = LoadRule.from_config(WorkloadConfig(roles=["kamr", "dept_head"]))
    with session_scope(engine) as session:
        import_staff(session, io.StringIO(STAFF))
        import_accounts(session, io.StringIO(accounts_csv(PLAN)))
        loads = {item.staff.staff_code: item.verdict for item in staff_loads(session, rule)}
    assert loads["H001"] == "low"  # 4 Streamline weigh nothing
