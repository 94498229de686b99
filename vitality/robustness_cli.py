"""``python -m vitality uncertainty``: uncertainty and sensitivity analysis of an index from two CSV files.

Example (COINr's ASEM example, 1,000 replications)::

    python -m vitality uncertainty --data data/external/asem/input_ASEM_iData.csv \\
        --meta data/external/asem/input_ASEM_iMeta.csv --n 1000 --seed 2015 --out output/uncertainty/asem

writes ``rank_stats.csv`` and ``summary.json`` into ``--out``, with ``--sa-n 512`` also
``sensitivity.csv`` (Sobol' indices) and with ``--save-replications`` also ``replications.csv``
(see :mod:`vitality.robustness`); ``--compress`` writes the tables as ``.csv.gz``.  The first
option of every list is the nominal choice.  ``--help`` gives the cost of each option.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from .aggregate import AGGREGATORS, MISSING_POLICIES
from .errors import ConfigError
from .normalise import NORMALISERS, TIES
from .outputs import incomplete_run, refuse_inside

__all__ = ['DEFAULTS', 'add_cli_parser', 'run', 'main']

#: defaults of the command (documented in --help and docs/robustness.md)
DEFAULTS = {
    "n": 1000, "seed": 2015, "normalise": ["minmax", "zscore", "rank"], "range": [1.0, 100.0],
    "mean_sd": [100.0, 10.0], "ties": ["min"], "aggregate": ["amean", "gmean"], "weights": "uniform",
    "perturbation": 0.25, "concentration": 50.0, "missing": "renormalise", "rank_ties": "min", "sa_n": 0,
    "band": 2, "top": 10, "jobs": 1,
}

_EPILOG = """\
cost (COINr's ASEM example, 51 units x 49 indicators, on a 2-core machine):
  start-up (Python, numpy, pandas)      ~0.4 s, paid once
  --n N                                 ~0.01-0.1 ms per replication and 51 units; memory 2 bytes per
                                        replication, unit and aggregate (rank codes), on disk past 1 GiB
  --sa-n N                              runs N x (inputs + 2) replications (512 -> 3,584 for ASEM) and
                                        estimates S1/ST of every unit's rank (~0.1 s for ASEM at 1,024;
                                        ~10 s CPU for 10,000 units at 512); imports scipy.special
                                        (~0.2 s); off by default
  --save-replications                   one row per replication (N = 10,000 -> 7.6 MB, ~0.3 s to write);
                                        --compress: ~4x smaller, slower to write
  --jobs J / --backend dask             worker start-up ~0.5-1 s (loky) or a cluster's; pays from
                                        ~10^5 replication-units (e.g. N = 2,000 on 51 units) onward
  --threads T                           default every core in this process (with --jobs 1) from 1,000
                                        units on, else 1; ~1.05x faster on 2 cores at 10,000 units
  --weight-levels L...                  none (fewer perturbed weights)
examples:
  python -m vitality uncertainty --data data/external/asem/input_ASEM_iData.csv \\
      --meta data/external/asem/input_ASEM_iMeta.csv --n 10000 --seed 1 --out out/asem
  ... --sa-n 512 --save-replications        # + sensitivity.csv and replications.csv (the files of earlier versions)
  ... --jobs -1                             # every core; the same files whatever the number of jobs
  ... --backend dask --scheduler tcp://host:8786
"""


def _configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    d = DEFAULTS
    io = p.add_argument_group("input and output")
    io.add_argument("--data", required=True, help="data CSV: one row per unit, one column per indicator code")
    io.add_argument("--meta", required=True, help="metadata CSV (COINr iMeta or vitality layout)")
    io.add_argument("--out", required=True, help="output folder (created)")
    io.add_argument("--unit-col", default=None,
                    help="column holding the unit codes (default: uCode if present, else the first column if it "
                         "holds text)")
    mc = p.add_argument_group("sampling")
    mc.add_argument("--n", type=int, default=d["n"], help=f"Monte Carlo replications (default {d['n']})")
    mc.add_argument("--seed", type=int, default=d["seed"], help=f"random seed (default {d['seed']})")
    mc.add_argument("--sa-n", type=int, default=d["sa_n"],
                    help="Sobol' sensitivity analysis with this base sample size, a power of 2 (512 is a good "
                         "start): n*(inputs+2) runs, the estimation (~0.1 s for ASEM at 1,024) and the import of "
                         "scipy.special (~0.2 s); writes "
                         "sensitivity.csv; 0 skips it (default 0)")
    mc.add_argument("--no-per-unit", action="store_true",
                    help="sensitivity of the mean absolute rank shift only, not of every unit's rank")
    io.add_argument("--save-replications", action="store_true",
                    help="also write replications.csv: the sampled choices and weights of every replication "
                         "(N rows x one column per weight; ~0.8 MB and ~0.03 s per 1,000 replications of ASEM)")
    io.add_argument("--compress", action="store_true",
                    help="write the tables gzip-compressed (.csv.gz, byte-identical on reruns): ~4x smaller")
    io.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar on stderr (default: only on a terminal, once a run has lasted 1.5 s)")
    where = p.add_argument_group("where the replications run (the same files whatever is chosen)")
    where.add_argument("--jobs", type=int, default=d["jobs"], metavar="J",
                     help="worker processes (joblib) for the chunks of replications; -1 = every core; 1 = in "
                          "this process (default 1; workers cost ~0.5-1 s to start)")
    where.add_argument("--threads", type=int, default=None, metavar="T",
                     help="threads ranking the replications in this process (default: every core with "
                          "--jobs 1 and at least 1,000 units, else 1)")
    where.add_argument("--backend", choices=["loky", "dask"], default=None,
                     help="joblib backend: loky (local processes, with --jobs) or dask (a Dask cluster; needs "
                          "pip install 'vitality[dask]')")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="with --backend dask: scheduler address (tcp://host:8786); default a local cluster")
    ch = p.add_argument_group("uncertain choices (first option = nominal)")
    ch.add_argument("--normalise", nargs="+", default=d["normalise"], metavar="METHOD",
                    help=f"normalisation methods among {list(NORMALISERS)} (default: {' '.join(d['normalise'])})")
    ch.add_argument("--range", nargs=2, type=float, default=d["range"], metavar=("LO", "HI"),
                    help="min-max output range (default 1 100: positive, so the geometric mean is defined)")
    ch.add_argument("--mean-sd", nargs=2, type=float, default=d["mean_sd"], metavar=("MEAN", "SD"),
                    help="z-score mean and sd (default 100 10: positive in practice)")
    ch.add_argument("--ties", nargs="+", default=d["ties"], metavar="POLICY",
                    help=f"tie policies of the rank-based normalisers among {list(TIES)} (default: min)")
    ch.add_argument("--aggregate", nargs="+", default=d["aggregate"], metavar="METHOD",
                    help=f"aggregation methods among {list(AGGREGATORS)} (default: amean gmean)")
    ch.add_argument("--weights", choices=["uniform", "dirichlet", "fixed"], default=d["weights"],
                    help="weight perturbation: uniform factor U(1-p, 1+p) on every weight, Dirichlet shares in "
                         "each sibling group, or none (default uniform)")
    ch.add_argument("--perturbation", type=float, default=d["perturbation"], metavar="P",
                    help="half-width p of the uniform weight factor (default 0.25, i.e. ±25 %%)")
    ch.add_argument("--concentration", type=float, default=d["concentration"], metavar="C",
                    help="Dirichlet concentration per sibling group, larger = tighter (default 50)")
    ch.add_argument("--drop", action="store_true", help="also sample leaving out one indicator (or none)")
    ch.add_argument("--weight-levels", nargs="+", type=int, default=None, metavar="LEVEL",
                    help="perturb only the weights of these levels (1 = indicators), as COINr's UA does; "
                         "default every level")
    fx = p.add_argument_group("fixed settings")
    fx.add_argument("--missing", choices=list(MISSING_POLICIES), default=d["missing"],
                    help="missing values: error, or re-normalise the weights over the children present "
                         "(default renormalise)")
    fx.add_argument("--min-share", type=float, default=None,
                    help="with renormalise: minimum share of children present, else the aggregate is missing")
    fx.add_argument("--rank-ties", choices=list(TIES), default=d["rank_ties"],
                    help="tie policy of the output ranks (default min)")
    fx.add_argument("--band", type=int, default=d["band"], help="headline band in places (default 2)")
    fx.add_argument("--top", type=int, default=d["top"], help="p_top<k> column: share ranked in the first k "
                                                              "(default 10)")
    fx.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run)
    return p


def add_cli_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``uncertainty`` subcommand to ``python -m vitality``.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What :meth:`argparse.ArgumentParser.add_subparsers` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``uncertainty`` parser, with the defaults of :data:`DEFAULTS`; parsed arguments carry
        ``func=run``.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="vitality")
    >>> add_cli_parser(parser.add_subparsers(dest="command")).prog
    'vitality uncertainty'
    >>> args = parser.parse_args(["uncertainty", "--data", "d.csv", "--meta", "m.csv", "--out", "out",
    ...                           "--n", "200", "--aggregate", "amean"])
    >>> args.n, args.seed, args.normalise, args.aggregate, args.weights, args.func is run
    (200, 2015, ['minmax', 'zscore', 'rank'], ['amean'], 'uniform', True)
    """
    p = subparsers.add_parser(
        "uncertainty", help="uncertainty and sensitivity analysis of the ranks (Monte Carlo + Sobol')",
        description="Monte Carlo over the modelling choices (weights, normalisation, tie policy, aggregation, "
                    "optionally dropping one indicator): rank statistics per unit and aggregate, the sampled "
                    "choices of every replication, and Sobol' first-order / total-effect indices of each choice "
                    "(SALib). The same seed gives byte-identical files.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    return _configure(p)


def _read(args):
    from .index_cli import read_inputs
    unit_col = args.unit_col
    data, meta = read_inputs(args.data, args.meta, unit_col=unit_col)
    if unit_col is None and "uCode" not in data.columns:
        first = data.columns[0]
        if data[first].dtype == object:
            unit_col = first
    return data, meta, unit_col


def _check_positive_for_gmean(data, meta, args) -> None:
    """gmean needs every normalised value > 0: say which --range / --mean-sd would do, from the data."""
    if "gmean" not in args.aggregate:
        return
    import numpy as np

    from .framework import Framework
    fw = Framework.from_meta(meta)
    codes = [c for c in fw.indicators if c in data.columns]
    X = data[codes].to_numpy(dtype=float) * fw.direction.reindex(codes).to_numpy(dtype=float)
    if "zscore" in args.normalise:
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (X - np.nanmean(X, axis=0)) / np.nanstd(X, axis=0, ddof=1)
        mean, sd = args.mean_sd
        zmin = float(np.nanmin(z)) if np.isfinite(z).any() else 0.0
        if mean + sd * zmin <= 0:
            need = int(np.ceil(-sd * zmin)) + 1
            raise ConfigError(
                f"'gmean' needs positive normalised values, but a z-score here is as low as {zmin:.2f}, so "
                f"--mean-sd {mean:g} {sd:g} gives values <= 0 (as low as {mean + sd * zmin:.1f}). Fix: "
                f"--mean-sd {max(need, int(mean) + 1)} {sd:g} (or larger), or --normalise without zscore, or "
                "--aggregate amean.")
    if "minmax" in args.normalise and min(args.range) <= 0:
        raise ConfigError(f"'gmean' needs positive normalised values, but --range {args.range[0]:g} "
                          f"{args.range[1]:g} reaches {min(args.range):g}. Fix: --range 1 100, or --aggregate amean.")


def _units_without_index(ua) -> list[str]:
    m = ua.model
    top = m.framework.top
    return [str(u) for u in m.nominal.scores.index[m.nominal.scores[top].isna()]]


def run(args) -> int:
    """Run ``uncertainty`` from parsed arguments; return the exit code (0 = written).

    Reads the two tables, runs :func:`vitality.robustness.run_analysis` (Monte Carlo over the
    choices, and Sobol' indices with ``--sa-n``), writes ``rank_stats.csv`` and ``summary.json``
    (and the optional tables) into ``args.out`` and, unless ``--quiet``, prints the headline.

    Parameters
    ----------
    args : argparse.Namespace
        Arguments parsed by the parser of :func:`add_cli_parser`.

    Returns
    -------
    int
        0 when the outputs are written.

    Raises
    ------
    ConfigError
        An option out of range (``--n`` < 1, ``--sa-n`` not a power of 2, ``--scheduler`` without
        dask, a ``gmean`` with normalised values that can be <= 0), or an output folder inside ``data/``.
    DataValidationError
        Bad input, naming file, line and column.

    Examples
    --------
    >>> import argparse, tempfile
    >>> from pathlib import Path
    >>> parser = argparse.ArgumentParser(prog="vitality")
    >>> _ = add_cli_parser(parser.add_subparsers(dest="command"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "meta.csv").write_text("iCode,Level,Parent,Direction,Weight,Type\\n"
    ...         "x1,1,idx,1,1,Indicator\\nx2,1,idx,-1,1,Indicator\\nidx,2,,1,1,Aggregate\\n")
    ...     _ = Path(tmp, "data.csv").write_text("uCode,x1,x2\\na,1,30\\nb,5,10\\nc,3,20\\nd,4,25\\n")
    ...     args = parser.parse_args(["uncertainty", "--data", f"{tmp}/data.csv", "--meta", f"{tmp}/meta.csv",
    ...                               "--n", "50", "--out", f"{tmp}/out"])
    ...     code = run(args)
    ...     written = sorted(f.name for f in Path(tmp, "out").iterdir())
    ...     stats = Path(tmp, "out", "rank_stats.csv").read_text()
    4 units, 2 indicators, 2 levels; uncertain inputs: normalise, aggregate, weights_L1
    100 % of units (4 of 4) stay within ±2 places of their median rank in 90 % of the 50 replications (5–95 % interval); median interval width 0.5 places, widest 1; mean absolute rank shift from the nominal ranking 0.25 places.
    wrote rank_stats.csv, summary.json to .../out in ... s
    >>> code, written
    (0, ['rank_stats.csv', 'summary.json'])
    >>> print(stats)
    level,code,unit,nominal_rank,median,q05,q95,min,max,mean,p_nominal,p_top10,within_2,n
    2,idx,b,1,1,1,1,1,1,1,1,1,1,50
    2,idx,c,2,2,2,3,2,3,2.38,0.62,1,1,50
    2,idx,d,2,3,2,3,2,3,2.62,0.38,1,1,50
    2,idx,a,4,4,4,4,4,4,4,1,1,1,50
    <BLANKLINE>
    """
    t0 = time.perf_counter()
    from .robustness import Choices, run_analysis

    params = {"minmax": {"range": tuple(args.range)}, "zscore": {"mean_sd": tuple(args.mean_sd)}}
    choices = Choices(normalise=tuple(args.normalise),
                      normalise_params={m: v for m, v in params.items() if m in args.normalise},
                      ties=tuple(args.ties), aggregate=tuple(args.aggregate), weights=args.weights,
                      perturbation=args.perturbation, concentration=args.concentration, drop=args.drop,
                      weight_levels=args.weight_levels)
    if args.n < 1:
        raise ConfigError(f"--n must be >= 1, got {args.n}.")
    if args.sa_n < 0 or (args.sa_n and (args.sa_n < 2 or args.sa_n & (args.sa_n - 1))):
        raise ConfigError(f"--sa-n must be 0 (skip) or a power of 2 (e.g. 512), got {args.sa_n}.")
    if args.scheduler is not None and args.backend != "dask":
        raise ConfigError("--scheduler needs --backend dask.")
    out = refuse_inside(args.out)                    # never into data/ (checked before any work)
    with incomplete_run(out, what="uncertainty", marker=False) as progress:
        progress.stage = "reading the input"
        data, meta, unit_col = _read(args)
        _check_positive_for_gmean(data, meta, args)
        progress.stage = "the Monte Carlo and sensitivity analysis"
        ua, sa = run_analysis(data, meta, n=args.n, seed=args.seed, out_dir=None, choices=choices, sa_n=args.sa_n,
                              per_unit=not args.no_per_unit, band=args.band, top=args.top, unit_col=unit_col,
                              missing=args.missing, min_share=args.min_share, rank_ties=args.rank_ties,
                              jobs=args.jobs, backend=args.backend, scheduler=args.scheduler,
                              progress=args.progress, threads=args.threads)
        progress.stage = "writing the outputs"
        with incomplete_run(out, what="uncertainty"):
            paths = ua.to_dir(out, sensitivity=sa, replications=args.save_replications, compress=args.compress)
            no_index = _units_without_index(ua)
            if no_index:      # listed in the summary, never dropped silently
                summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
                summary["units_without_index"] = no_index
                paths["summary"].write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                            encoding="utf-8")
    if no_index:
        print(f"note: {len(no_index)} unit(s) have no {ua.model.framework.top!r} score (too few children present"
              f"{f' for --min-share {args.min_share:g}' if args.min_share is not None else ''}): "
              f"{', '.join(no_index[:20])}{' ...' if len(no_index) > 20 else ''}; listed in "
              "summary.json (units_without_index).", file=sys.stderr)
    if not args.quiet:
        m = ua.model
        print(f"{m.n_units} units, {len(m.framework.indicators)} indicators, {m.framework.n_levels} levels; "
              f"uncertain inputs: {', '.join(m.inputs) or 'none'}")
        print(ua.headline_text())
        if sa is not None and len(sa.table):
            t = sa.for_output()
            parts = [f"{i} S1={r.S1:.2f} ST={r.ST:.2f}" for i, r in t.iterrows()]
            print(f"sensitivity of the mean absolute rank shift ({sa.spec['n_runs']:,} runs): " + "; ".join(parts))
        ext = ".csv.gz" if args.compress else ".csv"
        names = [f"rank_stats{ext}"] + ([f"replications{ext}"] if args.save_replications else []) + \
            ([f"sensitivity{ext}"] if sa is not None else []) + ["summary.json"]
        print(f"wrote {', '.join(names)} to {args.out} in {time.perf_counter() - t0:.2f} s")
    return 0


def main(argv=None) -> int:
    """Run the subcommand on its own: ``python -m vitality.robustness_cli --data ... --meta ... --out ...``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments of ``uncertainty`` (without the subcommand's name; default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code of :func:`vitality.cli.main`: 0 = written; bad input or an option out of range
        prints one ``error:`` line on stderr and gives 2, never a traceback.

    Examples
    --------
    The same seed gives byte-identical files:

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "meta.csv").write_text("iCode,Level,Parent,Direction,Weight,Type\\n"
    ...         "x1,1,idx,1,1,Indicator\\nx2,1,idx,-1,1,Indicator\\nidx,2,,1,1,Aggregate\\n")
    ...     _ = Path(tmp, "data.csv").write_text("uCode,x1,x2\\na,1,30\\nb,5,10\\nc,3,20\\nd,4,25\\n")
    ...     common = ["--data", f"{tmp}/data.csv", "--meta", f"{tmp}/meta.csv", "--n", "50", "--quiet"]
    ...     codes = [main([*common, "--out", f"{tmp}/{d}"]) for d in ("one", "two")]
    ...     same = Path(tmp, "one", "rank_stats.csv").read_bytes() == Path(tmp, "two", "rank_stats.csv").read_bytes()
    ...     bad = main([*common, "--n", "0", "--out", f"{tmp}/three"])   # stderr: error: --n must be >= 1, got 0.
    >>> codes, same, bad
    ([0, 0], True, 2)
    """
    from .cli import main as cli_main
    return cli_main(["uncertainty", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
