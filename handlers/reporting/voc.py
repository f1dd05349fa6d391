"""VOC-60-001: the period's complaint topics, and low-score comments grouped by topic."""
from __future__ import annotations

from collections import Counter

from handlers.reporting.satisfaction import KIND_LABELS, rating_kind
from handlers.reporting.tables import Table
from handlers.rules.scores import is_low
from handlers.texts import t
from handlers.thai_dates import format_date

TOPICS = ("power_quality", "billing", "service", "staff", "other")


def topic_label(topic: str) -> str:
    return t(f"topic_{topic}") if topic in TOPICS else KIND_LABELS.get(topic, topic)


def topics_table(data, office: str | None) -> Table:
    counts = Counter(ticket.category or "other" for ticket in data.tickets if ticket.kind == "complaint"
                     and (office is None or data.accounts[ticket.account_id].office == office))
    total = sum(counts.values())
    rows = [[topic, topic_label(topic), n, round(100.0 * n / total, 1)]
            for topic, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return Table("voc_topics", "VOC-60-001: หัวข้อข้อร้องเรียน", ["topic", "label", "complaints", "share_pct"],
                 ["หัวข้อ", "หัวข้อ", "จำนวน", "สัดส่วน %"], rows)


def rating_topic(data, rating) -> str:
    """A complaint's rating takes the complaint's topic; any other rating its kind."""
    ticket = data.rated_tickets.get(rating.subject_id) if rating.subject_kind == "ticket" else None
    if ticket is not None and ticket.kind == "complaint":
        return ticket.category or "other"
    return rating_kind(data, rating)


def low_comments_table(data, settings, office: str | None) -> Table:
    rows = []
    for rating in data.ratings:
        account = data.accounts[rating.account_id]
        if not is_low(rating.score, settings) or not rating.comment.strip():
            continue
        if office is None or account.office == office:
            topic = rating_topic(data, rating)
            rows.append([topic, topic_label(topic), format_date(rating.at), account.office, account.account_code,
                         rating.score, rating.comment.strip()])
    rows.sort(key=lambda row: row[0])  # stable: by topic, then as given (by time)
    return Table("voc_comments", f"VOC-60-001: ความเห็นจากคะแนน ≤ {settings.low_score_max} ตามหัวข้อ",
                 ["topic", "label", "date", "office", "account_code", "score", "comment"],
                 ["หัวข้อ", "หัวข้อ", "วันที่", "สำนักงาน", "ลูกค้า", "คะแนน", "ความเห็น"], rows)
