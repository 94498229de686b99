"""Every notebook executes with papermill on its defaults and on a non-default parameter set.

The two runs go through ``vitality.reproduce`` (the main command's code) in parallel, once per test
session. The key numbers each notebook writes are then checked against the published ones — or, where
the report does not reproduce, against the documented difference — with the tolerance stated in each
test, and recomputed here independently of the library where that is cheap.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest
import yaml

from vitality.siis import data, paths, reproduce

pytestmark = pytest.mark.notebooks

NOTEBOOKS = reproduce.list_notebooks()
#: saved tables carry computed values to 6 significant digits (vitality.reporting.save_table): compare within that
TABLE_REL = 1e-5
STANDARD = ("data_dir", "out_dir", "fig_dir", "lang", "apply_errata", "seed")

#: the non-default run: the errata applied and other choices per notebook; it runs without a CJK font
#: (``VITALITY_NO_CJK=1``), so the default ``lang="zh"`` falls back to English labels with the hint
ALT_PARAMS = {
    "apply_errata": True,
    "01_rankings": {"weights": {"social": 0.4, "cultural": 0.2, "economic": 0.2, "political": 0.2},
                    "ties": "average"},
    "02_clustering": {"linkage": "ward", "metric": "euclidean", "k": 4},
    "03_regions": {"method": "permutation", "n_perm": 2000,
                   "unlisted": {"east_west": "exclude", "north_south": "south"},
                   "overrides": {"east_west": {"广州": "east", "深圳": "east"}, "north_south": {}}},
    "05_gdp_regression": {"weights": {"social": 5, "cultural": 3, "economic": 5, "political": 4}},
}


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    """Both runs at once: the defaults in-process; the alternative through the command line, in a
    subprocess that behaves as a machine without a CJK font (``VITALITY_NO_CJK=1``), so the English
    fallback is exercised and any Chinese glyph left in an English figure shows up as a warning."""
    base = tmp_path_factory.mktemp("notebooks")
    before = data.data_checksum(paths.DATA)
    params = base / "alt.yaml"
    params.write_text(yaml.safe_dump(ALT_PARAMS, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "VITALITY_NO_CJK": "1"}
    cmd = [sys.executable, "-m", "vitality", "reproduce", "--out", str(base / "alt"), "-f", str(params),
           "--no-profiles"]   # the main command's hand-on step too (profiles: tests/test_render_browser.py)
    with ThreadPoolExecutor(max_workers=2) as pool:
        default = pool.submit(reproduce.reproduce, base / "default", progress=False)
        alt = pool.submit(subprocess.run, cmd, env=env, capture_output=True, text=True, encoding="utf-8")
        default.result()
        done = alt.result()
    assert done.returncode == 0, done.stderr[-3000:]
    assert data.data_checksum(paths.DATA) == before, "a notebook wrote into data/"
    return {"default": base / "default", "alt": base / "alt"}


def table(run, name, **kw):
    return pd.read_csv(run / "tables" / f"{name}.csv", encoding="utf-8", **kw)


# --- every notebook ---------------------------------------------------------------------------------

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_source_has_no_outputs_and_one_parameters_cell_with_the_standard_names(nb):
    src = nbformat.read(nb, as_version=4)
    code = [c for c in src.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [i for i, c in enumerate(src.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert src.cells[tagged[0] - 1].cell_type == "markdown", "the parameters cell is introduced by markdown"
    declared = papermill.inspect_notebook(str(nb))  # papermill must be able to parse every line
    assert set(STANDARD) <= set(declared), f"missing {set(STANDARD) - set(declared)}"


@pytest.mark.parametrize("which", ["default", "alt"])
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_ran_and_wrote_a_verdict(runs, nb, which):
    run = runs[which]
    executed = nbformat.read(run / "notebooks" / nb.name, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert (run / "tables" / f"{nb.stem}-verdict.csv").exists()
    assert any(run.joinpath("figures").glob("*.png"))


def _outputs(run, kind):
    for nb in sorted((run / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(nb, as_version=4).cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == kind:
                    yield nb.stem, out.get("text", "")


def test_english_fallback_without_cjk_font_draws_every_label(runs):
    """The alternative run has no CJK font: each notebook prints the one-line hint, and no figure asks
    for a glyph the fallback font lacks (e.g. a Chinese name left in an English label)."""
    missing = [(nb, text.strip()[:200]) for nb, text in _outputs(runs["alt"], "stderr") if "missing from font" in text]
    assert not missing, missing
    hinted = {nb for nb, text in _outputs(runs["alt"], "stdout") if "No CJK font found" in text}
    assert hinted == {nb.stem for nb in NOTEBOOKS}


def test_figures_are_png_and_svg_pairs(runs):
    for run in runs.values():
        pngs = sorted(p.stem for p in (run / "figures").glob("*.png"))
        svgs = sorted(p.stem for p in (run / "figures").glob("*.svg"))
        assert pngs == svgs and len(pngs) >= 10
        assert all(n.startswith(("fig", "extra-")) for n in pngs)


# --- 01 rankings --------------------------------------------------------------------------------------

def _independent_overall_exact(weights):
    """Count published overall ranks equal to the 'min' rank of the weighted mean (plain pandas)."""
    long = pd.read_csv(paths.REPORT_DATA / "domain_scores.csv", dtype={"score": str})
    wide = long.assign(score=long["score"].astype(float)).pivot(index="city_zh", columns="domain", values="score")
    w = pd.Series(weights, dtype=float)
    total = (wide[w.index] * w).sum(axis=1) / w.sum()
    rank = (-total.round(9)).rank(method="min")
    pub = pd.read_csv(paths.REPORT_DATA / "rankings.csv").query("ranking == 'overall'").set_index("city_zh")["rank"]
    return int((rank.reindex(pub.index) == pub).sum())


def test_rankings_verdict_counts_are_true(runs):
    v = table(runs["default"], "01_rankings-verdict", index_col=0)
    stated = _independent_overall_exact({"social": 1, "cultural": 1, "economic": 1, "political": 1})
    per_ind = _independent_overall_exact({"social": 5, "cultural": 3, "economic": 5, "political": 4})
    assert v.loc["overall: stated (4 × 0.25)", "exact"] == stated == 15
    assert v.loc["overall: equal per indicator", "exact"] == per_ind == 40
    # domain rankings: exact = published rank equals the 'min' rank of the printed domain score
    long = pd.read_csv(paths.REPORT_DATA / "domain_scores.csv")
    pub = pd.read_csv(paths.REPORT_DATA / "rankings.csv")
    for d in ("social", "cultural", "economic", "political"):
        s = long.query("domain == @d").set_index("city_zh")["score"]
        p = pub.query("ranking == @d").set_index("city_zh")["rank"]
        assert v.loc[d, "exact"] == int(((-s).rank(method="min").reindex(p.index) == p).sum())


def test_rankings_errata_effect_and_alt_weights(runs):
    eff = table(runs["default"], "01_rankings-errata-effect", header=[0, 1], index_col=0)
    assert eff[("as printed", "exact")]["overall: equal per indicator"] == 40
    assert eff[("after errata", "consistent")]["overall: equal per indicator"] == 46
    # the alt run's weights reach the table: its scores are the weighted mean of the corrected scores
    from vitality.siis import errata

    report = data.load_report()
    corrected = errata.apply_errata(report.domain_scores, report.rankings)[0]
    w = pd.Series(ALT_PARAMS["01_rankings"]["weights"])
    expected = (corrected[w.index] * w).sum(axis=1) / w.sum()
    overall = table(runs["alt"], "01_rankings-overall", index_col=0)
    np.testing.assert_allclose(overall["score: your weights"], expected.reindex(overall.index), rtol=0, atol=1e-9)
    default_fig = (runs["default"] / "figures" / "fig03-overall-ranking.png").read_bytes()
    assert (runs["alt"] / "figures" / "fig03-overall-ranking.png").read_bytes() != default_fig


# --- independent recomputations from the bundled CSVs (plain pandas / numpy / scipy) -----------------

def _scores():
    long = pd.read_csv(paths.REPORT_DATA / "domain_scores.csv")
    return long.pivot(index="city_zh", columns="domain", values="score")[
        ["social", "cultural", "economic", "political"]]


def _published_classes():
    cl = pd.read_csv(paths.REPORT_DATA / "clusters.csv").drop_duplicates("city_zh")
    return cl.set_index("city_zh")["cluster"]


# --- 02 clustering ------------------------------------------------------------------------------------

def test_clustering_verdict_ward_reproduces_published_classes(runs):
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import adjusted_rand_score

    scores = _scores()
    pub = _published_classes()
    labels = pd.Series(fcluster(linkage(scores.to_numpy(), "ward"), 5, "maxclust"), index=scores.index)
    independent = adjusted_rand_score(pub, labels.reindex(pub.index))
    scan = table(runs["default"], "02_clustering-scan")
    ward = scan.query("method == 'ward' and metric == 'euclidean' and standardise == 'none' and k == 5")
    assert independent == pytest.approx(1.0) and ward["ari"].iloc[0] == pytest.approx(independent)
    stated = scan.query("method == 'average' and metric == 'sqeuclidean' and standardise == 'none' and k == 5")
    avg = pd.Series(fcluster(linkage(scores.to_numpy() , "average", metric="sqeuclidean"), 5, "maxclust"),
                    index=scores.index)
    assert stated["ari"].iloc[0] == pytest.approx(adjusted_rand_score(pub, avg.reindex(pub.index)), rel=TABLE_REL)
    assert stated["ari"].iloc[0] < 0.5  # the stated method does not reproduce the printed classes
    # Ward was found by the scan, not named by the caption: its rows are "consistent with", never "reproduces"
    v = table(runs["default"], "02_clustering-verdict", index_col=[0, 1])
    best = v[v.index.get_level_values("method").str.startswith("best")]
    assert set(best["strength"]) == {"consistent with"}
    # the alt run (ward, k = 4) really used its parameters
    alt = table(runs["alt"], "02_clustering-classes", index_col=0)
    assert alt["reproduced_stated"].nunique() == 4


# --- 03 regions ---------------------------------------------------------------------------------------

def test_regions_tests_match_scipy_and_alt_overrides_move_cities(runs):
    from scipy.stats import mannwhitneyu

    scores = _scores()
    lists = pd.read_csv(paths.REPORT_DATA / "compass_lists.csv").groupby("list")["city_zh"].agg(list)
    east, west = scores.loc[lists["east"]], scores.loc[lists["west"]]
    t = table(runs["default"], "03_regions-east-west-tests").query("subset == 'all'").set_index("column")
    for d in scores.columns:
        ref = mannwhitneyu(east[d], west[d], alternative="two-sided")
        assert t.loc[d, "p"] == pytest.approx(ref.pvalue, rel=TABLE_REL)
        assert t.loc[d, "n_a"] == 21 and t.loc[d, "n_b"] == 16 and t.loc[d, "n_excluded"] == 9
    alt = table(runs["alt"], "03_regions-east-west-tests").query("subset == 'all'").set_index("column")
    assert (alt["n_a"] == 23).all() and (alt["n_excluded"] == 7).all() and (alt["method"] == "permutation").all()


# --- 04 correlations ----------------------------------------------------------------------------------

def test_correlation_verdict_is_true(runs):
    scores = _scores()
    v = table(runs["default"], "04_correlations-verdict").query("check == 'r'")
    for row in v.itertuples():
        r = np.corrcoef(scores[row.domain_x], scores[row.domain_y])[0, 1]
        assert row.reproduced == pytest.approx(r, rel=TABLE_REL)
        # tolerance 0.0005: half a unit of the printed third decimal
        assert (row.status == "match") == (abs(r - row.published) <= 0.0005)
    assert set(v.loc[v["status"] == "match", "domain_x"] + "-" + v.loc[v["status"] == "match", "domain_y"]) == {
        "cultural-economic"}


# --- 05 GDP regression --------------------------------------------------------------------------------

def test_gdp_regression_verdict_is_true_and_weights_flow_through(runs):
    scores = _scores()
    gdp = pd.read_csv(paths.EXTERNAL_DATA / "cities_2013.csv").set_index("city_zh")["gdp_2013_100m_cny"]
    fit = table(runs["default"], "05_gdp_regression-fit", index_col=0)
    w = pd.Series({"social": 5, "cultural": 3, "economic": 5, "political": 4}, dtype=float)  # nominal model
    total = (scores[w.index] * w).sum(axis=1) / w.sum()
    r_total = np.corrcoef(total, gdp.reindex(total.index))[0, 1]
    assert fit.loc["total", "r"] == pytest.approx(r_total, rel=TABLE_REL)
    assert fit.loc["total", "n"] == 46 and fit.loc["total", "n_dropped"] == 0
    slope = np.polyfit(gdp.reindex(total.index), total, 1)[0]
    assert fit.loc["total", "slope"] == pytest.approx(slope, rel=TABLE_REL)
    for d in scores.columns:
        assert fit.loc[d, "r"] == pytest.approx(np.corrcoef(scores[d], gdp.reindex(scores.index))[0, 1], rel=TABLE_REL)
    # economic reproduces the printed 0.758 within half a printed unit; total does not (0.876 vs 0.847)
    assert abs(fit.loc["economic", "r"] - 0.758) <= 0.0005
    assert abs(fit.loc["total", "r"] - 0.847) > 0.02
    # the verdict: a value matches when it rounds to the printed one (half a unit of its printed last decimal)
    v = table(runs["default"], "05_gdp_regression-verdict", index_col=[0, 1])
    printed = pd.read_csv(paths.REPORT_DATA / "gdp_regression.csv", dtype=str).set_index("domain")
    for (outcome, stat), row in v.iterrows():
        text = printed.loc[outcome, stat]
        half = 0.5 * 10.0 ** -len(text.split(".")[1])
        assert (row["status"] == "match") == (abs(row["reproduced"] - float(text)) <= half + 1e-12), (outcome, stat)
    assert v.loc[("cultural", "r"), "status"] == "match"        # 0.7511 rounds to the printed 0.75
    # GDP values are not printed: a value that comes out again is only "consistent with", never "reproduces"
    assert set(v["strength"]) <= {"consistent with", "differs"}
    assert v.loc[("cultural", "r_squared"), "strength"] == "differs"   # 0.5642 vs the printed 0.562
    # the alt run: total = equal weight per indicator (5:3:5:4) of the corrected scores
    alt = table(runs["alt"], "05_gdp_regression-fit", index_col=0)
    assert alt.loc["total", "r"] != pytest.approx(fit.loc["total", "r"], abs=1e-6)


# --- 06 audit -----------------------------------------------------------------------------------------

def test_audit_verdict_is_true(runs):
    v = table(runs["default"], "06_audit-verdict", index_col=0)
    assert v.loc["machine-detectable findings recorded in the errata table", "status"] == "match"
    assert v.loc["overall ranks, best named weighting 'equal indicators' (after errata)", "matching"] == 46
    for name in ("grid", "rank-check", "weighting", "statistics"):
        assert (runs["default"] / "figures" / f"extra-audit-{name}.png").exists()
    # 179 of the 184 printed scores lie on the grid 100·m/(k·46) with k = 5, 3, 5, 4 (checked here directly)
    scores = _scores()
    k = pd.Series({"social": 5, "cultural": 3, "economic": 5, "political": 4})
    m = scores * k * 46 / 100
    on_grid = ((m.round() * 100 / (k * 46)).round(2) - scores).abs() <= 0.005 + 1e-9
    assert int(on_grid.to_numpy().sum()) == v.loc["domain scores on the rank-score grid (printed)", "matching"] == 179


# --- 07 robustness ------------------------------------------------------------------------------------

def test_robustness_verdict_is_true(runs):
    scores = _scores()
    w = pd.Series({"social": 5, "cultural": 3, "economic": 5, "political": 4}, dtype=float)
    nominal = (-((scores[w.index] * w).sum(axis=1) / w.sum()).round(9)).rank(method="min")
    v = table(runs["default"], "07_robustness-verdict", index_col=0)
    assert (v["reproduced"] == nominal.reindex(v.index)).all()  # nominal = equal weight per indicator, as in 01
    assert int((v["status"] == "match").sum()) == _independent_overall_exact(w.to_dict()) == 40
    inside = (v["published"] >= v["q05"]) & (v["published"] <= v["q95"])
    assert (v["published_in_interval"] == inside).all()
    stats = table(runs["default"], "07_robustness-rank-stats").query("code == 'vitality'")
    assert (stats["q05"] <= stats["median"]).all() and (stats["median"] <= stats["q95"]).all()
    assert stats["n"].eq(10_000).all()


# --- your own data folder -------------------------------------------------------------------------------

def test_a_data_folder_of_your_own_without_errata(tmp_path):
    """New data (here: the bundled tables with one score changed, no errata.csv) runs through the
    notebooks' ``data_dir``: the report's errata are not applied to it, and the new value is used."""
    import shutil

    mine = tmp_path / "mydata"
    shutil.copytree(paths.DATA, mine)
    (mine / "errata.csv").unlink()
    scores = mine / "report" / "domain_scores.csv"
    text = scores.read_text(encoding="utf-8")
    assert text.count("北京,social,93.48") == 1
    scores.write_text(text.replace("北京,social,93.48", "北京,social,90.00"), encoding="utf-8")
    out = tmp_path / "out"
    reproduce.reproduce(out, params={"data_dir": str(mine), "apply_errata": True}, only=["01"], progress=False)
    overall = pd.read_csv(out / "tables" / "01_rankings-overall.csv", index_col=0)
    assert overall.loc["北京", "social"] == 90.0
    effect = pd.read_csv(out / "tables" / "01_rankings-errata-effect.csv", header=[0, 1], index_col=0)
    assert (effect["as printed"] == effect["after errata"]).all().all()   # no errata for this folder


# --- verdict strengths, recomputed independently (numpy / scipy / pandas only) ---------------------------

def test_weight_space_table_and_figure(runs):
    """01: the exact region of the printed ranking, checked at its witness weights with plain pandas; the
    stated weighting is outside every region; the figure is in the output."""
    t = table(runs["default"], "01_rankings-weight-space", index_col=[0, 1, 2])
    pr = t.xs(("as printed", "exact"), level=("version", "reading"))
    assert pr["reproduced"].all()
    w = pr["witness"].to_dict()
    assert _independent_overall_exact(w) == 46          # the witness reproduces every printed rank
    assert not t["inside: stated (4 × 0.25)"].any()
    assert (pr["exact ranks: equal per indicator"] == 40).all()
    assert (runs["default"] / "figures" / "extra-weight-space.png").exists()


# the saved tables carry 6 significant digits (reporting.save_table), hence rel=1e-5 below
def test_correlation_hypotheses_are_true(runs):
    from scipy.stats import spearmanr

    scores = _scores()
    h = table(runs["default"], "04_correlations-hypotheses")
    row = h[(h["target"] == "social–economic") & (h["hypothesis"] == "Spearman, printed scores")].iloc[0]
    assert row["value"] == pytest.approx(spearmanr(scores["social"], scores["economic"]).statistic, rel=1e-5, abs=1e-6)
    loo = h[(h["target"] == "social–political") & h["hypothesis"].str.contains("without 北京")].iloc[0]
    s = scores.drop(index="北京")
    assert loo["value"] == pytest.approx(np.corrcoef(s["social"], s["political"])[0, 1], rel=1e-5, abs=1e-6)
    assert (h["matches"] == ((h["value"] - h["published"]).abs() <= 0.0005 + 1e-12)).all()


def test_gdp_hypotheses_are_true(runs):
    h = table(runs["default"], "05_gdp_regression-hypotheses")
    scores = _scores()
    gdp = pd.read_csv(paths.EXTERNAL_DATA / "cities_2013.csv").set_index("city_zh")["gdp_2013_100m_cny"]
    row = h[(h["target"] == "economic r") & (h["hypothesis"] == "Pearson, log GDP")].iloc[0]
    assert row["value"] == pytest.approx(np.corrcoef(scores["economic"], np.log(gdp.reindex(scores.index)))[0, 1],
                                         rel=1e-5, abs=1e-6)


def test_coherence_table_is_true(runs):
    scores = _scores()
    struct = table(runs["default"], "06_audit-coherence-structure")
    k = scores.shape[1]
    alpha = k / (k - 1) * (1 - scores.var(ddof=1).sum() / scores.sum(axis=1).var(ddof=1))
    assert struct.query("statistic == \"Cronbach's alpha\"")["value"].iloc[0] == pytest.approx(alpha, rel=1e-5)
    ev = np.sort(np.linalg.eigvalsh(np.corrcoef(scores.to_numpy(), rowvar=False)))[::-1]
    share = struct.query("statistic == 'variance share' and component == 'PC1'")["value"].iloc[0]
    assert share == pytest.approx(ev[0] / ev.sum(), rel=1e-5)
    imp = table(runs["default"], "06_audit-coherence", index_col=[0, 1])
    assert imp["S_i"].between(0, 1).all()
    assert (runs["default"] / "figures" / "extra-coherence.png").exists()


def test_audit_verdict_strengths(runs):
    v = table(runs["default"], "06_audit-verdict", index_col=0)
    assert set(v["strength"]) <= {"reproduces", "consistent with", "not contradicted by", "differs",
                                  "cannot be checked from the printed tables"}
    # bookkeeping and after-errata checks can never be more than "consistent with"
    assert (v.loc[v["evidence"].isin(["bookkeeping", "after errata", "inputs not printed"]), "strength"]
            != "reproduces").all()
    # GDP R²: 1 of 5 printed R² within half a printed unit (economic); cultural 0.564 vs 0.562 differs
    gdp = pd.read_csv(paths.EXTERNAL_DATA / "cities_2013.csv").set_index("city_zh")["gdp_2013_100m_cny"]
    scores = _scores()
    r2c = np.corrcoef(scores["cultural"], gdp.reindex(scores.index))[0, 1] ** 2
    assert abs(r2c - 0.562) > 0.0005
    assert v.loc["printed GDP R² recomputed (printed scores, bundled GDP)", "strength"] == "differs"


def test_regions_claim_strengths(runs):

    v = table(runs["default"], "03_regions-verdict", index_col=[0, 1])
    claims = v.xs("claims 图表 10-11", level="check")
    assert "reproduces" not in set(claims["strength"])
    ns = claims[claims.index.str.startswith("north ≈ south")]
    assert set(ns["strength"]) <= {"not contradicted by", "differs"}
    assert "match" not in set(claims["status"])            # a non-rejection is never coded as a match
# --- every figure, both languages (issue #12) ---------------------------------------------------------

REPORT_FIGURES = ["fig01-framework", "fig03-overall-ranking", "fig04-social-ranking", "fig05-cultural-ranking",
                  "fig06-economic-ranking", "fig07-political-ranking", "fig08-gdp-r-table", "fig09-dendrogram",
                  "fig10-east-west", "fig11-north-south"]


def _figure_meta(run):
    import json

    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((run / "figures" / ".meta").glob("*.json"))]


@pytest.mark.parametrize("which", ["default", "alt"])
def test_every_report_figure_has_a_counterpart(runs, which):
    names = {p.stem for p in (runs[which] / "figures").glob("*.png")}
    assert set(REPORT_FIGURES) <= names, set(REPORT_FIGURES) - names


@pytest.mark.parametrize("which", ["default", "alt"])
def test_every_figure_has_a_source_note_and_text_in_one_language(runs, which):
    """Each text artist of each figure is scanned when it is saved: no Chinese in an English figure, no English
    word (beyond statistics symbols and proper names) in a Chinese one; and a source note under each."""
    metas = _figure_meta(runs[which])
    assert len(metas) >= 25
    assert {m["lang"] for m in metas} == ({"zh"} if which == "default" else {"en"})
    wrong = {m["name"]: m["problems"][:3] for m in metas if m["problems"]}
    assert not wrong, wrong
    unsourced = [m["name"] for m in metas if not (m["source"] or "").startswith(("数据来源", "Source"))]
    assert not unsourced


def test_main_command_writes_the_hand_on_results(runs):
    out = runs["alt"]
    for name in ("index.html", "cities.csv", "vitality-results.xlsx", "cities.geojson", "data-dictionary.csv",
                 "provenance.json"):
        assert (out / name).is_file(), name
    assert len(list((out / "html").glob("0*.html"))) == len(NOTEBOOKS)
