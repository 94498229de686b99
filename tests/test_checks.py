"""audit: finds planted errors in a perturbed synthetic table, finds nothing in the clean one; real-data facts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vitality import checks, cluster, stats

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
        assert checks.rank_sequence_problems(ranks[d], ties="first").empty


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
    # the nearest grid neighbour keeps the rank too, so only the digit swap separates the two: one point
    both_keep_rank = cand["agrees_with_rank"].astype(bool).sum() >= 2
    assert best.iloc[0]["confidence"] == ("medium" if both_keep_rank else "high")


def test_planted_swapped_ranks_are_unexplained(clean):
    scores, ranks = clean
    bad = ranks["a"].copy()
    single = scores["a"][~scores["a"].duplicated(keep=False)].sort_values(ascending=False)  # untied units
    u1, u2 = single.index[1], single.index[-2]                        # far apart in score
    bad[u1], bad[u2] = bad[u2], bad[u1]
    chk = checks.check_ranking(scores["a"], bad, ties="min")
    typos = set(chk.index[chk["status"] == "unexplained"])
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
    assert chk.at[u_lo, "status"] == "unexplained"


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


# --- the notebook: runs, writes its tables, never writes into data/ -------------------------------


# --- verdict helpers of notebook 06 -----------------------------------------------------------------

def test_scheme_checks_are_the_tables_behind_weighting_scheme_test():
    scores = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    published = pd.Series([1, 2, 3], index=scores.index)
    schemes = {"a only": {"a": 1}, "b only": {"b": 1}}
    tables = checks.scheme_checks(scores, published, schemes)
    assert tables["a only"]["status"].eq("match").all()
    # under b the order is reversed: x (published 1) recomputes to 3, z to 1; y stays 2
    assert tables["b only"]["recomputed"].tolist() == [3, 2, 1]
    assert tables["b only"]["status"].tolist() == ["unexplained", "match", "unexplained"]
    w = checks.weighting_scheme_test(scores, published, schemes)
    assert w.at["a only", "consistent"] == 3 and w.at["b only", "consistent"] == 1


def test_clean_table_weighting_identifies_equal_indicators(clean):
    scores, ranks = clean
    res = checks.weighting_scheme_test(scores, ranks["overall"], {"equal domains": {d: 1 / len(K) for d in K}, "equal indicators": {d: K[d] / sum(K.values()) for d in K}})
    assert res.at["equal indicators", "consistent"] == N
    assert res.at["equal indicators", "unexplained"] == 0
    assert res.at["equal domains", "consistent"] < N



def test_clean_lists_have_no_problems(clean):
    scores, _ = clean
    groups = pd.DataFrame({"cluster": np.arange(N) % 4, "city": scores.index})
    assert cluster.list_problems(groups, universe=list(scores.index)).empty



def test_planted_omission_and_duplicate_in_list(clean):
    scores, _ = clean
    groups = pd.DataFrame({"cluster": np.arange(N) % 4, "city": scores.index})
    gone = scores.index[5]
    twice = scores.index[9]
    bad = pd.concat([groups[groups.city != gone], groups[groups.city == twice]], ignore_index=True)
    probs = cluster.list_problems(bad, universe=list(scores.index))
    assert set(zip(probs["unit"], probs["problem"])) == {(gone, "omission"), (twice, "duplicate in list")}
