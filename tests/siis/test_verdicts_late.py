"""Verdicts of 05–07 and the errata, as strong as their numbers: each sentence's number recomputed here
independently of the library's helpers (numpy / scipy / pandas on the bundled CSVs) and its wording asserted."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from test_verdicts import DOMAINS, EPI, _overall_ranks, _scores  # the printed tables, read once for both files

from vitality.siis import paths

ROOT = Path(__file__).resolve().parents[2]


def _gdp(index):
    return pd.read_csv(paths.EXTERNAL_DATA / "cities_2013.csv").set_index("city_zh")["gdp_2013_100m_cny"].reindex(index)


def _errata():
    return pd.read_csv(paths.DATA / "errata.csv", dtype=str, keep_default_na=False).set_index("id")


def _lp_region(X: pd.DataFrame, r: pd.Series):
    """Largest common margin t of D w + t <= 0 on the simplex (scipy directly), and the social weight range."""
    Xn = X.loc[r.index].to_numpy()
    order = np.argsort(r.to_numpy(), kind="stable")
    D = Xn[order[1:]] - Xn[order[:-1]]
    res = linprog(np.r_[np.zeros(4), -1.0], A_ub=np.c_[D, np.ones(len(D))], b_ub=np.zeros(len(D)),
                  A_eq=[[1, 1, 1, 1, 0]], b_eq=[1], bounds=[(0, 1)] * 4 + [(None, 10)], method="highs")
    rng = []
    for sign in (1, -1):      # min and max of the social weight over the closure (t >= 0)
        rr = linprog(np.r_[sign, 0, 0, 0, 0.0], A_ub=np.c_[D, np.ones(len(D))], b_ub=np.zeros(len(D)),
                     A_eq=[[1, 1, 1, 1, 0]], b_eq=[1], bounds=[(0, 1)] * 4 + [(0, 10)], method="highs")
        rng.append(rr.x[0])
    return res.x[-1], rng


def _exact_epi(X, r):
    s = pd.Series(X.loc[r.index].to_numpy() @ EPI, index=r.index).round(9)
    return int((s.rank(ascending=False, method="min").astype(int) == r).sum())


@pytest.fixture(scope="module")
def audits():
    from vitality.siis import audit, data, errata

    rep = data.load_report()
    schemes = {"equal domains": dict.fromkeys(DOMAINS, 0.25),
               "equal indicators": {"social": 5, "cultural": 3, "economic": 5, "political": 4}}
    opt = dict(schemes=schemes, stated_scheme="equal domains", stated_linkage=("average", "sqeuclidean"))
    printed = audit.audit_report(rep, **opt)
    s, r, _ = errata.apply_errata(rep.domain_scores, rep.rankings, errata.load_errata())
    corrected = audit.audit_report(dataclasses.replace(rep, domain_scores=s, rankings=r), **opt)
    return rep, printed, corrected, s


# ------------------------------------------------------------------------------------------------ 1, 2
def test_e38_is_a_hypothesis_with_its_numbers_and_the_circularity_said():
    X, r = _scores(), _overall_ranks()
    margin, (lo, hi) = _lp_region(X, r)
    exact = _exact_epi(X, r)
    assert margin > 0 and exact == 40                       # some weights give all 46; equal per indicator 40
    e = _errata().loc["E38"]
    assert e["proposed_value"] == "" and e["status"] != "proposed"          # no correction proposed
    ev = e["evidence"]
    assert "Hypothesis, not a correction" in ev and f"{exact}/46 exactly" in ev
    assert f"social {lo:.3f}–{hi:.3f}" in ev                                # the region, as the LP gives it
    assert "circular in part" in ev and "E01 and E02" in ev
    assert "low that it used exactly equal indicator weights" in ev           # an honest confidence
    for rid in ("E01", "E02"):                  # the overall-rank evidence of the digit swaps is conditional
        assert "only under those weights" in _errata().at[rid, "evidence"]
    assert "no independent evidence" in _errata().at["E67", "evidence"]
    for rid in ("E34", "E35", "E36", "E37"):
        assert "the scheme that reproduces" not in _errata().at[rid, "evidence"]


def test_06_overall_ranks_are_inconsistent_with_a_weighting_not_with_the_scores(audits):
    from vitality.siis import audit

    _, printed, corrected, _ = audits
    X, r = _scores(), _overall_ranks()
    margin, (lo, hi) = _lp_region(X, r)
    assert margin > 0
    points = audit.summary_points(printed, after=corrected)
    overall = next(p for p in points if p.startswith("**Ranking 'overall'.**"))
    assert "inconsistent with the scores" not in overall
    assert "inconsistent with this weighting, not with the scores" in overall and f"social {lo:.3f}–{hi:.3f}" in overall
    weights = next(p for p in points if p.startswith("**Weights.**"))
    assert "'equal indicators' 46 — circular in part" in weights
    from vitality.siis import errata

    v = audit.verdict_table(printed, corrected, errata.reconcile(printed.findings, errata.load_errata()))
    fitted = v[v["check"].str.startswith("overall ranks, some domain weights")].iloc[0]
    assert (fitted["n"], fitted["matching"], fitted["strength"]) == (46, 46, "consistent with")   # fitted: not reproduces
    best = v[v["check"] == "overall ranks, best named weighting 'equal indicators' (printed)"].iloc[0]
    assert best["strength"] == "differs" and "not with the scores" in best["note"]
    finding = printed.findings.query("item == 'weights'").iloc[0]
    assert finding["proposed_value"] == "" and "a hypothesis, not a correction" in finding["evidence"]


def test_07_cause_says_which_weights_reproduce_all_places():
    from vitality.siis import robustness as report_robustness

    X, r = _scores(), _overall_ranks()
    margin, (lo, hi) = _lp_region(X, r)
    text = report_robustness.nominal_cause(X, r, name="the nominal weights")
    assert margin > 0 and "some domain weights reproduce all 46 printed places" in text
    assert f"social {lo:.3f}–{hi:.3f}" in text and "inconsistent with this weighting, not with the scores" in text


# ------------------------------------------------------------------------------------------------ 3
def test_e49_e51_cannot_be_checked_and_propose_nothing(audits):
    X = _scores()
    g = _gdp(X.index)
    epi_total = X.to_numpy() @ EPI
    recomputed = {"E49": np.corrcoef(epi_total, g)[0, 1], "E50": np.corrcoef(X["political"], g)[0, 1],
                  "E51": np.corrcoef(X["social"], g)[0, 1]}
    notes = pd.read_csv(paths.EXTERNAL_DATA / "cities_2013.csv")["notes"].fillna("")
    assert notes.str.contains("DISCREPANCY").sum() >= 4              # the bundled series mixes vintages
    for rid, r in recomputed.items():
        e = _errata().loc[rid]
        assert e["proposed_value"] == "" and "Cannot be checked from the printed tables" in e["evidence"]
        assert f"{r:.4f}" in e["evidence"] and "probably not the main cause" not in e["evidence"]
    _, printed, _, _ = audits
    gdp_rows = printed.findings[printed.findings["item"].str.startswith("r(GDP")]
    assert len(gdp_rows) and (gdp_rows["proposed_value"] == "").all()
    assert gdp_rows["evidence"].str.contains("cannot be checked from the printed tables").all()


# ------------------------------------------------------------------------------------------------ 4
def test_05_hypotheses_are_consistent_never_reproduced_and_best_counts_fits():
    from vitality.siis import data, gdp_regression

    rep = data.load_report()
    X = rep.domain_scores
    g = _gdp(X.index)
    pub = pd.read_csv(paths.REPORT_DATA / "gdp_regression.csv", dtype=str).set_index("domain")
    # independently: printed scores, equal per indicator; which printed r / R² come out within half a unit
    Y = X.assign(total=X.to_numpy() @ EPI)

    def half(txt):
        return 0.5 * 10.0 ** -len(txt.split(".")[1])

    ok = {}
    for o in pub.index:
        r = np.corrcoef(Y[o], g)[0, 1]
        ok[(o, "r")] = abs(r - float(pub.at[o, "r"])) <= half(pub.at[o, "r"]) + 1e-12
        ok[(o, "R²")] = abs(r ** 2 - float(pub.at[o, "r_squared"])) <= half(pub.at[o, "r_squared"]) + 1e-12
    n_numbers = sum(ok.values())
    n_fits = sum(ok[(o, "r")] and ok[(o, "R²")] for o in pub.index)
    assert (n_fits, n_numbers) == (1, 3)
    table, summary = gdp_regression.gdp_hypotheses(X, g, rep.gdp_regression, cities=rep.cities,
                                                   rankings=rep.rankings)
    assert "consistent" in table and "reproduces" not in table and "consistent_under" in summary
    msg = gdp_regression.gdp_hypotheses_message(summary, table, len(X))
    assert "reproduced by" not in msg and "reproduces" not in msg
    assert f"give {n_fits} of 5 fits (r and R² both) and {n_numbers} of 10 printed numbers" in msg
    assert "none of these is the total" in msg
    assert "consistent with this GDP series under" in msg


def test_05_economic_size_claim_rests_on_a_partial_correlation():
    from vitality.siis import gdp_regression, model

    X = _scores()
    g = _gdp(X.index)
    part = {}
    for d in DOMAINS:
        A = np.c_[np.ones(len(X)), X.drop(columns=d).to_numpy()]
        rc = X[d].to_numpy() - A @ np.linalg.lstsq(A, X[d].to_numpy(), rcond=None)[0]
        rg = g.to_numpy() - A @ np.linalg.lstsq(A, g.to_numpy(), rcond=None)[0]
        part[d] = np.corrcoef(rc, rg)[0, 1]
    se = 1 / np.sqrt(len(X) - 3 - 3)
    ci = {d: np.tanh(np.arctanh(p) + np.array([-1, 1]) * 1.959963984540054 * se) for d, p in part.items()}
    assert max(part, key=part.get) == "economic"
    assert ci["cultural"][1] >= ci["economic"][0]                 # the intervals overlap: not singled out
    size = gdp_regression.size_table(X, g)
    assert size["partial_r"].to_dict() == pytest.approx(part, abs=1e-10)
    meta = model.framework_meta(None, level="indicators")
    econ = meta[(meta["Parent"] == "economic") & (meta["Type"] == "Indicator")]
    msg = gdp_regression.size_message(size, indicators=list(econ["name_en"]), units=list(econ["Unit"]))
    assert f"partial r = {part['economic']:.3f}" in msg and f"{ci['economic'][0]:.3f}–{ci['economic'][1]:.3f}" in msg
    assert "the largest of the four" in msg and "do not single out economic" in msg
    assert "not printed" in msg and "mechanical" in msg
    assert "grow with the size of the economy, so" not in msg          # the untested claim is gone


# ------------------------------------------------------------------------------------------------ 5
def test_06_correlation_verdict_labels_printed_and_after_errata(audits):
    from vitality.siis import audit

    _, printed, corrected, fixed = audits
    pub = pd.read_csv(paths.REPORT_DATA / "correlations.csv")
    pub = pub[pub["row_domain"] < pub["col_domain"]]

    def largest(S):
        return max(abs(np.corrcoef(S[p.row_domain], S[p.col_domain])[0, 1] - p.r) for p in pub.itertuples())

    as_printed, after = largest(_scores()), largest(fixed.astype(float))
    lines = audit.verdict_sentences(corrected, best_scheme=printed.best_scheme, printed=printed)
    c = lines[2]
    assert f"largest difference (after errata) {after:.4g}" in c and f"largest difference (as printed) {as_printed:.4g}" in c
    assert f"{as_printed:.4g}" == "0.02316" and f"{after:.4g}" == "0.02464"


# ------------------------------------------------------------------------------------------------ 6
def test_off_grid_confidence_one_source_and_severity_matches_errata(audits):
    _, printed, _, _ = audits
    X = _scores()
    # 厦门 political 54.98: both grid neighbours 54.89 and 55.43 keep the printed rank 10, so only the digit swap
    # separates them: one piece of evidence, medium confidence (not high)
    others = X["political"].drop(index="厦门")
    for cand in (54.89, 55.43):
        assert int((others > cand).sum()) + 1 == 10
    og = printed.off_grid.set_index("unit")
    assert og.at["厦门", "confidence"] == "medium" and og.at["武汉", "confidence"] == "high"
    f = printed.findings[printed.findings["kind"] == "off-grid score"].set_index("city")
    for city in og.index:                      # the findings quote the off-grid table's confidence, not another
        assert f.at[city, "evidence"].endswith(f"(confidence {og.at[city, 'confidence']})")
    e = _errata()
    e = e[e["kind"] == "off-grid score"].set_index("city")
    assert f["severity"].to_dict() == e["severity"].reindex(f.index).to_dict()
    assert not e["evidence"].str.contains("confidence").any()        # the errata hold no second confidence
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    by = {c: [u for u in ("南宁", "武汉", "汕头", "厦门") if og.at[u, "confidence"] == c] for c in ("high", "medium")}
    assert (f"high for {' and '.join(by['high'])}, medium for {' and '.join(by['medium'])}; 大连 "
            f"{og.at['大连', 'confidence']}") in readme


# ------------------------------------------------------------------------------------------------ 7
def test_06_one_dominant_dimension_with_its_share():
    from vitality.siis import audit

    X = _scores()
    ev = np.sort(np.linalg.eigvalsh(np.corrcoef(X.to_numpy(), rowvar=False)))[::-1]
    share = ev[0] / ev.sum()
    assert (ev > 1).sum() == 1
    imp, _, rep = audit.coherence_tables(X, n_boot=20)
    text = audit.coherence_sentences(imp, rep, nominal="equal per indicator", stated="stated (4 × 0.25)")
    assert f"explains {share:.1%}" in text and f"one dominant dimension ({1 - share:.1%}" in text
    assert "measure one dimension" not in text


def test_handbook_step_and_gdp_wording():
    nb07 = (ROOT / "notebooks" / "07_robustness.py").read_text(encoding="utf-8")
    assert "step 7 of the ten" in nb07 and "step 8" not in nb07
    assert "step 8" not in (ROOT / "vitality" / "robustness.py").read_text(encoding="utf-8")
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "regressed on GDP" in readme


# ------------------------------------------------------------------------------------------------ 8
@pytest.fixture(scope="module")
def robustness_run():
    from vitality import robustness
    from vitality.siis import data, model
    from vitality.siis import robustness as rr

    rep = data.load_report()
    scores, published = rep.domain_scores, rep.rankings["overall"]
    choices = robustness.Choices(normalise=["none", "rank", "minmax"], aggregate=["amean", "gmean"],
                                 weights="uniform", perturbation=0.5)
    m = robustness.RobustnessModel(scores, model.framework_meta(None), choices,
                                   weights={"social": 5, "cultural": 3, "economic": 5, "political": 4})
    ua = robustness.uncertainty_analysis(m, 2000, 2015, band=2, top=10)
    sa = robustness.sensitivity_analysis(m, 1024, 2015)
    places = rr.top_places(ua, published, sa, top=10, band=1, prob=0.9)
    return ua, sa, places, published


def test_07_moved_mostly_lists_every_city_by_its_largest_total_effect(robustness_run):
    from vitality.siis import robustness as rr

    ua, sa, places, published = robustness_run
    t = sa.table[(sa.table["output"] == "rank") & sa.table["unit"].isin(places.index)]
    driver = t.loc[t.groupby("unit")["ST"].idxmax()].set_index("unit")["input"]
    names = {"weights_L1": "the domain weights"}
    text = rr.robustness_statements(places, None, n=2000, top=10, band=1, prob=0.9, names=names)
    line = next(x for x in text.split("\n") if x.startswith("- **Moved mostly**"))
    for unit, inp in driver.items():       # every top-10 city, under the input the Sobol' table puts it
        seg = line.split(f"by {rr.input_words(inp, names)}: ")[1].split(";")[0]
        assert f"{unit} ({int(published[unit])})" in seg


def test_07_st_above_one_is_explained_with_its_interval(robustness_run):
    from vitality.siis import robustness as rr

    ua, sa, places, published = robustness_run
    t = sa.table[(sa.table["output"] == "rank") & sa.table["unit"].isin(places.index)]
    above = t[t["ST"] > 1]
    note = rr.st_note(sa, list(places.index))
    if above.empty:
        assert note == ""
        return
    assert "cannot exceed 1" in note and "sampling error" in note
    for r in above.itertuples():
        assert f"{r.unit} {r.ST:.2f} (95% interval {r.ST - r.ST_conf:.2f}–{r.ST + r.ST_conf:.2f}" in note
    if (above["ST"] - above["ST_conf"] <= 1).all():
        assert "Every such interval reaches 1 or below" in note and "capped at 1" in note
        for r in above.itertuples():
            assert f"{r.unit} {max(0.0, r.ST - r.ST_conf):.2f}–1" in note


def test_06_summary_names_cities_in_english_on_request(audits):
    import re

    from vitality.siis import audit, labels

    rep, printed, corrected, _ = audits
    en = dict(zip(rep.domain_scores.index, labels.city_labels(rep.domain_scores.index, rep.cities, "en")))
    points = audit.summary_points(printed, after=corrected, label=en.get)
    grid = next(p for p in points if p.startswith("**Score grid.**"))
    lists = next(p for p in points if p.startswith("**Cluster lists.**"))
    assert not re.search(r"[\u4e00-\u9fff]", grid + lists)
    assert f"{en['厦门']} political 54.98 → 54.89, medium confidence" in grid


# ------------------------------------------------------------------------------------------------ second reading
def test_06_linkage_summary_says_found_by_search_not_reproduced(audits):
    """The summary line agrees with 02 and the verdict table: a scan hit is 'consistent with', not reproduced."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import adjusted_rand_score

    from vitality.siis import audit

    rep, printed, corrected, _ = audits
    X = _scores()
    cl = pd.read_csv(paths.REPORT_DATA / "clusters.csv").drop_duplicates("city_zh").set_index("city_zh")
    cities = [c for c in X.index if c in cl.index]
    labels = fcluster(linkage(X.loc[cities].to_numpy(), "ward"), 5, "maxclust")   # Ward, Euclidean, raw scores
    assert adjusted_rand_score(cl.loc[cities].iloc[:, 0], labels) == pytest.approx(1.0)
    line = next(p for p in audit.summary_points(printed, after=corrected) if p.startswith("**Linkage.**"))
    n_exact = int((printed.linkage["ari"] >= 1 - 1e-9).sum())
    assert "reproduced exactly" not in line and "ward/euclidean" in line
    assert f"{n_exact} of the {len(printed.linkage)} combinations scanned give the printed classes exactly" in line
    assert "found by search" in line and "consistent with them, not reproduced" in line


def test_06_errata_lines_name_cities_in_english_on_request(audits):
    import re

    from vitality.siis import errata, labels

    rep, _, _, _ = audits
    en = dict(zip(rep.domain_scores.index, labels.city_labels(rep.domain_scores.index, rep.cities, "en")))
    table = errata.load_errata()
    _, _, applied = errata.apply_errata(rep.domain_scores, rep.rankings, table)
    applied_txt = errata.describe_applied(applied, label=en.get)
    high_txt = errata.describe_high(table, label=en.get)
    cities = [c for c in table["city"] if c]
    assert cities
    e01 = table.set_index("id").loc["E01"]
    assert f"{en[e01['city']]} political score 66.47 → 64.67 (E01)" in applied_txt
    assert f"{en[e01['city']]} political: printed 66.47 → 64.67" in high_txt
    # the only Chinese left is what the report prints (figure names, quoted text), never a city name
    for txt in (applied_txt, high_txt):
        assert not any(c in re.sub(r"'[^']*'", "", txt) for c in set(cities))
    assert "南宁 political score 66.47 → 64.67 (E01)" in errata.describe_applied(applied)   # zh run unchanged


def test_05_tied_best_hypotheses_name_the_numbers_each_matches():
    """Tied best hypotheses can match different printed numbers; the sentence names each set (recomputed)."""
    from vitality.siis import data, gdp_regression

    rep = data.load_report()
    X = rep.domain_scores
    g = _gdp(X.index)
    pub = pd.read_csv(paths.REPORT_DATA / "gdp_regression.csv", dtype=str).set_index("domain")

    def half(txt):
        return 0.5 * 10.0 ** -len(txt.split(".")[1])

    def matched(keep):
        Y = X.loc[keep].assign(total=X.loc[keep].to_numpy() @ EPI)
        out = []
        for o in ["total", "political", "economic", "cultural", "social"]:
            r = np.corrcoef(Y[o], g.loc[keep])[0, 1]
            if abs(r - float(pub.at[o, "r"])) <= half(pub.at[o, "r"]) + 1e-12:
                out.append(f"{o} r")
        for o in ["total", "political", "economic", "cultural", "social"]:
            r = np.corrcoef(Y[o], g.loc[keep])[0, 1]
            if abs(r ** 2 - float(pub.at[o, "r_squared"])) <= half(pub.at[o, "r_squared"]) + 1e-12:
                out.append(f"{o} R²")
        return out

    hz = matched([c for c in X.index if c != "杭州"])
    qhd = matched([c for c in X.index if c != "秦皇岛"])
    assert hz == ["economic r", "cultural r", "cultural R²"] and qhd == ["cultural r", "social r", "social R²"]
    table, summary = gdp_regression.gdp_hypotheses(X, g, rep.gdp_regression, cities=rep.cities,
                                                   rankings=rep.rankings)
    msg = gdp_regression.gdp_hypotheses_message(summary, table, len(X))
    head = msg.split("\n")[0]
    assert "the numbers differ between them" in head
    assert f"{', '.join(hz)} under *Pearson, without 杭州 (N = 45)*" in head
    assert f"{', '.join(qhd)} under leaving out any one of 2 cities (秦皇岛, 西宁)" in head
    assert "**cultural r** (printed 0.75)" in msg and "(printed 0.750)" not in msg        # as printed


def test_03_borderline_sentence_names_the_comparison_of_each_test():
    """capital/cultural (p = 0.055) is east–west and capital/political (p = 0.065) north–south: the sentence says
    which, with both p recomputed from the printed scores and the footnote lists."""
    from scipy.stats import mannwhitneyu

    from vitality.siis import data, regions

    rep = data.load_report()
    X = rep.domain_scores
    lists = pd.read_csv(paths.REPORT_DATA / "compass_lists.csv").groupby("list")["city_zh"].apply(set)
    cap = rep.cities["is_capital_or_municipality"].reindex(X.index).astype(bool)
    east, west, north = (X.index.isin(lists[k]) for k in ("east", "west", "north"))
    p_ew = mannwhitneyu(X.loc[cap & east, "cultural"], X.loc[cap & west, "cultural"]).pvalue
    p_ns = mannwhitneyu(X.loc[cap & north, "political"], X.loc[cap & ~north, "political"]).pvalue
    assert p_ew == pytest.approx(0.0547, abs=5e-4) and p_ns == pytest.approx(0.0648, abs=5e-4)
    tests = pd.DataFrame({"subset": ["capital", "capital"], "column": ["cultural", "political"],
                          "group_a": ["east", "north"], "group_b": ["west", "south"], "p": [p_ew, p_ns],
                          "ci_low": [0.025, -0.682], "ci_high": [0.706, -0.003]})
    text = regions._borderline(tests, 0.05)
    assert f"east–west, capital/cultural (p = {p_ew:.3f}" in text
    assert f" and north–south, capital/political (p = {p_ns:.3f}" in text


def test_index_items_of_06_read_in_chinese(audits):
    """The 06 verdict rows that reach the Chinese index.html carry no English sentence."""
    import re

    from vitality.siis import audit, errata, labels

    _, printed, corrected, _ = audits
    X, r = _scores(), _overall_ranks()
    margin, (lo, hi) = _lp_region(X, r)
    assert margin > 0
    v = audit.verdict_table(printed, corrected, errata.reconcile(printed.findings, errata.load_errata()))
    assert v["check"].str.startswith("overall ranks, some domain weights").any()
    for _, row in v.iterrows():
        note = row["note"] if isinstance(row["note"], str) and row["note"] else ""
        text = labels.translate_items(row["check"] + (f" ({note})" if note else ""))
        words = re.findall(r"[A-Za-z]{4,}", re.sub(r"\S+\.csv|\d\d_\w+", "", text))
        assert [w for w in words if w != "Ward"] == [], text
    note = labels.translate_items(f"({audit.region_note(audit.overall_region(X, r))})")
    assert f"社会 {lo:.3f}–{hi:.3f}" in note and "全部 46 个印刷名次" in note and note.endswith("）")


def test_small_wording_k_range_weights_and_coherence_weight():
    """No Python list or dict printed in a sentence; the coherence line compares with each weighting's own weight."""
    from types import SimpleNamespace

    from vitality.robustness import Choices
    from vitality.siis import clustering
    from vitality.siis import robustness as report_rb

    scan = pd.DataFrame({"method": ["ward", "average"], "metric": ["euclidean", "sqeuclidean"],
                         "standardise": ["none", "none"], "k": [5, 5], "ari": [1.0, 0.3]})
    stated = SimpleNamespace(ari=0.3)
    text = clustering.scan_summary(scan, scan.iloc[[1]], stated, method="average", metric="sqeuclidean", k=5,
                                   ks=list(range(2, 11)))
    assert "at any k = 2–10" in text and "[" not in text
    model = SimpleNamespace(inputs=["weights_L1"], choices=Choices())
    msg = report_rb.inputs_message(model, {"social": 5, "cultural": 3, "economic": 5, "political": 4})
    assert msg.endswith("weights social 5 : cultural 3 : economic 5 : political 4.") and "{" not in msg
    from vitality.siis import audit

    imp, _, rep = audit.coherence_tables(_scores(), n_boot=20)
    text = audit.coherence_sentences(imp, rep, nominal="equal per indicator", stated="stated (4 × 0.25)")
    stated_line = next(ln for ln in text.split("\n") if ln.startswith("- **Under stated"))
    assert "nominal" not in stated_line and "against the weight this weighting gives the domain" in stated_line
    assert stated_line.count("(weight 0.25)") == 4                                 # the stated weights, 0.25 each


def test_07_solid_city_that_misses_its_exact_place_is_said():
    """重庆 is 'solid' (±1 band) and among the places equal weight per indicator does not give (4 vs 5): the
    robustness line says both, so the two statements no longer read as a contradiction."""
    from types import SimpleNamespace

    from vitality.reporting import compare_values
    from vitality.siis import robustness as report_rb

    X, r = _scores(), _overall_ranks()
    nominal = pd.Series(X.loc[r.index].to_numpy() @ EPI, index=r.index).rank(ascending=False, method="min")
    assert (nominal["重庆"], r["重庆"]) == (4, 5) and nominal["北京"] == r["北京"] == 1
    verdict = compare_values(r.astype(float), nominal.astype(float)).assign(published_in_interval=True)
    places = pd.DataFrame({"category": ["solid", "solid"]}, index=["北京", "重庆"])
    msg = report_rb.robustness_message(SimpleNamespace(headline_text=lambda noun: "H"), places, verdict, top=10)
    assert "Solid means within the band around the published place" in msg
    assert "重庆 is solid yet among the published ranks the nominal index does not give exactly" in msg
    assert "北京 is solid" not in msg and "北京、重庆 are" not in msg


def test_06_narration_does_not_call_fits_found_by_search_reproductions():
    """The 06 introduction matches its own verdict table: the scan's linkages and the named weightings are not
    said to reproduce what they were fitted or compared to."""
    text = (ROOT / "notebooks" / "06_audit.py").read_text(encoding="utf-8")
    intro = text[text.index("**What this notebook does.**"):text.index("# %% [markdown]", text.index("**What this notebook does.**"))]
    assert "linkage reproduces" not in intro and "weighting reproduces" not in intro
    assert "found\n# by search: consistent with, not a reproduction" in intro and "recomputed: the report prints no GDP" in intro
