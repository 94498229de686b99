"""vitality.stats: hand-computed small cases, then the report's published numbers on the real data.

Expectations are written out by hand (or taken from an independent implementation: numpy.polyfit,
scipy.stats.permutation_test) rather than recomputed with the code under test.
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from vitality import stats
from vitality.errors import ConfigError

# ---------------------------------------------------------------------------------------------
# stars, Holm
# ---------------------------------------------------------------------------------------------

def test_stars_follow_spss_thresholds():
    got = stats.significance_stars([0.0001, 0.0099, 0.01, 0.049, 0.05, 0.2, np.nan])
    assert list(got) == ["**", "**", "*", "*", "", "", ""]
    assert stats.significance_stars(0.003) == "**"


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 times 3, 2, 1 -> 0.03, 0.06, 0.04 -> running max 0.03, 0.06, 0.06
    np.testing.assert_allclose(stats.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    out = stats.holm([0.5, np.nan, 0.9])
    assert np.isnan(out[1]) and out[0] == pytest.approx(1.0) and out[2] == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# overall index
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Pearson
# ---------------------------------------------------------------------------------------------

def test_pearson_by_hand():
    # x: 1..5, y: 2 4 5 4 5; deviations (-2,-1,0,1,2) and (-2,0,1,0,1): Sxy=6, Sxx=10, Syy=6
    df = pd.DataFrame({"x": [1, 2, 3, 4, 5], "y": [2, 4, 5, 4, 5]}, dtype=float)
    out = stats.pearson_matrix(df, pairs="upper")
    assert len(out) == 1
    row = out.iloc[0]
    assert row["r"] == pytest.approx(6 / math.sqrt(60), abs=1e-12)
    ref = st.pearsonr(df["x"], df["y"])
    assert row["p"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert row["n"] == 5 and row["stars"] == ""
    z, half = math.atanh(row["r"]), 1.959963984540054 / math.sqrt(2)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((math.tanh(z - half), math.tanh(z + half)))


def test_pearson_full_matrix_and_pairwise_deletion():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    df.loc[[0, 1, 2], "c"] = np.nan
    out = stats.pearson_matrix(df)
    assert len(out) == 9
    diag = out[out["x"] == out["y"]]
    assert (diag["r"] == 1).all() and diag["p"].isna().all()
    ac = out[(out["x"] == "a") & (out["y"] == "c")].iloc[0]
    assert ac["n"] == 27
    assert ac["r"] == pytest.approx(np.corrcoef(df["a"][3:], df["c"][3:])[0, 1], abs=1e-12)
    ab = out[(out["x"] == "a") & (out["y"] == "b")].iloc[0]
    assert ab["n"] == 30
    # symmetric
    ca = out[(out["x"] == "c") & (out["y"] == "a")].iloc[0]
    assert ca["r"] == pytest.approx(ac["r"]) and ca["p"] == pytest.approx(ac["p"])


# ---------------------------------------------------------------------------------------------
# OLS
# ---------------------------------------------------------------------------------------------

def test_ols_by_hand():
    # x 1..4, y 2 3 5 4: Sxy = 4, Sxx = 5, Syy = 5 -> slope 0.8, intercept 1.5, r = 0.8
    # residuals -0.3 -0.1 1.1 -0.7, SSE = 1.8, s^2 = 0.9, se(slope) = sqrt(0.9/5)
    y = pd.Series([2.0, 3, 5, 4], index=list("abcd"), name="y")
    x = pd.Series([1.0, 2, 3, 4], index=list("abcd"))
    row = stats.ols(y, x).iloc[0]
    assert row["slope"] == pytest.approx(0.8) and row["intercept"] == pytest.approx(1.5)
    assert row["r"] == pytest.approx(0.8) and row["r_squared"] == pytest.approx(0.64)
    se = math.sqrt(0.9 / 5)
    assert row["se"] == pytest.approx(se)
    tq = 4.302652729911275                                   # t(0.975, df=2), from tables
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.8 - tq * se, 0.8 + tq * se))
    assert row["intercept_se"] == pytest.approx(math.sqrt(0.9 * (1 / 4 + 2.5 ** 2 / 5)))
    assert row["n"] == 4 and row["n_dropped"] == 0 and row["dropped"] == ""
    b, a = np.polyfit(x, y, 1)
    assert (row["slope"], row["intercept"]) == pytest.approx((b, a))


def test_ols_level_and_polyfit_on_random_data():
    rng = np.random.default_rng(1)
    x = pd.Series(rng.uniform(0, 10, 40))
    y = pd.Series(2 - 0.5 * x + rng.normal(size=40))
    r90 = stats.ols(y, x, level=0.90).iloc[0]
    r99 = stats.ols(y, x, level=0.99).iloc[0]
    b, a = np.polyfit(x, y, 1)
    assert r90["slope"] == pytest.approx(b) and r90["intercept"] == pytest.approx(a)
    assert r90["r"] < 0                                      # r keeps the slope's sign
    assert (r99["ci_high"] - r99["ci_low"]) > (r90["ci_high"] - r90["ci_low"])


def test_ols_lists_the_units_it_drops():
    y = pd.Series([1.0, 2, np.nan, 4, 5], index=list("abcde"))
    x = pd.Series([1.0, 2, 3, np.nan, 6], index=list("abcde"))
    row = stats.ols(y, x).iloc[0]
    assert row["n"] == 3 and row["n_dropped"] == 2 and row["dropped"] == "c、d"
    rr = stats.residual_ranking(y, x)
    assert list(rr.index[-2:]) == ["c", "d"] and not rr.loc["c", "in_fit"]
    assert rr.loc["d", "note"] == "x missing: not fitted" and rr.loc["c", "note"] == "y missing: not fitted"


def test_ols_dataframe_gives_one_row_per_outcome():
    x = pd.Series([1.0, 2, 3, 4])
    ys = pd.DataFrame({"up": [1.0, 2, 3, 4.5], "down": [4.0, 3, 2, 1]})
    out = stats.ols(ys, x)
    assert list(out.index) == ["up", "down"]
    assert out.loc["down", "slope"] == pytest.approx(-1.0) and out.loc["down", "r"] == pytest.approx(-1.0)


def test_residual_ranking_by_hand():
    # same data as test_ols_by_hand: residuals -0.3 -0.1 1.1 -0.7
    y = pd.Series([2.0, 3, 5, 4], index=list("abcd"))
    x = pd.Series([1.0, 2, 3, 4], index=list("abcd"))
    rr = stats.residual_ranking(y, x)
    assert list(rr.index) == ["c", "b", "a", "d"]
    assert rr["residual"].tolist() == pytest.approx([1.1, -0.1, -0.3, -0.7])
    assert rr.loc["c", "rank_residual"] == 1 and rr.loc["c", "rank_y"] == 1
    assert rr.loc["d", "rank_y"] == 2 and rr.loc["d", "rank_residual"] == 4 and rr.loc["d", "rank_change"] == -2
    # studentised: e / (s sqrt(1 - h)), h_c = 1/4 + 0.25/5
    assert rr.loc["c", "std_residual"] == pytest.approx(1.1 / (math.sqrt(0.9) * math.sqrt(1 - 0.3)))


# ---------------------------------------------------------------------------------------------
# two-group comparisons
# ---------------------------------------------------------------------------------------------

def _two(a, b, name="v"):
    df = pd.DataFrame({name: list(a) + list(b)})
    g = pd.Series(["A"] * len(a) + ["B"] * len(b))
    return df, g


def test_mannwhitney_rank_biserial_by_hand():
    df, g = _two([1, 4, 6], [2, 3, 5])
    row = stats.compare_groups(df, g, method="mannwhitney").iloc[0]
    # pairs a > b: 1 -> 0, 4 -> 2, 6 -> 3: U_a = 5; r = 2*5/9 - 1
    assert row["statistic"] == 5 and row["effect"] == "rank_biserial"
    assert row["effect_size"] == pytest.approx(1 / 9)
    df, g = _two([7, 8, 9], [1, 2, 3])
    assert stats.compare_groups(df, g).iloc[0]["effect_size"] == pytest.approx(1.0)
    assert stats.compare_groups(df, g, order=["B", "A"]).iloc[0]["effect_size"] == pytest.approx(-1.0)


def test_welch_and_hedges_g_by_hand():
    df, g = _two([1, 2, 3], [3, 4, 5])
    row = stats.compare_groups(df, g, method="welch").iloc[0]
    # means 2 and 4, both SD 1: t = -2 / sqrt(1/3 + 1/3); d = -2; J = 1 - 3/(4*6 - 9) = 0.8; g = -1.6
    assert row["statistic"] == pytest.approx(-2 / math.sqrt(2 / 3))
    assert row["cohen_d"] == pytest.approx(-2.0) and row["effect_size"] == pytest.approx(-1.6)
    se = math.sqrt(6 / 9 + 1.6 ** 2 / 12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-1.6 - 1.959963984540054 * se,
                                                             -1.6 + 1.959963984540054 * se))
    assert (row["mean_a"], row["mean_b"], row["diff"]) == (2, 4, -2)


def test_permutation_separated_groups_give_small_p():
    df, g = _two([10, 11, 12, 13, 14], [0, 1, 2, 3, 4])
    row = stats.compare_groups(df, g, method="permutation", n_perm=20000, seed=7).iloc[0]
    # exact two-sided p = 2 / C(10, 5) = 2/252 = 0.0079
    assert row["p"] == pytest.approx(2 / 252, abs=0.003)
    assert row["statistic"] == pytest.approx(10.0)


def test_permutation_identical_groups_give_p_one():
    df, g = _two([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    row = stats.compare_groups(df, g, method="permutation", n_perm=999, seed=1).iloc[0]
    assert row["p"] == 1.0 and row["statistic"] == 0


def test_permutation_matches_exact_test_and_is_seeded():
    a, b = [1.0, 3, 5, 7], [2.0, 4, 9, 10, 11]
    df, g = _two(a, b)
    # exact two-sided p by enumerating all C(9, 4) = 126 splits: share with |mean diff| >= observed
    vals = np.array(a + b)
    obs = abs(np.mean(a) - np.mean(b))
    splits = [list(c) for c in itertools.combinations(range(9), 4)]
    diffs = [abs(vals[c].mean() - np.delete(vals, c).mean()) for c in splits]
    exact = np.mean(np.array(diffs) >= obs - 1e-12)
    p1 = stats.compare_groups(df, g, method="permutation", n_perm=40000, seed=3).iloc[0]["p"]
    p2 = stats.compare_groups(df, g, method="permutation", n_perm=40000, seed=3).iloc[0]["p"]
    assert p1 == p2
    assert p1 == pytest.approx(exact, abs=0.01)


def test_compare_groups_checks_its_options():
    df, g = _two([1, 2, 3], [3, 4, 5])
    with pytest.raises(ConfigError, match="mannwhitney"):
        stats.compare_groups(df, g, method="ttest")
    with pytest.raises(ConfigError, match="exactly two groups"):
        stats.compare_groups(df, pd.Series(["A", "B", "C", "A", "B", "C"]))
    df2, g2 = _two([1], [3, 4, 5])
    with pytest.raises(ConfigError, match="fewer than 2"):
        stats.compare_groups(df2, g2)


def test_holm_is_applied_over_columns():
    df = pd.DataFrame({"u": [1, 2, 3, 10, 11, 12.0], "w": [1, 5, 3, 4, 2, 6.0]})
    g = pd.Series(list("AAABBB"))
    out = stats.compare_groups(df, g, method="welch")
    np.testing.assert_allclose(out["p_holm"], stats.holm(out["p"]))


def test_kruskal_by_hand():
    # groups (1,2), (3,4), (5,6): rank sums 3, 7, 11; H = 12/(6*7) * (9+49+121)/2 - 21 = 4.5714
    df = pd.DataFrame({"v": [1.0, 2, 3, 4, 5, 6]})
    g = pd.Series(["a", "a", "b", "b", "c", "c"])
    row = stats.kruskal_regions(df, g).iloc[0]
    h = 12 / 42 * (9 + 49 + 121) / 2 - 21
    assert row["H"] == pytest.approx(h) and row["dof"] == 2 and row["k"] == 3 and row["n"] == 6
    assert row["epsilon_sq"] == pytest.approx(h / 5)
    assert row["eta_sq_h"] == pytest.approx((h - 3 + 1) / 3)


def test_group_summary():
    df = pd.DataFrame({"v": [1.0, 2, 3, 10]})
    out = stats.group_summary(df, pd.Series(["x", "x", "x", "y"]))
    assert out[["group", "n", "mean", "median"]].values.tolist() == [["x", 3, 2.0, 2.0], ["y", 1, 10.0, 10.0]]


# ---------------------------------------------------------------------------------------------
# compass groups and regional panels on the report's lists
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# the published numbers (四(五) correlation table, 图表 8)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# properties and the scatter
# ---------------------------------------------------------------------------------------------

from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra.numpy import arrays


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (12, 3), elements=hs.floats(-100, 100, allow_nan=False, width=32)))
def test_pearson_matches_numpy_and_is_bounded(values):
    df = pd.DataFrame(values, columns=list("abc"))
    if (df.std() < 1e-3).any():
        return                                                # constant column: r undefined
    out = stats.pearson_matrix(df).pivot(index="x", columns="y", values="r").loc[list("abc"), list("abc")]
    np.testing.assert_allclose(out.to_numpy(), np.corrcoef(values, rowvar=False), atol=1e-9)
    assert (out.abs().to_numpy() <= 1).all()


# --- notebook 03 summaries ---------------------------------------------------------------------------


# --- notebook 05 tables and words --------------------------------------------------------------


# --- notebook 04 tables and words --------------------------------------------------------------


# --- notebook 03 figures ----------------------------------------------------------------------


