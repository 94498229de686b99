"""Correlation, simple regression and group comparisons, in the style of pingouin.

Every function takes a :class:`pandas.DataFrame` (or Series) keyed by unit (city) and returns a
DataFrame; the method is chosen by a string and options are keyword-only. Missing values are never
dropped silently: where units are left out, the output says which.

Contents
--------
* :func:`overall_index` — the overall score from the domain scores (delegates to
  :func:`vitality.aggregate.aggregate`), with weights checked by domain code.
* :func:`significance_stars` — SPSS-style stars (``'**'`` p < .01, ``'*'`` p < .05).
* :func:`p_from_r` — two-sided p-value of a Pearson r from n pairs (the one formula, used by
  :func:`pearson_matrix` and by :func:`vitality.audit.correlation_check` for printed r).
* :func:`pearson_matrix` — Pearson r for every pair of columns, two-sided p, N, stars, Fisher-z CI.
* :func:`ols` — simple OLS of one or several y on one x: r, R², slope with t-based CI, se, p, and the
  units dropped for missing values.
* :func:`fit_band` — fitted line with the confidence band of the mean response (for plots).
* :func:`residual_ranking` — units ranked by their OLS residual ("more / less than x predicts").
* :func:`compare_groups` — two groups per column: Mann–Whitney, Welch t or a vectorised permutation
  test, with rank-biserial r or Hedges' g and Holm-adjusted p.
* :func:`kruskal_regions` — Kruskal–Wallis H across k groups per column, with ε² (and η²_H).
* :func:`group_summary` — n, mean, median, sd per group and column.
* Compass groups of the report's 四(三): :func:`compass_membership`, :func:`compass_groups`,
  :func:`compass_summary`, :func:`compare_compass`, :func:`compass_claims`.
* Regional panels of 图表 12–19: :data:`REGION_FIGURES`, :func:`region_panels`.
* Notebook 05 tables and words: :func:`gdp_fit_table`, :func:`gdp_residual_table`,
  :func:`residual_extremes`, :func:`largest_gaps`, :func:`gdp_plain_verdict`.
* Notebook 04 tables and words: :func:`correlation_table`, :func:`correlation_verdict`,
  :func:`errata_r_shift`, :func:`correlation_plain_verdict`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as _st

from .errors import ConfigError
from .io import DOMAINS

__all__ = [
    "DOMAINS", "overall_index", "STAR_LEVELS", "significance_stars", "p_from_r", "pearson_matrix", "ols",
    "residual_ranking", "fit_band",
    "GROUP_METHODS", "compare_groups", "kruskal_regions", "group_summary", "holm",
    "COMPASS_AXES", "compass_membership", "compass_groups", "compass_summary", "compare_compass",
    "compass_claims", "REGION_FIGURES", "region_panels", "compass_message", "region_cities_table",
    "regions_verdict", "failed_claims_cause", "regions_plain_verdict",
    "GDP_FIT_COLUMNS", "gdp_fit_table", "gdp_residual_table", "residual_extremes", "residual_extremes_message",
    "largest_gaps", "gdp_plain_verdict",
    "correlation_table", "correlation_verdict", "errata_r_shift", "correlation_plain_verdict",
]

#: SPSS convention: ``**`` when p < .01, ``*`` when p < .05 (two-sided), nothing otherwise.
STAR_LEVELS = ((0.01, "**"), (0.05, "*"))


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------

def _numeric_frame(data: pd.DataFrame, columns: Sequence[str] | None, what: str) -> pd.DataFrame:
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


def overall_index(domain_scores: pd.DataFrame, weights: Mapping[str, float] | None = None, *,
                  method: str = "amean") -> pd.Series:
    """The overall score ("总分") of each unit: weighted mean of its domain scores.

    The report never prints the overall score; it states equal weights (0.25 per domain). This
    checks the weights by domain code and hands the computation to the index engine,
    :func:`vitality.aggregate.aggregate`.

    Parameters
    ----------
    domain_scores : DataFrame
        One row per unit, one column per domain code.
    weights : mapping, optional
        ``{domain code: weight}`` with every column's code exactly once (relative weights; default
        equal). Matched by code, never by position.
    method : {'amean', 'gmean'}
        Aggregation of :func:`vitality.aggregate.aggregate`.

    Returns
    -------
    Series named ``total``: :math:`\\sum_d w_d s_d / \\sum_d w_d`.

    Raises
    ------
    ConfigError
        When a key is unknown or a domain has no weight (the message lists the valid codes).
    """
    from .aggregate import aggregate  # the engine; imported here to keep stats importable on its own

    if not isinstance(domain_scores, pd.DataFrame):
        raise ConfigError("overall_index needs the domain scores as a DataFrame (one column per domain).")
    codes = [str(c) for c in domain_scores.columns]
    if weights is not None:
        if not isinstance(weights, Mapping):
            raise ConfigError(f"weights must be a dict keyed by domain code, one of {codes}; got "
                              f"{type(weights).__name__} (matching by position is refused).")
        unknown = [k for k in weights if k not in codes]
        missing = [c for c in codes if c not in weights]
        if unknown or missing:
            parts = ([f"unknown domain code(s) {unknown}"] if unknown else []) + (
                [f"no weight for {missing}"] if missing else [])
            raise ConfigError(f"weights: {'; '.join(parts)}. Valid codes: {codes} (give each exactly once).")
    return aggregate(domain_scores, weights, method).rename("total")


# ----------------------------------------------------------------------------------------------
# correlation
# ----------------------------------------------------------------------------------------------

def p_from_r(r, n):
    """Two-sided p-value of a Pearson correlation ``r`` computed from ``n`` pairs.

    .. math:: t = r \\sqrt{\\frac{n-2}{1-r^2}}, \\qquad p = 2\\,P(T_{n-2} \\ge |t|)

    ``r`` and ``n`` broadcast (scalars or arrays); returns a float or an array. NaN when ``n`` ≤ 2;
    0 when ``|r| = 1``.
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
    """
    if pairs not in ("all", "upper"):
        raise ConfigError(f"pairs={pairs!r} is not valid; choose 'all' or 'upper'.")
    if not 0 < ci < 1:
        raise ConfigError(f"ci must be between 0 and 1, got {ci}.")
    df = _numeric_frame(data, columns, "pearson_matrix")
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
    return g, _numeric_frame(data, columns, what)


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

#: The two comparisons of 图表 10–11 and their sides. Only east, west and north are printed lists.
COMPASS_AXES = {"east_west": ("east", "west"), "north_south": ("north", "south")}
#: Default treatment of cities on neither printed list of an axis.
UNLISTED_DEFAULT = {"east_west": "exclude", "north_south": "south"}


def compass_membership(units: Sequence[str] | pd.Index, lists: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Which printed compass list (footnote 1 of 四(三)) each unit appears on.

    Parameters
    ----------
    units : sequence
        All units (the 46 cities).
    lists : mapping
        ``{'east': [...], 'west': [...], 'north': [...]}`` as printed.

    Returns
    -------
    DataFrame
        Indexed by unit: ``in_east, in_west, in_north`` (bool), ``east_west_literal`` (``'east'``,
        ``'west'`` or ``''`` for a city on neither list), ``north_south_literal`` (``'north'`` or ``''``).
    """
    units = pd.Index(list(units), name="city")
    known = {"east", "west", "north", "south"}
    bad = set(lists) - known
    if bad:
        raise ConfigError(f"unknown compass list(s) {sorted(bad)}; valid names are {sorted(known)}.")
    for name, members in lists.items():
        extra = sorted(set(members) - set(units))
        if extra:
            raise ConfigError(f"compass list {name!r} names unit(s) not among the units: {extra}.")
    out = pd.DataFrame(index=units)
    for side in ("east", "west", "north", "south"):
        if side in lists:
            out[f"in_{side}"] = units.isin(list(lists[side]))
    none = pd.Series(False, index=units)
    east, west = out.get("in_east", none), out.get("in_west", none)
    north, south = out.get("in_north", none), out.get("in_south", none)
    for a, b, an, bn in ((east, west, "east", "west"), (north, south, "north", "south")):
        if (a & b).any():
            raise ConfigError(f"unit(s) on both the {an} and the {bn} list: {list(units[a & b])}.")
    ew = np.where(east, "east", np.where(west, "west", ""))
    ns = np.where(north, "north", np.where(south, "south", ""))
    out["east_west_literal"] = ew
    out["north_south_literal"] = ns
    return out


def compass_groups(units: Sequence[str] | pd.Index, lists: Mapping[str, Sequence[str]], *, axis: str,
                   unlisted: str | None = None, overrides: Mapping[str, str | None] | None = None) -> pd.Series:
    """Assign each unit to a side of a compass comparison (east/west or north/south).

    Parameters
    ----------
    units : sequence
        All units (the 46 cities).
    lists : mapping
        The printed lists, ``{'east': [...], 'west': [...], 'north': [...]}``.
    axis : {'east_west', 'north_south'}
    unlisted : {'exclude', <side>}, optional
        What to do with units on neither printed list of the axis. ``'exclude'``: leave them out
        (label NaN); a side name (``'east'``, ``'west'``, ``'north'``, ``'south'``): put them all there.
        Default: ``'exclude'`` for east/west (the report's literal lists; 9 cities are on neither) and
        ``'south'`` for north/south (the report prints no south list, so "south = every city not on
        the north list" is the only reading).
    overrides : mapping, optional
        ``{city: side or None}`` applied last; ``None`` excludes the city. E.g. put the unlisted
        coastal southern cities in the east: ``{'广州': 'east', '深圳': 'east', ...}``.

    Returns
    -------
    Series
        Side label per unit (object dtype, NaN = excluded), named after the axis.
    """
    if axis not in COMPASS_AXES:
        raise ConfigError(f"axis={axis!r} is not known; choose one of {list(COMPASS_AXES)}.")
    sides = COMPASS_AXES[axis]
    if unlisted is None:
        unlisted = UNLISTED_DEFAULT[axis]
    valid = ("exclude",) + sides
    if unlisted not in valid:
        raise ConfigError(f"unlisted={unlisted!r} is not valid for {axis}; choose one of {valid}.")
    mem = compass_membership(units, lists)
    lab = pd.Series(np.nan, index=mem.index, dtype=object, name=axis)
    listed = pd.Series(False, index=mem.index)
    for side in sides:
        col = f"in_{side}"
        if col in mem:
            lab[mem[col]] = side
            listed |= mem[col]
    if unlisted != "exclude":
        lab[~listed] = unlisted
    for city, side in (overrides or {}).items():
        if city not in lab.index:
            raise ConfigError(f"override names {city!r}, which is not one of the units.")
        if side is not None and side not in sides:
            raise ConfigError(f"override {city!r}: {side!r} is not a side of {axis}; use one of {sides} or None.")
        lab[city] = np.nan if side is None else side
    present = set(lab.dropna())
    missing = [s for s in sides if s not in present]
    if missing:
        raise ConfigError(f"{axis}: no unit is on the {missing} side with unlisted={unlisted!r}"
                          + (" (the report prints no south list; use unlisted='south')"
                             if "south" in missing else "") + ".")
    return lab


def _side_order(groups: pd.Series) -> list:
    """The axis's own side order (east, west / north, south) when the labels are compass sides."""
    present = set(groups.dropna())
    for sides in COMPASS_AXES.values():
        if present <= set(sides):
            return [s for s in sides if s in present]
    return sorted(present, key=str)


def _subset_labels(capital: pd.Series) -> dict[str, pd.Series]:
    cap = capital.astype(bool)
    return {"all": pd.Series(True, index=cap.index), "capital": cap, "other": ~cap}


def compass_summary(data: pd.DataFrame, groups: pd.Series, capital: pd.Series, *,
                    columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Group means of 图表 10–11: each side × {all, capital, other} × column.

    Parameters
    ----------
    data : DataFrame
        Scores, one row per unit.
    groups : Series
        Side per unit (from :func:`compass_groups`; NaN = excluded).
    capital : Series of bool
        True for provincial capitals and municipalities (``cities.is_capital_or_municipality``).
    columns : sequence of str, optional
        Scores to average (default: every numeric column).

    Returns
    -------
    DataFrame
        Rows ``(side, subset)`` in the order side a {all, capital, other}, side b {...}; columns
        ``n`` and the mean of each score column.
    """
    df = _numeric_frame(data, columns, "compass_summary")
    g = groups.reindex(df.index)
    cap = capital.reindex(df.index)
    if cap.isna().any():
        raise ConfigError(f"capital flag missing for {list(cap.index[cap.isna()])}.")
    sides = _side_order(g)
    rows = []
    for side in sides:
        for subset, mask in _subset_labels(cap).items():
            sel = (g == side) & mask
            rows.append(pd.Series({"n": int(sel.sum()), **df[sel].mean().to_dict()}, name=(side, subset)))
    out = pd.DataFrame(rows)
    out.index = pd.MultiIndex.from_tuples(out.index, names=["side", "subset"])
    out["n"] = out["n"].astype(int)
    return out


def compare_compass(data: pd.DataFrame, groups: pd.Series, capital: pd.Series, *,
                    columns: Sequence[str] | None = None, method: str = "mannwhitney",
                    n_perm: int = 9999, seed: int | None = None, level: float = 0.95) -> pd.DataFrame:
    """:func:`compare_groups` of the two sides, for all units, capitals only and the others only.

    Returns the three result tables stacked, with a ``subset`` column first (``all``, ``capital``,
    ``other``) and a ``note``; ``p_holm`` adjusts over the columns within each subset. Group a is the
    axis's first side (east, north). Each subset draws its own permutations from a child of
    ``SeedSequence(seed)``. A subset with fewer than 2 cities on a side (e.g. the one western city
    that is not a capital, 北海) is reported with its means and an empty test, and the note says why.
    """
    df = _numeric_frame(data, columns, "compare_compass")
    g = groups.reindex(df.index)
    cap = capital.reindex(df.index)
    order = _side_order(g)
    seeds = np.random.SeedSequence(seed).spawn(3) if seed is not None else [None] * 3
    parts = []
    for (subset, mask), ss in zip(_subset_labels(cap).items(), seeds):
        sub_seed = None if ss is None else int(ss.generate_state(1)[0])
        gs = g.where(mask)
        counts = {side: int((gs == side).sum()) for side in order}
        if len(order) == 2 and min(counts.values()) >= 2:
            res = compare_groups(df, gs, method=method, order=order, n_perm=n_perm, seed=sub_seed, level=level)
            res = res.reset_index().assign(note="")
        else:
            # too few units on a side to test: report the means, leave the test empty, say why
            a, b = (order + [None, None])[:2]
            res = pd.DataFrame({
                "column": list(df.columns), "group_a": a, "group_b": b, "n_a": counts.get(a, 0),
                "n_b": counts.get(b, 0), "n_excluded": int((gs.isna()).sum()),
                "mean_a": df[gs == a].mean().to_numpy(), "mean_b": df[gs == b].mean().to_numpy(),
                "median_a": df[gs == a].median().to_numpy(), "median_b": df[gs == b].median().to_numpy(),
            })
            res["diff"] = res["mean_a"] - res["mean_b"]
            res["method"] = method
            for c in ("statistic", "p", "p_holm", "effect_size", "ci_low", "ci_high", "cohen_d"):
                res[c] = np.nan
            res["effect"] = "rank_biserial" if method == "mannwhitney" else "hedges_g"
            res["note"] = "not tested: fewer than 2 cities on a side (" + ", ".join(
                f"{k}: {v}" for k, v in counts.items()) + ")"
        parts.append(res.assign(subset=subset))
    cols = ["subset", "column", "group_a", "group_b", "n_a", "n_b", "n_excluded", "mean_a", "mean_b",
            "median_a", "median_b", "diff", "method", "statistic", "p", "p_holm", "effect", "effect_size",
            "ci_low", "ci_high", "cohen_d", "note"]
    out = pd.concat([p_[cols] for p_ in parts], ignore_index=True)
    return out


def compass_claims(east_west: pd.DataFrame, north_south: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """The report's verbal findings on 图表 10–11, checked against :func:`compare_compass` results.

    The report prints no numbers for 图表 10–11, only two claims (四(三)):

    1. east > west "in the overall index and in every sub-index", for all cities and for the
       capitals/municipalities → one check per (subset ∈ {all, capital}, column): east mean > west mean;
    2. north and south show "no very obvious gap", for all cities, capitals and the others → one
       check per (subset, column): the difference is not significant at ``alpha`` (raw p);
       and "the south is slightly higher" (about the index itself) → on all cities, south mean >
       north mean of ``total`` where the tables have it, else of every column.
    Pass the tables with every column, ``total`` included: the east > west claim covers "整体指标"
    (the overall index) as well as each sub-index.

    Returns
    -------
    DataFrame
        Indexed by claim label, ``published`` (1 = the report's claim) and ``reproduced`` (1 = it holds
        on our numbers, 0 = it does not), plus ``detail`` (the numbers behind it). Feed
        ``published``/``reproduced`` to :func:`vitality.reporting.compare_values`.
    """
    rows = []
    ew = east_west[east_west["subset"].isin(["all", "capital"])]
    for r in ew.itertuples(index=False):
        rows.append((f"east > west · {r.subset} · {r.column}", float(r.mean_a > r.mean_b),
                     f"east {r.mean_a:.2f} vs west {r.mean_b:.2f} (p = {r.p:.3g})"))
    for r in north_south.itertuples(index=False):
        rows.append((f"north ≈ south (p ≥ {alpha:g}) · {r.subset} · {r.column}", float(r.p >= alpha),
                     f"north {r.mean_a:.2f} vs south {r.mean_b:.2f}, p = {r.p:.3g}"))
    # "南方城市的对外交往活力指数略高于北方城市" is about the index itself: the total where it is given
    ns_all = north_south[north_south["subset"] == "all"]
    if (ns_all["column"] == "total").any():
        ns_all = ns_all[ns_all["column"] == "total"]
    for r in ns_all.itertuples(index=False):
        rows.append((f"south > north · all · {r.column}", float(r.mean_b > r.mean_a),
                     f"south {r.mean_b:.2f} vs north {r.mean_a:.2f}"))
    out = pd.DataFrame(rows, columns=["claim", "reproduced", "detail"]).set_index("claim")
    out.insert(0, "published", 1.0)
    return out


# ----------------------------------------------------------------------------------------------
# regional panels (图表 12–19)
# ----------------------------------------------------------------------------------------------

#: The report's regional tables: figure → (region code, subset, short figure name). East China (华东,
#: 14 cities) is split into its capitals/municipality (图表 14) and the other cities (图表 15).
REGION_FIGURES = {
    12: ("northeast", "all", "fig12-northeast"),
    13: ("north", "all", "fig13-north"),
    14: ("east", "capital", "fig14-east-capitals"),
    15: ("east", "other", "fig15-east-others"),
    16: ("central", "all", "fig16-central"),
    17: ("south", "all", "fig17-south"),
    18: ("southwest", "all", "fig18-southwest"),
    19: ("northwest", "all", "fig19-northwest"),
}


def region_panels(regions: pd.Series, capital: pd.Series, *, order: pd.Series | None = None) -> pd.DataFrame:
    """Assign every city to the panel (report figure) that charts it, in the report's order.

    Parameters
    ----------
    regions : Series
        Region code per city (``northeast, north, east, central, south, southwest, northwest``).
    capital : Series of bool
        Capital/municipality flag per city (splits East China into 图表 14 and 15).
    order : Series, optional
        Sort key of each city inside its panel (e.g. the printed column order of 图表 12–19, or minus
        the overall score); positions are then renumbered 1..n per panel. Default: the order of
        ``regions``.

    Returns
    -------
    DataFrame
        Indexed by city: ``region, subset, figure, fig_name, position``, sorted by figure then position.
        Every city must land in exactly one panel.
    """
    cap = capital.reindex(regions.index)
    if cap.isna().any():
        raise ConfigError(f"capital flag missing for {list(cap.index[cap.isna()])}.")
    cap = cap.astype(bool)
    fig = pd.Series(np.nan, index=regions.index, dtype=float)
    for num, (reg, subset, _) in REGION_FIGURES.items():
        mask = regions == reg
        if subset == "capital":
            mask &= cap
        elif subset == "other":
            mask &= ~cap
        fig[mask] = num
    if fig.isna().any():
        known = sorted({v[0] for v in REGION_FIGURES.values()})
        raise ConfigError(f"city/cities in no regional panel: {list(fig.index[fig.isna()])}; region codes "
                          f"must be among {known}.")
    out = pd.DataFrame({"region": regions, "figure": fig.astype(int)})
    out["subset"] = [REGION_FIGURES[f][1] for f in out["figure"]]
    out["fig_name"] = [REGION_FIGURES[f][2] for f in out["figure"]]
    if order is None:
        out["position"] = out.groupby("figure").cumcount() + 1
    else:
        pos = order.reindex(out.index)
        if pos.isna().any():
            raise ConfigError(f"order gives no position for {list(pos.index[pos.isna()])}.")
        out["position"] = pos.astype(float)
        out = out.sort_values(["figure", "position"], kind="mergesort")
        out["position"] = out.groupby("figure").cumcount() + 1      # 1..n inside each panel
    out = out.sort_values(["figure", "position"], kind="mergesort")
    out.index.name = regions.index.name or "city"
    return out[["region", "subset", "figure", "fig_name", "position"]]


# --------------------------------------------------------------------------------------------------
# Summaries for notebook 03 (the notebook narrates; these compute)
# --------------------------------------------------------------------------------------------------

def compass_message(membership: pd.DataFrame, east_west: pd.Series, north_south: pd.Series) -> str:
    """One Markdown sentence: who is on neither footnote list, and the group sizes used.

    Parameters
    ----------
    membership : DataFrame
        :func:`compass_membership` (column ``east_west_literal``, '' = on neither list).
    east_west, north_south : Series
        :func:`compass_groups` of each axis ('east'/'west', 'north'/'south', NaN = excluded).
    """
    ew, ns = east_west, north_south
    neither = membership.index[membership["east_west_literal"] == ""].tolist()
    return (f"**On neither the eastern nor the western list ({len(neither)}):** {'、'.join(neither)}. "
            f"Used here: east {int((ew == 'east').sum())}, west {int((ew == 'west').sum())}, "
            f"excluded {int(ew.isna().sum())}; north {int((ns == 'north').sum())}, south "
            f"{int((ns == 'south').sum())} (south = not on the northern list), excluded {int(ns.isna().sum())}.")


def region_cities_table(panels: pd.DataFrame, city_en: pd.Series, printed: pd.DataFrame, used: pd.DataFrame,
                        overall: pd.Series) -> pd.DataFrame:
    """City by city, in panel order: panel, English name, printed and used domain scores, overall index.

    Returns
    -------
    DataFrame indexed like ``panels``: its columns, ``city_en``, ``<domain>_printed``, ``<domain>_used``
    and ``overall_index``.
    """
    idx = panels.index
    return pd.concat([panels, city_en.reindex(idx), printed.reindex(idx).add_suffix("_printed"),
                      used.reindex(idx).add_suffix("_used"), overall.reindex(idx).rename("overall_index")], axis=1)


def regions_verdict(claims: pd.DataFrame, printed: pd.DataFrame, used: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The verdict tables of the regional comparison.

    Parameters
    ----------
    claims : DataFrame
        :func:`compass_claims` (``published``, ``reproduced``, ``detail``).
    printed, used : DataFrame
        The domain scores as printed and as used (after errata, if applied).

    Returns
    -------
    (verdict_table, claims_check, values_check)
        ``claims_check`` is :func:`vitality.reporting.compare_values` of the claims with their
        ``detail``; ``values_check`` that of printed vs used scores; ``verdict_table`` both stacked
        (index (``check``, ``item``); without ``detail``).
    """
    from .reporting import compare_values

    v_claims = compare_values(claims["published"], claims["reproduced"])
    v_claims["detail"] = claims["detail"]
    v_tables = compare_values(printed, used)
    table = pd.concat({"claims 图表 10-11": v_claims.drop(columns="detail"), "values 图表 12-19": v_tables},
                      names=["check", "item"])
    return table, v_claims, v_tables


def failed_claims_cause(claims_check: pd.DataFrame) -> str | None:
    """``"item: detail; …."`` for the claims that do not hold, or None when all hold."""
    failed = claims_check[claims_check["status"] != "match"]
    return ("; ".join(f"{i}: {d}" for i, d in failed["detail"].items()) + ".") if len(failed) else None


def regions_plain_verdict(east_west: pd.DataFrame, north_south: pd.DataFrame, kruskal: pd.DataFrame, *,
                          domains: Sequence[str], alpha: float = 0.05, method: str = "") -> str:
    """The regional verdict in plain words: direction and significance of east–west, north–south and
    seven-region differences.

    Parameters
    ----------
    east_west, north_south : DataFrame
        :func:`compare_compass` tables; the east–west counts use the domain rows of the subsets other
        than 'other' (all cities, capitals/municipalities).
    kruskal : DataFrame
        :func:`kruskal_regions`.
    domains : sequence of str
        The domain columns.
    alpha : float
        Significance level.
    method : str
        The test used, as named in the sentence.
    """
    ew = east_west[(east_west["subset"] != "other") & east_west["column"].isin(domains)]
    ns, kw = north_south, kruskal
    n_sig_ew = int((ew["p"] < alpha).sum())
    n_sig_ns = int((ns["p"] < alpha).sum())
    n_sig_kw = int((kw["p"] < alpha).sum())
    return (
        f"In plain words: with these groups the east is ahead of the west in {int((ew['diff'] > 0).sum())} of "
        f"{len(ew)} domain comparisons (all cities and capitals/municipalities); {n_sig_ew} of them significant at "
        f"{alpha:g} ({method}; smallest p = {ew['p'].min():.3f}; {ew['effect'].iloc[0]} from "
        f"{ew['effect_size'].min():.2f} to {ew['effect_size'].max():.2f}). North vs south: {n_sig_ns} of "
        f"{int(ns['p'].notna().sum())} tests significant (smallest p = {ns['p'].min():.3f}). Seven regions: "
        f"{n_sig_kw} of {len(kw)} Kruskal–Wallis tests significant (p from {kw['p'].min():.2f} to {kw['p'].max():.2f}). "
        + ("So the east–west gap the report reads from 图表 10 is a direction, not a difference larger than chance "
           "with groups of this size." if n_sig_ew == 0 else ""))


# --------------------------------------------------------------------------------------------------
# Tables and summaries for notebook 05 (the notebook narrates; these compute)
# --------------------------------------------------------------------------------------------------

#: Columns of :func:`gdp_fit_table`, in order.
GDP_FIT_COLUMNS = ("r_published", "r", "r_squared_published", "r_squared", "slope", "ci_low", "ci_high", "se",
                   "p", "intercept", "n", "n_dropped", "dropped")


def gdp_fit_table(fit: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """The fits of 图表 8 with the published r and R² beside the reproduced ones.

    Parameters
    ----------
    fit : DataFrame
        :func:`ols` table, one row per outcome (e.g. ``total``, the domains, ``total (alt_weights)``).
    published : DataFrame
        The published regression table (columns ``r``, ``r_squared``), indexed by outcome; outcomes it
        lacks get NaN.

    Returns
    -------
    DataFrame
        Indexed by ``outcome`` in the order of ``fit``, with the columns :data:`GDP_FIT_COLUMNS`.
    """
    out = fit.assign(r_published=published["r"].reindex(fit.index),
                     r_squared_published=published["r_squared"].reindex(fit.index))
    out = out[list(GDP_FIT_COLUMNS)]
    out.index.name = "outcome"
    return out


def gdp_residual_table(overall: pd.Series, gdp: pd.Series, city_en: pd.Series, published_rank: pd.Series, *,
                       level: float = 0.95) -> pd.DataFrame:
    """"Vitality beyond economic size": :func:`residual_ranking` of the overall index on GDP, named for
    the report.

    Parameters
    ----------
    overall, gdp : Series
        Overall index and GDP, indexed by city.
    city_en : Series
        English city names (any index; aligned on the city).
    published_rank : Series
        The published overall rank (图表 3), aligned on the city.
    level : float
        Passed to :func:`residual_ranking`.

    Returns
    -------
    DataFrame
        :func:`residual_ranking` with ``y, x, rank_y`` renamed ``overall_index, gdp,
        overall_rank_reproduced``, and ``city_en``, ``overall_rank_published`` as first columns.
    """
    out = residual_ranking(overall, gdp, level=level)
    out = out.rename(columns={"y": "overall_index", "x": "gdp", "rank_y": "overall_rank_reproduced"})
    out.insert(0, "city_en", city_en.reindex(out.index))
    out.insert(1, "overall_rank_published", published_rank.reindex(out.index))
    return out


def residual_extremes(ranking: pd.DataFrame, n: int = 5) -> tuple[list, list]:
    """The ``n`` units most above and the ``n`` most below the line, farthest first.

    Parameters
    ----------
    ranking : DataFrame
        :func:`residual_ranking` (or :func:`gdp_residual_table`): sorted by residual, units not
        fitted last, column ``in_fit``.
    n : int
        How many on each side.

    Returns
    -------
    (above, below) : lists of unit labels; ``below`` starts with the largest negative residual.
    """
    above = ranking.head(n).index.tolist()
    below = ranking[ranking["in_fit"]].tail(n).index.tolist()[::-1]
    return above, below


def residual_extremes_message(ranking: pd.DataFrame, n: int = 5) -> str:
    """``"**Most above their GDP:** …. **Most below:** …."`` from :func:`residual_extremes`."""
    above, below = residual_extremes(ranking, n)
    return f"**Most above their GDP:** {'、'.join(above)}. **Most below:** {'、'.join(below)}."


def largest_gaps(check: pd.DataFrame, n: int = 3) -> pd.Series:
    """Largest absolute difference per outcome of a :func:`vitality.reporting.compare_values` table
    over several statistics (index (outcome, statistic)), the ``n`` largest first."""
    worst = check["difference"].abs().groupby(level=0).max().sort_values(ascending=False)
    return worst.head(n)


def gdp_plain_verdict(fit: pd.DataFrame, published: pd.DataFrame, check: pd.DataFrame, *, level: float = 0.95,
                      n_gaps: int = 3, alt: str = "total (alt_weights)") -> str:
    """The GDP regression verdict in plain words.

    Parameters
    ----------
    fit : DataFrame
        :func:`ols` table with a ``total`` row (and, if a second weight set was fitted, an ``alt`` row).
    published : DataFrame
        Published r and R² by outcome (row ``total``).
    check : DataFrame
        :func:`vitality.reporting.compare_values` of published vs reproduced r and R²; its
        :func:`largest_gaps` are named.
    level : float
        Confidence level of the slope interval (as fitted).
    n_gaps : int
        How many of the largest gaps to name.
    alt : str
        Row of ``fit`` with the second weight set; its sentence is left out when absent.

    Returns
    -------
    str
        Share of variance explained, r against the published r, the slope per 100 billion CNY (the
        GDP unit is 100 million CNY, so the slope is multiplied by 1000) with its interval, and the
        largest gaps.
    """
    t = fit.loc["total"]
    msg = (f"In plain words: GDP explains {t['r_squared']:.0%} of the variance of the overall index "
           f"(r = {t['r']:.3f}; published {published.loc['total', 'r']:.3f}); the slope is "
           f"{t['slope'] * 1000:.2f} index points per 100 billion CNY ({level:.0%} CI "
           f"{t['ci_low'] * 1000:.2f} to {t['ci_high'] * 1000:.2f}). "
           f"Largest gaps to the published r/R²: "
           + ", ".join(f"{k} {d:.3f}" for k, d in largest_gaps(check, n_gaps).items()) + ".")
    if alt in fit.index:
        msg += (f" With `alt_weights` the overall r is {fit.loc[alt, 'r']:.3f}, still not "
                f"{published.loc['total', 'r']:.3f}.")
    return msg


# --------------------------------------------------------------------------------------------------
# Tables and summaries for notebook 04 (the notebook narrates; these compute)
# --------------------------------------------------------------------------------------------------

def correlation_table(scores: pd.DataFrame, published: pd.DataFrame, *, columns: Sequence[str] | None = None,
                      ci: float = 0.95, errata_scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each unordered pair of domains once: published r, stars, p and N beside the reproduced ones.

    Parameters
    ----------
    scores : DataFrame
        Domain scores used (one column per domain).
    published : DataFrame
        The printed correlation table in long form (``row_domain, col_domain, r, stars, p_printed, n``).
    columns : sequence of str, optional
        The domains, in order (pairs x before y in this order).
    ci : float
        Level of the Fisher-z interval of the reproduced r.
    errata_scores : DataFrame, optional
        Scores after the proposed corrections: their r is shown as a sensitivity check (NaN if None).

    Returns
    -------
    DataFrame
        Index (``domain_x``, ``domain_y``); columns ``r_published, r_reproduced, difference
        (reproduced − published), stars_published, stars_reproduced, p_published, p_reproduced,
        n_published, n_reproduced, ci_low, ci_high, r_with_proposed_errata``.
    """
    upper = pearson_matrix(scores, columns=columns, pairs="upper", ci=ci).set_index(["x", "y"])
    pub = published.set_index(["row_domain", "col_domain"]).reindex(upper.index)
    if errata_scores is not None:
        r_errata = pearson_matrix(errata_scores, columns=columns, pairs="upper").set_index(["x", "y"])["r"]
    else:
        r_errata = pd.Series(np.nan, index=upper.index)
    out = pd.DataFrame({
        "r_published": pub["r"], "r_reproduced": upper["r"], "difference": upper["r"] - pub["r"],
        "stars_published": pub["stars"], "stars_reproduced": upper["stars"],
        "p_published": pub["p_printed"], "p_reproduced": upper["p"],
        "n_published": pub["n"], "n_reproduced": upper["n"],
        "ci_low": upper["ci_low"], "ci_high": upper["ci_high"],
        "r_with_proposed_errata": r_errata,
    })
    out.index.names = ["domain_x", "domain_y"]
    return out


def correlation_verdict(table: pd.DataFrame, *, tol: float = 0.0005) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The verdict tables of the correlation check.

    Parameters
    ----------
    table : DataFrame
        :func:`correlation_table`.
    tol : float
        Tolerance on r.

    Returns
    -------
    (verdict_table, r_check, stars_check)
        ``r_check`` is :func:`vitality.reporting.compare_values` of published vs reproduced r;
        ``stars_check`` compares 1 (published) with 1/0 (stars agree, a missing published star
        counting as none); ``verdict_table`` both stacked, index (``check``, ``domain_x``, ``domain_y``).
    """
    from .reporting import compare_values

    v_r = compare_values(table["r_published"], table["r_reproduced"], tol=tol)
    same = (table["stars_published"].fillna("") == table["stars_reproduced"]).astype(float)
    v_stars = compare_values(pd.Series(1.0, index=table.index), same)
    out = pd.concat({"r": v_r, "stars agree (1 = yes)": v_stars}, names=["check", "domain_x", "domain_y"])
    return out, v_r, v_stars


def errata_r_shift(table: pd.DataFrame, printed_scores: pd.DataFrame, *, columns: Sequence[str] | None = None) -> float:
    """Largest absolute change of r that the proposed corrections cause: ``r_with_proposed_errata`` of a
    :func:`correlation_table` against r of the printed scores (NaN without errata)."""
    printed = pearson_matrix(printed_scores, columns=columns, pairs="upper").set_index(["x", "y"])["r"]
    return (table["r_with_proposed_errata"] - printed.rename_axis(table.index.names)).abs().max()


def correlation_plain_verdict(table: pd.DataFrame, *, tol: float = 0.0005, alpha: float = 0.01,
                              claimed_lowest=("economic", "cultural")) -> str:
    """The correlation verdict in plain words, every claim computed from ``table``.

    ``table`` is :func:`correlation_table` (indexed by the pair). The sentence says how many reproduced r
    are positive and significant at ``alpha`` (the report: all, at .01), which pair is lowest and whether
    that is ``claimed_lowest`` (the report: economic–cultural), and which printed r reproduce within
    ``tol`` (half a unit of the printed third decimal) and by how much the others are off. Pairs with no
    printed r are left out of the last part.
    """
    r = table["r_reproduced"].astype(float)
    p = table["p_reproduced"].astype(float)
    diff = table["difference"].astype(float)
    n = len(r)

    def name(pair):
        return "–".join(map(str, pair)) if isinstance(pair, tuple) else str(pair)

    n_pos, n_sig = int((r > 0).sum()), int((p < alpha).sum())
    sign = "all positive" if n_pos == n else f"{n_pos} of {n} positive"
    sig = f"all significant at {alpha:g}" if n_sig == n else f"{n_sig} of {n} significant at {alpha:g}"
    low = r.idxmin()
    holds = isinstance(low, tuple) and set(low) == set(claimed_lowest)
    claim = (f"the report's claim that {'–'.join(claimed_lowest)} is the lowest "
             + ("holds" if holds else f"does not hold (lowest: {name(low)}, r = {r.min():.3f})"))
    printed = diff.notna()
    match = printed & (diff.abs() <= tol + 1e-12)
    off = diff[printed & ~match].abs()
    reproduced = (f"the printed r reproduce within {tol:g} for {int(match.sum())} of {int(printed.sum())} pairs"
                  + (f" ({', '.join(name(i) for i in r.index[match])})" if match.any() else ""))
    rest = f"; the other {len(off)} are off by {off.min():.3f} to {off.max():.3f}" if len(off) else ""
    return (f"In plain words: of the {n} correlations reproduced from the scores, {sign} (between {r.min():.3f} "
            f"and {r.max():.3f}) and {sig}; {claim}; {reproduced}{rest}.")


def correlation_cause(r_check: pd.DataFrame, errata_shift: float | None = None) -> str | None:
    """Likely cause of printed correlations that do not reproduce, worked out from the pattern of misses.

    ``r_check`` is :func:`vitality.reporting.compare_values` of printed vs reproduced r, indexed by pair.
    The domains that appear in no matching pair are *suspect*; when every differing pair involves a
    suspect domain (and some pair matches), the printed table was probably computed from other scores
    of those domains. ``errata_shift`` (:func:`errata_r_shift`) says whether the proposed score
    corrections could account for the differences. Returns ``None`` when nothing differs.
    """
    status = r_check["status"]
    differ = list(r_check.index[status == "differs"])
    if not differ:
        return None
    match = list(r_check.index[status == "match"])
    domains = list(dict.fromkeys(d for pair in r_check.index for d in pair))
    in_match = {d for pair in match for d in pair}
    suspect = [d for d in domains if d not in in_match]
    if match and suspect and all(any(d in suspect for d in pair) for pair in differ):
        text = (f"every pair that differs involves {' or '.join(suspect)}, while "
                f"{', '.join('–'.join(p) for p in match)} {'matches' if len(match) == 1 else 'match'}; the printed "
                f"table was probably computed from {'/'.join(suspect)} scores other than the printed ones.")
    else:
        text = "the printed r do not follow from the printed scores, for a reason the report does not reveal."
    if errata_shift is not None:
        smallest = float(r_check.loc[differ, "difference"].abs().min())
        text += (f" The proposed score corrections move r by at most {errata_shift:.4f}, "
                 + ("so they do not explain it." if errata_shift < smallest else "which could explain part of it."))
    return text


def gdp_cause(check: pd.DataFrame, *, n_gaps: int = 2) -> str | None:
    """Likely cause, in words, of the GDP-regression statistics that do not reproduce.

    ``check`` is :func:`vitality.reporting.compare_values` of printed vs reproduced statistics indexed by
    (outcome, statistic). An outcome all of whose statistics match shows that the GDP series agrees with
    the report's, so the GDP vintage cannot explain the others; the ``n_gaps`` outcomes with the largest
    gaps are named. Returns ``None`` when everything matches.
    """
    ok = check["status"].eq("match").groupby(level=0).all()
    if ok.all():
        return None
    matched = list(ok.index[ok])
    if matched:
        text = (f"the report's GDP values are not printed, but {', '.join(matched)} "
                f"{'matches' if len(matched) == 1 else 'match'} with this GDP series, so the GDP vintage cannot "
                f"explain the rest")
    else:
        text = "the report's GDP values are not printed; another GDP series or vintage may explain the differences"
    gaps = largest_gaps(check[check["status"] != "match"], n=n_gaps)
    text += "; the largest gaps are in " + " and ".join(f"{o} ({g:.3f})" for o, g in gaps.items()) + "."
    if "total" in check.index.get_level_values(0) and not ok.get("total", True):
        text += " The overall score is not printed either, so its weights are an assumption (a parameter here)."
    return text
