"""config.example.toml documents every key and, copied as it is, changes nothing (issue 18)."""
from __future__ import annotations

import re
import tomllib
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.config import Config, ConfigError, load_config, parse_config, paths_from_folder

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "config.example.toml"


def test_the_example_as_shipped_is_the_embedded_defaults():
    assert load_config(EXAMPLE).model_dump() == paths_from_folder(Config(), REPO).model_dump()
    assert load_config(EXAMPLE).calendar.extra_holidays == {}  # no sample holiday moving real deadlines


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        inner = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else annotation
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            keys += _keys(inner, f"{prefix}{name}.")
        else:
            keys.append(f"{prefix}{name}")
    return keys


def test_the_example_documents_every_key():
    text = EXAMPLE.read_text(encoding="utf-8")

    def documented(key: str) -> bool:  # as `name = ...` or as a table `[section.name]`, maybe commented out
        name = re.escape(key.rsplit(".", 1)[-1])
        return bool(re.search(rf"^(# )?({name} = |\[[\w.]*\.{name}\]$)", text, re.M))

    undocumented = [key for key in _keys(Config) if not documented(key)]
    assert undocumented == []
    for section in ("[line]", "[database]", "[server]", "[bot]", "[escalation]", "[outbox]", "[calendar]",
                    "[scheduler]", "[reminders]", "[complaints]", "[services]", "[[services.catalogue]]",
                    "[quotas]", "[classification]", "[workload]", "[reports]", "[sheets]", "# [[forms]]"):
        assert section in text, section


def test_the_commented_form_example_is_a_valid_outage_form(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text[text.index("# [[forms]]"):]
    uncommented = "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in block.splitlines())
    config = parse_config(tomllib.loads(uncommented))
    assert [(form.key, form.intent) for form in config.forms] == [("outage", "outage")]
    assert set(config.forms[0].fields.values()) == {"site", "symptom", "started_at", "details", "reporter_name",
                                                    "phone"}


@pytest.mark.parametrize("text, key", [
    ('[bot]\ntimezone = "Asia/Bangkokk"\n', "bot.timezone: Value error, unknown time zone 'Asia/Bangkokk'"),
    ('[reminders]\ncomplaint_digest_time = "24:00"\n', "reminders.complaint_digest_time"),
    ('[reminders]\nvisit_reminder_time = "9am"\n', "reminders.visit_reminder_time"),
    ('[[forms]]\nkey = "x"\nspreadsheet = "s"\nintent = "outage"\n', "forms.0.account_column: Field required"),
    ('[[forms]]\nkey = "x"\nspreadsheet = "s"\nintent = "meter"\naccount_column = "a"\n', "forms.0.intent"),
])
def test_check_config_material_is_refused_naming_the_key(tmp_path, text, key):
    path = tmp_path / "kambot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert key in str(error.value)


def test_paths_in_a_config_file_are_from_its_folder(tmp_path):
    path = tmp_path / "site" / "kambot.toml"
    path.parent.mkdir()
    path.write_text('[database]\nurl = "sqlite:///data/k.sqlite3"\n[sheets]\nservice_account_file = "key.json"\n'
                    '[reports]\noutput_dir = "/srv/reports"\n', encoding="utf-8")
    config = load_config(path)
    assert config.database.url == f"sqlite:///{tmp_path}/site/data/k.sqlite3"
    assert config.sheets.service_account_file == f"{tmp_path}/site/key.json"
    assert config.reports.output_dir == "/srv/reports"
    assert Config().database.url == "sqlite:///var/kambot.sqlite3"  # no file: the current directory
