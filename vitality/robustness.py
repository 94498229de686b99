r"""Uncertainty and sensitivity analysis of a composite index (OECD/JRC Handbook, step 7).

The modelling choices of an index are treated as uncertain inputs and sampled; the index is
rebuilt for every sample (a *replication*) and the spread of the ranks is reported.

Uncertain inputs
----------------
``normalise``
    normalisation method, uniformly among the options given (first = nominal), each with its own
    parameters (:data:`DEFAULT_NORMALISE_PARAMS` unless overridden);
``ties``
    tie policy of the *rank-based normalisers* (``rank_score``, ``rank``, ``prank``): how tied raw
    values are scored.  It has no effect on the other normalisers, and the output ranks always use
    the nominal tie policy (``rank_ties``, default ``"min"``), so that the rank statistics of
    different replications are comparable;
``aggregate``
    aggregation method (``amean`` / ``gmean``), the same at every level of a replication;
``drop``
    optionally, one indicator left out (uniformly among "none" and every indicator that has at
    least one sibling, so that no aggregate is emptied);
``weights_L<l>``
    the weights of the nodes at level ``l`` (1 = indicators), perturbed around the nominal set:
    ``"uniform"``: each weight times an independent factor :math:`U(1 - p, 1 + p)` (COINr's noise,
    default :math:`p = 0.25`); ``"dirichlet"``: the shares within each sibling group drawn from a
    Dirichlet distribution with mean the nominal shares and total concentration ``concentration``
    (larger = tighter); ``"fixed"``: no perturbation.

Every input is driven by uniform [0, 1) numbers (a discrete choice with :math:`k` options takes
option :math:`\lfloor k u \rfloor`; a Dirichlet share is a Gamma quantile), so the same model serves
Monte Carlo (one seeded :func:`numpy.random.default_rng`) and Sobol' sampling (SALib).

How it is computed
------------------
The normalised indicator matrix depends only on (normalisation, tie policy): each distinct one is
computed once with :func:`vitality.normalise.normalise`.  Replications are grouped by their discrete
choices and evaluated *all at once* per group, in chunks that bound memory, by the batched kernel
(:mod:`vitality.mcbatch`): level 1 as one matrix product per parent (the weights of every
replication times the children's values), the higher levels as weighted sums of whole
(replication x unit) arrays, geometric means in the log domain, with a bound of every score's
rounding error; ranks of a whole chunk by one integer sort of the 12-digit rounded scores.  The
engine's own arithmetic (:mod:`vitality.aggregate`: contributions sorted before summing, weights
re-normalised over the children present, geometric mean as exp of the weighted mean of logs; ranks
by :func:`vitality.ranking.rank_desc`'s core on scores rounded to 12 significant digits) is used
where the rounding is in doubt: a (replication, unit) pair with a score whose 12th digit the bound
cannot settle is recomputed exactly (:meth:`RobustnessModel.scores` does it for every pair and
reproduces :func:`vitality.index.build_index` bit for bit; tested).  So the ranks are the exact
engine's, and the output files byte for byte those of the replication-by-replication computation.
The ranks of every replication are stored as small integers (:mod:`vitality.rankstats`: twice the
rank, ``int8`` / ``int16`` / ``int32`` as the units need, on disk past 1 GiB) and the rank statistics computed exactly from them per unit --
no units x units array.  The chunks of replications are independent: ``jobs`` / ``backend="dask"``
run them elsewhere (:mod:`vitality.parallel`) with the same result.  The model and the choices live
in :mod:`vitality.robustness_model` (re-exported here).

Outputs (:meth:`UncertaintyResult.to_dir`, :func:`run_analysis`)
----------------------------------------------------------------------
``rank_stats.csv``
    per aggregate (levels >= 2, the index first) and unit: ``nominal_rank``, ``median``, ``q05``,
    ``q95`` (quantiles as :func:`numpy.quantile`, linear), ``min``, ``max``, ``mean``,
    ``p_nominal`` (share of replications with the nominal rank), ``p_top<k>`` (share ranked
    within the first ``top`` places), ``within_<b>`` (1 if the 5-95 % interval lies within
    ``band`` places of the median);
``replications.csv`` (``save_replications``; CLI ``--save-replications``)
    one row per replication: the sampled choices, every node weight, and the mean absolute shift
    of the index ranks from the nominal ranks;
``sensitivity.csv`` (with a sensitivity analysis; CLI ``--sa-n``)
    Sobol' first-order (``S1``) and total-effect (``ST``) indices with 95 % bootstrap confidence
    half-widths, of each uncertain input, for the mean absolute rank shift and for the index rank
    of every unit (see :func:`sensitivity_analysis`);
``summary.json``
    the choices, seed, sample sizes and the headline numbers.

All files are written with a fixed float format and stable row order and no time stamp: the same
inputs and seed give byte-identical files.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._version import __version__
from .csvfast import write_csv
from .errors import ConfigError
from .jit import wanted
from .parallel import available_cores, map_chunks, resolve_jobs
from .rankstats import RankStore, rank_histogram, rank_quantiles_from_counts, rank_statistics
from .robustness_model import (
    DEFAULT_NORMALISE_PARAMS,
    DISCRETE_INPUTS,
    STAT_FORMAT,
    WEIGHT_FORMAT,
    WEIGHT_MODES,
    Choices,
    RobustnessModel,
    Sample,
    jsonable,
)
from .sobolfast import sobol_first_total, sobol_sample

__all__ = ['DEFAULT_NORMALISE_PARAMS', 'WEIGHT_MODES', 'DISCRETE_INPUTS', 'STAT_FORMAT', 'WEIGHT_FORMAT', 'Choices',
           'Sample', 'rank_quantiles_from_counts', 'RobustnessModel', 'UncertaintyResult', 'uncertainty_analysis',
           'SensitivityResult', 'sensitivity_analysis', 'run_analysis']


# ---------------------------------------------------------------------------- uncertainty
@dataclass(eq=False)
class UncertaintyResult:
    """Rank statistics per aggregate and unit, the sampled replications and a headline.

    Parameters
    ----------
    rank_stats, replications : pandas.DataFrame
        The tables of ``rank_stats.csv`` and ``replications.csv``.
    model : RobustnessModel
    n, seed, band, top
        As :func:`uncertainty_analysis`.
    store : vitality.rankstats.RankStore
        The rank codes of every replication.

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> from vitality.robustness import Choices, RobustnessModel, uncertainty_analysis
    >>> data = pd.DataFrame({"uCode": list("ABCDE"), "x": [1.0, 2, 3, 4, 5], "y": [4.0, 1, 3, 2, 5],
    ...                      "z": [2.0, 3, 1, 4, 5]})
    >>> meta = pd.DataFrame({"iCode": ["x", "y", "z", "P", "Q", "I"], "Level": [1, 1, 1, 2, 2, 3],
    ...                      "Parent": ["P", "P", "Q", "I", "I", None], "Type": ["Indicator"] * 3 + ["Aggregate"] * 3})
    >>> ua = uncertainty_analysis(RobustnessModel(data, meta, Choices(aggregate=("amean", "gmean"))), 100, seed=1)
    >>> ua.rank_counts().loc["A"].tolist(), ua.headline()["n_within_band"]
    ([0, 0, 43, 57, 0], 5)
    >>> ua.share_within(pd.Series({"A": 4, "B": 1}), band=0).round(2).tolist()
    [0.57, 0.0, nan, nan, nan]
    """

    rank_stats: pd.DataFrame
    replications: pd.DataFrame
    model: RobustnessModel = field(repr=False)
    n: int = 0
    seed: object = None
    band: int = 2
    top: int = 10
    store: object = field(default=None, repr=False)

    @property
    def rank_codes(self) -> np.ndarray:
        """Rank codes (2 x rank, 0 = missing) of every replication (:mod:`vitality.rankstats`).

        Returns
        -------
        numpy.ndarray
            aggregates x units x n.
        """
        return self.store.codes

    @property
    def counts(self) -> np.ndarray:
        """Rank histograms (units x aggregates x 2 * units + 1; column k = rank k / 2, 0 = missing).
        Built on demand: units^2 in size, so use :meth:`rank_counts` for one aggregate.

        Returns
        -------
        numpy.ndarray
        """
        return np.stack([rank_histogram(c) for c in self.store.codes], axis=1)

    def rank_counts(self, code: str | None = None) -> pd.DataFrame:
        """How many replications gave each unit each rank (units x ranks 1..n) for ``code`` (default the
        index); with ``rank_ties="average"`` ranks can be halves.

        Parameters
        ----------
        code : str, optional

        Returns
        -------
        pandas.DataFrame
            units x ranks (see the class's Examples).
        """
        m = self.model
        a = m.aggregates.index(code or m.framework.top)
        c = rank_histogram(self.store.codes[a])[:, 1:]
        ranks = np.arange(1, c.shape[1] + 1) / 2.0
        keep = c.sum(axis=0) > 0
        keep |= (ranks == np.round(ranks)) & (ranks >= 1)
        cols = [int(r) if r == int(r) else r for r in ranks[keep]]
        return pd.DataFrame(c[:, keep], index=pd.Index(m.units, name="unit"), columns=cols)

    def share_within(self, reference: pd.Series, band: int = 1, code: str | None = None) -> pd.Series:
        """Share of replications in which each unit ranks within ``band`` places of ``reference``
        (e.g. the published ranks), by unit; NaN where the reference is missing.

        Parameters
        ----------
        reference : pandas.Series
            Ranks by unit.
        band : int, default 1
        code : str, optional

        Returns
        -------
        pandas.Series
            (see the class's Examples).
        """
        rc = self.rank_counts(code)
        ref = pd.Series(reference).reindex(rc.index).astype(float)
        r = np.asarray(rc.columns, dtype=float)
        near = np.abs(r[None, :] - ref.to_numpy()[:, None]) <= band + 1e-9
        tot = rc.to_numpy().sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (rc.to_numpy() * near).sum(axis=1) / tot
        return pd.Series(np.where(ref.isna(), np.nan, out), index=rc.index, name=f"p_within_{band}")

    def headline(self, code: str | None = None) -> dict:
        """Share of units whose 5-95 % rank interval lies within ``band`` places of their median.

        Parameters
        ----------
        code : str, optional
            Aggregate (default the index).

        Returns
        -------
        dict
            code, n_units, band, share_within_band, n_within_band, median/max interval width,
            mean_abs_rank_shift (see the class's Examples).
        """
        code = code or self.model.framework.top
        t = self.rank_stats[self.rank_stats["code"] == code]
        within = t[f"within_{self.band}"]
        share = float(within.mean()) if len(t) else float("nan")
        width = (t["q95"] - t["q05"])
        return {"code": code, "n_units": int(len(t)), "band": self.band, "share_within_band": share,
                "n_within_band": int(within.sum()), "median_interval_width": float(width.median()),
                "max_interval_width": float(width.max()),
                "mean_abs_rank_shift": float(self.replications["mean_abs_rank_shift"].mean())}

    def headline_text(self, code: str | None = None, noun: str = "units") -> str:
        """The headline in one sentence (``noun``: what the units are, e.g. "cities").

        Parameters
        ----------
        code : str, optional
        noun : str

        Returns
        -------
        str
        """
        h = self.headline(code)
        return (f"{100 * h['share_within_band']:.0f} % of {noun} ({h['n_within_band']} of {h['n_units']}) stay within "
                f"±{h['band']} places of their median rank in 90 % of the {self.n:,} replications (5–95 % interval); "
                f"median interval width {h['median_interval_width']:g} places, widest "
                f"{h['max_interval_width']:g}; mean absolute rank shift from the nominal ranking "
                f"{h['mean_abs_rank_shift']:.2f} places.")

    def to_dir(self, out, *, sensitivity: "SensitivityResult | None" = None, replications: bool = True,
               compress: bool = False) -> dict:
        """Write ``rank_stats.csv``, ``replications.csv`` (unless ``replications=False``), ``sensitivity.csv``
        (with ``sensitivity``) and ``summary.json``; ``compress``: the tables as ``.csv.gz``.

        Parameters
        ----------
        out : path
        sensitivity : SensitivityResult, optional
        replications, compress : bool

        Returns
        -------
        dict
            name -> path written.
        """
        out = Path(out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ConfigError(f"cannot create the output folder {str(out)!r} ({e.strerror}). Fix: choose a "
                              "writable path.") from None
        ext = ".csv.gz" if compress else ".csv"
        paths = {"rank_stats": out / f"rank_stats{ext}", "summary": out / "summary.json"}
        _write_csv(self.rank_stats, paths["rank_stats"], STAT_FORMAT)
        if replications:
            paths["replications"] = out / f"replications{ext}"
            _write_csv(self.replications, paths["replications"], WEIGHT_FORMAT)
        summary = {"vitality_version": __version__, "analysis": "uncertainty", "n": self.n, "seed": self.seed,
                   "choices": self.model.choices.as_dict(), "inputs": self.model.inputs,
                   "nominal_spec": {k: v for k, v in self.model.nominal.spec.items() if not k.endswith("_version")},
                   "band": self.band, "top": self.top,
                   "headline": {c: _round_floats(self.headline(c)) for c in self.model.aggregates[::-1]},
                   "headline_text": self.headline_text()}
        if sensitivity is not None:
            paths["sensitivity"] = out / f"sensitivity{ext}"
            _write_csv(sensitivity.table, paths["sensitivity"], STAT_FORMAT)
            summary["sensitivity"] = sensitivity.spec
        paths["summary"].write_text(json.dumps(jsonable(summary), ensure_ascii=False, indent=2, sort_keys=True)
                                    + "\n", encoding="utf-8")
        return paths


def _round_floats(d: dict) -> dict:
    return {k: (float(f"{v:.6g}") if isinstance(v, float) else v) for k, v in d.items()}


def _write_csv(df: pd.DataFrame, path: Path, float_format: str) -> None:
    write_csv(df, path, index=False, float_format=float_format)


#: units from which ``uncertainty_analysis`` ranks in threads by default (see its ``threads``)
THREAD_UNITS = 1000


def _chunk_ranks(model: "RobustnessModel", sample: Sample, dtype, threads: int = 1, jit: bool = False) -> tuple:
    """Rank codes (aggregates x units x R) and mean absolute shift of the index ranks (R) of the
    replications ``sample``: one independent chunk (``jit``: the compiled loops of :mod:`vitality.jit`).
    The codes go to a chunk of their own, copied to the store after: scattered straight into a large
    store, every unit's column is pages away from the next (1.5x slower at 100,000 replications)."""
    R = len(sample)
    codes = np.empty((len(model.aggregates), model.n_units, R), dtype=dtype)
    model._fill_codes(sample, codes, threads, jit)                 # A x U x R rank codes
    # mean |rank - nominal rank| of the index over the units ranked in both, from the codes (twice the
    # ranks) in integers: the sum of halves numpy's nanmean of the float ranks adds exactly, then the
    # same division -- the same numbers in fewer passes
    nominal = model.nominal_ranks[:, -1]
    keep = ~np.isnan(nominal)
    c = codes[-1][keep]                                            # U' x R, the index's codes
    d = np.subtract(c, np.rint(2 * nominal[keep]).astype(np.int32)[:, None], dtype=np.int32)
    np.abs(d, out=d)
    ranked = c != 0
    d *= ranked
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = (d.sum(axis=0) * 0.5) / ranked.sum(axis=0)
    return codes, shift


def _uniform_chunks(model: "RobustnessModel", n: int, seed, size: int):
    """(start, uniform numbers) of consecutive chunks of ``size`` replications: one stream of
    ``numpy.random.default_rng(seed)``, the same numbers as ``model.sample(n, seed)`` whatever ``size``."""
    rng = np.random.default_rng(seed)
    for start in range(0, n, size):
        yield start, rng.random((min(n, start + size) - start, model.n_columns))


def uncertainty_analysis(model: RobustnessModel, n: int = 1000, seed=2015, *, band: int = 2,
                         top: int = 10, jobs: int = 1, backend: str | None = None, scheduler=None,
                         progress=None, chunk: int | None = None, threads: int | None = None) -> UncertaintyResult:
    """Monte Carlo over the uncertain choices: rank statistics of every aggregate and unit.

    Parameters
    ----------
    model : RobustnessModel
    n : int
        Number of replications.
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same result.
    band : int
        Half-width (places) of the "stays within ±band of its median rank" headline.
    top : int
        ``p_top<top>`` = share of replications in which a unit ranks within the first ``top``.
    jobs : int
        Worker processes for the chunks of replications (1 = in this process; -1 = every core).
    backend, scheduler
        ``backend="dask"``: run the chunks on a Dask cluster (``scheduler`` address, or a local
        cluster when None) through joblib (:func:`vitality.parallel.map_chunks`).
    progress : bool or None
        Progress bar on stderr: None = only on a terminal and when the run lasts over 1.5 s.
    chunk : int, optional
        Replications per task (default: as many as fit ``model.memory_mb``, at least 1,000 when
        running in parallel).  Results do not depend on it, nor on ``jobs``, ``backend`` or
        ``threads``: the uniform numbers are one stream of ``default_rng(seed)`` cut into chunks, and
        every replication is computed on its own.
    threads : int, optional
        Threads ranking the replications of a chunk in this process (numpy releases the GIL in the
        kernel's sorts and products).  None: every available core when ``jobs`` is 1, there is no
        backend and the index has at least :data:`THREAD_UNITS` units, else 1 -- with fewer units every
        numpy call is too short to share (on 2 cores ASEM's 51 units ran 5-10 % slower in two threads,
        10,000 units 5 % faster); worker processes have their own cores.

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> from vitality.robustness import Choices, RobustnessModel, uncertainty_analysis
    >>> data = pd.DataFrame({"uCode": list("ABCDE"), "x": [1.0, 2, 3, 4, 5], "y": [4.0, 1, 3, 2, 5],
    ...                      "z": [2.0, 3, 1, 4, 5]})
    >>> meta = pd.DataFrame({"iCode": ["x", "y", "z", "P", "Q", "I"], "Level": [1, 1, 1, 2, 2, 3],
    ...                      "Parent": ["P", "P", "Q", "I", "I", None], "Type": ["Indicator"] * 3 + ["Aggregate"] * 3})
    >>> m = RobustnessModel(data, meta, Choices(normalise=("minmax", "rank"), aggregate=("amean", "gmean")))
    >>> ua = uncertainty_analysis(m, 200, seed=1)
    >>> ua.rank_stats.loc[ua.rank_stats.code == "I", ["unit", "nominal_rank", "median"]].to_numpy().tolist()
    [['E', 1.0, 1.0], ['D', 2.0, 2.0], ['A', 3.0, 4.0], ['B', 3.0, 3.0], ['C', 5.0, 5.0]]
    """

    band, top = int(band), int(top)
    n = int(n)
    if n < 1:
        raise ConfigError(f"the number of replications must be >= 1, got {n}.")
    U, A = model.n_units, len(model.aggregates)
    parallel = backend is not None or resolve_jobs(jobs) > 1
    if chunk is not None and int(chunk) < 1:
        raise ConfigError(f"chunk must be >= 1 replication, got {chunk!r}.")
    # a task evaluates its replications in memory-bounded sub-chunks (_iter_scores), so a parallel task
    # can be larger than one chunk: fewer tasks, less pickling
    size = int(chunk) if chunk else (max(model._chunk_size(), 1000) if parallel else model._chunk_size())
    if threads is None:
        threads = 1 if parallel or model.n_units < THREAD_UNITS else available_cores()
    elif int(threads) < 1:
        raise ConfigError(f"threads must be >= 1, got {threads!r}.")
    store = RankStore(A, U, n)
    shift = np.empty(n)
    weights = np.empty((n, len(model.order)))
    picks = np.empty((n, len(DISCRETE_INPUTS)), dtype=np.intp)
    starts, blocks = [], []
    for start, Uc in _uniform_chunks(model, n, seed, size):
        s = model.map_uniform(Uc)
        rows = slice(start, start + len(s))
        weights[rows] = s.weights
        picks[rows] = np.column_stack([s.normalise, s.ties, s.aggregate, s.drop])
        starts.append(start)
        blocks.append(s)
    jit = wanted()                                                     # the compiled loops, if loaded or asked for
    results = map_chunks(_chunk_ranks, [(model, b, store.dtype, int(threads), jit) for b in blocks],
                         sizes=[len(b) for b in blocks],
                         jobs=jobs, backend=backend, scheduler=scheduler, progress=progress)
    for start, (codes, sh) in zip(starts, results):
        store.put_codes(range(start, start + codes.shape[2]), codes)
        shift[start:start + len(sh)] = sh
    del blocks
    nominal = model.nominal_ranks                                      # U x A
    st = rank_statistics(store.codes, nominal, band=band, top=top)
    med, q05, q95 = st["q"][..., 1], st["q"][..., 0], st["q"][..., 2]
    fw = model.framework
    # one table, the index first, each aggregate's units by nominal rank (ties and missing ranks in unit
    # order, missing last): one stable sort per aggregate on (rank, position)
    aggs = np.arange(A - 1, -1, -1)
    key = np.where(np.isnan(nominal), np.inf, nominal)                # U x A
    order = np.stack([np.lexsort((np.arange(U), key[:, a])) for a in aggs])   # A x U, the index first
    pick = lambda M: M[order, aggs[:, None]].ravel()                   # noqa: E731 - U x A -> rows
    units = np.asarray(model.units, dtype=object)
    stats = pd.DataFrame({
        "level": np.repeat([fw.levels[model.aggregates[a]] for a in aggs], U),
        "code": np.repeat(np.asarray([model.aggregates[a] for a in aggs], dtype=object), U).tolist(),
        "unit": units[order].ravel().tolist(), "nominal_rank": pick(nominal),
        "median": pick(med), "q05": pick(q05), "q95": pick(q95), "min": pick(st["min"]),
        "max": pick(st["max"]), "mean": pick(st["mean"]), "p_nominal": pick(st["p_nominal"]),
        f"p_top{top}": pick(st["p_top"]), f"within_{band}": pick(st["within"]), "n": pick(st["n"])})
    sample = Sample(picks[:, 0], picks[:, 1], picks[:, 2], picks[:, 3], weights)
    reps = model.sample_frame(sample)
    reps["mean_abs_rank_shift"] = shift
    return UncertaintyResult(rank_stats=stats, replications=reps, model=model, n=n, seed=seed, band=band,
                             top=top, store=store)


# ---------------------------------------------------------------------------- sensitivity
@dataclass(eq=False)
class SensitivityResult:
    """Sobol' indices (``table``) and what was estimated (``spec``).

    Parameters
    ----------
    table : pandas.DataFrame
    spec : dict

    Returns
    -------
    SensitivityResult

    Examples
    --------
    See :func:`sensitivity_analysis`.
    """

    table: pd.DataFrame
    spec: dict

    def for_output(self, output: str = "mean_abs_rank_shift", unit: str = "") -> pd.DataFrame:
        """The indices of one output (and unit), indexed by input.

        Parameters
        ----------
        output : str
        unit : str

        Returns
        -------
        pandas.DataFrame
        """
        t = self.table
        return t[(t["output"] == output) & (t["unit"] == unit)].set_index("input")


def sensitivity_analysis(model: RobustnessModel, n_base: int = 1024, seed=2015, *, per_unit: bool = True,
                         num_resamples: int = 100, conf_level: float = 0.95) -> SensitivityResult:
    r"""Variance-based sensitivity of the index ranks to each uncertain input (SALib).

    What is estimated: for each uncertain input (:attr:`RobustnessModel.inputs`; the weights of a
    level form one *group*), the first-order index :math:`S_1` (share of the output variance
    explained by that input alone) and the total-effect index :math:`S_T` (share explained by the
    input together with all its interactions), of two kinds of output computed from the ranks of the
    top node (the index):

    * ``mean_abs_rank_shift``: the mean over units of :math:`|r_u - r_u^{\text{nominal}}|`;
    * ``rank`` of every unit (``per_unit=True``), one row per unit and input.

    How: a scrambled Sobol' sequence (``SALib.sample.sobol.sample``, ``calc_second_order=False``)
    of ``n_base`` base points (a power of 2) over the uniform inputs, i.e.
    ``n_base * (G + 2)`` model runs for ``G`` inputs, mapped to choices by
    :meth:`RobustnessModel.map_uniform`; estimators of ``SALib.analyze.sobol.analyze``
    (Saltelli 2010 for :math:`S_1`, Jansen for :math:`S_T`) with bootstrap confidence half-widths
    (``num_resamples``, ``conf_level``).  Sample and estimators are computed for every output at once
    by :mod:`vitality.sobolfast`, SALib's numbers bit for bit (SALib itself only without a seed).
    An output that does not vary at all gets 0 for every input (no input can change it).  With no
    uncertain input the table is empty.

    Parameters
    ----------
    model : RobustnessModel
    n_base : int, default 1024
        Base points of the Sobol' sequence (a power of 2).
    seed : int
        Scrambling and bootstrap seed.
    per_unit : bool, default True
        Also the index rank of every unit (one output per unit).
    num_resamples, conf_level
        Bootstrap of the confidence half-widths.

    Returns
    -------
    SensitivityResult
        ``table``: output, unit, input, S1, S1_conf, ST, ST_conf; ``spec``: what was estimated.

    Examples
    --------
    >>> from vitality.robustness import Choices, RobustnessModel, sensitivity_analysis
    >>> data = pd.DataFrame({"uCode": list("ABCDE"), "x": [1.0, 2, 3, 4, 5], "y": [4.0, 1, 3, 2, 5],
    ...                      "z": [2.0, 3, 1, 4, 5]})
    >>> meta = pd.DataFrame({"iCode": ["x", "y", "z", "P", "Q", "I"], "Level": [1, 1, 1, 2, 2, 3],
    ...                      "Parent": ["P", "P", "Q", "I", "I", None], "Type": ["Indicator"] * 3 + ["Aggregate"] * 3})
    >>> m = RobustnessModel(data, meta, Choices(normalise=("minmax", "rank"), aggregate=("amean", "gmean")))
    >>> sa = sensitivity_analysis(m, 64, seed=1, per_unit=False)
    >>> sa.table["input"].tolist(), sa.spec["n_runs"]
    (['normalise', 'aggregate', 'weights_L1', 'weights_L2'], 384)
    """
    n_base = int(n_base)
    if n_base < 2 or n_base & (n_base - 1):
        raise ConfigError(f"n_base must be a power of 2 (>= 2) for the Sobol' sequence, got {n_base}.")
    inputs = model.inputs
    spec = {"method": "Sobol' indices (SALib sobol sample + analyze, calc_second_order=False)",
            "n_base": n_base, "inputs": inputs, "seed": seed, "num_resamples": int(num_resamples),
            "conf_level": float(conf_level), "outputs": ["mean_abs_rank_shift"] + (["rank"] if per_unit else []),
            "level": model.framework.top}
    cols = ["output", "unit", "input", "S1", "S1_conf", "ST", "ST_conf"]
    if not inputs:
        spec["n_runs"] = 0
        return SensitivityResult(pd.DataFrame(columns=cols), spec)
    # one SALib variable per column of the uniform matrix that an active input uses
    var_cols, groups = [], []
    for i, name in enumerate(DISCRETE_INPUTS):
        if name in inputs:
            var_cols.append(i)
            groups.append(name)
    for lv in model.weight_levels:
        sl = model._level_slices[lv]
        for j in range(sl.start, sl.stop):
            var_cols.append(len(DISCRETE_INPUTS) + j)
            groups.append(f"weights_L{lv}")
    problem = {"num_vars": len(var_cols), "names": [f"x{j}" for j in var_cols],
               "bounds": [[0.0, 1.0]] * len(var_cols), "groups": groups}
    if len(set(groups)) == len(groups):
        problem["names"] = groups
        del problem["groups"]
    Xs = sobol_sample(groups, n_base, seed)          # SALib's sobol sample, bit for bit (vitality.sobolfast)
    U = np.full((len(Xs), model.n_columns), 0.5)
    U[:, var_cols] = Xs
    sample = model.map_uniform(U)
    top_ranks = np.empty((len(sample), model.n_units))
    for rows, Rk in model._iter_ranks(sample, top_only=True):
        top_ranks[rows] = Rk[0]
    nominal = model.nominal_ranks[:, -1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        shift = np.nanmean(np.abs(top_ranks - nominal[None]), axis=1)
    Ys = np.vstack([shift[None, :], top_ranks.T]) if per_unit else shift[None, :]     # outputs x runs
    out_names = ["mean_abs_rank_shift"] + ["rank"] * (len(Ys) - 1)
    out_units = [""] + (list(model.units) if per_unit else [])
    G = len(dict.fromkeys(groups))                 # one index per input (a level's weights: one group)
    vals = {k: np.zeros((len(Ys), G)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    nan = np.isnan(Ys).any(axis=1)
    const = ~nan & (np.ptp(np.where(nan[:, None], 0.0, Ys), axis=1) == 0)
    todo = np.flatnonzero(~nan & ~const)
    if len(todo) and seed:
        # every output at once, bit for bit as SALib's analyze of each (vitality.sobolfast)
        with np.errstate(all="ignore"):
            fast = sobol_first_total(Ys[todo], G, num_resamples=num_resamples, conf_level=conf_level, seed=seed)
        for k in vals:
            vals[k][todo] = fast[k]
    elif len(todo):
        # no seed: SALib's own (unreproducible) resamples
        from SALib.analyze import sobol as sobol_analyze
        for o in todo.tolist():
            with warnings.catch_warnings():
                # SALib warns when a bootstrap resample happens to be constant (a rank that rarely moves)
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.filterwarnings("ignore", message="Constant values encountered", category=UserWarning)
                res = sobol_analyze.analyze(problem, Ys[o], calc_second_order=False, num_resamples=num_resamples,
                                            conf_level=conf_level, seed=seed, print_to_console=False)
            for k in vals:
                vals[k][o] = np.asarray(res[k], dtype=float)
    for k in vals:
        vals[k][nan] = np.nan
    table = pd.DataFrame({"output": np.repeat(np.array(out_names, dtype=object), G),
                          "unit": np.repeat(np.array(out_units, dtype=object), G),
                          "input": np.tile(np.array(inputs, dtype=object), len(Ys)),
                          **{k: vals[k].ravel() for k in ("S1", "S1_conf", "ST", "ST_conf")}})
    spec["n_runs"] = int(len(sample))
    return SensitivityResult(table, spec)


# ---------------------------------------------------------------------------- one call
def run_analysis(data: pd.DataFrame, meta: pd.DataFrame, *, n: int = 1000, seed=2015, out_dir=None,
                 choices: Choices | None = None, sa_n: int = 512, per_unit: bool = True, band: int = 2,
                 top: int = 10, save_replications: bool = True, compress: bool = False, jobs: int = 1,
                 backend: str | None = None, scheduler=None, progress=None, threads: int | None = None,
                 **model_options) -> tuple[UncertaintyResult, SensitivityResult | None]:
    """Build the model, run the uncertainty (``n`` replications) and sensitivity (``sa_n`` base
    points; 0 = skip) analyses and, with ``out_dir``, write the files (see the module docstring;
    ``save_replications=False`` leaves out ``replications.csv``, ``compress`` writes ``.csv.gz``).

    ``jobs``, ``backend``, ``scheduler``, ``threads``, ``progress``: where and how visibly the replications run
    (:func:`uncertainty_analysis`; the results do not depend on them).  ``model_options`` go to
    :class:`RobustnessModel` (``unit_col``, ``weights``, ``missing``, ``min_share``, ``rank_ties``,
    ``rank_digits``, ``memory_mb``).

    Parameters
    ----------
    data, meta : pandas.DataFrame
        As for :func:`vitality.index.build_index`.
    n, seed, band, top
        As :func:`uncertainty_analysis`.
    out_dir : path, optional
        Where to write the files.
    choices : Choices, optional
    sa_n : int, default 512
        Sobol' base points (0 = no sensitivity analysis).
    per_unit, save_replications, compress, jobs, backend, scheduler, threads, progress
        See above.

    Returns
    -------
    (UncertaintyResult, SensitivityResult or None)

    Examples
    --------
    >>> from vitality.robustness import run_analysis
    >>> data = pd.DataFrame({"uCode": list("ABCDE"), "x": [1.0, 2, 3, 4, 5], "y": [4.0, 1, 3, 2, 5],
    ...                      "z": [2.0, 3, 1, 4, 5]})
    >>> meta = pd.DataFrame({"iCode": ["x", "y", "z", "P", "Q", "I"], "Level": [1, 1, 1, 2, 2, 3],
    ...                      "Parent": ["P", "P", "Q", "I", "I", None], "Type": ["Indicator"] * 3 + ["Aggregate"] * 3})
    >>> ua, sa = run_analysis(data, meta, n=100, seed=1, sa_n=0)
    >>> sa is None, len(ua.replications)
    (True, 100)
    """
    model = RobustnessModel(data, meta, choices, **model_options)
    ua = uncertainty_analysis(model, n, seed, band=band, top=top, jobs=jobs, backend=backend, scheduler=scheduler,
                              progress=progress, threads=threads)
    sa = sensitivity_analysis(model, sa_n, seed, per_unit=per_unit) if sa_n else None
    if out_dir is not None:
        ua.to_dir(out_dir, sensitivity=sa, replications=save_replications, compress=compress)
    return ua, sa


# ---------------------------------------------------------------------------- reading the results


# ---------------------------------------------------------------------------- figures


# ---------------------------------------------------------------------------- tables and words (notebook 07)


