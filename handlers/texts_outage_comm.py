"""Sentences of outage communication (issue 16): area incidents and planned outages, Thai first."""
from __future__ import annotations

OUTAGE_COMM_TEXTS: dict[str, tuple[str, str]] = {
    # area incidents: customers
    "incident_notice": (
        "⚡ แจ้งเหตุไฟฟ้าขัดข้องในพื้นที่ {number}\nฟีดเดอร์ {feeders} ตั้งแต่ {since}\n{facts}"
        "ท่านไม่ต้องแจ้งซ้ำ เราจะแจ้งความคืบหน้าและเมื่อไฟมาแล้วทาง LINE นี้ค่ะ",
        "⚡ Area outage {number}\nFeeder {feeders} since {since}\n{facts}"
        "No need to report it: we will send news and tell you when power is back here.",
    ),
    "incident_update": ("🔄 อัปเดต {number} (ฟีดเดอร์ {feeders})\n{facts}", "🔄 Update {number} (feeder {feeders})\n{facts}"),
    "incident_restored": (
        "✅ ไฟฟ้ากลับมาใช้ได้แล้ว {number} (ฟีดเดอร์ {feeders}) เมื่อ {at}\n"
        "หากยังไม่มีไฟที่สถานที่ของท่าน กรุณาแจ้งไฟดับอีกครั้ง\nให้คะแนนการแก้ไขครั้งนี้ได้เลยค่ะ",
        "✅ Power is back {number} (feeder {feeders}) at {at}\n"
        "If your site still has no power, please report it again.\nPlease rate how we handled it.",
    ),
    "incident_report_joined": (
        "เรื่องของท่านเป็นส่วนหนึ่งของเหตุไฟฟ้าขัดข้องในพื้นที่ {number} (ฟีดเดอร์ {feeders}) ซึ่งกำลังแก้ไขอยู่\n{facts}"
        "เราจะแจ้งท่านเมื่อไฟมาแล้วค่ะ",
        "Your report is part of area outage {number} (feeder {feeders}), being worked on.\n{facts}"
        "We will tell you when power is back.",
    ),
    "incident_fact_cause": ("สาเหตุ: {cause}\n", "Cause: {cause}\n"),
    "incident_fact_etr": ("คาดว่าไฟจะมาประมาณ {etr}\n", "Expected back around {etr}\n"),
    "incident_fact_note": ("{note}\n", "{note}\n"),
    # area incidents: KAMRs
    "incident_card_title": ("⚡ เหตุทั้งฟีดเดอร์ {number}", "⚡ Feeder outage {number}"),
    "incident_card_feeders": ("ฟีดเดอร์: {feeders}", "Feeder: {feeders}"),
    "incident_card_since": ("ตั้งแต่: {since}", "Since: {since}"),
    "incident_card_cause": ("สาเหตุ: {cause}", "Cause: {cause}"),
    "incident_card_etr": ("คาดว่าไฟมา: {etr}", "Expected back: {etr}"),
    "incident_card_accounts": ("ลูกค้าของท่านที่กระทบ ({count}):", "Your accounts affected ({count}):"),
    "incident_card_account": ("• {account} – {site}", "• {account} – {site}"),
    "incident_card_more": ("…และอีก {count} แห่ง", "…and {count} more"),
    "incident_card_told": ("แจ้งผู้ติดต่อแล้ว {count} คน", "{count} contacts told"),
    "incident_card_restored": ("✅ ไฟมาแล้ว {at}", "✅ Power back {at}"),
    "btn_whole_feeder": ("ทั้งฟีดเดอร์", "Whole feeder"),
    "btn_incident_update": ("อัปเดต", "Update"),
    "btn_incident_restore": ("ไฟมาแล้ว", "Power back"),
    "incident_confirm": (
        "เปิดเหตุทั้งฟีดเดอร์ {feeder}?\nกระทบ {sites} แห่ง ของลูกค้า {accounts} ราย ผู้ติดต่อทุกคนจะได้รับแจ้งทันที",
        "Open a whole-feeder incident on {feeder}?\n{sites} sites of {accounts} accounts; every contact is told at once.",
    ),
    "btn_incident_confirm": ("แจ้งทั้งฟีดเดอร์", "Yes, tell the feeder"),
    "incident_no_feeder": ("สถานที่นี้ยังไม่มีข้อมูลฟีดเดอร์ กรุณาให้ผู้ประสานงานเพิ่มในทะเบียนลูกค้าค่ะ",
                           "This site has no feeder on record; ask a coordinator to add it to the roster."),
    "incident_opened": ("เปิด {number} แล้ว แจ้งผู้ติดต่อ {count} คน", "{number} opened; {count} contacts told."),
    "incident_exists": ("ฟีดเดอร์นี้มีเหตุ {number} เปิดอยู่แล้ว", "This feeder already has {number} open."),
    "incident_ask_update": ("พิมพ์ข้อความอัปเดตสำหรับ {number} หรือเลือกสาเหตุด้านล่างค่ะ",
                            "Type the update for {number}, or choose the cause below."),
    "incident_update_sent": ("ส่งอัปเดต {number} ให้ผู้ติดต่อ {count} คนแล้ว", "Update on {number} sent to {count} contacts."),
    "incident_restore_sent": ("{number} ไฟมาแล้ว แจ้งผู้ติดต่อ {count} คนแล้ว", "{number} restored; {count} contacts told."),
    "incident_already_restored": ("{number} แจ้งไฟมาแล้วก่อนหน้านี้", "{number} was restored already."),
    "incident_staff_update": ("🔄 {number} อัปเดตโดย {staff}\n{facts}", "🔄 {number} updated by {staff}\n{facts}"),
    "incident_etr_passed": ("⏰ {number}: เลยเวลาที่คาดว่าไฟจะมา ({etr}) แล้ว แต่ยังไม่แจ้งไฟมา กรุณาอัปเดตเวลาใหม่ให้ลูกค้าค่ะ",
                            "⏰ {number}: the estimate ({etr}) has passed without power back. Please give customers a new one."),
    "incident_etr_past": ("เวลาที่คาดว่าไฟจะมาต้องไม่เป็นเวลาที่ผ่านมาแล้วค่ะ", "The estimated time must not be in the past."),
    "incident_staff_restored": ("✅ {number} ไฟมาแล้ว {at}", "✅ {number} power back at {at}"),
    # single outage tickets (issue 16 item 1): the KAMR's structured update and the restoration time
    "btn_outage_etr": ("เวลาคาดว่าไฟมา", "Expected back at"),
    "outage_etr_passed": ("⏰ {number} ({account}): เลยเวลาที่คาดว่าไฟจะมา ({etr}) แล้ว แต่ยังไม่แจ้งไฟมา "
                          "กรุณาแจ้งเวลาใหม่ให้ลูกค้าค่ะ",
                          "⏰ {number} ({account}): the estimate ({etr}) has passed without power back. "
                          "Please give the customer a new one."),
    "outage_etr_unreadable": ("อ่านเวลาที่เลือกไม่ได้ กรุณาเลือกใหม่ค่ะ", "That time could not be read; please pick again."),
    "outage_etr_past": ("เวลาที่คาดว่าไฟจะมาต้องไม่เป็นเวลาที่ผ่านมาแล้วค่ะ", "The estimated time must not be in the past."),
    "outage_etr_before_start": ("เวลาที่คาดว่าไฟจะมาต้องไม่ก่อนเวลาที่ไฟดับ ({since}) ค่ะ",
                                "The estimated time must not be before the outage started ({since})."),
    "outage_etr_too_far": ("เวลาที่คาดว่าไฟจะมาต้องไม่เกิน 14 วันจากนี้ค่ะ", "The estimated time must be within 14 days."),
    "outage_restored_at": ("เวลาไฟมา: {at}", "Power back at: {at}"),
    "btn_restored_other_time": ("ไฟมาเวลาอื่น", "Another time"),
    "outage_restored_unreadable": ("อ่านเวลาที่เลือกไม่ได้ กรุณาเลือกใหม่ค่ะ", "That time could not be read; please pick again."),
    "outage_restored_future": ("เวลาไฟมาต้องไม่เป็นเวลาในอนาคตค่ะ", "The restoration time must not be in the future."),
    "outage_restored_before_start": ("เวลาไฟมาต้องไม่ก่อนเวลาที่ไฟดับ ({since}) ค่ะ",
                                     "The restoration time must not be before the outage started ({since})."),
    # planned outages: customers
    "planned_notice": (
        "🔧 แจ้งดับไฟตามแผน {reference}\n{when}\nสถานที่: {sites}\nเหตุผล: {reason}\nผู้ประสานงาน: {person}\n"
        "กรุณากดรับทราบ หรือสอบถาม KAMR ของท่านได้เลยค่ะ",
        "🔧 Planned outage {reference}\n{when}\nSites: {sites}\nReason: {reason}\nContact: {person}\n"
        "Please acknowledge, or ask your KAMR.",
    ),
    "planned_reminder": (
        "⏰ เตือน: พรุ่งนี้ดับไฟตามแผน {reference}\n{when}\nสถานที่: {sites}",
        "⏰ Reminder: planned outage {reference} tomorrow\n{when}\nSites: {sites}",
    ),
    "planned_moved": (
        "📅 เปลี่ยนเวลาดับไฟตามแผน {reference}\nเวลาใหม่: {when}\nสถานที่: {sites}",
        "📅 Planned outage {reference} moved\nNew time: {when}\nSites: {sites}",
    ),
    "planned_cancelled": ("❎ ยกเลิกการดับไฟตามแผน {reference} ({when}) แล้วค่ะ ไฟฟ้าใช้ได้ตามปกติ",
                          "❎ Planned outage {reference} ({when}) is cancelled: power as usual."),
    "planned_when": ("{start} ถึง {end}", "{start} to {end}"),
    "btn_planned_ack": ("รับทราบ", "Acknowledge"),
    "btn_planned_ask": ("สอบถาม", "Ask"),
    "planned_acked": ("รับทราบ {reference} แล้ว ขอบคุณค่ะ", "{reference} acknowledged, thank you."),
    "planned_already_acked": ("ท่านรับทราบ {reference} ไว้แล้วค่ะ", "You acknowledged {reference} already."),
    "planned_ask": ("พิมพ์คำถามเรื่อง {reference} ถึง KAMR ของท่านได้เลยค่ะ", "Type your question about {reference} for your KAMR."),
    "planned_asked": ("ส่งคำถามถึง KAMR แล้ว จะติดต่อกลับโดยเร็วค่ะ", "Sent to your KAMR, who will get back to you soon."),
    "planned_ask_no_kamr": ("ขออภัยค่ะ ตอนนี้ส่งคำถามถึง KAMR ทาง LINE ไม่ได้ กรุณาติดต่อผู้ประสานงาน: {person}",
                            "Sorry, your KAMR cannot be reached on LINE now; please contact: {person}"),
    # planned outages: KAMRs
    "planned_staff_title": ("🔧 ดับไฟตามแผน {reference}", "🔧 Planned outage {reference}"),
    "planned_staff_when": ("เวลา: {when}", "When: {when}"),
    "planned_staff_account": ("• {account}: {sites} – {acked}", "• {account}: {sites} – {acked}"),
    "planned_staff_acked": ("รับทราบแล้ว", "acknowledged"),
    "planned_staff_waiting": ("ยังไม่รับทราบ: {names}", "not yet: {names}"),
    "planned_staff_nobody": ("ไม่มีผู้ติดต่อใน LINE", "no contact on LINE"),
    "planned_staff_changed": ("สถานะ: {change}", "Status: {change}"),
    "planned_change_moved": ("เลื่อนเวลา", "moved"),
    "planned_change_cancelled": ("ยกเลิก", "cancelled"),
    "planned_staff_question": ("❓ คำถามเรื่อง {reference} จาก {name} ({account}):\n{text}",
                               "❓ Question about {reference} from {name} ({account}):\n{text}"),
    # ประวัติไฟดับ: a contact's own account, last 12 months (handlers/outage_history.py)
    "btn_outage_history": ("ประวัติไฟดับ", "Outage history"),
    "history_none": ("ไม่มีไฟดับที่ {account} ในรอบ 12 เดือนที่ผ่านมาค่ะ 👍",
                     "No outages at {account} in the last 12 months 👍"),
    "history_title": ("📊 ประวัติไฟดับ {account} (12 เดือนล่าสุด)", "📊 Outage history {account} (last 12 months)"),
    "history_outages": ("ไฟดับ {count} ครั้ง รวม {total}", "{count} outages, {total} in all"),
    "history_quality": ("ไฟกระพริบ {momentary} ครั้ง · แรงดันผิดปกติ {voltage} ครั้ง",
                        "{momentary} flickers · {voltage} voltage reports"),
    "history_latest": ("ล่าสุด:", "Latest:"),
    "history_line": ("• {at} {site}: {what}{area}", "• {at} {site}: {what}{area}"),
    "history_in_incident": (" (เหตุทั้งฟีดเดอร์ {number})", " (area outage {number})"),
    "history_not_restored": ("ยังไม่กลับมา", "not restored yet"),
}
