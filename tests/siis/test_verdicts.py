"""Headline verdict categories of each notebook, recomputed here independently of the library's helpers
(numpy / scipy / pandas directly on the bundled CSVs), and the verdict vocabulary itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from scipy.stats import mannwhitneyu

from vitality import reporting
from vitality.reporting import Strength
from vitality.siis import paths

DOMAINS = ["social", "cultural", "economic", "political"]
EPI = np.array([5, 3, 5, 4]) / 17


def _scores():
    long = pd.read_csv(paths.REPORT_DATA / "domain_scores.csv")
    return long.pivot(index="city_zh", columns="domain", values="score")[DOMAINS]


def _overall_ranks():
    r = pd.read_csv(paths.REPORT_DATA / "rankings.csv").query("ranking == 'overall'")
    return r.set_index("city_zh")["rank"]


def test_vocabulary_is_one_enum_with_five_distinct_words():
    words = [s.value for s in Strength]
    assert len(set(words)) == 5
    assert words == ["reproduces", "consistent with", "not contradicted by", "differs",
                     "cannot be checked from the printed tables"]
    assert reporting.judge(0.5, 0.5004, 0.0005) is Strength.REPRODUCES
    assert reporting.judge(0.5, 0.5004, 0.0005, inputs_printed=False) is Strength.CONSISTENT
    assert reporting.judge(0.5, 0.52, 0.0005, lenient=True) is Strength.CONSISTENT
    assert reporting.judge(0.5, 0.52, 0.0005) is Strength.DIFFERS
    assert reporting.judge_claim(0.3, 0.05, claims_difference=False) is Strength.NOT_CONTRADICTED
    assert reporting.fmt_corr(0.99963) == "0.9996"


def test_01_weight_space_headline_by_independent_lp():
    """01: some weights reproduce every printed overall place (LP solved here with scipy directly); equal
    weight per indicator misses (margin < 0), the stated 4 × 0.25 by far more."""
    X, r = _scores(), _overall_ranks()
    X = X.loc[r.index].to_numpy()
    order = np.argsort(r.to_numpy())
    D = X[order[1:]] - X[order[:-1]]           # lower-placed minus higher-placed, consecutive pairs
    # maximise t: D w + t <= 0, sum w = 1, w >= 0
    res = linprog(np.r_[np.zeros(4), -1.0], A_ub=np.c_[D, np.ones(len(D))], b_ub=np.zeros(len(D)),
                  A_eq=[[1, 1, 1, 1, 0]], b_eq=[1], bounds=[(0, 1)] * 4 + [(None, 10)], method="highs")
    assert res.status == 0 and res.x[-1] > 0
    w = res.x[:4]
    s = X @ w
    assert ((-s).argsort().argsort() + 1 == r.to_numpy()).all()
    margin = lambda wt: float((-(D @ wt)).min())
    assert margin(EPI) < 0 and margin(np.full(4, 0.25)) < margin(EPI)
    # the library's table says the same
    from vitality import weightspace
    reg = weightspace.consistent_region(_scores(), _overall_ranks())
    assert reg.feasible and reg.margin == pytest.approx(res.x[-1], abs=1e-6)
    assert weightspace.margin_at(_scores(), _overall_ranks(), dict(zip(DOMAINS, EPI))) == pytest.approx(margin(EPI))


def test_04_only_cultural_economic_reproduces():
    X = _scores()
    pub = pd.read_csv(paths.REPORT_DATA / "correlations.csv")
    pub = pub[pub["row_domain"] < pub["col_domain"]]
    words = {}
    for row in pub.itertuples():
        r = np.corrcoef(X[row.row_domain], X[row.col_domain])[0, 1]
        words[frozenset((row.row_domain, row.col_domain))] = reporting.judge(row.r, r, 0.0005).value
    assert sum(w == "reproduces" for w in words.values()) == 1
    assert words[frozenset(("cultural", "economic"))] == "reproduces"


def test_05_gdp_values_are_at_best_consistent():
    X = _scores()
    gdp = pd.read_csv(paths.EXTERNAL_DATA / "cities_2013.csv").set_index("city_zh")["gdp_2013_100m_cny"]
    pub = pd.read_csv(paths.REPORT_DATA / "gdp_regression.csv", dtype=str).set_index("domain")
    r_econ = np.corrcoef(X["economic"], gdp.reindex(X.index))[0, 1]
    assert reporting.judge(float(pub.loc["economic", "r"]), r_econ, 0.0005, inputs_printed=False).value == "consistent with"
    r_cult = np.corrcoef(X["cultural"], gdp.reindex(X.index))[0, 1]
    assert reporting.judge(0.75, r_cult, 0.005, inputs_printed=False) is Strength.CONSISTENT
    assert reporting.judge(0.562, r_cult ** 2, 0.0005, inputs_printed=False) is Strength.DIFFERS
    total = X.to_numpy() @ EPI
    assert reporting.judge(0.847, np.corrcoef(total, gdp.reindex(X.index))[0, 1], 0.0005) is Strength.DIFFERS


def test_03_north_south_claim_is_not_contradicted_never_confirmed():
    X = _scores()
    lists = pd.read_csv(paths.REPORT_DATA / "compass_lists.csv").groupby("list")["city_zh"].agg(list)
    north = X.loc[lists["north"]]
    south = X.drop(index=lists["north"])
    for d in DOMAINS:
        p = mannwhitneyu(north[d], south[d], alternative="two-sided").pvalue
        w = reporting.judge_claim(p, 0.05, claims_difference=False)
        assert w in (Strength.NOT_CONTRADICTED, Strength.DIFFERS)
        assert w is not Strength.REPRODUCES


def test_02_within_groups_linkage_does_not_reproduce_but_ward_does():
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist
    from sklearn.metrics import adjusted_rand_score

    from vitality.cluster import cut_tree_k, within_groups_linkage

    X = _scores()
    cl = pd.read_csv(paths.REPORT_DATA / "clusters.csv").drop_duplicates("city_zh").set_index("city_zh")["cluster"]
    ward = pd.Series(fcluster(linkage(X.to_numpy(), "ward"), 5, "maxclust"), index=X.index)
    assert adjusted_rand_score(cl, ward.reindex(cl.index)) == pytest.approx(1.0)
    for metric in ("sqeuclidean", "euclidean"):
        lab = pd.Series(cut_tree_k(within_groups_linkage(pdist(X.to_numpy(), metric)), 5), index=X.index)
        assert adjusted_rand_score(cl, lab.reindex(cl.index)) < 1


def test_07_nominal_is_the_weighting_01_identifies():
    from vitality.siis import model

    assert model.NOMINAL == model.EQUAL_PER_INDICATOR
    w = model.weightings()[model.NOMINAL]
    assert np.allclose([w[d] for d in DOMAINS], EPI)


def test_01_best_agreement_is_exact_and_never_below_the_grid():
    """01's "at most N of 46 places at once" is the exact maximum (LP / MILP), recounted here with numpy at its
    weights, and the grid the figure shows never beats it (pairwise orders and exact ranks)."""
    from vitality import weightspace

    X, r = _scores(), _overall_ranks()
    Xn = X.loc[r.index].to_numpy()
    pr = r.to_numpy()
    for criterion in ("n_exact", "n_pairs_ok"):
        res = weightspace.best_agreement(X, r, criterion=criterion)
        s = Xn @ pd.Series(res.weights).reindex(DOMAINS).to_numpy()
        if criterion == "n_exact":
            got = int(((1 + (s[None, :] > s[:, None]).sum(axis=1)) == pr).sum())
        else:
            i, j = np.nonzero(pr[:, None] < pr[None, :])
            got = int((s[i] > s[j]).sum())
        assert res.optimal and got == res.best == res.of            # the whole ranking, as 01 says
        grid = weightspace.simplex_scan(X, r, step=0.02, criterion=criterion)
        assert grid.best <= res.best
        assert grid.best < res.of     # the coarse grid misses the thin region: why the exact numbers are quoted
