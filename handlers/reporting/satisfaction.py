"""Satisfaction by tier and by kind against the targets, and the F-test across tiers (CRM-KAM-004)."""
from __future__ import annotations

from collections import defaultdict

from handlers.reporting.stats import mean, one_way_anova
from handlers.reporting.tables import ALL_OFFICES, Table, percent, rounded
from handlers.rules.scores import is_low
from storage.models import TIERS

KINDS = ("visit", "service", "outage", "complaint")
TIER_LABELS = {"strategic": "Strategic", "star": "Star", "status": "Status", "streamline": "Streamline"}
KIND_LABELS = {"visit": "เยี่ยมลูกค้า", "service": "บริการฟรี", "outage": "ไฟดับ", "complaint": "ร้องเรียน"}


def rating_kind(data, rating) -> str:
    """visit or service as rated; a ticket rating takes its ticket's kind (outage, complaint, service)."""
    if rating.subject_kind == "ticket" and rating.subject_id in data.rated_tickets:
        return data.rated_tickets[rating.subject_id].kind
    return rating.subject_kind


def _scopes(data, office: str | None) -> dict[str, list]:
    """Ratings per office, and all of them when there is more than one office."""
    scopes: dict[str, list] = defaultdict(list)
    for rating in data.ratings:
        account_office = data.accounts[rating.account_id].office
        if office is None or account_office == office:
            scopes[account_office].append(rating)
    ordered = {key: scopes[key] for key in sorted(scopes)}
    if len(ordered) > 1:
        ordered[ALL_OFFICES] = [r for ratings in ordered.values() for r in ratings]
    return ordered


def target_for(settings, tier: str | None) -> float:
    return settings.satisfaction_targets_by_tier.get(tier, settings.satisfaction_target) if tier \
        else settings.satisfaction_target


def satisfaction_table(data, settings, office: str | None) -> Table:
    rows = []
    for scope, ratings in _scopes(data, office).items():
        by_tier, by_kind = defaultdict(list), defaultdict(list)
        for rating in ratings:
            by_tier[data.accounts[rating.account_id].tier].append(rating.score)
            by_kind[rating_kind(data, rating)].append(rating.score)
        rows.append(_row(scope, "all", "ทั้งหมด", [r.score for r in ratings], settings, None))
        rows += [_row(scope, "tier", TIER_LABELS[tier], by_tier[tier], settings, tier) for tier in TIERS
                 if by_tier[tier]]
        rows += [_row(scope, "kind", KIND_LABELS.get(kind, kind), by_kind[kind], settings, None)
                 for kind in (*KINDS, *sorted(set(by_kind) - set(KINDS))) if by_kind[kind]]
    return Table("satisfaction", "ความพึงพอใจ (คะแนน 1–5) เทียบเป้าหมาย",
                 ["office", "by", "group", "ratings", "mean", "low_share_pct", "target", "meets_target"],
                 ["สำนักงาน", "จำแนกตาม", "กลุ่ม", "จำนวนคะแนน", "ค่าเฉลี่ย", f"% คะแนน ≤ {settings.low_score_max}",
                  "เป้าหมาย", "ผ่านเป้า"], rows)


def _row(scope: str, by: str, group: str, scores: list[int], settings, tier: str | None) -> list:
    average, target = mean(scores), target_for(settings, tier)
    low = sum(is_low(score, settings) for score in scores)
    return [scope, by, group, len(scores), rounded(average), percent(low, len(scores)), target,
            "yes" if average is not None and average >= target else "no"]


def anova_table(data, settings, office: str | None) -> Table:
    rows = []
    for scope, ratings in _scopes(data, office).items():
        groups = defaultdict(list)
        for rating in ratings:
            groups[data.accounts[rating.account_id].tier].append(rating.score)
        result = one_way_anova({tier: groups[tier] for tier in TIERS})
        sizes = ", ".join(f"{TIER_LABELS[t]} {len(groups[t])}" for t in TIERS if groups[t])
        if result is None:
            rows.append([scope, sizes, None, None, None, None, "ข้อมูลไม่พอ"])
            continue
        differs = result.p < settings.anova_alpha
        rows.append([scope, sizes, round(result.f, 3), result.df_between, result.df_within, round(result.p, 4),
                     "แตกต่าง" if differs else "ไม่แตกต่าง"])
    return Table("anova", f"ความพึงพอใจต่างกันระหว่างกลุ่มลูกค้าหรือไม่ (One-way ANOVA, α = {settings.anova_alpha:g})",
                 ["office", "groups", "f", "df_between", "df_within", "p_value", "verdict"],
                 ["สำนักงาน", "กลุ่ม (จำนวนคะแนน)", "F", "df ระหว่างกลุ่ม", "df ภายในกลุ่ม", "p", "ผล"], rows)
