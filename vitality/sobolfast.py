"""SALib's Sobol' estimators (``SALib.analyze.sobol.analyze``, ``calc_second_order=False``) for many
outputs at once, bit for bit.

SALib analyses one output per call: for an index of 10,000 units that is 10,000 calls, each
drawing the same bootstrap resamples.  :func:`sobol_first_total` runs the same arithmetic on
blocks of outputs stacked along a leading axis -- each output's reductions run over the same
contiguous or strided memory in the same order as in SALib, so every number is identical (tested
against SALib) -- and draws the resamples once.  Only the case SALib makes reproducible (a non-zero
``seed``) is handled; other calls go to SALib itself.
"""

from __future__ import annotations

import numpy as np

__all__ = ['sobol_first_total']

_EPS = np.finfo(float).eps


def _first(A, AB, B, axis):
    y = np.concatenate([A, B], axis=axis)
    const = _ptp_small(y, axis)
    y_var = np.var(y, axis=axis)
    out = np.divide(np.mean(B * (AB - A), axis=axis), y_var, out=np.zeros_like(y_var, dtype=np.float64),
                    where=y_var > _EPS)
    out[const] = 0.0
    return out


def _total(A, AB, B, axis):
    y = np.concatenate([A, B], axis=axis)
    const = _ptp_small(y, axis)
    y_var = np.var(y, axis=axis)
    out = np.divide(0.5 * np.mean((A - AB) ** 2, axis=axis), y_var, out=np.zeros_like(y_var, dtype=np.float64),
                    where=y_var > _EPS)
    out[const] = 0.0
    return out


def _ptp_small(y, axis):
    """Per output (leading axis): is the whole sample constant (SALib's ``np.ptp(y) <= eps``)?"""
    flat = y.reshape(y.shape[0], -1)
    return (flat.max(axis=1) - flat.min(axis=1)) <= _EPS


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
    from scipy.stats import norm

    Y = np.ascontiguousarray(Y, dtype=float)
    K, size = Y.shape
    if size % (D + 2):
        raise ValueError("Incorrect number of samples in model output file.")
    if not seed:
        raise ValueError("sobol_first_total needs a non-zero seed (SALib's reproducible case)")
    if not 0 < conf_level < 1:
        raise RuntimeError("Confidence level must be between 0-1.")
    N = size // (D + 2)
    step = D + 2
    r = np.random.default_rng(seed).integers(N, size=(N, num_resamples))
    Z = norm.ppf(0.5 + conf_level / 2)
    out = {k: np.zeros((K, D)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    per = max(1, int(block_bytes // (8 * N * num_resamples * 4)))
    for k0 in range(0, K, per):
        Yb = Y[k0:k0 + per]
        with np.errstate(invalid="ignore", divide="ignore"):     # a constant output: SALib gives it 0
            Yb = (Yb - Yb.mean(axis=1, keepdims=True)) / Yb.std(axis=1, keepdims=True)
        A = Yb[:, 0:size:step]
        B = Yb[:, step - 1:size:step]
        Ar, Br = A[:, r], B[:, r]                                   # outputs x N x resamples
        both = np.concatenate([Ar, Br], axis=1).reshape(len(Yb), -1)
        var_zero = (both.max(axis=1) - both.min(axis=1)) == 0.0      # SALib: np.ptp(np.r_[A[r], B[r]]) == 0
        del both
        for j in range(D):
            ABj = np.ascontiguousarray(Yb[:, j + 1:size:step])
            ABr = ABj[:, r]
            out["S1"][k0:k0 + per, j] = _first(A, ABj, B, 1)
            s = np.ascontiguousarray(_first(Ar, ABr, Br, 1))             # outputs x resamples
            out["S1_conf"][k0:k0 + per, j] = np.where(var_zero, 0.0, Z * s.std(axis=1, ddof=1))
            out["ST"][k0:k0 + per, j] = _total(A, ABj, B, 1)
            s = np.ascontiguousarray(_total(Ar, ABr, Br, 1))
            out["ST_conf"][k0:k0 + per, j] = np.where(var_zero, 0.0, Z * s.std(axis=1, ddof=1))
    return out
