"""vitality.weightspace on synthetic rankings with known answers (independent checks with numpy)."""

import numpy as np
import pandas as pd
import pytest

from vitality import weightspace as ws


def _planted(seed=0, n=30):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(0, 100, (n, 3)), columns=list("abc"), index=[f"u{i}" for i in range(n)])
    w = np.array([0.5, 0.3, 0.2])
    ranks = pd.Series((-(X.to_numpy() @ w)).argsort().argsort() + 1, index=X.index)
    return X, ranks, w


def test_planted_weights_lie_inside_the_region_and_the_witness_reproduces():
    X, ranks, w = _planted()
    reg = ws.consistent_region(X, ranks)
    assert reg.feasible
    assert ((reg.ranges["min"] <= w + 1e-9) & (w - 1e-9 <= reg.ranges["max"])).all()
    s = X.to_numpy() @ pd.Series(reg.witness).reindex(X.columns).to_numpy()
    assert ((-s).argsort().argsort() + 1 == ranks.to_numpy()).all()
    assert ws.margin_at(X, ranks, dict(zip("abc", w))) > 0


def test_a_reversed_pair_empties_the_exact_region_and_the_scan_finds_the_best_agreement():
    X, ranks, _ = _planted()
    r = ranks.copy()
    top, last = r.idxmin(), r.idxmax()
    r[top], r[last] = r[last], r[top]
    assert not ws.consistent_region(X, r).feasible
    scan = ws.simplex_scan(X, r, step=0.05)
    assert scan.best < len(r)
    assert len(scan.region) >= 1


def test_rounding_reading_is_never_stricter():
    X, ranks, _ = _planted(1)
    ex = ws.consistent_region(X.round(0), ranks)
    ro = ws.consistent_region(X.round(0), ranks, reading="rounding", half=0.5)
    assert ro.margin >= ex.margin - 1e-12


def test_grids():
    g = ws.simplex_grid(4, 0.1)
    assert np.allclose(g.sum(axis=1), 1) and len(g) == 286   # C(13, 3)
    b = ws.box_grid([0.2, 0.2, 0.2], [0.4, 0.4, 0.6], 0.05)
    assert np.allclose(b.sum(axis=1), 1) and (b >= 0.2 - 1e-9).all()


def test_bad_reading():
    X, ranks, _ = _planted()
    with pytest.raises(Exception):
        ws.consistent_region(X, ranks, reading="fuzzy")


@pytest.mark.parametrize("criterion", ["n_pairs_ok", "n_exact"])
def test_best_agreement_milp_is_the_true_maximum_where_no_weights_reproduce_all(criterion):
    """Two published places swapped: no weights reproduce everything; the MILP optimum is attained at its
    weights (recounted with numpy here), is at least the grid's best, and equals a fine grid's best on this
    small problem (3 weights: a 0.002 grid is dense enough to hit every cell of the arrangement)."""
    X, ranks, _ = _planted(2, n=12)
    r = ranks.copy()
    a, b = r.idxmin(), r.idxmax()
    r[a], r[b] = r[b], r[a]
    res = ws.best_agreement(X, r, criterion=criterion)
    assert res.optimal and res.best < res.of and res.bound == pytest.approx(res.best)
    w = pd.Series(res.weights).reindex(X.columns).to_numpy()
    s = X.loc[r.index].to_numpy() @ w
    pr = r.to_numpy()
    if criterion == "n_pairs_ok":
        i, j = np.nonzero(pr[:, None] < pr[None, :])
        assert int((s[i] > s[j]).sum()) == res.best and res.of == len(i)
    else:
        rk = 1 + (s[None, :] > s[:, None]).sum(axis=1)
        assert int((rk == pr).sum()) == res.best
    coarse = ws.simplex_scan(X, r, step=0.05, criterion=criterion)
    fine = ws.simplex_scan(X, r, step=0.002, criterion=criterion)
    assert res.best >= coarse.best and res.best == fine.best
    # the fine grid's region lies inside the MILP's ranges (the MILP's are over the whole region)
    fr = fine.ranges()
    assert (res.ranges["min"] <= fr["min"] + 1e-9).all() and (fr["max"] <= res.ranges["max"] + 1e-9).all()
    assert (res.ranges["max"] - fr["max"] < 0.01).all() and (fr["min"] - res.ranges["min"] < 0.01).all()


def test_best_agreement_equals_the_lp_region_when_the_ranking_is_reproduced():
    X, ranks, w = _planted()
    reg = ws.consistent_region(X, ranks)
    for criterion in ("n_pairs_ok", "n_exact"):
        res = ws.best_agreement(X, ranks, criterion=criterion)
        assert res.best == res.of and res.optimal
        # the MILP keeps every order by eps = 0.001, the LP's closure by 0: a hair narrower, never wider
        assert (res.ranges["min"] >= reg.ranges["min"] - 1e-7).all()
        assert (res.ranges["max"] <= reg.ranges["max"] + 1e-7).all()
        assert np.allclose(res.ranges[["min", "max"]], reg.ranges[["min", "max"]], atol=1e-3)
    with pytest.raises(Exception, match="criterion"):
        ws.best_agreement(X, ranks, criterion="n_close")


def test_scan_counts_equal_a_direct_count_with_ties():
    """n_exact and n_pairs_ok of the exact reading, point by point, against pandas' 'min' ranks and a pair loop
    (scores on a coarse grid, so that ties occur at many weights)."""
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.integers(0, 12, size=(30, 4)) / 2.0, columns=list("abcd"),
                     index=[f"u{i}" for i in range(30)])
    r = X.mean(axis=1).rank(ascending=False, method="min").astype(int)
    r.iloc[[2, 9]] = r.iloc[[9, 2]].to_numpy()                  # a published order the scores do not follow
    scan = ws.simplex_scan(X, r, step=0.1)
    above, below = ws.order_constraints(r)
    for _, row in scan.grid.sample(25, random_state=1).iterrows():
        s = (X * row[[f"w_{c}" for c in X.columns]].to_numpy()).sum(axis=1).round(9)
        assert row["n_exact"] == int((s.rank(ascending=False, method="min").astype(int) == r).sum())
        v = s.to_numpy()
        assert row["n_pairs_ok"] == sum(int(v[a] > v[b]) for a, b in zip(above, below))
