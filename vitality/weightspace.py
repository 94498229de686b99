"""Weights consistent with a published ranking: the whole weight space, not a few schemes.

A composite index that is a weighted arithmetic mean of printed component scores,
:math:`s_i(w) = \\sum_d w_d x_{id}` with :math:`w` on the simplex (:math:`w_d \\ge 0`, :math:`\\sum_d w_d = 1`),
turns a published ranking into a set of *linear* inequalities in the weights: unit ``i`` printed above
unit ``j`` needs :math:`s_i(w) > s_j(w)`, two units printed with the same rank need :math:`s_i(w) = s_j(w)`
(the "min" tie rule). So the set of weight vectors that reproduce a published ranking is a convex polytope,
found exactly by linear programming (:func:`consistent_region`), and where it is empty the weights that
reproduce *most* of the ranking are found by scanning the simplex (:func:`simplex_scan`).

Two readings of the printed scores:

* ``"exact"`` — the printed scores are the scores: the order must hold for them as printed (strictly, with
  the largest common margin ``t`` maximised; the region is reproduced when ``t > 0``);
* ``"rounding"`` — each printed score stands for any true value within half a printed unit (``half``).
  Because the weights sum to 1, the weighted mean of the true scores of unit ``i`` is its printed weighted
  mean plus some :math:`\\varepsilon_i \\in [-half, half]`, whatever the weights; the ranking is
  reproduced when *one* set of :math:`\\varepsilon_i` makes every printed order hold. That is still linear
  (variables :math:`w, \\varepsilon, t`), so the rounding reading is exact too, not a tolerance per pair.

Ranges of each weight inside the region (:func:`consistent_region`) are found by minimising and maximising
that weight over the closure of the region (margin ``t >= 0``): how tightly the ranking identifies the
weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from .errors import ConfigError

__all__ = ['READINGS', 'order_constraints', 'RegionResult', 'margin_at', 'consistent_region', 'simplex_grid',
           'ScanResult', 'box_grid', 'simplex_scan', 'region_table', 'plot_weight_space', 'CRITERIA',
           'AgreementResult', 'best_agreement']

#: readings of the printed scores understood by :func:`consistent_region` and :func:`simplex_scan`
READINGS = ("exact", "rounding")


def _check(scores: pd.DataFrame, ranks: pd.Series) -> tuple[np.ndarray, np.ndarray, list]:
    if not isinstance(scores, pd.DataFrame):
        raise ConfigError("scores must be a DataFrame: one row per unit, one column per component.")
    ranks = pd.Series(ranks).dropna()
    missing = [u for u in ranks.index if u not in scores.index]
    if missing:
        raise ConfigError(f"ranked units without scores: {missing[:5]}.")
    X = scores.loc[ranks.index].apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    if not np.isfinite(X).all():
        raise ConfigError("every ranked unit needs a finite score in every component.")
    return X, ranks.to_numpy(dtype=float), list(ranks.index)


def order_constraints(ranks: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of ranked units, as two index arrays: ``above`` (better published rank) and ``below``.

    Pairs with the same published rank (ties) are returned separately by :func:`consistent_region`.

    Parameters
    ----------
    ranks : pandas.Series
        Published ranks of the units (1 = best).

    Returns
    -------
    above, below : numpy.ndarray
        Positions (in ``ranks``) of the better and the worse unit of every strictly ordered pair, sorted.

    Examples
    --------
    >>> a, b = order_constraints(pd.Series({"x": 1, "y": 2, "z": 2}))
    >>> list(zip(a.tolist(), b.tolist()))
    [(0, 1), (0, 2)]
    """
    r = pd.Series(ranks).to_numpy(dtype=float)
    i, j = np.triu_indices(len(r), k=1)
    up = r[i] < r[j]
    down = r[i] > r[j]
    above = np.concatenate([i[up], j[down]])
    below = np.concatenate([j[up], i[down]])
    order = np.lexsort((below, above))
    return above[order], below[order]


@dataclass(frozen=True)
class RegionResult:
    """Result of :func:`consistent_region`.

    Parameters
    ----------
    reading : str
        ``"exact"`` or ``"rounding"`` (:data:`READINGS`).
    feasible : bool
        Some weights reproduce every printed order strictly (margin > 0).
    margin : float
        Largest common margin ``t`` in score points; <= 0: not reproduced.
    ranges : pandas.DataFrame
        Per component: ``min``, ``max`` (and ``width``) of its weight over the closure of the region.
    n_units, n_pairs, n_ties : int
        Units ranked, strictly ordered pairs and tied pairs.
    witness : dict, optional
        The weights attaining the largest margin.
    half : float, default 0
        Half a printed unit (rounding reading only).

    Examples
    --------
    >>> from vitality.weightspace import consistent_region
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> r = pd.Series({"x": 1, "y": 2, "z": 3})
    >>> reg = consistent_region(s, r)
    >>> reg.feasible, reg.margin, reg.n_pairs
    (True, 1.0, 3)
    >>> reg.contains({"a": 3, "b": 1}), reg.contains({"a": 1, "b": 3})
    (True, False)
    """

    reading: str
    feasible: bool             # some weights reproduce every printed order strictly (margin > 0)
    margin: float              # largest common margin t (score points); <= 0: not reproduced
    ranges: pd.DataFrame       # per component: min, max of its weight over the closure of the region
    n_units: int
    n_pairs: int
    n_ties: int
    witness: dict = field(default_factory=dict)   # the weights attaining the largest margin
    half: float = 0.0

    def contains(self, weights: Mapping[str, float], tol: float = 1e-9) -> bool:
        """Whether ``weights`` (normalised to sum 1) lie inside the per-weight ranges (a necessary, not a
        sufficient, condition for lying in the region; use :func:`consistent_region` with ``fixed``)."""
        w = pd.Series(weights, dtype=float)
        w = w / w.sum()
        r = self.ranges
        return bool(((w.reindex(r.index) >= r["min"] - tol) & (w.reindex(r.index) <= r["max"] + tol)).all())


def _lp_parts(X, ranks, reading, half):
    n, m = X.shape
    above, below = order_constraints(pd.Series(ranks))
    i, j = np.triu_indices(n, k=1)
    tie = ranks[i] == ranks[j]
    ti, tj = i[tie], j[tie]
    n_eps = n if reading == "rounding" else 0
    nv = m + n_eps + 1                       # w, eps, t
    # s_below - s_above + (eps_below - eps_above) + t <= 0
    A = np.zeros((len(above), nv))
    A[:, :m] = X[below] - X[above]
    if n_eps:
        A[np.arange(len(above)), m + below] += 1.0
        A[np.arange(len(above)), m + above] -= 1.0
    A[:, -1] = 1.0
    Aeq = np.zeros((len(ti) + 1, nv))
    Aeq[0, :m] = 1.0                          # weights sum to 1
    Aeq[1:, :m] = X[ti] - X[tj]
    if n_eps:
        Aeq[1 + np.arange(len(ti)), m + ti] += 1.0
        Aeq[1 + np.arange(len(ti)), m + tj] -= 1.0
    beq = np.zeros(len(ti) + 1)
    beq[0] = 1.0
    bounds = [(0.0, 1.0)] * m + [(-half, half)] * n_eps + [(None, None)]
    return A, np.zeros(len(above)), Aeq, beq, bounds, len(above), len(ti)


def _max_margin(A, b, Aeq, beq, bnds, X):
    """Largest common margin t of the order constraints (t bounded above so the LP is bounded)."""
    bnds_t = list(bnds)
    bnds_t[-1] = (None, float(np.abs(X).max()) * 2 + 1.0)
    cost = np.zeros(A.shape[1])
    cost[-1] = -1.0
    res = linprog(cost, A_ub=A, b_ub=b, A_eq=Aeq, b_eq=beq, bounds=bnds_t, method="highs")
    if res.status == 2:                      # infeasible even with any margin: tie equalities or bounds
        return -np.inf, None
    if res.status != 0:
        raise ConfigError(f"linear program failed: {res.message}")
    return float(res.x[-1]), res.x


def margin_at(scores: pd.DataFrame, ranks: pd.Series, weights: Mapping[str, float], *, reading: str = "exact",
              half: float = 0.005) -> float:
    """The largest common margin of the published order for one fixed weight vector (normalised to sum 1):
    > 0 means these weights reproduce every printed order (under ``reading``), <= 0 that they do not; the
    size says by how many score points the tightest pair is kept (or missed).

    Parameters
    ----------
    scores : pandas.DataFrame
        Units × components, the printed component scores.
    ranks : pandas.Series
        Published ranks (units missing here are ignored).
    weights : mapping of str to float
        One non-negative weight per component (normalised to sum 1).
    reading : {"exact", "rounding"}, default "exact"
        How the printed scores are read (module docstring).
    half : float, default 0.005
        Half a printed unit (``"rounding"`` only).

    Returns
    -------
    float
        The margin in score points, rounded to 12 decimals.

    Examples
    --------
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> r = pd.Series({"x": 1, "y": 2, "z": 3})
    >>> margin_at(s, r, {"a": 0.75, "b": 0.25}), margin_at(s, r, {"a": 0.25, "b": 0.75})
    (0.5, -1.0)
    """
    if reading not in READINGS:
        raise ConfigError(f"reading={reading!r}; choose one of {READINGS}.")
    X, r, _ = _check(scores, ranks)
    cols = list(scores.columns)
    w = pd.Series(weights, dtype=float).reindex(cols)
    if w.isna().any() or (w < 0).any() or w.sum() <= 0:
        raise ConfigError(f"weights need one non-negative value per component {cols}; got {dict(weights)}.")
    w = (w / w.sum()).to_numpy()
    A, b, Aeq, beq, bnds, _, _ = _lp_parts(X, r, reading, half if reading == "rounding" else 0.0)
    for k in range(len(cols)):
        bnds[k] = (float(w[k]), float(w[k]))
    Aeq = Aeq[1:] if len(Aeq) > 1 else Aeq[:0]          # the sum is fixed by the bounds
    beq = beq[1:] if len(beq) > 1 else beq[:0]
    if reading == "exact" and not len(Aeq):
        s = X @ w
        above, below = order_constraints(pd.Series(r))
        return float(np.round((s[above] - s[below]).min(), 12))
    margin, _ = _max_margin(A, b, Aeq if len(Aeq) else None, beq if len(beq) else None, bnds, X)
    return float(np.round(margin, 12))


def consistent_region(scores: pd.DataFrame, ranks: pd.Series, *, reading: str = "exact", half: float = 0.005,
                      bounds: Mapping[str, tuple[float, float]] | None = None) -> RegionResult:
    """The weights (on the simplex) under which a weighted mean of ``scores`` reproduces ``ranks``.

    Parameters
    ----------
    scores : DataFrame
        One row per unit, one column per component (e.g. the four domain scores as printed).
    ranks : Series
        Published rank of each unit (1 = best; equal ranks = ties under the "min" rule).
    reading : {"exact", "rounding"}
        See the module docstring: the printed scores as exact, or each within ``half`` of its true value.
    half : float
        Half a printed unit of the scores (0.005 for two decimals); only for ``reading="rounding"``.
    bounds : mapping, optional
        ``{component: (lo, hi)}`` further restricting the weights (e.g. to test one named weighting).

    Returns
    -------
    RegionResult
        ``feasible`` (margin > 0), ``margin`` (largest common margin, score points), ``ranges`` (min and
        max of each weight over the closure of the region, NaN when even the closure is empty),
        ``witness`` (the weights with the largest margin).

    Examples
    --------
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> res = consistent_region(s, pd.Series({"x": 1, "y": 2, "z": 3}))
    >>> res.feasible, round(float(res.ranges.loc["a", "min"]), 3), round(float(res.ranges.loc["a", "max"]), 3)
    (True, 0.5, 1.0)
    """
    if reading not in READINGS:
        raise ConfigError(f"reading={reading!r}; choose one of {READINGS}.")
    X, r, _ = _check(scores, ranks)
    m = X.shape[1]
    cols = list(scores.columns)
    A, b, Aeq, beq, bnds, n_pairs, n_ties = _lp_parts(X, r, reading, half if reading == "rounding" else 0.0)
    for c, (lo, hi) in (bounds or {}).items():
        if c not in cols:
            raise ConfigError(f"bounds name {c!r}, not a component; components: {cols}.")
        bnds[cols.index(c)] = (float(lo), float(hi))
    nv = A.shape[1]
    margin, x = _max_margin(A, b, Aeq, beq, bnds, X)
    witness = {c: float(v) for c, v in zip(cols, x[:m])} if x is not None else {c: np.nan for c in cols}
    # 2. per-weight range over the closure (t >= 0)
    bnds_c = list(bnds)
    bnds_c[-1] = (0.0, None)
    rows = []
    for k, c in enumerate(cols):
        out = {}
        for sense, name in ((1.0, "min"), (-1.0, "max")):
            cost = np.zeros(nv)
            cost[k] = sense
            rr = linprog(cost, A_ub=A, b_ub=b, A_eq=Aeq, b_eq=beq, bounds=bnds_c, method="highs")
            out[name] = float(rr.x[k]) if rr.status == 0 else np.nan
        rows.append({"component": c, **out})
    ranges = pd.DataFrame(rows).set_index("component")
    ranges["width"] = ranges["max"] - ranges["min"]
    return RegionResult(reading=reading, feasible=margin > 1e-9, margin=margin, ranges=ranges, n_units=len(r),
                        n_pairs=n_pairs, n_ties=n_ties, witness=witness, half=half if reading == "rounding" else 0.0)


def simplex_grid(m: int, step: float) -> np.ndarray:
    """Every point of the simplex in ``m`` dimensions with coordinates multiples of ``step`` (1/step an integer).

    Parameters
    ----------
    m : int
        Number of weights.
    step : float
        Grid step; ``1 / step`` must be an integer.

    Returns
    -------
    numpy.ndarray
        ``(points, m)`` array, in lexicographic order.

    Examples
    --------
    >>> simplex_grid(3, 0.5).tolist()
    [[0.0, 0.0, 1.0], [0.0, 0.5, 0.5], [0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]
    """
    q = int(round(1.0 / step))
    if q < 1 or abs(q * step - 1.0) > 1e-9:
        raise ConfigError(f"step={step} must divide 1 (e.g. 0.01, 0.005).")
    pts = []
    for c in combinations(range(q + m - 1), m - 1):        # stars and bars
        bars = (-1,) + c + (q + m - 1,)
        pts.append([bars[k + 1] - bars[k] - 1 for k in range(m)])
    return np.asarray(pts, dtype=float) / q


@dataclass(frozen=True)
class ScanResult:
    """Result of :func:`simplex_scan`: one row per grid point (``grid``) and the best-agreement region.

    Parameters
    ----------
    grid : pandas.DataFrame
        One row per grid point: ``w_<component>`` columns, ``n_exact`` and ``n_pairs_ok``.
    criterion : str
        ``"n_exact"`` or ``"n_pairs_ok"``: what :attr:`best` and :attr:`region` maximise.
    best : int
        Largest value of the criterion on the grid.
    n_units, n_pairs : int
        Units ranked and strictly ordered pairs.
    step : float
        Grid step.
    reading : str
        ``"exact"`` or ``"rounding"``.

    Examples
    --------
    >>> from vitality.weightspace import simplex_scan
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> r = pd.Series({"x": 1, "y": 2, "z": 3})
    >>> res = simplex_scan(s, r, step=0.25)
    >>> res.region
        w_a   w_b  n_exact  n_pairs_ok
    3  0.75  0.25        3           3
    4  1.00  0.00        3           3
    >>> int(res.at({"a": 0.3, "b": 0.7})["n_exact"])
    1
    """

    grid: pd.DataFrame          # w_<component>..., n_exact, n_pairs_ok
    criterion: str
    best: int                   # largest value of the criterion on the grid
    n_units: int
    n_pairs: int
    step: float
    reading: str

    @property
    def region(self) -> pd.DataFrame:
        """The grid points attaining :attr:`best`."""
        return self.grid[self.grid[self.criterion] == self.best]

    def ranges(self) -> pd.DataFrame:
        """Min and max of each weight over the best-agreement region."""
        w = self.region[[c for c in self.grid.columns if c.startswith("w_")]]
        out = pd.DataFrame({"min": w.min(), "max": w.max()})
        out.index = [c[2:] for c in out.index]
        out.index.name = "component"
        out["width"] = out["max"] - out["min"]
        return out

    def at(self, weights: Mapping[str, float]) -> pd.Series:
        """The scan's criteria at the grid point nearest to ``weights`` (normalised)."""
        w = pd.Series(weights, dtype=float)
        w = w / w.sum()
        cols = [f"w_{c}" for c in w.index]
        d = ((self.grid[cols].to_numpy() - w.to_numpy()) ** 2).sum(axis=1)
        return self.grid.iloc[int(np.argmin(d))]


def box_grid(lo: Sequence[float], hi: Sequence[float], step: float) -> np.ndarray:
    """Points of the simplex inside the box ``lo <= w <= hi`` whose first ``m − 1`` coordinates are
    multiples of ``step`` (the last is 1 minus their sum): a fine grid around a small region.

    Parameters
    ----------
    lo, hi : sequence of float
        Lower and upper bound of each weight.
    step : float
        Grid step of the first ``m − 1`` weights.

    Returns
    -------
    numpy.ndarray
        ``(points, m)`` array of weights summing to 1 inside the box.

    Examples
    --------
    >>> box_grid([0.4, 0.4], [0.6, 0.6], 0.1).round(2).tolist()
    [[0.4, 0.6], [0.5, 0.5], [0.6, 0.4]]
    """
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    axes = [np.round(np.arange(np.ceil(a / step - 1e-9) * step, b + step / 2, step), 12)
            for a, b in zip(lo[:-1], hi[:-1])]
    G = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(axes))
    last = np.round(1.0 - G.sum(axis=1), 12)
    keep = (last >= max(lo[-1], 0.0) - 1e-12) & (last <= hi[-1] + 1e-12)
    return np.column_stack([G[keep], last[keep]])


def simplex_scan(scores: pd.DataFrame, ranks: pd.Series, *, step: float = 0.01, reading: str = "exact",
                 half: float = 0.005, criterion: str = "n_exact", chunk: int = 2000,
                 box: Mapping[str, tuple[float, float]] | None = None) -> ScanResult:
    """Agreement with a published ranking at every point of a simplex grid of weights (vectorised).

    For each grid point (:func:`simplex_grid`): ``n_exact`` = units whose published rank equals their rank
    under the "min" tie rule (with ``reading="rounding"``: whose published rank lies within the ranks the
    unit can take when scores within ``2·half`` of each other are treated as indistinguishable), and
    ``n_pairs_ok`` = ordered published pairs (``i`` above ``j``) whose order holds (rounding: holds up to
    ``2·half``). The best-agreement region is the set of grid points with the largest ``criterion``.

    ``box`` (``{component: (lo, hi)}``) restricts the grid to a box (:func:`box_grid`), for a finer
    ``step`` around a small region.

    Parameters
    ----------
    scores : pandas.DataFrame
        Units × components, the printed component scores.
    ranks : pandas.Series
        Published ranks.
    step : float, default 0.01
        Grid step (``1 / step`` an integer).
    reading : {"exact", "rounding"}, default "exact"
        How the printed scores are read.
    half : float, default 0.005
        Half a printed unit (``"rounding"`` only).
    criterion : {"n_exact", "n_pairs_ok"}, default "n_exact"
        What the best-agreement region maximises.
    chunk : int, default 2000
        Grid points evaluated at once (memory only; the result does not depend on it).
    box : mapping of str to (float, float), optional
        Bounds of the weights (:func:`box_grid`).

    Returns
    -------
    ScanResult
        The grid with both criteria and the best value.

    Examples
    --------
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> res = simplex_scan(s, pd.Series({"x": 1, "y": 2, "z": 3}), step=0.25)
    >>> res.best, float(res.ranges().loc["a", "min"])
    (3, 0.75)
    """
    if reading not in READINGS:
        raise ConfigError(f"reading={reading!r}; choose one of {READINGS}.")
    if criterion not in ("n_exact", "n_pairs_ok"):
        raise ConfigError(f"criterion={criterion!r}; choose 'n_exact' or 'n_pairs_ok'.")
    X, r, _ = _check(scores, ranks)
    if box:
        cols = list(scores.columns)
        lo = [float(box.get(c, (0.0, 1.0))[0]) for c in cols]
        hi = [float(box.get(c, (0.0, 1.0))[1]) for c in cols]
        W = box_grid(lo, hi, step)
    else:
        W = simplex_grid(X.shape[1], step)
    above, below = order_constraints(pd.Series(r))
    held = below * len(r) + above                 # flat index of "a above b" in the comparison array below
    tol = 2 * half if reading == "rounding" else 0.0
    n_exact = np.empty(len(W), dtype=int)
    n_pairs = np.empty(len(W), dtype=int)
    for a in range(0, len(W), chunk):
        S = np.round(W[a:a + chunk] @ X.T, 9)                  # points × units
        if reading == "exact":
            # gt[p, i, j]: unit j scores above unit i at point p, one comparison for both criteria: the "min"
            # rank of i is 1 + its count, and a published pair (a above b) holds where gt[p, b, a]
            gt = S[:, None, :] > S[:, :, None]
            rk = 1 + np.count_nonzero(gt, axis=2)
            n_exact[a:a + chunk] = (rk == r[None, :]).sum(axis=1)
            n_pairs[a:a + chunk] = np.count_nonzero(np.take(gt.reshape(len(S), -1), held, axis=1), axis=1)
        else:
            lo = 1 + (S[:, None, :] > S[:, :, None] + tol).sum(axis=2)
            hi = (S[:, None, :] >= S[:, :, None] - tol).sum(axis=2)
            n_exact[a:a + chunk] = ((lo <= r[None, :]) & (r[None, :] <= hi)).sum(axis=1)
            n_pairs[a:a + chunk] = (S[:, above] > S[:, below] - tol).sum(axis=1)
    grid = pd.DataFrame(W, columns=[f"w_{c}" for c in scores.columns])
    grid["n_exact"] = n_exact
    grid["n_pairs_ok"] = n_pairs
    return ScanResult(grid=grid, criterion=criterion, best=int(grid[criterion].max()), n_units=len(r),
                      n_pairs=len(above), step=step, reading=reading)


def region_table(regions: Mapping[str, RegionResult], scans: Mapping[str, ScanResult] | None = None,
                 points: Mapping[str, Mapping[str, float]] | None = None) -> pd.DataFrame:
    """One row per (case, component): the exact region's range, the scan's best-agreement range and,
    per named point, its weight; plus per case whether the exact region is non-empty and its margin.

    ``regions`` and ``scans`` are keyed by the same case names (e.g. "as printed", "after errata" ×
    reading).

    Parameters
    ----------
    regions : mapping of str to RegionResult
        :func:`consistent_region` results by case.
    scans : mapping of str to ScanResult, optional
        :func:`simplex_scan` results by the same cases.
    points : mapping of str to mapping of str to float, optional
        Named weightings to show (normalised to sum 1), with the scan's criterion at each.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``case``, ``component``).

    Examples
    --------
    >>> from vitality.weightspace import consistent_region, region_table, simplex_scan
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> r = pd.Series({"x": 1, "y": 2, "z": 3})
    >>> t = region_table({"printed": consistent_region(s, r)}, {"printed": simplex_scan(s, r, step=0.25)},
    ...                  points={"equal": {"a": 1, "b": 1}})
    >>> t.loc["printed", ["reproduced", "lp_min", "lp_max", "scan_min", "w: equal", "n_exact at equal"]]
               reproduced  lp_min  lp_max  scan_min  w: equal  n_exact at equal
    component
    a                True     0.5     1.0      0.75       0.5                 1
    b                True     0.0     0.5      0.00       0.5                 1
    """
    rows = []
    for case, reg in regions.items():
        sc = (scans or {}).get(case)
        sr = sc.ranges() if sc is not None else None
        for c, rr in reg.ranges.iterrows():
            row = {"case": case, "component": c, "reading": reg.reading, "reproduced": reg.feasible,
                   "margin": reg.margin, "lp_min": rr["min"], "lp_max": rr["max"], "witness": reg.witness[c]}
            if sc is not None:
                row.update({"scan_step": sc.step, "scan_criterion": sc.criterion, "scan_best": sc.best,
                            "scan_of": sc.n_units if sc.criterion == "n_exact" else sc.n_pairs,
                            "scan_points": len(sc.region), "scan_min": sr.at[c, "min"], "scan_max": sr.at[c, "max"]})
            for name, w in (points or {}).items():
                tot = sum(float(v) for v in w.values())
                row[f"w: {name}"] = float(w[c]) / tot
                if sc is not None:
                    row[f"{sc.criterion} at {name}"] = int(sc.at(w)[sc.criterion])
            rows.append(row)
    return pd.DataFrame(rows).set_index(["case", "component"])


def plot_weight_space(scan: ScanResult, *, points: Mapping[str, Mapping[str, float]] | None = None,
                      names: Mapping[str, str] | None = None, region: RegionResult | None = None,
                      title: str | None = None, lang: str = "en", markers=("*", "o", "s", "D")):
    """Pairwise projections of a :func:`simplex_scan`: for each pair of weights, the best agreement reached
    with those two weights fixed (maximum of the criterion over the other weights), as a colour map; the
    named ``points`` marked. Returns the Figure.

    Parameters
    ----------
    scan : ScanResult
        A :func:`simplex_scan` result (at least 2 weights).
    points : mapping of str to mapping of str to float, optional
        Named weightings to mark.
    names : mapping of str to str, optional
        Display name of each component (axis labels).
    region : RegionResult, optional
        Drawn as a dashed box of its per-weight ranges.
    title : str, optional
        Figure title.
    lang : {"en", "zh"}, default "en"
        Language of the colour-bar label.
    markers : sequence of str
        Matplotlib markers of the points, in order.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per pair of weights.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.weightspace import plot_weight_space, simplex_scan
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0], "c": [2.0, 3.0, 1.0]}, index=["x", "y", "z"])
    >>> fig = plot_weight_space(simplex_scan(s, pd.Series({"x": 1, "y": 2, "z": 3}), step=0.1),
    ...                         points={"equal": {"a": 1, "b": 1, "c": 1}})
    >>> [ax.get_xlabel() + "/" + ax.get_ylabel() for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    ['a/b', 'a/c', 'b/c']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    cols = [c for c in scan.grid.columns if c.startswith("w_")]
    comps = [c[2:] for c in cols]
    names = dict(names or {})
    pairs = list(combinations(range(len(cols)), 2))
    ncol = 3
    nrow = int(np.ceil(len(pairs) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.1 * ncol, 3.7 * nrow + 0.6), constrained_layout=True)
    axes = np.atleast_1d(axes).ravel()
    q = int(round(1 / scan.step))
    crit = scan.grid[scan.criterion].to_numpy()
    vmin, vmax = float(np.percentile(crit, 5)), float(scan.best)
    cmap = plt.get_cmap("viridis")
    im = None
    for ax, (a, b) in zip(axes, pairs):
        ia = np.rint(scan.grid[cols[a]].to_numpy() * q).astype(int)
        ib = np.rint(scan.grid[cols[b]].to_numpy() * q).astype(int)
        M = np.full((q + 1, q + 1), np.nan)
        np.fmax.at(M, (ib, ia), crit.astype(float))
        M = np.where(np.isnan(M), np.nan, M)
        im = ax.imshow(M, origin="lower", extent=(-0.5 / q, 1 + 0.5 / q, -0.5 / q, 1 + 0.5 / q), cmap=cmap,
                       vmin=vmin, vmax=vmax, interpolation="nearest", aspect="auto")
        best = np.where(M == scan.best, 1.0, np.nan)
        ax.contour(np.linspace(0, 1, q + 1), np.linspace(0, 1, q + 1), np.nan_to_num(best), levels=[0.5],
                   colors="white", linewidths=1.2)
        for k, (pname, w) in enumerate((points or {}).items()):
            tot = sum(float(v) for v in w.values())
            ax.plot(float(w[comps[a]]) / tot, float(w[comps[b]]) / tot, markers[k % len(markers)], ms=10,
                    mec="black", mfc=["#E69F00", "#56B4E9", "#CC79A7", "#F0E442"][k % 4], mew=1.2,
                    label=pname, linestyle="none")
        if region is not None and np.isfinite(region.ranges["min"]).all():
            ra, rb = region.ranges.loc[comps[a]], region.ranges.loc[comps[b]]
            ax.add_patch(plt.Rectangle((ra["min"], rb["min"]), ra["width"], rb["width"], fill=False,
                                       edgecolor="#D55E00", lw=1.5, ls="--"))
        ax.set_xlim(0, max(0.8, 1.0 / len(cols) * 2.4))
        ax.set_ylim(0, max(0.8, 1.0 / len(cols) * 2.4))
        ax.set_xlabel(names.get(comps[a], comps[a]))
        ax.set_ylabel(names.get(comps[b], comps[b]))
    for ax in axes[len(pairs):]:
        ax.set_visible(False)
    if im is not None:
        cb = fig.colorbar(im, ax=axes.tolist(), shrink=0.8)
        of = scan.n_units if scan.criterion == "n_exact" else scan.n_pairs
        cb.set_label((f"最多复现的排名数（共 {of}）" if lang == "zh" else f"most ranks reproduced (of {of})")
                     if scan.criterion == "n_exact" else
                     (f"最多满足的两两顺序（共 {of}）" if lang == "zh" else f"most pairwise orders kept (of {of})"))
    if points:
        axes[0].legend(loc="upper right", fontsize=8, framealpha=0.9)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


# --------------------------------------------------------------------------------------------------
# The best-agreement region exactly: a mixed-integer linear program
# --------------------------------------------------------------------------------------------------

#: criteria of :func:`best_agreement` (the same names as the columns of :func:`simplex_scan`'s grid)
CRITERIA = ("n_pairs_ok", "n_exact")


@dataclass(frozen=True)
class AgreementResult:
    """Result of :func:`best_agreement`: the true maximum of the criterion over the whole simplex.

    Parameters
    ----------
    criterion : str
        ``"n_pairs_ok"`` or ``"n_exact"``.
    best : int
        The maximum, recounted at ``weights`` with numpy (the counting rule of :func:`simplex_scan`).
    of : int
        The number of published pairs (``n_pairs_ok``) or units (``n_exact``).
    optimal : bool
        The solver proved the maximum (False: a time limit stopped it and ``bound`` >= ``best``).
    bound : float
        The solver's upper bound on the criterion.
    weights : dict
        Weights attaining ``best`` (largest common margin over the constraints kept).
    margin : float
        That margin, in score points.
    ranges : pandas.DataFrame
        Per component: min, max and width of its weight over the best-agreement region; ``min_proved`` /
        ``max_proved`` False where a time limit stopped the MILP.
    missed : tuple
        ``(above, below)`` unit pairs, or units, not reproduced at ``weights``.
    eps : float
        Smallest score difference counted as an order.

    Examples
    --------
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> res = best_agreement(s, pd.Series({"x": 1, "y": 3, "z": 2}), ranges=False)
    >>> res.criterion, res.best, res.of
    ('n_pairs_ok', 2, 3)
    """

    criterion: str               # "n_pairs_ok" or "n_exact"
    best: int                    # the maximum, recounted at ``weights`` with numpy (the scan's counting rule)
    of: int                      # the number of published pairs (n_pairs_ok) or units (n_exact)
    optimal: bool                # the solver proved the maximum (else: a time limit stopped it; ``bound`` >= best)
    bound: float                 # the solver's upper bound on the criterion
    weights: dict                # weights attaining ``best`` (largest common margin over the constraints kept)
    margin: float                # that margin (score points) over the kept orders
    ranges: pd.DataFrame         # per component: min, max (and width) of its weight over the best-agreement
                                 # region; min_proved / max_proved False where a time limit stopped the MILP
    missed: tuple                # (above, below) unit pairs or units not reproduced at ``weights``
    eps: float


def _count(X, r, w, criterion):
    s = np.round(X @ w, 9)
    if criterion == "n_pairs_ok":
        above, below = order_constraints(pd.Series(r))
        ok = s[above] > s[below]
        return int(ok.sum()), ok
    rk = 1 + (s[None, :] > s[:, None]).sum(axis=1)
    ok = rk == r
    return int(ok.sum()), ok


def _agreement_model(X, r, criterion, eps):
    """Constraint rows of the MILP: variables [w (m), binaries (k)]; returns (A, lo, hi, integrality, k,
    objective on the binaries, bookkeeping)."""
    from scipy import sparse

    n, m = X.shape
    if criterion == "n_pairs_ok":
        above, below = order_constraints(pd.Series(r))
        D = X[above] - X[below]                          # s_above - s_below = D w, wanted >= eps
        always = D.min(axis=1) >= eps                    # kept by >= eps at every corner, so everywhere
        never = D.max(axis=1) < eps                       # kept nowhere on the simplex (dominated)
        free = ~always & ~never
        k = int(free.sum())
        Df = D[free]
        M = np.abs(Df).max(axis=1) + eps                  # |D w| <= max |D| on the simplex
        # z = 1  =>  D w >= eps:   D w - M z >= eps - M
        A = sparse.hstack([sparse.csr_matrix(Df), sparse.diags(-M, format="csr")], format="csr")
        lo, hi = eps - M, np.full(k, np.inf)
        fixed_ok = int(always.sum())
        obj = np.ones(k)
        return A, lo, hi, k, obj, fixed_ok, len(above)
    # n_exact: y_ij = [s_j > s_i] for every ordered pair i != j; unit i is reproduced (z_i = 1) when
    # sum_j y_ij = r_i - 1 (the "min" tie rule)
    i, j = np.nonzero(~np.eye(n, dtype=bool))
    D = X[j] - X[i]                                      # s_j - s_i = D w
    one = (D.min(axis=1) >= eps)                         # s_j - s_i >= eps everywhere: y = 1
    zero = (D.max(axis=1) <= 0)                          # s_j - s_i <= 0 everywhere: y = 0
    free = ~one & ~zero
    ky = int(free.sum())
    Df = D[free]
    M = np.abs(Df).max(axis=1) + eps
    # y = 1  =>  D w >= eps:   D w - M y >= eps - M
    # y = 0  =>  D w <= 0:     D w - M y <= 0
    Ay = sparse.hstack([sparse.csr_matrix(Df), sparse.diags(-M, format="csr"), sparse.csr_matrix((ky, n))],
                       format="csr")
    A1 = sparse.vstack([Ay, Ay], format="csr")
    lo1 = np.r_[eps - M, np.full(ky, -np.inf)]
    hi1 = np.r_[np.full(ky, np.inf), np.zeros(ky)]
    # count_i = fixed_i + sum of free y_ij;  z_i = 1  =>  count_i = r_i - 1:  |count_i - r_i + 1| <= n (1 - z_i)
    fixed = np.bincount(i[one], minlength=n).astype(float)
    C = sparse.csr_matrix((np.ones(ky), (i[free], np.arange(ky))), shape=(n, ky))
    n_free = np.bincount(i[free], minlength=n).astype(float)
    need = r - 1 - fixed                                  # free y_ij that must be 1 for unit i
    # tight big-M: the free count lies in [0, n_free], so  count + (n_free - need) z <= n_free  and
    # count - need z >= 0  (z_i = 1 forces count = need; units whose need is out of reach get z_i = 0)
    up = np.maximum(n_free - need, 0.0)
    Ac = sparse.vstack([sparse.hstack([sparse.csr_matrix((n, m)), C, sparse.diags(up, format="csr")]),
                        sparse.hstack([sparse.csr_matrix((n, m)), C, sparse.diags(-need, format="csr")])],
                       format="csr")
    reach = (need >= 0) & (need <= n_free)
    loc = np.r_[np.full(n, -np.inf), np.where(reach, 0.0, -np.inf)]
    hic = np.r_[np.where(reach, n_free, np.inf), np.full(n, np.inf)]
    unreachable = ~reach
    A = sparse.vstack([A1, Ac], format="csr")
    obj = np.r_[np.zeros(ky), np.where(unreachable, 0.0, 1.0)]     # an unreachable unit never counts
    return A, np.r_[lo1, loc], np.r_[hi1, hic], ky + n, obj, 0, n


def best_agreement(scores: pd.DataFrame, ranks: pd.Series, *, criterion: str = "n_pairs_ok", eps: float = 1e-3,
                   ranges: bool = True, time_limit: float = 60.0) -> AgreementResult:
    """The weights (on the simplex) that reproduce *most* of a published ranking, exactly: a mixed-integer LP.

    Where no weight vector reproduces the whole ranking (:func:`consistent_region` empty), the region that
    maximises the number of kept published pairwise orders (``criterion="n_pairs_ok"``) or of units at their
    published rank under the "min" tie rule (``"n_exact"``) is a union of polytopes. With one binary per
    constraint and big-M on the linear order constraints (M = the largest score difference of the pair, which
    bounds :math:`|s_i(w) - s_j(w)|` on the simplex), :func:`scipy.optimize.milp` (HiGHS) finds its true maximum;
    with the maximum fixed, one MILP per weight and direction gives the range of each weight over the region.
    A simplex grid (:func:`simplex_scan`) only gives a lower bound and is kept as the picture.

    The scores are read as printed (the ``"exact"`` reading): an order counts as kept when
    :math:`s_i - s_j \\ge` ``eps``; pairs never ordered the published way anywhere on the simplex (one unit
    dominating the other) are counted out without a variable. The maximum reported (``best``) is recounted at
    the returned weights with the counting rule of :func:`simplex_scan`, and those weights are the centre of
    the kept constraints (largest common margin, by LP with the kept set fixed). For ``"n_exact"`` (one binary
    per ordered pair of units: much harder) a non-empty :func:`consistent_region` answers without a MILP;
    otherwise a hard instance may stop at ``time_limit`` with ``optimal`` False and ``bound`` above ``best``.

    Parameters
    ----------
    scores : DataFrame
        One row per unit, one column per component.
    ranks : Series
        Published rank of each unit (1 = best; equal ranks = ties).
    criterion : {"n_pairs_ok", "n_exact"}
        What is maximised (the columns of :func:`simplex_scan`'s grid).
    eps : float
        Smallest score difference that counts as an order (score points). It must stay well above the
        solver's feasibility tolerance times the largest score difference (about 1e-6 × M), or the solver may
        keep an order by a violation of that size; 1e-3 suits scores on a 0–100 scale printed to 2 decimals.
    ranges : bool
        Also compute the range of each weight over the best-agreement region (2 MILPs per component).
    time_limit : float
        Seconds per MILP; if reached, ``optimal`` is False and ``bound`` says how far the maximum can be.

    Returns
    -------
    AgreementResult

    Examples
    --------
    >>> s = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> ranks = pd.Series({"x": 1, "y": 3, "z": 2})    # x above y and z needs w_a > 0.5, z above y w_a < 0.5
    >>> res = best_agreement(s, ranks)
    >>> res.best, res.of, res.optimal, res.ranges.round(3).loc["a", ["min", "max"]].tolist()
    (2, 3, True, [0.5, 1.0])
    >>> best_agreement(s, pd.Series({"x": 1, "y": 2, "z": 3}), criterion="n_exact").best
    3
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    if criterion not in CRITERIA:
        raise ConfigError(f"criterion={criterion!r}; choose one of {CRITERIA}.")
    if not eps > 0:
        raise ConfigError(f"eps={eps!r} must be > 0 (the smallest score difference counted as an order).")
    X, r, _ = _check(scores, ranks)
    n, m = X.shape
    cols = list(scores.columns)
    if criterion == "n_exact":
        # every unit at its published rank <=> every published order strict and every tie equal: when the
        # LP region of consistent_region is non-empty it is the best-agreement region, no MILP needed
        reg = consistent_region(scores, ranks)
        if reg.margin >= eps:
            rng = reg.ranges.copy()
            rng["min_proved"] = rng["max_proved"] = True
            return AgreementResult(criterion=criterion, best=n, of=n, optimal=True, bound=float(n),
                                   weights=dict(reg.witness), margin=float(np.round(reg.margin, 12)),
                                   ranges=rng, missed=(), eps=float(eps))
    A, lo, hi, k, obj_b, fixed_ok, of = _agreement_model(X, r, criterion, eps)
    simplex = sparse.hstack([sparse.csr_matrix(np.ones((1, m))), sparse.csr_matrix((1, k))], format="csr")
    base = [LinearConstraint(A, lo, hi), LinearConstraint(simplex, 1.0, 1.0)]
    integrality = np.r_[np.zeros(m), np.ones(k)]
    bounds = Bounds(np.zeros(m + k), np.ones(m + k))
    opts = {"time_limit": float(time_limit), "mip_rel_gap": 0.0, "disp": False}

    def solve(c, extra=(), must=True):
        res = milp(c, constraints=[*base, *extra], integrality=integrality, bounds=bounds, options=opts)
        if res.x is None and must:
            raise ConfigError(f"mixed-integer program failed: {res.message} (a larger time_limit may help).")
        return res

    res = solve(np.r_[np.zeros(m), -obj_b])
    optimal = res.status == 0
    bound_b = -float(getattr(res, "mip_dual_bound", res.fun) if getattr(res, "mip_dual_bound", None) is not None
                     else res.fun)
    w0 = np.clip(res.x[:m], 0, None)
    w0 = w0 / w0.sum()
    # centre of the kept constraints: the largest common margin with the reproduced set fixed (plain LP)
    best0, ok0 = _count(X, r, w0, criterion)
    w, margin = _centre(X, r, ok0, criterion, w0)
    best, ok = _count(X, r, w, criterion)
    if best < best0:                                     # keep the solver's point if centring lost an order
        w, best, ok = w0, best0, ok0
    if criterion == "n_pairs_ok":
        above, below = order_constraints(pd.Series(r))
        missed = tuple((str(scores.index[a]), str(scores.index[b])) for a, b in zip(above[~ok], below[~ok]))
        bound = fixed_ok + bound_b
    else:
        missed = tuple(str(u) for u in np.asarray(list(ranks.dropna().index))[~ok])
        bound = bound_b
    rng_rows = []
    if ranges:
        at_least = LinearConstraint(sparse.csr_matrix(np.r_[np.zeros(m), obj_b][None, :]),
                                    (best - fixed_ok) - 0.5, np.inf)
        for kk, c in enumerate(cols):
            out = {"component": c}
            for sense, name in ((1.0, "min"), (-1.0, "max")):
                cost = np.zeros(m + k)
                cost[kk] = sense
                rr = solve(cost, (at_least,), must=False)
                # without a proof (time limit) the value found is only an inner bound of the range
                out[name] = float(np.clip(rr.x[kk], 0.0, 1.0)) if rr.x is not None else float(w[kk])
                out[f"{name}_proved"] = rr.status == 0
            rng_rows.append(out)
    else:
        rng_rows = [{"component": c, "min": np.nan, "max": np.nan, "min_proved": False, "max_proved": False}
                    for c in cols]
    rng = pd.DataFrame(rng_rows).set_index("component")
    rng["width"] = rng["max"] - rng["min"]
    rng = rng[["min", "max", "width", "min_proved", "max_proved"]]
    return AgreementResult(criterion=criterion, best=int(best), of=int(of), optimal=bool(optimal),
                           bound=float(np.round(bound, 6)), weights={c: float(v) for c, v in zip(cols, w)},
                           margin=float(np.round(margin, 12)), ranges=rng, missed=missed, eps=float(eps))


def _centre(X, r, ok, criterion, w0):
    """Weights keeping the reproduced constraints ``ok`` with the largest common margin (LP); falls back to
    ``w0`` when the LP fails."""
    n, m = X.shape
    if criterion == "n_pairs_ok":
        above, below = order_constraints(pd.Series(r))
        D = X[below[ok]] - X[above[ok]]                  # D w + t <= 0
        A, eqA = D, None
    else:
        # every unit at its rank: keep, for each reproduced unit i, the pattern of units above / not above it
        s = X @ w0
        rows, eqs = [], []
        for i in np.nonzero(ok)[0]:
            for j in range(n):
                if j == i:
                    continue
                if s[j] > s[i]:
                    rows.append(X[i] - X[j])             # s_j - s_i >= t
                elif np.isclose(s[j], s[i], atol=1e-9, rtol=0):
                    eqs.append(X[j] - X[i])              # a tie stays a tie
                else:
                    rows.append(X[j] - X[i])             # s_i - s_j >= t
        A = np.asarray(rows).reshape(-1, m)
        eqA = np.asarray(eqs).reshape(-1, m) if eqs else None
    if not len(A):
        return w0, 0.0
    Aub = np.c_[A, np.ones(len(A))]
    Aeq = np.r_[np.ones(m), 0.0][None, :]
    beq = [1.0]
    if eqA is not None:
        Aeq = np.r_[Aeq, np.c_[eqA, np.zeros(len(eqA))]]
        beq = [1.0] + [0.0] * len(eqA)
    res = linprog(np.r_[np.zeros(m), -1.0], A_ub=Aub, b_ub=np.zeros(len(A)), A_eq=Aeq, b_eq=beq,
                  bounds=[(0, 1)] * m + [(None, float(np.abs(X).max()) * 2 + 1)], method="highs")
    if res.status != 0 or res.x[-1] <= 0:
        return w0, float(-(A @ w0).max()) if len(A) else 0.0
    return res.x[:m], float(res.x[-1])
