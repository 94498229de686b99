"""Report-layer tests moved from test_checks.py: the 2015 report's tables through vitality.siis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.stats as sps

from vitality import checks
from vitality.errors import ConfigError
from vitality.siis import audit, data, model


def _chk(statuses, units):
    return pd.DataFrame({"status": statuses}, index=pd.Index(units, name="city"))


def test_bad_parameters_raise():
    with pytest.raises(ConfigError, match="tie rule"):
        checks.check_ranking(pd.Series([1.0]), pd.Series([1]), ties="olympic")
    with pytest.raises(ConfigError, match="unknown domain code"):
        model.overall(pd.DataFrame({"a": [1.0]}), {"b": 1})
    with pytest.raises(ConfigError, match="not in the scores"):
        checks.weighting_scheme_test(pd.DataFrame({"a": [1.0]}), pd.Series([1]), {"s": {"b": 1}})
    with pytest.raises(ConfigError, match="positive integer"):
        checks.on_grid(pd.Series([1.0]), n=0, k=1)


@pytest.fixture(scope="module")
def report_audit():
    rep = data.load_report()
    return rep, audit.audit_report(rep, stated_linkage=("average", "sqeuclidean"))


# --- the report: the audit's findings against independent derivations from the printed tables ------
# Each expectation is computed here from data/report/*.csv with pandas/numpy/scipy/sklearn, never taken
# from the library's earlier output.

REPORT_DIR = Path(__file__).resolve().parents[2] / "data" / "report"
N_CITIES = 46
K_PRINTED = {"social": 5, "cultural": 3, "economic": 5, "political": 4}   # indicators per domain (三(三))


def _printed_scores() -> pd.DataFrame:
    long = pd.read_csv(REPORT_DIR / "domain_scores.csv")
    return long.pivot(index="city_zh", columns="domain", values="score")


def _on_grid(x: float, k: int, n: int = N_CITIES) -> bool:
    """Is x, printed to 2 decimals, the mean of k rank scores 100·r/n (r integer 1..n)?"""
    m = np.arange(k, k * n + 1)
    return bool(np.any(np.abs(np.round(100 * m / (k * n), 2) - x) < 1e-9))


def test_report_off_grid_cells_match_an_independent_grid_check(report_audit):
    _, res = report_audit
    wide = _printed_scores()
    expected = {(c, d) for d in K_PRINTED for c, x in wide[d].items() if not _on_grid(float(x), K_PRINTED[d])}
    assert expected == set(zip(res.off_grid["unit"], res.off_grid["domain"]))
    assert len(expected) == 5                                            # 179 of 184 printed scores on the grid
    # four of them are digit swaps of an on-grid value (read off the seed: 66.69, 66.47, 54.98, 21.47)
    for city, dom, swapped in [("武汉", "social", 66.96), ("南宁", "political", 64.67),
                               ("厦门", "political", 54.89), ("汕头", "social", 21.74)]:
        assert not _on_grid(float(wide.at[city, dom]), K_PRINTED[dom]) and _on_grid(swapped, K_PRINTED[dom])
        got = res.off_grid.set_index(["unit", "domain"]).at[(city, dom), "proposed"]
        assert round(float(got), 2) == swapped


def test_report_rank_sequence_and_weighting_match_independent_counts(report_audit):
    _, res = report_audit
    ranks = pd.read_csv(REPORT_DIR / "rankings.csv")
    social = ranks[ranks["ranking"] == "social"]["rank"]
    assert (social == 24).sum() == 0 and (social == 25).sum() == 2     # 图表 4 as printed
    assert set(zip(res.sequences["social"]["problem"], res.sequences["social"]["rank"])) == {
        ("missing rank", 24.0), ("duplicated rank", 25.0)}
    wide = _printed_scores()
    published = ranks[ranks["ranking"] == "overall"].set_index("city_zh")["rank"].reindex(wide.index)
    total_k = sum(K_PRINTED.values())
    for name, w in [("equal domains", {d: 0.25 for d in K_PRINTED}),
                    ("equal indicators", {d: K_PRINTED[d] / total_k for d in K_PRINTED})]:
        total = sum(wide[d] * v for d, v in w.items())
        mine = pd.Series(sps.rankdata(-np.round(total.to_numpy(), 9), method="min"), index=wide.index)
        assert res.weighting.at[name, "exact"] == int((mine == published).sum()), name
    assert res.best_scheme == "equal indicators"


def test_report_cluster_lists_and_ward_match_independent_computation(report_audit):
    from collections import Counter

    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import adjusted_rand_score

    _, res = report_audit
    clusters = pd.read_csv(REPORT_DIR / "clusters.csv")
    cities = pd.read_csv(REPORT_DIR.parent / "external" / "cities_2013.csv")["city_zh"]
    twice = {c for c, n in Counter(clusters["city_zh"]).items() if n > 1}
    missing = set(cities) - set(clusters["city_zh"])
    assert (twice, missing) == ({"广州", "贵阳", "西宁"}, {"秦皇岛"})
    probs = set(zip(res.cluster_lists["unit"], res.cluster_lists["problem"]))
    assert probs == {(c, "duplicate in list") for c in twice} | {(c, "omission") for c in missing}
    # Ward on Euclidean distances of the printed scores, cut into 5 classes, against the printed classes of the
    # cities printed once
    wide = _printed_scores()
    once = clusters[~clusters["city_zh"].isin(twice)].set_index("city_zh")["cluster"]
    Z = linkage(wide.to_numpy(dtype=float), method="ward", metric="euclidean")
    lab = pd.Series(fcluster(Z, 5, criterion="maxclust"), index=wide.index).reindex(once.index)
    ari = adjusted_rand_score(once.to_numpy(), lab.to_numpy())
    got = res.linkage[(res.linkage.method == "ward") & (res.linkage.metric == "euclidean")]["ari"].max()
    assert ari > 1 - 1e-9 and got > 1 - 1e-9


def test_report_correlations_match_an_independent_pearson(report_audit):
    _, res = report_audit
    wide = _printed_scores()
    printed = pd.read_csv(REPORT_DIR / "correlations.csv")
    off = printed[printed["row_domain"] != printed["col_domain"]]
    pairs = {frozenset((a, b)): r for a, b, r in zip(off["row_domain"], off["col_domain"], off["r"])}
    matches = sum(abs(round(float(np.corrcoef(wide[a], wide[b])[0, 1]), 3) - r) < 1e-9
                  for (a, b), r in ((tuple(sorted(k)), v) for k, v in pairs.items()))
    assert matches == 1 == int(res.correlations["status"].eq("match").sum())
    assert res.correlations.at["cultural×economic", "status"] == "match"


def test_notebook_source_has_no_outputs_and_one_parameters_cell():
    import nbformat

    from vitality.siis import paths

    nb = nbformat.read(paths.NOTEBOOKS / "06_audit.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert "errata.csv" not in "".join(c.source for c in code if "to_csv" in c.source)


def test_linkage_rows_selects_method_and_metric():
    lk = pd.DataFrame({"method": ["ward", "average", "average"], "metric": ["euclidean", "sqeuclidean", "euclidean"],
                       "ari": [1.0, 0.3, 0.2]})
    assert audit.linkage_rows(lk, "average", "sqeuclidean")["ari"].tolist() == [0.3]
    assert audit.linkage_rows(lk, "single", "euclidean").empty


def test_ranking_status_counts_and_problems():
    from types import SimpleNamespace

    before = SimpleNamespace(rankings={"overall": _chk(["match", "match", "unexplained"], ["x", "y", "z"]),
                                       "a": _chk(["match", "rounding", "match"], ["x", "y", "z"])})
    after = SimpleNamespace(rankings={"overall": _chk(["match"] * 3, ["x", "y", "z"]),
                                      "a": _chk(["match", "rounding", "match"], ["x", "y", "z"])})
    counts = audit.ranking_status_counts({"printed": before, "after errata": after})
    assert counts.loc["overall", ("printed", "match")] == 2
    assert counts.loc["overall", ("printed", "unexplained")] == 1
    assert counts.loc["overall", ("after errata", "match")] == 3
    assert counts.loc["a", ("printed", "rounding")] == 1 and counts.loc["a", ("printed", "unexplained")] == 0
    probs = audit.ranking_problems(before)
    assert probs.index.tolist() == [("overall", "z"), ("a", "y")]
    assert probs.index.names == ["ranking", "city"]


def test_statistics_comparison_appends_gdp_rows():
    from types import SimpleNamespace

    corr = pd.DataFrame({"published": [0.5], "recomputed": [0.48], "status": ["differs"]}, index=["a×b"])
    reg = pd.DataFrame({"r_published": [0.8, 0.9], "r_recomputed": [0.8, 0.85]}, index=["a", "total"])
    out = audit.statistics_comparison(SimpleNamespace(correlations=corr, regression=reg))
    assert out.index.tolist() == ["a×b", "GDP×a", "GDP×total"]
    assert out["published"].tolist() == [0.5, 0.8, 0.9] and out["recomputed"].tolist() == [0.48, 0.8, 0.85]
    only = audit.statistics_comparison(SimpleNamespace(correlations=corr, regression=None))
    assert only.index.tolist() == ["a×b"]


def test_reconciliation_message_agree_and_disagree():
    errata_table = pd.DataFrame({"kind": ["off-grid score", "rank inconsistency", "text contradiction"]})
    rec = pd.DataFrame({"kind": ["off-grid score", "rank inconsistency"], "city": ["x", "y"], "item": ["score", "rank"],
                        "id": ["E1", "E2"], "in_audit": [True, True], "status": ["both", "both"]})
    msg = audit.reconciliation_message(rec, errata_table, errata_name="e.csv")
    assert msg.startswith("**The errata table is up to date with the audit.**")
    assert "find 2 problems" in msg and "its 2 machine-detectable rows" in msg and "The other 1 rows" in msg
    rec2 = pd.concat([rec, pd.DataFrame({"kind": ["omission"], "city": ["z"], "item": ["lists"], "id": [""],
                                         "in_audit": [True], "status": ["audit only"]})], ignore_index=True)
    rec2.loc[1, ["status", "in_audit"]] = ["errata only", False]
    msg2 = audit.reconciliation_message(rec2, errata_table, errata_name="e.csv")
    assert msg2.startswith("**The audit and the errata disagree.**")
    assert "1 finding(s) of the audit are not in `e.csv` (omission z lists)" in msg2
    assert "1 machine-detectable row(s) were not found again (E2)" in msg2


@pytest.fixture(scope="module")
def report_audits(report_audit):
    import dataclasses

    from vitality.siis import errata

    rep, printed = report_audit
    table = errata.load_errata(cities=rep.cities)
    s, r, _ = errata.apply_errata(rep.domain_scores, rep.rankings, table)
    corrected = audit.audit_report(dataclasses.replace(rep, domain_scores=s, rankings=r),
                                   stated_linkage=("average", "sqeuclidean"))
    return rep, printed, corrected, errata.reconcile(printed.findings, table)


def test_verdict_table_takes_n_from_the_data(report_audits):
    rep, printed, corrected, rec = report_audits
    v = audit.verdict_table(printed, corrected, rec).set_index("check")
    n_scores = rep.domain_scores.size                                     # 46 cities × 4 domains
    assert n_scores == 184
    assert v.loc["domain scores on the rank-score grid (printed)", ["n", "matching"]].tolist() == [184, 179]
    assert v.loc["overall ranks, stated weights 'equal domains' (printed)", ["n", "matching"]].tolist() == [46, 15]
    assert v.loc["overall ranks, best named weighting 'equal indicators' (printed)", ["n", "matching"]].tolist() == [46, 42]
    assert v.loc["overall ranks, best named weighting 'equal indicators' (after errata)", "status"] == "match"
    assert v.loc["cities printed exactly once in the cluster lists", ["n", "matching"]].tolist() == [46, 42]
    assert v.loc["machine-detectable findings recorded in the errata table", "status"] == "match"
    assert set(v["status"]) <= {"match", "differs"}


def test_verdict_table_n_follows_a_smaller_table(report_audits):
    """Drop cities: every n shrinks with the data (no literal 46)."""
    import dataclasses

    rep, *_ = report_audits
    keep = rep.domain_scores.index[:40]
    small = dataclasses.replace(rep, domain_scores=rep.domain_scores.loc[keep], rankings=rep.rankings.loc[keep])
    res = audit.audit_report(small, n=46, stated_linkage=("average", "sqeuclidean"))
    rec = pd.DataFrame({"status": ["both"]})
    v = audit.verdict_table(res, res, rec).set_index("check")
    assert v.loc["domain scores on the rank-score grid (printed)", "n"] == 160
    assert v.loc["overall ranks, stated weights 'equal domains' (printed)", "n"] == 40
    assert v.loc["cities printed exactly once in the cluster lists", "n"] == 40


def test_verdict_sentences_count_what_an_independent_ranking_counts(report_audits):
    from vitality.siis import errata

    rep, printed, corrected, _ = report_audits
    lines = audit.verdict_sentences(corrected, best_scheme=printed.best_scheme, correlation_cause="a cause")
    # after the errata, under the stated 4 x 0.25: how many published overall ranks does a plain ranking give?
    s, r, _ = errata.apply_errata(rep.domain_scores, rep.rankings, errata.load_errata(cities=rep.cities))
    total = s[list(K_PRINTED)].mean(axis=1)
    mine = pd.Series(sps.rankdata(-np.round(total.to_numpy(), 9), method="min"), index=s.index)
    exact = int((mine == r["overall"].reindex(s.index)).sum())
    assert f"{exact} of {N_CITIES}" in lines[0] and exact < N_CITIES
    assert "'equal indicators' weights" in lines[1]
    assert lines[2].startswith("**Differs.**") and "1 of 6 printed correlations reproduce" in lines[2]
    assert "a cause" in lines[2]


def test_correlation_cause_on_the_report(report_audits):
    _, printed, corrected, _ = report_audits
    text = audit.correlation_cause(printed, corrected)
    # one matching pair: the others involve social or political by construction, so the pattern points to no domain
    assert text.startswith("only cultural–economic matches; with a single matching pair every other pair")
    assert "so they do not explain it." in text
