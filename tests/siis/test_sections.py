"""Report-layer tests moved from test_stats.py: the 2015 report's tables through vitality.siis."""

import math

import numpy as np
import pandas as pd
import pytest

from vitality import stats
from vitality.errors import ConfigError
from vitality.siis import correlations, data, gdp_regression, labels, model, regions


def _gdp_case():
    # as test_ols_by_hand (slope 0.8, r 0.8, residuals c 1.1, b -0.1, a -0.3, d -0.7); e has no GDP
    y = pd.Series([2.0, 3, 5, 4, 6], index=list("abcde"), name="total")
    x = pd.Series([1.0, 2, 3, 4, np.nan], index=list("abcde"))
    return y, x


def _corr_case():
    # x 1..4, y 2 3 5 4 (r 0.8, as test_ols_by_hand), z = 5 - x: r(x, z) = -1, r(y, z) = -0.8
    scores = pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [2.0, 3, 5, 4], "z": [4.0, 3, 2, 1]}, index=list("abcd"))
    published = pd.DataFrame({"row_domain": ["x", "x"], "col_domain": ["y", "z"], "r": [0.85, -1.0],
                              "stars": [np.nan, "**"], "p_printed": [".150", ".000"], "n": [4, 4]})
    return scores, published


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



def test_gdp_scatter_names_the_cities_it_cannot_plot():
    import matplotlib.pyplot as plt

    from vitality.siis import gdp_regression

    y = pd.Series([1.0, 2, 3, 4, 5], index=list("abcde"))
    x = pd.Series([1.0, 2, 3, np.nan, 5], index=list("abcde"))
    ax = gdp_regression.gdp_scatter(y, x, lang="en")
    texts = [t.get_text() for t in ax.texts]
    assert any("d" in t and "Not in the fit" in t for t in texts)
    assert {"a", "b", "c", "e"} <= set(texts)
    plt.close(ax.figure)



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
    # one matching pair: every other pair involves c by construction, so the pattern says nothing
    assert text.startswith("only a–b matches; with a single matching pair every other pair necessarily involves c")
    assert "point to no particular domain" in text and "consistent with" not in text
    assert text.endswith("at most 0.0040, so they do not explain it.")
    # three matching pairs among a, b, c and d in every differing pair: the pattern is informative
    idx4 = pd.MultiIndex.from_tuples([("a", "b"), ("a", "c"), ("b", "c"), ("a", "d"), ("b", "d"), ("c", "d")])
    chk4 = pd.DataFrame({"difference": [0, 0, 0, 0.02, 0.01, 0.03],
                         "status": ["match"] * 3 + ["differs"] * 3}, index=idx4)
    assert correlations.correlation_cause(chk4).startswith(
        "every pair that differs involves d, while all 3 pairs of the other domains (a–b, a–c, b–c) match")
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



def test_region_figures_one_per_panel_in_order():
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
    import matplotlib.pyplot as plt

    from vitality.siis import gdp_regression

    x = pd.Series([1.0, 2, 3, 4], index=list("abcd"))
    scores = pd.DataFrame({d: [2.0, 3, 5, 4] for d in data.DOMAINS}, index=x.index)
    fig = gdp_regression.gdp_scatter_domains(scores, x, lang="en")
    assert [ax.get_title() for ax in fig.axes] == [labels.domain_name(d, "en") for d in data.DOMAINS]
    assert [ax.get_ylabel() for ax in fig.axes] == [labels.domain_name(d, "en") for d in data.DOMAINS]
    plt.close(fig)
