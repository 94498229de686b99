"""League-table ranks: 1 = best (largest score), tie policy explicit, missing stays missing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ConfigError
from .normalise import TIES, as_2d, rank_asc

__all__ = ['round_significant', 'rank_desc', 'rank_table']


def round_significant(A, digits: int | None = 12) -> np.ndarray:
    """Round every value to ``digits`` significant digits (NaN and 0 kept; ``None`` = no rounding).

    Used before ranking so that values equal in exact arithmetic but different in their last bits
    (e.g. ``0.1 + 0.2`` and ``0.3``) tie.  Equal inputs always give equal outputs.

    Parameters
    ----------
    A : array-like
        Values (any shape); NaN, infinities and 0 are kept as they are.
    digits : int or None, default 12
        Significant digits, 1 to 17; ``None`` returns the values unrounded.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of ``A``.

    Examples
    --------
    >>> from vitality.ranking import round_significant
    >>> 0.1 + 0.2 == 0.3
    False
    >>> bool(round_significant([0.1 + 0.2])[0] == 0.3)
    True
    >>> round_significant([1.23456, np.nan, 0.0, 123456.789], 3).tolist()
    [1.23, nan, 0.0, 123000.0]
    """
    A = np.asarray(A, dtype=float)
    if digits is None:
        return A
    if not isinstance(digits, (int, np.integer)) or not 1 <= digits <= 17:
        raise ConfigError(f"digits must be a whole number 1..17 or None, got {digits!r}.")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # in place, with the powers of ten looked up (the same numbers as 10.0 ** (digits - 1 - mag))
        mag = np.abs(A)
        np.log10(mag, out=mag)
        np.floor(mag, out=mag)
        mag[~np.isfinite(mag)] = 0.0
        e = (digits - 1 - mag).astype(np.intp)
        e += _POW_OFFSET
        scale = _powers_of_ten()[e]
        del mag, e
        R = A * scale
        np.round(R, out=R)
        R /= scale
    bad = ~np.isfinite(R)
    if bad.any():
        R[bad] = A[bad]
    return R


_POW_OFFSET = 400
_POW: list = []


def _powers_of_ten() -> np.ndarray:
    """``10.0 ** k`` for k = -400..400 (inf past 308, 0 below -323), computed as numpy computes it."""
    if not _POW:
        with np.errstate(over="ignore"):
            _POW.append(10.0 ** np.arange(-float(_POW_OFFSET), _POW_OFFSET + 1.0))
    return _POW[0]


def rank_desc(df, ties: str = "min", *, digits: int | None = 12, round_columns=None):
    """Rank each column in decreasing order: 1 = the largest value (the best score).

    Parameters
    ----------
    df : pandas.DataFrame, Series or array
        Scores (units x codes); missing values get a missing rank.
    ties : {"min", "average", "max", "dense", "first"}, default "min"
        ``"min"``: tied units share the best rank and the next rank is skipped (1, 2, 2, 4 -- the
        "sport" ranking used by COINr and the report).
    digits : int or None, default 12
        Scores are compared after rounding to this many significant digits
        (:func:`round_significant`); ``None`` compares the exact floats.
    round_columns : list of labels, optional
        Round only these columns (default: all, as :func:`vitality.index.build_index` does: raw
        data exported from other software can carry 1-ulp differences, e.g. ASEM's ``TolMin`` holds
        5.1 for BGR and CZE but 5.1000000000000005 for GRC, which are meant to tie).

    Returns
    -------
    DataFrame, Series or numpy.ndarray
        Same type as ``df``: ``Int64`` for a DataFrame / Series (``Float64`` with ``ties="average"``);
        a float array for an array.

    Examples
    --------
    A tie shares the best rank and the next rank is skipped; a missing score gets a missing rank:

    >>> from vitality.ranking import rank_desc
    >>> rank_desc(pd.Series([3.0, 5.0, 3.0, 1.0])).tolist()
    [2, 1, 2, 4]
    >>> scores = pd.DataFrame({"x": [3.0, 5.0, 3.0, 1.0], "y": [2.0, np.nan, 8.0, 4.0]}, index=["A", "B", "C", "D"])
    >>> ranks = rank_desc(scores)
    >>> ranks["x"].tolist(), ranks["y"].tolist()
    ([2, 1, 2, 4], [3, <NA>, 1, 2])
    >>> ranks.dtypes.tolist()
    [Int64Dtype(), Int64Dtype()]

    Other tie policies:

    >>> rank_desc(scores["x"], "average").tolist()
    [2.5, 1.0, 2.5, 4.0]
    >>> rank_desc(scores["x"], "dense").tolist()
    [2, 1, 2, 3]

    Scores equal but for their last bits tie unless ``digits=None``:

    >>> rank_desc(pd.Series([0.1 + 0.2, 0.3, 0.5])).tolist()
    [2, 2, 1]
    >>> rank_desc(pd.Series([0.1 + 0.2, 0.3, 0.5]), digits=None).tolist()
    [2, 3, 1]
    """
    if ties not in TIES:
        raise ConfigError(f"ties must be one of {list(TIES)}, got {ties!r}.")
    A, wrap, _ = as_2d(df)
    if isinstance(df, pd.DataFrame) and round_columns is None:
        return rank_table(A, df.index, df.columns, ties, digits=digits)
    if isinstance(df, pd.DataFrame) and A.shape[0] >= _BY_COLUMN_FROM and A.shape[1] > 1 and ties != "average":
        rnd = set(range(A.shape[1]))
        if digits is not None and round_columns is not None:
            pos = df.columns.get_indexer(list(round_columns))
            if (pos < 0).any():
                raise ConfigError(f"round_columns not in the table: {[c for c, p in zip(round_columns, pos) if p < 0]}.")
            rnd = set(pos.tolist())
        return _ranked_by_column(A, ties, digits, rnd, df.index, df.columns)
    if digits is not None and round_columns is not None:
        if not isinstance(df, pd.DataFrame):
            raise ConfigError("round_columns needs a DataFrame.")
        pos = df.columns.get_indexer(list(round_columns))
        if (pos < 0).any():
            raise ConfigError(f"round_columns not in the table: {[c for c, p in zip(round_columns, pos) if p < 0]}.")
        A = A.copy()
        A[:, pos] = round_significant(A[:, pos], digits)
        R = rank_asc(-A, ties)
    else:
        R = rank_asc(-round_significant(A, digits), ties)
    if isinstance(df, pd.DataFrame):
        return _masked_frame(R, df.index, df.columns, float_=ties == "average")
    out = wrap(R)
    if isinstance(out, pd.Series):
        return out.astype("Float64" if ties == "average" else "Int64")
    return out


def rank_table(A: np.ndarray, index, columns, ties: str = "min", *, digits: int | None = 12) -> pd.DataFrame:
    """:func:`rank_desc` of the table ``pd.DataFrame(A, index=index, columns=columns)``, from the array.

    The same frame (values, ``Int64`` / ``Float64`` dtypes, index, columns) without building the
    float table first; :func:`rank_desc` of a DataFrame is this function.

    Parameters
    ----------
    A : numpy.ndarray
        Scores, units x codes, float; NaN = missing (not modified).
    index, columns : pandas.Index or list
        Row and column labels of the result.
    ties : {"min", "average", "max", "dense", "first"}, default "min"
        Tie policy (see :func:`rank_desc`).
    digits : int or None, default 12
        Significant digits compared (:func:`round_significant`); ``None`` compares exact floats.

    Returns
    -------
    pandas.DataFrame
        ``Int64`` ranks (``Float64`` with ``ties="average"``), 1 = best, missing where ``A`` is.

    Examples
    --------
    >>> from vitality.ranking import rank_table
    >>> rank_table(np.array([[3.0, 2.0], [5.0, np.nan], [3.0, 8.0]]), ["A", "B", "C"], ["x", "y"])
       x     y
    A  2     2
    B  1  <NA>
    C  2     1
    """
    if ties not in TIES:
        raise ConfigError(f"ties must be one of {list(TIES)}, got {ties!r}.")
    A = np.asarray(A, dtype=float)
    if A.shape[0] >= _BY_COLUMN_FROM and A.shape[1] > 1 and ties != "average":
        return _ranked_by_column(A, ties, digits, set(range(A.shape[1])), index, columns)
    R = rank_asc(-round_significant(A, digits), ties)
    return _masked_frame(R, index, columns, float_=ties == "average")


#: from this many units a table is ranked one column at a time (no table-sized temporaries)
_BY_COLUMN_FROM = 8192


def _ranked_by_column(A: np.ndarray, ties: str, digits, rounded: set, index, columns) -> pd.DataFrame:
    """:func:`rank_desc` of a large table, one column at a time: the same ``Int64`` frame."""
    n, m = A.shape
    VT = np.empty((m, n), dtype=np.int64)
    MT = np.empty((m, n), dtype=bool)
    for j in range(m):
        a = A[:, j:j + 1]
        r = rank_asc(-(round_significant(a, digits) if j in rounded else a), ties)[:, 0]
        np.isnan(r, out=MT[j])
        VT[j] = np.where(MT[j], 0.0, r)
    make = pd.arrays.IntegerArray
    try:  # as _masked_frame
        arrays = [make._simple_new(VT[j], MT[j]) for j in range(m)]
        return pd.DataFrame._from_arrays(arrays, columns=pd.Index(columns), index=index, verify_integrity=False)
    except (AttributeError, TypeError):  # pragma: no cover - pandas without these private constructors
        arrays = [make(VT[j], MT[j]) for j in range(m)]
        return pd.DataFrame(dict(zip(range(m), arrays)), index=index).set_axis(columns, axis=1)


def _masked_frame(R: np.ndarray, index, columns, *, float_: bool = False) -> pd.DataFrame:
    """Int64 (or Float64) DataFrame from a float array with NaN = missing, built column-wise in one go."""
    mask = np.isnan(R)
    if float_:
        V = np.where(mask, 0.0, R)
        make = pd.arrays.FloatingArray
    else:
        V = np.where(mask, 0, R).astype(np.int64)
        make = pd.arrays.IntegerArray
    VT, MT = np.ascontiguousarray(V.T), np.ascontiguousarray(mask.T)
    try:  # fast path: the arrays are valid by construction, skip pandas' per-column re-validation
        arrays = [make._simple_new(VT[j], MT[j]) for j in range(VT.shape[0])]
        return pd.DataFrame._from_arrays(arrays, columns=pd.Index(columns), index=index, verify_integrity=False)
    except (AttributeError, TypeError):  # pragma: no cover - pandas without these private constructors
        arrays = [make(VT[j], MT[j]) for j in range(VT.shape[0])]
        return pd.DataFrame(dict(zip(range(len(arrays)), arrays)), index=index).set_axis(columns, axis=1)
