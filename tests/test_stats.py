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
from vitality.siis import correlations, data, gdp_regression, labels, model, regions
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

def test_overall_index_equal_weights_is_the_plain_mean():
    df = pd.DataFrame({"social": [10.0, 20], "cultural": [30.0, 40], "economic": [50.0, 60],
                       "political": [70.0, 0]}, index=["A", "B"])
    got = model.overall(df, {"political": 0.25, "social": 0.25, "economic": 0.25, "cultural": 0.25})
    assert got.tolist() == pytest.approx([40.0, 30.0])       # (10+30+50+70)/4, (20+40+60+0)/4
    # weights are matched by code, not position: all weight on political
    got = model.overall(df, {"political": 1, "social": 0, "economic": 0, "cultural": 0})
    assert got.tolist() == pytest.approx([70.0, 0.0])


@pytest.mark.parametrize("weights", [{"social": 1, "cultural": 1, "economic": 1, "politics": 1},
                                     {"social": 1, "cultural": 1, "economic": 1}])
def test_overall_index_bad_keys_list_the_valid_codes(weights):
    df = pd.DataFrame({c: [1.0] for c in data.DOMAINS})
    with pytest.raises(ConfigError, match=r"Valid codes: \['social', 'cultural', 'economic', 'political'\]"):
        model.overall(df, weights)
    with pytest.raises(ConfigError, match="position is refused"):
        model.overall(df, [0.25, 0.25, 0.25, 0.25])


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

@pytest.fixture(scope="module")
def report():
    return data.load_report()


def test_literal_east_west_lists_leave_nine_cities_out(report):
    ew = regions.compass_groups(report.city_names, report.compass_lists, axis="east_west")
    assert sorted(ew.index[ew.isna()]) == sorted(["广州", "深圳", "海口", "珠海", "湛江", "汕头", "温州",
                                                  "连云港", "南通"])
    assert (ew == "east").sum() == 21 and (ew == "west").sum() == 16


def test_south_is_every_city_not_on_the_north_list(report):
    ns = regions.compass_groups(report.city_names, report.compass_lists, axis="north_south")
    assert (ns == "north").sum() == 19 and (ns == "south").sum() == 27 and ns.notna().all()
    with pytest.raises(ConfigError, match="prints no south list"):
        regions.compass_groups(report.city_names, report.compass_lists, axis="north_south", unlisted="exclude")


def test_compass_overrides_and_unlisted(report):
    coastal = {c: "east" for c in ["广州", "深圳", "海口", "珠海", "湛江", "汕头", "温州", "连云港", "南通"]}
    ew = regions.compass_groups(report.city_names, report.compass_lists, axis="east_west", overrides=coastal)
    assert (ew == "east").sum() == 30 and ew.notna().all()
    ew = regions.compass_groups(report.city_names, report.compass_lists, axis="east_west", unlisted="west",
                              overrides={"北京": None})
    assert (ew == "west").sum() == 25 and pd.isna(ew["北京"])
    with pytest.raises(ConfigError, match="not a side of east_west"):
        regions.compass_groups(report.city_names, report.compass_lists, axis="east_west", overrides={"广州": "south"})
    with pytest.raises(ConfigError, match="not one of the units"):
        regions.compass_groups(report.city_names, report.compass_lists, axis="east_west", overrides={"香港": "east"})
    with pytest.raises(ConfigError, match="unlisted"):
        regions.compass_groups(report.city_names, report.compass_lists, axis="east_west", unlisted="north")


def test_compare_compass_reports_untestable_subset(report):
    ew = regions.compass_groups(report.city_names, report.compass_lists, axis="east_west")
    cap = report.cities["is_capital_or_municipality"]
    out = regions.compare_compass(report.domain_scores, ew, cap, method="mannwhitney")
    other = out[out["subset"] == "other"]
    assert (other["n_b"] == 1).all() and other["p"].isna().all()          # 北海 is the only western non-capital
    assert other["note"].str.startswith("not tested").all()
    summ = regions.compass_summary(report.domain_scores, ew, cap)
    assert summ.loc[("west", "other"), "n"] == 1
    assert summ.loc[("west", "other"), "social"] == pytest.approx(13.91)   # 北海's printed social score


def test_region_panels_match_the_report_figures(report):
    order = (report.domain_scores_long.drop_duplicates("city").set_index("city")["position"])
    pan = regions.region_panels(report.regions["region"], report.cities["is_capital_or_municipality"], order=order)
    sizes = pan.groupby("figure").size().to_dict()
    assert sizes == {12: 4, 13: 6, 14: 6, 15: 8, 16: 4, 17: 8, 18: 5, 19: 5}
    assert list(pan[pan["figure"] == 12].index) == ["大连", "哈尔滨", "沈阳", "长春"]      # as printed
    assert list(pan[pan["figure"] == 14].index) == ["上海", "杭州", "南京", "济南", "福州", "合肥"]
    # the printed figure of every city agrees with the figure its region and capital flag imply
    printed = report.domain_scores_long.drop_duplicates("city").set_index("city")["figure"]
    assert (printed.reindex(pan.index).str.replace("图表 ", "").astype(int) == pan["figure"]).all()


# ---------------------------------------------------------------------------------------------
# the published numbers (四(五) correlation table, 图表 8)
# ---------------------------------------------------------------------------------------------

def test_correlations_against_the_published_table(report):
    """Only cultural–economic reproduces within ±0.0005; the other five differ by 0.005–0.023.

    Reproduced from the printed domain scores (N = 46, no missing values). Pairs with social or
    political differ; the p-values and stars (all **) and the printed p (.000 / .001) agree.
    """
    ours = stats.pearson_matrix(report.domain_scores, pairs="upper").set_index(["x", "y"])
    pub = report.correlations.set_index(["row_domain", "col_domain"])
    expected_r = {("social", "cultural"): 0.6544, ("social", "economic"): 0.5979,
                  ("social", "political"): 0.7594, ("cultural", "economic"): 0.4819,
                  ("cultural", "political"): 0.6020, ("economic", "political"): 0.6008}
    for pair, r in expected_r.items():
        assert ours.loc[pair, "r"] == pytest.approx(r, abs=5e-5)
        assert ours.loc[pair, "n"] == 46 == pub.loc[pair, "n"]
        assert ours.loc[pair, "stars"] == pub.loc[pair, "stars"] == "**"
        assert f"{ours.loc[pair, 'p']:.3f}".lstrip("0") == pub.loc[pair, "p_printed"]
    diff = {pair: ours.loc[pair, "r"] - pub.loc[pair, "r"] for pair in expected_r}
    matching = [pair for pair, d in diff.items() if abs(d) <= 0.0005]
    assert matching == [("cultural", "economic")]
    assert diff[("social", "cultural")] == pytest.approx(0.0054, abs=1e-4)
    assert diff[("social", "economic")] == pytest.approx(-0.0161, abs=1e-4)
    assert diff[("social", "political")] == pytest.approx(0.0114, abs=1e-4)
    assert diff[("cultural", "political")] == pytest.approx(0.0210, abs=1e-4)
    assert diff[("economic", "political")] == pytest.approx(-0.0232, abs=1e-4)


def test_gdp_regression_against_figure_8(report):
    """Economic reproduces (|Δr| ≤ 0.0005); cultural is 0.001 off (printed 0.75); the rest differ.

    Overall index = mean of the four printed domain scores (equal weights 0.25); GDP 2013 from
    data/external/cities_2013.csv, all 46 cities have a value (nothing dropped).
    """
    ds = report.domain_scores
    y = ds.assign(total=model.overall(ds, model.STATED))
    fit = stats.ols(y, report.cities["gdp_2013_100m_cny"])
    assert (fit["n"] == 46).all() and (fit["n_dropped"] == 0).all()
    expected = {"total": 0.8764, "social": 0.7578, "cultural": 0.7511, "economic": 0.7580, "political": 0.6876}
    for d, r in expected.items():
        assert fit.loc[d, "r"] == pytest.approx(r, abs=5e-5)
    delta = fit["r"] - report.gdp_regression["r"].reindex(fit.index)
    assert abs(delta["economic"]) <= 0.0005
    assert delta["cultural"] == pytest.approx(0.0011, abs=1e-4)
    assert delta["social"] == pytest.approx(0.0058, abs=1e-4)
    assert delta["total"] == pytest.approx(0.0294, abs=1e-4)
    assert delta["political"] == pytest.approx(0.0726, abs=1e-4)
    # R² = r² on our side; the printed R² of "total" (0.718) is not 0.847² = 0.717 rounded
    assert np.allclose(fit["r_squared"], fit["r"] ** 2)
    assert round(0.847 ** 2, 3) == 0.717 and report.gdp_regression.loc["total", "r_squared"] == 0.718


def test_residual_ranking_real_data(report):
    ds = report.domain_scores
    rr = stats.residual_ranking(model.overall(ds, model.STATED), report.cities["gdp_2013_100m_cny"])
    assert rr["in_fit"].all() and len(rr) == 46
    assert rr["residual"].sum() == pytest.approx(0.0, abs=1e-9)
    assert list(rr.index[:2]) == ["昆明", "厦门"] and list(rr.index[-2:]) == ["深圳", "南通"]


# ---------------------------------------------------------------------------------------------
# properties and the scatter
# ---------------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (12, 3), elements=hs.floats(-100, 100, allow_nan=False, width=32)))
def test_pearson_matches_numpy_and_is_bounded(values):
    df = pd.DataFrame(values, columns=list("abc"))
    if (df.std() < 1e-3).any():
        return                                                # constant column: r undefined
    out = stats.pearson_matrix(df).pivot(index="x", columns="y", values="r").loc[list("abc"), list("abc")]
    np.testing.assert_allclose(out.to_numpy(), np.corrcoef(values, rowvar=False), atol=1e-9)
    assert (out.abs().to_numpy() <= 1).all()


def test_gdp_scatter_names_the_cities_it_cannot_plot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from vitality.siis import gdp_regression

    y = pd.Series([1.0, 2, 3, 4, 5], index=list("abcde"))
    x = pd.Series([1.0, 2, 3, np.nan, 5], index=list("abcde"))
    ax = gdp_regression.gdp_scatter(y, x, lang="en")
    texts = [t.get_text() for t in ax.texts]
    assert any("d" in t and "Not in the fit" in t for t in texts)
    assert {"a", "b", "c", "e"} <= set(texts)
    plt.close(ax.figure)


# --- notebook 03 summaries ---------------------------------------------------------------------------

def test_compass_message_counts_groups():
    membership = pd.DataFrame({"east_west_literal": ["east", "", "west", ""]}, index=["a", "b", "c", "d"])
    ew = pd.Series(["east", None, "west", "east"], index=membership.index)
    ns = pd.Series(["north", "south", "south", None], index=membership.index)
    msg = regions.compass_message(membership, ew, ns)
    assert msg == ("**On neither the eastern nor the western list (2):** b、d. Used here: east 2, west 1, excluded 1; "
                   "north 1, south 2 (south = not on the northern list), excluded 1.")


def test_region_cities_table_columns_and_order():
    panels = pd.DataFrame({"figure": [12, 13]}, index=["b", "a"])
    printed = pd.DataFrame({"social": [1.0, 2.0]}, index=["a", "b"])
    t = regions.region_cities_table(panels, pd.Series({"a": "A", "b": "B"}, name="city_en"), printed, printed + 1,
                                  pd.Series({"a": 5.0, "b": 6.0}))
    assert t.index.tolist() == ["b", "a"]
    assert t.columns.tolist() == ["figure", "city_en", "social_printed", "social_used", "overall_index"]
    assert t.loc["b", ["social_printed", "social_used", "overall_index"]].tolist() == [2.0, 3.0, 6.0]


def test_regions_verdict_and_failed_cause():
    claims = pd.DataFrame({"published": [1, 1], "reproduced": [1, 0], "detail": ["ok", "south lower"]},
                          index=["east > west", "south higher"])
    printed = pd.DataFrame({"social": [1.0, 2.0]}, index=["a", "b"])
    used = printed.assign(social=[1.0, 2.5])
    table, v_claims, v_tables = regions.regions_verdict(claims, printed, used)
    assert table.index.names == ["check", "item"] and "detail" not in table.columns
    assert v_claims["status"].tolist() == ["match", "differs"]
    assert v_tables["difference"].tolist() == [0.0, 0.5]
    assert regions.failed_claims_cause(v_claims) == "south higher: south lower."
    assert regions.failed_claims_cause(v_claims.iloc[:1]) is None


def test_regions_plain_verdict_counts_by_hand():
    ew = pd.DataFrame({"subset": ["all", "capitals", "other"], "column": ["social"] * 3, "diff": [1.0, -1.0, 5.0],
                       "p": [0.01, 0.5, 0.001], "effect": ["r"] * 3, "effect_size": [0.5, 0.1, 0.9]})
    ns = pd.DataFrame({"p": [0.2, np.nan]})
    kw = pd.DataFrame({"p": [0.04, 0.3]})
    text = regions.regions_plain_verdict(ew, ns, kw, domains=["social"], alpha=0.05, method="mwu")
    assert "ahead of the west in 1 of 2 domain comparisons" in text          # 'other' left out
    assert "1 of them significant at 0.05 (mwu; smallest p = 0.010; r from 0.10 to 0.50)" in text
    assert "North vs south: 0 of 1 tests significant" in text and "Seven regions: 1 of 2" in text
    assert not text.endswith("with groups of this size.")


# --- notebook 05 tables and words --------------------------------------------------------------

def _gdp_case():
    # as test_ols_by_hand (slope 0.8, r 0.8, residuals c 1.1, b -0.1, a -0.3, d -0.7); e has no GDP
    y = pd.Series([2.0, 3, 5, 4, 6], index=list("abcde"), name="total")
    x = pd.Series([1.0, 2, 3, 4, np.nan], index=list("abcde"))
    return y, x


def test_gdp_fit_table_sets_published_beside():
    y, x = _gdp_case()
    fit = pd.concat([stats.ols(y, x), stats.ols(y.rename("total (alt_weights)"), x)])
    pub = pd.DataFrame({"r": [0.9], "r_squared": [0.81]}, index=["total"])
    t = gdp_regression.gdp_fit_table(fit, pub)
    assert t.index.name == "outcome" and t.index.tolist() == ["total", "total (alt_weights)"]
    assert t.columns.tolist() == list(gdp_regression.GDP_FIT_COLUMNS)
    assert t.loc["total", ["r_published", "r", "r_squared_published"]].tolist() == pytest.approx([0.9, 0.8, 0.81])
    assert np.isnan(t.loc["total (alt_weights)", "r_published"]) and t.loc["total", "dropped"] == "e"


def test_gdp_residual_table_names_and_order():
    y, x = _gdp_case()
    t = gdp_regression.gdp_residual_table(y, x, pd.Series({c: c.upper() for c in "abcde"}),
                                 pd.Series([5, 4, 3, 2, 1], index=list("abcde")))
    assert t.index.tolist() == ["c", "b", "a", "d", "e"]
    assert t.columns[:4].tolist() == ["city_en", "overall_rank_published", "overall_index", "gdp"]
    assert "overall_rank_reproduced" in t.columns and "y" not in t.columns
    assert t.loc["c", ["city_en", "overall_rank_published"]].tolist() == ["C", 3]
    assert t.loc["c", "residual"] == pytest.approx(1.1)
    assert gdp_regression.residual_extremes(t, 2) == (["c", "b"], ["d", "a"])      # e (not fitted) is on neither side
    assert gdp_regression.residual_extremes_message(t, 1) == "**Most above their GDP:** c. **Most below:** d."


def test_largest_gaps_takes_the_max_per_outcome():
    idx = pd.MultiIndex.from_product([["total", "social", "economic"], ["r", "r_squared"]])
    check = pd.DataFrame({"difference": [0.1, -0.3, 0.05, 0.02, 0.0, -0.001]}, index=idx)
    gaps = gdp_regression.largest_gaps(check, 2)
    assert gaps.index.tolist() == ["total", "social"] and gaps.tolist() == pytest.approx([0.3, 0.05])


def test_gdp_plain_verdict_by_hand():
    y, x = _gdp_case()
    fit = stats.ols(y, x)
    pub = pd.DataFrame({"r": [0.9], "r_squared": [0.81]}, index=["total"])
    check = pd.DataFrame({"difference": [-0.1, -0.17]}, index=pd.MultiIndex.from_product([["total"], ["r", "r_squared"]]))
    se = math.sqrt(0.9 / 5)
    tq = 4.302652729911275                                   # t(0.975, df=2)
    msg = gdp_regression.gdp_plain_verdict(fit, pub, check)
    assert msg == ("In plain words: GDP explains 64% of the variance of the overall index (r = 0.800; published "
                   "0.900); the slope is 800.00 index points per 100 billion CNY (95% CI "
                   f"{(0.8 - tq * se) * 1000:.2f} to {(0.8 + tq * se) * 1000:.2f}). "
                   "Largest gaps to the published r/R²: total 0.170.")
    fit2 = pd.concat([fit, stats.ols(2 * y.rename("total (alt_weights)"), x)])
    assert gdp_regression.gdp_plain_verdict(fit2, pub, check).endswith(" With `alt_weights` the overall r is 0.800, still not 0.900.")
    assert "(90% CI" in gdp_regression.gdp_plain_verdict(stats.ols(y, x, level=0.9), pub, check, level=0.9)


# --- notebook 04 tables and words --------------------------------------------------------------

def _corr_case():
    # x 1..4, y 2 3 5 4 (r 0.8, as test_ols_by_hand), z = 5 - x: r(x, z) = -1, r(y, z) = -0.8
    scores = pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [2.0, 3, 5, 4], "z": [4.0, 3, 2, 1]}, index=list("abcd"))
    published = pd.DataFrame({"row_domain": ["x", "x"], "col_domain": ["y", "z"], "r": [0.85, -1.0],
                              "stars": [np.nan, "**"], "p_printed": [".150", ".000"], "n": [4, 4]})
    return scores, published


def test_correlation_table_by_hand():
    scores, published = _corr_case()
    t = correlations.correlation_table(scores, published, columns=["x", "y", "z"],
                                errata_scores=scores.assign(y=[2.0, 3, 4, 5]))
    assert t.index.names == ["domain_x", "domain_y"] and t.index.tolist() == [("x", "y"), ("x", "z"), ("y", "z")]
    assert t.columns.tolist() == ["r_published", "r_reproduced", "difference", "stars_published", "stars_reproduced",
                                  "p_published", "p_reproduced", "n_published", "n_reproduced", "ci_low", "ci_high",
                                  "r_with_proposed_errata"]
    assert t["r_reproduced"].tolist() == pytest.approx([0.8, -1.0, -0.8])
    assert t.loc[("x", "y"), "difference"] == pytest.approx(-0.05) and np.isnan(t.loc[("y", "z"), "r_published"])
    assert t["r_with_proposed_errata"].tolist() == pytest.approx([1.0, -1.0, -1.0])
    assert t["stars_reproduced"].tolist() == ["", "**", ""]               # p(0.8, n 4) = 0.2
    assert correlations.errata_r_shift(t, scores, columns=["x", "y", "z"]) == pytest.approx(0.2)
    no_errata = correlations.correlation_table(scores, published, columns=["x", "y", "z"])
    assert no_errata["r_with_proposed_errata"].isna().all()
    assert np.isnan(correlations.errata_r_shift(no_errata, scores, columns=["x", "y", "z"]))


def test_correlation_verdict_and_plain_words():
    scores, published = _corr_case()
    t = correlations.correlation_table(scores, published, columns=["x", "y", "z"])
    table, v_r, v_stars = correlations.correlation_verdict(t, tol=0.0005)
    assert table.index.names == ["check", "domain_x", "domain_y"] and len(table) == 6
    assert v_r["status"].tolist() == ["differs", "match", "missing published"]
    assert v_stars["reproduced"].tolist() == [1.0, 1.0, 1.0]              # a missing published star is none
    # r: x-y 0.8, x-z -1, y-z -0.8 -> 1 of 3 positive; lowest x-z; printed: x-y 0.85 (off 0.05), x-z -1 (match)
    msg = correlations.correlation_plain_verdict(t, tol=0.0005, claimed_lowest=("x", "z"))
    assert "1 of 3 positive (between -1.000 and 0.800)" in msg
    assert "the report's claim that x–z is the lowest holds" in msg
    assert "within 0.0005 for 1 of 2 pairs (x–z); the other 1 are off by 0.050 to 0.050." in msg
    msg = correlations.correlation_plain_verdict(t, claimed_lowest=("x", "y"))
    assert "does not hold (lowest: x–z, r = -1.000)" in msg


def test_correlation_cause_from_the_pattern_of_misses():
    idx = pd.MultiIndex.from_tuples([("a", "b"), ("a", "c"), ("b", "c")])
    chk = pd.DataFrame({"difference": [0.0, 0.02, -0.01], "status": ["match", "differs", "differs"]}, index=idx)
    text = correlations.correlation_cause(chk, errata_shift=0.004)
    # a and b are in the matching pair; c is in every differing pair
    assert text.startswith("every pair that differs involves c, while a–b matches")
    assert text.endswith("at most 0.0040, so they do not explain it.")
    assert "could explain part" in correlations.correlation_cause(chk, errata_shift=0.02)
    none_match = chk.assign(status="differs", difference=[0.01, 0.02, 0.03])
    assert correlations.correlation_cause(none_match).startswith("the printed r do not follow")
    assert correlations.correlation_cause(chk.assign(status="match")) is None


def test_compass_claims_judge_the_report_claims_on_the_right_columns():
    ew = pd.DataFrame({"subset": ["all", "all", "capital", "other"], "column": ["total", "social", "total", "total"],
                       "mean_a": [50.0, 40.0, 55.0, 30.0], "mean_b": [45.0, 42.0, 50.0, 35.0], "p": [0.1] * 4})
    ns = pd.DataFrame({"subset": ["all", "all", "capital"], "column": ["total", "social", "total"],
                       "mean_a": [41.7, 46.0, 50.0], "mean_b": [44.5, 43.9, 49.0], "p": [0.3, 0.5, 0.01]})
    c = regions.compass_claims(ew, ns, alpha=0.05)
    assert c.loc["east > west · all · total", "reproduced"] == 1.0
    assert c.loc["east > west · all · social", "reproduced"] == 0.0        # 40 < 42
    assert "east > west · other · total" not in c.index                    # the report claims all and capitals only
    assert c.loc["north ≈ south (p ≥ 0.05) · capital · total", "reproduced"] == 0.0   # p = 0.01
    # "south slightly higher" is judged on the total only (south 44.5 > north 41.7), not on social
    assert c.loc["south > north · all · total", "reproduced"] == 1.0
    assert "south > north · all · social" not in c.index
    assert (c["published"] == 1.0).all()


def test_gdp_cause_names_matches_and_gaps():
    idx = pd.MultiIndex.from_product([["total", "economic", "social"], ["r", "r_squared"]])
    chk = pd.DataFrame({"difference": [0.03, 0.05, 0.0, 0.0004, 0.006, 0.008],
                        "status": ["differs", "differs", "match", "match", "differs", "differs"]}, index=idx)
    text = gdp_regression.gdp_cause(chk)
    assert text.startswith("the report's GDP values are not printed; economic is consistent with this GDP series, "
                           "which mixes vintages")
    assert "cannot explain" not in text          # one series matching says nothing about the others
    assert "the largest gaps are in total (0.050) and social (0.008)." in text
    assert text.endswith("its weights are an assumption (a parameter here).")
    assert gdp_regression.gdp_cause(chk.assign(status="differs")).startswith("the report's GDP values are not printed; another")
    assert gdp_regression.gdp_cause(chk.assign(status="match")) is None


# --- notebook 03 figures ----------------------------------------------------------------------

def test_region_figures_one_per_panel_in_order():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt


    scores = pd.DataFrame({d: [10.0, 20, 30] for d in data.DOMAINS}, index=["a", "b", "c"])
    panels = pd.DataFrame({"figure": [13, 13, 12]}, index=["c", "a", "b"])    # c before a in figure 13
    figures = {12: ("northeast", "all", "fig12-x"), 13: ("north", "capital", "fig13-y")}
    figs = regions.region_figures(scores, panels, {"a": "华北", "b": "东北", "c": "华北"},
                                 labels={"a": "A", "b": "B", "c": "C"}, lang="en", figures=figures)
    assert list(figs) == ["fig12-x", "fig13-y"]
    ax12, ax13 = figs["fig12-x"].axes[0], figs["fig13-y"].axes[0]
    assert ax12.get_title() == "Figure 12: Northeast China: 1 cities — international communication vitality"
    assert ax13.get_title().startswith("Figure 13: North China: 2 capitals/municipality")
    assert [t.get_text() for t in ax13.get_xticklabels()] == ["C", "A"]
    assert len(ax13.patches) == 2 * len(data.DOMAINS)                       # one bar per city and domain
    zh = regions.region_figures(scores, panels, {"a": "华北", "b": "东北", "c": "华北"}, lang="zh", figures=figures)
    assert zh["fig13-y"].axes[0].get_title() == "图表 13：华北二座省会城市（直辖市）的城市对外活力指数"
    assert [t.get_text() for t in zh["fig12-x"].axes[0].get_xticklabels()] == ["b"]
    for f in [*figs.values(), *zh.values()]:
        plt.close(f)


def test_gdp_scatter_domains_one_panel_per_domain():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from vitality.siis import gdp_regression

    x = pd.Series([1.0, 2, 3, 4], index=list("abcd"))
    scores = pd.DataFrame({d: [2.0, 3, 5, 4] for d in data.DOMAINS}, index=x.index)
    fig = gdp_regression.gdp_scatter_domains(scores, x, lang="en")
    assert [ax.get_title() for ax in fig.axes] == [labels.domain_name(d, "en") for d in data.DOMAINS]
    assert [ax.get_ylabel() for ax in fig.axes] == [labels.domain_name(d, "en") for d in data.DOMAINS]
    plt.close(fig)
