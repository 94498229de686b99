r"""Many replications of a composite index at once: matrix products, bounded rounding, one sort.

The exact engine (:mod:`vitality.aggregate`) sums every parent's weighted contributions in sorted
order, so that a score is the same float whatever the order of the children.  Summing in another
order -- a matrix product over the children, one per parent for every replication of a batch --
changes at most the last bits of a score, and a score reaches the ranks only after
:func:`vitality.ranking.round_significant` (12 significant digits by default).  So a batch is
computed fast, with an upper bound of its rounding error, and only what could change a rank is recomputed
exactly:

* :func:`batch_scores`: the scores of every aggregate in every replication of a batch sharing one
  normalised matrix and one aggregation (arithmetic means as one matrix product per parent and
  level-1 group, geometric means in the log domain), with ``B``, a bound of
  :math:`|\hat s - s|` for both the fast value :math:`\hat s` and the exact engine's value, against
  exact arithmetic: the classical bound :math:`\gamma_k \sum_i |w_i v_i|` of a sum of ``k``
  products in any order (:math:`\gamma_k = k u / (1 - k u)`, :math:`u = 2^{-53}`), carried
  through the levels with the weights (non-negative), the division by the weights present and the
  exp/log round trip of the geometric mean -- or, for means of non-negative values (arithmetic means of
  values >= 0, geometric means of values >= 1), no ``B`` at all: :func:`amean_relative_bound` and
  :func:`gmean_relative_bound` bound it relative to every score in advance;
* :func:`rank_rows`: ranks of every row (one replication and aggregate) of a batch of scores, as
  :func:`vitality.ranking.rank_desc` ranks them, from one integer sort of the rounded scores
  packed with their unit number;
* :func:`rank_batch`: every row sorted by the bits of its fast scores, and only where that could
  differ from the exact engine's ranks -- a *near tie* (two neighbours of a sorted row closer than
  ten units of the last digit kept) or a score whose bound is not small against it -- the
  (replication, unit) pairs recomputed exactly and those rows ranked again from the rounded scores.
  A score in rounding doubt with no neighbour that near ranks the same whichever way its exact
  value rounds, so it is not recomputed (:func:`doubtful` tells which scores are in doubt at all).

Elsewhere the ranks are identical to the exact engine's: the ranks of a row depend only on the
order of its rounded scores and on which are equal, and neither can change without a near tie.
"""

from __future__ import annotations

import numpy as np

from .normalise import sorted_ranks
from .rankstats import rank_codes

__all__ = ['UNIT_ROUNDOFF', 'SAFETY', 'decades', 'level_groups', 'amean_relative_bound', 'gmean_relative_bound',
           'level1_parts', 'batch_scores', 'doubtful', 'rank_rows', 'rank_batch']

#: unit roundoff of float64
UNIT_ROUNDOFF = 2.0 ** -53
#: margin of the doubt test: the bounds of the fast and of the exact value (each against exact
#: arithmetic), with 0.5 % more for the second-order terms the bounds leave out
SAFETY = 2.01
#: powers of ten 10^-400 .. 10^400 as numpy computes them (0 and inf past the float range)
with np.errstate(over="ignore"):
    _POW10 = 10.0 ** np.arange(-400.0, 401.0)
_LOG10_2 = 0.30102999566398120


def decades(A: np.ndarray, digits: int = 12) -> tuple:
    """The rounding grid of :func:`vitality.ranking.round_significant`, without a logarithm.

    ``d = floor(log10 |A|)`` from the binary exponent (:func:`numpy.frexp`) and one comparison with
    a power of ten, the scale ``10 ** (digits - 1 - d)`` and the exponent ``digits - 1 - d``.
    ``round_significant`` takes ``floor`` of the computed ``log10``, which can differ from ``d``
    within an ulp or so below a power of ten; there both grids round to that power of ten, so the
    rounded values are the same (values that near a power of ten are doubtful for
    :func:`doubtful` anyway).  0, NaN and infinities get an arbitrary grid.

    Parameters
    ----------
    A : numpy.ndarray
        Float values.
    digits : int
        Significant digits.

    Returns
    -------
    scale : numpy.ndarray
        Float, the shape of ``A``.
    exponent : numpy.ndarray
        int64, the shape of ``A``.

    Examples
    --------
    >>> from vitality.mcbatch import decades
    >>> scale, e = decades(np.array([1.5, 250.0, 0.0123]), 3)
    >>> scale.tolist(), e.tolist()
    ([100.0, 1.0, 10000.0], [2, 0, 4])
    """
    a = np.abs(A)
    with np.errstate(invalid="ignore"):
        fin = a[(a > 0) & (a < np.inf)]
    if fin.size and fin.size == a.size:
        lo, hi = (int(np.floor(np.log10(x))) for x in (fin.min(), fin.max()))
        lo, hi = lo - 1, hi + 1
    if fin.size == a.size and fin.size and hi - lo <= 6 and -390 < lo and hi < 390:
        # few powers of ten in the batch: count the powers each value reaches (a comparison per power)
        d = np.full(a.shape, lo, dtype=np.int64)
        for k in range(lo + 1, hi + 1):
            d += a >= _POW10[k + 400]
    else:
        e2 = np.frexp(a)[1].astype(np.int64)
        e2 -= 1
        d = np.floor(e2 * _LOG10_2).astype(np.int64)           # floor(log10 |A|) or one less
        np.clip(d, -399, 399, out=d)
        with np.errstate(invalid="ignore"):
            d += a >= _POW10[d + 401]
    e = np.subtract(digits - 1, d, out=d)
    return _POW10[np.clip(e, -400, 400) + 400], e


def level_groups(framework) -> list:
    """Children of every parent, level by level, as positions among the codes of the child level.

    Parameters
    ----------
    framework : vitality.framework.Framework

    Returns
    -------
    list
        Element ``lv - 1`` (``lv`` = 1 .. levels - 1): a list with, for every code of level
        ``lv + 1`` in ``framework.codes_at(lv + 1)`` order, an int array of its children's
        positions in ``framework.codes_at(lv)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from vitality.framework import Framework
    >>> from vitality.mcbatch import level_groups
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "P", "Q", "I"], "Level": [1, 1, 1, 2, 2, 3],
    ...                      "Parent": ["P", "P", "Q", "I", "I", None],
    ...                      "Type": ["Indicator"] * 3 + ["Aggregate"] * 3})
    >>> [[g.tolist() for g in lv] for lv in level_groups(Framework.from_meta(meta))]
    [[[0, 1], [2]], [[0, 1]]]
    """
    fw = framework
    out = []
    for lv in range(1, fw.n_levels):
        kids = {c: i for i, c in enumerate(fw.codes_at(lv))}
        out.append([np.array([kids[c] for c in fw.children(p)], dtype=np.intp) for p in fw.codes_at(lv + 1)])
    return out


def _gamma(k: int) -> float:
    """gamma_{k+1}: the relative bound of a sum of k products, and of the division, in any order."""
    u = UNIT_ROUNDOFF
    return (k + 1) * u / (1 - (k + 1) * u)


def _mean(num, absnum, den, cnt, bound_in, k, n_children, min_share, shape, maybe_missing, out, bounds, bout,
          divided=False):
    """Mean (written to ``out``), its bound (to ``bout``; None without ``bounds``) and the present mask of
    one parent (num, ... broadcast to ``shape``).  ``divided``: ``num``, ``absnum`` and ``bound_in`` are
    already divided by ``den`` (``num`` is ``out``).  The caller silences division warnings."""
    u = UNIT_ROUNDOFF
    g = _gamma(k)
    res = num if divided else np.divide(num, den, out=out)
    if not bounds:
        B = None
    elif absnum is None:                         # non-negative terms: sum |w v| = num
        if bound_in is None:                     # level 1: the values and weights >= 0, so res = |res|
            B = np.multiply(res, 2 * g + 2 * u, out=bout)
        else:
            B = np.abs(res, out=bout)
            B *= 2 * g + 2 * u
    else:
        B = np.multiply(absnum, g, out=bout) if divided else np.divide(absnum, den, out=bout)
        if not divided:
            B *= g
        B += np.abs(res) * (g + 2 * u)
    if bound_in is not None and bounds:
        B += bound_in if divided else bound_in / den
    if not maybe_missing and min_share is None:
        return res, B, None
    if min_share is None and den.min() > 0:
        # no score without a present child: den = a sum of the present children's weights (>= 0), 0 when
        # none is (or counts) -- cnt == 0 implies den == 0
        return res, B, None
    bad = (cnt == 0) | (den == 0)
    if min_share is not None:
        bad = bad | (cnt < min_share * n_children - 1e-12)
    if not bad.any():
        return res, B, None
    bad = np.broadcast_to(bad, shape)
    res[bad] = np.nan
    return res, B, ~bad


def amean_relative_bound(groups: list) -> float:
    """A bound, relative to the score, of :func:`batch_scores`'s ``B`` for arithmetic means of
    non-negative values: the sum over the levels of :math:`2 \\gamma_{k+1} + 2u` (``k`` the most
    children of a parent of that level) -- the bound of a parent is that share of its value plus the
    weighted mean of its children's bounds, which are that share of theirs.

    Parameters
    ----------
    groups : list
        :func:`level_groups` of the framework.

    Returns
    -------
    float

    Examples
    --------
    >>> from vitality.mcbatch import amean_relative_bound
    >>> bool(amean_relative_bound([[np.arange(5)] * 3, [np.arange(3)]]) < 1e-14)
    True
    """
    return float(sum(_level_factors(groups)))


def _level_factors(groups: list) -> list:
    """Per level, :math:`c_l = 2 \\gamma_{k+1} + 2u` (``k`` the most children of a parent of that level):
    the bound of a parent's own rounding, relative to its value, for non-negative terms."""
    return [2 * _gamma(max(len(C) for C in lv)) + 2 * UNIT_ROUNDOFF for lv in groups]


def gmean_relative_bound(groups: list, log_max: float) -> float:
    """A bound, relative to the score, of :func:`batch_scores`'s ``B`` for geometric means of values
    >= 1 (logs >= 0, at most ``log_max``).

    In the log domain the bound of a parent of level 1 is :math:`c_1 L` (:math:`c_l = 2 \\gamma_{k+1} + 2u`,
    ``k`` the most children of a parent of level ``l``); a parent of level ``l`` >= 2 adds its own
    :math:`c_l L` to the weighted mean of its children's bounds, each with the :math:`4u (L_i + 1)`
    of the exact engine's exp/log round trip (a missing child adds nothing: its value enters as 0 and its
    weight is not in the denominator).  The weights of the children present sum to one, so
    every bound of level ``l`` is at most :math:`\\alpha_l L + \\beta_l` with
    :math:`\\alpha_l = \\alpha_{l-1} + c_l + 4u`, :math:`\\beta_l = \\beta_{l-1} + 4u` (an affine bound,
    growing with the level).  A score is a weighted mean of its indicators' logs, so
    :math:`L \\le` ``log_max``; after the exponential the bound is :math:`S (e^{B} - 1 + 2u)`, at most
    :math:`(e^{\\alpha \\cdot \\mathrm{log\\_max} + \\beta} - 1 + 2u) S` with the top level's
    :math:`\\alpha, \\beta`.

    Parameters
    ----------
    groups : list
        :func:`level_groups` of the framework.
    log_max : float
        The largest log of a normalised value (>= 0).

    Returns
    -------
    float

    Examples
    --------
    >>> from vitality.mcbatch import gmean_relative_bound
    >>> bool(gmean_relative_bound([[np.arange(5)] * 3, [np.arange(3)]], np.log(100.0)) < 1e-13)
    True
    """
    u = UNIT_ROUNDOFF
    c = _level_factors(groups)
    # levels >= 2 add the exp/log round trip's 4u (L_i + 1) of each child
    alpha = sum(c) + 4 * u * (len(c) - 1)
    beta = 4 * u * (len(c) - 1)
    # the fast scores may exceed log_max, and the weights' sums 1, by their rounding: a margin far above both
    return float(np.expm1((alpha * max(float(log_max), 0.0) + beta) * (1 + 1e-9)) + 2 * u)


def level1_parts(groups: list, V0: np.ndarray, P0: np.ndarray) -> tuple:
    """What :func:`batch_scores` needs of ``V0`` and ``P0`` alone, for every batch of them: whether
    every value is non-negative, and per parent of level 2 its children's values (children x units,
    contiguous), their absolute values (signed values only), whether all are present and, if not,
    the presence as floats and its count per unit, and whether every unit has a child present.  Kept
    read only.

    Parameters
    ----------
    groups, V0, P0
        As :func:`batch_scores`.

    Returns
    -------
    tuple

    Examples
    --------
    >>> from vitality.mcbatch import level1_parts
    >>> nonneg, parts = level1_parts([[np.array([0, 1])]], np.ones((3, 2)), np.ones((3, 2), bool))
    >>> nonneg, parts[0][2]
    (True, True)
    """
    nonneg = not (V0 < 0).any()
    parts = []
    for C in groups[0]:
        Vc = np.ascontiguousarray(V0[:, C].T)                    # k x n
        absVc = None if nonneg else np.abs(Vc)
        all_present = bool(P0[:, C].all())
        Pc = cntP = None
        if not all_present:
            Pc = np.ascontiguousarray(P0[:, C].T, dtype=float)   # k x n
            cntP = Pc.sum(axis=0)[None, :]
        for x in (Vc, absVc, Pc, cntP):
            if x is not None:
                x.flags.writeable = False
        covered = all_present or bool(cntP.min() > 0)            # every unit has a present child
        parts.append((Vc, absVc, all_present, Pc, cntP, covered))
    return nonneg, parts


def batch_scores(groups: list, V0: np.ndarray, P0: np.ndarray, W: list, *, keep: np.ndarray | None = None,
                 gmean: bool = False, min_share: float | None = None, bounds: bool = True,
                 parts: tuple | None = None) -> tuple:
    r"""Scores and rounding bounds of every aggregate in a batch of replications.

    Parameters
    ----------
    groups : list
        :func:`level_groups` of the framework.
    V0 : numpy.ndarray
        units x indicators: the normalised values (their logs for ``gmean``), 0 where missing.
    P0 : numpy.ndarray of bool
        units x indicators: value present.
    W : list of numpy.ndarray
        Per level ``lv`` (element ``lv - 1``): replications x codes of level ``lv``, the weights
        (>= 0) of every replication.
    keep : numpy.ndarray of bool, optional
        replications x indicators: False for an indicator left out of a replication (its weight
        is then ignored and it no longer counts among its parent's children).
    gmean : bool
        Geometric means (``V0`` holds logs; means in the log domain, ``exp`` at the end).
    min_share : float, optional
        A parent is missing when fewer than this share of its children are present.
    bounds : bool, default True
        Compute ``B``.  False (means of non-negative values only: values for arithmetic means, logs for
        ``gmean``): ``B`` is None, and :func:`amean_relative_bound` (:func:`gmean_relative_bound`)
        bounds it relative to each score.
    parts : tuple, optional
        :func:`level1_parts` of ``groups``, ``V0`` and ``P0`` (made here if not given).

    Returns
    -------
    S : numpy.ndarray
        aggregates x replications x units (level 2 first, the top last), NaN where missing.
    B : numpy.ndarray or None
        Same shape: a bound of the distance of both ``S`` and the exact engine's score from the
        exactly rounded mean of the same inputs (first order in the unit roundoff).

    Examples
    --------
    >>> from vitality.mcbatch import batch_scores
    >>> groups = [[np.array([0, 1])]]                       # two indicators, one index
    >>> V0 = np.array([[1.0, 3.0], [2.0, 0.0]]); P0 = np.array([[True, True], [True, False]])
    >>> S, B = batch_scores(groups, V0, P0, [np.array([[1.0, 1.0], [1.0, 3.0]])])
    >>> S[0].tolist()                                       # replication x unit
    [[2.0, 2.0], [2.5, 2.0]]
    >>> bool((B < 1e-14).all())
    True
    """
    with np.errstate(divide="ignore", invalid="ignore"):       # once: entering it costs microseconds
        return _batch_scores(groups, V0, P0, W, keep, gmean, min_share, bounds,
                             level1_parts(groups, V0, P0) if parts is None else parts)


def _run(C: np.ndarray):
    """``C`` (positions) as a slice when they are consecutive and increasing (indexing by it gives a
    view), else ``C``."""
    c = C.tolist()
    return slice(c[0], c[0] + len(c)) if c and c == list(range(c[0], c[0] + len(c))) else C


def _batch_scores(groups, V0, P0, W, keep, gmean, min_share, bounds, parts):
    u = UNIT_ROUNDOFF
    R = W[0].shape[0]
    n = V0.shape[0]
    shape = (R, n)
    n_agg = sum(len(g) for g in groups)
    if R == 0:                                   # no replication: nothing to reduce over
        return np.empty((n_agg, 0, n)), (np.empty((n_agg, 0, n)) if bounds else None)
    S = np.empty((n_agg, R, n))
    W1 = W[0] if keep is None else np.where(keep, W[0], 0.0)
    nonneg, parts = parts
    if not bounds and not nonneg:
        raise ValueError("batch_scores(bounds=False) is for means of non-negative values (logs for gmean)")
    Bs = np.empty((n_agg, R, n)) if bounds else None
    # ------------------------------------------------------------ level 1: one matrix product per parent
    vals, pres, bnds = [], [], []
    a = 0
    for C, (Vc, absVc, all_present, Pc, cntP, covered) in zip(groups[0], parts):
        k = len(C)
        Wc = W1[:, _run(C)]                                      # R x k (a view when the children are adjacent)
        num = np.matmul(Wc, Vc, out=S[a])                        # R x n, written in place
        absnum = None if nonneg else Wc @ absVc
        if keep is None:
            kc, n_children = None, float(k)
        else:
            kc = keep[:, C].astype(float)                        # R x k
            n_children = kc.sum(axis=1)[:, None]
        if all_present:
            den = Wc.sum(axis=1)[:, None]
            cnt = n_children
        else:
            den = Wc @ Pc
            cnt = cntP if kc is None else kc @ Pc
        # a unit without a score needs a row whose present children all weigh 0: none when every unit
        # has a present child and every weight is positive (told from the R x k weights, not R x n sums)
        maybe = keep is not None or not covered or not Wc.min() > 0
        res, B, ok = _mean(num, absnum, den, cnt, None, k, n_children, min_share, shape, maybe, S[a], bounds,
                           Bs[a] if bounds else None)
        a += 1
        vals.append(res)
        pres.append(ok)
        bnds.append(B)
    # ------------------------------------------------------------ levels >= 2: weighted sums over children
    for lv in range(1, len(groups)):
        Wl = W[lv]
        L = len(vals)
        ls = a - L                                 # the child level's scores and bounds: S[ls:a], Bs[ls:a]
        missing_any = any(p is not None for p in pres)
        V = S[ls:a]                                # L x R x n, a view
        P = Pf = None
        if missing_any:
            P = np.stack([np.ones(shape, dtype=bool) if p is None else p for p in pres])
            V = np.where(P, V, 0.0)
            Pf = P.astype(float)
        Bv = Bs[ls:a] if bounds else None
        if gmean and bounds:
            # the exact engine passes exp(mean of logs) up and takes its log again: 2 roundings more
            t = np.abs(V)
            t += 1.0
            t *= 4 * u
            t += Bv
            Bv = t
        if bounds and missing_any:
            # a missing child adds no error: its value enters as 0 and its weight is not in the denominator
            Bv = np.where(P, Bv, 0.0)
        nvals, npres, nbnds = [], [], []
        for C in groups[lv]:
            k = len(C)
            sl = _run(C)
            Vc = V[sl]                             # k x R x n
            w = Wl[:, sl]                          # R x k
            missing = missing_any and any(pres[i] is not None for i in C)
            if missing:
                den = np.einsum("rk,krn->rn", w, Pf[sl])
                cnt = Pf[sl].sum(axis=0)
            else:
                # every child present: the weights divided by their sum first (R x k), so that one pass
                # gives the means -- no division of R x n scores.  Each weight then carries the sum's and the
                # division's rounding, as each mean did: the same first-order bound
                den = w.sum(axis=1)[:, None]
                cnt = float(k)
                w = w / den
            # one pass over the k children (a sum of k products per score, as the bound allows in any order)
            num = np.einsum("rk,krn->rn", w, Vc, out=S[a])
            bin_ = np.einsum("rk,krn->rn", w, Bv[sl]) if bounds else None
            # arithmetic means of non-negative values stay non-negative; logs need a look
            signed = not nonneg and Vc.min() < 0   # means of values (or logs) >= 0 are >= 0
            absnum = np.einsum("rk,krn->rn", w, np.abs(Vc)) if signed else None
            maybe = missing or not (den > 0).all()
            res, B, ok = _mean(num, absnum, den, cnt, bin_, k, float(k), min_share, shape, maybe, S[a], bounds,
                               Bs[a] if bounds else None, divided=not missing)
            a += 1
            nvals.append(res)
            npres.append(ok)
            nbnds.append(B)
        vals, pres, bnds = nvals, npres, nbnds
    if gmean:
        with np.errstate(over="ignore", invalid="ignore"):
            np.exp(S, out=S)
            if bounds:
                # |exp(x + d) - exp(x)| <= exp(x) (e^|d| - 1), and exp's own rounding
                np.expm1(Bs, out=Bs)
                Bs += 2 * u
                Bs *= S
    return S, Bs


def doubtful(S: np.ndarray, B: np.ndarray, digits: int = 12) -> np.ndarray:
    """Scores whose exact value could round to another ``digits``-digit value than ``S`` does.

    Parameters
    ----------
    S, B : numpy.ndarray
        Scores and the bounds of their rounding error (:func:`batch_scores`), same shape.
    digits : int
        Significant digits of :func:`vitality.ranking.round_significant`.

    Returns
    -------
    numpy.ndarray of bool
        True where a rounding boundary (a half unit of the last digit kept) lies within
        ``SAFETY * B`` (and the rounding of the scaling itself) of ``S``, where ``S`` is near a
        power of ten (where the exact value's scale could differ), zero or not finite; False where
        ``S`` is NaN (missing in both).

    Examples
    --------
    >>> from vitality.mcbatch import doubtful
    >>> S = np.array([2.000000000005, 2.000000000004, 1.0, 0.0, np.nan])
    >>> doubtful(S, np.full(5, 1e-15)).tolist()
    [True, False, True, True, False]
    """
    return _doubtful(S, B, digits)


def _doubtful(S, B, digits):
    scale = decades(S, digits)[0]
    with np.errstate(invalid="ignore", over="ignore"):
        aP = np.abs(S)
        aP *= scale
        reach = aP - np.rint(aP)
        np.abs(reach, out=reach)
        reach += (4 * UNIT_ROUNDOFF) * aP
        Bs = B * scale
        Bs *= SAFETY
        reach += Bs
        el = ~(reach < 0.5)
        # the exact value's decade could differ: within the bound (and 1e-9) of a power of ten
        el |= ~(aP - Bs > 10.0 ** (digits - 1) * (1 + 1e-9))
        el |= ~(aP + Bs < 10.0 ** digits * (1 - 1e-9))
    el &= ~np.isnan(S)
    return el


def rank_rows(S: np.ndarray, digits: int = 12, ties: str = "min") -> np.ndarray | None:
    """Descending ranks of every row of ``S`` (rows x units) after rounding to ``digits`` digits,
    as ``rank_asc(-round_significant(S.T, digits), ties).T`` -- by one integer sort.

    The rounded values are packed, with the unit's position, into one ``int64`` per score (their
    magnitude and digits, offset by the batch's smallest key), so that a plain ``np.sort`` of each
    row orders them (ties by position) without an ``argsort``.

    Parameters
    ----------
    S : numpy.ndarray
        rows x units scores, NaN = missing.
    digits : int
        Significant digits compared (1..13: the keys must fit 64 bits).
    ties : {"min", "average", "max", "dense", "first"}

    Returns
    -------
    numpy.ndarray or None
        rows x units float ranks (1 = largest), NaN where ``S`` is; None when the keys of this
        batch do not fit 64 bits (values over too many powers of ten, or infinite) or could differ from
        ``round_significant``'s values (near powers of ten where its scale is not exact).

    Examples
    --------
    >>> from vitality.mcbatch import rank_rows
    >>> rank_rows(np.array([[3.0, 1.0, 3.0 + 1e-14, np.nan], [0.5, -2.0, 0.0, 1.0]])).tolist()
    [[1.0, 3.0, 1.0, nan], [2.0, 4.0, 3.0, 1.0]]
    """
    if not 1 <= digits <= 13:
        raise ValueError("rank_rows compares at most 13 significant digits")
    return _rank_rows(S, digits, ties)


def _sorted_keys(S, digits):
    """Per row of ``S`` (rows x units), the integer keys of the rounded scores sorted ascending (0 = best,
    missing last, equal rounded values equal keys), the unit of each sorted position and the key of a
    missing score; None when the keys do not fit 64 bits (see :func:`rank_rows`)."""
    rows, n = S.shape
    nan = np.isnan(S)
    present = ~nan
    if np.isinf(S).any():
        return None
    scale, e = decades(S, digits)
    ep = e[present]
    if ep.max() > 290 or ep.min() < -290:       # near the ends of the float range: let the caller round
        return None
    if ep.max() > digits - 1 or ep.min() < digits - 16:
        # values below 1 or past 1e15 (powers of ten there are not all floats, or scaled inexactly):
        # round_significant (grid from log10) and this grid can differ in the last bit near such a power
        far = ((e > digits - 1) | (e < digits - 16)) & (S != 0)
        with np.errstate(invalid="ignore"):
            aPf = np.abs(S[far]) * scale[far]
        if ((aPf < 10.0 ** (digits - 1) * (1 + 1e-9)) | (aPf > 10.0 ** digits * (1 - 1e-9))).any():
            return None
    with np.errstate(invalid="ignore"):
        M = np.abs(S)
        M *= scale
    np.rint(M, out=M)
    M[nan] = 0.0
    # order-preserving integer keys: magnitude (from the exponent), then the digits kept; a value that
    # rounded up to the next power of ten gets that power's key, zero gets 0
    top = 10.0 ** digits
    up = M >= top
    if up.any():
        # round_significant gives such a value rint(x * s) / s with its own decade's scale s = 10**e, which
        # equals the power of ten's own rounding only when both scales are exact (1 <= e <= 22): e.g. at
        # 3 digits 99999000 -> 100000000.00000001, not 1e8; elsewhere the caller rounds
        eu = e[up]
        if (eu < 1).any() or (eu > 22).any():
            return None
        M[up] /= 10.0
        e = e - up
    key = (1000 - e).astype(np.int64)
    key *= np.int64(10 ** digits)
    key += M.astype(np.int64)
    key[M == 0] = 0
    np.negative(key, out=key, where=S < 0)
    kmax = key[present].max()
    kmin = key[present].min()
    bits = max(1, int(n - 1).bit_length())
    span = int(kmax) - int(kmin) + 2
    if span.bit_length() + bits > 62:
        return None
    K = np.subtract(kmax, key, out=key)            # 0 = best; missing: beyond the others
    K[nan] = span - 1
    K <<= bits
    K |= np.arange(n, dtype=np.int64)
    K.sort(axis=1)
    idx = K & np.int64((1 << bits) - 1)
    K >>= bits
    return K, idx, span - 1


def _ranks_of_sorted(K, idx, missing, ties):
    """Ranks (rows x units, NaN where missing) from :func:`_sorted_keys`'s sorted keys and positions."""
    rows, n = K.shape
    ranks = np.empty(K.shape)
    sr = sorted_ranks(K, ties)
    if n >= 1024:                                  # long rows: a scatter per row stays in the cache
        for i in range(rows):
            ranks[i, idx[i]] = sr[i]
    else:
        np.put_along_axis(ranks, idx, sr, axis=1)
    miss = K == missing
    if miss.any():
        r, p = np.nonzero(miss)
        ranks[r, idx[r, p]] = np.nan
    return ranks


def _rank_rows(S, digits, ties):
    if not (~np.isnan(S)).any():
        return np.full(S.shape, np.nan)
    out = _sorted_keys(S, digits)
    return None if out is None else _ranks_of_sorted(*out, ties)


_INT64_MAX = np.iinfo(np.int64).max
_SIGN_OFF = np.int64(_INT64_MAX)


def _key_bits(n: int) -> int:
    """Low bits of a sort key that hold the unit's position (``n`` units)."""
    return max(1, int(n - 1).bit_length())


def _near_threshold(bits: int, digits: int) -> np.uint64:
    """Unsigned gap between sorted keys under which two neighbours are a near tie (:func:`_near`)."""
    # two floats whose bit patterns differ by D (same sign) differ by at least D ulps of the smaller,
    # i.e. by D * 2**-53 relative: keys (D / 2**bits) this far apart are at least 10**(2 - digits) apart.
    # With the unit in the low bits, key gaps below thr * 2**bits include every such pair
    thr = 1 + int(np.ceil(10.0 ** (2 - digits) * 2.0 ** (53 - bits) * (1 + 1e-6)))
    return np.uint64(min(thr << bits, 2 ** 64 - 1))


def _float_order(S: np.ndarray, smallest=None):
    """Rows of ``S`` (rows x units, finite or NaN, C-contiguous) sorted from the largest, by one integer sort.

    The bits of a float, read as an integer with the negative ones flipped, order the floats; the
    lowest ``bits`` bits are replaced by the unit's position, so that a plain sort of each row gives
    the order (near-equal values, within those low bits, are left to the caller).  Returns the sorted
    keys (the unit in their low ``bits`` bits), ``bits``, and the smallest key of a missing score
    (NaN sorts last), None when no score is missing.  Positive scores only (the usual case: one
    comparison tells) take two passes and the sort instead of seven, with the same keys.
    ``smallest``: ``S.min()`` when the caller has it."""
    rows, n = S.shape
    bits = _key_bits(n)
    low = np.int64((1 << bits) - 1)
    pos = np.arange(n, dtype=np.int64)
    b = S.view(np.int64)
    if smallest is None:
        with np.errstate(invalid="ignore"):
            smallest = S.min() if S.size else 1.0
    if smallest > 0 or (smallest == 0 and not np.signbit(S).any()):
        # no NaN, no sign bit: ~b orders them from the largest (the general path's keys, fewer passes):
        # with y = b | low, ~y | pos == ~y ^ pos == y ^ ~pos
        k = np.bitwise_or(b, low)
        k ^= ~pos
        k.sort(axis=1)
        return k, bits, None
    k = b >> 63                                    # -1 for negative floats, else 0
    k &= _SIGN_OFF
    k ^= b                                         # increasing with the float
    np.invert(k, out=k)                            # decreasing: the largest first
    nan = np.isnan(S)
    nan_lo = None
    if nan.any():
        k[nan] = _INT64_MAX
        nan_lo = _INT64_MAX & ~low
    k &= ~low
    k |= pos
    k.sort(axis=1)
    return k, bits, nan_lo


def _near(K, bits, nan_lo, digits):
    """(row, unit) of both members of every pair of neighbours in sorted rows (:func:`_float_order`'s keys)
    whose values are closer, relative to the smaller magnitude, than ten units of the coarsest grid of
    ``digits`` significant digits (and a few pairs just beyond that: safe, they are only recomputed)."""
    n = K.shape[1]
    Kf = np.ascontiguousarray(K).reshape(-1)       # one pass over the whole block, not row by row
    Ku = Kf.view(np.uint64)
    gap = Ku[1:] - Ku[:-1]                         # exact within a row (sorted); across rows ignored below
    gap[n - 1::n] = np.iinfo(np.uint64).max        # a row's last key against the next row's first
    thr = _near_threshold(bits, digits)
    e = np.empty(0, dtype=np.intp)
    if not gap.size or gap.min() >= thr:           # the usual case: no near tie, told by one reduction
        return e, e
    near = gap < thr
    if nan_lo is not None:
        near &= Kf[1:] < nan_lo                    # missing scores sort last and tie among themselves
        if not near.any():
            return e, e
    j = np.flatnonzero(near)                       # row by row, as numpy.nonzero of the rows x (n - 1) gaps
    r = j // n
    low = np.int64((1 << bits) - 1)
    return np.concatenate([r, r]), np.concatenate([Kf[j] & low, Kf[j + 1] & low])


_TILES: dict = {}


def _tiled(vals: np.ndarray, rows: int) -> np.ndarray:
    """``rows`` x len(vals) read-only copies of ``vals`` (kept and grown per values): numpy's scatter
    takes a whole array of values a third faster than one row broadcast."""
    key = (vals.dtype.str, vals.tobytes())
    t = _TILES.get(key)
    if t is None or len(t) < rows:
        t = np.tile(vals, (max(rows, 2 * (0 if t is None else len(t))), 1))
        t.flags.writeable = False
        _TILES[key] = t                              # replaced whole: a view of the last one stays valid
    return t[:rows]


def _put_sorted(T, K, bits, base, stride, vals, nan_lo, gone, inplace=False):
    """Write ``vals[j]`` (the code of sorted position ``j``) of every sorted row of keys ``K`` to
    ``T[base[row] + unit * stride]`` (``T`` flat), and ``gone`` where the score is missing.
    ``inplace``: the positions are made in ``K`` itself (its keys are no longer needed)."""
    miss = None
    if nan_lo is not None:
        miss = K >= nan_lo
        if not miss.any():
            miss = None
    flat = K if inplace else K.copy()
    flat &= np.int64((1 << bits) - 1)
    if stride != 1:
        flat *= stride
    flat += base[:, None]
    T[flat] = _tiled(vals, len(flat))
    if miss is not None:
        T[flat[miss]] = gone


def rank_batch(S: np.ndarray, B: np.ndarray, exact, digits: int = 12, ties: str = "min", *,
               codes=None, out: np.ndarray | None = None, columns: np.ndarray | None = None,
               jit=None) -> tuple:
    """Ranks of every row of a batch of fast scores, as the exact engine's scores rank.

    The ranks of a row depend only on the order of its scores rounded to ``digits`` significant
    digits and on which of those are equal.  Two neighbours of a sorted row further apart than ten
    units of the last digit kept (relative to the larger) keep their order and stay unequal after
    rounding, however the fast and the exact values differ within their bounds.  So every row is
    sorted by the fast scores (one integer sort of their bits), and only where that could differ --
    neighbours closer than that (*near ties*, equal ones included), or a score whose bound is not
    small against its value (near zero, cancellation) -- are the (replication, unit) pairs
    recomputed by the exact engine and the rows of those replications ranked again from the rounded
    scores, again until no near tie is left with a fast score in it.  Rows without a near tie have
    no tie at all and are ranked by their order.

    Parameters
    ----------
    S, B : numpy.ndarray
        aggregates x replications x units: fast scores and their bounds (:func:`batch_scores`);
        ``S`` is overwritten where recomputed.  ``B`` None: every bound is known to be at most
        ``10 ** -digits`` of its score (:func:`amean_relative_bound`).
    exact : callable
        ``exact(r, u)`` -> (pairs x aggregates) exact scores of the (replication, unit) pairs
        ``r[i], u[i]`` (all aggregates of ``S``, in its order).
    digits : int
        Significant digits compared (1..13).
    ties : {"min", "average", "max", "dense", "first"}
    codes : numpy integer dtype, optional
        Return rank codes of this dtype instead (:func:`vitality.rankstats.rank_codes`: twice the
        rank, 0 = missing), written straight from the sorted positions.
    out : numpy.ndarray, optional
        C-contiguous aggregates x units x M array (of ``codes``' dtype, float without ``codes``) to write
        the ranks into, replication ``r`` to column ``columns[r]`` (a rank store's layout: no transposed
        copy).  Returned instead of a new array.
    columns : numpy.ndarray of int, optional
        With ``out``: the column of every replication.
    jit : module, optional
        :func:`vitality.jit.kernels`: the sort keys, the scatter of the codes and the near-tie test
        as compiled loops (the same ranks).

    Returns
    -------
    ranks : numpy.ndarray or None
        aggregates x replications x units (``out`` if given), as ``rank_desc`` ranks the exact scores
        (or their codes); None when the batch's keys do not fit 64 bits (``S`` is then exactly rounded
        wherever in doubt, and the caller ranks it itself).
    n_pairs : int
        How many (replication, unit) pairs were recomputed exactly.

    Examples
    --------
    >>> from vitality.mcbatch import rank_batch
    >>> S = np.array([[[2.0, 2.000000000005, 1.5]]]); B = np.full(S.shape, 1e-15)
    >>> ranks, k = rank_batch(S, B, lambda r, u: np.array([[2.0, 2.0, 1.5]])[:, u].T)
    >>> ranks.tolist(), k                    # a near tie: both pairs recomputed, then tied
    ([[[1.0, 1.0, 3.0]]], 2)
    >>> rank_batch(S, B, lambda r, u: np.array([[2.0, 2.0, 1.5]])[:, u].T, codes=np.int16)[0].tolist()
    [[[2, 2, 6]]]
    >>> S = np.array([[[2.000000000005, 3.0, 1.5]]])
    >>> rank_batch(S, B, lambda r, u: 1 / 0)[0].tolist()   # in doubt, but no neighbour near: kept
    [[[2.0, 1.0, 3.0]]]
    """
    nA, R, n = S.shape
    if not S.flags.c_contiguous:
        raise ValueError("rank_batch needs a C-contiguous S (it is overwritten where recomputed)")
    if jit is not None:                            # the same test in one loop
        special = np.zeros((R, n), dtype=bool)
        if jit.any_inf(S) if B is None else jit.special_pairs(S, B, 10.0 ** -digits, special):
            return _rank_batch_rounded(S, B, exact, digits)
    else:
        # two reductions instead of a boolean array: finite extremes rule out an infinite score
        with np.errstate(invalid="ignore"):
            smallest, largest = (S.min(), S.max()) if S.size else (1.0, 1.0)
        finite = bool(np.isfinite(smallest) and np.isfinite(largest))      # then no NaN either
        if not finite and np.isinf(S).any():
            return _rank_batch_rounded(S, B, exact, digits)
        # no bound to look at, or every bound within its tolerance, told by one reduction: fl(x * c) grows
        # with x, so the largest bound under the smallest score's tolerance is under every score's
        if B is None or (finite and smallest > 0 and B.max() <= smallest * 10.0 ** -digits):
            special = np.zeros((R, n), dtype=bool)
        else:
            with np.errstate(invalid="ignore"):
                # the fast and the exact value are within 2 B of each other: at most 2e-12 relative (12
                # digits) here, against neighbours at least 1e-10 apart and a grid of at most 1e-11
                tol = np.abs(S)
                tol *= 10.0 ** -digits
                special = B <= tol
                np.logical_not(special, out=special)   # bound not small against the value (NaN: never)
            if not finite:
                special &= ~np.isnan(S)
            special = special.any(axis=0)
            del tol
    dtype = float if codes is None else codes
    if out is None:
        ranks = np.empty((nA, R, n), dtype=dtype)
        T, base, stride = ranks.reshape(-1), np.arange(nA * R, dtype=np.int64) * n, 1
    else:
        if out.dtype != np.dtype(dtype) or out.ndim != 3 or out.shape[:2] != (nA, n) or not out.flags.c_contiguous:
            raise ValueError(f"rank_batch: out must be a C-contiguous {nA} x {n} x M array of {np.dtype(dtype)}")
        ranks, T, stride = out, out.reshape(-1), out.shape[2]
        base = (np.arange(nA, dtype=np.int64)[:, None] * (n * stride)
                + np.asarray(columns, dtype=np.int64)[None, :]).ravel()
    if codes is None:
        vals, gone = np.arange(1.0, n + 1.0), np.nan
    else:
        vals, gone = np.arange(2, 2 * n + 2, 2, dtype=codes), 0
    unit_off = np.arange(n, dtype=np.int64) * stride
    Sf = S.reshape(-1, n)                          # rows (aggregate, replication) x units: a view
    # rows to rank again (aggregate * R + replication) and the pairs they need exact: the near ties,
    # and every aggregate's row of a pair whose bound is not small
    if jit is None:
        K, bits, nan_lo = _float_order(Sf, smallest)
        near_rows, todo_u = _near(K, bits, nan_lo, digits)
        _put_sorted(T, K, bits, base, stride, vals, nan_lo, gone, inplace=True)   # K is not needed after
    else:                                          # the same keys, codes and near ties in two loops
        bits = _key_bits(n)
        K = np.empty(Sf.shape, dtype=np.int64)
        jit.order_keys(Sf, bits, K)
        K.sort(axis=1)
        flags = np.empty(len(K), dtype=bool)
        if jit.scatter_near(K, bits, base, np.int64(stride), vals, vals.dtype.type(gone),
                            _near_threshold(bits, digits), T, flags):
            rows_near = np.flatnonzero(flags)
            rr, todo_u = _near(K[rows_near], bits, _INT64_MAX & ~np.int64((1 << bits) - 1), digits)
            near_rows = rows_near[rr]
        else:
            near_rows = todo_u = np.empty(0, dtype=np.intp)
    del K
    sr, su = np.nonzero(special)
    todo_rows = np.concatenate([near_rows, (np.arange(nA)[:, None] * R + sr[None, :]).ravel()])
    todo_r = np.concatenate([near_rows % R, sr])
    todo_u = np.concatenate([todo_u, su])
    done = None                                    # pairs recomputed exactly (R x units, when any)
    n_pairs = 0
    while True:
        if not len(todo_r):
            return ranks, n_pairs
        if done is None:
            done = np.zeros((R, n), dtype=bool)
        new = ~done[todo_r, todo_u]
        if not new.any():
            return ranks, n_pairs
        pair = np.unique(todo_r[new] * n + todo_u[new])
        pr, pu = pair // n, pair % n
        S[:, pr, pu] = np.asarray(exact(pr, pu), dtype=float).T      # aggregates x pairs
        done[pr, pu] = True
        n_pairs += len(pr)
        # those rows ranked again from the rounded scores (a row without a near tie keeps its order
        # and has no tie whichever of its scores are exact); their near ties tested again
        rows = np.unique(todo_rows)
        Sr = Sf[rows]
        Rk = _rank_rows(Sr, digits, ties)
        if Rk is None:
            return _rank_batch_rounded(S, B, exact, digits, done)
        T[base[rows][:, None] + unit_off[None, :]] = Rk if codes is None else rank_codes(Rk, codes)
        K, bits, nan_lo = _float_order(Sr)
        rr, todo_u = _near(K, bits, nan_lo, digits)
        todo_rows = rows[rr]
        todo_r = todo_rows % R


def _rank_batch_rounded(S, B, exact, digits, done=None):
    """The batch's keys do not fit 64 bits: make ``S`` exact wherever its rounding is in doubt, return None.
    ``B`` None: the bound known for it, ``10 ** -digits`` of each score."""
    nA, R, n = S.shape
    if B is None:
        with np.errstate(invalid="ignore"):
            B = np.abs(S) * 10.0 ** -digits
    doubt = _doubtful(S, B, digits).any(axis=0)
    if done is not None:
        doubt &= ~done
    redo_r, redo_u = np.nonzero(doubt)
    if len(redo_r):
        S[:, redo_r, redo_u] = np.asarray(exact(redo_r, redo_u), dtype=float).T
    return None, len(redo_r) + (0 if done is None else int(done.sum()))
