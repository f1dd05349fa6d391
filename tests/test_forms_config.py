"""[sheets] and [[forms]]: errors name the key; the scheduler polls at the configured interval."""
from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config
from scheduling import scheduled_jobs

FORM = {"key": "outage", "spreadsheet": "KEY", "intent": "outage", "account_column": "รหัสบัญชี"}


@pytest.mark.parametrize("form, message", [
    ({**FORM, "intent": "picnic"}, "forms.0.intent: Input should be 'outage', 'service', 'complaint'"),
    ({**FORM, "fields": {"อาการ": "smell"}}, "forms.0.fields: Value error, 'อาการ' = 'smell': not a field of outage"),
    ({**FORM, "intent": "complaint"}, "forms.0.fields: Value error, complaint forms need a question for details"),
    ({**FORM, "account_kind": "phone"}, "forms.0.account_kind: Input should be 'account_code', 'ca_number' or 'email'"),
    ({**FORM, "colour": "red"}, "forms.0.colour: unknown key"),
])
def test_form_errors_name_the_key(form, message):
    with pytest.raises(ConfigError) as error:
        parse_config({"forms": [form]})
    assert message in str(error.value)


def test_two_forms_may_not_share_a_key():
    with pytest.raises(ConfigError, match="forms: Value error, form key 'outage' is used twice"):
        parse_config({"forms": [FORM, FORM]})


def test_sheets_errors_name_the_key():
    with pytest.raises(ConfigError, match="sheets.poll_seconds: Input should be greater than or equal to 10"):
        parse_config({"sheets": {"poll_seconds": 1}})


def test_the_poll_is_scheduled_only_with_a_service_account_and_at_the_configured_interval(engine):
    assert "forms_poll" not in scheduled_jobs(engine, {"forms": [FORM]})  # no service account: CSV import only
    job = scheduled_jobs(engine, {"forms": [FORM], "sheets": {"service_account_file": "sa.json",
                                                              "poll_seconds": 120}})["forms_poll"]
    assert job.trigger.interval.total_seconds() == 120
