"""SALib's Sobol' method (``SALib.sample.sobol.sample`` and ``SALib.analyze.sobol.analyze``,
``calc_second_order=False``) for many outputs at once, bit for bit, without importing SALib or
``scipy.stats``.

:func:`sobol_sample` is SALib's sample on the unit hypercube: scipy's scrambled Sobol' sequence
(``scipy.stats.qmc.Sobol``: Joe and Kuo's direction numbers, read from the file scipy ships, left
linear matrix scrambling and a digital shift drawn from ``numpy.random.default_rng(seed)``, points in
Gray-code order) computed with whole-array integer operations, then Saltelli's matrix (A, the
``AB`` rows, B per base point) by one broadcast instead of SALib's loop over every cell.

SALib analyses one output per call: for an index of 10,000 units that is 10,000 calls, each
drawing the same bootstrap resamples.  :func:`sobol_first_total` runs the same arithmetic on
blocks of outputs and draws the resamples once.  Every number is SALib's (tested against SALib):
elementwise terms are computed once per base point (the same operations on the same values as on
the resampled copies), the point estimates reduce the same contiguous rows, and the bootstrap sums
-- which SALib forms as ``np.mean(x[r], axis=0)``, adding the resampled rows one after another --
are added in that same order by :func:`_sequential_sums`, a block of rows at a time in a small
reused buffer instead of an outputs x N x resamples array.  The quantile of the confidence level is
``scipy.special.ndtri`` (what ``scipy.stats.norm.ppf`` computes).  Only the case SALib makes
reproducible (a non-zero ``seed``) is handled; other calls go to SALib itself.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ['sobol_sample', 'sobol_first_total']

_EPS = np.finfo(float).eps
_BITS = 30                       # scipy's default: 30-bit integers, at most 2^30 points
_ROW_BYTES = 2 ** 16             # _sequential_sums: a gathered row block (resamples x columns) ~ 64 KiB
_BLOCK_BYTES = 2 ** 19           # ... and a buffer of such blocks ~ 512 KiB (stays in cache)


# ---------------------------------------------------------------------------- the sample
@lru_cache(maxsize=1)
def _direction_numbers() -> tuple:
    """(poly, vinit) of scipy's Sobol' engine, read from the file scipy ships (no scipy import)."""
    spec = importlib.util.find_spec("scipy")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("scipy is needed for the Sobol' direction numbers")
    path = Path(list(spec.submodule_search_locations)[0]) / "stats" / "_sobol_direction_numbers.npz"
    with np.load(path) as f:
        return f["poly"].astype(np.int64), f["vinit"].astype(np.int64)


def _direction_matrix(d: int) -> np.ndarray:
    """d x bits direction integers (uint64 holding 30-bit values), before scrambling: Bratley and Fox's
    recurrence for every dimension at once."""
    poly, vinit = _direction_numbers()
    if d > len(poly):
        raise ValueError(f"at most {len(poly)} dimensions, got {d}")
    p = poly[:d]
    m = np.zeros(d, dtype=np.int64)                     # degree of each polynomial: bit length - 1
    q = p.copy()
    while (q > 1).any():
        m += q > 1
        q >>= 1
    v = np.zeros((d, _BITS), dtype=np.int64)
    v[0] = 1
    cols = np.arange(_BITS)
    v[1:] = np.where(cols[None, :] < m[1:, None], vinit[1:d, :_BITS] if vinit.shape[1] >= _BITS else
                     np.pad(vinit[1:d], ((0, 0), (0, _BITS - vinit.shape[1]))), 0)
    rows = np.arange(1, d)
    for j in range(1, _BITS):
        act = rows[j >= m[1:]]
        if not len(act):
            continue
        ma = m[act]
        new = v[act, j - ma]
        for k in range(int(ma.max())):
            on = (k < ma) & (((p[act] >> np.maximum(ma - 1 - k, 0)) & 1) == 1)
            new = np.where(on, new ^ (v[act, j - k - 1] << (k + 1)), new)
        v[act, j] = new
    return (v << (_BITS - 1 - cols)[None, :]).astype(np.uint64)


def _scrambled_points(d: int, n: int, seed) -> np.ndarray:
    """``scipy.stats.qmc.Sobol(d, scramble=True, seed=seed).random(n)``."""
    rng = np.random.default_rng(seed)
    sv = _direction_matrix(d)
    pow2 = 2 ** np.arange(_BITS, dtype=np.uint32)
    shift = np.dot(rng.integers(2, size=(d, _BITS), dtype=np.uint32), pow2).astype(np.uint64)
    ltm = np.tril(rng.integers(2, size=(d, _BITS, _BITS), dtype=np.uint32)).astype(np.float64)
    ltm[:, np.arange(_BITS), np.arange(_BITS)] = 1
    # left linear matrix scramble: bit (bits-1-p) of the new number is the parity of row p of the
    # matrix (its column c as bit bits-1-c) and the old number; counts of at most 30 ones, exact in floats
    vbits = (sv[:, :, None] >> np.arange(_BITS, dtype=np.uint64)) & np.uint64(1)      # d x j x bit k
    lbits = ltm[:, :, ::-1]                                                            # d x p x bit k
    par = np.matmul(vbits.astype(np.float64), lbits.transpose(0, 2, 1)).astype(np.int64) & 1   # d x j x p
    sv = (par.astype(np.uint64) << (_BITS - 1 - np.arange(_BITS, dtype=np.uint64))).sum(axis=2, dtype=np.uint64)
    i = np.arange(n, dtype=np.uint64)
    gray = i ^ (i >> np.uint64(1))
    q = np.repeat(shift[None, :], n, axis=0)
    for b in range(max(1, int(n - 1).bit_length())):
        on = ((gray >> np.uint64(b)) & np.uint64(1)).astype(bool)
        q[on] ^= sv[:, b]
    return q * (1.0 / 2 ** _BITS)


def sobol_sample(groups: list, n: int, seed=None) -> np.ndarray:
    """``SALib.sample.sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)`` of
    ``len(groups)`` variables on [0, 1), variable ``j`` in group ``groups[j]``.

    Parameters
    ----------
    groups : list of str
        The group of each variable; variables sharing a group are swapped together (one ``AB`` row
        per distinct group, in order of first appearance), as SALib's ``problem["groups"]``.  Where
        SALib ignores its groups (all the same or all distinct), each variable is its own group,
        which is the same thing when they are all distinct; when they are all the same, this gives
        the one ``AB`` row of that group (SALib gives one per variable and its analysis then refuses).
    n : int
        Base points (a power of 2).
    seed : int, optional
        Seed of the scrambling (``numpy.random.default_rng``).

    Returns
    -------
    numpy.ndarray
        ``n * (G + 2)`` x ``len(groups)``: per base point A, the ``AB`` rows of the ``G`` groups, B.

    Examples
    --------
    >>> from vitality.sobolfast import sobol_sample
    >>> X = sobol_sample(["a", "b", "b"], 4, seed=1)
    >>> X.shape
    (16, 3)
    >>> A, AB_a, AB_b, B = X[:4]
    >>> bool((AB_a == [B[0], A[1], A[2]]).all() and (AB_b == [A[0], B[1], B[2]]).all())
    True
    """
    D = len(groups)
    n = int(n)
    names = list(dict.fromkeys(groups))
    base = _scrambled_points(2 * D, n, seed)
    A, B = base[:, :D], base[:, D:]
    M = np.array([[g == name for g in groups] for name in names])          # G x D: group k swaps these
    X = np.empty((n, len(names) + 2, D))
    X[:, 0] = A
    X[:, 1:-1] = np.where(M[None], B[:, None, :], A[:, None, :])
    X[:, -1] = B
    return X.reshape(-1, D)


# ---------------------------------------------------------------------------- the estimators


def _sequential_sums(T, idx, *, minus=None):
    """``S[k] = (((T[idx[0, k]] + T[idx[1, k]]) + T[idx[2, k]]) + ...)``: the rows of ``T`` picked by each
    column of ``idx``, added one after another in the order of ``idx`` -- what ``np.sum(T[idx], axis=0)``
    gives (a reduction over a leading axis adds row by row), without the ``len(idx) x R x M`` array.
    With ``minus`` (R x M): the sums of ``(T[idx[i, k]] - minus[k]) ** 2`` instead.

    Blocks of columns and of rows are gathered into a small reused buffer (cache-sized); the running
    sum of the rows before a block is added to its first row, so the additions keep their order.
    """
    L, R = idx.shape
    M = T.shape[1]
    out = np.empty((R, M))
    w = max(8, _ROW_BYTES // (8 * R))                  # columns per block
    for m0 in range(0, M, w):
        Tb = T[:, m0:m0 + w]
        if Tb.shape[1] != M:
            Tb = np.ascontiguousarray(Tb)
        wb = Tb.shape[1]
        acc = np.empty((R, wb))
        c = max(2, _BLOCK_BYTES // (8 * R * wb))        # rows per block
        buf = np.empty((min(c, L), R, wb))
        sub = None if minus is None else np.ascontiguousarray(minus[:, m0:m0 + wb])
        for i0 in range(0, L, c):
            X = buf[:min(c, L - i0)]
            Tb.take(idx[i0:i0 + len(X)], axis=0, out=X, mode="clip")   # "clip": no buffered copy; in range
            if sub is not None:
                X -= sub
                X *= X
            if i0:
                X[0] += acc
            np.add.reduce(X, axis=0, out=acc)
        out[:, m0:m0 + wb] = acc
    return out


def sobol_first_total(Y: np.ndarray, D: int, *, num_resamples: int = 100, conf_level: float = 0.95, seed=None,
                      block_bytes: float = 64 * 2 ** 20) -> dict:
    """``S1``, ``S1_conf``, ``ST``, ``ST_conf`` of every row of ``Y``, as SALib's
    ``analyze(..., calc_second_order=False, seed=seed)`` of each row.

    Parameters
    ----------
    Y : numpy.ndarray
        outputs x runs, in SALib's order (per base point: A, AB_1 .. AB_D, B).
    D : int
        Number of inputs (or groups).
    num_resamples : int, default 100
        Bootstrap resamples of the confidence half-widths.
    conf_level : float, default 0.95
    seed : int
        Non-zero (SALib's reproducible case).
    block_bytes : float
        Working memory per block of outputs.

    Returns
    -------
    dict
        ``{"S1", "S1_conf", "ST", "ST_conf"}``: arrays outputs x D.

    Examples
    --------
    >>> from vitality.sobolfast import sobol_first_total
    >>> rng = np.random.default_rng(0)
    >>> A, B = rng.random((256, 2)), rng.random((256, 2))
    >>> AB = [np.where(np.arange(2) == j, B, A) for j in range(2)]      # A with column j from B
    >>> X = np.stack([A, *AB, B], axis=1).reshape(-1, 2)
    >>> Y = (X[:, 0] + 0.1 * X[:, 1]).reshape(1, -1)                    # driven by input 0
    >>> out = sobol_first_total(Y, 2, seed=1)
    >>> bool(out["ST"][0, 0] > 0.8 and out["ST"][0, 1] < 0.2)
    True
    """
    from scipy.special import ndtri  # what scipy.stats.norm.ppf computes (scale 1, loc 0)

    Y = np.ascontiguousarray(Y, dtype=float)
    K, size = Y.shape
    if size % (D + 2):
        raise ValueError("Incorrect number of samples in model output file.")
    if not seed:
        raise ValueError("sobol_first_total needs a non-zero seed (SALib's reproducible case)")
    if not 0 < conf_level < 1:
        raise RuntimeError("Confidence level must be between 0-1.")
    N = size // (D + 2)
    R = int(num_resamples)
    r = np.random.default_rng(seed).integers(N, size=(N, R))
    rr = np.concatenate([r, r + N])                 # the resampled rows of [A; B] (SALib's np.r_[A[r], B[r]])
    Z = ndtri(0.5 + conf_level / 2)
    used = np.zeros(N, dtype=bool)
    used[r.ravel()] = True                          # base points some resample draws
    out = {k: np.zeros((K, D)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    # per output: the run values, the 2D terms per base point and the resampled sums
    per = max(1, int(block_bytes // (8 * (2 * size + N * 2 * D + 2 * R * (2 * D + 2)))))
    for k0 in range(0, K, per):
        Yb = Y[k0:k0 + per]
        Kb = len(Yb)
        with np.errstate(invalid="ignore", divide="ignore"):     # a constant output: SALib gives it 0
            Yb = (Yb - Yb.mean(axis=1, keepdims=True)) / Yb.std(axis=1, keepdims=True)
        V = Yb.reshape(Kb, N, D + 2)
        A, B = V[:, :, 0], V[:, :, D + 1]
        y = np.concatenate([A, B], axis=1)                       # SALib's np.r_[A, B], one row per output
        const = (y.max(axis=1) - y.min(axis=1)) <= _EPS
        y_var = np.var(y, axis=1)
        ok = y_var > _EPS
        # the resampled values are those of the base points drawn: their range, SALib's np.ptp(np.r_[A[r], B[r]])
        Au, Bu = A[:, used], B[:, used]
        ptp_r = np.maximum(Au.max(axis=1), Bu.max(axis=1)) - np.minimum(Au.min(axis=1), Bu.min(axis=1))
        const_r, var_zero = ptp_r <= _EPS, ptp_r == 0.0
        G = np.empty((N, 2, D, Kb))                              # per base point: B (AB_j - A), (A - AB_j)^2
        for j in range(D):
            ABj = V[:, :, j + 1]
            g = B * (ABj - A)
            h = (A - ABj) ** 2
            s1 = np.divide(np.mean(g, axis=1), y_var, out=np.zeros(Kb), where=ok)
            st = np.divide(0.5 * np.mean(h, axis=1), y_var, out=np.zeros(Kb), where=ok)
            s1[const] = 0.0
            st[const] = 0.0
            out["S1"][k0:k0 + Kb, j] = s1
            out["ST"][k0:k0 + Kb, j] = st
            G[:, 0, j] = g.T
            G[:, 1, j] = h.T
        sums = _sequential_sums(G.reshape(N, -1), r).reshape(R, 2, D, Kb)
        del G
        H = np.ascontiguousarray(y.T)                            # 2N x Kb
        m = _sequential_sums(H, rr) / (2 * N)                    # np.var: the mean, then the squared deviations
        v = _sequential_sums(H, rr, minus=m) / (2 * N)
        okr = v > _EPS
        for j in range(D):
            s1 = np.divide(sums[:, 0, j] / N, v, out=np.zeros((R, Kb)), where=okr)
            st = np.divide(0.5 * (sums[:, 1, j] / N), v, out=np.zeros((R, Kb)), where=okr)
            s1[:, const_r] = 0.0
            st[:, const_r] = 0.0
            out["S1_conf"][k0:k0 + Kb, j] = np.where(var_zero, 0.0, Z * np.ascontiguousarray(s1.T).std(axis=1, ddof=1))
            out["ST_conf"][k0:k0 + Kb, j] = np.where(var_zero, 0.0, Z * np.ascontiguousarray(st.T).std(axis=1, ddof=1))
    return out
