"""The uncertain choices of an index (:class:`Choices`), their samples (:class:`Sample`) and the
model that evaluates many replications at once (:class:`RobustnessModel`).

Part of the uncertainty and sensitivity analysis described in :mod:`vitality.robustness` (which
re-exports every name here): the exact engine's arithmetic (:meth:`RobustnessModel.scores`,
bit for bit :func:`vitality.index.build_index`) and the batched kernel of :mod:`vitality.mcbatch`
for the ranks (:meth:`RobustnessModel.ranks`: the same ranks, computed from matrix products, with
the replications and units whose rounding is in doubt recomputed exactly).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .aggregate import AGGREGATORS, MISSING_POLICIES
from .errors import ConfigError
from .index import IndexResult, build_index, indicator_matrix, split_units
from .jit import load as load_loops
from .mcbatch import amean_relative_bound, batch_scores, gmean_relative_bound, level1_parts, level_groups, rank_batch
from .normalise import NORMALISERS, TIES, params_of, rank_asc
from .normalise import normalise as _normalise
from .ranking import round_significant
from .rankstats import rank_codes
from .sortsum import sort_last_axis

#: fewest replications a thread of :meth:`RobustnessModel._fill_codes` is given (below, threads cost more
#: than they save)
_THREAD_ROWS = 256
_COUNT_LOCK = threading.Lock()

__all__ = ['DEFAULT_NORMALISE_PARAMS', 'WEIGHT_MODES', 'DISCRETE_INPUTS', 'STAT_FORMAT', 'WEIGHT_FORMAT', 'Choices',
           'Sample', 'jsonable', 'RobustnessModel']

#: parameters used for a normaliser when none are given: positive output scales, so that the
#: geometric mean is defined for every method (min-max to 1..100; z-scores with mean 100, sd 10)
DEFAULT_NORMALISE_PARAMS = {"minmax": {"range": (1.0, 100.0)}, "zscore": {"mean_sd": (100.0, 10.0)}}
#: weight-perturbation modes
WEIGHT_MODES = ("uniform", "dirichlet", "fixed")
#: the discrete uncertain inputs, in column order
DISCRETE_INPUTS = ("normalise", "ties", "aggregate", "drop")
#: rank-based normalisers (the ones the ``ties`` choice acts on)
_RANK_BASED = tuple(m for m in NORMALISERS if "ties" in params_of(NORMALISERS[m]))
#: float formats of the output files (fixed, so reruns are byte-identical)
STAT_FORMAT = "%.6g"
WEIGHT_FORMAT = "%.10g"


def _tuple(x, name: str) -> tuple:
    if isinstance(x, str):
        return (x,)
    try:
        t = tuple(x)
    except TypeError:
        raise ConfigError(f"{name} must be a name or a list of names, got {x!r}.") from None
    if not t:
        raise ConfigError(f"{name}: give at least one option (the first is the nominal choice).")
    if len(set(t)) != len(t):
        raise ConfigError(f"{name}: options repeat: {list(t)}.")
    return t


@dataclass(frozen=True)
class Choices:
    """The uncertain modelling choices; in every list the first option is the nominal one.

    Parameters
    ----------
    normalise : sequence of str
        Normalisation methods (:data:`vitality.normalise.NORMALISERS`).
    normalise_params : dict, optional
        ``{method: {param: value}}``; a method not named uses :data:`DEFAULT_NORMALISE_PARAMS`
        (else the normaliser's defaults).  ``ties`` here is overridden by the ``ties`` choice.
    ties : sequence of str
        Tie policies of the rank-based normalisers (:data:`vitality.normalise.TIES`).
    aggregate : sequence of str
        ``"amean"`` and/or ``"gmean"``.
    weights : {"uniform", "dirichlet", "fixed"}
    perturbation : float
        Half-width :math:`p` of the uniform weight factor :math:`U(1-p, 1+p)`, 0 <= p <= 1.
    concentration : float
        Total Dirichlet concentration of each sibling group (``weights="dirichlet"``), > 0.
    drop : bool
        Also sample leaving out one indicator (or none).
    weight_levels : sequence of int, optional
        Levels whose weights are perturbed (1 = indicators); default every level with a sibling
        group of two or more (as COINr's UA, which perturbs the weights of chosen levels only).

    Returns
    -------
    Choices
        Frozen; the option lists as tuples (checked: a bad name is a :class:`ConfigError`).

    Examples
    --------
    >>> from vitality.robustness_model import Choices
    >>> ch = Choices(normalise=("minmax", "rank"), aggregate="gmean")
    >>> ch.normalise, ch.aggregate, ch.params_for("rank", "average")
    (('minmax', 'rank'), ('gmean',), {'ties': 'average'})
    """

    normalise: tuple = ("minmax",)
    normalise_params: Mapping = field(default_factory=dict)
    ties: tuple = ("min",)
    aggregate: tuple = ("amean",)
    weights: str = "uniform"
    perturbation: float = 0.25
    concentration: float = 50.0
    drop: bool = False
    weight_levels: tuple | None = None

    def __post_init__(self):
        object.__setattr__(self, "normalise", _tuple(self.normalise, "normalise"))
        object.__setattr__(self, "ties", _tuple(self.ties, "ties"))
        object.__setattr__(self, "aggregate", _tuple(self.aggregate, "aggregate"))
        for m in self.normalise:
            if m not in NORMALISERS:
                raise ConfigError(f"unknown normalisation {m!r}; choose among {list(NORMALISERS)}.")
        for t in self.ties:
            if t not in TIES:
                raise ConfigError(f"unknown tie policy {t!r}; choose among {list(TIES)}.")
        for a in self.aggregate:
            if a not in AGGREGATORS:
                raise ConfigError(f"unknown aggregation {a!r}; choose among {list(AGGREGATORS)}.")
        if self.weights not in WEIGHT_MODES:
            raise ConfigError(f"weights must be one of {list(WEIGHT_MODES)}, got {self.weights!r}.")
        p = float(self.perturbation)
        if not 0.0 <= p <= 1.0:
            raise ConfigError(f"perturbation must be between 0 and 1 (a share of each weight), got {p!r}.")
        object.__setattr__(self, "perturbation", p)
        c = float(self.concentration)
        if not (np.isfinite(c) and c > 0):
            raise ConfigError(f"concentration must be a positive number, got {self.concentration!r}.")
        object.__setattr__(self, "concentration", c)
        bad = [m for m in self.normalise_params if m not in NORMALISERS]
        if bad:
            raise ConfigError(f"normalise_params given for unknown method(s) {bad}; keys are method names.")
        object.__setattr__(self, "normalise_params", {k: dict(v) for k, v in dict(self.normalise_params).items()})
        if self.weight_levels is not None:
            lv = (self.weight_levels,) if isinstance(self.weight_levels, (int, np.integer)) else self.weight_levels
            try:
                lv = tuple(sorted({int(v) for v in lv}))
            except (TypeError, ValueError):
                raise ConfigError(f"weight_levels must be level numbers (1 = indicators), got "
                                  f"{self.weight_levels!r}.") from None
            if not lv or min(lv) < 1:
                raise ConfigError(f"weight_levels must be level numbers >= 1 (1 = indicators), got {list(lv)}.")
            object.__setattr__(self, "weight_levels", lv)

    def params_for(self, method: str, ties: str) -> dict:
        """Full parameters of ``method`` under tie policy ``ties``.

        Parameters
        ----------
        method : str
        ties : str

        Returns
        -------
        dict

        Examples
        --------
        >>> from vitality.robustness_model import Choices
        >>> Choices().params_for("minmax", "min")
        {'range': (1.0, 100.0)}
        """
        p = dict(self.normalise_params.get(method, DEFAULT_NORMALISE_PARAMS.get(method, {})))
        if method in _RANK_BASED:
            p["ties"] = ties
        return p

    def as_dict(self) -> dict:
        """The choices as plain JSON-able values (``summary.json``).

        Returns
        -------
        dict

        Examples
        --------
        >>> from vitality.robustness_model import Choices
        >>> Choices(aggregate=("amean", "gmean")).as_dict()["aggregate"]
        ['amean', 'gmean']
        """
        return {"normalise": list(self.normalise),
                "normalise_params": {m: jsonable(self.params_for(m, self.ties[0])) for m in self.normalise},
                "ties": list(self.ties), "aggregate": list(self.aggregate), "weights": self.weights,
                "perturbation": self.perturbation, "concentration": self.concentration, "drop": bool(self.drop),
                **({"weight_levels": list(self.weight_levels)} if self.weight_levels is not None else {})}


def jsonable(x):
    """``x`` with numpy scalars, tuples and arrays turned into plain Python (for JSON).

    Parameters
    ----------
    x : object

    Returns
    -------
    object

    Examples
    --------
    >>> from vitality.robustness_model import jsonable
    >>> jsonable({"a": (np.int64(1), np.float64(0.5))})
    {'a': [1, 0.5]}
    """
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    return x


@dataclass
class Sample:
    """Sampled choices of ``n`` replications (indices into the option lists of :class:`Choices`).

    ``drop`` is -1 for "none", else the position of the dropped indicator in
    ``framework.indicators``; ``weights`` has one column per node in ``framework.order``.

    Parameters
    ----------
    normalise, ties, aggregate, drop : numpy.ndarray of int
    weights : numpy.ndarray of float

    Returns
    -------
    Sample

    Examples
    --------
    >>> from vitality.robustness_model import Sample
    >>> s = Sample(np.array([0, 1]), np.zeros(2, int), np.array([1, 0]), np.full(2, -1), np.ones((2, 3)))
    >>> len(s), s.take([1]).aggregate.tolist()
    (2, [0])
    """

    normalise: np.ndarray
    ties: np.ndarray
    aggregate: np.ndarray
    drop: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.normalise)

    def take(self, rows) -> "Sample":
        """The replications ``rows`` (indices or a mask) as a new sample (see the class's Examples).

        Parameters
        ----------
        rows : array-like of int or bool

        Returns
        -------
        Sample
        """
        return Sample(self.normalise[rows], self.ties[rows], self.aggregate[rows], self.drop[rows],
                      self.weights[rows])


# ---------------------------------------------------------------------------- the model
class RobustnessModel:
    """An index with uncertain modelling choices, evaluated for many replications at once.

    Parameters
    ----------
    data, meta : pandas.DataFrame
        As for :func:`vitality.index.build_index`.
    choices : Choices, optional
    unit_col : str, optional
    weights : optional
        Nominal weights (as ``build_index``'s ``weights``); default the metadata weights.
    missing, min_share, rank_ties, rank_digits
        Fixed (not uncertain) settings passed to ``build_index``: the missing-data policy, the
        minimum share of children present, the tie policy of the output ranks and the digits
        compared when ranking.
    memory_mb : float, default 192
        Rough bound of the working arrays of one chunk of replications (the chunk size; results do
        not depend on it).  Larger chunks spread numpy's per-call cost over more replications: 48
        gave chunks of 6 replications at 3,000 units x 60 indicators and 15 % more CPU time than 192.

    Attributes
    ----------
    nominal : IndexResult
        ``build_index`` with the nominal choices.
    inputs : list of str
        The uncertain inputs (those with more than one option / a non-zero perturbation).

    Returns
    -------
    RobustnessModel

    Examples
    --------
    >>> from vitality.robustness_model import Choices, RobustnessModel
    >>> data = pd.DataFrame({"uCode": list("ABCDE"), "x": [1.0, 2, 3, 4, 5], "y": [4.0, 1, 3, 2, 5],
    ...                      "z": [2.0, 3, 1, 4, 5]})
    >>> meta = pd.DataFrame({"iCode": ["x", "y", "z", "P", "Q", "I"], "Level": [1, 1, 1, 2, 2, 3],
    ...                      "Parent": ["P", "P", "Q", "I", "I", None], "Type": ["Indicator"] * 3 + ["Aggregate"] * 3})
    >>> m = RobustnessModel(data, meta, Choices(normalise=("minmax", "rank"), aggregate=("amean", "gmean")))
    >>> m.inputs, m.n_columns, m.aggregates
    (['normalise', 'aggregate', 'weights_L1', 'weights_L2'], 10, ['P', 'Q', 'I'])
    >>> s = m.sample(50, seed=1)
    >>> bool(np.array_equal(m.ranks(s), m._rank(m.scores(s))))    # the batched ranks are the exact engine's
    True
    >>> m.ranks(m.nominal_sample())[0, :, -1].tolist()             # nominal = build_index
    [3.0, 3.0, 5.0, 2.0, 1.0]
    """

    def __init__(self, data: pd.DataFrame, meta: pd.DataFrame, choices: Choices | None = None, *,
                 unit_col: str | None = None, weights=None, missing: str = "error", min_share=None,
                 rank_ties: str = "min", rank_digits: int | None = 12, memory_mb: float = 192.0):
        self.choices = ch = choices if choices is not None else Choices()
        if missing not in MISSING_POLICIES:
            raise ConfigError(f"missing must be one of {list(MISSING_POLICIES)}, got {missing!r}.")
        if rank_ties not in TIES:
            raise ConfigError(f"rank_ties must be one of {list(TIES)}, got {rank_ties!r}.")
        self.missing, self.min_share = missing, min_share
        self.rank_ties, self.rank_digits = rank_ties, rank_digits
        self.memory_mb = float(memory_mb)
        self.nominal: IndexResult = build_index(
            data, meta, unit_col=unit_col, normalise=ch.normalise[0],
            normalise_params=ch.params_for(ch.normalise[0], ch.ties[0]), weights=weights,
            aggregate=ch.aggregate[0], missing=missing, min_share=min_share, ties=rank_ties,
            rank_digits=rank_digits)
        fw = self.framework = self.nominal.framework
        self.units = list(self.nominal.scores.index)
        self.n_units = len(self.units)
        self.order = list(fw.order)
        self.n_ind = len(fw.indicators)
        self.aggregates = list(self.order[self.n_ind:])          # level 2 first, the top last
        self.w0 = self.nominal.weights.reindex(self.order).to_numpy(dtype=float)

        # the distinct normalised matrices, computed once each
        units_index, _ = split_units(data, unit_col)
        raw = pd.DataFrame(indicator_matrix(data, fw.indicators), index=units_index, columns=fw.indicators)
        self._X: dict = {}      # (norm index, ties index) -> key
        self._mats: dict = {}   # key -> (X, log X or None)
        for i, m in enumerate(ch.normalise):
            for j, t in enumerate(ch.ties):
                p = ch.params_for(m, t)
                key = (m, json.dumps(jsonable(p), sort_keys=True))
                self._X[(i, j)] = key
                if key in self._mats:
                    continue
                X = _normalise(raw, m, direction=fw.direction, **p).to_numpy(dtype=float)
                logX = None
                if "gmean" in ch.aggregate:
                    bad = ~np.isnan(X) & (X <= 0)
                    if bad.any():
                        u, c = (a[0] for a in np.nonzero(bad))
                        raise ConfigError(
                            f"aggregation option 'gmean' needs normalised values > 0, but normalisation {m!r} with "
                            f"{p} gives {int(bad.sum())} value(s) <= 0 (e.g. {fw.indicators[c]!r} for "
                            f"{self.units[u]!r}). Fix: give {m!r} a positive scale in normalise_params (e.g. minmax "
                            "range (1, 100), zscore mean_sd (100, 10); CLI --range / --mean-sd), drop it from the "
                            "normalisation options, or drop 'gmean'.")
                    with np.errstate(divide="ignore", invalid="ignore"):
                        logX = np.log(np.where(np.isnan(X), 1.0, X))
                self._mats[key] = (X, logX)
        self._keys = list(self._mats)
        self._key_id = np.array([[self._keys.index(self._X[(i, j)]) for j in range(len(ch.ties))]
                                 for i in range(len(ch.normalise))], dtype=np.intp)

        # droppable indicators: those with at least one sibling
        par = fw.parent
        self.droppable = [i for i, c in enumerate(fw.indicators) if len(fw.children(par[c])) > 1] if ch.drop else []
        # weight levels that matter: a level with a sibling group of two or more
        self.weight_levels = []
        if ch.weight_levels is not None:
            bad = [lv for lv in ch.weight_levels if lv >= fw.n_levels]
            if bad:
                raise ConfigError(f"weight_levels {bad}: the framework has weights at levels 1..{fw.n_levels - 1} "
                                  f"(level {fw.n_levels} is the index). Fix: choose among "
                                  f"{list(range(1, fw.n_levels))}.")
        if ch.weights != "fixed" and not (ch.weights == "uniform" and ch.perturbation == 0):
            for lv in (range(1, fw.n_levels) if ch.weight_levels is None else ch.weight_levels):
                if (fw._pads[lv] != len(fw.codes_at(lv))).sum(axis=1).max() > 1:
                    self.weight_levels.append(lv)
        self._level_slices = {}
        start = 0
        for lv in range(1, fw.n_levels + 1):
            n = len(fw.codes_at(lv))
            self._level_slices[lv] = slice(start, start + n)
            start += n
        # sibling groups (positions in order) for the Dirichlet mode
        self._groups = []
        for lv in range(1, fw.n_levels):
            sl = self._level_slices[lv]
            kids = fw.codes_at(lv)
            for p in fw.codes_at(lv + 1):
                self._groups.append((lv, np.array([sl.start + kids.index(k) for k in fw.children(p)])))
        self.nominal_ranks = self.nominal.ranks[self.aggregates].to_numpy(dtype=float, na_value=np.nan)
        self._level_groups = level_groups(fw)
        self._fast_cache: dict = {}
        #: replications whose ranks were recomputed by the exact engine (rounding in doubt), since creation
        self.n_exact = 0

    # ------------------------------------------------------------------ inputs
    @property
    def inputs(self) -> list:
        """Names of the uncertain inputs, in a fixed order (see the class's Examples).

        Returns
        -------
        list of str
        """
        ch = self.choices
        out = []
        if len(ch.normalise) > 1:
            out.append("normalise")
        if len(ch.ties) > 1:
            out.append("ties")
        if len(ch.aggregate) > 1:
            out.append("aggregate")
        if self.droppable:
            out.append("drop")
        out += [f"weights_L{lv}" for lv in self.weight_levels]
        return out

    @property
    def n_columns(self) -> int:
        """Width of the uniform input matrix: the 4 discrete inputs and one column per node.

        Returns
        -------
        int
        """
        return len(DISCRETE_INPUTS) + len(self.order)

    def map_uniform(self, U: np.ndarray, active: Sequence[str] | None = None) -> Sample:
        """Turn uniform numbers ``U`` (n x :attr:`n_columns`) into sampled choices.

        Columns: ``normalise, ties, aggregate, drop``, then one per node in ``framework.order``.
        Inputs not in ``active`` (default: all of :attr:`inputs`) take their nominal value whatever
        their column holds.

        Parameters
        ----------
        U : numpy.ndarray
            n x :attr:`n_columns`, values in [0, 1).
        active : sequence of str, optional

        Returns
        -------
        Sample

        Examples
        --------
        See :meth:`sample` (a seeded ``U``) and the class's Examples.
        """
        U = np.asarray(U, dtype=float)
        if U.ndim != 2 or U.shape[1] != self.n_columns:
            raise ConfigError(f"U must be n x {self.n_columns}, got shape {U.shape}.")
        active = set(self.inputs if active is None else active)
        ch = self.choices
        n = U.shape[0]

        def pick(col, k, name):
            if name not in active or k == 1:
                return np.zeros(n, dtype=np.intp)
            return np.minimum((U[:, col] * k).astype(np.intp), k - 1)

        norm = pick(0, len(ch.normalise), "normalise")
        ties = pick(1, len(ch.ties), "ties")
        agg = pick(2, len(ch.aggregate), "aggregate")
        if self.droppable and "drop" in active:
            d = pick(3, len(self.droppable) + 1, "drop")
            drop = np.where(d == 0, -1, np.asarray([-1] + self.droppable)[d])
        else:
            drop = np.full(n, -1, dtype=np.intp)
        W = np.broadcast_to(self.w0, (n, len(self.order))).copy()
        Uw = U[:, len(DISCRETE_INPUTS):]
        levels = [lv for lv in self.weight_levels if f"weights_L{lv}" in active]
        if ch.weights == "uniform":
            # w0 * ((1 - p) + 2p u), column by column the same numbers, over runs of adjacent perturbed
            # levels at once (numpy's per-row loops cost more than the arithmetic on a few dozen columns)
            p = ch.perturbation
            runs = []
            for lv in levels:
                sl = self._level_slices[lv]
                if runs and runs[-1][1] == sl.start:
                    runs[-1][1] = sl.stop
                else:
                    runs.append([sl.start, sl.stop])
            for a, b in runs:
                t = np.multiply(Uw[:, a:b], 2.0 * p)
                t += 1.0 - p
                np.multiply(self.w0[a:b], t, out=W[:, a:b])
            return Sample(norm, ties, agg, drop, W)
        if levels:  # dirichlet: shares within each sibling group
            from scipy.special import gammaincinv
        for lv in levels:
            for glv, pos in self._groups:
                if glv != lv or len(pos) < 2:
                    continue
                w = self.w0[pos]
                tot = w.sum()
                alpha = ch.concentration * w / tot
                u = np.clip(Uw[:, pos], 1e-12, 1.0 - 1e-12)
                G = np.where(alpha > 0, gammaincinv(np.where(alpha > 0, alpha, 1.0), u), 0.0)
                s = G.sum(axis=1, keepdims=True)
                ok = s[:, 0] > 0
                W[np.ix_(ok, pos)] = G[ok] / s[ok] * tot
        return Sample(norm, ties, agg, drop, W)

    def sample(self, n: int, seed=None) -> Sample:
        """Monte Carlo sample of ``n`` replications from ``numpy.random.default_rng(seed)``.

        Parameters
        ----------
        n : int
        seed : int, optional

        Returns
        -------
        Sample
            ``map_uniform(default_rng(seed).random((n, n_columns)))`` (see the class's Examples).
        """
        n = int(n)
        if n < 1:
            raise ConfigError(f"the number of replications must be >= 1, got {n}.")
        rng = np.random.default_rng(seed)
        return self.map_uniform(rng.random((n, self.n_columns)))

    def nominal_sample(self, n: int = 1) -> Sample:
        """``n`` replications with every choice at its nominal value (see the class's Examples).

        Parameters
        ----------
        n : int, default 1

        Returns
        -------
        Sample
        """
        return self.map_uniform(np.full((n, self.n_columns), 0.5), active=())

    # ------------------------------------------------------------------ evaluation
    def _chunk_size(self) -> int:
        fw = self.framework
        per_rep = max(self.n_units * fw._pads[lv].size for lv in range(1, fw.n_levels)) * 8 * 4
        return int(max(1, min(100_000, self.memory_mb * 2 ** 20 // per_rep)))

    def _aggregate_block(self, key, method: str, W: np.ndarray, drop: np.ndarray, units=None) -> np.ndarray:
        """Scores of every aggregate (R x units x aggregates) for replications sharing ``key`` and ``method``;
        with ``units`` (one unit per row of ``W``): of those (replication, unit) pairs only (R x 1 x aggregates),
        by the same arithmetic on the same array layout."""
        fw = self.framework
        X, logX = self._mats[key]
        if units is not None:
            X = X[units][:, None, :]
            logX = None if logX is None else logX[units][:, None, :]
        else:
            X = X[None]
            logX = None if logX is None else logX[None]
        R, n = W.shape[0], X.shape[1]
        gmean = method == "gmean"
        min_share = None if self.min_share is None or self.missing != "renormalise" else float(self.min_share)
        out = np.empty((R, n, len(self.aggregates)))
        # level-1 values (shared by all replications) and presence (per replication, for drops)
        vals = logX if gmean else X                                   # 1 x n x m (or pairs x 1 x m)
        unit_present = ~np.isnan(X)                                   # data present
        keep = None                                                   # R x 1 x m: not dropped
        dropped = drop >= 0
        if dropped.any():
            keep = np.ones((R, 1, self.n_ind), dtype=bool)
            keep[np.flatnonzero(dropped), 0, drop[dropped]] = False
        a0 = 0
        for lv in range(1, fw.n_levels):
            idx = fw._pads[lv]                                         # p x k, pad = c
            c = len(fw.codes_at(lv))
            pad = idx == c

            def padded(A, fill):
                return np.concatenate([A, np.full(A.shape[:2] + (1,), fill, dtype=A.dtype)], axis=2)[:, :, idx]

            sl = self._level_slices[lv]
            wl = padded(W[:, sl][:, None], 0.0)                           # R x 1 x p x k (pads 0)
            Vp = padded(vals, 0.0)
            Up = padded(unit_present, False)
            if keep is not None and lv == 1:
                wl = np.where(padded(keep, False), wl, 0.0)               # a dropped child weighs 0
                Pp = Up & padded(keep, False)
            else:
                Pp = Up
            contrib = np.where(Pp, Vp * wl, 0.0)                          # R x n x p x k
            # sorted as the engine sorts (a sorting network over the k child slots, not a sort call per
            # (replication, unit, parent)), then summed by the same call on the same array layout
            sort_last_axis(contrib)
            num = contrib.sum(axis=3)
            del contrib
            # sum of the weights present, in sorted order as the engine: shared by every (unit, parent)
            # with all children present, computed separately only for the pairs with a child missing
            den = np.empty(num.shape)
            den[:] = np.sort(wl, axis=3).sum(axis=3)
            uu, jj = np.nonzero(~(Up | pad).all(axis=(0, 3)))
            if len(uu):
                Wn = np.where(Pp[:, uu, jj, :], wl[:, 0, jj, :], 0.0)      # R x pairs x k
                sort_last_axis(Wn)
                den[:, uu, jj] = Wn.sum(axis=2)
                del Wn
            with np.errstate(divide="ignore", invalid="ignore"):
                res = num / den
            if gmean:
                res = np.exp(res)
            cnt = Pp.sum(axis=3)
            bad = (cnt == 0) | ((cnt > 0) & (den == 0))
            if min_share is not None:
                n_children = np.broadcast_to((~pad).sum(axis=1), (R, 1, idx.shape[0])).copy()
                if lv == 1 and dropped.any():
                    # the dropped indicator no longer counts among its parent's children
                    par_of = np.empty(c, dtype=np.intp)
                    for j in range(idx.shape[0]):
                        par_of[idx[j][~pad[j]]] = j
                    r = np.flatnonzero(dropped)
                    n_children[r, 0, par_of[drop[r]]] -= 1
                bad = bad | (cnt < min_share * n_children - 1e-12)
            res[np.broadcast_to(bad, res.shape)] = np.nan
            out[:, :, a0:a0 + res.shape[2]] = res
            a0 += res.shape[2]
            vals = res
            unit_present = ~np.isnan(res)
            if gmean and lv + 1 < fw.n_levels:
                with np.errstate(divide="ignore", invalid="ignore"):
                    vals = np.log(np.where(unit_present, res, 1.0))
        return out

    def _fast_chunk_size(self) -> int:
        # the batched kernel's peak: measured (tracemalloc) at 30-36 bytes per replication, unit and
        # (aggregate + level) -- scores, bounds, sort keys, positions, codes and temporaries; 48 leaves room
        per_rep = (len(self.aggregates) + self.framework.n_levels) * self.n_units * 48
        return int(max(1, min(100_000, self.memory_mb * 2 ** 20 // per_rep)))

    def _rank_block(self, key, a: int, W: np.ndarray, drop: np.ndarray, top_only: bool = False,
                    codes=None, out: np.ndarray | None = None, columns: np.ndarray | None = None,
                    jit=None) -> np.ndarray:
        """Ranks (aggregates x R x units; the top only with ``top_only``; rank codes of dtype ``codes``
        if given) of replications sharing the normalised matrix ``key`` and aggregation ``a``: the
        batched kernel (:mod:`vitality.mcbatch`), with the pairs that could rank otherwise recomputed
        by the exact engine.  With ``out`` (aggregates x units x M codes) they are written to its
        ``columns`` instead, and ``out`` is returned.  ``jit``: :func:`vitality.jit.kernels` (the same ranks)."""
        method = self.choices.aggregate[a]
        digits = self.rank_digits

        def done(ranks):                        # ranks: aggregates x R x units, float
            if codes is not None:
                ranks = rank_codes(ranks, codes)
            if out is None:
                return ranks
            out[:, :, columns] = ranks.transpose(0, 2, 1)
            return out

        if digits is None or not 1 <= digits <= 13 or (W < 0).any():
            S = self._aggregate_block(key, method, W, drop)
            return done(self._rank(S[:, :, -1:] if top_only else S).transpose(2, 0, 1))
        gmean = method == "gmean"
        if (key, gmean) not in self._fast_cache:
            X, logX = self._mats[key]
            P0 = ~np.isnan(X)
            V0 = logX if gmean else np.where(P0, X, 0.0)
            V0 = np.ascontiguousarray(V0)
            parts = level1_parts(self._level_groups, V0, P0)
            # means of non-negative values (logs for gmean): their bounds are known relative to the scores
            rel = (gmean_relative_bound(self._level_groups, float(V0.max())) if gmean
                   else amean_relative_bound(self._level_groups))
            self._fast_cache[(key, gmean)] = (V0, P0, rel if parts[0] else None, parts)
        V0, P0, rel, parts = self._fast_cache[(key, gmean)]
        cheap = rel is not None and rel <= 10.0 ** -digits
        keep = None
        dropped = drop >= 0
        if dropped.any():
            keep = np.ones((len(W), self.n_ind), dtype=bool)
            keep[np.flatnonzero(dropped), drop[dropped]] = False
        min_share = None if self.min_share is None or self.missing != "renormalise" else float(self.min_share)
        Wl = [W[:, self._level_slices[lv]] for lv in range(1, self.framework.n_levels)]
        S, B = batch_scores(self._level_groups, V0, P0, Wl, keep=keep, gmean=gmean, min_share=min_share,
                            bounds=not cheap, parts=parts)
        if top_only:
            S, B = S[-1:], (None if B is None else B[-1:])
        nA, R, n = S.shape

        def exact(r, u):                       # pairs x aggregates, by the exact engine
            return self._aggregate_block(key, method, W[r], drop[r], units=u)[:, 0, -nA:]

        ranks, n_exact = rank_batch(S, B, exact, digits, self.rank_ties, codes=codes, out=out, columns=columns,
                                    jit=jit)
        with _COUNT_LOCK:                        # blocks may run in threads (_fill_codes)
            self.n_exact += n_exact
        if ranks is None:
            return done(rank_asc(-round_significant(S.reshape(-1, n).T, digits), self.rank_ties).T.reshape(nA, R, n))
        return ranks

    def _fill_codes(self, sample: Sample, out: np.ndarray, threads: int = 1, jit: bool = False) -> None:
        """Rank codes (of ``out``'s dtype) of every replication of ``sample`` written to ``out``
        (aggregates x units x R), chunk by chunk and grouped by the discrete choices: the same codes as
        :meth:`_iter_ranks`, in a rank store's layout.

        With ``threads`` > 1 the groups of a chunk (split further when there are fewer groups than
        threads) run in that many threads: numpy's sorts, products and element-wise passes release
        the GIL, every group writes its own columns of ``out``, and the codes do not depend on how
        many threads there are.  At most one chunk (``memory_mb``) is in work at a time.  ``jit``: rank
        with the compiled loops of :mod:`vitality.jit` (loaded here if need be, e.g. in a worker process;
        numpy's passes without numba: the same codes)."""
        size = self._fast_chunk_size()
        n = len(sample)
        n_agg = len(self.choices.aggregate)
        loops = load_loops() if jit else None
        threads = max(1, int(threads)) if n >= 2 * _THREAD_ROWS else 1
        pool = None
        if threads > 1:
            from concurrent.futures import ThreadPoolExecutor
            pool = ThreadPoolExecutor(threads, thread_name_prefix="vitality-ranks")
        try:
            for start in range(0, n, size):
                rows = np.arange(start, min(n, start + size))
                sub = sample.take(rows)
                gid = self._key_id[sub.normalise, sub.ties] * n_agg + sub.aggregate
                groups = np.unique(gid)
                tasks = []
                for g in groups:
                    kk, a = divmod(int(g), n_agg)
                    r = np.flatnonzero(gid == g)
                    pieces = 1 if pool is None else max(1, min(-(-threads // len(groups)), len(r) // _THREAD_ROWS))
                    tasks.extend((kk, a, part) for part in np.array_split(r, pieces))

                def run(task, sub=sub, rows=rows):
                    kk, a, r = task
                    self._rank_block(self._keys[kk], a, sub.weights[r], sub.drop[r], False, out.dtype, out=out,
                                     columns=rows[r], jit=loops)

                if pool is None or len(tasks) == 1:
                    for t in tasks:
                        run(t)
                else:
                    for f in [pool.submit(run, t) for t in tasks]:
                        f.result()                       # in order: the first error is raised
        finally:
            if pool is not None:
                pool.shutdown()

    def _iter_ranks(self, sample: Sample, top_only: bool = False, codes=None):
        """Yield (row indices, ranks: aggregates x rows x units) chunk by chunk (only the top aggregate
        with ``top_only``; rank codes of dtype ``codes`` if given), grouped by the discrete choices; the
        same ranks as ``_rank`` of the exact scores."""
        size = self._fast_chunk_size()
        n = len(sample)
        n_agg = len(self.choices.aggregate)
        nA = 1 if top_only else len(self.aggregates)
        for start in range(0, n, size):
            rows = np.arange(start, min(n, start + size))
            sub = sample.take(rows)
            gid = self._key_id[sub.normalise, sub.ties] * n_agg + sub.aggregate
            groups = np.unique(gid)
            if len(groups) == 1:                     # one combination: the block is the chunk, no scatter
                kk, a = divmod(int(groups[0]), n_agg)
                yield rows, self._rank_block(self._keys[kk], a, sub.weights, sub.drop, top_only, codes)
                continue
            out = np.empty((nA, len(rows), self.n_units), dtype=float if codes is None else codes)
            for g in groups:
                kk, a = divmod(int(g), n_agg)
                r = np.flatnonzero(gid == g)
                out[:, r] = self._rank_block(self._keys[kk], a, sub.weights[r], sub.drop[r], top_only, codes)
            yield rows, out

    def _rank(self, S: np.ndarray) -> np.ndarray:
        """Ranks (1 = best) along the unit axis of S (R x units x aggregates), as ``rank_desc``."""
        R, n, A = S.shape
        # units x (replications x aggregates), laid out so that each ranking is contiguous in memory
        M = np.ascontiguousarray(S.transpose(0, 2, 1)).reshape(R * A, n).T
        Rk = rank_asc(-round_significant(M, self.rank_digits), self.rank_ties)
        return np.ascontiguousarray(Rk.T).reshape(R, A, n).transpose(0, 2, 1)

    def scores(self, sample: Sample) -> np.ndarray:
        """Aggregate scores of every replication by the exact engine (bit for bit ``build_index``).

        Parameters
        ----------
        sample : Sample

        Returns
        -------
        numpy.ndarray
            R x units x aggregates (see the class's Examples).
        """
        out = np.empty((len(sample), self.n_units, len(self.aggregates)))
        for rows, S in self._iter_scores(sample):
            out[rows] = S
        return out

    def ranks(self, sample: Sample) -> np.ndarray:
        """Ranks of every aggregate in every replication, by the batched kernel (:mod:`vitality.mcbatch`):
        the exact engine's ranks, with the pairs in doubt recomputed exactly.

        Parameters
        ----------
        sample : Sample

        Returns
        -------
        numpy.ndarray
            R x units x aggregates, float (see the class's Examples).
        """
        out = np.empty((len(sample), self.n_units, len(self.aggregates)))
        for rows, Rk in self._iter_ranks(sample):
            out[rows] = Rk.transpose(1, 2, 0)
        return out

    def _iter_scores(self, sample: Sample):
        """Yield (row indices, scores) chunk by chunk, grouped by the discrete choices."""
        size = self._chunk_size()
        n = len(sample)
        for start in range(0, n, size):
            rows = np.arange(start, min(n, start + size))
            sub = sample.take(rows)
            # distinct (normalised matrix, aggregation) combinations, in a fixed order
            n_agg = len(self.choices.aggregate)
            gid = self._key_id[sub.normalise, sub.ties] * n_agg + sub.aggregate
            combo = {}
            for g in np.unique(gid):
                kk, a = divmod(int(g), n_agg)
                combo[(self._keys[kk], a)] = np.flatnonzero(gid == g)
            S = np.empty((len(rows), self.n_units, len(self.aggregates)))
            for (key, a), r in combo.items():
                S[r] = self._aggregate_block(key, self.choices.aggregate[a], sub.weights[r], sub.drop[r])
            yield rows, S

    # ------------------------------------------------------------------ frames
    def sample_frame(self, sample: Sample) -> pd.DataFrame:
        """The sampled choices as a table: one row per replication (numbered from 1).

        Parameters
        ----------
        sample : Sample

        Returns
        -------
        pandas.DataFrame
            replication, normalise, ties, aggregate, drop and one ``w_<code>`` column per weight.

        Examples
        --------
        >>> from vitality.robustness_model import Choices, RobustnessModel
    >>> data = pd.DataFrame({"uCode": list("ABCDE"), "x": [1.0, 2, 3, 4, 5], "y": [4.0, 1, 3, 2, 5],
    ...                      "z": [2.0, 3, 1, 4, 5]})
    >>> meta = pd.DataFrame({"iCode": ["x", "y", "z", "P", "Q", "I"], "Level": [1, 1, 1, 2, 2, 3],
    ...                      "Parent": ["P", "P", "Q", "I", "I", None], "Type": ["Indicator"] * 3 + ["Aggregate"] * 3})
        >>> m = RobustnessModel(data, meta, Choices(aggregate=("amean", "gmean")))
        >>> list(m.sample_frame(m.sample(3, seed=1)).columns)[:5]
        ['replication', 'normalise', 'ties', 'aggregate', 'drop']
        """
        ch = self.choices
        inds = self.framework.indicators
        df = pd.DataFrame({
            "replication": np.arange(1, len(sample) + 1),
            "normalise": np.asarray(ch.normalise, dtype=object)[sample.normalise],
            "ties": np.asarray(ch.ties, dtype=object)[sample.ties],
            "aggregate": np.asarray(ch.aggregate, dtype=object)[sample.aggregate],
            "drop": np.where(sample.drop >= 0, np.asarray(inds + [""], dtype=object)[sample.drop], ""),
        })
        top = self.framework.top
        idx = [i for i, c in enumerate(self.order) if c != top]
        # one float block, copied once (a frame from a dict of column views copies and consolidates them
        # one by one); the frame owns it: editing the frame leaves the sample alone
        wdf = pd.DataFrame(sample.weights[:, idx], columns=[f"w_{self.order[i]}" for i in idx], copy=False)
        return pd.concat([df, wdf], axis=1)
