r"""Aggregation of children into their parent, level by level.

=========  ==============================================================  =====================
name       formula over the children :math:`i` present for a unit           COINr
=========  ==============================================================  =====================
``amean``  :math:`\sum_i w_i x_i \,/\, \sum_i w_i`                            ``a_amean``
``gmean``  :math:`\exp\left(\sum_i w_i \ln x_i \,/\, \sum_i w_i\right)`       ``a_gmean``
=========  ==============================================================  =====================

Weights are relative: only their ratios within a group matter.

Missing children follow an explicit policy:

``missing="error"`` (default)
    any missing child value is a :class:`~vitality.errors.DataValidationError` naming the units
    and codes.
``missing="renormalise"``
    the weights are re-normalised over the children present (COINr's convention: missing values
    are skipped).  With ``min_share`` (0-1) a parent is left missing where the *fraction of its
    children present* is below ``min_share`` (COINr's ``dat_thresh``).  A parent with no child
    present is missing.

Exact ties
----------
Two units whose weighted contributions are the same multiset of numbers (e.g. the same ranks on
different indicators of equal weight) must get bit-identical parent scores, or a tie could turn into
a spurious rank difference.  Floating-point addition is not associative, so the sums here are
accumulated in a canonical order: the contributions :math:`w_i x_i` of each unit are *sorted* before
they are added (and so are the weights present, for the denominator).  Weights are divided out at the
end (:math:`\sum w x / \sum w`, not :math:`\sum (w/\sum w)\,x`), so integer-valued scores with
integer weights (rank normalisation, equal weights) are summed exactly.  Ranks are then taken on
scores rounded to 12 significant digits (:func:`vitality.ranking.rank_desc`) so that values equal in
exact arithmetic but different in the last bits (e.g. 0.1 + 0.2 vs 0.3) still tie.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import ConfigError, DataValidationError
from .sortsum import sort_last_axis

__all__ = ['AGGREGATORS', 'MISSING_POLICIES', 'check_choices', 'aggregate', 'aggregate_framework', 'level_methods',
           'aggregate_array']

AGGREGATORS = ("amean", "gmean")
MISSING_POLICIES = ("error", "renormalise")


def check_choices(method: str, missing: str, min_share) -> None:
    """Refuse an unknown aggregation, an unknown missing-data policy or a ``min_share`` that does not apply.

    Parameters
    ----------
    method : str
        Aggregation, one of :data:`AGGREGATORS` (``"amean"``, ``"gmean"``).
    missing : str
        Missing-data policy, one of :data:`MISSING_POLICIES` (``"error"``, ``"renormalise"``).
    min_share : float or None
        Minimum fraction of children present; only with ``missing="renormalise"``, between 0 and 1.

    Returns
    -------
    None
        Returns quietly when the choices are valid.

    Raises
    ------
    ConfigError
        The invalid choice, with the valid ones.

    Examples
    --------
    >>> from vitality.aggregate import check_choices
    >>> check_choices("gmean", "renormalise", 0.5)
    >>> check_choices("median", "error", None)
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: unknown aggregation 'median'; choose one of ['amean', 'gmean'].
    """
    if method not in AGGREGATORS:
        raise ConfigError(f"unknown aggregation {method!r}; choose one of {list(AGGREGATORS)}.")
    if missing not in MISSING_POLICIES:
        raise ConfigError(f"unknown missing-data policy {missing!r}; choose one of {list(MISSING_POLICIES)}.")
    if min_share is not None:
        if missing != "renormalise":
            raise ConfigError("min_share only applies with missing='renormalise'.")
        try:
            ok = 0.0 <= float(min_share) <= 1.0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ConfigError(f"min_share must be a number between 0 and 1, got {min_share!r}.")


def _padded(Xs: np.ndarray, idx: np.ndarray, ws: np.ndarray, pad: int, c: int, method: str, missing: str,
            min_share, codes_in=None, units=None, weighs: bool = False) -> np.ndarray:
    """Aggregate the ``c`` children ``Xs[:, idx]`` into parents given padded child indices ``idx`` (p x k).

    ``ws`` is the weight of each column of ``Xs``.  Pad entries of ``idx`` are ``pad``, a column of ``Xs``
    that is all NaN with weight 0; every other column ``idx`` names is a child, named once.  ``weighs``:
    every child's weight is known to be > 0.  Call it with NaN arithmetic warnings off
    (``np.errstate(divide="ignore", invalid="ignore")``): a parent with no child present is 0 / 0 before
    it is set missing.
    """
    n = Xs.shape[0]
    lp = _level_plan(idx, ws, pad)
    W = lp.W                             # p x k (read only)
    V = np.take(Xs, idx, axis=1)         # n x p x k, contiguous
    present = V == V                     # (= ~np.isnan(V) in one pass) pads are NaN, so never present
    any_missing = np.count_nonzero(present) != n * c
    if any_missing and missing == "error":
        miss = ~present & (idx != pad)[None]
        pairs = []
        for uu, jj, kk in zip(*np.nonzero(miss)):
            pairs.append(f"{units[uu] if units is not None else uu}: "
                         f"{codes_in[idx[jj, kk]] if codes_in is not None else idx[jj, kk]}")
            if len(pairs) == 5:
                break
        raise DataValidationError(f"{int(miss.sum())} missing value(s) to aggregate (unit: child), e.g. {pairs}.",
                                  fix="pass missing='renormalise' (weights re-normalised over the children "
                                      "present, optionally with min_share) or impute the data first.")
    if method == "gmean":
        bad = present & (V <= 0)
        if bad.any():
            uu, jj, kk = (a[0] for a in np.nonzero(bad))
            code = codes_in[idx[jj, kk]] if codes_in is not None else idx[jj, kk]
            unit = units[uu] if units is not None else uu
            raise ConfigError(f"geometric mean needs values > 0, but {int(bad.sum())} value(s) are <= 0 "
                              f"(e.g. {code!r} for {unit!r}: {float(V[uu, jj, kk])!r}). Fix: normalise to a shifted range "
                              "that stays positive, e.g. minmax with range=(1, 100) (CLI: --range 1 100), rank, or "
                              "zscore with mean_sd=(10, 2); or use aggregate='amean'.")
        T = np.log(np.where(present, V, 1.0))
    else:
        T = V
    # contributions sorted before summing: the same multiset of numbers always gives the same sum
    num = _sorted_sum(np.where(present, T * W[None], 0.0))
    if not any_missing:
        den = lp.den   # the same for every unit (broadcast in the division)
    elif lp.whole:
        den = np.where(present, W[None], 0.0).sum(axis=2)   # whole weights: their sum is exact in any order
    else:
        den = _sorted_sum(np.where(present, W[None], 0.0))
    out = num / den
    if method == "gmean":
        out = np.exp(out)
    if any_missing:
        if weighs and min_share is None:   # every child weighs: no weight present <=> no child present
            out[den == 0] = np.nan
            return out
        cnt = np.count_nonzero(present, axis=2)
        out[cnt == 0] = np.nan
        zero_w = (cnt > 0) & (den == 0)
        if zero_w.any():
            out[zero_w] = np.nan
            warnings.warn(f"{int(zero_w.sum())} aggregate value(s) left missing: only zero-weight children present.",
                          UserWarning, stacklevel=3)
        if min_share is not None:
            out[cnt < float(min_share) * lp.n_children[None, :] - 1e-12] = np.nan
    return out


class _LevelPlan:
    """What one aggregation step needs of its child indices and the weights alone (the same for every build
    with these weights): the weights ``W = ws[idx]`` (p x k, read only); whether they are whole numbers whose
    sums are exact in any order; their sorted sum per parent (the denominator when no child is missing); the
    number of children of each parent (``idx`` entries that are not the pad)."""

    __slots__ = ("W", "whole", "den", "n_children")

    def __init__(self, idx: np.ndarray, ws: np.ndarray, pad: int):
        W = ws[idx]
        self.whole = bool(W.max() * W.shape[1] < 2.0 ** 53 and np.array_equal(W, np.round(W)))
        self.den = np.sort(W, axis=1).sum(axis=1)
        self.n_children = np.count_nonzero(idx != pad, axis=1)
        for a in (W, self.den, self.n_children):
            a.setflags(write=False)
        self.W = W


#: level plans by the content of (child indices, weights); at most 64 kept
_LEVEL_PLANS: dict = {}


def _level_plan(idx: np.ndarray, ws: np.ndarray, pad: int) -> _LevelPlan:
    """The :class:`_LevelPlan` of ``idx`` (p x k child indices into ``ws``), ``ws`` and the pad index, memoised
    by their content (a content key: an array edited in place is another key)."""
    key = (idx.shape, idx.dtype.str, idx.tobytes(), ws.dtype.str, ws.tobytes(), int(pad))
    lp = _LEVEL_PLANS.get(key)
    if lp is None:
        lp = _LevelPlan(idx, ws, pad)
        if len(_LEVEL_PLANS) >= 64:
            _LEVEL_PLANS.clear()
        _LEVEL_PLANS[key] = lp
    return lp


def _sorted_sum(C: np.ndarray) -> np.ndarray:
    """``C`` (n x p x k, contiguous) sorted along its last axis, then summed along it in the memory layout
    ``Xs[:, idx]`` gives (units innermost): numpy's order of additions depends on the layout, and the engine's
    sums have always been taken in that one (so they are the same bits as ever)."""
    sort_last_axis(C)                # = C.sort(axis=-1), by a sorting network where that is faster (sortsum)
    L = np.empty((C.shape[1], C.shape[2], C.shape[0])).transpose(2, 0, 1)
    L[...] = C
    return L.sum(axis=2)


def aggregate(values, weights=None, method: str = "amean", *, missing: str = "error", min_share=None):
    """Aggregate columns into one score per unit (row).

    Parameters
    ----------
    values : pandas.DataFrame or 2-D array
        Units x children.
    weights : dict or pandas.Series keyed by column code (for a DataFrame), 1-D array (for an array)
        Relative weights; default equal.  A DataFrame's weights must be keyed by code (position is
        refused).
    method : {"amean", "gmean"}
        Weighted arithmetic or geometric mean.
    missing : {"error", "renormalise"}
        Missing-data policy (see the module docstring).
    min_share : float, optional
        With ``missing="renormalise"``: minimum fraction of children present.

    Returns
    -------
    pandas.Series or numpy.ndarray
        One score per unit: a Series named after ``method`` for a DataFrame, a 1-D array for an array.

    Examples
    --------
    >>> aggregate(pd.DataFrame({"a": [1., 4.], "b": [3., np.nan]}), {"a": 1, "b": 3},
    ...           missing="renormalise").tolist()
    [2.5, 4.0]
    """
    check_choices(method, missing, min_share)
    if isinstance(values, pd.DataFrame):
        cols = [str(c) for c in values.columns]
        X = values.to_numpy(dtype=float, na_value=np.nan)
        if weights is None:
            w = np.ones(len(cols))
        else:
            if isinstance(weights, (list, tuple, np.ndarray)):
                raise ConfigError("weights for a DataFrame must be keyed by column code ({code: w}); matching by "
                                  "position is refused.")
            ws = pd.Series(weights, dtype=float)
            miss = [c for c in cols if c not in ws.index]
            extra = [c for c in ws.index if c not in cols]
            if miss or extra:
                raise ConfigError(f"weights and columns differ: no weight for {miss}, weight for unknown {extra}.")
            w = ws.reindex(cols).to_numpy()
        units = list(values.index)
    else:
        X = np.asarray(values, dtype=float)
        if X.ndim != 2:
            raise ConfigError("values must be a 2-D table (units x children).")
        cols = [f"column {j}" for j in range(X.shape[1])]
        w = np.ones(X.shape[1]) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
        if w.size != X.shape[1]:
            raise ConfigError(f"{w.size} weights for {X.shape[1]} columns.")
        units = None
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() == 0:
        raise ConfigError(f"weights must be finite, >= 0 and not all zero; got {w.tolist()}.")
    m = X.shape[1]
    Xp = np.empty((X.shape[0], m + 1))   # (the pad column, all missing and weightless, that no parent here uses)
    Xp[:, :m] = X
    Xp[:, m] = np.nan
    wp = np.zeros(m + 1)
    wp[:m] = w
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _padded(Xp, np.arange(m)[None, :], wp, m, m, method, missing, min_share, codes_in=cols, units=units,
                      weighs=bool((w > 0).all()))[:, 0]
    if isinstance(values, pd.DataFrame):
        return pd.Series(out, index=values.index, name=method)
    return out


def aggregate_framework(scores: pd.DataFrame, framework, weights=None, method="amean", *, missing: str = "error",
                        min_share=None) -> pd.DataFrame:
    """Aggregate normalised indicators up every level of ``framework``.

    Parameters
    ----------
    scores : pandas.DataFrame
        Units x indicators (normalised), columns = ``framework.indicators``.
    framework : Framework
        The hierarchy to aggregate up.
    weights : pandas.Series, optional
        Checked weights by code (see :func:`vitality.weights.resolve_weights`); default metadata.
    method : str or dict
        ``"amean"`` / ``"gmean"`` for every level, or ``{level: method}`` for each parent level
        2..top (e.g. ``{2: "amean", 3: "gmean"}``).
    missing, min_share
        See :func:`aggregate`.

    Returns
    -------
    pandas.DataFrame
        Units x every indicator and aggregate code (indicators first, the top last).

    Examples
    --------
    Three units, two domains (``econ`` = ``a`` weighing twice ``b``; ``soc`` = ``c``) under one index:

    >>> from vitality.aggregate import aggregate_framework
    >>> from vitality.framework import Framework
    >>> fw = Framework.from_meta(pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                                        "Parent": ["econ", "econ", "soc", "index", "index", None],
    ...                                        "Weight": [2, 1, 1, 1, 1, None]}))
    >>> X = pd.DataFrame({"a": [3., 6., 0.], "b": [0., 3., 9.], "c": [1., 2., 3.]}, index=["u1", "u2", "u3"])
    >>> aggregate_framework(X, fw)
          a    b    c  econ  soc  index
    u1  3.0  0.0  1.0   2.0  1.0    1.5
    u2  6.0  3.0  2.0   5.0  2.0    3.5
    u3  0.0  9.0  3.0   3.0  3.0    3.0
    >>> aggregate_framework(X, fw, method={2: "amean", 3: "gmean"})["index"].round(3).tolist()
    [1.414, 3.162, 3.0]
    """
    methods = level_methods(framework, method)
    for m in set(methods.values()):
        check_choices(m, missing, min_share)
    X = scores[framework.indicators].to_numpy(dtype=float, na_value=np.nan)
    w = framework._weights_vector(weights)
    out = aggregate_array(X, framework, w, methods, missing, min_share, units=list(scores.index))
    return pd.DataFrame(out, index=scores.index, columns=framework.order)


def level_methods(framework, method) -> dict:
    """The aggregation of each parent level: one name for every level, or ``{level: name}`` checked.

    Parameters
    ----------
    framework : Framework
        Gives the parent levels ``2 .. n_levels``.
    method : str or dict
        One aggregation name for every level, or ``{level: name}`` naming each parent level exactly once.

    Returns
    -------
    dict
        ``{parent level: aggregation name}`` for every level ``2 .. n_levels``.

    Raises
    ------
    ConfigError
        A dict that misses or adds a level, or a ``method`` that is neither a name nor a dict.

    Examples
    --------
    >>> from vitality.aggregate import level_methods
    >>> from vitality.framework import Framework
    >>> fw = Framework.from_meta(pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                                        "Parent": ["econ", "econ", "soc", "index", "index", None]}))
    >>> level_methods(fw, "amean")
    {2: 'amean', 3: 'amean'}
    >>> level_methods(fw, {"2": "amean", 3: "gmean"})
    {2: 'amean', 3: 'gmean'}
    >>> level_methods(fw, {2: "amean"})
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: aggregation by level needs exactly the parent levels [2, 3]; got [2].
    """
    levels = list(range(2, framework.n_levels + 1))
    if isinstance(method, str):
        return {lv: method for lv in levels}
    if isinstance(method, dict):
        m = {}
        for k, v in method.items():
            try:
                lv = int(k)
            except (TypeError, ValueError):
                raise ConfigError(f"aggregation by level: keys are parent levels {levels}, got {k!r}.") from None
            m[lv] = v
        if sorted(m) != levels:
            raise ConfigError(f"aggregation by level needs exactly the parent levels {levels}; got {sorted(m)}.")
        return m
    raise ConfigError(f"aggregate must be a name {list(AGGREGATORS)} or {{level: name}}, got {method!r}.")


def aggregate_array(X: np.ndarray, framework, w: np.ndarray, methods: dict, missing: str, min_share,
                     units=None) -> np.ndarray:
    """Engine core: indicator array in, every node's score out, level by level (no checks of the choices).

    Parameters
    ----------
    X : numpy.ndarray
        ``(n units, m indicators)``, columns in ``framework.indicators`` order.
    framework : Framework
        The hierarchy to aggregate up.
    w : numpy.ndarray
        Weight of every node, aligned to ``framework.order``.
    methods : dict
        ``{parent level: aggregation}``, as :func:`level_methods` returns.
    missing : str
        Missing-data policy (:data:`MISSING_POLICIES`).
    min_share : float or None
        Minimum fraction of children present (``missing="renormalise"`` only).
    units : list, optional
        Unit names, used only in error messages.

    Returns
    -------
    numpy.ndarray
        ``(n, len(framework.order))``: the indicators, then each aggregate level, the top last.

    Examples
    --------
    >>> from vitality.aggregate import aggregate_array
    >>> from vitality.framework import Framework
    >>> fw = Framework.from_meta(pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                                        "Parent": ["econ", "econ", "soc", "index", "index", None]}))
    >>> X = np.array([[3., 0., 1.], [6., 3., 2.], [0., 9., 3.]])
    >>> aggregate_array(X, fw, np.ones(6), {2: "amean", 3: "amean"}, "error", None)[:, 3:].tolist()
    [[1.5, 1.0, 1.25], [4.5, 2.0, 3.25], [4.5, 3.0, 3.75]]
    """
    n, m = X.shape
    M = len(framework.order)
    out = np.empty((n, M + 1))       # every node's score, then the pad column (all missing, weight 0)
    out[:, :m] = X
    out[:, M] = np.nan
    ws = np.zeros(M + 1)
    ws[:M] = w
    weighs = bool((ws[:M] > 0).all())
    k1 = m
    with np.errstate(divide="ignore", invalid="ignore"):
        for lv in range(1, framework.n_levels):
            p1 = k1 + len(framework._by_level[lv + 1])
            out[:, k1:p1] = _padded(out, framework._gpads[lv], ws, M, len(framework._by_level[lv]), methods[lv + 1],
                                    missing, min_share, codes_in=framework.order, units=units, weighs=weighs)
            k1 = p1
    return np.ascontiguousarray(out[:, :M])
