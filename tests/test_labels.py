"""Issue 21 item 7: every button label in texts.py is written to fit LINE's 20 characters, in Thai and English,
so LINE never cuts one mid-word ("ตรวจสอบข้อมูลโ…"); service buttons carry names that fit, not codes."""
import string

import pytest

from bot.config import DEFAULT_SERVICES
from bot.line.limits import LABEL_CHARS
from handlers.messages import LABEL_CHARS as NEUTRAL_LABEL_CHARS
from handlers.operations.services import offer_button
from handlers.texts import TEXTS

# What the placeholders of a label hold at their longest in ordinary use; free text (an account's name, a
# rating subject) is shortened by the code that fills it, so it counts as empty here.
SAMPLES = {"number": "CMP-69-00001", "phone": "081-234-5678", "account": "", "label": "", "name": ""}
LABELS = sorted(key for key in TEXTS if key.startswith("btn_"))


def test_the_neutral_limit_is_lines():
    assert NEUTRAL_LABEL_CHARS == LABEL_CHARS


@pytest.mark.parametrize("key", LABELS)
def test_label_fits(key):
    for lang, template in zip(("th", "en"), TEXTS[key]):
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert names <= SAMPLES.keys(), f"{key}: add a sample for {names - SAMPLES.keys()}"
        label = template.format(**SAMPLES)
        assert len(label) <= LABEL_CHARS, f"{key} ({lang}) is {len(label)} characters: {label!r}"


def test_service_buttons_fit_and_show_no_codes():
    for offer in DEFAULT_SERVICES:
        for lang in ("th", "en"):
            label = offer_button(offer, lang)
            assert len(label) <= LABEL_CHARS and offer.code not in label, (offer.code, lang, label)


def test_a_free_value_is_shortened_to_fit_not_cut_by_the_channel():
    from handlers.labels import fitted

    assert fitted("btn_called", "th", "account", account="บริษัท น้ำตาลไทย จำกัด") == "โทรแล้ว บริษัท น้ำต…"
    assert fitted("btn_called", "th", "account", account="บจก. ก") == "โทรแล้ว บจก. ก"
    assert len(fitted("btn_rate_item", "en", "label", label="Visit on 23 Nov 2026 (Somchai)")) == LABEL_CHARS
