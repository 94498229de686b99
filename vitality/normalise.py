r"""Normalisation of indicators, chosen by name, with direction applied first.

Every normaliser works column by column on a 2-D table (units x indicators): a
:class:`pandas.DataFrame` (labels kept), a 2-D :class:`numpy.ndarray` or a single column (Series /
1-D array).  Missing values (NaN) are skipped and stay missing.  Direction is applied *before*
normalising, as COINr does: a column with direction -1 is multiplied by -1, so that larger is always
better afterwards.

=================  ==========================================================================
name               formula (per column, over the present values; :math:`R` = ascending rank)
=================  ==========================================================================
``rank_score``     :math:`R \cdot s / n` -- the SIIS report's score (s = 100, ties "min", n = count)
``rank``           :math:`R` (ties "min") -- COINr ``n_rank``
``prank``          :math:`(R - 1)/(n - 1)` (ties "min") -- COINr ``n_prank`` (dplyr ``percent_rank``)
``minmax``         :math:`(x - \min)/(\max - \min)\,(hi - lo) + lo` -- COINr ``n_minmax``
``zscore``         :math:`(x - \bar x)/s_x \cdot sd + mean`, sample sd (ddof 1) -- COINr ``n_zscore``
``dist_max``       :math:`1 - (\max - x)/(\max - \min)` -- COINr ``n_dist2max``
``dist_target``    :math:`1 - (t - x)/(t - \min)`, optionally capped at 1 -- COINr ``n_dist2targ``
``none``           :math:`x` (direction still applied) -- for data already on a common scale
=================  ==========================================================================

Degenerate columns are never turned into silent NaN.  A column with no present value is always a
:class:`~vitality.errors.DataValidationError`.  A *constant* column (max = min, or a single present
value) is an error for the scale-based methods (``minmax``, ``zscore``, ``dist_max``,
``dist_target``) unless ``constant="mid"`` is passed, which sets it to the middle of the output scale
(``(lo + hi)/2``, ``mean``, 0.5, 0.5) and issues a warning naming the columns.  The rank-based
methods are defined for constant columns (all units tie: ``rank`` = 1, ``prank`` = 0,
``rank_score`` = s/n with ties "min") -- except ``prank`` with a single present value (0/0), an error.

References
----------
OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 5.
Becker, W. et al. (2022). COINr: an R package for developing composite indicators. *Journal of Open
Source Software* 7(78), 4567.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Callable

import numpy as np
import pandas as pd

from .errors import ConfigError, DataValidationError

__all__ = ['TIES', 'Labelled', 'as_2d', 'rank_ascending', 'rank_asc', 'sorted_ranks', 'rank_score', 'rank', 'prank', 'minmax',
           'zscore', 'dist_max', 'dist_target', 'none', 'NORMALISERS', 'params_of', 'check_method', 'normalise']

#: tie policies for ranks
TIES = ("min", "average", "max", "dense", "first")


# ---------------------------------------------------------------------------- helpers
class Labelled:
    """A float 2-D array with column labels (internal fast path: no DataFrame round trip).

    Every normaliser accepts it like a DataFrame (targets and directions are matched to ``cols``)
    and returns a plain 2-D array.

    Parameters
    ----------
    A : numpy.ndarray
        Float array, units x indicators.
    cols : list of str
        Label of each column of ``A``.

    Examples
    --------
    >>> from vitality.normalise import Labelled, minmax
    >>> L = Labelled(np.array([[1.0, 5.0], [2.0, 4.0]]), ["a", "b"])
    >>> L.cols
    ['a', 'b']
    >>> minmax(L, range=(0, 1)).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """

    __slots__ = ("A", "cols")

    def __init__(self, A: np.ndarray, cols: list):
        self.A, self.cols = A, cols


def as_2d(X) -> tuple[np.ndarray, Callable, list]:
    """Float 2-D array view of X, a function wrapping a result back to X's type, and column labels.

    Parameters
    ----------
    X : DataFrame, Series, 1-D or 2-D array, or Labelled
        The table to work on.

    Returns
    -------
    A : numpy.ndarray
        Float array, units x columns (a Series or 1-D array becomes one column); pandas' missing
        values become NaN.
    wrap : callable
        Turns a result array of the shape of ``A`` back into X's type, index and labels.
    cols : list of str
        Column labels (``"column 0"``, ... for an array).

    Examples
    --------
    >>> from vitality.normalise import as_2d
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> A, wrap, cols = as_2d(X)
    >>> A.shape, cols
    ((4, 2), ['a', 'b'])
    >>> type(wrap(A)).__name__
    'DataFrame'
    >>> A, wrap, cols = as_2d(np.array([1.0, 2.0, 3.0]))
    >>> A.shape, cols, wrap(A).tolist()
    ((3, 1), ['column 0'], [1.0, 2.0, 3.0])
    """
    if isinstance(X, Labelled):
        return X.A, (lambda R: R), X.cols
    if isinstance(X, pd.DataFrame):
        A = X.to_numpy(dtype=float, na_value=np.nan)
        idx, cols = X.index, X.columns
        return A, (lambda R: pd.DataFrame(R, index=idx, columns=cols)), [str(c) for c in cols.tolist()]
    if isinstance(X, pd.Series):
        A = X.to_numpy(dtype=float, na_value=np.nan)[:, None]
        idx, name = X.index, X.name
        return A, (lambda R: pd.Series(R[:, 0], index=idx, name=name)), [str(name)]
    A = np.asarray(X, dtype=float)
    if A.ndim == 1:
        return A[:, None], (lambda R: R[:, 0]), ["column 0"]
    if A.ndim != 2:
        raise ConfigError(f"expected a 1-D or 2-D table, got an array with {A.ndim} dimensions.")
    return A, (lambda R: R), [f"column {j}" for j in range(A.shape[1])]


def _check_present(A: np.ndarray, cols: list, method: str) -> np.ndarray:
    """Raise on all-missing columns or infinite values; return the present-value counts."""
    if np.isinf(A).any():
        j = int(np.flatnonzero(np.isinf(A).any(axis=0))[0])
        raise DataValidationError(f"{method}: infinite value(s) in the data.", column=cols[j],
                                  fix="replace them by numbers or leave the cells empty (missing).")
    count = A.shape[0] - np.isnan(A).sum(axis=0)
    if (count == 0).any():
        bad = [cols[j] for j in np.flatnonzero(count == 0)]
        raise DataValidationError(f"{method}: column(s) {bad} have no value at all, so they cannot be normalised.",
                                  column=bad[0], fix="drop the indicator from data and metadata, or supply data.")
    return count


def _constant(A_min, A_max, cols, method, constant, count=None) -> np.ndarray:
    """Boolean mask of constant columns; raise unless constant == 'mid' (then warn)."""
    if constant not in ("error", "mid"):
        raise ConfigError(f"constant must be 'error' or 'mid', got {constant!r}.")
    const = A_max == A_min
    if count is not None:
        const |= count < 2
    if const.any():
        bad = [cols[j] for j in np.flatnonzero(const)]
        if constant == "error":
            raise DataValidationError(f"{method}: column(s) {bad} are constant (max = min or a single value), so "
                                      f"{method} divides by zero.", column=bad[0],
                                      fix="drop the indicator, use a rank-based method, or pass constant='mid' to "
                                          "set it to the middle of the scale.")
        warnings.warn(f"{method}: constant column(s) {bad} set to the middle of the output scale (constant='mid').",
                      UserWarning, stacklevel=3)
    return const


def _check_ties(ties: str) -> None:
    if ties not in TIES:
        raise ConfigError(f"ties must be one of {list(TIES)}, got {ties!r}.")


def rank_ascending(X, *, ties: str = "min"):
    """Ascending ranks per column (1 = smallest value), NaN kept, vectorised over all columns.

    ``ties``: ``"min"`` (tied values share the lowest rank, as in the SIIS report and R's
    ``ties.method = "min"``), ``"max"``, ``"average"``, ``"dense"`` (1, 2, 2, 3), ``"first"``
    (order of appearance).

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
        Units x indicators (direction already applied); NaN = missing.
    ties : {"min", "average", "max", "dense", "first"}, default "min"
        Tie policy, as above.

    Returns
    -------
    DataFrame, array or Series
        Float ranks, same type and labels as ``X``; missing values stay missing.

    Examples
    --------
    >>> from vitality.normalise import rank_ascending
    >>> x = pd.Series([1.0, 3.0, 3.0, 7.0])
    >>> rank_ascending(x).tolist()
    [1.0, 2.0, 2.0, 4.0]
    >>> rank_ascending(x, ties="dense").tolist()
    [1.0, 2.0, 2.0, 3.0]
    >>> rank_ascending(x, ties="average").tolist()
    [1.0, 2.5, 2.5, 4.0]
    """
    _check_ties(ties)
    A, wrap, _ = as_2d(X)
    return wrap(rank_asc(A, ties))


def sorted_ranks(S: np.ndarray, ties: str) -> np.ndarray:
    """Ranks of the positions of rows sorted ascending (S: m x n, each row sorted; equal = tied).

    The rank of ``S[i, j]`` under the tie policy (``"first"``: position order), so that
    ``R[i, order[i]] = sorted_ranks(S, ties)[i]`` ranks the unsorted rows.

    Parameters
    ----------
    S : numpy.ndarray
        m x n, every row sorted ascending (any comparable dtype).
    ties : {"min", "average", "max", "dense", "first"}

    Returns
    -------
    numpy.ndarray
        Float ranks, m x n.

    Examples
    --------
    >>> from vitality.normalise import sorted_ranks
    >>> sorted_ranks(np.array([[1, 3, 3, 7]]), "min").tolist()
    [[1.0, 2.0, 2.0, 4.0]]
    >>> sorted_ranks(np.array([[1, 3, 3, 7]]), "average").tolist()
    [[1.0, 2.5, 2.5, 4.0]]
    """
    m, n = S.shape
    pos = np.arange(1, n + 1, dtype=float)
    if ties == "first":
        return np.broadcast_to(pos, (m, n))
    new = np.empty((m, n), dtype=bool)
    new[:, 0] = True
    np.not_equal(S[:, 1:], S[:, :-1], out=new[:, 1:])  # NaN != NaN: NaNs never tie (masked by the caller)
    if ties == "dense":
        return np.cumsum(new, axis=1, dtype=float)
    lo = np.maximum.accumulate(np.where(new, pos, 0.0), axis=1)
    if ties == "min":
        return lo
    end = np.empty_like(new)
    end[:, -1] = True
    end[:, :-1] = new[:, 1:]
    hi = np.minimum.accumulate(np.where(end, pos, np.inf)[:, ::-1], axis=1)[:, ::-1]
    return hi if ties == "max" else (lo + hi) / 2.0


def rank_asc(A: np.ndarray, ties: str) -> np.ndarray:
    """Ascending ranks of every column of A (n x m), NaN kept; one sort of the whole table.

    Works on the transposed, contiguous table (one row per column of A) so that each sort runs
    over contiguous memory.  Only ``ties="first"`` needs a stable sort.

    Parameters
    ----------
    A : numpy.ndarray
        Float array, n units x m columns; NaN = missing.
    ties : {"min", "average", "max", "dense", "first"}
        Tie policy (not checked here: see :func:`rank_ascending`).

    Returns
    -------
    numpy.ndarray
        Float ranks, shape ``(n, m)``, NaN where ``A`` is missing.

    Examples
    --------
    >>> from vitality.normalise import rank_asc
    >>> rank_asc(np.array([[1.0, 10.0], [3.0, np.nan], [3.0, 30.0], [7.0, 20.0]]), "min").tolist()
    [[1.0, 1.0], [2.0, nan], [2.0, 3.0], [4.0, 2.0]]
    """
    n, m = A.shape
    if n == 0:
        return A.copy()
    if n >= _ROWWISE_FROM and m > 1:
        return _rank_asc_by_column(A, ties)
    missing = np.isnan(A)
    T = np.ascontiguousarray(A.T)                       # m x n (may be a view of A: never written to)
    if missing.any() and not np.isposinf(T).any():
        T = np.where(missing.T, np.inf, T)  # sorts last like NaN, but argsort is several times faster without NaN
    order = np.argsort(T, axis=1, kind="stable" if ties == "first" else None)  # missing sorted last
    S = np.take_along_axis(T, order, axis=1)
    Rs = sorted_ranks(S, ties)
    R = np.empty((m, n))
    np.put_along_axis(R, order, Rs, axis=1)
    R = R.T
    R[missing] = np.nan
    return R


#: from this many units, :func:`rank_asc` ranks one column at a time (its arrays then stay in the CPU cache)
_ROWWISE_FROM = 8192


def _rank_asc_by_column(A: np.ndarray, ties: str) -> np.ndarray:
    """:func:`rank_asc` one column at a time: the same ranks, without table-sized temporaries."""
    n, m = A.shape
    missing = np.isnan(A)
    T = np.ascontiguousarray(A.T)
    R = np.empty((m, n))
    kind = "stable" if ties == "first" else None
    for i in range(m):
        t = T[i]
        if missing[:, i].any() and not np.isposinf(t).any():
            t = np.where(np.isnan(t), np.inf, t)    # as in rank_asc: sorts last like NaN, but faster
        order = np.argsort(t, kind=kind)
        R[i, order] = sorted_ranks(t[order][None, :], ties)[0]
    R = R.T
    R[missing] = np.nan
    return R


# ---------------------------------------------------------------------------- normalisers
def rank_score(X, *, ties: str = "min", n="count", scale: float = 100.0):
    r"""The SIIS report's rank score: :math:`R \times s / n`.

    Each unit is ranked in increasing order of the value (the largest value gets the largest rank),
    and scored ``rank * scale / n``.  The report (section 三(三) 数据查询和计算): "three cities
    with no exhibition all rank 1 and score 100/46 = 2.38; three cities with one exhibition all rank
    4 and score 100/46*4 = 9.52".  So tied cities share the *lowest* rank (``ties="min"``).

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
    ties : {"min", "average", "max", "dense", "first"}, default "min"
    n : "count", "rows" or number, default "count"
        Denominator: ``"count"`` = number of present values in the column (46 for complete data:
        the best city scores ``scale``); ``"rows"`` = number of units including missing ones; a
        number = that number for every column.  Note: the report's printed figures 2.38 and 9.52
        are 100/42 and 400/42, not 100/46 and 400/46 = 2.17 and 8.70 as its text says; ``n=42``
        reproduces the print.
    scale : float, default 100
        Score of the unit with rank ``n``.

    Returns
    -------
    DataFrame, array or Series
        Scores in (0, ``scale``], same type and labels as ``X``; missing values stay missing.

    Examples
    --------
    Ties share the lowest rank (``ties="min"``), and a missing value stays missing and is not counted:

    >>> from vitality.normalise import rank_score
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> rank_score(X).round(2).to_dict("list")
    {'a': [25.0, 50.0, 50.0, 100.0], 'b': [33.33, nan, 100.0, 66.67]}
    >>> rank_score(X, ties="average")["a"].tolist()
    [25.0, 62.5, 62.5, 100.0]
    >>> rank_score(X, n="rows")["b"].tolist()  # n = 4 rows, the missing one included
    [25.0, nan, 75.0, 50.0]

    The report's example of three cities with no exhibition and three with one:

    >>> rank_score(np.array([0, 0, 0, 1, 1, 1, 5.]), n=46).round(2)  # doctest: +NORMALIZE_WHITESPACE
    array([ 2.17,  2.17,  2.17,  8.7 ,  8.7 ,  8.7 , 15.22])
    """
    _check_ties(ties)
    A, wrap, cols = as_2d(X)
    count = _check_present(A, cols, "rank_score")
    if isinstance(n, str):
        if n == "count":
            denom = count.astype(float)
        elif n == "rows":
            denom = np.full(A.shape[1], float(A.shape[0]))
        else:
            raise ConfigError(f"n must be 'count', 'rows' or a positive number, got {n!r}.")
    else:
        try:
            denom = np.full(A.shape[1], float(n))
        except (TypeError, ValueError):
            raise ConfigError(f"n must be 'count', 'rows' or a positive number, got {n!r}.") from None
        if not np.isfinite(denom[0]) or denom[0] <= 0:
            raise ConfigError(f"n must be a positive number, got {n!r}.")
    return wrap(rank_asc(A, ties) * (float(scale) / denom))


def rank(X, *, ties: str = "min"):
    """Ascending rank (the largest value gets the largest rank), as COINr ``n_rank``.

    Note this is a *score* (larger = better); for league-table ranks (1 = best) see
    :func:`vitality.ranking.rank_desc`.

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
        Units x indicators (direction already applied); NaN = missing.
    ties : {"min", "average", "max", "dense", "first"}, default "min"
        Tie policy (see :func:`rank_ascending`).

    Returns
    -------
    DataFrame, array or Series
        Float ranks 1..n, same type and labels as ``X``; missing values stay missing.

    Examples
    --------
    >>> from vitality.normalise import rank
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> rank(X).to_dict("list")
    {'a': [1.0, 2.0, 2.0, 4.0], 'b': [1.0, nan, 3.0, 2.0]}
    """
    _check_ties(ties)
    A, wrap, cols = as_2d(X)
    _check_present(A, cols, "rank")
    return wrap(rank_asc(A, ties))


def prank(X, *, ties: str = "min"):
    r"""Percentile rank :math:`(R - 1)/(n - 1)` in [0, 1], :math:`n` = present values (COINr ``n_prank``).

    Equals dplyr's ``percent_rank``; ties "min" as COINr.  A column with a single present value
    (0/0) is an error.

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
        Units x indicators (direction already applied); NaN = missing.
    ties : {"min", "average", "max", "dense", "first"}, default "min"
        Tie policy (see :func:`rank_ascending`).

    Returns
    -------
    DataFrame, array or Series
        Values in [0, 1], same type and labels as ``X``; missing values stay missing.

    Examples
    --------
    >>> from vitality.normalise import prank
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> prank(X).round(3).to_dict("list")
    {'a': [0.0, 0.333, 0.333, 1.0], 'b': [0.0, nan, 1.0, 0.5]}
    """
    _check_ties(ties)
    A, wrap, cols = as_2d(X)
    count = _check_present(A, cols, "prank")
    if (count < 2).any():
        bad = [cols[j] for j in np.flatnonzero(count < 2)]
        raise DataValidationError(f"prank: column(s) {bad} have a single present value, so (R-1)/(n-1) is 0/0.",
                                  column=bad[0], fix="drop the indicator or use another method.")
    return wrap((rank_asc(A, ties) - 1.0) / (count - 1.0))


def _pair(v, name: str) -> tuple[float, float]:
    try:
        a, b = (float(x) for x in v)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be two numbers, got {v!r}.") from None
    if not (np.isfinite(a) and np.isfinite(b)):
        raise ConfigError(f"{name} must be finite, got {v!r}.")
    return a, b


def minmax(X, *, range=(0.0, 100.0), constant: str = "error"):  # noqa: A002 - COINr's name
    r"""Min-max to ``range = (lo, hi)``: :math:`(x - \min)/(\max - \min)\,(hi - lo) + lo` (COINr ``n_minmax``).

    The worst present value maps to ``lo``, the best to ``hi``.  Note ``lo = 0`` gives zeros, which a
    geometric mean cannot take: use e.g. ``range=(1, 100)`` with ``aggregate="gmean"``.

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
        Units x indicators (direction already applied); NaN = missing.
    range : (float, float), default (0, 100)
        ``(lo, hi)`` with lo < hi.
    constant : {"error", "mid"}, default "error"
        A constant column (max = min) is an error, or with ``"mid"`` set to the middle of the scale
        (with a warning).

    Returns
    -------
    DataFrame, array or Series
        Values in [lo, hi], same type and labels as ``X``; missing values stay missing.

    Examples
    --------
    >>> from vitality.normalise import minmax
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> minmax(X)["a"].round(2).tolist()
    [0.0, 33.33, 33.33, 100.0]
    >>> minmax(X, range=(1, 100))["a"].tolist()
    [1.0, 34.0, 34.0, 100.0]
    >>> minmax(pd.DataFrame({"k": [2.0, 2.0, 2.0]}))
    Traceback (most recent call last):
    ...
    vitality.errors.DataValidationError: column 'k': minmax: column(s) ['k'] are constant ...
    """
    lo, hi = _pair(range, "range")
    if hi <= lo:
        raise ConfigError(f"range must be (lo, hi) with lo < hi, got {range!r}.")
    A, wrap, cols = as_2d(X)
    if not A.shape[0]:
        _check_present(A, cols, "minmax")
    mn, mx = np.fmin.reduce(A, axis=0), np.fmax.reduce(A, axis=0)   # = nanmin, nanmax where a column has a value
    if not (np.isfinite(mn).all() and np.isfinite(mx).all()):
        # an infinite value or a column with no value shows in its min or max: _check_present says which
        _check_present(A, cols, "minmax")
    const = _constant(mn, mx, cols, "minmax", constant)
    span = np.where(const, 1.0, mx - mn)
    R = A - mn          # = (A - mn) / span * (hi - lo) + lo, the same operations in place
    R /= span
    R *= hi - lo
    R += lo
    if const.any():
        R[:, const] = np.where(np.isnan(A[:, const]), np.nan, (lo + hi) / 2.0)
    return wrap(R)


def zscore(X, *, mean_sd=(0.0, 1.0), ddof: int = 1, constant: str = "error"):
    r"""Standardise to ``mean_sd = (mean, sd)``: :math:`(x - \bar x)/s_x \cdot sd + mean` (COINr ``n_zscore``).

    :math:`s_x` is the sample standard deviation (``ddof=1``, as R's ``sd``) over present values.

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
        Units x indicators (direction already applied); NaN = missing.
    mean_sd : (float, float), default (0, 1)
        Target mean and standard deviation (sd > 0).
    ddof : {0, 1}, default 1
        Delta degrees of freedom of :math:`s_x` (1 = sample sd, 0 = population sd).
    constant : {"error", "mid"}, default "error"
        A constant column (max = min or a single value) is an error, or with ``"mid"`` set to the middle of the scale
        (with a warning).

    Returns
    -------
    DataFrame, array or Series
        Same type and labels as ``X``; missing values stay missing.

    Examples
    --------
    >>> from vitality.normalise import zscore
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> zscore(X)["a"].round(3).tolist()
    [-0.993, -0.199, -0.199, 1.391]
    >>> zscore(X, mean_sd=(100, 10))["a"].round(2).tolist()
    [90.07, 98.01, 98.01, 113.91]
    """
    mu, sd = _pair(mean_sd, "mean_sd")
    if sd <= 0:
        raise ConfigError(f"the target sd in mean_sd must be > 0, got {mean_sd!r}.")
    if ddof not in (0, 1):
        raise ConfigError(f"ddof must be 0 or 1, got {ddof!r}.")
    A, wrap, cols = as_2d(X)
    count = _check_present(A, cols, "zscore")
    mean = np.nanmean(A, axis=0)
    dev = np.where(np.isnan(A), 0.0, A - mean)
    s = np.sqrt((dev * dev).sum(axis=0) / np.maximum(count - ddof, 1))
    # constant: max = min, a single value (sample sd), or an sd that underflows to 0
    zero_sd = ~(s > 0)
    const = _constant(np.where(zero_sd, 0.0, 0.0), np.where(zero_sd, 0.0, 1.0), cols, "zscore", constant,
                      count=count if ddof == 1 else None)
    s = np.where(const, 1.0, s)
    R = (A - mean) / s * sd + mu
    if const.any():
        R[:, const] = np.where(np.isnan(A[:, const]), np.nan, mu)
    return wrap(R)


def dist_max(X, *, constant: str = "error"):
    r"""Distance to the maximum: :math:`1 - (\max - x)/(\max - \min)` in [0, 1] (COINr ``n_dist2max``).

    Numerically the same as ``minmax`` to (0, 1); kept under COINr's name.

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
        Units x indicators (direction already applied); NaN = missing.
    constant : {"error", "mid"}, default "error"
        A constant column (max = min) is an error, or with ``"mid"`` set to the middle of the scale
        (with a warning).

    Returns
    -------
    DataFrame, array or Series
        Values in [0, 1], same type and labels as ``X``; missing values stay missing.

    Examples
    --------
    >>> from vitality.normalise import dist_max
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> dist_max(X).round(3).to_dict("list")
    {'a': [0.0, 0.333, 0.333, 1.0], 'b': [0.0, nan, 1.0, 0.5]}
    """
    A, wrap, cols = as_2d(X)
    _check_present(A, cols, "dist_max")
    mn, mx = np.nanmin(A, axis=0), np.nanmax(A, axis=0)
    const = _constant(mn, mx, cols, "dist_max", constant)
    span = np.where(const, 1.0, mx - mn)
    R = 1.0 - (mx - A) / span
    if const.any():
        R[:, const] = np.where(np.isnan(A[:, const]), np.nan, 0.5)
    return wrap(R)


def dist_target(X, *, targets, cap: bool = False, direction=None, constant: str = "error"):
    r"""Distance to a target: :math:`1 - (t - x)/(t - \min)` (COINr ``n_dist2targ``).

    Scores 0 at the worst present value and 1 at the target; beyond the target above 1 unless
    ``cap=True``.  Targets are given in the *raw* units of each indicator, keyed by code; when called
    through :func:`normalise` with a direction, the target is multiplied by the direction like the
    data (so for a smaller-is-better indicator the target is a ceiling to get under).

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
        Units x indicators (direction already applied); NaN = missing.
    targets : dict or pandas.Series keyed by column code (for a DataFrame) or a sequence (for an array)
        Target of each column, in raw units.
    cap : bool, default False
        Cap scores at 1 (units beyond the target score 1).
    direction : pandas.Series, optional
        Direction already applied to ``X`` (used to flip the targets); ``normalise`` passes it.
    constant : {"error", "mid"}, default "error"
        A constant column (target = min) is an error, or with ``"mid"`` set to the middle of the scale
        (with a warning).

    Returns
    -------
    DataFrame, array or Series
        1 at the target, 0 at the worst value; same type and labels as ``X``.

    Examples
    --------
    >>> from vitality.normalise import dist_target, normalise
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> dist_target(X, targets={"a": 5, "b": 40})["a"].tolist()
    [0.0, 0.5, 0.5, 1.5]
    >>> dist_target(X, targets={"a": 5, "b": 40}, cap=True)["a"].tolist()
    [0.0, 0.5, 0.5, 1.0]

    A smaller-is-better indicator through :func:`normalise`: the target 15 is a ceiling to get under.

    >>> raw = pd.DataFrame({"x": [10.0, 20.0, 30.0, 40.0]})
    >>> normalise(raw, "dist_target", direction={"x": -1}, targets={"x": 15})["x"].round(3).tolist()
    [1.2, 0.8, 0.4, 0.0]
    """
    A, wrap, cols = as_2d(X)
    _check_present(A, cols, "dist_target")
    if isinstance(X, (pd.DataFrame, pd.Series, Labelled)):
        if isinstance(targets, (list, tuple, np.ndarray)):
            raise ConfigError("targets must be keyed by code ({code: target}); matching by position is refused.")
        t = pd.Series(targets, dtype=float) if not isinstance(targets, pd.Series) else targets.astype(float)
        missing = [c for c in cols if c not in t.index or not np.isfinite(t.get(c, np.nan))]
        if missing:
            raise ConfigError(f"dist_target: no target for {missing}. Fix: give targets={{code: value}} or fill "
                              "the Target column of the metadata.")
        tv = t.reindex(cols).to_numpy(dtype=float)
    else:
        tv = np.asarray(targets, dtype=float).reshape(-1)
        if tv.size == 1:
            tv = np.full(A.shape[1], tv[0])
        if tv.size != A.shape[1] or not np.isfinite(tv).all():
            raise ConfigError("dist_target: give one finite target per column.")
    if direction is not None:
        d = pd.Series(direction, dtype=float).reindex(cols).to_numpy() if not isinstance(direction, np.ndarray) \
            else np.asarray(direction, dtype=float)
        tv = tv * d
    mn = np.nanmin(A, axis=0)
    const = _constant(mn, tv, cols, "dist_target", constant)
    if (tv < mn).any():
        bad = [cols[j] for j in np.flatnonzero(tv < mn)]
        warnings.warn(f"dist_target: target below every value for {bad}: scores will exceed 1 "
                      f"{'(capped at 1)' if cap else 'and may be negative'}.", UserWarning, stacklevel=2)
    span = np.where(const, 1.0, tv - mn)
    R = 1.0 - (tv - A) / span
    if cap:
        R = np.where(R > 1.0, 1.0, R)
    if const.any():
        R[:, const] = np.where(np.isnan(A[:, const]), np.nan, 0.5)
    return wrap(R)


def none(X):
    """No normalisation (the values as given, direction applied): for data already on one scale.

    Parameters
    ----------
    X : DataFrame, 2-D array or Series
        Units x indicators (direction already applied); NaN = missing.

    Returns
    -------
    DataFrame, array or Series
        A copy of the values, same type and labels as ``X``.

    Examples
    --------
    >>> from vitality.normalise import none
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> none(X)["a"].tolist()
    [1.0, 3.0, 3.0, 7.0]
    """
    A, wrap, cols = as_2d(X)
    _check_present(A, cols, "none")
    return wrap(A.copy())


#: normaliser name -> function
NORMALISERS = {
    "rank_score": rank_score,
    "rank": rank,
    "prank": prank,
    "minmax": minmax,
    "zscore": zscore,
    "dist_max": dist_max,
    "dist_target": dist_target,
    "none": none,
}


def params_of(fn) -> list:
    """Names of the keyword-only parameters of a normaliser (the options :func:`normalise` passes on).

    Parameters
    ----------
    fn : callable
        A normaliser, e.g. a value of :data:`NORMALISERS`.

    Returns
    -------
    list of str
        The keyword-only parameter names, in signature order.

    Examples
    --------
    >>> from vitality.normalise import minmax, params_of, rank_score
    >>> params_of(minmax)
    ['range', 'constant']
    >>> params_of(rank_score)
    ['ties', 'n', 'scale']
    """
    try:
        return list(_PARAMS_OF[fn])
    except (KeyError, TypeError):      # not seen yet (or unhashable): read the signature
        names = [p.name for p in inspect.signature(fn).parameters.values() if p.kind == p.KEYWORD_ONLY]
    try:
        if len(_PARAMS_OF) < 256:
            _PARAMS_OF[fn] = tuple(names)
    except TypeError:
        pass
    return names


#: keyword-only parameter names by normaliser (a signature is read once: ``inspect.signature`` is slow)
_PARAMS_OF: dict = {}


def check_method(method: str, params: dict) -> None:
    """Raise ConfigError for an unknown method or a parameter it does not take.

    Parameters
    ----------
    method : str
        Name of a normaliser (a key of :data:`NORMALISERS`).
    params : dict
        The parameters to pass to it.

    Returns
    -------
    None
        Returns quietly when ``method`` exists and takes every parameter in ``params``.

    Examples
    --------
    >>> from vitality.normalise import check_method
    >>> check_method("minmax", {"range": (0, 1)})
    >>> check_method("minmax", {"ties": "min"})
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: normalisation 'minmax' takes parameters ['range', 'constant'], not ['ties'].
    """
    if method not in NORMALISERS:
        raise ConfigError(f"unknown normalisation {method!r}; choose one of {list(NORMALISERS)}.")
    valid = [p for p in params_of(NORMALISERS[method]) if p != "direction"]
    bad = [k for k in params if k not in valid]
    if bad:
        raise ConfigError(f"normalisation {method!r} takes parameters {valid}, not {bad}.")


def normalise(df, method: str = "rank_score", *, direction=None, **params):
    """Normalise every column of ``df`` by the named method, after applying ``direction``.

    Parameters
    ----------
    df : pandas.DataFrame
        Units x indicators (raw values; missing = NaN).
    method : str, default "rank_score"
        One of :data:`NORMALISERS`: ``rank_score`` (the report's), ``rank``, ``prank``, ``minmax``,
        ``zscore``, ``dist_max``, ``dist_target``, ``none``.
    direction : pandas.Series, optional
        +1 / -1 by column code (e.g. ``framework.direction``); default all +1.  Columns are
        multiplied by their direction before normalising, so larger is better afterwards.
    **params
        Parameters of the method: ``ties``, ``n``, ``scale`` (rank_score); ``ties`` (rank, prank);
        ``range=(lo, hi)`` (minmax); ``mean_sd=(mean, sd)``, ``ddof`` (zscore); ``targets``, ``cap``
        (dist_target); ``constant`` (scale-based methods).

    Returns
    -------
    pandas.DataFrame
        Same shape and labels as ``df``.

    Examples
    --------
    >>> from vitality.normalise import normalise
    >>> X = pd.DataFrame({"a": [1.0, 3.0, 3.0, 7.0], "b": [10.0, np.nan, 30.0, 20.0]})
    >>> normalise(X).round(2).to_dict("list")  # rank_score: ties share the lowest rank
    {'a': [25.0, 50.0, 50.0, 100.0], 'b': [33.33, nan, 100.0, 66.67]}
    >>> normalise(X, "minmax", direction={"a": 1, "b": -1}, range=(0, 1)).round(3).to_dict("list")
    {'a': [0.0, 0.333, 0.333, 1.0], 'b': [1.0, nan, 0.0, 0.5]}

    With a framework, pass ``direction=fw.direction`` (keyed by indicator code).
    """
    check_method(method, params)
    if isinstance(df, pd.DataFrame):
        cols = [str(c) for c in df.columns]
        A = df.to_numpy(dtype=float, na_value=np.nan)
        if direction is not None:
            d = _direction_vector(direction, cols)
            A = A * d
            if method == "dist_target":
                params = {**params, "direction": pd.Series(d, index=cols)}
        out = NORMALISERS[method](pd.DataFrame(A, index=df.index, columns=df.columns), **params)
        return out
    if direction is not None:
        raise ConfigError("direction is keyed by code: pass a DataFrame with column codes to normalise().")
    return NORMALISERS[method](df, **params)


def _direction_vector(direction, cols: list) -> np.ndarray:
    if isinstance(direction, (list, tuple, np.ndarray)):
        raise ConfigError("direction must be keyed by code (a Series or dict); matching by position is refused.")
    d = pd.Series(direction)
    missing = [c for c in cols if c not in d.index]
    if missing:
        raise ConfigError(f"no direction for column(s) {missing}. Fix: give +1 or -1 for every column.")
    v = d.reindex(cols).to_numpy(dtype=float)
    bad = [f"{c}={x}" for c, x in zip(cols, v) if x not in (1.0, -1.0)]
    if bad:
        raise ConfigError(f"direction must be +1 or -1; got {bad}.")
    return v
