"""Weights: named weight sets, keyed by code, checked before use.

A weight set is a :class:`pandas.Series` indexed by node code (indicators *and* aggregates).
Weights are *relative within each parent's group*: a node's share in its parent is its weight
divided by the sum of its siblings' weights (COINr's convention).  The share of each indicator in
the final index is :meth:`vitality.framework.Framework.effective_weights`.

Weight sets
-----------
``"meta"``
    The ``Weight`` column of the metadata.
``"equal_per_group"`` (alias ``"equal_per_domain"``)
    Every node weight 1: children of a parent share it equally.  With the SIIS framework this is
    the report's stated scheme: four domains at 0.25, indicators equal within their domain.
``"equal_per_indicator"``
    Every indicator has the same effective weight 1/m in the index (an aggregate's weight is the
    number of indicators below it).
``"entropy"``, ``"pca"``
    Data-driven indicator weights (:func:`entropy_weights`, :func:`pca_weights`) computed on the
    *normalised* indicators and carried into the hierarchy by :func:`flat_to_hierarchy`, so that the
    effective weight of each indicator equals the data-driven weight.
custom
    ``{code: weight}``: codes not named keep their metadata weight.  Lists, arrays and Series with
    a positional index are refused: weights are matched by code, never by position.
"""

from __future__ import annotations

import warnings
from typing import Mapping

import numpy as np
import pandas as pd

from .errors import ConfigError, DataValidationError
from .messages import fmt_codes, suggest

__all__ = ['WEIGHT_SETS', 'PCAStabilityWarning', 'as_weight_series', 'check_weights', 'equal_per_group',
           'equal_per_indicator', 'custom', 'flat_to_hierarchy', 'entropy_weights', 'pca_weights', 'resolve_weights']

#: built-in weight-set names understood by :func:`resolve_weights`
WEIGHT_SETS = ("meta", "equal_per_group", "equal_per_domain", "equal_per_indicator", "entropy", "pca")


class PCAStabilityWarning(UserWarning):
    """Too few units for the principal components (and so the PCA weights) to be stable.

    Issued by :func:`pca_weights` when there are fewer than ``min_units_per_indicator`` units per
    indicator.  A :class:`UserWarning`, so it can be filtered on its own.

    Parameters
    ----------
    message : str
        The warning text (number of units and indicators).

    Examples
    --------
    >>> import warnings
    >>> from vitality.weights import PCAStabilityWarning, pca_weights
    >>> X = pd.DataFrame({"a": [0.1, 0.4, 0.6, 0.9], "b": [0.2, 0.3, 0.8, 0.7]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = pca_weights(X)
    >>> [w.category.__name__ for w in caught]
    ['PCAStabilityWarning']
    """


# ---------------------------------------------------------------------------- checks
def as_weight_series(framework, weights) -> pd.Series:
    """Turn ``{code: w}`` / a Series keyed by code into a float Series; refuse positional input.

    Parameters
    ----------
    framework : Framework
        The framework whose codes the weights must name.
    weights : dict, pandas.Series or pandas.DataFrame
        ``{code: weight}``, a Series indexed by code, or a table with a code column (``iCode`` or
        ``code``) and a ``Weight`` column.  Lists, arrays and Series with a positional index are
        refused.

    Returns
    -------
    pandas.Series
        The weights as floats, indexed by code, in the order given (not completed or checked: see
        :func:`check_weights`).

    Raises
    ------
    ConfigError
        Positional input, an unknown code (with a "did you mean"), or a weight that is not a number.

    Examples
    --------
    >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None]})
    >>> fw = Framework.from_meta(meta)  # two domains: econ = a + b, soc = c
    >>> from vitality.weights import as_weight_series
    >>> as_weight_series(fw, {"a": 2, "soc": 3}).to_dict()
    {'a': 2.0, 'soc': 3.0}
    >>> as_weight_series(fw, {"ecno": 1})
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: weights given for unknown code(s) 'ecno' (did you mean 'econ'?). Valid codes: ...
    """
    if isinstance(weights, pd.Series):
        if not all(isinstance(k, str) for k in weights.index):
            raise ConfigError("weights must be keyed by code; this Series has a positional (non-string) index. "
                              "Matching by position is refused. Fix: give {code: weight} or a Series indexed "
                              "by code.")
        s = weights
    elif isinstance(weights, Mapping):
        s = pd.Series(dict(weights), dtype=object)
    elif isinstance(weights, pd.DataFrame):
        cols = {str(c).lower(): c for c in weights.columns}
        kc = cols.get("icode", cols.get("code"))
        wc = cols.get("weight")
        if kc is None or wc is None:
            raise ConfigError("a weights table needs a code column (iCode or code) and a Weight column.")
        if weights[kc].duplicated().any():
            raise ConfigError(f"weights table: duplicate code(s) {sorted(weights[kc][weights[kc].duplicated()])}.")
        s = pd.Series(weights[wc].to_numpy(), index=weights[kc].astype(str).to_numpy())
    else:
        raise ConfigError(f"weights must be a dict {{code: weight}}, a Series indexed by code or a table with "
                          f"code and Weight columns, not {type(weights).__name__}. Matching by position is "
                          "refused: key every weight by its code.")
    unknown = [k for k in s.index if k not in framework.levels]
    if unknown:
        raise ConfigError(f"weights given for unknown code(s) {fmt_codes(unknown)}"
                          f"{suggest(unknown[0], framework.codes)}. Valid codes: {fmt_codes(framework.codes, 12)}.")
    try:
        vals = pd.to_numeric(s, errors="raise").astype(float)
    except (TypeError, ValueError):
        raise ConfigError(f"weights must be numbers; got {s.to_dict()}.") from None
    return vals


def check_weights(framework, w: pd.Series, *, source: str = "weights") -> None:
    """Refuse a weight set with a missing, NaN, negative or infinite weight, or a group that sums to 0.

    ``w`` must hold a weight for every node except the top one (whose weight is never used).

    Parameters
    ----------
    framework : Framework
        The framework the weights are for.
    w : pandas.Series or dict
        Weight by code, for every indicator and aggregate (the top node may be left out).
    source : str, default "weights"
        Where the weights come from, named at the start of the error message.

    Returns
    -------
    None
        Returns quietly when the weights are usable.

    Raises
    ------
    ConfigError
        A weight missing, NaN, infinite or negative, or all the children of one parent weighted 0.

    Examples
    --------
    >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None]})
    >>> fw = Framework.from_meta(meta)  # two domains: econ = a + b, soc = c
    >>> from vitality.weights import check_weights
    >>> check_weights(fw, {"a": 1, "b": 1, "c": 1, "econ": 1, "soc": 1})
    >>> check_weights(fw, {"a": 1, "b": -1, "c": 1, "econ": 1, "soc": 1})
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: weights: negative weight(s) ['b=-1.0']. Fix: weights must be >= 0 ...
    """
    top = framework.top
    wmap = w if isinstance(w, dict) else w.to_dict()
    need = [c for c in framework._codes if c != top]
    missing = [c for c in need if c not in wmap]
    if missing:
        raise ConfigError(f"{source}: no weight for {fmt_codes(missing)}. Fix: give a weight to every indicator and "
                          "aggregate (the top node excepted).")
    v = {c: float(wmap[c]) for c in need}
    bad = [c for c, x in v.items() if x != x]
    if bad:
        raise ConfigError(f"{source}: weight is missing (NaN) for {bad}. Fix: give a number >= 0.")
    bad = [f"{c}={x}" for c, x in v.items() if x in (np.inf, -np.inf)]
    if bad:
        raise ConfigError(f"{source}: infinite weight for {bad}.")
    bad = [f"{c}={x}" for c, x in v.items() if x < 0]
    if bad:
        raise ConfigError(f"{source}: negative weight(s) {bad}. Fix: weights must be >= 0 (use Direction = -1 "
                          "for an indicator where smaller is better).")
    for p, kids in framework._children.items():
        if kids and sum(v[k] for k in kids) == 0:
            raise ConfigError(f"{source}: all weights in the group of {p!r} are zero ({kids}). Fix: give at least "
                              f"one child of {p!r} a positive weight, or drop the group.")


def _full(framework, w: pd.Series) -> pd.Series:
    out = w.reindex(framework.codes).astype(float)
    out[framework.top] = 1.0
    out.name = "weight"
    return out


# ---------------------------------------------------------------------------- weight sets
def equal_per_group(framework) -> pd.Series:
    """Weight 1 for every node: children share their parent equally (the report's stated scheme).

    With 4 domains of 5, 3, 5 and 4 indicators, each domain has effective weight 1/4 and an
    indicator of the first domain 1/4 * 1/5 = 0.05.

    Parameters
    ----------
    framework : Framework
        The framework to weight.

    Returns
    -------
    pandas.Series
        Weight 1.0 for every code (``name="weight"``), in ``framework.codes`` order.

    Examples
    --------
    >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None]})
    >>> fw = Framework.from_meta(meta)  # two domains: econ = a + b, soc = c
    >>> from vitality.weights import equal_per_group
    >>> w = equal_per_group(fw)
    >>> w.tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    >>> fw.effective_weights(w).round(3).tolist()  # each domain 1/2: c alone gets all of soc's half
    [0.25, 0.25, 0.5]
    """
    return pd.Series(1.0, index=framework.codes, name="weight")


def equal_per_indicator(framework) -> pd.Series:
    """Weights giving every indicator the same effective weight 1/m in the index.

    A node's weight is the number of indicators beneath it (1 for an indicator).

    Parameters
    ----------
    framework : Framework
        The framework to weight.

    Returns
    -------
    pandas.Series
        Weight by code (``name="weight"``), in ``framework.codes`` order.

    Examples
    --------
    >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None]})
    >>> fw = Framework.from_meta(meta)  # two domains: econ = a + b, soc = c
    >>> from vitality.weights import equal_per_indicator
    >>> w = equal_per_indicator(fw)
    >>> w.to_dict()
    {'a': 1.0, 'b': 1.0, 'c': 1.0, 'econ': 2.0, 'soc': 1.0, 'index': 3.0}
    >>> fw.effective_weights(w).round(3).tolist()
    [0.333, 0.333, 0.333]
    """
    n = {c: float(len(framework.descendants(c, 1))) if framework.levels[c] > 1 else 1.0 for c in framework.codes}
    return pd.Series(n, name="weight").reindex(framework.codes)


def custom(framework, weights, *, base=None) -> pd.Series:
    """Custom weights keyed by code; codes not given keep the ``base`` weights (default: metadata).

    Parameters
    ----------
    framework : Framework
    weights : dict or pandas.Series
        ``{code: weight}`` for any indicators and aggregates.  Lists and arrays are refused.
    base : pandas.Series, optional
        Weights for the codes not given (default ``framework.weights``).

    Returns
    -------
    pandas.Series
        Checked weight of every code (``name="weight"``; the top node's set to 1).

    Examples
    --------
    >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None]})
    >>> fw = Framework.from_meta(meta)  # two domains: econ = a + b, soc = c
    >>> from vitality.weights import custom
    >>> w = custom(fw, {"econ": 3})
    >>> w.to_dict()
    {'a': 1.0, 'b': 1.0, 'c': 1.0, 'econ': 3.0, 'soc': 1.0, 'index': 1.0}
    >>> fw.effective_weights(w).round(3).tolist()
    [0.375, 0.375, 0.25]
    """
    w = as_weight_series(framework, weights)
    out = (framework.weights if base is None else as_weight_series(framework, base)).copy().astype(float)
    out = out.reindex(framework.codes)
    out.loc[w.index] = w.to_numpy()
    out = _full(framework, out)
    check_weights(framework, out, source="custom weights")
    return out


def flat_to_hierarchy(framework, indicator_weights) -> pd.Series:
    """Node weights whose effective weights equal the given indicator weights.

    Each indicator keeps its weight; each aggregate gets the sum of the weights of the indicators
    beneath it.  Then ``framework.effective_weights(result)`` equals ``indicator_weights`` divided
    by their sum (exactly so under arithmetic aggregation without missing data).

    Parameters
    ----------
    framework : Framework
        The framework to carry the weights into.
    indicator_weights : dict or pandas.Series
        Weight of every indicator, keyed by code (e.g. from :func:`entropy_weights`).

    Returns
    -------
    pandas.Series
        Checked weight of every code (``name="weight"``; the top node's set to 1).

    Examples
    --------
    >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None]})
    >>> fw = Framework.from_meta(meta)  # two domains: econ = a + b, soc = c
    >>> from vitality.weights import flat_to_hierarchy
    >>> w = flat_to_hierarchy(fw, {"a": 0.5, "b": 0.3, "c": 0.2})
    >>> w.to_dict()
    {'a': 0.5, 'b': 0.3, 'c': 0.2, 'econ': 0.8, 'soc': 0.2, 'index': 1.0}
    >>> fw.effective_weights(w).round(3).tolist()
    [0.5, 0.3, 0.2]
    """
    w = as_weight_series(framework, indicator_weights)
    miss = [c for c in framework.indicators if c not in w.index]
    if miss:
        raise ConfigError(f"indicator weights missing for {miss}.")
    out = {c: float(w[c]) for c in framework.indicators}
    for lv in range(2, framework.n_levels + 1):
        for p in framework.codes_at(lv):
            out[p] = float(sum(out[k] for k in framework.children(p)))
    res = _full(framework, pd.Series(out))
    check_weights(framework, res, source="data-driven weights")
    return res


def _numeric_block(df, what: str) -> tuple[np.ndarray, list]:
    if isinstance(df, pd.DataFrame):
        cols = [str(c) for c in df.columns]
        A = df.to_numpy(dtype=float)
    else:
        A = np.asarray(df, dtype=float)
        if A.ndim != 2:
            raise ConfigError(f"{what}: expected a 2-D table (units x indicators).")
        cols = [f"x{j}" for j in range(A.shape[1])]
    return A, cols


def entropy_weights(normalised_df, *, eps: float = 0.0) -> pd.Series:
    r"""Entropy weight method (熵权法).

    For indicator :math:`j` with non-negative normalised values :math:`x_{ij}` on the
    :math:`n_j` units where it is present:

    .. math::

        p_{ij} = \frac{x_{ij} + \varepsilon}{\sum_i (x_{ij} + \varepsilon)}, \qquad
        e_j = -\frac{1}{\ln n_j} \sum_i p_{ij} \ln p_{ij}, \qquad
        d_j = 1 - e_j, \qquad w_j = \frac{d_j}{\sum_k d_k}

    with :math:`0 \ln 0 = 0` (the limit).  Variant declared: the shift :math:`\varepsilon` is added to
    every value *before* the proportions are formed (the "平移" used in much Chinese literature,
    often with min-max normalisation to [0, 1] and ε = 0.0001 or 0.01); the default ε = 0 keeps the
    values as given and treats zero proportions by the limit.  Missing values are skipped
    (:math:`n_j` counts the present ones).  The weights do not depend on the scale of a column, but
    do depend on its shift, so normalise first (min-max 0-1 or 0-100, rank score, ...).

    Parameters
    ----------
    normalised_df : pandas.DataFrame
        Normalised indicators (units x indicators), all values >= -eps.
    eps : float, default 0
        Shift added to every value before forming proportions.

    Returns
    -------
    pandas.Series
        Weight per column, summing to 1.

    Raises
    ------
    DataValidationError
        Negative values (after the shift), a column summing to zero, fewer than 2 present values,
        or every column perfectly even (all :math:`d_j = 0`).

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical Journal*
    27, 379-423.  Zou, Z., Yun, Y. & Sun, J. (2006). Entropy method for determination of weight of
    evaluating indicators in fuzzy synthetic evaluation for water quality assessment. *Journal of
    Environmental Sciences* 18(5), 1020-1023.

    Examples
    --------
    >>> from vitality.weights import entropy_weights
    >>> X = pd.DataFrame({"a": [0.1, 0.4, 0.6, 0.9], "b": [0.2, 0.3, 0.8, 0.7], "c": [0.0, 0.5, 0.5, 1.0]})
    >>> entropy_weights(X).round(3).to_dict()  # c is the most uneven column, so it weighs most
    {'a': 0.286, 'b': 0.203, 'c': 0.511}
    >>> entropy_weights(X, eps=0.01).round(3).to_dict()
    {'a': 0.291, 'b': 0.207, 'c': 0.502}
    """
    if not np.isfinite(eps) or eps < 0:
        raise ConfigError(f"eps must be a finite number >= 0, got {eps!r}.")
    A, cols = _numeric_block(normalised_df, "entropy_weights")
    present = ~np.isnan(A)
    X = np.where(present, A + eps, 0.0)
    neg = (X < 0).any(axis=0)
    if neg.any():
        raise DataValidationError(f"entropy weights need values >= 0; column(s) {[cols[j] for j in np.flatnonzero(neg)]} "
                                  "have negative values.", column=cols[int(np.flatnonzero(neg)[0])],
                                  fix="normalise to a non-negative range first (e.g. min-max 0-1) or raise eps.")
    n = present.sum(axis=0)
    few = n < 2
    if few.any():
        raise DataValidationError("entropy weights need at least 2 present values per indicator.",
                                  column=cols[int(np.flatnonzero(few)[0])])
    tot = X.sum(axis=0)
    zero = tot == 0
    if zero.any():
        raise DataValidationError(f"entropy weights: column(s) {[cols[j] for j in np.flatnonzero(zero)]} sum to zero, "
                                  "so proportions are undefined.", column=cols[int(np.flatnonzero(zero)[0])],
                                  fix="use eps > 0 or drop the column.")
    P = X / tot
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = 1.0 - e
    d = np.where(np.abs(d) < 1e-15, 0.0, d)
    if d.sum() <= 0:
        raise DataValidationError("entropy weights: every indicator is perfectly even (entropy 1), so all "
                                  "weights would be 0/0.", fix="use another weighting scheme.")
    return pd.Series(d / d.sum(), index=cols, name="weight")


def _varimax(L: np.ndarray, *, gamma: float = 1.0, max_iter: int = 500, tol: float = 1e-10) -> np.ndarray:
    """Varimax rotation of a loading matrix (Kaiser 1958), the classic SVD iteration."""
    p, k = L.shape
    R = np.eye(k)
    d = 0.0
    for _ in range(max_iter):
        Lr = L @ R
        u, s, vt = np.linalg.svd(L.T @ (Lr ** 3 - (gamma / p) * Lr @ np.diag((Lr ** 2).sum(axis=0))))
        R = u @ vt
        d_new = s.sum()
        if d_new < d * (1 + tol):
            break
        d = d_new
    return L @ R


def pca_weights(normalised_df, *, method: str = "pc1", min_units_per_indicator: float = 5.0,
                eigen_threshold: float = 1.0, min_variance: float = 0.10, cum_variance: float = 0.60) -> pd.Series:
    r"""Indicator weights from principal component analysis of the correlation matrix.

    Methods
    -------
    ``"pc1"``
        Squared loadings of the first principal component: :math:`w_j = v_{1j}^2` where
        :math:`v_1` is the unit-length leading eigenvector of the correlation matrix (so the
        weights sum to 1).  A warning is issued if :math:`v_1` has mixed signs (an indicator
        pulling against the others).
    ``"oecd"``
        Nicoletti et al. (2000), OECD/JRC Handbook (2008) section 6.1: keep the components with
        eigenvalue > ``eigen_threshold``, each explaining > ``min_variance`` of the variance,
        until ``cum_variance`` is reached; rotate their loadings by varimax; scale the squared
        loadings of each factor to unit sum; each indicator takes the largest of its scaled squared
        loadings times the share of that factor in the explained variance; normalise to sum 1.

    Parameters
    ----------
    normalised_df : pandas.DataFrame
        Normalised indicators, no missing values (PCA needs complete cases).
    method : {"pc1", "oecd"}
    min_units_per_indicator : float, default 5
        Below this many units per indicator a :class:`PCAStabilityWarning` is issued (a common rule of
        thumb; with fewer units than indicators the correlation matrix is singular).
    eigen_threshold : float, default 1
        ``"oecd"``: keep only components with an eigenvalue above this (Kaiser's rule).
    min_variance : float, default 0.10
        ``"oecd"``: keep only components explaining more than this share of the variance.
    cum_variance : float, default 0.60
        ``"oecd"``: stop adding components once this share of the variance is explained.

    Returns
    -------
    pandas.Series
        Weight per column (``name="weight"``), summing to 1.

    Raises
    ------
    DataValidationError
        Missing values or a constant column.
    ConfigError
        An unknown ``method`` or fewer than 2 indicators.

    References
    ----------
    Nicoletti, G., Scarpetta, S. & Boylaud, O. (2000). Summary indicators of product market
    regulation with an extension to employment protection legislation. OECD Economics Department
    Working Papers 226.  OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, 89-91.

    Examples
    --------
    Four units are too few for three indicators (hence ``min_units_per_indicator=1`` to silence the
    :class:`PCAStabilityWarning`); the numbers only illustrate the call.

    >>> from vitality.weights import pca_weights
    >>> X = pd.DataFrame({"a": [0.1, 0.4, 0.6, 0.9], "b": [0.2, 0.3, 0.8, 0.7], "c": [0.0, 0.5, 0.5, 1.0]})
    >>> pca_weights(X, min_units_per_indicator=1).round(3).to_dict()
    {'a': 0.37, 'b': 0.296, 'c': 0.334}
    >>> float(pca_weights(X, method="oecd", min_units_per_indicator=1).sum())
    1.0
    """
    methods = ("pc1", "oecd")
    if method not in methods:
        raise ConfigError(f"PCA weight method {method!r} is not valid; choose one of {list(methods)}.")
    A, cols = _numeric_block(normalised_df, "pca_weights")
    n, m = A.shape
    if np.isnan(A).any():
        j = int(np.flatnonzero(np.isnan(A).any(axis=0))[0])
        raise DataValidationError("PCA weights need complete data; this column has missing values.", column=cols[j],
                                  fix="impute first, or use another weighting scheme.")
    if m < 2:
        raise ConfigError("PCA weights need at least 2 indicators.")
    sd = A.std(axis=0, ddof=1)
    if (sd == 0).any():
        j = int(np.flatnonzero(sd == 0)[0])
        raise DataValidationError("PCA weights: constant column (zero variance).", column=cols[j],
                                  fix="drop the column or use another weighting scheme.")
    if n < min_units_per_indicator * m:
        warnings.warn(f"PCA weights from {n} units for {m} indicators (fewer than {min_units_per_indicator:g} units "
                      f"per indicator{'; the correlation matrix is singular' if n <= m else ''}): the components "
                      "and so the weights may be unstable.", PCAStabilityWarning, stacklevel=2)
    Z = (A - A.mean(axis=0)) / sd
    C = (Z.T @ Z) / (n - 1)
    vals, vecs = np.linalg.eigh(C)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    if method == "pc1":
        v = vecs[:, 0]
        if (v > 1e-12).any() and (v < -1e-12).any():
            neg = [cols[j] for j in np.flatnonzero(np.sign(v) != np.sign(v[np.argmax(np.abs(v))]))]
            warnings.warn(f"first principal component loads with opposite sign on {neg}; their squared loadings "
                          "still count as positive weights.", UserWarning, stacklevel=2)
        w = v ** 2
    else:
        share = vals / vals.sum()
        keep = []
        cum = 0.0
        for k in range(m):
            if vals[k] > eigen_threshold and share[k] > min_variance:
                keep.append(k)
                cum += share[k]
                if cum >= cum_variance:
                    break
            else:
                break
        if not keep:
            keep = [0]
        L = vecs[:, keep] * np.sqrt(vals[keep])
        if len(keep) > 1:
            L = _varimax(L)
        L2 = L ** 2
        expl = L2.sum(axis=0)
        scaled = L2 / expl
        best = np.argmax(scaled, axis=1)
        w = scaled[np.arange(m), best] * (expl[best] / expl.sum())
    w = w / w.sum()
    return pd.Series(w, index=cols, name="weight")


# ---------------------------------------------------------------------------- resolver
def resolve_weights(framework, spec=None, *, normalised: pd.DataFrame | None = None, **options) -> pd.Series:
    """Turn a weight specification into a checked weight Series for every node.

    Parameters
    ----------
    framework : Framework
    spec : None, str, dict or pandas.Series
        ``None`` -> metadata weights; a name -> a set in ``framework.weight_sets`` or a built-in
        (:data:`WEIGHT_SETS`); a dict / Series keyed by code -> :func:`custom`.
    normalised : pandas.DataFrame, optional
        Normalised indicators (needed by ``"entropy"`` and ``"pca"``).
    **options
        Passed to :func:`entropy_weights` / :func:`pca_weights`.

    Returns
    -------
    pandas.Series
        Checked weight of every code, in ``framework.codes`` order.

    Raises
    ------
    ConfigError
        An unknown weight-set name (the valid ones are listed), options for a set that takes none, a
        data-driven set without ``normalised``, or invalid weights.

    Examples
    --------
    >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None]})
    >>> fw = Framework.from_meta(meta)  # two domains: econ = a + b, soc = c
    >>> from vitality.weights import resolve_weights
    >>> resolve_weights(fw).tolist()  # the metadata weights (all 1: no Weight column)
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    >>> resolve_weights(fw, "equal_per_indicator").tolist()
    [1.0, 1.0, 1.0, 2.0, 1.0, 3.0]
    >>> resolve_weights(fw, {"a": 2}).tolist()
    [2.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    >>> X = pd.DataFrame({"a": [0.1, 0.4, 0.6, 0.9], "b": [0.2, 0.3, 0.8, 0.7], "c": [0.0, 0.5, 0.5, 1.0]})
    >>> resolve_weights(fw, "entropy", normalised=X).round(3).tolist()
    [0.286, 0.203, 0.511, 0.489, 0.511, 1.0]
    """
    if spec is None:
        return framework.weights
    if isinstance(spec, str):
        name = spec
        if options and name not in ("entropy", "pca"):
            raise ConfigError(f"weight set {name!r} takes no options; got {sorted(options)}.")
        if name in framework.weight_sets:
            w = _full(framework, framework.weight_sets[name])
            check_weights(framework, w, source=f"weight set {name!r}")
            return w
        if name in ("equal_per_group", "equal_per_domain"):
            return equal_per_group(framework)
        if name == "equal_per_indicator":
            return equal_per_indicator(framework)
        if name in ("entropy", "pca"):
            if normalised is None:
                raise ConfigError(f"weight set {name!r} is computed from the normalised data; pass normalised=.")
            X = normalised[framework.indicators]
            flat = entropy_weights(X, **options) if name == "entropy" else pca_weights(X, **options)
            return flat_to_hierarchy(framework, flat)
        valid = sorted(set(WEIGHT_SETS) | set(framework.weight_sets))
        raise ConfigError(f"unknown weight set {name!r}; valid names: {valid}, or a dict {{code: weight}}.")
    return custom(framework, spec)
