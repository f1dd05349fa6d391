"""Every sentence a person sees, Thai first. Keep them short and end with the next step."""
from __future__ import annotations

import re

from handlers.texts_relationship import RELATIONSHIP_TEXTS
from handlers.texts_rules import RULES_TEXTS
from handlers.texts_risk import RISK_TEXTS
from handlers.texts_outage_comm import OUTAGE_COMM_TEXTS  # issue 16

TEXTS: dict[str, tuple[str, str]] = {
    # linking
    "greet_unlinked": (
        "สวัสดีค่ะ ยินดีต้อนรับสู่บริการลูกค้ารายสำคัญ 🙏\n"
        "กรุณาพิมพ์รหัสเชื่อมบัญชี 8 หลักที่ได้รับจากพนักงานบริหารลูกค้า (KAMR) เพื่อเริ่มใช้งาน",
        "Welcome to the key account service 🙏\n"
        "Please type the 8-character link code your Key Account Manager (KAMR) gave you.",
    ),
    "greet_linked": ("สวัสดีค่ะ {name} เลือกเมนูด้านล่างได้เลยค่ะ", "Hello {name}. Choose from the menu below."),
    "unlinked": (
        "ขออภัยค่ะ บัญชี LINE นี้ยังไม่ได้เชื่อมกับลูกค้ารายสำคัญ\n"
        "กรุณาพิมพ์รหัสเชื่อมบัญชี 8 หลักที่ได้รับจาก KAMR ของท่าน",
        "This LINE account is not linked yet.\nPlease type the 8-character link code from your KAMR.",
    ),
    "code_invalid": (
        "รหัสไม่ถูกต้องหรือหมดอายุแล้วค่ะ กรุณาตรวจสอบ หรือขอรหัสใหม่จาก KAMR",
        "That code is wrong or has expired. Please check it or ask your KAMR for a new one.",
    ),
    "code_throttled": (
        "ใส่รหัสผิดหลายครั้งเกินไป กรุณาลองใหม่ในอีก 1 ชั่วโมง หรือติดต่อ KAMR",
        "Too many wrong codes. Please try again in an hour or contact your KAMR.",
    ),
    "linked_contact": (
        "เชื่อมบัญชีเรียบร้อยแล้วค่ะ ✅\nท่านเป็นผู้ติดต่อของ {account}\nเลือกเมนูด้านล่างเพื่อแจ้งไฟดับหรือติดตามสถานะได้เลย",
        "Linked ✅\nYou are a contact of {account}.\nUse the menu below to report an outage or check status.",
    ),
    "linked_staff": (
        "เชื่อมบัญชีพนักงานเรียบร้อยแล้ว ✅\nคุณ{name} จะได้รับแจ้งเตือนเรื่องของลูกค้าทาง LINE นี้ตลอด 24 ชั่วโมง",
        "Staff account linked ✅\n{name}, you will get customer reports here 24 hours a day.",
    ),
    "staff_relinked_new": (
        "บัญชี LINE เดิมของท่านถูกยกเลิกการเชื่อมแล้ว และได้รับแจ้งแล้วค่ะ",
        "Your previous LINE account has been unlinked and told so.",
    ),
    "staff_relinked_old": (
        "บัญชี LINE นี้ไม่ได้เชื่อมกับพนักงาน {name} แล้วค่ะ เพราะมีการใช้รหัสเชื่อมบัญชีใหม่จาก LINE อื่น\n"
        "หากท่านไม่ได้ทำเอง กรุณาแจ้งผู้ดูแลระบบทันที",
        "This LINE account is no longer linked to staff member {name}: a new link code was used from "
        "another LINE account.\nIf that was not you, tell the administrator at once.",
    ),
    "contact_removed": (
        "บัญชี LINE นี้ไม่ได้เชื่อมกับ {account} แล้วค่ะ ขอบคุณที่ใช้บริการ\nหากต้องการใช้งานอีก กรุณาขอรหัสใหม่จาก KAMR",
        "This LINE account is no longer linked to {account}. Thank you.\nTo use the service again, ask your KAMR for a new code.",
    ),
    "staff_removed": (
        "บัญชี LINE นี้ไม่ได้เชื่อมกับพนักงาน {name} แล้วค่ะ",
        "This LINE account is no longer linked to staff member {name}.",
    ),
    # general
    "menu_hint": ("เลือกสิ่งที่ต้องการได้เลยค่ะ", "What would you like to do?"),
    # sent content the bot could not keep (bot/line/media.py)
    "media_too_large": ("ไฟล์ใหญ่เกินไปค่ะ (เกิน {megabytes} MB) ระบบจึงไม่ได้เก็บไว้ กรุณาส่งไฟล์ที่เล็กลง หรือส่งทางอีเมลถึง KAMR",
                        "That file is too large (over {megabytes} MB) and was not kept. Please send a smaller one or e-mail it to your KAMR."),
    "media_unsupported": ("ขออภัยค่ะ ระบบไม่รับไฟล์ชนิดนี้ กรุณาส่งเป็นรูปภาพ วิดีโอ หรือไฟล์ PDF แทน",
                          "Sorry, this kind of file is not accepted. Please send a photo, a video or a PDF instead."),
    "media_not_kept": ("ขออภัยค่ะ ระบบดึงไฟล์ที่ท่านส่งมาไม่สำเร็จ กรุณาส่งอีกครั้งค่ะ",
                       "Sorry, the file you sent could not be retrieved. Please send it again."),
    "cancelled": ("ยกเลิกแล้วค่ะ เลือกเมนูใหม่ได้เลย", "Cancelled. Choose again from the menu."),
    "expired_button": (
        "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู",
        "That button has expired. Please start again from the menu.",
    ),
    "not_allowed": ("ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้", "Sorry, you are not allowed to do that."),
    "group_not_supported": (
        "บอทนี้ให้บริการเฉพาะแชตส่วนตัวค่ะ กรุณาแชตกับบัญชีทางการโดยตรง",
        "This bot only works in one-to-one chats. Please message the Official Account directly.",
    ),
    "unsupported_message": (
        "ขออภัยค่ะ บอทยังอ่านข้อความประเภทนี้ไม่ได้ กรุณาพิมพ์ข้อความหรือเลือกจากเมนู",
        "Sorry, I can't read that kind of message. Please type or use the menu.",
    ),
    "your_kamr": ("KAMR ของ {account} คือ คุณ{name} ({office})", "The KAMR of {account} is {name} ({office})."),
    "no_kamr": ("ยังไม่ได้กำหนด KAMR ให้บัญชีนี้ค่ะ", "No KAMR is assigned to this account yet."),
    # buttons
    "btn_outage": ("แจ้งไฟดับ", "Report outage"),
    "btn_status": ("ติดตามสถานะ", "Status"),
    "btn_cancel": ("ยกเลิก", "Cancel"),
    "btn_contact": ("ติดต่อ KAMR", "Contact KAMR"),
    "btn_my_tickets": ("งานของฉัน", "My tickets"),
    # outage: customer
    "outage_ask_site": ("ไฟดับที่สถานที่ใดคะ", "Which site has the problem?"),
    "outage_ask_symptom": ("เกิดอาการแบบใดคะ", "What is happening?"),
    "outage_ask_since": (
        "เริ่มเกิดตั้งแต่เมื่อไรคะ เลือกด้านล่าง หรือพิมพ์เวลา เช่น 14:30",
        "Since when? Choose below or type a time such as 14:30.",
    ),
    "outage_bad_time": (
        "ไม่เข้าใจเวลาที่พิมพ์ค่ะ กรุณาพิมพ์แบบ 14:30 หรือเลือกจากปุ่ม",
        "I could not read that time. Type it like 14:30 or use a button.",
    ),
    "outage_created": (
        "รับแจ้งแล้วค่ะ เลขที่ {number}\n{site}: {symptom} ตั้งแต่ {since}\n"
        "แจ้ง KAMR แล้ว จะแจ้งความคืบหน้าทาง LINE นี้\nส่งรูปหรือตำแหน่งเพิ่มได้ หรือกด ‘เสร็จสิ้น’",
        "Reported, ticket {number}\n{site}: {symptom} since {since}\n"
        "Your KAMR has been told; updates will come here.\nYou may add a photo or location, or tap ‘Done’.",
    ),
    "outage_joined": (
        "มีการแจ้งไฟดับของ {site} อยู่แล้ว เลขที่ {number} (สถานะ: {status})\nเราได้รวมการแจ้งของท่านไว้ในเรื่องเดียวกัน และจะแจ้งความคืบหน้าให้ทราบค่ะ\n"
        "ส่งรูปหรือตำแหน่งเพิ่มได้ หรือกด ‘เสร็จสิ้น’",
        "An outage at {site} is already open as {number} ({status}).\nYour report was added to it; you will get the updates.\n"
        "You may add a photo or location, or tap ‘Done’.",
    ),
    "outage_attached": ("ได้รับแล้วค่ะ ส่งเพิ่มได้อีก หรือกด ‘เสร็จสิ้น’", "Received. Send more or tap ‘Done’."),
    "outage_done": ("ขอบคุณค่ะ เจ้าหน้าที่กำลังดำเนินการ", "Thank you. Staff are on it."),
    "outage_ack_customer": (
        "{number}: คุณ{staff} รับเรื่องแล้ว กำลังตรวจสอบกับศูนย์ควบคุมการจ่ายไฟค่ะ",
        "{number}: {staff} has taken your report and is checking with the dispatch centre.",
    ),
    "outage_update_customer": ("{number} อัปเดตจากคุณ{staff}:\n{text}", "{number} update from {staff}:\n{text}"),
    "outage_resolved_customer": (
        "{number}: แก้ไขเรียบร้อยแล้วค่ะ ✅ ไฟมาเมื่อ {at}\nกรุณาให้คะแนนการดูแลครั้งนี้ (5 = พอใจมาก)",
        "{number}: resolved ✅ power back at {at}\nPlease rate how we handled it (5 = very satisfied).",
    ),
    "btn_done": ("เสร็จสิ้น", "Done"),
    "btn_photo": ("ถ่ายรูป", "Camera"),
    "btn_album": ("เลือกรูป", "Photo"),
    "btn_location": ("ส่งตำแหน่ง", "Location"),
    "btn_since_now": ("เพิ่งเกิด", "Just now"),
    "btn_since_pick": ("เลือกวันเวลา", "Pick time"),
    "symptom_no_power": ("ไฟดับ", "No power"),
    "symptom_low_voltage": ("แรงดันต่ำ", "Low voltage"),
    "symptom_flicker": ("ไฟกระพริบ", "Flicker"),
    "symptom_other": ("อื่น ๆ", "Other"),
    "status_open": ("รอรับเรื่อง", "waiting"),
    "status_acknowledged": ("กำลังดำเนินการ", "in progress"),
    "status_answered": ("ตอบชี้แจงแล้ว", "answered"),
    "status_resolved": ("แก้ไขแล้ว", "resolved"),
    "status_closed": ("ปิดเรื่องแล้ว", "closed"),
    "status_pending_certification": ("รอรับรองการปิดเรื่อง", "awaiting certification"),
    # outage: staff
    "outage_card_title": ("⚡ แจ้งไฟดับ {number}", "⚡ Outage {number}"),
    "outage_card_escalated_title": ("⚠️ ส่งต่อ: {symptom} {number}", "⚠️ Escalated: {symptom} {number}"),
    "card_account": ("ลูกค้า: {account}", "Account: {account}"),
    "card_site": ("สถานที่: {site}", "Site: {site}"),
    "card_symptom": ("อาการ: {symptom}", "Problem: {symptom}"),
    "card_since": ("ตั้งแต่: {since}", "Since: {since}"),
    "card_reporter": ("ผู้แจ้ง: {name}", "Reported by: {name}"),
    "card_phone": ("โทร: {phone}", "Phone: {phone}"),
    "card_via_form": ("รับแจ้งทาง Google Forms", "Received by Google Forms"),
    "card_status": ("สถานะ: {status}", "Status: {status}"),
    "card_escalated_from": (
        "ยังไม่มีผู้รับเรื่องภายใน {minutes} นาที (KAMR: {kamr})",
        "Not acknowledged within {minutes} min (KAMR: {kamr})",
    ),
    "btn_ack": ("รับเรื่อง", "Acknowledge"),
    "btn_update": ("แจ้งความคืบหน้า", "Post update"),
    "btn_resolve": ("แก้ไขแล้ว", "Mark resolved"),
    "btn_view": ("ดู {number}", "Open {number}"),
    "staff_acked": ("รับเรื่อง {number} แล้ว ลูกค้าได้รับแจ้งแล้วค่ะ", "{number} acknowledged; the customer was told."),
    "staff_already_acked": ("{number} มีผู้รับเรื่องแล้ว (คุณ{staff})", "{number} was already acknowledged by {staff}."),
    "staff_ask_update": (
        "ความคืบหน้าของ {number}: เลือกสาเหตุ หรือเวลาที่คาดว่าไฟจะมา หรือพิมพ์ข้อความถึงลูกค้าค่ะ",
        "Update on {number}: choose the cause or the expected time back, or type a note for the customer.",
    ),
    "staff_update_sent": ("ส่งความคืบหน้า {number} ถึงลูกค้าแล้ว", "Update on {number} sent to the customer."),
    "staff_resolved": ("ปิดงาน {number} แล้ว ลูกค้าจะได้รับแบบประเมิน", "{number} resolved; the customer will be asked to rate it."),
    "ticket_already_resolved": ("{number} แก้ไขเรียบร้อยไปแล้วค่ะ", "{number} is already resolved."),
    # complaint: customer
    "complaint_ask_topic": ("ต้องการร้องเรียนเรื่องใดคะ", "What is your complaint about?"),
    "complaint_ask_details": (
        "กรุณาพิมพ์รายละเอียดเรื่องร้องเรียนค่ะ",
        "Please type the details of your complaint.",
    ),
    "complaint_created": (
        "รับเรื่องร้องเรียนแล้วค่ะ เลขที่ {number}\nจะตอบชี้แจงภายในวันที่ {due}",
        "Complaint received, number {number}\nWe will answer by {due}.",
    ),
    "complaint_answer_customer": ("{number} คำชี้แจงจากคุณ{staff}:\n{text}", "{number} answer from {staff}:\n{text}"),
    "topic_power_quality": ("คุณภาพไฟฟ้า", "Power quality"),
    "topic_billing": ("ค่าไฟฟ้า/บิล", "Billing"),
    "topic_service": ("การให้บริการ", "Service"),
    "topic_staff": ("พนักงาน", "Staff"),
    "topic_other": ("อื่น ๆ", "Other"),
    # complaint: staff
    "complaint_card_title": ("📝 ร้องเรียน {number}", "📝 Complaint {number}"),
    "card_topic": ("เรื่อง: {topic}", "Topic: {topic}"),
    "card_details": ("รายละเอียด: {details}", "Details: {details}"),
    "card_due": ("ตอบภายใน: {due}", "Answer by: {due}"),
    "btn_answer": ("ตอบลูกค้า", "Answer"),
    "staff_ask_answer": (
        "พิมพ์คำชี้แจงเรื่องร้องเรียน {number} ที่จะส่งถึงลูกค้าค่ะ",
        "Type the answer to complaint {number} for the customer.",
    ),
    "staff_answer_sent": ("ส่งคำชี้แจง {number} ถึงลูกค้าแล้ว", "Answer to {number} sent to the customer."),
    "ticket_closed": ("{number} ปิดเรื่องไปแล้วค่ะ", "{number} is already closed."),
    # complaint close-out (VOC 04)
    "btn_complaint_ack": ("รับทราบคำชี้แจง", "Acknowledge"),
    "complaint_ask_rating": (
        "{number} ท่านพึงพอใจกับการแก้ไขปัญหาเพียงใดคะ (5 = มากที่สุด)",
        "{number}: how satisfied are you with how it was resolved? (5 = very)",
    ),
    "btn_onbehalf": ("ปิดเรื่องแทนลูกค้า", "Close for customer"),
    "complaint_add_photos": ("ส่งรูปประกอบได้ หรือกด ‘เสร็จสิ้น’", "You may send photos, or tap ‘Done’."),
    "complaint_done": ("ขอบคุณค่ะ KAMR จะตอบชี้แจงภายในกำหนด", "Thank you. Your KAMR will answer by the due date."),
    "onbehalf_too_early": (
        "{number}: ลูกค้ายังรับทราบคำชี้แจงทาง LINE ได้ถึง {date} หากยังไม่รับทราบ จึงปิดเรื่องแทนลูกค้าได้ตั้งแต่วันนั้น",
        "{number}: the customer can still acknowledge in LINE. If they have not by {date}, you may close it for them from then.",
    ),
    "onbehalf_ask_channel": ("{number} ได้รับความเห็นลูกค้าทางช่องทางใดคะ", "{number}: how did you reach the customer?"),
    "channel_phone": ("โทรศัพท์", "Phone"),
    "channel_video": ("วิดีโอคอล", "Video call"),
    "channel_email": ("อีเมล", "Email"),
    "channel_in_person": ("พบตัว", "In person"),
    "channel_line": ("LINE", "LINE"),
    "channel_fax": ("โทรสาร", "Fax"),
    "onbehalf_ask_score": ("{number} ลูกค้าให้คะแนนความพึงพอใจเท่าใด (1–5)", "{number}: the customer's score (1–5)?"),
    "onbehalf_sent": (
        "บันทึกการปิดเรื่อง {number} แทนลูกค้าแล้ว ส่งให้คุณ{manager}รับรอง",
        "Close-out of {number} recorded; sent to {manager} to certify.",
    ),
    "onbehalf_no_manager": (
        "บันทึกการปิดเรื่อง {number} แทนลูกค้าแล้ว แต่ไม่พบผู้รับรองทาง LINE กรุณาแจ้งผู้บังคับบัญชา",
        "Close-out of {number} recorded, but no manager on LINE can certify it. Please tell your supervisor.",
    ),
    "certify_request": (
        "{number} ({account}): คุณ{staff} ปิดเรื่องแทนลูกค้าทาง{channel} คะแนน {score}/5 กรุณารับรอง",
        "{number} ({account}): {staff} closed it for the customer by {channel}, score {score}/5. Please certify.",
    ),
    "btn_certify": ("รับรอง", "Certify"),
    "certify_done": ("รับรองการปิดเรื่อง {number} แล้ว", "{number} certified and closed."),
    "certify_done_staff": ("{number} ได้รับการรับรองและปิดเรื่องแล้ว", "{number} was certified and closed."),
    # urgent report to the decision maker (CRM-KAM-003)
    "btn_urgent": ("แจ้งด่วนผู้บริหาร", "Urgent to management"),
    "urgent_ask_risk": (
        "{number}: พิมพ์ความเสี่ยง/ผลกระทบต่อลูกค้า เพื่อรายงานด่วนถึงผู้บริหารค่ะ",
        "{number}: type the risk / impact on the customer for the urgent report to management.",
    ),
    "urgent_card_title": ("🚨 รายงานเรื่องด่วน (CRM-KAM-003) {number}", "🚨 Urgent report (CRM-KAM-003) {number}"),
    "urgent_kind": ("ประเภท: {kind}", "Kind: {kind}"),
    "urgent_issue": ("ปัญหา: {issue}", "Issue: {issue}"),
    "urgent_risk": ("ความเสี่ยง/ผลกระทบ: {risk}", "Risk / impact: {risk}"),
    "urgent_reporter": ("รายงานโดย: คุณ{staff}", "Reported by: {staff}"),
    "urgent_response_title": ("การดำเนินการที่ผ่านมา:", "Response so far:"),
    "urgent_response_none": ("การดำเนินการที่ผ่านมา: ยังไม่มี", "Response so far: none yet"),
    "urgent_response_line": ("• {at} {action}", "• {at} {action}"),
    "urgent_event_reported": ("รับแจ้งจากลูกค้า", "reported by the customer"),
    "urgent_event_joined": ("ลูกค้าแจ้งเพิ่ม", "another report"),
    "urgent_event_acknowledged": ("รับเรื่อง", "acknowledged"),
    "urgent_event_update": ("แจ้งความคืบหน้า", "update posted"),
    "urgent_event_answered": ("ตอบลูกค้า", "answered the customer"),
    "urgent_event_escalated": ("ส่งต่อผู้รับแทน", "escalated to the backup"),
    "urgent_event_resolved": ("แก้ไขแล้ว", "resolved"),
    "urgent_event_closed_on_behalf": ("ปิดเรื่องแทนลูกค้า", "closed for the customer"),
    "urgent_event_urgent_reported": ("รายงานด่วนผู้บริหาร", "urgent report to management"),
    "urgent_event_urgent_followup": ("ผู้บริหารสั่งการ", "management instruction"),
    "btn_urgent_followup": ("สั่งการ/ติดตาม", "Instruct / follow up"),
    "urgent_sent": ("ส่งรายงานด่วน {number} ถึงคุณ{manager} แล้ว", "Urgent report on {number} sent to {manager}."),
    "urgent_no_manager": (
        "ไม่พบผู้บริหารที่รับรายงานด่วน {number} ทาง LINE กรุณาโทรแจ้งผู้บริหารโดยตรง",
        "No manager on LINE can take the urgent report on {number}. Please phone management directly.",
    ),
    "urgent_ask_followup": (
        "{number}: พิมพ์ข้อสั่งการ/การติดตามที่จะส่งถึงคุณ{staff}ค่ะ",
        "{number}: type your instruction / follow-up for {staff}.",
    ),
    "urgent_followup_kamr": ("{number} ข้อสั่งการจากคุณ{manager}:\n{text}", "{number} instruction from {manager}:\n{text}"),
    "urgent_followup_sent": ("ส่งข้อสั่งการ {number} ถึงคุณ{staff}แล้ว", "Instruction on {number} sent to {staff}."),
    "urgent_followup_no_kamr": (
        "บันทึกข้อสั่งการ {number} แล้ว แต่คุณ{staff}ยังไม่ได้เชื่อม LINE",
        "Instruction on {number} recorded, but {staff} is not on LINE.",
    ),
    # rating
    "rating_thanks": ("ขอบคุณสำหรับคะแนน {score}/5 ค่ะ 🙏", "Thank you for rating {score}/5 🙏"),
    "rating_thanks_low": (
        "ขอบคุณสำหรับคะแนน {score}/5 ค่ะ ขออภัยที่ยังไม่ประทับใจ KAMR จะติดต่อกลับเพื่อรับฟังเพิ่มเติม",
        "Thank you for rating {score}/5. We are sorry; your KAMR will call you to hear more.",
    ),
    "rating_already": ("ท่านให้คะแนนเรื่องนี้ไปแล้วค่ะ ขอบคุณค่ะ", "You have already rated this. Thank you."),
    "rating_not_ready": ("เรื่องนี้ยังไม่เสร็จสิ้น จึงยังให้คะแนนไม่ได้ค่ะ", "This is not finished yet, so it cannot be rated."),
    "staff_low_rating": (
        "{number}: ลูกค้า {account} ให้คะแนน {score}/5 กรุณาโทรติดตาม",
        "{number}: {account} rated {score}/5. Please call them back.",
    ),
    # status
    "status_none": ("ไม่มีเรื่องที่ค้างอยู่ค่ะ 👍", "You have no open requests 👍"),
    "status_title": ("เรื่องที่กำลังดำเนินการ ({count})", "Open requests ({count})"),
    "status_line": ("{number} {kind} – {site} – {status}", "{number} {kind} – {site} – {status}"),
    "my_tickets_title": ("งานที่เปิดอยู่ของฉัน ({count})", "My open tickets ({count})"),
    "my_tickets_line": ("{number} {account} – {status}", "{number} {account} – {status}"),
    "kind_outage": ("ไฟดับ", "outage"),
    "kind_complaint": ("ร้องเรียน", "complaint"),
    "staff_menu_hint": ("เลือกเมนูพนักงานได้เลยค่ะ", "Choose from the staff menu."),
    # complaint digest (jobs/complaint_digest.py)
    "digest_title": ("📋 เรื่องร้องเรียนที่ต้องตอบ ({count})", "📋 Complaints to answer ({count})"),
    "digest_overdue_title": ("⚠️ เรื่องร้องเรียนเกินกำหนด ({count})", "⚠️ Overdue complaints ({count})"),
    "digest_soon": ("ใกล้ครบกำหนด", "due soon"),
    "digest_today": ("ครบกำหนดวันนี้", "due today"),
    "digest_overdue": ("เกินกำหนด {days} วันทำการ", "{days} working days overdue"),
    "digest_line": ("{number} {account} – {label} (ครบกำหนด {due})", "{number} {account} – {label} (due {due})"),
    "digest_overdue_line": (
        "{number} {account} ({kamr}) – {label} (ครบกำหนด {due})",
        "{number} {account} ({kamr}) – {label} (due {due})",
    ),
    "digest_more": ("…และอีก {count} เรื่อง", "…and {count} more"),
    "btn_view_complaint": ("ดู {number}", "View {number}"),
    # --- issue 21: the staff side --------------------------------------------------------
    "btn_site": ("{name}", "{name}"),
    "date_unreadable": ("อ่านวันที่ไม่ออกค่ะ พิมพ์แบบ 15 ธ.ค. 69, 15/12/69 หรือ พรุ่งนี้ หรือกดเลือกวันที่",
                        "I could not read that date. Type it like 15 Dec 2026, 15/12/2026 or tomorrow, or pick one."),  # a site's name as a button (handlers/labels.py shortens it)
    # outage cards titled by symptom (no power keeps "outage_card_title")
    "outage_card_title_low_voltage": ("🔻 แรงดันต่ำ {number}", "🔻 Low voltage {number}"),
    "outage_card_title_flicker": ("〰️ ไฟกระพริบ {number}", "〰️ Flicker {number}"),
    "outage_card_title_other": ("⚠️ ปัญหาไฟฟ้า {number}", "⚠️ Power problem {number}"),
    # a typing step put aside by another tap (handlers/parking.py)
    "parked_answer": ("พักการพิมพ์คำชี้แจง {number} ไว้ก่อน", "Answer to {number} put aside for now"),
    "parked_update": ("พักการพิมพ์ความคืบหน้า {number} ไว้ก่อน", "Update on {number} put aside for now"),
    "parked_risk": ("พักการพิมพ์รายงานด่วน {number} ไว้ก่อน", "Urgent report on {number} put aside for now"),
    "parked_followup": ("พักการพิมพ์ข้อสั่งการ {number} ไว้ก่อน", "Instruction on {number} put aside for now"),
    "parked_decline_reason": ("พักการพิมพ์เหตุผล {number} ไว้ก่อน", "Reason for {number} put aside for now"),
    "parked_refusal": ("พักการพิมพ์เหตุผลไม่รับรอง {number} ไว้ก่อน", "Refusal reason for {number} put aside"),
    "btn_resume_typing": ("กลับไปพิมพ์ต่อ", "Go back to typing"),
    # an official answer shown back before it goes out
    "answer_preview_title": ("ตรวจคำชี้แจง {number} ก่อนส่ง", "Check the answer to {number}"),
    "answer_preview_to": ("ถึงลูกค้า: {account}", "To: {account}"),
    "btn_send_answer": ("ส่งถึงลูกค้า", "Send to customer"),
    "btn_edit_answer": ("แก้ไขข้อความ", "Edit"),
    # งานของฉัน as cards (handlers/my_work.py)
    "my_work_header": ("งานที่รอท่าน {count} เรื่อง (ด่วน/เกินกำหนด {overdue}) เรียงตามความเร่งด่วน",
                       "{count} waiting for you ({overdue} urgent or overdue), most urgent first"),
    "work_age": ("รับแจ้งเมื่อ {age}ที่แล้ว", "Reported {age} ago"),
    "work_due": ("ครบกำหนด: {date}", "Due: {date}"),
    "work_overdue": ("⚠️ เกินกำหนด {days} วัน", "⚠️ {days} days overdue"),
    "work_not_taken": ("⚠️ ยังไม่มีผู้รับเรื่อง (KAMR: {kamr})", "⚠️ Nobody has taken it (KAMR: {kamr})"),
    "more_work_title": ("ยังมีอีก {count} เรื่อง", "{count} more"),
    "btn_more_work": ("ดูเรื่องถัดไป", "Show the next"),
    "status_reported_at": ("แจ้งเมื่อ {at}", "Reported {at}"),
    # closing is deliberate (issue 21 item 3)
    "resolve_confirm": ("ยืนยันว่า {number} ไฟกลับมาใช้ได้ตามปกติแล้ว? ลูกค้าจะได้รับแจ้งและแบบประเมินทันที\n"
                        "เวลาไฟมา: {at}",
                        "Confirm that power is back to normal for {number}? The customer is told and asked to rate at once.\n"
                        "Power back at: {at}"),
    "btn_confirm_resolve": ("ยืนยัน ไฟมาแล้ว", "Yes, power is back"),
    "btn_not_yet": ("ยังไม่ใช่", "Not yet"),
    "service_done_confirm": ("ยืนยันว่าให้บริการ {name} ({number}) เรียบร้อยแล้ว? ลูกค้าจะได้รับแบบประเมิน",
                             "Confirm that {name} ({number}) was delivered? The customer will be asked to rate it."),
    "btn_confirm_done": ("ยืนยัน ให้บริการแล้ว", "Yes, delivered"),
    "service_done_early_ask": ("{number} นัดไว้{date} ยังไม่ถึงวันนัด\nหากให้บริการแล้ว พิมพ์เหตุผลที่ให้บริการก่อนวันนัดค่ะ",
                               "{number} is booked for {date}, which has not come yet.\nIf it was delivered, type why it was before the appointment."),
    # a planned visit announced to the customer (handlers/visit_notice.py)
    "visit_announced": ("คุณ{staff} มีแผนเข้าเยี่ยม {account} วันที่ {date} ({mode})\nสะดวกไหมคะ",
                        "{staff} plans to visit {account} on {date} ({mode}).\nDoes that suit you?"),
    "btn_visit_ok": ("ยืนยันนัดเยี่ยม", "Confirm the visit"),
    "btn_visit_later": ("ขอเลื่อนนัด", "Ask to move it"),
    "visit_planned_told": ("แจ้งผู้ติดต่อแล้ว {contacts} คน", "{contacts} contacts were told."),
    "visit_answer_ok_customer": ("ขอบคุณค่ะ แจ้งคุณ{staff}แล้วว่าท่านยืนยันนัด", "Thank you. {staff} was told you confirmed."),
    "visit_answer_later_customer": ("แจ้งคุณ{staff}แล้วค่ะ จะติดต่อท่านเพื่อนัดวันใหม่",
                                    "{staff} was told and will contact you for a new date."),
    "visit_answer_ok_staff": ("คุณ{name} ({account}) ยืนยันนัดเยี่ยมวันที่ {date}", "{name} ({account}) confirmed the visit on {date}."),
    "visit_answer_later_staff": ("คุณ{name} ({account}) ขอเลื่อนนัดเยี่ยมวันที่ {date} กรุณาติดต่อเพื่อนัดใหม่",
                                 "{name} ({account}) asks to move the visit on {date}. Please call to agree a new date."),
    "visit_answer_too_late": ("นัดเยี่ยมนี้ผ่านไปแล้วหรือถูกยกเลิกแล้วค่ะ", "That visit has passed or was cancelled."),
    # who a contact is, asked once after linking (handlers/profile.py)
    "profile_ask_name": ("ขอทราบชื่อของท่านค่ะ KAMR จะได้ทราบว่าใครแจ้งเรื่อง (พิมพ์ชื่อ หรือกด ‘ข้าม’)",
                         "May we have your name, so your KAMR knows who reports? (type it, or tap ‘Skip’)"),
    "profile_ask_name_suggested": ("ขอทราบชื่อของท่านค่ะ ใช้ชื่อ LINE ‘{name}’ ได้ หรือพิมพ์ชื่อจริง",
                                   "May we have your name? Use your LINE name ‘{name}’, or type your name."),
    "btn_use_line_name": ("ใช้ชื่อ LINE", "Use LINE name"),
    "profile_ask_phone": ("เบอร์โทรที่ KAMR ติดต่อท่านได้คะ (เช่น 081-234-5678 หรือกด ‘ข้าม’)",
                          "A phone number your KAMR can call? (e.g. 081-234-5678, or tap ‘Skip’)"),
    "profile_bad_phone": ("เบอร์โทรไม่ถูกต้องค่ะ กรุณาพิมพ์ 9–10 หลัก เช่น 081-234-5678 หรือกด ‘ข้าม’",
                          "That is not a phone number. Please type 9–10 digits, e.g. 081-234-5678, or tap ‘Skip’."),
    "profile_thanks": ("ขอบคุณค่ะ คุณ{name} เลือกเมนูด้านล่างได้เลย", "Thank you, {name}. Choose from the menu below."),
    "profile_done": ("เรียบร้อยค่ะ เลือกเมนูด้านล่างได้เลย", "Done. Choose from the menu below."),
    # visit rating requests wait for the daytime window ([reminders] rating_window_start/end)
    "visit_saved_rating_later": ("บันทึกการเยี่ยม {account} วันที่ {date} ({mode}) แล้วค่ะ ✅\nจะส่งแบบประเมินถึงผู้ติดต่อเวลา {time} น.",
                                 "Visit to {account} on {date} ({mode}) saved ✅\nContacts will be asked to rate it at {time}."),
    # answers to people without LINE (issue 21 item 4)
    "staff_answer_not_delivered": ("บันทึกคำชี้แจง {number} แล้ว แต่ผู้แจ้งไม่มี LINE จึงยังไม่มีใครได้รับ\nกรุณาแจ้งทางโทรศัพท์หรืออีเมล แล้วกดบันทึกว่าแจ้งทางใด",
                                   "Answer to {number} recorded, but the filer is not on LINE, so nobody has it yet.\nPlease deliver it by phone or e-mail, then record how."),
    "delivery_title": ("📞 แจ้งคำชี้แจง {number} ให้ผู้แจ้ง", "📞 Deliver the answer to {number}"),
    "delivery_why": ("ผู้แจ้งไม่มี LINE ยังไม่ได้รับคำชี้แจง", "The filer is not on LINE and has not got the answer"),
    "delivery_email": ("อีเมล: {email}", "E-mail: {email}"),
    "delivery_mail_subject": ("คำชี้แจงเรื่องร้องเรียน {number}", "Answer to complaint {number}"),
    "btn_call": ("📞 โทร {phone}", "📞 Call {phone}"),
    "btn_mail": ("เขียนอีเมล", "Write e-mail"),
    "btn_delivered_phone": ("แจ้งทางโทรศัพท์แล้ว", "Told by phone"),
    "btn_delivered_email": ("ส่งอีเมลแล้ว", "Sent by e-mail"),
    "btn_delivered_in_person": ("แจ้งด้วยตนเองแล้ว", "Told in person"),
    "delivery_recorded": ("บันทึกแล้วค่ะ: แจ้งคำชี้แจง {number} {how}แล้ว", "Recorded: answer to {number} delivered {how}."),
    "delivered_how_phone": ("ทางโทรศัพท์", "by phone"),
    "delivered_how_email": ("ทางอีเมล", "by e-mail"),
    "delivered_how_in_person": ("ด้วยตนเอง", "in person"),
    "delivery_already": ("คำชี้แจง {number} ไม่มีรายการรอแจ้งค่ะ", "Nothing is waiting to be delivered for {number}."),
    # low scores followed up (issue 21 item 5)
    "low_card_title": ("⚠️ คะแนนต่ำ {score}/5 กรุณาโทรติดตาม", "⚠️ Low score {score}/5: please call back"),
    "low_about_ticket": ("เรื่อง: {kind} {number}", "About: {kind} {number}"),
    "low_about_visit": ("เรื่อง: การเยี่ยมวันที่ {date}", "About: the visit of {date}"),
    "low_person": ("ผู้ให้คะแนน: {name}", "Given by: {name}"),
    "low_on_behalf": ("บันทึกแทนลูกค้า", "recorded for the customer"),
    "low_comment": ("ความเห็น: {comment}", "Comment: {comment}"),
    "btn_record_call": ("บันทึกการโทร", "Record the call"),
    "btn_called": ("โทรแล้ว {account}", "Called {account}"),
    "follow_up_recorded": ("บันทึกการโทรติดตาม {account} ({score}/5) แล้วค่ะ", "Call-back to {account} ({score}/5) recorded."),
    "follow_up_already": ("บันทึกการโทรติดตาม {account} ไว้แล้วค่ะ", "The call-back to {account} was already recorded."),
    # certification of a close-out recorded for the customer
    "cert_card_title": ("✅ รอรับรองการปิดเรื่อง {number}", "✅ Certify close-out {number}"),
    "cert_complaint": ("เรื่องร้องเรียน: {text}", "Complaint: {text}"),
    "cert_answer": ("คำชี้แจง: {text}", "Answer: {text}"),
    "cert_channel_score": ("ความเห็นลูกค้าทาง{channel} คะแนน {score}/5", "Customer reached by {channel}, score {score}/5"),
    "cert_recorded_by": ("บันทึกโดยคุณ{staff} เมื่อ {age}ที่แล้ว", "Recorded by {staff} {age} ago"),
    "btn_refuse_certify": ("ไม่รับรอง", "Do not certify"),
    "refuse_ask_reason": ("พิมพ์เหตุผลที่ไม่รับรองการปิดเรื่อง {number} (จะส่งถึงคุณ{staff})",
                          "Type why you do not certify the close-out of {number} (it goes to {staff})."),
    "refuse_done": ("ไม่รับรองการปิดเรื่อง {number} แล้ว แจ้งคุณ{staff}แล้ว", "Close-out of {number} not certified; {staff} was told."),
    "refused_staff": ("{number}: คุณ{manager}ไม่รับรองการปิดเรื่องแทนลูกค้า\nเหตุผล: {reason}\nกรุณาติดต่อลูกค้าอีกครั้ง",
                      "{number}: {manager} did not certify your close-out.\nReason: {reason}\nPlease contact the customer again."),
    # the case beside the card (handlers/operations/case.py, issue 14)
    "card_also_reported": ("แจ้งด้วย: {name}{phone}", "Also reported by: {name}{phone}"),
    "case_note": ("📝 {text}", "📝 {text}"),
    "case_pin": ("📍 ตำแหน่ง: {address}", "📍 Location: {address}"),
    "case_media_count": ("📎 ไฟล์แนบ {count} รายการ", "📎 {count} attachment(s)"),
    "case_ago_now": ("แจ้งเมื่อสักครู่", "Reported just now"),
    "case_ago_minutes": ("แจ้งเมื่อ {n} นาทีที่แล้ว", "Reported {n} min ago"),
    "case_ago_hours": ("แจ้งเมื่อ {n} ชั่วโมงที่แล้ว", "Reported {n} h ago"),
    "case_ago_days": ("แจ้งเมื่อ {n} วันที่แล้ว", "Reported {n} days ago"),
    "case_photo": ("รูปภาพ", "Photo"),
    "case_kind_image": ("รูปภาพ", "Photo"),
    "case_kind_video": ("วิดีโอ", "Video"),
    "case_kind_audio": ("ข้อความเสียง", "Voice message"),
    "case_kind_file": ("ไฟล์", "File"),
    "case_media_caption": ("📎 {kind}เพิ่มเติม {number} จาก {name}", "📎 More for {number}: {kind} from {name}"),
    "case_note_title": ("📝 ข้อความเพิ่มเติม {number}", "📝 Note on {number}"),
    "case_pin_title": ("📍 ตำแหน่ง {number}", "📍 Location of {number}"),
    "case_from": ("จาก: {name}", "From: {name}"),
    "btn_open_map": ("เปิดแผนที่", "Open map"),
    # relayed messages (handlers/relay.py, handlers/operations/relays.py, issue 14)
    "relay_card_title": ("💬 ข้อความจากลูกค้า {number}", "💬 Message from a customer {number}"),
    "relay_sent_kind": ("(ส่ง{kind})", "(sent a {kind})"),
    "btn_reply": ("ตอบกลับ", "Reply"),
    "relay_told_kamr": ("ส่งถึง{staff} (KAMR) แล้วค่ะ จะตอบกลับทางนี้โดยเร็ว", "Sent to {staff} (KAMR), who will answer here soon."),
    "relay_told_backup": ("ส่งถึง{staff} (ผู้รับเรื่องแทน KAMR) แล้วค่ะ จะตอบกลับทางนี้โดยเร็ว",
                          "Sent to {staff} (standing in for your KAMR), who will answer here soon."),
    "relay_told_office": ("ได้รับข้อความแล้วค่ะ ขณะนี้ยังไม่มีเจ้าหน้าที่รับทาง LINE สำนักงานจะโทรติดต่อกลับค่ะ",
                          "Received. No one can take it on LINE right now; the office will call you back."),
    "relay_ask_answer": ("พิมพ์คำตอบถึง {name} ({number}) ได้เลยค่ะ", "Type your answer to {name} ({number})."),
    "relay_answer_sent": ("ส่งคำตอบ {number} ถึงลูกค้าแล้วค่ะ", "Answer on {number} sent to the customer."),
    "relay_answer_customer": ("💬 {staff} ตอบ ({number}):\n{text}", "💬 {staff} answered ({number}):\n{text}"),
    "relay_closed": ("{number} ตอบไปแล้วค่ะ", "{number} was answered already."),
    "sticker_thanks": ("😊 ขอบคุณค่ะ ต้องการให้ช่วยเรื่องใด เลือกจากเมนูหรือพิมพ์มาได้เลยค่ะ",
                       "😊 Thank you! Choose from the menu or type what you need."),
    "kind_message": ("ข้อความ", "message"),
    "btn_power_back": ("ไฟมาแล้ว", "Power is back"),
    "outage_restored_customer": ("{number}: ขอบคุณที่แจ้งค่ะ ปิดเรื่องว่าไฟมาแล้ว ✅\nกรุณาให้คะแนนการดูแลครั้งนี้ (5 = พอใจมาก)",
                                 "{number}: thank you, closed as power restored ✅\nPlease rate our care (5 = very satisfied)."),
    "outage_restored_staff": ("✅ {number}: ลูกค้า ({name}) แจ้งว่าไฟมาแล้ว ปิดเรื่องแล้วค่ะ",
                              "✅ {number}: the customer ({name}) says the power is back; closed."),
    "btn_full_text": ("อ่านทั้งหมด", "Read all"),
    "complaint_full_text": ("📄 {number} ข้อความเต็ม:\n{text}", "📄 {number} in full:\n{text}"),
    "attach_what": ("ส่งรูป ตำแหน่ง หรือพิมพ์ข้อความเพิ่มเติมถึง KAMR ได้ค่ะ หรือกด ‘เสร็จสิ้น’",
                    "Send a photo, your location or a note for your KAMR, or tap ‘Done’."),
}


# --- issue 15: every report reaches a person, and both sides know what happens next ---------------
REACHING_TEXTS = {
    "outage_who_calls": ("คุณ{staff} จะติดต่อกลับภายใน {minutes} นาทีค่ะ", "{staff} will call you back within {minutes} minutes."),
    "outage_nobody_on_line": (
        "ขณะนี้ยังไม่มีเจ้าหน้าที่รับเรื่องทาง LINE กรุณาโทร 1129 ค่ะ",
        "No staff member can take this on LINE right now; please call 1129.",
    ),
    "outage_escalated_customer": (
        "{number}: ส่งต่อให้คุณ{staff} ดูแลแล้วค่ะ จะติดต่อกลับภายใน {minutes} นาที",
        "{number}: now with {staff}, who will call you back within {minutes} minutes.",
    ),
    "outage_taken_by_other": (
        "{number} ({account}): คุณ{staff} รับเรื่องแทนแล้วค่ะ",
        "{number} ({account}): {staff} has taken it.",
    ),
    "card_last_level": (
        "ท่านเป็นผู้รับเรื่องลำดับสุดท้าย กรุณารับเรื่องหรือโทรหาลูกค้าทันที",
        "You are the last level: please take it or call the customer now.",
    ),
    "btn_call_kamr": ("📞 โทร {name}", "📞 Call {name}"),
    "your_kamr_and_backup": (
        "KAMR ของ {account} คือ คุณ{name} ({office})\nผู้รับแทน: คุณ{backup}",
        "The KAMR of {account} is {name} ({office}).\nBackup: {backup}",
    ),
    # the first-answer clock on service requests (jobs/first_answer.py)
    "service_answer_reminder_title": ("⏰ {number}: กรุณาตอบลูกค้าภายใน {due}", "⏰ {number}: please answer by {due}"),
    "service_answer_overdue_title": ("⚠️ ส่งต่อ: {number} ยังไม่ได้ตอบลูกค้า (ครบกำหนด {due})",
                                     "⚠️ Escalated: {number} not answered (due {due})"),
    "message_answer_reminder_title": ("⏰ {number}: กรุณาตอบข้อความลูกค้าภายใน {due}",
                                      "⏰ {number}: please answer the message by {due}"),
    "message_answer_overdue_title": ("⚠️ ส่งต่อ: {number} ยังไม่ได้ตอบข้อความลูกค้า (ครบกำหนด {due})",
                                     "⚠️ Escalated: message {number} not answered (due {due})"),
    # handover (an import gave the account another KAMR)
    "handover_new_title": ("🤝 รับดูแล {account}", "🤝 Now yours: {account}"),
    "handover_new_from": ("ก่อนหน้า: คุณ{name}", "Before: {name}"),
    "handover_open_ticket": ("เรื่องค้าง {number} – {status}", "Open {number} – {status}"),
    "handover_visit": ("นัดเยี่ยม {date}", "Visit planned {date}"),
    "handover_nothing_open": ("ไม่มีเรื่องค้างหรือนัดเยี่ยม", "No open tickets or planned visits"),
    "handover_old": (
        "{account} ย้ายไปอยู่ในความดูแลของคุณ{name} แล้วค่ะ (เรื่องค้าง {tickets} เรื่อง นัดเยี่ยม {visits} นัด ส่งต่อแล้ว)",
        "{account} is now with {name} ({tickets} open tickets and {visits} planned visits handed over).",
    ),
    "handover_intro_title": ("KAMR คนใหม่ของ {account}", "Your new KAMR for {account}"),
    "handover_intro_line": ("คุณ{name} จะดูแลท่านต่อจากนี้ค่ะ", "{name} will look after you from now on."),
}
TEXTS.update(REACHING_TEXTS)


TEXTS.update(RELATIONSHIP_TEXTS)
TEXTS.update(RULES_TEXTS)  # issue 17
TEXTS.update(RISK_TEXTS)  # issue 17: risk groups and risk notes
TEXTS.update(OUTAGE_COMM_TEXTS)  # issue 16


def khun(name: str) -> str:
    """"คุณสมชาย", but "คุณ Somchai": Thai runs on, a Latin name takes a space."""
    name = name.strip()
    return "คุณ" + (" " if name[:1].isascii() and name[:1].isalpha() else "") + name if name else "คุณ"


LATIN_AFTER_KHUN = re.compile(r"คุณ(?=[A-Za-z])")


def t(key: str, lang: str = "th", **values) -> str:
    th, en = TEXTS[key]
    template = en if lang == "en" else th
    if not values:
        return template
    # "คุณสมชาย" runs on in Thai, but "คุณ Somchai": a Latin name after คุณ takes a space.
    return LATIN_AFTER_KHUN.sub("คุณ ", template.format(**values))
