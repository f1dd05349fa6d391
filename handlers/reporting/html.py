"""The report as one HTML page: headline tiles, inline SVG charts, then every table. Dates in Thai."""
from __future__ import annotations

from html import escape

from handlers.reporting.build import Report
from handlers.reporting.charts import bar_chart
from handlers.reporting.tables import ALL_OFFICES, Table
from handlers.thai_dates import format_datetime

# How coded cells read to a manager; the CSV files keep the codes.
DISPLAY = {
    "role": {"kamr": "KAMR", "senior_kamr": "KAMR อาวุโส", "zone_kamr": "KAMR ประจำเขต", "dept_head": "หัวหน้าแผนก",
             "office_manager": "ผจก. กฟฟ.", "zone_director": "อข.", "deputy_governor": "รผก."},
    "by": {"all": "ภาพรวม", "tier": "กลุ่มลูกค้า", "kind": "ประเภทงาน"},
    "meets_target": {"yes": "✓ ผ่าน", "no": "✗ ไม่ผ่าน"},
    "approval": {"pending": "รออนุมัติ", "approved": "อนุมัติแล้ว", "refused": "ไม่อนุมัติ", "-": "ไม่ต้องอนุมัติ"},
    "counted": {"yes": "นับ", "no": "ไม่นับ"},
    "follow_up_status": {"instructed": "สั่งการแล้ว", "overdue": "✗ เลยกำหนดติดตาม", "waiting": "รอติดตาม"},
    "raised_on": {"visit": "การเยี่ยม", "account": "ลูกค้า"},
    "report_status": {"on_time": "✓ ส่งทันกำหนด", "late": "✗ เกินกำหนด", "interim": "ระหว่างไตรมาส (ยังไม่ถึงกำหนดส่ง)"},
    "tier": {"strategic": "Strategic", "star": "Star", "status": "Status", "streamline": "Streamline", "all": "ทุกกลุ่ม"},
}
STYLE = """
body{font-family:"Sarabun","Noto Sans Thai","Tahoma",sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:24px;margin:0}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #1565c0}
.sub{color:#555;margin:4px 0 16px}.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{border:1px solid #ccc;border-radius:8px;padding:10px 14px;min-width:180px}
.tile b{display:block;font-size:26px}.good b{color:#2e7d32}.bad b{color:#c62828}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #ccc;padding:3px 8px}
th{background:#eef3fb;text-align:left}td.n{text-align:right}tr.total td{font-weight:bold;background:#f6f6f6}
"""


def render_html(report: Report, settings, *, ack_minutes: int) -> str:
    """settings: [reports]; ack_minutes: the outage acknowledgment time before escalation ([escalation])."""
    scope = report.office or ALL_OFFICES
    title = f"รายงานผลการดำเนินงาน CRM-KAM-004 {report.period.title()}"
    body = [f"<h1>{escape(title)}</h1>",
            f'<p class="sub">{escape(scope)} · จัดทำเมื่อ {escape(format_datetime(report.generated_at))}</p>',
            _tiles(report, settings), *_charts(report, settings, ack_minutes)]
    body += [_table_html(table) for table in report.tables]
    return (f'<!DOCTYPE html>\n<html lang="th"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _total(table: Table) -> dict:
    """The organisation's row (or the only office's)."""
    return table.records()[-1] if table.rows else {}


def _tiles(report: Report, settings) -> str:
    visits = next((r for r in reversed(report.table("visits").records()) if r["name"] == "รวม"), {})
    complaints, outages = _total(report.table("complaints")), _total(report.table("outages"))
    services = _total(report.table("services"))
    overall = next((r for r in report.table("satisfaction").records() if r["by"] == "all"
                    and r["office"] == (report.office or _total(report.table("satisfaction")).get("office"))), {})
    anova = _total(report.table("anova"))
    tiles = [
        ("เยี่ยมลูกค้าเทียบโควตา", _pct(visits.get("quota_pct")), _ok(visits.get("quota_pct"), 100)),
        ("ตอบข้อร้องเรียนทัน 5 วันทำการ", _pct(complaints.get("on_time_pct")), _ok(complaints.get("on_time_pct"), 100)),
        ("บริการฟรีภายในไตรมาส", _pct(services.get("delivered_pct")), _ok(services.get("delivered_pct"), 100)),
        ("เวลารับเรื่องไฟดับ (มัธยฐาน)", _num(outages.get("ack_minutes_median"), " นาที"), ""),
        (f"ความพึงพอใจ (เป้า {settings.satisfaction_target:g})", _num(overall.get("mean")),
         _ok(overall.get("mean"), settings.satisfaction_target)),
        ("ความพึงพอใจต่างกันตามกลุ่ม", anova.get("verdict") or "–", ""),
    ]
    cells = "".join(f'<div class="tile {css}">{escape(label)}<b>{escape(value)}</b></div>' for label, value, css in tiles)
    return f'<div class="tiles">{cells}</div>'


def _charts(report: Report, settings, ack_minutes: int) -> list[str]:
    out = []
    people = [(f"{r['staff_code']} {r['name']}", r["quota_pct"], _pct(r["quota_pct"]))
              for r in report.table("visits").records() if r["staff_code"]]
    if people:
        out += ["<h2>การเยี่ยมลูกค้า: % ของโควตาไตรมาส</h2>",
                bar_chart(people, max_value=max(100, *(p[1] or 0 for p in people)), target=100, target_label="100%")]
    complaints = [(r["office"], r["on_time_pct"], f"{_pct(r['on_time_pct'])} ({r['received']} เรื่อง)")
                  for r in report.table("complaints").records()]
    out += ["<h2>ข้อร้องเรียนที่ตอบทัน 5 วันทำการ</h2>",
            bar_chart(complaints, max_value=100, target=100, target_label="100%")]
    outages = [(r["office"], r["ack_minutes_median"],
                f"{_num(r['ack_minutes_median'])} / P90 {_num(r['ack_minutes_p90'])}")
               for r in report.table("outages").records()]
    out += ["<h2>เวลาจนรับเรื่องไฟดับ (นาที, มัธยฐาน / P90)</h2>",
            bar_chart(outages, max_value=max([float(ack_minutes)] + [v for _, v, _ in outages if v is not None]),
                      target=ack_minutes, target_label=f"{ack_minutes} นาที", higher_is_better=False)]
    out += _reliability_chart(report)
    scores = [(r["group"], r["mean"], f"{_num(r['mean'])} (n={r['ratings']})")
              for r in report.table("satisfaction").records() if r["by"] == "tier"
              and r["office"] == _total(report.table("satisfaction")).get("office")]
    if scores:
        out += ["<h2>ความพึงพอใจตามกลุ่มลูกค้า</h2>",
                bar_chart(scores, max_value=5, target=settings.satisfaction_target,
                          target_label=f"เป้า {settings.satisfaction_target:g}")]
    topics = [(r["label"], r["complaints"], str(r["complaints"])) for r in report.table("voc_topics").records()]
    if topics:
        out += ["<h2>หัวข้อข้อร้องเรียน (VOC-60-001)</h2>", bar_chart(topics, max_value=max(t[1] for t in topics))]
    return out


def _reliability_chart(report: Report) -> list[str]:
    """Per tier of the report's scope: outages and their mean duration (issue 16)."""
    records = report.table("reliability").records()
    scope = _total(report.table("reliability")).get("office")
    tiers = [(DISPLAY["tier"].get(r["tier"], r["tier"]), r["outage_minutes_mean"],
              f"{_num(r['outage_minutes_mean'])} นาที ({r['outages']} ครั้ง)")
             for r in records if r["office"] == scope]
    if not tiers:
        return []
    return ["<h2>ไฟดับ: เวลาเฉลี่ยต่อครั้งตามกลุ่มลูกค้า (นาที)</h2>",
            bar_chart(tiers, max_value=max([1.0] + [v for _, v, _ in tiers if v is not None]))]


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for label in table.labels)
    rows = []
    for row in table.rows:
        css = ' class="total"' if ALL_OFFICES in row or "รวม" in row else ""
        shown = [DISPLAY.get(column, {}).get(value, value) for column, value in zip(table.columns, row)]
        cells = "".join(f'<td class="n">{_cell(v)}</td>' if isinstance(v, (int, float)) else f"<td>{_cell(v)}</td>"
                        for v in shown)
        rows.append(f"<tr{css}>{cells}</tr>")
    empty = "" if rows else f'<tr><td colspan="{len(table.labels)}">ไม่มีข้อมูลในช่วงนี้</td></tr>'
    return f"<h2>{escape(table.title)}</h2><table><tr>{head}</tr>{''.join(rows)}{empty}</table>"


def _cell(value) -> str:
    return "–" if value is None else escape(f"{value:g}" if isinstance(value, float) else str(value))


def _pct(value) -> str:
    return "–" if value is None else f"{value:g}%"


def _num(value, unit: str = "") -> str:
    return "–" if value is None else f"{value:g}{unit}"


def _ok(value, target) -> str:
    if value is None:
        return ""
    return "good" if value >= target else "bad"
