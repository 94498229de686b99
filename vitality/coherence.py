"""Statistical coherence of a composite index, as the EU JRC audits it: do the components hold together,
and which of them really drives the index, compared with what the weights say?

* :func:`cronbach_alpha` — internal consistency of the components (Cronbach 1951);
* :func:`pca_summary` — principal components of the standardised components: variance explained and
  loadings (is one latent dimension enough?);
* :func:`correlation_ratio` — the first-order sensitivity index (correlation ratio)
  :math:`S_i = V[E(y \\mid x_i)] / V(y)` of the index ``y`` on one component ``x_i``, estimated
  non-parametrically by a smoother of ``y`` on ``x_i`` (Paruolo, Saisana & Saltelli 2013);
* :func:`importance_table` — nominal versus effective importance of every component for one or more
  weightings: the weight (normalised), :math:`S_i`, :math:`S_i` normalised to sum 1, and their ratio,
  with the Pearson correlation of each component with the index;
* :func:`bootstrap_importance` — bootstrap standard errors of the effective importance;
* :func:`coherence_report` — all of it at once.

The estimator of :math:`E(y \\mid x_i)` (``smoother``):

* ``"bspline"`` (default) — least-squares cubic B-spline of ``y`` on ``x_i`` with ``n_knots`` interior
  knots at equally spaced quantiles of ``x_i`` (:func:`scipy.interpolate.make_lsq_spline`); with 46 units
  the default 3 knots give 7 coefficients, smooth enough not to interpolate the noise;
* ``"binned"`` — means of ``y`` in ``n_bins`` quantile bins of ``x_i`` (the crudest estimator; biased upwards
  for few units per bin).

:math:`S_i` is then the variance of the fitted values over the variance of ``y`` (both with ddof 0), i.e.
the R² of the smoother; it lies in [0, 1]. Because the components of a composite are correlated,
:math:`S_i` measures how much of the index a component *explains*, which can differ a lot from its nominal
weight — the point of Paruolo et al. ("weights are not importance").

References: Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika 16(3),
297–334. Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? J. R. Stat.
Soc. A 176(3), 609–634. OECD/JRC (2008). Handbook on Constructing Composite Indicators.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from .errors import ConfigError

__all__ = ['SMOOTHERS', 'cronbach_alpha', 'pca_summary', 'smooth', 'correlation_ratio', 'importance_table',
           'bootstrap_importance', 'coherence_report']

#: estimators of E(y | x_i) understood by :func:`correlation_ratio`
SMOOTHERS = ("bspline", "binned")


def _frame(X) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise ConfigError("coherence needs a DataFrame: one row per unit, one column per component.")
    X = X.apply(pd.to_numeric, errors="raise").astype(float)
    if X.isna().any().any():
        raise ConfigError("missing values: coherence statistics need complete rows (drop or impute first).")
    if len(X) < 3:
        raise ConfigError("coherence statistics need at least 3 units.")
    return X


def cronbach_alpha(X: pd.DataFrame, *, standardise: bool = False) -> float:
    """Cronbach's α of the columns of ``X``: :math:`\\frac{k}{k-1}(1 - \\sum_j s_j^2 / s_T^2)` with
    :math:`s_T^2` the variance of the row sums (ddof 1); on z-scores with ``standardise=True``
    (the "standardised α").

    Parameters
    ----------
    X : pandas.DataFrame
        Units × components (at least 2 columns).
    standardise : bool, default False
        Compute α on z-scores of the columns.

    Returns
    -------
    float
        α (NaN when the row sums do not vary).

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 4]})
    >>> round(cronbach_alpha(X), 6)
    1.0
    >>> round(cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3]})), 3)
    0.75
    """
    X = _frame(X)
    if standardise:
        X = (X - X.mean()) / X.std(ddof=1)
    k = X.shape[1]
    if k < 2:
        raise ConfigError("Cronbach's alpha needs at least 2 components.")
    var_sum = X.var(ddof=1).sum()
    total = X.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1.0 - var_sum / total)) if total > 0 else float("nan")


def pca_summary(X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Principal components of the standardised columns (eigen-decomposition of the correlation matrix).

    Parameters
    ----------
    X : pandas.DataFrame
        Units × components.

    Returns
    -------
    (variance, loadings)
        ``variance``: per component ``PC1..PCk`` its ``eigenvalue``, ``share`` of the variance and
        ``cumulative`` share; ``loadings``: columns × components, eigenvector × √eigenvalue (the
        correlation of each column with the component), the sign fixed so that each component's loadings
        sum to a non-negative number.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8.5]})
    >>> var, load = pca_summary(X)
    >>> bool(var.loc["PC1", "share"] > 0.99), bool((load["PC1"] > 0.99).all())
    (True, True)
    """
    X = _frame(X)
    R = np.corrcoef(X.to_numpy(), rowvar=False)
    vals, vecs = np.linalg.eigh(R)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0.0, None), vecs[:, order]
    vecs = vecs * np.where(vecs.sum(axis=0) < 0, -1.0, 1.0)
    names = [f"PC{i + 1}" for i in range(len(vals))]
    variance = pd.DataFrame({"eigenvalue": vals, "share": vals / vals.sum(),
                             "cumulative": np.cumsum(vals) / vals.sum()}, index=names)
    loadings = pd.DataFrame(vecs * np.sqrt(vals), index=X.columns, columns=names)
    return variance, loadings


def smooth(x, y, *, smoother: str = "bspline", n_knots: int = 3, n_bins: int = 5) -> np.ndarray:
    """Fitted values of E(y | x) at the observed x (see the module docstring for the estimators).

    Parameters
    ----------
    x, y : array-like
        Abscissa (one component) and the values to smooth (the index), one per unit.
    smoother : {"bspline", "binned"}, default "bspline"
        Estimator of E(y | x).
    n_knots : int, default 3
        Interior knots of the B-spline (reduced when there are too few distinct x).
    n_bins : int, default 5
        Quantile bins of the binned estimator.

    Returns
    -------
    numpy.ndarray
        The fitted E(y | x) at each observed x.

    Examples
    --------
    >>> x = np.linspace(0, 1, 30); y = 2 * x + 1
    >>> bool(np.allclose(smooth(x, y), y))
    True
    """
    if smoother not in SMOOTHERS:
        raise ConfigError(f"smoother={smoother!r}; choose one of {SMOOTHERS}.")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if smoother == "binned":
        edges = np.quantile(x, np.linspace(0, 1, n_bins + 1))
        b = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, n_bins - 1)
        means = pd.Series(y).groupby(b).transform("mean").to_numpy()
        return means
    from scipy.interpolate import make_lsq_spline

    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    # distinct abscissae (ties averaged) so the knots satisfy Schoenberg–Whitney
    ux, inv = np.unique(xs, return_inverse=True)
    uy = np.bincount(inv, weights=ys) / np.bincount(inv)
    wt = np.bincount(inv).astype(float)
    k = 3
    n_knots = int(min(n_knots, max(0, len(ux) - k - 1)))
    inner = np.quantile(ux, np.linspace(0, 1, n_knots + 2)[1:-1]) if n_knots else np.array([])
    t = np.concatenate([[ux[0]] * (k + 1), inner, [ux[-1]] * (k + 1)])
    spl = make_lsq_spline(ux, uy, t, k=k, w=wt)
    fitted = np.empty_like(y)
    fitted[order] = spl(xs)
    return fitted


def correlation_ratio(x, y, *, smoother: str = "bspline", n_knots: int = 3, n_bins: int = 5) -> float:
    """First-order sensitivity index :math:`S_i = V[E(y|x_i)]/V(y)` estimated with :func:`smooth`
    (the share of the variance of ``y`` that the smooth of ``y`` on ``x`` explains), clipped to [0, 1].

    Parameters
    ----------
    x, y : array-like
        One component and the index, one value per unit.
    smoother, n_knots, n_bins
        As in :func:`smooth`.

    Returns
    -------
    float
        :math:`S_i` in [0, 1] (NaN when ``y`` does not vary).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x1, x2 = rng.random(400), rng.random(400)
    >>> y = x1 + 0.1 * x2
    >>> round(correlation_ratio(x1, y), 2), bool(correlation_ratio(x2, y) < 0.05)
    (0.99, True)
    """
    y = np.asarray(y, dtype=float)
    vy = y.var()
    if vy == 0:
        return float("nan")
    f = smooth(x, y, smoother=smoother, n_knots=n_knots, n_bins=n_bins)
    return float(np.clip(f.var() / vy, 0.0, 1.0))


def importance_table(X: pd.DataFrame, weightings: Mapping[str, Mapping[str, float]], *, smoother: str = "bspline",
                     n_knots: int = 3, n_bins: int = 5) -> pd.DataFrame:
    """Nominal versus effective importance of every component, per weighting.

    For each weighting ``w`` the index is :math:`y = \\sum_j w_j x_j / \\sum_j w_j` (weighted arithmetic mean);
    per component: ``weight`` (normalised to sum 1), ``r_index`` (Pearson r of the component with the
    index), ``S_i`` (:func:`correlation_ratio`), ``S_i_norm`` (:math:`S_i/\\sum_j S_j`, comparable with the
    weights) and ``ratio`` = ``S_i_norm / weight`` (1 = the component matters as much as its weight says;
    < 1 less, > 1 more).

    Parameters
    ----------
    X : pandas.DataFrame
        Units × components.
    weightings : mapping of str to mapping of str to float
        Named weightings, each giving a non-negative weight to every column of ``X``.
    smoother, n_knots, n_bins
        As in :func:`smooth`.

    Returns
    -------
    DataFrame indexed by (``weighting``, ``component``).

    Examples
    --------
    >>> from vitality.coherence import importance_table
    >>> rng = np.random.default_rng(1)
    >>> X = pd.DataFrame({"a": rng.random(60), "b": rng.random(60), "c": rng.random(60)})
    >>> t = importance_table(X, {"equal": {"a": 1, "b": 1, "c": 1}, "a-heavy": {"a": 4, "b": 1, "c": 1}})
    >>> t.loc["a-heavy", ["weight", "S_i_norm"]].round(2)
               weight  S_i_norm
    component
    a            0.67      0.73
    b            0.17      0.14
    c            0.17      0.13
    """
    X = _frame(X)
    rows = []
    for name, w in weightings.items():
        ws = pd.Series(w, dtype=float).reindex(X.columns)
        if ws.isna().any() or (ws < 0).any() or ws.sum() <= 0:
            raise ConfigError(f"weighting {name!r} needs a non-negative weight for each of {list(X.columns)}.")
        ws = ws / ws.sum()
        y = X.to_numpy() @ ws.to_numpy()
        s = {c: correlation_ratio(X[c], y, smoother=smoother, n_knots=n_knots, n_bins=n_bins) for c in X.columns}
        tot = sum(s.values())
        for c in X.columns:
            r = float(np.corrcoef(X[c], y)[0, 1])
            rows.append({"weighting": name, "component": c, "weight": float(ws[c]), "r_index": r,
                         "S_i": s[c], "S_i_norm": s[c] / tot if tot > 0 else np.nan,
                         "ratio": (s[c] / tot) / float(ws[c]) if tot > 0 and ws[c] > 0 else np.nan,
                         "smoother": smoother})
    return pd.DataFrame(rows).set_index(["weighting", "component"])


def bootstrap_importance(X: pd.DataFrame, weights: Mapping[str, float], *, n_boot: int = 200, seed=2015,
                         smoother: str = "bspline", n_knots: int = 3, n_bins: int = 5) -> pd.DataFrame:
    """Bootstrap (units resampled with replacement, ``seed``-ed) standard error and 5–95 % interval of
    ``S_i`` and ``S_i_norm`` of one weighting: how precisely 46 units fix the effective importance.

    Returns a DataFrame indexed by component: ``S_i_se``, ``S_i_norm_se``, ``S_i_norm_q05``, ``S_i_norm_q95``.

    Parameters
    ----------
    X : pandas.DataFrame
        Units × components.
    weights : mapping of str to float
        One weighting (a weight for every column of ``X``).
    n_boot : int, default 200
        Bootstrap resamples.
    seed : int or numpy.random.Generator seed, default 2015
        Seed of the resampling (same seed, same result).
    smoother, n_knots, n_bins
        As in :func:`smooth`.

    Returns
    -------
    pandas.DataFrame
        Indexed by component: ``S_i_se``, ``S_i_norm_se``, ``S_i_norm_q05``, ``S_i_norm_q95``.

    Examples
    --------
    >>> from vitality.coherence import bootstrap_importance
    >>> rng = np.random.default_rng(1)
    >>> X = pd.DataFrame({"a": rng.random(60), "b": rng.random(60), "c": rng.random(60)})
    >>> b = bootstrap_importance(X, {"a": 4, "b": 1, "c": 1}, n_boot=50, seed=7)
    >>> b.columns.tolist()
    ['S_i_se', 'S_i_norm_se', 'S_i_norm_q05', 'S_i_norm_q95']
    >>> bool((b["S_i_norm_q05"] <= b["S_i_norm_q95"]).all()), b.equals(bootstrap_importance(X, {"a": 4, "b": 1, "c": 1}, n_boot=50, seed=7))
    (True, True)
    """
    X = _frame(X)
    ws = pd.Series(weights, dtype=float).reindex(X.columns)
    ws = ws / ws.sum()
    rng = np.random.default_rng(seed)
    A = X.to_numpy()
    out = np.empty((n_boot, A.shape[1]))
    for b in range(n_boot):
        idx = rng.integers(0, len(A), len(A))
        Ab = A[idx]
        y = Ab @ ws.to_numpy()
        out[b] = [correlation_ratio(Ab[:, j], y, smoother=smoother, n_knots=n_knots, n_bins=n_bins)
                  for j in range(A.shape[1])]
    norm = out / out.sum(axis=1, keepdims=True)
    return pd.DataFrame({"S_i_se": out.std(axis=0, ddof=1), "S_i_norm_se": norm.std(axis=0, ddof=1),
                         "S_i_norm_q05": np.quantile(norm, 0.05, axis=0),
                         "S_i_norm_q95": np.quantile(norm, 0.95, axis=0)}, index=X.columns)


def coherence_report(X: pd.DataFrame, weightings: Mapping[str, Mapping[str, float]], **kw) -> dict:
    """Cronbach's α (raw and standardised), :func:`pca_summary` and :func:`importance_table` at once.

    Returns ``{"alpha": float, "alpha_standardised": float, "variance": DataFrame, "loadings": DataFrame,
    "importance": DataFrame}``.

    Parameters
    ----------
    X : pandas.DataFrame
        Units × components.
    weightings : mapping of str to mapping of str to float
        Named weightings (as :func:`importance_table`).
    **kw
        Passed to :func:`importance_table` (``smoother``, ``n_knots``, ``n_bins``).

    Returns
    -------
    dict
        ``alpha``, ``alpha_standardised``, ``variance``, ``loadings``, ``importance``.

    Examples
    --------
    >>> from vitality.coherence import coherence_report
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5], "c": [1.0, 3, 2, 5, 4, 6]})
    >>> rep = coherence_report(X, {"equal": {"a": 1, "b": 1, "c": 1}}, smoother="binned", n_bins=3)
    >>> sorted(rep), round(rep["alpha"], 3)
    (['alpha', 'alpha_standardised', 'importance', 'loadings', 'variance'], 0.892)
    """
    var, load = pca_summary(X)
    return {"alpha": cronbach_alpha(X), "alpha_standardised": cronbach_alpha(X, standardise=True),
            "variance": var, "loadings": load, "importance": importance_table(X, weightings, **kw)}
