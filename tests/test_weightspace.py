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
