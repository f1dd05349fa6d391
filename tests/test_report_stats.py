"""The report's statistics against published figures: a textbook one-way ANOVA and F-table critical values."""
from __future__ import annotations

import pytest

from handlers.reporting.stats import f_survival, median, one_way_anova, percentile, regularized_beta


def test_textbook_one_way_anova():
    # The worked example of Wikipedia's "One-way analysis of variance" (three groups of six):
    # means 5, 9, 10; SSB 84 on 2 df, SSW 68 on 15 df; F = 42 / 4.533 = 9.26 > F(0.05; 2, 15) = 3.68.
    result = one_way_anova({"a1": [6, 8, 4, 5, 3, 4], "a2": [8, 12, 9, 11, 6, 8], "a3": [13, 9, 11, 8, 7, 12]})
    assert result.means == {"a1": 5, "a2": 9, "a3": 10}
    assert (result.df_between, result.df_within) == (2, 15)
    assert result.f == pytest.approx(42 / (68 / 15))
    assert round(result.f, 2) == 9.26
    assert result.p == pytest.approx(0.0023988, abs=1e-7)  # F(2, 15) tail: (1 + 2F/15) ** -7.5


@pytest.mark.parametrize("f, df1, df2, p", [
    # Critical values from the standard F tables (e.g. Montgomery, Design and Analysis of Experiments, App. IV).
    (3.68, 2, 15, 0.05), (3.10, 3, 20, 0.05), (4.02, 4, 30, 0.01), (4.96, 1, 10, 0.05), (2.53, 5, 30, 0.05),
    (10.04, 1, 10, 0.01),
])
def test_p_at_the_tabled_critical_values(f, df1, df2, p):
    assert f_survival(f, df1, df2) == pytest.approx(p, abs=0.0015)


def test_incomplete_beta_closed_forms():
    assert regularized_beta(0.3, 1, 1) == pytest.approx(0.3)  # uniform
    assert regularized_beta(0.3, 2, 1) == pytest.approx(0.09)  # x ** a when b = 1
    assert regularized_beta(0.3, 1, 3) == pytest.approx(1 - 0.7 ** 3)  # 1 - (1 - x) ** b when a = 1
    assert regularized_beta(0.0, 2, 3) == 0.0 and regularized_beta(1.0, 2, 3) == 1.0


def test_anova_needs_two_groups_and_spare_degrees_of_freedom():
    assert one_way_anova({"strategic": [5, 4], "star": []}) is None
    assert one_way_anova({"strategic": [5], "star": [4]}) is None
    same = one_way_anova({"strategic": [4, 4], "star": [4, 4]})
    assert (same.f, same.p) == (0.0, 1.0)


def test_percentiles_interpolate_like_a_spreadsheet():
    assert median([]) is None
    assert median([7]) == 7
    assert median([1, 3, 2, 4]) == 2.5
    assert percentile([2, 4, 6, 10, 20], 0.9) == pytest.approx(16.0)  # PERCENTILE.INC
