"""vitality.coherence against direct numpy formulas."""

import numpy as np
import pandas as pd

from vitality import coherence


def _data(seed=3, n=60):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    return pd.DataFrame({c: f + rng.normal(scale=s, size=n) for c, s in zip("abcd", (0.3, 0.6, 0.9, 1.2))})


def test_alpha_and_pca_match_numpy():
    X = _data()
    k = X.shape[1]
    ref = k / (k - 1) * (1 - X.var(ddof=1).sum() / X.sum(axis=1).var(ddof=1))
    assert np.isclose(coherence.cronbach_alpha(X), ref)
    var, load = coherence.pca_summary(X)
    ev = np.sort(np.linalg.eigvalsh(np.corrcoef(X.to_numpy(), rowvar=False)))[::-1]
    assert np.allclose(var["eigenvalue"], ev)
    assert (load["PC1"] > 0).all()


def test_correlation_ratio_of_a_linear_relation_is_r_squared_or_more():
    X = _data()
    y = X.mean(axis=1)
    for c in X.columns:
        r2 = np.corrcoef(X[c], y)[0, 1] ** 2
        s = coherence.correlation_ratio(X[c], y)
        assert r2 - 1e-9 <= s <= 1
        assert coherence.correlation_ratio(X[c], y, smoother="binned") <= 1


def test_importance_reflects_the_noisier_component_less():
    X = _data()
    t = coherence.importance_table(X, {"equal": {c: 1 for c in X.columns}})
    s = t.xs("equal", level="weighting")["S_i"]
    assert s["a"] > s["d"]
    assert np.isclose(t["S_i_norm"].sum(), 1)
