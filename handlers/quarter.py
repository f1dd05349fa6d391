"""'My quarter' for staff: visits done against the quota, working days left, ratings, open items."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlmodel import Session, col, func, or_, select

from handlers.rules import quotas, visit_timing
from handlers.context import Action, Context
from handlers.labels import fitted
from handlers.messages import Button, Card, Message
from handlers.postback import build
from handlers.texts import t
from handlers.thai_dates import BANGKOK, bangkok_today, format_date
from handlers.visit import visit_buttons
from handlers.rules.scores import is_low
from handlers.rules.workdays import WorkCalendar, calendar_from_config
from storage import tickets
from storage.models import Account, Rating, Visit

MAX_LOW_LINES = 4  # each with its [โทรแล้ว] button


def quarter_label(q: quotas.Quarter, lang: str) -> str:
    """'4/2569' in Thai (Buddhist era of the quota year), '4/2026' in English."""
    return f"{q.number}/{q.year + 543 if lang == 'th' else q.year}"


def year_lines(progress: quotas.Progress, lang: str) -> list[str]:
    """A manager's year against the rule (002 §3.1.2(3)): done, still planned, and any shortfall."""
    if progress.year is None:
        return []
    to_come = max(progress.target - progress.done, 0) + progress.year.planned_after
    lines = [t("quota_year", lang, done=progress.year_done, to_come=to_come, rule=progress.year.rule)]
    if progress.year_short:
        lines.append(t("quota_year_short", lang, short=progress.year_short, rule=progress.year.rule))
    return lines


def working_days_left(calendar: WorkCalendar, today, q: quotas.Quarter) -> int:
    """Working days from today to the quarter's last day, both counted."""
    if today > q.end:
        return 0
    return calendar.working_days_between(today, q.end) + (1 if calendar.is_working_day(today) else 0)


def _utc_bounds(q: quotas.Quarter) -> tuple[datetime, datetime]:
    start = datetime.combine(q.start, time.min, BANGKOK).astimezone(timezone.utc)
    end = datetime.combine(q.end, time.max, BANGKOK).astimezone(timezone.utc)
    return start, end


def ratings_for(session: Session, staff_id: int, q: quotas.Quarter) -> list[tuple[Rating, Account]]:
    """Scores given this quarter on the person's accounts or on visits they made."""
    start, end = _utc_bounds(q)
    own_visits = select(Visit.id).where(Visit.staff_id == staff_id)
    return list(session.exec(
        select(Rating, Account).join(Account, col(Account.id) == Rating.account_id)
        .where(Rating.at >= start, Rating.at <= end,
               or_(Account.kamr_id == staff_id,
                   (Rating.subject_kind == "visit") & col(Rating.subject_id).in_(own_visits)))
        .order_by(Rating.at)
    ).all())


def my_quarter(ctx: Context) -> None:
    today = bangkok_today(ctx.now)
    q = quotas.quarter_of(ctx.config.quotas, today)
    lang = ctx.lang
    lines = []
    mine = quotas.progress(ctx.session, ctx.config.quotas, q, staff_ids=[ctx.staff.id])
    if mine:
        lines.append(t("quota_done", lang, done=mine[0].done, target=mine[0].target))
        lines.extend(year_lines(mine[0], lang))
    else:
        lines.append(t("myquarter_no_quota", lang))
    days = working_days_left(calendar_from_config(ctx.config), today, q)
    lines.append(t("quota_days_left", lang, days=days, end=format_date(q.end, lang)))
    scored = ratings_for(ctx.session, ctx.staff.id, q)
    if scored:
        mean = sum(r.score for r, _ in scored) / len(scored)
        lines.append(t("myquarter_rating", lang, mean=f"{mean:.2f}", count=len(scored)))
    else:
        lines.append(t("myquarter_no_rating", lang))
    open_tickets = len(tickets.open_for_staff(ctx.session, ctx.staff.id, limit=1000))
    planned = ctx.session.exec(select(func.count()).select_from(Visit).where(
        Visit.staff_id == ctx.staff.id, Visit.status == "planned", Visit.visit_date <= today)).one()
    lines.append(t("myquarter_open", lang, tickets=open_tickets, planned=planned))
    # Low scores still to call back: once [บันทึกการโทร] records the call, the line goes.
    to_call = [(r, a) for r, a in scored if is_low(r.score, ctx.config.reports) and r.followed_up_at is None]
    buttons = []
    for rating, account in to_call[:MAX_LOW_LINES]:
        lines.append(t("myquarter_low", lang, account=account.name, score=rating.score, date=format_date(rating.at, lang)))
        label = fitted("btn_called", lang, "account", account=account.name)
        buttons.append(Button(label, data=build("followup.called", r=rating.id), display=label))
    lines.extend(late_lines(ctx, q, today))
    card = Card(title=t("myquarter_title", lang, quarter=quarter_label(q, lang), name=ctx.staff.name), lines=tuple(lines),
                buttons=tuple(buttons))
    ctx.reply(Message(card=card, quick_replies=visit_buttons(lang)))


def late_lines(ctx: Context, q: quotas.Quarter, today) -> list[str]:
    """The person's visits recorded after the 7-day rule (001 flow chart step 5), from the previous quarter's
    start (a late record usually belongs to the quarter just closed), each with whether it counts."""
    since = quotas.quarter_of(ctx.config.quotas, q.start - timedelta(days=1)).start
    late = visit_timing.late_visits(ctx.session, ctx.config.quotas, since, today, staff_id=ctx.staff.id)
    return [t("myquarter_late", ctx.lang, days=days, account=account.name, date=format_date(visit.visit_date, ctx.lang),
              state=t(f"late_state_{visit.late_approval or 'counted'}", ctx.lang))
            for visit, account, _, days in late[-MAX_LOW_LINES:]]


PREFIXES = ("myquarter",)  # the action names this module owns
ACTIONS = {"myquarter": Action(my_quarter, "staff")}
