"""Sentences of the manuals' rules as the manuals mean them (issue 17): the year's quota, late visits."""
from __future__ import annotations

RULES_TEXTS: dict[str, tuple[str, str]] = {
    # the year's quota for managers (002 §3.1.2(3)), on the weekly card and 'my quarter'
    "quota_year": ("ทั้งปี: เยี่ยมแล้ว {done} ราย + ตามแผนอีก {to_come} ราย (เกณฑ์ {rule} ราย/ปี)",
                   "Year: {done} customers visited + {to_come} planned (rule {rule} a year)"),
    "quota_year_short": ("⚠️ ทั้งปียังขาด {short} ราย จากเกณฑ์ {rule} ราย",
                         "⚠️ The year is {short} customers short of the rule of {rule}"),
    # the 7-day rule (001 flow chart step 5): a late visit for a closed quarter
    "late_visit_note": ("⚠️ บันทึกช้ากว่า {days} วันหลังการเยี่ยม", "⚠️ Recorded more than {days} days after the visit"),
    "late_visit_pending": (
        "⚠️ บันทึกช้ากว่า {days} วัน และไตรมาส {quarter} ปิดแล้ว: จะนับเมื่อ {supervisor} อนุมัติ ได้ส่งคำขอแล้วค่ะ",
        "⚠️ Recorded more than {days} days late for the closed quarter {quarter}: it counts once {supervisor} "
        "approves; the request has been sent."),
    "late_visit_no_supervisor": (
        "⚠️ บันทึกช้ากว่า {days} วัน และไตรมาส {quarter} ปิดแล้ว: ต้องให้หัวหน้าอนุมัติ แต่ยังไม่มีหัวหน้าของคุณในระบบ "
        "กรุณาแจ้งผู้ประสานงาน",
        "⚠️ Recorded more than {days} days late for the closed quarter {quarter}: your supervisor must approve, "
        "but none is set in the roster; please tell the coordinator."),
    "late_approval_title": ("ขออนุมัติการเยี่ยมที่บันทึกช้า", "Approve a late visit record"),
    "late_approval_line": (
        "{staff} เยี่ยม {account} ({mode}) วันที่ {date} บันทึกเมื่อ {reported} ช้า {late} วัน ไตรมาส {quarter} ปิดแล้ว",
        "{staff} visited {account} ({mode}) on {date}, recorded {reported}: {late} days late; quarter {quarter} "
        "is closed"),
    "btn_late_approve": ("อนุมัติ", "Approve"),
    "btn_late_refuse": ("ไม่อนุมัติ", "Refuse"),
    "late_approved": ("อนุมัติแล้ว: การเยี่ยม {account} วันที่ {date} นับในไตรมาส {quarter}",
                      "Approved: the visit to {account} on {date} counts in {quarter}"),
    "late_refused": ("ไม่อนุมัติ: การเยี่ยม {account} วันที่ {date} ไม่นับในไตรมาส {quarter}",
                     "Refused: the visit to {account} on {date} does not count in {quarter}"),
    "late_decided_to_reporter": ("{supervisor} {decision}การเยี่ยม {account} วันที่ {date} ที่บันทึกช้า",
                                 "{supervisor}: {decision} for your late visit to {account} on {date}"),
    "late_decision_approved": ("อนุมัติ", "approved"),
    "late_decision_refused": ("ไม่อนุมัติ", "refused"),
    "late_already_decided": ("เรื่องนี้ตัดสินไปแล้วค่ะ ({decision})", "Already decided ({decision})."),
    # 'my quarter': the person's own visits recorded after the 7-day rule, with whether they count
    "myquarter_late": ("⚠️ บันทึกช้า {days} วัน: {account} วันที่ {date} ({state})",
                       "⚠️ Recorded {days} days late: {account} on {date} ({state})"),
    "late_state_counted": ("นับแล้ว", "counted"),
    "late_state_pending": ("รออนุมัติ ยังไม่นับ", "awaiting approval, not counted"),
    "late_state_approved": ("อนุมัติแล้ว นับแล้ว", "approved, counted"),
    "late_state_refused": ("ไม่อนุมัติ ไม่นับ", "refused, not counted"),
    # urgent reports (CRM-KAM-003) on an account or a visit, and their follow-up date
    "btn_urgent_account": ("แจ้งด่วนผู้บริหาร", "Urgent to management"),
    "urgent_ask_account": ("แจ้งเรื่องด่วนของลูกค้ารายใดคะ", "Which account is the urgent report about?"),
    "urgent_no_accounts": ("ไม่มีลูกค้าในความดูแลของคุณค่ะ", "You look after no accounts."),
    "urgent_ask_issue": ("{account}: พิมพ์ประเด็นปัญหา เช่น คู่แข่ง SPP เสนอขายไฟ หรือแผนผลิตไฟฟ้าใช้เอง",
                         "{account}: type the issue, e.g. an SPP competitor's offer or planned self-generation."),
    "urgent_ask_account_risk": ("{account}: พิมพ์ความเสี่ยง/ผลกระทบ (เช่น ยอดขายไฟที่อาจเสีย)",
                                "{account}: type the risk / impact (e.g. the sales at stake)."),
    "urgent_account_card_title": ("🚨 รายงานเรื่องด่วน (CRM-KAM-003) {account}",
                                  "🚨 Urgent report (CRM-KAM-003) {account}"),
    "urgent_on": ("เรื่องจาก: {source}", "Raised on: {source}"),
    "urgent_source_visit": ("การเยี่ยมวันที่ {date}", "the visit of {date}"),
    "urgent_source_account": ("ลูกค้า (ไม่มีเรื่องแจ้ง)", "the account (no ticket)"),
    "urgent_follow_up": ("ติดตามผลภายใน: {date}", "Follow up by: {date}"),
    "urgent_account_sent": ("ส่งรายงานด่วน {account} ถึงคุณ{manager} แล้ว ติดตามผลภายใน {date}",
                            "Urgent report on {account} sent to {manager}; follow-up by {date}."),
    "urgent_account_no_manager": ("ไม่พบผู้บริหารที่รับรายงานด่วนทาง LINE ได้ กรุณาโทรแจ้งผู้บริหารโดยตรงค่ะ ({account})",
                                  "No manager on LINE can take the urgent report on {account}. Please phone management."),
    "urgent_ask_instruction": ("{account}: พิมพ์ข้อสั่งการถึงคุณ{staff}", "{account}: type your instruction to {staff}."),
    "urgent_instruction_kamr": ("{account} ข้อสั่งการจากคุณ{manager}:\n{text}",
                                "{account} instruction from {manager}:\n{text}"),
    "urgent_instruction_sent": ("ส่งข้อสั่งการ {account} ถึงคุณ{staff}แล้ว", "Instruction on {account} sent to {staff}."),
    "urgent_remind_manager_title": ("⏰ ครบกำหนดติดตามเรื่องด่วน {subject}", "⏰ Urgent report due for follow-up: {subject}"),
    "urgent_remind_kamr": ("⏰ วันนี้ครบกำหนดติดตามเรื่องด่วน {subject} ({account}) ที่รายงานคุณ{manager} เมื่อ {date} "
                           "กรุณาแจ้งความคืบหน้าค่ะ",
                           "⏰ Today is the follow-up day of the urgent report {subject} ({account}) you sent {manager} "
                           "on {date}: please report progress."),
    "urgent_reported_on": ("รายงานเมื่อ: {date}", "Reported: {date}"),
    "urgent_instructions": ("ข้อสั่งการแล้ว: {count} ครั้ง", "Instructions so far: {count}"),
    # the reviews that happen by themselves (001 flow chart step 6)
    "review_office_title": ("📋 ทบทวนผลประจำ{period} – {office}", "📋 Monthly review {period} – {office}"),
    "review_zone_title": ("📋 ทบทวนผลระดับเขต {period}", "📋 Zone review {period}"),
    "review_visits": ("เยี่ยมลูกค้า (สะสมไตรมาส): {done}/{target} ({pct})",
                      "Visits (quarter to date): {done}/{target} ({pct})"),
    "review_complaints": ("ข้อร้องเรียน {count} เรื่อง: ตอบทัน 5 วันทำการ {pct} ของที่ถึงกำหนด",
                          "Complaints {count}: {pct} of those due answered within 5 working days"),
    "review_services": ("บริการฟรี {count} คำขอ: ภายในไตรมาส {pct} ของที่ถึงกำหนด",
                        "Free services {count}: {pct} of those due delivered within the quarter"),
    "review_satisfaction": ("ความพึงพอใจ {mean} จาก {count} คะแนน (เป้า {target})",
                            "Satisfaction {mean} from {count} scores (target {target})"),
    "review_attention": ("บันทึกการเยี่ยมช้า {late} ครั้ง · เรื่องด่วนถึงผู้บริหาร {urgent} เรื่อง (เลยกำหนดติดตาม {overdue})",
                         "Visits recorded late: {late} · urgent reports: {urgent} ({overdue} past follow-up)"),
    "review_office_line": ("{office}: เยี่ยม {visits} · ร้องเรียนทัน {complaints} · พึงพอใจ {mean}",
                           "{office}: visits {visits} · complaints on time {complaints} · satisfaction {mean}"),
    "review_command": ("รายงานฉบับเต็ม: {command}", "Full report: {command}"),
    "late_not_yours": ("คุณไม่ใช่หัวหน้าที่อนุมัติการเยี่ยมนี้ได้ ผู้อนุมัติคือ {supervisor}",
                       "You are not the supervisor who approves this visit; {supervisor} is."),
}

# issue 18: LINE's monthly message allowance, to the administrators ([line] administrators)
RULES_TEXTS.update({
    "msgquota_title": ("⚠️ โควตาข้อความ LINE ใช้ไปแล้ว {percent}%", "⚠️ LINE message quota {percent}% used"),
    "msgquota_used": ("ใช้ไป {used} / {limit} ข้อความเดือนนี้ ({percent}%)",
                      "{used} / {limit} messages used this month ({percent}%)"),
    "msgquota_will_hold": (
        "เมื่อถึง {hold}% ข้อความที่ไม่เร่งด่วน (สรุปงาน การเตือน คำขอให้คะแนน) จะรอส่งจนถึงเดือนหน้าหรือจนกว่าจะเพิ่มโควตา "
        "เรื่องไฟฟ้าขัดข้องยังส่งตามปกติ",
        "From {hold}% on, routine messages (digests, reminders, rating requests) wait until next month or a "
        "larger quota; outage messages still go."),
    "msgquota_holding": (
        "ข้อความที่ไม่เร่งด่วน (สรุปงาน การเตือน คำขอให้คะแนน) รอส่งจนถึงเดือนหน้าหรือจนกว่าจะเพิ่มโควตา "
        "เรื่องไฟฟ้าขัดข้องยังส่งตามปกติ",
        "Routine messages (digests, reminders, rating requests) now wait until next month or a larger quota; "
        "outage messages still go."),
})
