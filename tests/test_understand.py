"""Free text outside a dialog: which outages and complaints are recognised, with what pre-filled."""
import pytest

from handlers.understand import Understood, is_greeting, is_only_particles, understand

SITES = ((1, "โรงงาน 1"), (2, "โรงงาน 2"), (3, "Warehouse B"))


@pytest.mark.parametrize("text, expected", [
    ("ไฟดับครับ", Understood("outage", "no_power")),
    ("ไฟดับ", Understood("outage", "no_power")),
    ("ไฟดับที่โรงงาน 2 ค่ะ", Understood("outage", "no_power", 2)),
    ("โรงงาน1 ไฟดับค่ะ", Understood("outage", "no_power", 1)),
    ("ไฟดับที่โรงงาน 12", Understood("outage", "no_power", None)),  # not โรงงาน 1
    ("ไฟดับทั้งโรงงาน 1 และโรงงาน 2", Understood("outage", "no_power", None)),  # two sites: ask
    ("ไฟไม่มาค่ะ", Understood("outage", "no_power")),
    ("ไม่มีไฟเลยนะคะ", Understood("outage", "no_power")),
    ("ไฟตก", Understood("outage", "low_voltage")),
    ("ไฟตกบ่อยมากครับ", Understood("outage", "low_voltage")),
    ("ไฟกระพริบค่ะ", Understood("outage", "flicker")),
    ("ไฟ กะพริบ", Understood("outage", "flicker")),
    ("Power outage at warehouse b!", Understood("outage", "no_power", 3)),
    ("no power", Understood("outage", "no_power")),
    ("NO POWER please", Understood("outage", "no_power")),
    ("ไฟดับบบบ", Understood("outage", "no_power")),
    ("ร้องเรียนค่ะ", Understood("complaint")),
    ("ขอร้องเรียนเรื่องไฟดับบ่อย", Understood("complaint")),
    ("I want to complain", Understood("complaint")),
    ("สวัสดีค่ะ", None),
    ("ขอใบแจ้งหนี้เดือนที่แล้วได้ไหมคะ", None),
    ("", None),
    ("ไฟดับ " + "เล่าเรื่องยาว " * 20, None),  # a long story goes to the KAMR
])
def test_recognised(text, expected):
    assert understand(text, SITES) == expected


@pytest.mark.parametrize("text, expected", [
    ("ครับ", True), ("ค่ะ", True), ("โอเคค่ะ", True), ("ขอบคุณครับ", True), ("ok", True),
    ("มีคำถามค่ะ", False), ("ขอเบอร์ KAMR", False),
])
def test_only_politeness(text, expected):
    assert is_only_particles(text) is expected


@pytest.mark.parametrize("text, expected", [("สวัสดีค่ะ", True), ("Hello!", True), ("สวัสดีค่ะ ขอสอบถามค่าไฟ", False)])
def test_greeting(text, expected):
    assert is_greeting(text) is expected
