"""audit: finds planted errors in a perturbed synthetic table, finds nothing in the clean one; real-data facts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vitality import checks, stats
from vitality.siis import audit, data, model
from vitality.errors import ConfigError

N = 30
K = {"a": 3, "b": 5, "c": 4}


def _synthetic(seed: int = 7, n: int = N, k: dict = K):
    """A self-consistent rank-scored table: indicator values with ties → competition ranks (ties share
    the lowest rank) → rank scores 100·r/n → domain means printed with 2 decimals → ranks from the
    printed scores (ties broken at random, as a publisher might); overall = mean of all indicators."""
    rng = np.random.default_rng(seed)
    units = [f"u{i:02d}" for i in range(n)]
    scores, sums = {}, {}
    for d, kd in k.items():
        vals = rng.integers(0, 12, size=(n, kd))                       # small range → ties
        ranks = pd.DataFrame(vals).rank(method="min").to_numpy()      # ascending: larger value, larger rank
        sums[d] = ranks.sum(axis=1)
        scores[d] = np.round(100 * ranks.sum(axis=1) / (kd * n), 2)
    wide = pd.DataFrame(scores, index=pd.Index(units, name="city"))
    ranks = {}
    for d in k:
        order = rng.permutation(n)                                     # random tie-break
        key = pd.DataFrame({"s": -wide[d], "t": order}, index=wide.index)
        ranks[d] = key.sort_values(["s", "t"]).assign(r=np.arange(1, n + 1))["r"].reindex(wide.index)
    total = sum(sums[d] for d in k)                                    # equal weight per indicator
    overall = pd.Series(total, index=wide.index)
    key = pd.DataFrame({"s": -overall, "t": rng.permutation(n)}, index=wide.index)
    ranks["overall"] = key.sort_values(["s", "t"]).assign(r=np.arange(1, n + 1))["r"].reindex(wide.index)
    return wide, pd.DataFrame(ranks)[["overall", *k]].astype(int)


@pytest.fixture
def clean():
    return _synthetic()


# --- clean table: nothing found ---------------------------------------------------------------------

def test_clean_table_infers_k_and_has_no_off_grid(clean):
    scores, _ = clean
    fit = checks.infer_grids(scores, n=N)
    assert fit["k"].to_dict() == K
    assert (fit["n_off"] == 0).all()
    assert checks.off_grid(scores, n=N).empty
    assert checks.best_candidates(checks.off_grid(scores, n=N)).empty


def test_clean_table_rankings_consistent(clean):
    scores, ranks = clean
    for d in K:
        chk = checks.check_ranking(scores[d], ranks[d], ties="min")
        assert set(chk["status"]) <= {"match", "tie handling"}, chk[chk.status != "match"]
        assert checks.rank_sequence_problems(ranks[d], ties="ordinal").empty


def test_clean_table_weighting_identifies_equal_indicators(clean):
    scores, ranks = clean
    res = checks.weighting_scheme_test(scores, ranks["overall"], model.plausible_schemes(K))
    assert res.at["equal indicators", "consistent"] == N
    assert res.at["equal indicators", "likely_typos"] == 0
    assert res.at["equal domains", "consistent"] < N


def test_clean_lists_have_no_problems(clean):
    scores, _ = clean
    groups = pd.DataFrame({"cluster": np.arange(N) % 4, "city": scores.index})
    assert data.list_problems(groups, universe=list(scores.index)).empty


# --- planted errors: each found ---------------------------------------------------------------------

def test_planted_off_grid_score_found_with_original_as_candidate(clean):
    scores, ranks = clean
    bad = scores.copy()
    unit = bad["b"].idxmax()
    true = bad.at[unit, "b"]
    bad.at[unit, "b"] = round(true - 0.23, 2)
    cand = checks.off_grid(bad, n=N, published_ranks=ranks[list(K)])
    assert set(zip(cand["unit"], cand["domain"])) == {(unit, "b")}
    assert true in set(cand["candidate"])
    best = checks.best_candidates(cand)
    assert len(best) == 1
    assert best.iloc[0]["proposed"] == pytest.approx(true)       # the nearest that keeps its rank
    assert cand.loc[cand["candidate"] == true, "agrees_with_rank"].iloc[0]


def test_planted_digit_swap_is_proposed():
    # 12 units, k = 4: grid step 100/48; 66.67 (m = 32) printed as 66.76 (swap) → proposed 66.67
    n, k = 12, 4
    s = pd.Series(np.round(100 * np.arange(20, 44, 2) / (k * n), 2), index=[f"c{i}" for i in range(12)])
    true = s["c6"]
    assert true == pytest.approx(66.67)
    s["c6"] = 66.76
    ranks = (-s.replace(66.76, true)).rank(method="first").astype(int)
    cand = checks.off_grid(s.to_frame("d"), n=n, k={"d": k}, published_ranks=ranks.to_frame("d"))
    best = checks.best_candidates(cand)
    assert best.iloc[0]["proposed"] == pytest.approx(true)
    assert bool(cand.loc[cand["candidate"] == true, "transposition"].iloc[0])
    assert best.iloc[0]["confidence"] == "high"


def test_planted_swapped_ranks_are_likely_typos(clean):
    scores, ranks = clean
    bad = ranks["a"].copy()
    single = scores["a"][~scores["a"].duplicated(keep=False)].sort_values(ascending=False)  # untied units
    u1, u2 = single.index[1], single.index[-2]                        # far apart in score
    bad[u1], bad[u2] = bad[u2], bad[u1]
    chk = checks.check_ranking(scores["a"], bad, ties="min")
    typos = set(chk.index[chk["status"] == "likely typo"])
    assert typos == {u1, u2}
    assert chk.at[u1, "recomputed"] == ranks["a"][u1]                 # proposes the true rank
    assert checks.rank_sequence_problems(bad).empty                     # a swap keeps the sequence whole


def test_planted_duplicated_rank_found(clean):
    scores, ranks = clean
    bad = ranks["c"].copy()
    u_lo = bad.idxmax()                                                # last place
    bad[u_lo] = bad.max() - 5                                          # now a duplicate, and N missing
    seq = checks.rank_sequence_problems(bad)
    assert set(seq["problem"]) == {"duplicated rank", "missing rank"}
    assert seq.loc[seq.problem == "duplicated rank", "rank"].tolist() == [N - 5]
    assert seq.loc[seq.problem == "missing rank", "rank"].tolist() == [N]
    chk = checks.check_ranking(scores["c"], bad, ties="min")
    assert chk.at[u_lo, "status"] == "likely typo"


def test_planted_omission_and_duplicate_in_list(clean):
    scores, _ = clean
    groups = pd.DataFrame({"cluster": np.arange(N) % 4, "city": scores.index})
    gone = scores.index[5]
    twice = scores.index[9]
    bad = pd.concat([groups[groups.city != gone], groups[groups.city == twice]], ignore_index=True)
    probs = data.list_problems(bad, universe=list(scores.index))
    assert set(zip(probs["unit"], probs["problem"])) == {(gone, "omission"), (twice, "duplicate in list")}


def test_rounding_is_not_a_typo():
    s = pd.Series({"x": 50.004, "y": 49.998, "z": 10.0})               # x, y equal within printed precision
    pub = pd.Series({"x": 2, "y": 1, "z": 3})
    chk = checks.check_ranking(s, pub)
    assert chk.at["x", "status"] == "rounding" and chk.at["y", "status"] == "rounding"
    assert chk.at["z", "status"] == "match"


def test_min_tie_rule_sequences():
    r = pd.Series({"a": 1, "b": 1, "c": 1, "d": 4, "e": 5})
    assert checks.rank_sequence_problems(r, ties="min").empty
    bad = pd.Series({"a": 1, "b": 1, "c": 2, "d": 4, "e": 5})
    probs = checks.rank_sequence_problems(bad, ties="min")
    assert set(zip(probs["problem"], probs["rank"])) == {("duplicated rank", 1.0), ("missing rank", 3.0)}


def test_transpositions_and_on_grid():
    assert set(checks.transpositions(66.47)) == {64.67, 66.74}
    assert 54.89 in checks.transpositions(54.98)
    assert checks.on_grid(pd.Series([64.67, 66.47]), n=46, k=4).tolist() == [True, False]


def test_linkage_scan_recovers_generating_method():
    rng = np.random.default_rng(3)
    centres = np.array([[0, 0], [10, 0], [0, 10]])
    X = pd.DataFrame(np.vstack([c + rng.normal(0, 0.5, size=(8, 2)) for c in centres]),
                     index=[f"p{i}" for i in range(24)], columns=["x", "y"])
    labels = pd.Series(np.repeat([1, 2, 3], 8), index=X.index).drop("p3")          # one omitted
    scan = checks.linkage_scan(X, labels, methods=("average", "ward"), metrics=("euclidean",), standardise=(False,))
    assert (scan["ari"] == 1).all()
    assert scan.iloc[0]["placed"] == "p3→1"


def test_p_from_r_and_regression_consistency():
    assert float(stats.p_from_r(0.482, 46)) == pytest.approx(0.0007, abs=2e-4)
    rng = np.random.default_rng(1)
    x = pd.Series(rng.normal(size=40))
    y = pd.DataFrame({"t": 2 * x + rng.normal(size=40)})
    r = float(np.corrcoef(x, y["t"])[0, 1])
    pub = pd.DataFrame({"r": [round(r, 3)], "r_squared": [round(r * r, 3)]}, index=["t"])
    out = checks.regression_check(y, x, pub)
    assert out.at["t", "status"] == "match" and bool(out.at["t", "r2_consistent"])
    pub.loc["t", "r_squared"] = 0.2
    assert not bool(checks.regression_check(y, x, pub).at["t", "r2_consistent"])


def test_list_coverage_finds_units_in_neither():
    cov = checks.list_coverage({"east": ["a", "b"], "west": ["c"]}, ["a", "b", "c", "d"], pairs=[("east", "west")])
    assert cov.at["east/west", "neither"] == ("d",)


def test_bad_parameters_raise():
    with pytest.raises(ConfigError, match="tie rule"):
        checks.check_ranking(pd.Series([1.0]), pd.Series([1]), ties="olympic")
    with pytest.raises(ConfigError, match="unknown domain code"):
        model.overall(pd.DataFrame({"a": [1.0]}), {"b": 1})
    with pytest.raises(ConfigError, match="not in the scores"):
        checks.weighting_scheme_test(pd.DataFrame({"a": [1.0]}), pd.Series([1]), {"s": {"b": 1}})
    with pytest.raises(ConfigError, match="positive integer"):
        checks.on_grid(pd.Series([1.0]), n=0, k=1)


# --- the report: what is true after the audit was run ---------------------------------------------

@pytest.fixture(scope="module")
def report_audit():
    from vitality.siis import data
    rep = data.load_report()
    return rep, audit.audit_report(rep, stated_linkage=("average", "sqeuclidean"))


def test_report_grid_and_off_grid_values(report_audit):
    _, res = report_audit
    assert res.grid_fit["k"].to_dict() == {"social": 5, "cultural": 3, "economic": 5, "political": 4}
    best = res.off_grid.set_index(["unit", "domain"])["proposed"].round(2).to_dict()
    assert best == {("武汉", "social"): 66.96, ("大连", "social"): 69.57, ("汕头", "social"): 21.74,
                    ("厦门", "political"): 54.89, ("南宁", "political"): 64.67}
    conf = res.off_grid.set_index("unit")["confidence"].to_dict()
    assert conf["南宁"] == "high" and conf["武汉"] == "high" and conf["大连"] == "low"


def test_report_rankings_and_weights(report_audit):
    _, res = report_audit
    seq = res.sequences["social"]
    assert set(zip(seq["problem"], seq["rank"])) == {("missing rank", 24.0), ("duplicated rank", 25.0)}
    assert res.rankings["social"].at["南通", "recomputed"] == 46
    assert set(res.rankings["political"].query("status == 'likely typo'").index) == {"广州", "成都", "南宁"}
    assert res.best_scheme == "equal indicators"
    assert res.weighting.at["equal domains", "consistent"] == 15
    assert res.weighting.at["equal indicators", "consistent"] == 42


def test_report_clusters_and_linkage(report_audit):
    _, res = report_audit
    probs = set(zip(res.cluster_lists["unit"], res.cluster_lists["problem"]))
    assert probs == {("广州", "duplicate in list"), ("贵阳", "duplicate in list"), ("西宁", "duplicate in list"),
                     ("秦皇岛", "omission")}
    exact = res.linkage[res.linkage["ari"] > 1 - 1e-9]
    assert {("ward", "euclidean"), ("weighted", "sqeuclidean")} <= set(zip(exact["method"], exact["metric"]))
    avg = res.linkage[(res.linkage.method == "average") & (res.linkage.metric == "sqeuclidean")]
    assert avg["ari"].max() < 0.6


def test_report_correlations_and_lists(report_audit):
    _, res = report_audit
    assert res.correlations["status"].eq("match").sum() == 1
    assert res.correlations.at["cultural×economic", "status"] == "match"
    assert res.correlations["p_consistent"].all()
    assert res.coverage.at["east/west", "n_neither"] == 9


# --- the notebook: runs, writes its tables, never writes into data/ -------------------------------

def test_notebook_source_has_no_outputs_and_one_parameters_cell():
    import nbformat

    from vitality.siis import paths

    nb = nbformat.read(paths.NOTEBOOKS / "06_audit.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert "errata.csv" not in "".join(c.source for c in code if "to_csv" in c.source)


# --- verdict helpers of notebook 06 -----------------------------------------------------------------

def test_scheme_checks_are_the_tables_behind_weighting_scheme_test():
    scores = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    published = pd.Series([1, 2, 3], index=scores.index)
    schemes = {"a only": {"a": 1}, "b only": {"b": 1}}
    tables = checks.scheme_checks(scores, published, schemes)
    assert tables["a only"]["status"].eq("match").all()
    # under b the order is reversed: x (published 1) recomputes to 3, z to 1; y stays 2
    assert tables["b only"]["recomputed"].tolist() == [3, 2, 1]
    assert tables["b only"]["status"].tolist() == ["likely typo", "match", "likely typo"]
    w = checks.weighting_scheme_test(scores, published, schemes)
    assert w.at["a only", "consistent"] == 3 and w.at["b only", "consistent"] == 1


def test_linkage_rows_selects_method_and_metric():
    lk = pd.DataFrame({"method": ["ward", "average", "average"], "metric": ["euclidean", "sqeuclidean", "euclidean"],
                       "ari": [1.0, 0.3, 0.2]})
    assert audit.linkage_rows(lk, "average", "sqeuclidean")["ari"].tolist() == [0.3]
    assert audit.linkage_rows(lk, "single", "euclidean").empty


def _chk(statuses, units):
    return pd.DataFrame({"status": statuses}, index=pd.Index(units, name="city"))


def test_ranking_status_counts_and_problems():
    from types import SimpleNamespace

    before = SimpleNamespace(rankings={"overall": _chk(["match", "match", "likely typo"], ["x", "y", "z"]),
                                       "a": _chk(["match", "rounding", "match"], ["x", "y", "z"])})
    after = SimpleNamespace(rankings={"overall": _chk(["match"] * 3, ["x", "y", "z"]),
                                      "a": _chk(["match", "rounding", "match"], ["x", "y", "z"])})
    counts = audit.ranking_status_counts({"printed": before, "after errata": after})
    assert counts.loc["overall", ("printed", "match")] == 2
    assert counts.loc["overall", ("printed", "likely typo")] == 1
    assert counts.loc["overall", ("after errata", "match")] == 3
    assert counts.loc["a", ("printed", "rounding")] == 1 and counts.loc["a", ("printed", "likely typo")] == 0
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
    assert v.loc["overall ranks, best weights 'equal indicators' (printed)", ["n", "matching"]].tolist() == [46, 42]
    assert v.loc["overall ranks, best weights 'equal indicators' (after errata)", "status"] == "match"
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


def test_verdict_sentences_reuse_the_scheme_checks(report_audits):
    from vitality import reporting

    _, printed, corrected, _ = report_audits
    lines = audit.verdict_sentences(corrected, best_scheme=printed.best_scheme, correlation_cause="a cause")
    chk = corrected.scheme_checks["equal domains"]
    expected = reporting.rank_verdict(reporting.rank_agreement(chk["published"].astype(float),
                                                               chk["recomputed"].astype(float)),
                                      what="overall ranks under the stated weights ('equal domains', after errata)")
    assert lines[0] == expected
    assert lines[1].endswith(" The remaining differences are ties within rounding.")
    assert "'equal indicators' weights" in lines[1]
    assert lines[2].startswith("**Differs.** 1 of 6 printed correlations reproduce") and "a cause" in lines[2]


def test_correlation_cause_on_the_report(report_audits):
    _, printed, corrected, _ = report_audits
    text = audit.correlation_cause(printed, corrected)
    assert text.startswith("every pair that differs involves social or political, while cultural–economic matches")
    assert "so they do not explain it." in text
