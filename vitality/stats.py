"""Correlation, simple regression and group comparisons, in the style of pingouin.

Every function takes a :class:`pandas.DataFrame` (or Series) keyed by unit (city) and returns a
DataFrame; the method is chosen by a string and options are keyword-only. Missing values are never
dropped silently: where units are left out, the output says which.

Contents
--------
* :func:`significance_stars` — SPSS-style stars (``'**'`` p < .01, ``'*'`` p < .05).
* :func:`p_from_r` — two-sided p-value of a Pearson r from n pairs (the one formula, used by
  :func:`pearson_matrix` and by :func:`vitality.checks.correlation_check` for printed r).
* :func:`pearson_matrix` — Pearson r for every pair of columns, two-sided p, N, stars, Fisher-z CI.
* :func:`ols` — simple OLS of one or several y on one x: r, R², slope with t-based CI, se, p, and the
  units dropped for missing values.
* :func:`partial_correlations` — each column's correlation with x holding the other columns fixed (Fisher-z
  CI, p), beside the plain r.
* :func:`fit_band` — fitted line with the confidence band of the mean response (for plots).
* :func:`residual_ranking` — units ranked by their OLS residual ("more / less than x predicts").
* :func:`compare_groups` — two groups per column: Mann–Whitney, Welch t or a vectorised permutation
  test, with rank-biserial r or Hedges' g and Holm-adjusted p.
* :func:`kruskal_regions` — Kruskal–Wallis H across k groups per column, with ε² (and η²_H).
* :func:`group_summary` — n, mean, median, sd per group and column.

The report's own group definitions and section tables live in :mod:`vitality.siis` (e.g.
:mod:`vitality.siis.regions`).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats as _st

from .errors import ConfigError

__all__ = ['STAR_LEVELS', 'numeric_frame', 'significance_stars', 'holm', 'p_from_r', 'pearson_matrix', 'ols',
           'partial_correlations', 'residual_ranking', 'fit_band', 'GROUP_METHODS', 'compare_groups', 'kruskal_regions', 'group_summary']

#: SPSS convention: ``**`` when p < .01, ``*`` when p < .05 (two-sided), nothing otherwise.
STAR_LEVELS = ((0.01, "**"), (0.05, "*"))


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------

def numeric_frame(data: pd.DataFrame, columns: Sequence[str] | None, what: str) -> pd.DataFrame:
    """The columns to analyse, as floats: the named ones, or every numeric column.

    Parameters
    ----------
    data : DataFrame
        One row per unit.
    columns : sequence of str or None
        Columns to keep, in this order; ``None`` keeps every numeric column.
    what : str
        Name of the calling function, used in error messages.

    Returns
    -------
    DataFrame
        The selected columns converted to float (same index).

    Raises
    ------
    ConfigError
        ``data`` not a DataFrame, an unknown column, or no numeric column.

    Examples
    --------
    >>> from vitality.stats import numeric_frame
    >>> df = pd.DataFrame({"gdp": [1.0, 2.0, 3.0, 4.0], "score": [2.0, 4.0, 5.0, 9.0],
    ...                    "pop": [5.0, 2.0, np.nan, 1.0]}, index=["A", "B", "C", "D"])
    >>> numeric_frame(df.assign(name=["w", "x", "y", "z"]), None, "demo").columns.tolist()
    ['gdp', 'score', 'pop']
    >>> numeric_frame(df, ["gpd"], "demo")
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: demo: unknown column(s) ['gpd']; valid columns are ['gdp', 'score', 'pop'].
    """
    if not isinstance(data, pd.DataFrame):
        raise ConfigError(f"{what} needs a DataFrame (one row per unit, one column per variable), "
                          f"got {type(data).__name__}.")
    if columns is None:
        columns = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
    else:
        columns = list(columns)
        unknown = [c for c in columns if c not in data.columns]
        if unknown:
            raise ConfigError(f"{what}: unknown column(s) {unknown}; valid columns are {list(data.columns)}.")
    if not columns:
        raise ConfigError(f"{what}: no numeric columns to work on.")
    return data[columns].apply(pd.to_numeric, errors="raise").astype(float)


def significance_stars(p, *, levels: Sequence[tuple[float, str]] = STAR_LEVELS):
    """SPSS-style significance flags for p-values.

    Parameters
    ----------
    p : float or array-like
        Two-sided p-values (NaN gives ``''``).
    levels : sequence of (threshold, flag)
        Checked from the smallest threshold up; a p strictly below a threshold gets its flag.
        Default ``((0.01, '**'), (0.05, '*'))``, as in SPSS's correlation table.

    Returns
    -------
    str or numpy.ndarray of str
        A string for a scalar ``p``, else an array of the shape of ``p``.

    Examples
    --------
    >>> from vitality.stats import significance_stars
    >>> significance_stars(0.003)
    '**'
    >>> significance_stars([0.003, 0.03, 0.3, np.nan]).tolist()
    ['**', '*', '', '']
    >>> significance_stars(0.0005, levels=((0.001, "***"), (0.01, "**"), (0.05, "*")))
    '***'
    """
    arr = np.asarray(p, dtype=float)
    out = np.full(arr.shape, "", dtype=object)
    for thr, flag in sorted(levels, key=lambda t: t[0], reverse=True):
        out = np.where(arr < thr, flag, out)
    return out.item() if out.ndim == 0 else out


def holm(p) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (step-down), NaN left as NaN.

    With the m non-missing p sorted ascending, :math:`\\tilde p_{(i)} = \\max_{j \\le i}
    \\min\\{1, (m - j + 1)\\, p_{(j)}\\}`.

    Parameters
    ----------
    p : array-like
        Unadjusted p-values (NaN allowed: not counted in m).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the order given.

    Examples
    --------
    >>> from vitality.stats import holm
    >>> holm([0.01, 0.04, 0.03, np.nan]).round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    pv = p[ok]
    order = np.argsort(pv, kind="mergesort")
    adj = np.minimum(1.0, (m - np.arange(m)) * pv[order])
    adj = np.maximum.accumulate(adj)
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


# ----------------------------------------------------------------------------------------------
# correlation
# ----------------------------------------------------------------------------------------------

def p_from_r(r, n):
    """Two-sided p-value of a Pearson correlation ``r`` computed from ``n`` pairs.

    .. math:: t = r \\sqrt{\\frac{n-2}{1-r^2}}, \\qquad p = 2\\,P(T_{n-2} \\ge |t|)

    ``r`` and ``n`` broadcast (scalars or arrays); returns a float or an array. NaN when ``n`` ≤ 2;
    0 when ``|r| = 1``.

    Parameters
    ----------
    r : float or array-like
        Pearson correlation(s).
    n : int or array-like
        Number of pairs behind each ``r``.

    Returns
    -------
    float or numpy.ndarray
        Two-sided p-value(s).

    Examples
    --------
    >>> from vitality.stats import p_from_r
    >>> round(float(p_from_r(0.5, 20)), 4)
    0.0248
    >>> p_from_r([0.5, 0.9], [20, 5]).round(4).tolist()
    [0.0248, 0.0374]
    """
    r = np.asarray(r, dtype=float)
    dof = np.asarray(n, dtype=float) - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt(dof / (1.0 - r ** 2))
        return 2.0 * _st.t.sf(np.abs(t), dof)


def pearson_matrix(data: pd.DataFrame, *, columns: Sequence[str] | None = None, pairs: str = "all",
                   ci: float = 0.95) -> pd.DataFrame:
    """Pearson correlation of every pair of columns, as a long (tidy) table.

    Missing values are deleted pairwise (SPSS's default): each pair uses the units where both
    columns are present, and its ``n`` says how many.

    Parameters
    ----------
    data : DataFrame
        One row per unit, one numeric column per variable.
    columns : sequence of str, optional
        Columns to correlate, in this order (default: every numeric column).
    pairs : {'all', 'upper'}
        ``'all'``: every ordered pair including the diagonal (as SPSS prints the full matrix);
        ``'upper'``: each unordered pair once (x before y in ``columns`` order).
    ci : float
        Level of the Fisher-z confidence interval of r.

    Returns
    -------
    DataFrame
        Columns ``x, y, n, r, p, stars, ci_low, ci_high``. ``p`` is two-sided; ``stars`` follows
        :func:`significance_stars`. On the diagonal r = 1 and p, stars and CI are empty.

    Notes
    -----
    .. math::

        r = \\frac{\\sum (x_i-\\bar x)(y_i-\\bar y)}{\\sqrt{\\sum (x_i-\\bar x)^2 \\sum (y_i-\\bar y)^2}},
        \\qquad t = r \\sqrt{\\frac{n-2}{1-r^2}}, \\qquad p = 2\\,P(T_{n-2} \\ge |t|)

    (p by :func:`p_from_r`) and the CI is :math:`\\tanh(\\operatorname{artanh} r \\pm z_{(1+ci)/2} / \\sqrt{n-3})`.
    All pairs are computed at once from masked cross-products (no loop over pairs).

    Examples
    --------
    Four units; ``pop`` is missing for C, so its pairs use 3 units:

    >>> from vitality.stats import pearson_matrix
    >>> df = pd.DataFrame({"gdp": [1.0, 2.0, 3.0, 4.0], "score": [2.0, 4.0, 5.0, 9.0],
    ...                    "pop": [5.0, 2.0, np.nan, 1.0]}, index=["A", "B", "C", "D"])
    >>> res = pearson_matrix(df, pairs="upper")
    >>> res[["x", "y", "n"]].values.tolist()
    [['gdp', 'score', 4], ['gdp', 'pop', 3], ['score', 'pop', 3]]
    >>> res["r"].round(3).tolist()
    [0.965, -0.891, -0.866]
    >>> res["p"].round(3).tolist(), res["stars"].tolist()
    ([0.035, 0.3, 0.333], ['*', '', ''])
    >>> pearson_matrix(df, columns=["gdp", "score"])["r"].round(3).tolist()  # the full 2 x 2 matrix
    [1.0, 0.965, 0.965, 1.0]
    """
    if pairs not in ("all", "upper"):
        raise ConfigError(f"pairs={pairs!r} is not valid; choose 'all' or 'upper'.")
    if not 0 < ci < 1:
        raise ConfigError(f"ci must be between 0 and 1, got {ci}.")
    df = numeric_frame(data, columns, "pearson_matrix")
    cols = list(df.columns)
    X = df.to_numpy()
    M = (~np.isnan(X)).astype(float)
    # centre each column on its own mean first (numerical stability), then use masked sums
    Xc = np.where(M > 0, X - np.nanmean(X, axis=0), 0.0)
    n = M.T @ M                                # n[i, j]: units with both i and j
    sx = Xc.T @ M                              # sum of x_i over units where j is present
    sxx = (Xc ** 2).T @ M
    sxy = Xc.T @ Xc
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx.T / n
        var_x = sxx - sx ** 2 / n
        r = cov / np.sqrt(var_x * var_x.T)
        r = np.clip(r, -1.0, 1.0)
        dof = n - 2
        p = p_from_r(r, n)
        z = np.arctanh(r)
        half = _st.norm.ppf(0.5 + ci / 2) / np.sqrt(n - 3)
        lo, hi = np.tanh(z - half), np.tanh(z + half)
    k = len(cols)
    diag = np.eye(k, dtype=bool)
    r[diag] = 1.0
    for a in (p, lo, hi):
        a[diag] = np.nan
    p = np.where(dof > 0, p, np.nan)
    ii, jj = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    keep = np.ones((k, k), bool) if pairs == "all" else ii < jj
    ii, jj = ii[keep], jj[keep]
    out = pd.DataFrame({
        "x": np.asarray(cols, dtype=object)[ii], "y": np.asarray(cols, dtype=object)[jj],
        "n": n[ii, jj].astype(int), "r": r[ii, jj], "p": p[ii, jj],
        "ci_low": lo[ii, jj], "ci_high": hi[ii, jj],
    })
    out.insert(5, "stars", significance_stars(out["p"].to_numpy()))
    return out


# ----------------------------------------------------------------------------------------------
# simple regression
# ----------------------------------------------------------------------------------------------

def _align(y: pd.Series, x: pd.Series, what: str):
    if not isinstance(x, pd.Series) or not isinstance(y, pd.Series):
        raise ConfigError(f"{what} needs y and x as pandas Series indexed by unit.")
    if x.index.has_duplicates or y.index.has_duplicates:
        raise ConfigError(f"{what}: the unit index of x or y has duplicates.")
    units = y.index.union(x.index, sort=False)
    yy = pd.to_numeric(y.reindex(units), errors="raise").astype(float)
    xx = pd.to_numeric(x.reindex(units), errors="raise").astype(float)
    ok = yy.notna() & xx.notna()
    return yy, xx, ok


#: Entries of :func:`_fit` that are per unit or internal (not columns of :func:`ols`).
_NOT_OLS_COLUMNS = ("fitted", "resid", "leverage", "x_mean", "sxx")


def _fit(yv: np.ndarray, xv: np.ndarray, level: float) -> dict:
    n = len(yv)
    if n < 3:
        raise ConfigError(f"OLS needs at least 3 complete units, got {n}.")
    xm, ym = xv.mean(), yv.mean()
    dx, dy = xv - xm, yv - ym
    sxx, syy, sxy = dx @ dx, dy @ dy, dx @ dy
    if sxx == 0:
        raise ConfigError("OLS: x is constant, the slope is undefined.")
    b = sxy / sxx
    a = ym - b * xm
    fitted = a + b * xv
    resid = yv - fitted
    dof = n - 2
    s2 = resid @ resid / dof
    se_b = np.sqrt(s2 / sxx)
    se_a = np.sqrt(s2 * (1.0 / n + xm ** 2 / sxx))
    r = sxy / np.sqrt(sxx * syy) if syy > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        t_b = b / se_b
    p = 2.0 * _st.t.sf(abs(t_b), dof)
    tq = _st.t.ppf(0.5 + level / 2, dof)
    r2 = r ** 2
    return dict(n=n, r=r, r_squared=r2, adj_r_squared=1 - (1 - r2) * (n - 1) / dof, slope=b, se=se_b,
                t=t_b, p=p, ci_low=b - tq * se_b, ci_high=b + tq * se_b, intercept=a, intercept_se=se_a,
                s=np.sqrt(s2), dof=dof, fitted=fitted, resid=resid, leverage=1.0 / n + dx ** 2 / sxx,
                x_mean=xm, sxx=sxx)


def ols(y: pd.Series | pd.DataFrame, x: pd.Series, *, level: float = 0.95) -> pd.DataFrame:
    """Ordinary least squares of y on one predictor x (with intercept).

    Parameters
    ----------
    y : Series or DataFrame
        Outcome(s), indexed by unit. A DataFrame gives one regression per column.
    x : Series
        Predictor, indexed by unit (aligned on the index, not by position).
    level : float
        Confidence level of the slope interval (t-based).

    Returns
    -------
    DataFrame
        One row per outcome (index ``y``) with ``n, r, r_squared, adj_r_squared, slope, se, t, p,
        ci_low, ci_high, intercept, intercept_se, s, dof, n_dropped, dropped``. ``dropped`` lists
        (``'、'``-joined) the units left out because y or x is missing there — show it.

    Notes
    -----
    With :math:`S_{xx}=\\sum (x_i-\\bar x)^2`, :math:`S_{xy}=\\sum (x_i-\\bar x)(y_i-\\bar y)`:

    .. math::

        \\hat\\beta = S_{xy}/S_{xx}, \\quad \\hat\\alpha = \\bar y - \\hat\\beta \\bar x, \\quad
        s^2 = \\frac{\\sum e_i^2}{n-2}, \\quad \\mathrm{se}(\\hat\\beta) = \\frac{s}{\\sqrt{S_{xx}}},

        \\mathrm{CI} = \\hat\\beta \\pm t_{(1+\\text{level})/2,\\,n-2}\\,\\mathrm{se}(\\hat\\beta), \\quad
        p = 2 P(T_{n-2} \\ge |\\hat\\beta/\\mathrm{se}|), \\quad r = \\frac{S_{xy}}{\\sqrt{S_{xx} S_{yy}}},
        \\quad R^2 = r^2.

    ``r`` keeps the sign of the slope (SPSS's "R" in a one-predictor model is ``|r|``).

    Examples
    --------
    >>> from vitality.stats import ols
    >>> df = pd.DataFrame({"gdp": [1.0, 2.0, 3.0, 4.0], "score": [2.0, 4.0, 5.0, 9.0],
    ...                    "pop": [5.0, 2.0, np.nan, 1.0]}, index=["A", "B", "C", "D"])
    >>> fit = ols(df["score"], df["gdp"])
    >>> fit[["n", "slope", "intercept", "r_squared"]].round(3).values.tolist()
    [[4.0, 2.2, -0.5, 0.931]]

    Several outcomes at once; the units dropped for a missing value are listed:

    >>> fits = ols(df[["score", "pop"]], df["gdp"])
    >>> fits.index.tolist(), fits["n"].tolist(), fits["dropped"].tolist()
    (['score', 'pop'], [4, 3], ['', 'C'])
    """
    if not 0 < level < 1:
        raise ConfigError(f"level must be between 0 and 1, got {level}.")
    ys = y.to_frame(y.name if y.name is not None else "y") if isinstance(y, pd.Series) else y
    if not isinstance(ys, pd.DataFrame):
        raise ConfigError("ols: y must be a Series or a DataFrame.")
    rows = {}
    for col in ys.columns:
        yy, xx, ok = _align(ys[col], x, "ols")
        res = _fit(yy[ok].to_numpy(), xx[ok].to_numpy(), level)
        dropped = list(map(str, yy.index[~ok]))
        rows[col] = {k: v for k, v in res.items() if k not in _NOT_OLS_COLUMNS} | {
            "n_dropped": len(dropped), "dropped": "、".join(dropped)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "y"
    out["n"] = out["n"].astype(int)
    out["dof"] = out["dof"].astype(int)
    return out


def partial_correlations(data: pd.DataFrame, x: pd.Series, *, columns: Sequence[str] | None = None,
                         level: float = 0.95) -> pd.DataFrame:
    """Pearson correlation of each column of ``data`` with ``x``, plain and partial (the other columns held fixed).

    The partial r of column c is the correlation of the residuals of c and of x, each regressed (OLS with
    intercept) on the other columns: how much c goes with x beyond what c shares with the others. Its CI is
    Fisher's z with standard error 1/√(n − k − 3) for k controls; p is the t test on n − k − 2 degrees of
    freedom. Units with a missing value in any column or in x are left out (``n`` says how many remain).

    Parameters
    ----------
    data : DataFrame
        One row per unit, numeric columns (at least two).
    x : Series
        The variable to correlate with, indexed by unit.
    columns : sequence of str, optional
        Columns of ``data`` to use (default: all).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        Index: the columns; ``n``, ``r`` (plain), ``partial_r``, ``ci_low``, ``ci_high``, ``p`` (of the partial
        r) and ``controls`` (the columns held fixed).

    Examples
    --------
    >>> from vitality.stats import partial_correlations
    >>> d = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5]})
    >>> x = pd.Series([1.0, 2, 3, 4, 5, 7])
    >>> t = partial_correlations(d, x)
    >>> t[["n", "r", "partial_r"]].round(3)
       n      r  partial_r
    a  6  0.990      0.976
    b  6  0.792     -0.354
    """
    cols = list(data.columns if columns is None else columns)
    if len(cols) < 2:
        raise ConfigError("partial_correlations needs at least two columns (one to correlate, one to hold fixed).")
    D = numeric_frame(data, cols, "partial_correlations")
    if not isinstance(x, pd.Series):
        raise ConfigError("partial_correlations needs x as a pandas Series indexed by unit.")
    xx = pd.to_numeric(x.reindex(D.index), errors="raise").astype(float)
    ok = D.notna().all(axis=1) & xx.notna()
    X, xv = D[ok].to_numpy(float), xx[ok].to_numpy()
    n, k = len(xv), len(cols) - 1
    if n - k - 3 < 1:
        raise ConfigError(f"partial_correlations: {n} complete units are too few for {k} controls (need {k + 4}).")
    zq = _st.norm.ppf(0.5 + level / 2)
    rows = {}
    for j, c in enumerate(cols):
        A = np.c_[np.ones(n), np.delete(X, j, axis=1)]
        res_c = X[:, j] - A @ np.linalg.lstsq(A, X[:, j], rcond=None)[0]
        res_x = xv - A @ np.linalg.lstsq(A, xv, rcond=None)[0]
        pr = float(np.corrcoef(res_c, res_x)[0, 1])
        z, se = np.arctanh(pr), 1.0 / np.sqrt(n - k - 3)
        dof = n - k - 2
        t = pr * np.sqrt(dof / (1.0 - pr ** 2))
        rows[c] = {"n": n, "r": float(np.corrcoef(X[:, j], xv)[0, 1]), "partial_r": pr,
                   "ci_low": float(np.tanh(z - zq * se)), "ci_high": float(np.tanh(z + zq * se)),
                   "p": float(2.0 * _st.t.sf(abs(t), dof)), "controls": ", ".join(cc for cc in cols if cc != c)}
    return pd.DataFrame.from_dict(rows, orient="index")


def residual_ranking(y: pd.Series, x: pd.Series, *, level: float = 0.95) -> pd.DataFrame:
    """Rank units by how far they lie above (or below) the OLS line of y on x.

    The "vitality beyond economic size" ranking: a positive residual means the unit scores higher on
    y than its x predicts.

    Parameters
    ----------
    y, x : Series
        Outcome and predictor indexed by unit.
    level : float
        Passed to the fit (it does not change the residuals).

    Returns
    -------
    DataFrame
        Indexed by unit, sorted by residual (largest first; units not fitted last), with ``y, x,
        fitted, residual, std_residual, rank_y, rank_residual, rank_change, in_fit, note``.
        ``std_residual`` is the internally studentised residual :math:`e_i / (s\\sqrt{1-h_i})` with
        leverage :math:`h_i = 1/n + (x_i-\\bar x)^2/S_{xx}`; ``rank_y`` ranks y among the fitted
        units (1 = highest), ``rank_residual`` ranks the residual (1 = most above the line), and
        ``rank_change = rank_y - rank_residual`` (positive: the unit climbs once x is accounted for).
        Units without y or x stay in the table with ``in_fit = False`` and a note.

    Examples
    --------
    >>> from vitality.stats import residual_ranking
    >>> df = pd.DataFrame({"gdp": [1.0, 2.0, 3.0, 4.0], "score": [2.0, 4.0, 5.0, 9.0],
    ...                    "pop": [5.0, 2.0, np.nan, 1.0]}, index=["A", "B", "C", "D"])
    >>> rr = residual_ranking(df["score"], df["gdp"])
    >>> rr.index.tolist()
    ['D', 'A', 'B', 'C']
    >>> rr["residual"].round(3).tolist()
    [0.7, 0.3, 0.1, -1.1]
    >>> rr["rank_change"].tolist()  # A climbs from 4th on score to 2nd above the line
    [0, 2, 0, -2]
    """
    yy, xx, ok = _align(y, x, "residual_ranking")
    res = _fit(yy[ok].to_numpy(), xx[ok].to_numpy(), level)
    out = pd.DataFrame({"y": yy, "x": xx})
    out["fitted"] = np.nan
    out["residual"] = np.nan
    out["std_residual"] = np.nan
    out.loc[ok, "fitted"] = res["fitted"]
    out.loc[ok, "residual"] = res["resid"]
    out.loc[ok, "std_residual"] = res["resid"] / (res["s"] * np.sqrt(1.0 - res["leverage"]))
    out["rank_y"] = out["y"].where(ok).rank(ascending=False, method="min")
    out["rank_residual"] = out["residual"].rank(ascending=False, method="min")
    out["rank_change"] = out["rank_y"] - out["rank_residual"]
    for c in ("rank_y", "rank_residual", "rank_change"):
        out[c] = out[c].astype("Int64")
    out["in_fit"] = ok.to_numpy()
    note = np.where(yy.isna() & xx.isna(), "y and x missing: not fitted",
                    np.where(xx.isna(), "x missing: not fitted", np.where(yy.isna(), "y missing: not fitted", "")))
    out["note"] = note
    out = out.sort_values(["in_fit", "residual"], ascending=[False, False], kind="mergesort")
    out.index.name = y.index.name or "unit"
    return out


def fit_band(y: pd.Series, x: pd.Series, *, grid=None, level: float = 0.95, n_grid: int = 100) -> pd.DataFrame:
    """Fitted OLS line and the confidence band of the mean response, on a grid of x.

    Returns a DataFrame with ``x, fitted, ci_low, ci_high`` where the band is
    :math:`\\hat y_0 \\pm t_{(1+\\text{level})/2,\\,n-2}\\; s \\sqrt{1/n + (x_0-\\bar x)^2/S_{xx}}`.
    Units with y or x missing are left out of the fit (see :func:`ols` for the list).

    Parameters
    ----------
    y, x : Series
        Outcome and predictor indexed by unit.
    grid : array-like, optional
        Values of x at which to evaluate the line (default: ``n_grid`` points from min to max of x).
    level : float, default 0.95
        Confidence level of the band.
    n_grid : int, default 100
        Number of grid points when ``grid`` is not given.

    Returns
    -------
    DataFrame
        One row per grid point: ``x, fitted, ci_low, ci_high``.

    Examples
    --------
    >>> from vitality.stats import fit_band
    >>> df = pd.DataFrame({"gdp": [1.0, 2.0, 3.0, 4.0], "score": [2.0, 4.0, 5.0, 9.0],
    ...                    "pop": [5.0, 2.0, np.nan, 1.0]}, index=["A", "B", "C", "D"])
    >>> band = fit_band(df["score"], df["gdp"], grid=[1, 2.5, 4])
    >>> band["fitted"].round(3).tolist()
    [1.7, 5.0, 8.3]
    >>> (band["ci_high"] - band["ci_low"]).round(3).tolist()  # narrowest at the mean of x
    [6.83, 4.082, 6.83]
    """
    yy, xx, ok = _align(y, x, "fit_band")
    yv, xv = yy[ok].to_numpy(), xx[ok].to_numpy()
    res = _fit(yv, xv, level)
    g = np.linspace(xv.min(), xv.max(), n_grid) if grid is None else np.asarray(grid, dtype=float)
    se = res["s"] * np.sqrt(1.0 / res["n"] + (g - res["x_mean"]) ** 2 / res["sxx"])   # leverage at g
    tq = _st.t.ppf(0.5 + level / 2, res["dof"])
    fit = res["intercept"] + res["slope"] * g
    return pd.DataFrame({"x": g, "fitted": fit, "ci_low": fit - tq * se, "ci_high": fit + tq * se})


# ----------------------------------------------------------------------------------------------
# group comparisons
# ----------------------------------------------------------------------------------------------

#: methods of :func:`compare_groups`
GROUP_METHODS = ("mannwhitney", "permutation", "welch")


def _group_labels(data: pd.DataFrame, groups, what: str) -> pd.Series:
    if isinstance(groups, str):
        if groups not in data.columns:
            raise ConfigError(f"{what}: groups={groups!r} is not a column; columns are {list(data.columns)}.")
        g = data[groups]
    elif isinstance(groups, pd.Series):
        g = groups
    else:
        raise ConfigError(f"{what}: groups must be a column name or a Series indexed like the data.")
    extra = g.index.difference(data.index)
    if len(extra):
        raise ConfigError(f"{what}: the groups name unit(s) not in the data: {list(extra)}.")
    return g.reindex(data.index)


def _grouped(data: pd.DataFrame, groups, columns: Sequence[str] | None, what: str):
    """Group labels and outcome frame of a group comparison (default outcomes: every numeric column
    except a ``groups`` column)."""
    g = _group_labels(data, groups, what)
    if columns is None and isinstance(groups, str):
        columns = [c for c in data.columns if c != groups and pd.api.types.is_numeric_dtype(data[c])]
    return g, numeric_frame(data, columns, what)


def _hedges(a: np.ndarray, b: np.ndarray, level: float):
    na, nb = len(a), len(b)
    sp = np.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    d = (a.mean() - b.mean()) / sp if sp > 0 else np.nan
    j = 1.0 - 3.0 / (4.0 * (na + nb) - 9.0)
    g = j * d
    se = np.sqrt((na + nb) / (na * nb) + g ** 2 / (2.0 * (na + nb)))
    zq = _st.norm.ppf(0.5 + level / 2)
    return d, g, g - zq * se, g + zq * se


def compare_groups(data: pd.DataFrame, groups, *, columns: Sequence[str] | None = None,
                   method: str = "mannwhitney", order: Sequence | None = None, n_perm: int = 9999,
                   seed: int | None = None, level: float = 0.95) -> pd.DataFrame:
    """Compare two groups of units on each column: is the difference bigger than chance?

    Parameters
    ----------
    data : DataFrame
        One row per unit.
    groups : str or Series
        Group label of each unit (a column of ``data`` or a Series on the same index). Units whose
        label is missing are left out (and counted in ``n_excluded``). Exactly two labels must remain.
    columns : sequence of str, optional
        Outcomes (default: every numeric column except ``groups``).
    method : {'mannwhitney', 'permutation', 'welch'}
        ``'mannwhitney'``: Mann–Whitney U, two-sided (scipy ``method='auto'``: exact without ties
        for small groups, else normal approximation with tie correction); effect = rank-biserial r.
        ``'permutation'``: difference in means, two-sided, ``n_perm`` random relabellings drawn at
        once as an index matrix; effect = Hedges' g. ``'welch'``: Welch's unequal-variance t test;
        effect = Hedges' g.
    order : (a, b), optional
        Which label is group a (differences are a − b). Default: the two labels sorted.
    n_perm : int
        Number of permutations (``'permutation'`` only).
    seed : int, optional
        Seed of :func:`numpy.random.default_rng` (``'permutation'`` only).
    level : float
        Level of the effect-size confidence interval.

    Returns
    -------
    DataFrame
        One row per column (index ``column``): ``group_a, group_b, n_a, n_b, n_excluded, mean_a, mean_b,
        median_a, median_b, diff (mean_a − mean_b), method, statistic, p, p_holm, effect,
        effect_size, ci_low, ci_high, cohen_d``. ``p_holm`` adjusts p over the columns of this call.

    Notes
    -----
    * Rank-biserial: :math:`r_{rb} = 2U_a/(n_a n_b) - 1` (positive when a tends to be larger); its
      approximate CI is :math:`\\tanh(\\operatorname{artanh} r_{rb} \\pm z\\,\\sqrt{(n_a+n_b+1)/(3 n_a n_b)})`.
    * Cohen's d with pooled SD :math:`s_p`; Hedges' :math:`g = J d`, :math:`J = 1 - 3/(4(n_a+n_b)-9)`;
      CI :math:`g \\pm z\\,\\sqrt{(n_a+n_b)/(n_a n_b) + g^2/(2(n_a+n_b))}`.
    * Permutation p: :math:`(1 + \\#\\{|T^*| \\ge |T_{obs}|\\}) / (n_{perm} + 1)` (never 0).

    Examples
    --------
    >>> from vitality.stats import compare_groups
    >>> g = pd.DataFrame({"region": ["east", "east", "east", "west", "west", "west"],
    ...                   "score": [5.0, 7.0, 6.0, 1.0, 3.0, 2.0]})
    >>> res = compare_groups(g, "region")
    >>> res[["group_a", "group_b", "n_a", "n_b", "diff"]].values.tolist()
    [['east', 'west', 3, 3, 4.0]]
    >>> res["p"].round(3).tolist(), res["effect"].tolist(), res["effect_size"].tolist()
    ([0.1], ['rank_biserial'], [1.0])
    >>> compare_groups(g, "region", method="welch")["p"].round(4).tolist()
    [0.008]
    >>> compare_groups(g, "region", method="permutation", n_perm=999, seed=1)["p"].round(3).tolist()
    [0.095]
    """
    if method not in GROUP_METHODS:
        raise ConfigError(f"method={method!r} is not known; choose one of {GROUP_METHODS}.")
    if not 0 < level < 1:
        raise ConfigError(f"level must be between 0 and 1, got {level}.")
    if method == "permutation" and (not isinstance(n_perm, (int, np.integer)) or n_perm < 1):
        raise ConfigError(f"n_perm must be a positive integer, got {n_perm!r}.")
    g, df = _grouped(data, groups, columns, "compare_groups")
    labels = list(pd.unique(g.dropna()))
    if order is None:
        order = sorted(labels, key=str)
    order = list(order)
    if len(order) != 2 or set(order) != set(labels):
        raise ConfigError(f"compare_groups needs exactly two groups; the data hold {labels}"
                          f"{'' if order == sorted(labels, key=str) else f' and order={order}'}.")
    rng = np.random.default_rng(seed)
    zq = _st.norm.ppf(0.5 + level / 2)
    rows = {}
    for col in df.columns:
        v = df[col]
        use = g.notna() & v.notna()
        a = v[use & (g == order[0])].to_numpy()
        b = v[use & (g == order[1])].to_numpy()
        na, nb = len(a), len(b)
        if na < 2 or nb < 2:
            raise ConfigError(f"compare_groups: column {col!r} has fewer than 2 units in a group "
                              f"({order[0]}: {na}, {order[1]}: {nb}).")
        d, hg, g_lo, g_hi = _hedges(a, b, level)
        row = dict(group_a=order[0], group_b=order[1], n_a=na, n_b=nb, n_excluded=int((~use).sum()),
                   mean_a=a.mean(), mean_b=b.mean(), median_a=np.median(a), median_b=np.median(b),
                   diff=a.mean() - b.mean(), method=method)
        if method == "mannwhitney":
            res = _st.mannwhitneyu(a, b, alternative="two-sided", method="auto")
            rb = 2.0 * res.statistic / (na * nb) - 1.0
            se = np.sqrt((na + nb + 1) / (3.0 * na * nb))
            zr = np.arctanh(np.clip(rb, -0.999999, 0.999999))
            row |= dict(statistic=float(res.statistic), p=float(res.pvalue), effect="rank_biserial",
                        effect_size=rb, ci_low=np.tanh(zr - zq * se), ci_high=np.tanh(zr + zq * se))
        elif method == "welch":
            res = _st.ttest_ind(a, b, equal_var=False)
            row |= dict(statistic=float(res.statistic), p=float(res.pvalue), effect="hedges_g",
                        effect_size=hg, ci_low=g_lo, ci_high=g_hi)
        else:
            vals = np.concatenate([a, b])
            n = na + nb
            idx = rng.permuted(np.broadcast_to(np.arange(n), (n_perm, n)), axis=1)
            sum_a = vals[idx[:, :na]].sum(axis=1)
            diffs = sum_a / na - (vals.sum() - sum_a) / nb
            obs = a.mean() - b.mean()
            tol = 1e-9 * max(1.0, abs(obs))
            p = (1.0 + np.count_nonzero(np.abs(diffs) >= abs(obs) - tol)) / (n_perm + 1.0)
            row |= dict(statistic=obs, p=p, effect="hedges_g", effect_size=hg, ci_low=g_lo, ci_high=g_hi)
        row["cohen_d"] = d
        rows[col] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.insert(out.columns.get_loc("p") + 1, "p_holm", holm(out["p"].to_numpy()))
    out.index.name = "column"
    return out


def kruskal_regions(data: pd.DataFrame, groups, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Kruskal–Wallis H test across k groups (e.g. the seven regions) for each column.

    Parameters
    ----------
    data : DataFrame
        One row per unit.
    groups : str or Series
        Group label per unit; units with a missing label are left out.
    columns : sequence of str, optional
        Outcomes (default: every numeric column except ``groups``).

    Returns
    -------
    DataFrame
        One row per column: ``k, n, H, dof, p, p_holm, epsilon_sq, eta_sq_h``.

    Notes
    -----
    H is scipy's tie-corrected statistic, p from :math:`\\chi^2_{k-1}`. Effect sizes:
    :math:`\\varepsilon^2 = H / ((n^2-1)/(n+1)) = H/(n-1)` (Tomczak & Tomczak 2014) and
    :math:`\\eta^2_H = (H - k + 1)/(n - k)`.

    Examples
    --------
    >>> from vitality.stats import kruskal_regions
    >>> g3 = pd.DataFrame({"region": ["a", "a", "b", "b", "c", "c"], "score": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    >>> res = kruskal_regions(g3, "region")
    >>> res[["k", "n", "dof"]].values.tolist()
    [[3, 6, 2]]
    >>> res["H"].round(3).tolist(), res["p"].round(3).tolist(), res["epsilon_sq"].round(3).tolist()
    ([4.571], [0.102], [0.914])
    """
    g, df = _grouped(data, groups, columns, "kruskal_regions")
    rows = {}
    for col in df.columns:
        v = df[col]
        use = g.notna() & v.notna()
        parts = [v[use & (g == lab)].to_numpy() for lab in pd.unique(g[use])]
        k, n = len(parts), int(use.sum())
        if k < 2:
            raise ConfigError(f"kruskal_regions: column {col!r} has fewer than 2 groups.")
        h, p = _st.kruskal(*parts)
        rows[col] = dict(k=k, n=n, H=float(h), dof=k - 1, p=float(p),
                         epsilon_sq=float(h) / (n - 1), eta_sq_h=(float(h) - k + 1) / (n - k))
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.insert(out.columns.get_loc("p") + 1, "p_holm", holm(out["p"].to_numpy()))
    out.index.name = "column"
    return out


def group_summary(data: pd.DataFrame, groups, *, columns: Sequence[str] | None = None,
                  order: Sequence | None = None) -> pd.DataFrame:
    """n, mean, median, sd, min and max of each column within each group (long table).

    Returns a DataFrame with columns ``group, column, n, mean, median, sd, min, max``; groups in
    ``order`` (default: first appearance), columns in data order.

    Parameters
    ----------
    data : DataFrame
        One row per unit.
    groups : str or Series
        Group label per unit (a column of ``data`` or a Series on the same index); units with a
        missing label are left out.
    columns : sequence of str, optional
        Columns to summarise (default: every numeric column except ``groups``).
    order : sequence, optional
        Order of the groups in the output (default: first appearance).

    Returns
    -------
    DataFrame
        One row per group and column: ``group, column, n, mean, median, sd, min, max``.

    Examples
    --------
    >>> from vitality.stats import group_summary
    >>> g = pd.DataFrame({"region": ["east", "east", "east", "west", "west", "west"],
    ...                   "score": [5.0, 7.0, 6.0, 1.0, 3.0, 2.0]})
    >>> res = group_summary(g, "region")
    >>> res[["group", "column", "n", "mean", "sd"]].values.tolist()
    [['east', 'score', 3, 6.0, 1.0], ['west', 'score', 3, 2.0, 1.0]]
    >>> group_summary(g, "region", order=["west", "east"])["group"].tolist()
    ['west', 'east']
    """
    g, df = _grouped(data, groups, columns, "group_summary")
    long = df.assign(_g=g).dropna(subset=["_g"]).melt(id_vars="_g", var_name="column")
    out = (long.groupby(["_g", "column"], sort=False)["value"]
           .agg(n="count", mean="mean", median="median", sd="std", min="min", max="max").reset_index()
           .rename(columns={"_g": "group"}))
    levels = list(order) if order is not None else list(pd.unique(g.dropna()))
    out["group"] = pd.Categorical(out["group"], categories=levels, ordered=True)
    out["column"] = pd.Categorical(out["column"], categories=list(df.columns), ordered=True)
    out = out.sort_values(["group", "column"]).reset_index(drop=True)
    out["group"] = out["group"].astype(object)
    out["column"] = out["column"].astype(object)
    return out


# ----------------------------------------------------------------------------------------------
# compass groups (四(三), footnote 1; 图表 10–11)
# ----------------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------------
# regional panels (图表 12–19)
# ----------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Summaries for notebook 03 (the notebook narrates; these compute)
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Tables and summaries for notebook 05 (the notebook narrates; these compute)
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Tables and summaries for notebook 04 (the notebook narrates; these compute)
# --------------------------------------------------------------------------------------------------


