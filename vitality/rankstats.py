"""Rank statistics of many replications without a units x units array.

The ranks of every replication are stored as small integers -- *rank codes*, twice the rank
(``rank_ties="average"`` gives halves) and 0 for a missing rank -- in an array
``aggregates x units x replications`` of ``int8`` up to 63 units, ``int16`` up to 16,383, ``int32`` beyond, filled chunk by
chunk of replications (:class:`RankStore`; on disk through :func:`numpy.memmap` when it would
exceed ``memory_mb``).  The statistics are then computed per aggregate and block of units from
the sorted codes of each unit: order statistics for the quantiles (exactly :func:`numpy.quantile`,
``linear``), counts for the shares.  Time O(N U log N), memory O(N U) small ints (or a bounded
block in memory when on disk), instead of the O(U^2) histograms of earlier versions; the numbers
are identical to those of the histograms (every sum involved is exact in float64).  Where the
histograms are the smaller (many replications of few units: ``8 (2U + 1) <= N``) they are counted
instead of sorting, one aggregate at a time, with the same numbers.
"""

from __future__ import annotations

import os
import tempfile
import warnings

import numpy as np

from .jit import kernels

__all__ = ['QUANTILES', 'code_dtype', 'rank_codes', 'RankStore', 'rank_statistics', 'rank_histogram',
           'rank_quantiles_from_counts']

#: quantiles reported (q05, median, q95)
QUANTILES = (0.05, 0.5, 0.95)


def code_dtype(n_units: int):
    """Smallest signed integer type that holds the rank codes 0..2 * n_units.

    One byte per code up to 63 units (the SIIS index's 46 cities, COINr's ASEM example's 51
    countries): the store, the kernel's scatter and the counts move half the bytes of int16.

    Parameters
    ----------
    n_units : int

    Returns
    -------
    numpy dtype class
        ``numpy.int8``, ``numpy.int16`` or ``numpy.int32``.

    Examples
    --------
    >>> from vitality.rankstats import code_dtype
    >>> code_dtype(51).__name__, code_dtype(64).__name__, code_dtype(20_000).__name__
    ('int8', 'int16', 'int32')
    """
    for t in (np.int8, np.int16):
        if 2 * n_units < np.iinfo(t).max:
            return t
    return np.int32


def rank_codes(ranks: np.ndarray, dtype=np.int32) -> np.ndarray:
    """Rank codes (2 x rank, 0 = missing) of an array of float ranks (NaN = missing).

    Parameters
    ----------
    ranks : array-like of float
        Ranks (halves allowed), NaN = missing.
    dtype : numpy dtype, default int32

    Returns
    -------
    numpy.ndarray
        Integer codes, the shape of ``ranks``.

    Examples
    --------
    >>> from vitality.rankstats import rank_codes
    >>> rank_codes([1.0, 2.5, np.nan]).tolist()
    [2, 5, 0]
    """
    ranks = np.asarray(ranks, dtype=float)
    return np.where(np.isnan(ranks), 0, np.rint(2 * np.nan_to_num(ranks))).astype(dtype)


class RankStore:
    """Rank codes of ``n`` replications: array ``(aggregates, units, n)``, filled by :meth:`put`.

    In memory when it takes at most ``memory_mb`` MiB, else in a temporary file (removed by
    :meth:`close`, or when the store is garbage-collected).

    Parameters
    ----------
    n_aggregates, n_units, n : int
        The shape of the store.
    memory_mb : float, default 1024
        Largest size kept in memory.

    Returns
    -------
    RankStore
        ``codes`` holds the codes (``numpy.ndarray`` or ``numpy.memmap``).

    Examples
    --------
    >>> from vitality.rankstats import RankStore
    >>> st = RankStore(1, 3, 2)
    >>> st.put([0, 1], np.array([[[1.0], [2.0], [3.0]], [[2.0], [1.0], [np.nan]]]))
    >>> st.codes[0].tolist(), st.on_disk
    ([[2, 4], [4, 2], [6, 0]], False)
    """

    def __init__(self, n_aggregates: int, n_units: int, n: int, *, memory_mb: float = 1024.0):
        self.shape = (int(n_aggregates), int(n_units), int(n))
        self.dtype = code_dtype(n_units)
        nbytes = int(np.prod(self.shape, dtype=np.int64)) * np.dtype(self.dtype).itemsize
        self._file = None
        if nbytes > memory_mb * 2 ** 20:
            fd, self._file = tempfile.mkstemp(prefix="vitality-ranks-", suffix=".int")
            os.close(fd)
            self.codes = np.memmap(self._file, dtype=self.dtype, mode="w+", shape=self.shape)
        else:
            self.codes = np.zeros(self.shape, dtype=self.dtype)

    @property
    def on_disk(self) -> bool:
        """Whether the codes live in a temporary file (see the class's Examples)."""
        return self._file is not None

    def put(self, rows, ranks: np.ndarray) -> None:
        """Store the ranks (R x units x aggregates, float, NaN = missing) of replications ``rows``.

        Parameters
        ----------
        rows : sequence of int
        ranks : numpy.ndarray

        Returns
        -------
        None

        Examples
        --------
        See :class:`RankStore`.
        """
        c = rank_codes(ranks, self.dtype)                      # R x U x A
        rows = np.asarray(rows)
        if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
            self.codes[:, :, rows[0]:rows[-1] + 1] = c.transpose(2, 1, 0)
        else:
            self.codes[:, :, rows] = c.transpose(2, 1, 0)

    def put_codes(self, rows, codes: np.ndarray) -> None:
        """Store ready-made codes (aggregates x units x R) of replications ``rows`` (a range).

        Parameters
        ----------
        rows : range or sequence of consecutive int
        codes : numpy.ndarray

        Returns
        -------
        None

        Examples
        --------
        >>> from vitality.rankstats import RankStore
        >>> st = RankStore(1, 2, 3)
        >>> st.put_codes(range(1, 3), np.array([[[2, 4], [4, 2]]]))
        >>> st.codes[0].tolist()
        [[0, 2, 4], [0, 4, 2]]
        """
        rows = np.asarray(rows)
        self.codes[:, :, rows[0]:rows[-1] + 1] = codes

    def close(self) -> None:
        """Remove the temporary file, if any (the codes are gone after this).

        Returns
        -------
        None

        Examples
        --------
        >>> from vitality.rankstats import RankStore
        >>> RankStore(1, 2, 3).close()
        """
        if self._file is not None:
            del self.codes
            try:
                os.unlink(self._file)
            except OSError:  # pragma: no cover
                pass
            self._file = None

    def __del__(self):  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:
            pass


def rank_quantiles_from_counts(counts: np.ndarray, values: np.ndarray, q) -> np.ndarray:
    """Quantiles of samples given as histograms, exactly as :func:`numpy.quantile` (``linear``).

    Parameters
    ----------
    counts : array (..., V) of int
        How many samples took each of the ``V`` sorted ``values``.
    values : array (V,)
        The possible values, ascending.
    q : float or array of floats in [0, 1]

    Returns
    -------
    array (..., len(q)) -- NaN where a histogram is empty.

    Examples
    --------
    >>> from vitality.rankstats import rank_quantiles_from_counts
    >>> rank_quantiles_from_counts(np.array([[3, 0, 1]]), np.array([1.0, 2.0, 3.0]), [0.5, 1.0]).tolist()
    [[1.0, 3.0]]
    """
    q = np.atleast_1d(np.asarray(q, dtype=float))
    cum = np.cumsum(counts, axis=-1)
    n = cum[..., -1]
    h = (n[..., None] - 1) * q                       # virtual index, (..., Q)
    lo = np.floor(h)
    hi = np.minimum(lo + 1, np.maximum(n[..., None] - 1, 0))

    def order_stat(j):  # value of the j-th (0-based) smallest sample
        k = (cum[..., None, :] <= j[..., None]).sum(axis=-1)
        return values[np.minimum(k, len(values) - 1)]

    vlo, vhi = order_stat(lo), order_stat(hi)
    out = vlo + (h - lo) * (vhi - vlo)
    return np.where(n[..., None] > 0, out, np.nan)



def _block_units(n: int, memory_mb: float) -> int:
    """Units per block so that the sorted block (int64 work arrays included) stays near ``memory_mb``."""
    return int(max(1, min(1 << 30, memory_mb * 2 ** 20 // max(1, 16 * n))))


def rank_statistics(codes: np.ndarray, nominal: np.ndarray, *, band: int = 2, top: int = 10,
                    quantiles=QUANTILES, memory_mb: float = 256.0) -> dict:
    """Statistics of the ranks of every (unit, aggregate) over the replications.

    Parameters
    ----------
    codes : array (aggregates, units, N) of int
        Rank codes (:func:`rank_codes`).
    nominal : array (units, aggregates) of float
        Nominal ranks (NaN = missing).
    band, top : int
        As :func:`vitality.robustness.uncertainty_analysis`.

    Returns
    -------
    dict of arrays (units x aggregates): ``q`` (units x aggregates x len(quantiles)), ``min``,
    ``max``, ``mean``, ``p_nominal``, ``p_top``, ``within``, ``n`` -- the same numbers, bit for bit,
    as the histogram computation of :func:`vitality.robustness.rank_quantiles_from_counts`.

    Examples
    --------
    >>> from vitality.rankstats import rank_statistics
    >>> codes = np.array([[[2, 2, 4, 2], [4, 4, 2, 0]]])          # 1 aggregate, 2 units, 4 replications
    >>> st = rank_statistics(codes, np.array([[1.0], [2.0]]), band=1, top=1)
    >>> st["q"][:, 0, 1].tolist(), st["p_top"][:, 0].tolist(), st["n"][:, 0].tolist()
    ([1.0, 2.0], [0.75, 0.3333333333333333], [4, 3])
    """
    A, U, N = codes.shape
    q = np.asarray(quantiles, dtype=float)
    out_q = np.full((U, A, len(q)), np.nan)
    vmin = np.full((U, A), np.nan)
    vmax = np.full((U, A), np.nan)
    total = np.zeros((U, A), dtype=np.int64)
    npres = np.zeros((U, A), dtype=np.int64)
    at_nom = np.zeros((U, A), dtype=np.int64)
    in_top = np.zeros((U, A), dtype=np.int64)
    nom_code = np.where(np.isnan(nominal), -1, np.rint(2 * np.nan_to_num(nominal))).astype(np.int64)
    step = _block_units(N, memory_mb)
    top2 = 2 * int(top)
    V = 2 * U + 1
    count = 8 * V <= N and A * U * V * 8 <= memory_mb * 2 ** 20
    vals = np.arange(1, V) / 2.0                               # the rank of codes 1 .. 2U
    for a in range(A):
        if count:                                              # few units, many replications: histograms
            H = rank_histogram(codes[a])                       # U x V, column 0 missing
            Hp = H[:, 1:]
            n = Hp.sum(axis=1)
            npres[:, a] = n
            total[:, a] = Hp @ np.arange(1, V, dtype=np.int64)
            at_nom[:, a] = np.where(nom_code[:, a] >= 0, H[np.arange(U), np.maximum(nom_code[:, a], 0)], 0)
            in_top[:, a] = Hp[:, :top2].sum(axis=1)
            ok = n > 0
            seen = Hp > 0
            vmin[ok, a] = vals[np.argmax(seen[ok], axis=1)]
            vmax[ok, a] = vals[V - 2 - np.argmax(seen[ok, ::-1], axis=1)]
            out_q[:, a] = rank_quantiles_from_counts(Hp, vals, q)
            continue
        for u0 in range(0, U, step):
            u1 = min(U, u0 + step)
            # block x N, missing (0) first; sorted as int32 (numpy sorts 32-bit integers with SIMD, 16-bit
            # ones several times slower), the same values
            s = np.sort(np.asarray(codes[a, u0:u1], dtype=np.int32), axis=1)
            nz = (s == 0).sum(axis=1)
            n = N - nz
            npres[u0:u1, a] = n
            total[u0:u1, a] = s.sum(axis=1, dtype=np.int64)
            at_nom[u0:u1, a] = (s == nom_code[u0:u1, a, None]).sum(axis=1)
            in_top[u0:u1, a] = ((s > 0) & (s <= top2)).sum(axis=1)
            ok = n > 0
            if not ok.any():
                continue
            rows = np.flatnonzero(ok)
            first = nz[rows]
            vmin[u0 + rows, a] = s[rows, first] / 2.0
            vmax[u0 + rows, a] = s[rows, N - 1] / 2.0
            nn = n[rows]
            h = (nn[:, None] - 1) * q                                   # virtual index, as numpy
            lo = np.floor(h)
            hi = np.minimum(lo + 1, np.maximum(nn[:, None] - 1, 0))
            vlo = s[rows[:, None], first[:, None] + lo.astype(np.intp)] / 2.0
            vhi = s[rows[:, None], first[:, None] + hi.astype(np.intp)] / 2.0
            out_q[u0 + rows, a] = vlo + (h - lo) * (vhi - vlo)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (total / 2.0) / npres
        p_nominal = at_nom / npres
        p_top = in_top / npres
    med, q05, q95 = out_q[..., 1], out_q[..., 0], out_q[..., 2]
    within = ((q05 >= med - band - 1e-9) & (q95 <= med + band + 1e-9)).astype(int)
    return {"q": out_q, "min": vmin, "max": vmax, "mean": mean, "p_nominal": p_nominal, "p_top": p_top,
            "within": within, "n": npres}


def rank_histogram(codes: np.ndarray) -> np.ndarray:
    """How many replications gave each unit each rank code.

    Parameters
    ----------
    codes : numpy.ndarray
        units x N rank codes of one aggregate.

    Returns
    -------
    numpy.ndarray
        units x (2 * units + 1) int64 (column ``k`` = rank ``k / 2``; column 0 = missing).

    Examples
    --------
    >>> from vitality.rankstats import rank_histogram
    >>> rank_histogram(np.array([[2, 2, 4], [4, 4, 0]])).tolist()
    [[0, 0, 2, 0, 1], [1, 0, 0, 0, 2]]
    """
    U, N = codes.shape
    V = 2 * U + 1
    bad = f"rank_histogram: rank codes must lie in 0 .. {V - 1} (2 x the units)"
    codes = np.asarray(codes)
    if codes.dtype.kind not in "iu":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            codes = codes.astype(np.int64)
    jit = kernels()
    if jit is not None and N:
        H = np.zeros((U, V), dtype=np.int64)
        if not jit.count_codes(codes, H):
            raise ValueError(bad)
        return H
    if codes.size and (codes.min() < 0 or codes.max() >= V):
        raise ValueError(bad)
    if N >= 4096:
        # one unit's codes at a time: bincount's index copy of them stays in cache (measured 1.3x faster
        # at 10,000 replications, 3x at 100,000, than one index of every unit)
        H = np.empty((U, V), dtype=np.int64)
        for u in range(U):
            H[u] = np.bincount(codes[u], minlength=V)
        return H
    # unit u's codes counted in bins u * V ..: one pass from the codes' own type to the index
    flat = np.add(codes, (np.arange(U, dtype=np.intp) * V)[:, None], dtype=np.intp)
    return np.bincount(flat.reshape(-1), minlength=U * V).reshape(U, V)
