"""The loops :mod:`vitality.jit` compiles with numba (imported only through :func:`vitality.jit.load`; the jit extra).

Each replaces several numpy passes of :mod:`vitality.mcbatch` / :mod:`vitality.rankstats` by one
loop and gives the same integers: the sort keys of :func:`vitality.mcbatch._float_order` (before
the sort, which stays numpy's), the codes :func:`vitality.mcbatch._put_sorted` writes with the rows
holding a pair :func:`vitality.mcbatch._near` finds, and the counts of
:func:`vitality.rankstats.rank_histogram`.  No GIL is held inside them (threads of
:meth:`vitality.robustness_model.RobustnessModel._fill_codes` run them side by side).
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["order_keys", "scatter_near", "count_codes", "any_inf", "special_pairs"]

_IMAX = np.int64(0x7FFFFFFFFFFFFFFF)


@nb.njit(cache=True, nogil=True)
def order_keys(S, bits, K):
    """K[i, j] = the descending-order key of S[i, j] (rows x units, float64) with unit j in the low
    ``bits`` bits: the bits read as an integer, the negative ones flipped, inverted; NaN the largest
    key (sorts last).  :func:`vitality.mcbatch._float_order`'s keys."""
    rows, n = S.shape
    b = S.view(np.int64)
    nlow = ~np.int64((1 << bits) - 1)
    for i in range(rows):
        for j in range(n):
            s = S[i, j]
            if s != s:
                k = _IMAX
            else:
                x = b[i, j]
                k = ~(((x >> 63) & _IMAX) ^ x)
            K[i, j] = (k & nlow) | j


@nb.njit(cache=True, nogil=True)
def scatter_near(K, bits, base, stride, vals, gone, thr, T, near):
    """For every sorted row ``i`` of keys ``K``: ``T[base[i] + unit * stride] = vals[j]`` for the unit at
    sorted position ``j`` (``gone`` where the score is missing), and ``near[i]`` = whether two
    neighbours of the row, both present, have keys closer than ``thr`` (unsigned).  Returns whether
    any row has such a pair."""
    rows, n = K.shape
    low = np.int64((1 << bits) - 1)
    nan_lo = _IMAX & ~low
    any_near = False
    for i in range(rows):
        b0 = base[i]
        prev = np.uint64(0)
        found = False
        for j in range(n):
            k = K[i, j]
            at = b0 + (k & low) * stride
            if k >= nan_lo:
                T[at] = gone
            else:
                T[at] = vals[j]
                ku = np.uint64(k)
                if j > 0 and ku - prev < thr:
                    found = True
                prev = ku
        near[i] = found
        any_near = any_near or found
    return any_near


@nb.njit(cache=True, nogil=True)
def count_codes(codes, H):
    """``H[u, c]`` += how many times code ``c`` occurs in row ``u`` of ``codes`` (units x N).  Returns
    False (counting nothing more) at a code outside 0 .. H.shape[1] - 1."""
    U, N = codes.shape
    V = H.shape[1]
    for u in range(U):
        for r in range(N):
            c = codes[u, r]
            if c < 0 or c >= V:
                return False
            H[u, c] += 1
    return True


@nb.njit(cache=True, nogil=True)
def any_inf(S):
    """Whether a score of ``S`` is infinite."""
    for s in S.ravel():
        if s == np.inf or s == -np.inf:
            return True
    return False


@nb.njit(cache=True, nogil=True)
def special_pairs(S, B, scale, out):
    """``out[r, u]`` (replications x units) = whether, in some aggregate, the bound ``B`` of a present
    score is not at most ``|S| * scale`` (NaN bound included); returns whether a score is infinite.
    :func:`vitality.mcbatch.rank_batch`'s test, as the numpy passes make it."""
    nA, R, n = S.shape
    out[:] = False
    inf = False
    for a in range(nA):
        for r in range(R):
            for u in range(n):
                s = S[a, r, u]
                if s == np.inf or s == -np.inf:
                    inf = True
                if s == s and not B[a, r, u] <= abs(s) * scale:
                    out[r, u] = True
    return inf
