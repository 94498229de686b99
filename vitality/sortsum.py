"""Sorting short rows in place, as ``C.sort(axis=-1)`` does, without a sort call per row.

The engine sums the few weighted contributions of a parent's children in sorted order, so that the
same multiset of numbers always gives the same sum.  ``ndarray.sort`` along a short last axis
pays a call per row (hundreds of ns); :func:`sort_last_axis` sorts the ``k`` slices ``C[..., i]``
with a *sorting network* (Batcher's odd-even merge sort, pruned to ``k``) of vectorised
``minimum``/``maximum`` passes and writes them back, so the array -- values and memory layout --
is what ``C.sort(axis=-1)`` leaves, and the sum taken afterwards runs the same additions in the
same order.  :func:`self_check` compares the network with ``np.sort`` once per ``k`` (and falls
back to ``C.sort`` if they ever differed, or if ``C`` holds NaN).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ['network', 'self_check', 'sort_last_axis']

_MAX_K = 128


@lru_cache(maxsize=None)
def network(k: int) -> tuple:
    """Comparators (i, j), i < j, that sort ``k`` values: Batcher's odd-even merge sort, pruned."""
    n = 1
    while n < k:
        n *= 2
    pairs = []
    p = 1
    while p < n:
        kk = p
        while kk >= 1:
            for j in range(kk % p, n - kk, 2 * kk):
                for i in range(min(kk, n - j - kk)):
                    a, b = i + j, i + j + kk
                    if a // (2 * p) == b // (2 * p) and b < k:
                        pairs.append((a, b))
            kk //= 2
        p *= 2
    return tuple(pairs)


def _network_sort(rows: list) -> list:
    rows = list(rows)
    if len(rows) > 1:
        buf = np.empty_like(rows[0])
        for i, j in network(len(rows)):
            np.minimum(rows[i], rows[j], out=buf)
            np.maximum(rows[i], rows[j], out=rows[j])
            rows[i], buf = buf, rows[i]
    return rows


_CHECKED: dict = {}

#: below ``_SORT_BELOW * k`` rows of ``k`` values, ``C.sort`` is faster than the network (numpy 2.4, measured
#: for k = 2..17: one sort call costs about what the network's fixed ``2 * len(network(k))`` passes cost there)
_SORT_BELOW = 150


def self_check(k: int) -> bool:
    """Does the network sort ``k`` values as ``np.sort`` does (checked once per ``k`` on random data)?

    Parameters
    ----------
    k : int
        Number of values sorted.

    Returns
    -------
    bool
        False past 128 values (the network is not used there).

    Examples
    --------
    >>> from vitality.sortsum import self_check
    >>> self_check(9)
    True
    """
    ok = _CHECKED.get(k)
    if ok is None:
        ok = k <= _MAX_K
        if ok:
            rng = np.random.default_rng(k)
            C = rng.normal(size=(515, k)) * 10.0 ** rng.integers(-4, 4, (515, k))
            C[::3, : max(1, k // 2)] = 0.0
            C[1::5] = np.round(C[1::5])
            got = np.stack(_network_sort([np.ascontiguousarray(C[:, i]) for i in range(k)]), axis=-1)
            ok = bool(np.array_equal(np.sort(C, axis=1), got))
        _CHECKED[k] = ok
    return ok


def sort_last_axis(C: np.ndarray) -> None:
    """``C.sort(axis=-1)`` in place (same values, same memory layout), by a sorting network over the
    ``k`` slices ``C[..., i]``: many times faster than a sort call per row when ``k`` is small.
    Summing ``C`` afterwards (``C.sum(axis=-1)``) then adds in exactly the order it would after
    ``C.sort(axis=-1)``: the same array, the same layout, the same call.  With NaN, ``C.sort`` is used.

    Parameters
    ----------
    C : numpy.ndarray
        Float array, sorted in place along its last axis.

    Returns
    -------
    None

    Examples
    --------
    >>> from vitality.sortsum import sort_last_axis
    >>> C = np.array([[3.0, 1.0, 2.0], [0.5, -1.0, 0.0]])
    >>> sort_last_axis(C)
    >>> C.tolist()
    [[1.0, 2.0, 3.0], [-1.0, 0.0, 0.5]]
    """
    k = C.shape[-1]
    if k <= 1:
        return
    if C.size < _SORT_BELOW * k * k or not self_check(k) or np.isnan(C).any():
        # few rows: one sort call is cheaper than the network's passes; NaN (e.g. inf x 0): np.sort's order
        C.sort(axis=-1)
        return
    rows = _network_sort([np.array(C[..., i]) for i in range(k)])
    for i in range(k):
        C[..., i] = rows[i]
