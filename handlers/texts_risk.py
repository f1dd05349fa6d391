"""Sentences of the risk groups (CRM-KAM-001 selection record) and the risk note on visits (issue 17)."""
from __future__ import annotations

RISK_TEXTS: dict[str, tuple[str, str]] = {
    "risk_mark": ("⚠️ กลุ่มเสี่ยง: {groups}", "⚠️ Risk group: {groups}"),
    "risk_group_spp": ("SPP", "SPP"),
    "risk_group_self_generation": ("ผลิตไฟใช้เอง", "self-generation"),
    "risk_none_seen": ("ไม่พบความเสี่ยง", "No risk seen"),
    "btn_risk_none_seen": ("ไม่พบความเสี่ยง", "No risk seen"),
    "visit_ask_risk": (
        "{account} เป็นลูกค้ากลุ่มเสี่ยง ({groups}) กรุณาพิมพ์สิ่งที่พบเรื่องการแข่งขันจาก SPP หรือแผนผลิตไฟใช้เอง "
        "ก่อนบันทึกการเยี่ยม หรือกด ‘ไม่พบความเสี่ยง’",
        "{account} is in a risk group ({groups}). Type what you saw about SPP competition or self-generation "
        "plans before the visit is recorded, or tap ‘No risk seen’."),
    "risk_note_missing": ("⚠️ ไม่มีบันทึกความเสี่ยง (ลูกค้ากลุ่มเสี่ยง)", "⚠️ No risk note (risk-group customer)"),
    "risk_note_missing_form": (
        "⚠️ รับการเยี่ยมแล้ว แต่ไม่มีบันทึกความเสี่ยง: {account} เป็นลูกค้ากลุ่มเสี่ยง ({groups}) "
        "ต้องบันทึกสิ่งที่พบเรื่อง SPP/การผลิตไฟใช้เอง หรือ ‘ไม่พบความเสี่ยง’",
        "⚠️ Visit recorded without a risk note: {account} is in a risk group ({groups}); the note on SPP "
        "competition / self-generation, or ‘No risk seen’, is missing"),
}
