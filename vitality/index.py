"""Build a composite index in one call: raw data + metadata + choices -> scores and ranks at every level.

>>> meta = pd.DataFrame({"iCode": ["x1", "x2", "idx"], "Level": [1, 1, 2], "Parent": ["idx", "idx", None],
...                      "Direction": [1, -1, 1], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
>>> data = pd.DataFrame({"uCode": ["a", "b", "c"], "x1": [1.0, 5.0, 3.0], "x2": [30.0, 10.0, 20.0]})
>>> res = build_index(data, meta, normalise="minmax", normalise_params={"range": (0, 100)}, aggregate="amean")
>>> res.scores["idx"].round(1).tolist()   # units x (indicators, aggregates, index): unrounded
[0.0, 100.0, 50.0]
>>> res.ranks["idx"].tolist()             # same shape, Int64, 1 = best
[3, 1, 2]
>>> rebuild(res.spec, data, meta).scores.equals(res.scores)   # the spec reproduces the build
True

Steps, in order (each a small named operator chosen by string):

1. :meth:`Framework.from_meta <vitality.framework.Framework.from_meta>` reads and checks the
   metadata against the data columns;
2. :func:`vitality.normalise.normalise` applies each indicator's direction, then the normaliser;
3. :func:`vitality.weights.resolve_weights` turns the weight specification into checked weights;
4. :func:`vitality.aggregate.aggregate_framework` aggregates level by level;
5. :func:`vitality.ranking.rank_desc` ranks every column (1 = best).

COINr conventions (followed exactly, so a COINr ``iData``/``iMeta`` pair builds as in COINr):
direction multiplies the raw values before normalisation; min-max maps to ``[lo, hi]`` (COINr's
default 0-100); z-scores use the sample sd; ``rank`` is the ascending rank with ties "min";
``prank`` is ``(rank - 1)/(n - 1)``; missing values are skipped by the normaliser and left missing;
with ``missing="renormalise"`` the weights are re-normalised over the children present; ranks are
``rank(-x, ties.method = "min")``.

Exact ties: weighted sums are accumulated in a canonical (sorted) order, and scores are compared
after rounding to ``rank_digits`` (12) significant digits, so that floating-point noise never decides
a tie (see :mod:`vitality.aggregate`).  A checked framework is memoised by the sha256 of its
metadata (:func:`clear_cache` forgets them).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import operator
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._version import __version__
from .aggregate import aggregate_array, check_choices, level_methods
from .csvfast import write_csv
from .errors import ConfigError, DataValidationError, TinyIndexWarning
from .framework import Framework
from .normalise import NORMALISERS, TIES, Labelled, check_method
from .ranking import rank_table
from .tables import NA_TOKENS, read_table
from .weights import as_weight_series, resolve_weights

__all__ = ['SPEC_CHOICES', 'NA_TOKENS', 'IndexResult', 'frame_sha256', 'split_units', 'indicator_matrix',
           'build_index', 'clear_cache', 'rebuild', 'read_meta_csv', 'read_data_csv']

#: keys of a spec that are choices (passed back to :func:`build_index` by :func:`rebuild`)
SPEC_CHOICES = ("unit_col", "normalise", "normalise_params", "weights", "weight_params", "aggregate", "missing",
                "min_share", "ties", "rank_digits")



# ---------------------------------------------------------------------------- result
class _Deferred:
    """A result frame not built yet: ``make(*args)`` builds it (from arrays no one else holds)."""

    __slots__ = ("make", "args", "kwargs")

    def __init__(self, make, *args, **kwargs):
        self.make, self.args, self.kwargs = make, args, kwargs


class _Lazy:
    """A dataclass field whose value may be given as a :class:`_Deferred`, built on first access and
    then kept: the attribute reads (and ``repr``, ``dataclasses`` helpers see) the same value as if it
    had been built at once.  Installed on the class after ``@dataclass`` (:func:`_lazy_fields`), so the
    fields, their order, defaults (none) and ``repr`` flags are what the class declares."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            raise AttributeError(self.name)
        v = obj.__dict__[self.name]
        if type(v) is _Deferred:
            v = obj.__dict__[self.name] = v.make(*v.args, **v.kwargs)
        return v

    def __set__(self, obj, value):
        obj.__dict__[self.name] = value


@dataclass(eq=False)
class IndexResult:
    """Scores and ranks at every level, with the spec and framework that produced them.

    Parameters
    ----------
    scores : pandas.DataFrame
        Rows = units (indexed by unit code); columns = every indicator code (normalised values)
        then every aggregate code level by level, the top last.  Unrounded.
    ranks : pandas.DataFrame
        Same shape, ``Int64``, 1 = best (``Float64`` with ``ties="average"``).  A build makes it on first
        access, from its own copy of the scores.
    spec : dict
        Every choice, the package version and a sha256 of data and metadata; JSON-serialisable.
    framework : Framework
        The checked framework (indicators, aggregates, levels, names) the index was built on.
    weights : pandas.Series
        The resolved node weights used (the metadata's: made on first access).

    Examples
    --------
    Made by :func:`build_index`, not by hand:

    >>> meta = pd.DataFrame({"iCode": ["x1", "x2", "idx"], "Level": [1, 1, 2], "Parent": ["idx", "idx", None],
    ...                      "Direction": [1, -1, 1], "Weight": [1, 1, 1],
    ...                      "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> data = pd.DataFrame({"uCode": ["a", "b", "c"], "x1": [1.0, 5.0, 3.0], "x2": [30.0, 10.0, 20.0]})
    >>> res = build_index(data, meta)
    >>> res.scores.round(2)
               x1      x2     idx
    uCode
    a       33.33   33.33   33.33
    b      100.00  100.00  100.00
    c       66.67   66.67   66.67
    >>> res.ranks["idx"].to_dict(), res.weights.to_dict()
    ({'a': 3, 'b': 1, 'c': 2}, {'x1': 1.0, 'x2': 1.0, 'idx': 1.0})
    >>> res.table().index.tolist(), res.spec["normalise"], res.spec["n_units"]
    (['b', 'c', 'a'], 'rank_score', 3)
    """

    scores: pd.DataFrame
    ranks: pd.DataFrame
    spec: dict
    framework: Framework
    weights: pd.Series = field(repr=False)

    @property
    def effective_weights(self) -> pd.Series:
        """Share of each indicator in the top score (arithmetic aggregation)."""
        return self.framework.effective_weights(self.weights)

    def level(self, level: int, what: str = "scores") -> pd.DataFrame:
        """Scores (or ``what="ranks"``) of the codes at one level."""
        if what not in ("scores", "ranks"):
            raise ConfigError(f"what must be 'scores' or 'ranks', got {what!r}.")
        return getattr(self, what)[self.framework.codes_at(level)]

    def table(self, lang: str = "en") -> pd.DataFrame:
        """Results table: aggregate scores and the rank of the top score, sorted best first."""
        top = self.framework.top
        aggs = self.framework.aggregates[::-1]
        t = self.scores[aggs].copy()
        t.insert(0, "rank", self.ranks[top])
        t = t.sort_values(["rank"], kind="stable")
        t.columns = ["rank"] + [self.framework.names(lang)[c] for c in aggs]
        return t

    def to_dir(self, out: str | Path) -> dict:
        """Write ``scores.csv``, ``ranks.csv`` and ``spec.json`` into ``out``; return the paths."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"scores": out / "scores.csv", "ranks": out / "ranks.csv", "spec": out / "spec.json"}
        write_csv(self.scores, paths["scores"])
        write_csv(self.ranks, paths["ranks"])
        paths["spec"].write_text(json.dumps(self.spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return paths


def _lazy_fields(cls, *names):
    """Make the named dataclass fields of ``cls`` accept a :class:`_Deferred` value (see :class:`_Lazy`)."""
    for name in names:
        setattr(cls, name, _Lazy(name))
    return cls


# ranks: built from the scores' array on first access; weights (the metadata's): from the framework.  Most
# callers never read them, and each costs a pandas object per build.
_lazy_fields(IndexResult, "ranks", "weights")


# ---------------------------------------------------------------------------- hashing / json
_DTYPE_NAMES: dict = {}


def _dtype_name(t) -> str:
    """``str(dtype)``, memoised by the dtype object itself (numpy's name lookup and the hash of a
    pandas extension dtype are slow); the object is kept with its name, so its id is never reused."""
    hit = _DTYPE_NAMES.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    name = str(t)
    if len(_DTYPE_NAMES) >= 1024:
        _DTYPE_NAMES.clear()
    _DTYPE_NAMES[id(t)] = (t, name)
    return name


def frame_sha256(df: pd.DataFrame, _view=None) -> str:
    """sha256 of a table's content: column names, index, and values (numbers as float64 bytes).

    Independent of how the table was read (CSV or built in memory) as long as names, dtypes
    (numeric or not) and values are the same.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (data or metadata).
    _view : optional
        The table's one-pass view when the caller has it already (internal).

    Returns
    -------
    str
        64 hexadecimal digits; every NaN hashes alike.

    Examples
    --------
    >>> a = pd.DataFrame({"uCode": ["A", "B"], "x": [1.0, np.nan]})
    >>> b = pd.DataFrame({"uCode": ["A", "B"], "x": [1.0, float("nan")]})
    >>> frame_sha256(a) == frame_sha256(b), len(frame_sha256(a))
    (True, 64)
    >>> frame_sha256(a) == frame_sha256(a.assign(x=[1.0, 2.0]))
    False
    """
    v = _View(df) if _view is None else _view
    names = getattr(v, "names", None) or tuple(map(str, df.columns.tolist()))
    parts = [_memo(_NAMES_JSON, names, lambda: json.dumps(list(names), ensure_ascii=False).encode())]
    ix = df.index
    if type(ix) is pd.RangeIndex:   # (the usual index of a table read from a file)
        parts.append(_memo(_RANGE_TEXT, (ix.start, ix.stop, ix.step), lambda: "\x1f".join(map(str, ix.tolist())).encode()))
    else:
        parts.append("\x1f".join(map(str, ix.tolist())).encode())
    parts.append(_dtypes_json(v.dtypes))
    text = _cells_text(v.other) if v.other is not None else None
    A = None
    if v.num is not None and v.num.size:   # (an empty block has no bytes; memoryview refuses its shape)
        A = np.array(v.num, order="C")         # (a copy: v.num may be the table's own block)
        A[np.isnan(A)] = np.nan                # one NaN bit pattern
    # the digest of these very bytes and text again: compared, not hashed (the text and the names, index and
    # dtype bytes are the memoised objects themselves, whose hashes Python keeps)
    small = (A is None or A.nbytes <= _DIGEST_MAX_BYTES) and (text is None or len(text) <= _DIGEST_MAX_BYTES)
    if small:   # (a large table is hashed, never copied to bytes)
        key = (*parts, text)
        num = A.tobytes() if A is not None else b""
        hit = _DIGESTS.get(key)
        if hit is not None and hit[0] == num:
            return hit[1]
    h = hashlib.sha256()
    for b in parts:
        h.update(b)
    if A is not None:
        h.update(memoryview(A).cast("B"))      # the bytes of tobytes()
    if text is not None:
        h.update(text.encode())
    digest = h.hexdigest()
    if small:
        if len(_DIGESTS) >= 16:
            _DIGESTS.clear()
        _DIGESTS[key] = (num, digest)
    return digest


#: the last digests by (names, index, dtypes, cells text) with the numeric bytes they were taken of: a table with
#: the same text and the same bytes has the same sha256 without hashing it again (small tables only)
_DIGESTS: dict = {}
_DIGEST_MAX_BYTES = 1 << 18


_NAMES_JSON: dict = {}
_RANGE_TEXT: dict = {}
_DTYPES_JSON: dict = {}


def _dtypes_json(dtypes: list) -> bytes:
    """``json.dumps`` of the dtype names, memoised by the dtype objects themselves (kept, so no id is reused)."""
    key = tuple(map(id, dtypes))
    hit = _DTYPES_JSON.get(key)
    if hit is not None and all(map(operator.is_, hit[0], dtypes)):
        return hit[1]
    text = json.dumps([_dtype_name(t) for t in dtypes]).encode()
    if len(_DTYPES_JSON) >= 64:
        _DTYPES_JSON.clear()
    _DTYPES_JSON[key] = (list(dtypes), text)
    return text


#: the last cells (objects) joined for each table shape, with their text: the very same objects, text and floats
#: being immutable, give the same text again
_CELLS_TEXT: dict = {}


def _cells_text(T: np.ndarray) -> str:
    """The text cells of a table row by row, joined by ``\\x1f``, a missing cell (``pd.isna``) as ``\\x00NA``."""
    flat = T.flatten()   # (row by row; a copy, marked in place below)
    cells = flat.tolist()
    hit = _CELLS_TEXT.get(T.shape)
    if hit is not None and all(map(operator.is_, cells, hit[0])):   # (same shape: as many cells)
        return hit[1]
    try:   # usual case: text and NaN floats only; a NaN is the one value unequal to itself
        na = flat != flat
        if na.dtype == bool and all(issubclass(t, float) for t in set(map(type, flat[na].tolist()))):
            if na.any():
                flat[na] = "\x00NA"   # (should the join fail, the general way gives these cells this text too)
            text = "\x1f".join(flat.tolist())   # (a TypeError if a cell is neither: None, a number, ...)
            if len(cells) <= 20_000:   # (small tables, where the scan costs more than the cells; none kept big)
                if len(_CELLS_TEXT) >= 64:
                    _CELLS_TEXT.clear()
                _CELLS_TEXT[T.shape] = (cells, text)
            return text
    except (TypeError, ValueError):   # pd.NA, None, numbers, ...: the general way below
        pass
    na = pd.isna(flat)
    if na.any():
        flat = np.where(na, "\x00NA", flat)
    cells = flat.tolist()
    try:
        return "\x1f".join(cells)
    except TypeError:
        return "\x1f".join(map(str, cells))


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, pd.Series):
        if x.dtype.kind == "f":
            return {str(k): (None if v != v else v) for k, v in zip(x.index.tolist(), x.tolist())}
        return {str(k): _jsonable(v) for k, v in zip(x.index.tolist(), x.tolist())}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return None if np.isnan(x) else float(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


class _LazyFrame:
    """Normalised indicators as a DataFrame, built only if a data-driven weight set asks for it."""

    def __init__(self, A, index, columns):
        self._args = (A, index, columns)

    def __getitem__(self, cols):
        A, index, columns = self._args
        return pd.DataFrame(A, index=index, columns=columns)[cols]


# ---------------------------------------------------------------------------- units
def _text_column(view, data: pd.DataFrame, col):
    """A non-numeric column's cells (object array) from the table's one-pass view; None when there is no
    view, the label is not one column, or the column is numeric."""
    if view is None:
        return None
    j = data.columns.get_loc(col)
    if not isinstance(j, (int, np.integer)) or view.isnum[j]:
        return None
    return view.other[:, int(j - np.count_nonzero(view.isnum[:j]))]


def _object_index(codes: list, name) -> pd.Index:
    """``pd.Index(codes, name=name, dtype=object)`` for a list of str, without pandas' inference pass."""
    try:
        return pd.Index._simple_new(np.array(codes, dtype=object), name=name)
    except (AttributeError, TypeError):  # pragma: no cover - pandas without this constructor
        return pd.Index(codes, name=name, dtype=object)


def split_units(data: pd.DataFrame, unit_col, _view=None) -> tuple[pd.Index, str | None]:
    """The unit codes of a data table, checked: none missing, none given twice.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x columns.
    unit_col : str or None
        The column holding the unit codes; ``None`` takes ``uCode`` if present, else the index.
    _view : optional
        The table's one-pass view when the caller has it already (internal).

    Returns
    -------
    units : pandas.Index
        The codes as text (object dtype), named after their column (the index's name, or ``unit``).
    unit_col : str or None
        The column used, ``None`` when the codes came from the index.

    Raises
    ------
    ConfigError
        ``data`` is not a DataFrame, or ``unit_col`` is not one of its columns.
    DataValidationError
        A code is missing (naming its line) or given twice.

    Examples
    --------
    >>> data = pd.DataFrame({"uCode": ["a", "b", "c"], "x1": [1.0, 5.0, 3.0]})
    >>> split_units(data, None)
    (Index(['a', 'b', 'c'], dtype='object', name='uCode'), 'uCode')
    >>> split_units(data.set_index("uCode"), None)[1] is None
    True
    >>> split_units(data.assign(uCode=["a", "b", "a"]), None)
    Traceback (most recent call last):
    ...
    vitality.errors.DataValidationError: column 'uCode': duplicate unit code(s) ['a']. Fix: unit codes must be unique.
    """
    if not isinstance(data, pd.DataFrame):
        raise ConfigError(f"data must be a pandas DataFrame, got {type(data).__name__}.")
    if unit_col is None and "uCode" in data.columns:
        unit_col = "uCode"
    if unit_col is not None:
        if unit_col not in data.columns:
            raise ConfigError(f"unit column {unit_col!r} is not in the data; columns: {list(map(str, data.columns))[:12]}.")
        vals = _text_column(_view, data, unit_col)
        if vals is None:
            vals = data[unit_col].to_numpy(dtype=object)
        name = str(unit_col)
    else:
        vals = data.index.to_numpy(dtype=object)
        name = data.index.name or "unit"
    codes = vals.tolist()
    if set(map(type, codes)) != {str}:   # (text only, the usual case: none missing, each its own str)
        na = pd.isna(vals)
        if na.any():
            row = int(np.flatnonzero(na)[0]) + 2
            raise DataValidationError("a unit code is missing.", row=row, column=name,
                                      fix="give every unit (row) a code.")
        codes = [str(v) for v in codes]
    if len(set(codes)) != len(codes):
        seen, dup = set(), []
        for c in codes:
            if c in seen and c not in dup:
                dup.append(c)
            seen.add(c)
        raise DataValidationError(f"duplicate unit code(s) {dup[:5]}.", column=name, fix="unit codes must be unique.")
    return _object_index(codes, name), (str(unit_col) if unit_col is not None else None)


#: column positions by the tuple of column names, numeric positions by the numeric-column flags (read only)
_COLPOS: dict = {}
_NUMPOS: dict = {}


def _memo(store: dict, key, make):
    """``store[key]``, made by ``make()`` the first time (at most 64 kept)."""
    hit = store.get(key)
    if hit is None:
        if len(store) >= 64:
            store.clear()
        hit = store[key] = make()
    return hit


class _View:
    """One pass over a table: numeric-column flags, numeric block as float64, other cells as objects."""

    __slots__ = ("isnum", "num", "other", "numpos", "dtypes", "colpos", "names")

    def __init__(self, df: pd.DataFrame):
        self.names = names = tuple(map(str, df.columns.tolist()))   # str of every column name, in order
        self.colpos = _memo(_COLPOS, names, lambda: {c: j for j, c in enumerate(names)})
        if not _from_blocks(self, df):
            self._general(df)
        key = self.isnum.tobytes()
        self.numpos = _memo(_NUMPOS, key, lambda: {int(j): k for k, j in enumerate(np.flatnonzero(self.isnum))})

    def _general(self, df: pd.DataFrame) -> None:
        self.dtypes = list(df.dtypes._values)
        kinds = np.array([getattr(t, "kind", "O") for t in self.dtypes])
        self.isnum = np.isin(kinds, ["b", "i", "u", "f"])
        if self.isnum.all():
            self.num = df.to_numpy(dtype=np.float64, na_value=np.nan)
            self.other = None
        elif df.shape[0] * int(self.isnum.sum()) > 20_000:  # large: take the numeric block directly
            self.num = df.iloc[:, np.flatnonzero(self.isnum)].to_numpy(dtype=np.float64, na_value=np.nan)
            self.other = df.iloc[:, np.flatnonzero(~self.isnum)].to_numpy(dtype=object)
        else:  # small: one conversion is cheaper than two column selections
            O = df.to_numpy(dtype=object)
            self.other = O[:, ~self.isnum]
            self.num = None
            if self.isnum.any():
                B = O[:, self.isnum]
                try:
                    self.num = B.astype(np.float64)
                except (TypeError, ValueError):  # pd.NA of nullable integer columns
                    na = pd.isna(B)
                    self.num = np.where(na, 0.0, B).astype(np.float64)
                    self.num[na] = np.nan


def _from_blocks(view: _View, df: pd.DataFrame) -> bool:
    """Fill ``view`` (dtypes, isnum, num, other) straight from the frame's blocks, the same arrays as
    :meth:`_View._general` makes (about 20 times faster on a small table); False, with nothing set,
    for a frame this does not handle (a block that is neither a plain numpy block nor a string array:
    nullable numbers, categories, ...), which then goes the general way."""
    try:
        blocks = df._mgr.blocks
        n, m = df.shape
        if not m:
            return False
        dtypes = [None] * m
        nums, others = [], []   # (column positions, rows: the block's columns x n, the first position)
        covered = 0
        multi = False           # a text block of more than one column
        for b in blocks:
            v = b.values
            locs = b.mgr_locs.as_array
            if isinstance(v, np.ndarray) and v.ndim == 2 and v.dtype.kind in "biufO":
                dt = v.dtype
                j = int(locs[0]) if len(locs) else -1
                if dt.kind == "O":
                    others.append((locs, v, j))
                    multi = multi or len(locs) != 1
                else:
                    nums.append((locs, v, j))
            elif len(locs) == 1 and getattr(b.dtype, "kind", None) == "O":
                a = getattr(v, "_ndarray", None)
                if not (isinstance(a, np.ndarray) and a.dtype == object and a.shape == (n,)):
                    return False
                dt = b.dtype
                j = int(locs[0])
                others.append((locs, a[None, :], j))
            else:
                return False
            covered += len(locs)
            if len(locs) == 1:
                dtypes[j] = dt
            else:
                for j in locs.tolist():
                    dtypes[j] = dt
    except (AttributeError, TypeError, ValueError, IndexError):  # pragma: no cover - pandas internals not as expected
        return False
    if covered != m:  # pragma: no cover - blocks not covering every column once
        return False
    isnum = np.zeros(m, dtype=bool)
    for locs, _, _ in nums:
        isnum[locs] = True
    view.dtypes, view.isnum = dtypes, isnum
    view.num = _stacked(nums, np.float64)
    view.other = _stacked(others, object, singles=not multi)
    return True


def _stacked(parts: list, dtype, singles: bool = False):
    """The columns of some blocks (column positions, the block's columns x n, the first position) side by side,
    in column order: an n x (their columns) array of ``dtype`` (a transposed view of the block itself when one
    block holds them all in order), None for no block.  ``singles``: every block holds one column."""
    if not parts:
        return None
    if len(parts) == 1:
        locs, rows, _ = parts[0]
        if len(locs) > 1 and (locs[1:] < locs[:-1]).any():
            rows = rows[np.argsort(locs, kind="stable")]
    elif singles:   # one column a block (text columns): put them in order here
        rows = np.concatenate([p[1] for p in sorted(parts, key=operator.itemgetter(2))])
    else:
        locs = np.concatenate([p[0] for p in parts])
        rows = np.concatenate([p[1] for p in parts]) if dtype is object else \
            np.concatenate([p[1].astype(dtype, copy=False) for p in parts])
        if (locs[1:] < locs[:-1]).any():
            rows = rows[np.argsort(locs, kind="stable")]
    return rows.astype(dtype, copy=False).T


def indicator_matrix(data: pd.DataFrame, codes: list, view: _View | None = None) -> np.ndarray:
    """The indicator columns of a data table as one float64 matrix, in the order of ``codes``.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x columns.
    codes : list of str
        Indicator codes (column names of ``data``), in the order wanted.
    view : optional
        The table's one-pass view when the caller has it already (internal).

    Returns
    -------
    numpy.ndarray
        Units x ``codes``, float64; missing values are NaN.

    Raises
    ------
    DataValidationError
        A column is not numeric, naming the first non-numeric cell's line and column.

    Examples
    --------
    >>> data = pd.DataFrame({"uCode": ["a", "b", "c"], "x1": [1.0, 5.0, 3.0], "x2": [30, 10, None]})
    >>> indicator_matrix(data, ["x2", "x1"])
    array([[30.,  1.],
           [10.,  5.],
           [nan,  3.]])
    >>> indicator_matrix(data.assign(x1=["1", "x", "3"]), ["x1"])
    Traceback (most recent call last):
    ...
    vitality.errors.DataValidationError: line 3, column 'x1': non-numeric value 'x' in an indicator column. Fix: ...
    """
    view = _View(data) if view is None else view
    key = (view.names, view.isnum.tobytes(), tuple(codes))
    k = _NUMCOLS.get(key)
    if k is not None:
        return view.num[:, k]
    pos = [view.colpos.get(c, -1) for c in codes]
    try:
        k = [view.numpos[int(j)] for j in pos]
    except KeyError:
        k = None
    if k is not None:
        k = np.array(k, dtype=np.intp)
        k.setflags(write=False)
        if len(_NUMCOLS) >= 64:
            _NUMCOLS.clear()
        _NUMCOLS[key] = k
        return view.num[:, k]
    for c in codes:  # error path only: find the offending cell
        col = data[c]
        conv = pd.to_numeric(col, errors="coerce")
        bad = conv.isna() & col.notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataValidationError(f"non-numeric value {col.iloc[i]!r} in an indicator column.", row=i + 2,
                                      column=str(c), fix="indicators must be numbers; leave a missing value empty.")
    bad = [c for c, j in zip(codes, pos) if int(j) not in view.numpos]
    raise DataValidationError("indicator column is not numeric.", column=str(bad[0]),
                              fix="indicators must be numbers; leave a missing value empty.")


#: positions in a view's numeric block of the indicator codes, by (column names, numeric flags, codes): read only
_NUMCOLS: dict = {}


#: keyword parameters (name -> default) of each normaliser, direction excluded
_NORMALISER_PARAMS = {
    name: {p.name: p.default for p in inspect.signature(fn).parameters.values()
           if p.kind == p.KEYWORD_ONLY and p.name != "direction"}
    for name, fn in NORMALISERS.items()
}


def _full_normalise_params(method: str, params: dict | None, framework: Framework) -> dict:
    params = dict(params or {})
    check_method(method, params)
    out = {}
    for name, default in _NORMALISER_PARAMS[method].items():
        if name in params:
            out[name] = params[name]
        elif default is not inspect.Parameter.empty:
            out[name] = default
    if method == "dist_target" and params.get("targets") is None:
        out["targets"] = {c: v for c, v in framework.targets.items()}
    for k in ("range", "mean_sd"):
        if k in out:
            out[k] = [float(v) for v in out[k]]
    if "targets" in out and isinstance(out["targets"], pd.Series):
        out["targets"] = out["targets"].to_dict()
    return out


# ---------------------------------------------------------------------------- build
def build_index(data: pd.DataFrame, meta: pd.DataFrame, *, unit_col: str | None = None,
                normalise: str = "rank_score", normalise_params: dict | None = None, weights=None,
                weight_params: dict | None = None, aggregate="amean", missing: str = "error", min_share=None,
                ties: str = "min", rank_digits: int | None = 12, ignore_columns=()) -> IndexResult:
    """Build the whole index from raw data, metadata and choices.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x columns: one column per indicator code, plus the unit-code column (``unit_col``;
        default COINr's ``uCode`` if present, else the index holds the unit codes) and any
        columns declared in the metadata as ``Group`` / ``Denominator`` / ``Other`` (or COINr's
        ``uName``, ``Time``).
    meta : pandas.DataFrame
        Indicator metadata, COINr or vitality layout (see :mod:`vitality.framework`).
    unit_col : str, optional
    normalise : str, default "rank_score"
        Normaliser name (:data:`vitality.normalise.NORMALISERS`): ``rank_score`` (the SIIS
        report's), ``rank``, ``prank``, ``minmax``, ``zscore``, ``dist_max``, ``dist_target``,
        ``none``.
    normalise_params : dict, optional
        Its parameters, e.g. ``{"range": (1, 100)}``, ``{"mean_sd": (10, 2)}``,
        ``{"ties": "min", "n": 46}``.  For ``dist_target`` the targets default to the metadata's
        ``Target`` column.
    weights : None, str or dict, optional
        ``None`` = metadata weights; a weight-set name (``"equal_per_group"``,
        ``"equal_per_indicator"``, ``"entropy"``, ``"pca"``, or a set stored on the framework);
        ``{code: weight}`` overriding the metadata weights of the codes named.
    weight_params : dict, optional
        Options of ``"entropy"`` (``eps``) or ``"pca"`` (``method``, ...).
    aggregate : str or dict, default "amean"
        ``"amean"`` or ``"gmean"``, or ``{level: name}`` per parent level.
    missing : {"error", "renormalise"}, default "error"
    min_share : float, optional
        With ``missing="renormalise"``: minimum fraction of children present, else the parent is
        missing.
    ties : {"min", "average", "max", "dense", "first"}, default "min"
        Tie policy of the output ranks.
    rank_digits : int or None, default 12
        Significant digits compared when ranking (see :func:`vitality.ranking.rank_desc`).
    ignore_columns : sequence of str
        Extra data columns to carry without metadata rows (e.g. a name column).

    Returns
    -------
    IndexResult
        Scores and ranks at every level, the spec (every choice and the tables' sha256) and the
        resolved weights.

    Examples
    --------
    >>> meta = pd.DataFrame({"iCode": ["x1", "x2", "idx"], "Level": [1, 1, 2], "Parent": ["idx", "idx", None],
    ...                      "Direction": [1, -1, 1], "Weight": [1, 1, 1],
    ...                      "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> data = pd.DataFrame({"uCode": ["a", "b", "c"], "x1": [1.0, 5.0, 3.0], "x2": [30.0, 10.0, 20.0]})
    >>> build_index(data, meta).ranks["idx"].tolist()            # rank scores, equal weights
    [3, 1, 2]
    >>> res = build_index(data, meta, normalise="zscore", weights={"x1": 3})
    >>> res.scores["idx"].round(3).tolist(), res.spec["weights"]
    ([-1.0, 1.0, 0.0], {'x1': 3})
    """
    view = _View(data) if isinstance(data, pd.DataFrame) else None   # one pass over the table, used thrice
    units, unit_col_used = split_units(data, unit_col, view)
    if len(units) < 3 and normalise != "none":     # scores given as they are need no other units
        warnings.warn(f"the index has only {len(units)} unit(s): ranks and rank-based normalisations of fewer "
                      "than 3 units carry little information (min-max of one unit is undefined).",
                      TinyIndexWarning, stacklevel=2)
    if data.columns.has_duplicates:
        dup = data.columns[data.columns.duplicated()].unique().tolist()
        raise DataValidationError(f"duplicate data column(s) {dup[:5]}.", column=str(dup[0]),
                                  fix="every column name must be unique.")
    ignore = set(map(str, ignore_columns)) | ({unit_col_used} if unit_col_used else set())
    meta_sha = frame_sha256(meta)
    plan = _plan(meta, meta_sha)
    framework = plan.framework.copy()
    names = view.names if view is not None else tuple(map(str, data.columns.tolist()))
    key = (names, frozenset(ignore))
    if key not in plan.columns_ok:   # (a pure function of the framework and the column names)
        framework.check_data_columns(list(names), ignore=ignore)
        if len(plan.columns_ok) >= 64:
            plan.columns_ok.clear()
        plan.columns_ok.add(key)
    methods = level_methods(framework, aggregate)
    for m in set(methods.values()):
        check_choices(m, missing, min_share)
    if ties not in TIES:
        raise ConfigError(f"ties must be one of {list(TIES)}, got {ties!r}.")
    if rank_digits is not None and (not isinstance(rank_digits, (int, np.integer)) or not 1 <= rank_digits <= 17):
        raise ConfigError(f"rank_digits must be a whole number 1..17 or None, got {rank_digits!r}.")
    if isinstance(weights, (pd.Series, pd.DataFrame)):  # keyed tables -> {code: weight} (JSON-able spec)
        weights = as_weight_series(framework, weights).to_dict()
    nparams = _full_normalise_params(normalise, normalise_params, framework)
    codes = framework.indicators

    # normalise (direction first) -------------------------------------------------
    X = indicator_matrix(data, codes, view)          # a copy of the indicator columns, in codes order
    data_sha = frame_sha256(data, view)
    del view                                         # (large tables: its numeric block is not kept)
    d = framework._direction_arr  # indicator order = codes
    kw = dict(nparams)
    if normalise == "dist_target":
        kw["direction"] = d
    X *= d
    N = NORMALISERS[normalise](Labelled(X, codes), **kw)
    del X

    # weights, aggregation, ranks ------------------------------------------------------
    if weights is None:   # the metadata's (resolve_weights(framework, None) is framework.weights): once per plan
        w = _Deferred(_framework_weights, framework)
        wv, w_json = plan.meta_weights()
    else:
        w = resolve_weights(framework, weights, normalised=_LazyFrame(N, units, codes), **(weight_params or {}))
        wv, w_json = _weight_vector(w, framework), _jsonable(w)
    S = aggregate_array(N, framework, wv, methods, missing, min_share, units=units.tolist())
    # (copied: S stays this build's own; the columns a new Index object on the plan's labels)
    scores = pd.DataFrame(S, index=units, columns=_shallow(plan.columns), copy=True)
    # = rank_desc(scores) at this point: the scores' own index object (as rank_desc gives), labels of its own
    ranks = _Deferred(rank_table, S, scores.index, _shallow(plan.columns), ties, digits=rank_digits)

    spec = {
        "engine": "vitality.index.build_index",
        "vitality_version": __version__,
        "numpy_version": np.__version__,
        "pandas_version": pd.__version__,
        "unit_col": unit_col_used,
        "normalise": normalise,
        "normalise_params": _jsonable(nparams),
        "weights": _jsonable(weights),
        "weight_params": _jsonable(weight_params),
        "aggregate": _jsonable(aggregate if isinstance(aggregate, str) else {int(k): v for k, v in methods.items()}),
        "missing": missing,
        "min_share": None if min_share is None else float(min_share),
        "ties": ties,
        "rank_digits": rank_digits,
        "data_sha256": data_sha,
        "meta_sha256": meta_sha,
        "n_units": int(len(units)),
        "top": framework.top,
        "n_levels": int(framework.n_levels),
        "n_indicators": len(codes),
        "resolved_weights": w_json,
    }
    return IndexResult(scores=scores, ranks=ranks, spec=spec, framework=framework, weights=w)


#: what a build needs of one metadata table, by its sha256 (all of it a pure function of the table's content)
_FRAMEWORK_CACHE: dict = {}
_FRAMEWORK_CACHE_SIZE = 32


def _shallow(ix: pd.Index) -> pd.Index:
    """A new Index object on the same labels (``ix.copy()``, without its checks)."""
    try:
        return ix._view()
    except AttributeError:  # pragma: no cover - pandas without Index._view
        return ix.copy()


def _weight_vector(w: pd.Series, framework: Framework) -> np.ndarray:
    """The weights by code, aligned to ``framework.order`` (the engine's layout)."""
    wd = dict(zip(w.index.tolist(), w.tolist()))
    return np.array([wd[c] for c in framework.order], dtype=float)


def _framework_weights(framework: Framework) -> pd.Series:
    """The metadata's weights: what :func:`vitality.weights.resolve_weights` gives for ``None``."""
    return resolve_weights(framework, None)


class _Plan:
    """The checked framework of one metadata table, the column labels of its scores, the data column
    names (with the columns allowed without a row) already checked against it, and its metadata weights
    (aligned to the engine's layout, and as the spec writes them)."""

    __slots__ = ("framework", "columns", "columns_ok", "_meta_weights")

    def __init__(self, framework: Framework):
        self.framework = framework
        self.columns = pd.DataFrame(columns=framework.order).columns   # the labels as the scores frame makes them
        self.columns_ok = set()
        self._meta_weights = None

    def meta_weights(self) -> tuple[np.ndarray, dict]:
        """The metadata weights as the engine's vector (read only) and as a new JSON-able dict."""
        if self._meta_weights is None:
            w = _framework_weights(self.framework)
            wv = _weight_vector(w, self.framework)
            wv.setflags(write=False)
            self._meta_weights = (wv, _jsonable(w))
        wv, w_json = self._meta_weights
        return wv, dict(w_json)


def _plan(meta: pd.DataFrame, meta_sha: str) -> _Plan:
    """``Framework.from_meta(meta)`` and what follows from it, memoised on the metadata's content hash.

    Repeated builds with the same metadata (sensitivity runs, benchmarks, the command line on
    many data files) skip re-checking it.  Callers take their own copy of the framework (its own
    ``weight_sets``).
    """
    plan = _FRAMEWORK_CACHE.get(meta_sha)
    if plan is None:
        plan = _Plan(Framework.from_meta(meta))
        if len(_FRAMEWORK_CACHE) >= _FRAMEWORK_CACHE_SIZE:
            _FRAMEWORK_CACHE.pop(next(iter(_FRAMEWORK_CACHE)))
        _FRAMEWORK_CACHE[meta_sha] = plan
    return plan


def clear_cache() -> None:
    """Forget the memoised frameworks (see :func:`_plan`).

    Builds after it check their metadata afresh; results do not change.

    Examples
    --------
    >>> meta = pd.DataFrame({"iCode": ["x1", "x2", "idx"], "Level": [1, 1, 2], "Parent": ["idx", "idx", None],
    ...                      "Direction": [1, -1, 1], "Weight": [1, 1, 1],
    ...                      "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> data = pd.DataFrame({"uCode": ["a", "b", "c"], "x1": [1.0, 5.0, 3.0], "x2": [30.0, 10.0, 20.0]})
    >>> before = build_index(data, meta).scores
    >>> clear_cache()
    >>> build_index(data, meta).scores.equals(before)
    True
    """
    _FRAMEWORK_CACHE.clear()


def rebuild(spec: dict, data: pd.DataFrame, meta: pd.DataFrame, *, verify: bool = True) -> IndexResult:
    """Rebuild an index from the ``spec`` of an earlier :class:`IndexResult`.

    Parameters
    ----------
    spec : dict
        ``result.spec`` (or the parsed ``spec.json`` written by the command line).
    data, meta : pandas.DataFrame
    verify : bool, default True
        Refuse data or metadata whose sha256 differs from the spec's.

    Returns
    -------
    IndexResult
        The index built with the spec's choices (the same scores and ranks when the tables are the same).

    Raises
    ------
    ConfigError
        With ``verify``, the tables differ from those the spec was built from; or the spec is not one.

    Examples
    --------
    >>> meta = pd.DataFrame({"iCode": ["x1", "x2", "idx"], "Level": [1, 1, 2], "Parent": ["idx", "idx", None],
    ...                      "Direction": [1, -1, 1], "Weight": [1, 1, 1],
    ...                      "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> data = pd.DataFrame({"uCode": ["a", "b", "c"], "x1": [1.0, 5.0, 3.0], "x2": [30.0, 10.0, 20.0]})
    >>> res = build_index(data, meta, normalise="minmax", normalise_params={"range": (1, 100)}, aggregate="gmean")
    >>> rebuild(res.spec, data, meta).ranks.equals(res.ranks)
    True
    >>> changed = data.assign(x1=[1.0, 5.0, 4.0])
    >>> rebuild(res.spec, changed, meta)
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: the data differ from those the spec was built from (data_sha256 mismatch). Fix: ...
    >>> rebuild(res.spec, changed, meta, verify=False).spec["normalise"]
    'minmax'
    """
    if verify:
        for key, df in (("data_sha256", data), ("meta_sha256", meta)):
            if key in spec and spec[key] != frame_sha256(df):
                raise ConfigError(f"the {key.split('_')[0]} differ from those the spec was built from ({key} mismatch). "
                                  "Fix: pass the same tables, or verify=False to build with the spec's choices "
                                  "anyway.")
    missing = [k for k in ("normalise", "aggregate") if k not in spec]
    if missing:
        raise ConfigError(f"spec lacks {missing}; is it the spec of an IndexResult?")
    choices = {k: spec[k] for k in SPEC_CHOICES if k in spec}
    agg = choices.get("aggregate")
    if isinstance(agg, dict):
        choices["aggregate"] = {int(k): v for k, v in agg.items()}
    return build_index(data, meta, **choices)


# ---------------------------------------------------------------------------- CSV readers
#: the dtype of a text column as pandas reads one with ``dtype=str``
TEXT_DTYPE = pd.Series([], dtype=str).dtype


def read_meta_csv(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a metadata table as text (a code such as ``NA`` stays a code; only empty cells are missing).

    Read by :func:`vitality.tables.read_table` (CSV UTF-8 with or without BOM, ``;`` separators, ``.xlsx``;
    whitespace around cells stripped, blank and all-empty rows skipped); ``attrs`` carry ``source`` and
    the file ``lines`` of the rows.

    Parameters
    ----------
    path : str or pathlib.Path
        The metadata file (``.csv`` or ``.xlsx``).
    sheet : str, optional
        The worksheet of an ``.xlsx`` file (default: the first).

    Returns
    -------
    pandas.DataFrame
        One row per metadata row, every column text; empty cells are missing.

    Raises
    ------
    DataValidationError
        The file has a header but no rows (or cannot be read as a table), naming the file and line.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "meta.csv"
    ...     _ = path.write_text("iCode,Level,Parent,Direction,Weight,Type\\n"
    ...                         "x1,1,idx,1,1,Indicator\\nNA,1,idx,-1,1,Indicator\\nidx,2,,1,1,Aggregate\\n")
    ...     meta = read_meta_csv(path)
    >>> meta["iCode"].tolist(), meta["Level"].tolist(), meta["Parent"].isna().tolist()
    (['x1', 'NA', 'idx'], ['1', '1', '2'], [False, False, True])
    >>> meta.attrs["lines"].tolist()
    [2, 3, 4]
    """
    t = read_table(path, sheet=sheet)
    if not len(t.df):
        raise DataValidationError("the metadata file has a header but no rows.", file=t.where, row=t.header_line + 1,
                                  fix="add one row per indicator and aggregate below the header.")
    df = t.df.mask(t.df.eq(""))
    # the text dtype pandas' own reader gives (``str`` in pandas 3, object before): the metadata's sha256 in
    # every spec depends on it, so it stays what it has always been
    df = df.astype(object).where(df.notna(), np.nan).astype(TEXT_DTYPE)
    df.attrs.update(source=t.where, lines=t.lines)
    return df


def read_data_csv(path: str | Path, *, unit_col: str | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Read a data table: text columns stay text, numeric columns become float (``NA``, empty = missing).

    The unit-code column (``unit_col``, default ``uCode`` if present) is always kept as text, so
    codes such as ``NA`` (Namibia) or ``007`` survive; a unit code that is empty or given twice is an
    error naming the line(s).  Read by :func:`vitality.tables.read_table` (the reading rules of
    ``data/README.md``); ``attrs`` carry ``source``, ``lines`` (the file line of each row) and ``decimal``.

    Parameters
    ----------
    path : str or pathlib.Path
        The data file (``.csv`` or ``.xlsx``).
    unit_col : str, optional
        The column holding the unit codes (default ``uCode`` if present).
    sheet : str, optional
        The worksheet of an ``.xlsx`` file (default: the first).

    Returns
    -------
    pandas.DataFrame
        One row per unit, in file order (a default integer index); numeric columns float64.

    Raises
    ------
    DataValidationError
        No rows, no such unit column, a unit code empty or given twice, naming file, line and column.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "data.csv"
    ...     _ = path.write_text("uCode,x1,x2\\nNA,1,30\\n007,5,NA\\nc,3,\\n")
    ...     data = read_data_csv(path)
    ...     _ = path.write_text("uCode,x1,x2\\nNA,1,30\\nNA,5,10\\n")
    ...     read_data_csv(path)
    Traceback (most recent call last):
    ...
    vitality.errors.DataValidationError: file ...data.csv, line 3, column 'uCode': unit code 'NA' is given twice (lines 2 and 3)...
    >>> data
      uCode   x1    x2
    0    NA  1.0  30.0
    1   007  5.0   NaN
    2     c  3.0   NaN
    >>> data["x2"].dtype, data.attrs["decimal"]
    (dtype('float64'), '.')
    """
    t = read_table(path, sheet=sheet, numeric=True, text_columns=[unit_col or "uCode"])
    raw = t.df
    if not len(raw):
        raise DataValidationError("the data file has a header but no rows.", file=t.where, row=t.header_line + 1,
                                  fix="add one row per unit below the header.")
    if unit_col is None and "uCode" in raw.columns:
        unit_col = "uCode"
    if unit_col is not None and unit_col not in raw.columns:
        raise DataValidationError(f"unit column {unit_col!r} not found; columns are {list(raw.columns)[:12]}.",
                                  file=t.where, row=t.header_line,
                                  fix="pass the name of the column holding the unit codes (--unit-col).")
    if unit_col is not None:
        codes = raw[unit_col].astype(str)
        empty = codes.eq("").to_numpy()
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            raise t.error("the unit code is empty.", i, unit_col, "give every unit (row) a code.")
        dup = codes.duplicated(keep=False).to_numpy()
        if dup.any():
            first = codes[dup].iloc[0]
            where = [int(x) for x in t.lines[codes.eq(first).to_numpy()]]
            raise t.error(f"unit code {first!r} is given twice (lines {' and '.join(map(str, where[:2]))}).",
                          int(np.flatnonzero(codes.eq(first).to_numpy())[1]), unit_col,
                          "unit codes must be unique: delete or rename one of the rows.")
    raw.attrs.update(source=t.where, lines=t.lines, decimal=t.decimal)
    return raw
