"""`kambot workdays add`: an operator checks a deadline by hand."""
from click.testing import CliRunner

from bot.cli import main


def test_missing_config_file_is_reported(tmp_path):
    result = CliRunner().invoke(main, ["workdays", "add", "2026-04-10", "5", "--config", str(tmp_path / "none.toml")])
    assert result.exit_code != 0 and "config file not found" in result.output


def test_songkran_deadline_and_organisation_day(tmp_path):
    config = tmp_path / "kambot.toml"
    config.write_text('[calendar]\nextra_holidays = { "2026-04-20" = "วันหยุดองค์กร" }\n', encoding="utf-8")
    plain = CliRunner().invoke(main, ["workdays", "add", "2026-04-10", "5"], env={"KAMBOT_CONFIG": ""})
    assert plain.exit_code == 0, plain.output
    assert plain.output.splitlines()[0] == "2026-04-22  วันพุธที่ 22 เม.ย. 2569"
    assert "  skipped 2026-04-13  วันสงกรานต์" in plain.output
    with_day = CliRunner().invoke(main, ["workdays", "add", "2026-04-10", "5", "--config", str(config)])
    assert with_day.output.splitlines()[0] == "2026-04-23  วันพฤหัสบดีที่ 23 เม.ย. 2569"
    assert "  skipped 2026-04-20  วันหยุดองค์กร" in with_day.output
