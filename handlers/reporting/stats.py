"""Small exact statistics for the reports: mean, percentiles, and the one-way ANOVA F-test.

No SciPy: the F distribution's tail is the regularized incomplete beta function, computed
with the continued fraction of Numerical Recipes (Press et al., 3rd ed., §6.4).
"""
from __future__ import annotations

import math
from dataclasses import dataclass


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (the spreadsheet PERCENTILE.INC rule)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float | None:
    return percentile(values, 0.5)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 10_000):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < eps:
            return result
    raise ArithmeticError("incomplete beta did not converge")


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) for 0 <= x <= 1, a, b > 0."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def f_survival(f: float, df1: int, df2: int) -> float:
    """P(F >= f) for the F distribution with (df1, df2) degrees of freedom."""
    if f <= 0:
        return 1.0
    return regularized_beta(df2 / (df2 + df1 * f), df2 / 2.0, df1 / 2.0)


@dataclass(frozen=True)
class Anova:
    f: float
    df_between: int
    df_within: int
    p: float
    means: dict[str, float]
    counts: dict[str, int]


def one_way_anova(groups: dict[str, list[float]]) -> Anova | None:
    """F-test of equal group means; None without two non-empty groups and spare degrees of freedom."""
    groups = {name: values for name, values in groups.items() if values}
    n, k = sum(len(v) for v in groups.values()), len(groups)
    if k < 2 or n <= k:
        return None
    grand = sum(sum(v) for v in groups.values()) / n
    means = {name: sum(v) / len(v) for name, v in groups.items()}
    between = sum(len(v) * (means[name] - grand) ** 2 for name, v in groups.items())
    within = sum((x - means[name]) ** 2 for name, v in groups.items() for x in v)
    df1, df2 = k - 1, n - k
    if within == 0:
        f, p = (math.inf, 0.0) if between > 0 else (0.0, 1.0)
    else:
        f = (between / df1) / (within / df2)
        p = f_survival(f, df1, df2)
    return Anova(f, df1, df2, p, means, {name: len(v) for name, v in groups.items()})
