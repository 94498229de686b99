"""``python -m vitality build``: build an index from two CSV files (data + metadata).

Usage::

    python -m vitality build --data DATA.csv --meta META.csv --normalise {rank_score,rank,prank,minmax,zscore,...}
                             [--range LO HI] [--mean-sd MEAN SD] --aggregate {amean,gmean} --out DIR

Writes ``DIR/scores.csv`` and ``DIR/ranks.csv`` (one row per unit keyed by the unit-code column, one
column per indicator and aggregate code at every level, unrounded) and ``DIR/spec.json`` (every
choice, the package version and sha256 of the inputs), from which the same output can be rebuilt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from .aggregate import AGGREGATORS, MISSING_POLICIES
from .errors import ConfigError
from .framework import Framework
from .index import build_index, read_data_csv, read_meta_csv
from .normalise import NORMALISERS, TIES
from .outputs import incomplete_run, refuse_inside
from .tables import require_numeric, split_sheet

__all__ = ['add_cli_parser', 'run_build', 'main']

_EPILOG = """\
examples:
  python -m vitality build --data data.csv --meta meta.csv --normalise rank_score --aggregate amean --out out/
  python -m vitality build --data input_ASEM_iData.csv --meta input_ASEM_iMeta.csv \\
      --normalise minmax --range 1 100 --aggregate gmean --missing renormalise --out out/asem

The metadata CSV uses COINr's layout (iCode, Level, Parent, Direction, Weight, Type, optional iName,
Unit, Target) or vitality's (code, level, parent, direction, weight, type, name_zh, name_en, unit).
The data CSV has one row per unit: a unit-code column (--unit-col, default uCode) and one column
per indicator code.
"""


def add_cli_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``build`` subcommand on an argparse subparsers object.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What :meth:`argparse.ArgumentParser.add_subparsers` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``build`` parser; parsed arguments carry ``func=run_build``.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="vitality")
    >>> add_cli_parser(parser.add_subparsers(dest="command")).prog
    'vitality build'
    >>> args = parser.parse_args(["build", "--data", "d.csv", "--meta", "m.csv", "--normalise", "minmax",
    ...                           "--range", "1", "100", "--aggregate", "gmean", "--out", "out"])
    >>> args.normalise, args.range, args.aggregate, str(args.out), args.missing, args.func is run_build
    ('minmax', [1.0, 100.0], 'gmean', 'out', 'error', True)
    """
    p = subparsers.add_parser(
        "build", help="build a composite index from a data CSV and a metadata CSV",
        description="Build a composite index (scores and ranks at every level) from two CSV files.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--data", required=True, type=Path, metavar="DATA.csv",
                   help="one row per unit (CSV UTF-8, or book.xlsx / book.xlsx#Sheet)")
    p.add_argument("--meta", required=True, type=Path, metavar="META.csv", help="indicator metadata (CSV or .xlsx)")
    p.add_argument("--normalise", required=True, choices=list(NORMALISERS),
                   help="normalisation method (rank_score = the SIIS report's rank x 100 / n)")
    p.add_argument("--range", nargs=2, type=float, metavar=("LO", "HI"), help="minmax target range (default 0 100)")
    p.add_argument("--mean-sd", nargs=2, type=float, metavar=("MEAN", "SD"), dest="mean_sd",
                   help="zscore target mean and sd (default 0 1)")
    p.add_argument("--aggregate", required=True, choices=list(AGGREGATORS), help="aggregation at every level")
    p.add_argument("--out", required=True, type=Path, metavar="DIR",
                   help="output folder (created; never inside the project's data/)")
    p.add_argument("--unit-col", default=None, help="column holding the unit codes (default: uCode if present)")
    p.add_argument("--weights", default=None,
                   help="weight set name (equal_per_group, equal_per_indicator, entropy, pca) or a CSV/JSON file "
                        "of weights keyed by code (columns iCode/code and Weight); default: metadata weights")
    p.add_argument("--missing", default="error", choices=list(MISSING_POLICIES),
                   help="missing data: error (default) or renormalise weights over the children present")
    p.add_argument("--min-share", type=float, default=None,
                   help="with --missing renormalise: minimum fraction of children present")
    p.add_argument("--ties", default="min", choices=list(TIES), help="tie policy of the output ranks")
    p.add_argument("--rank-n", default=None,
                   help="rank_score denominator: count (default), rows, or a number (e.g. 46)")
    p.add_argument("--rank-ties", default=None, choices=list(TIES),
                   help="tie policy inside rank_score / rank / prank normalisation (default min)")
    p.set_defaults(func=run_build)
    return p


def _read_weights(arg: str | None):
    if arg is None:
        return None
    path = Path(arg)
    if path.suffix.lower() not in (".csv", ".json"):
        return arg  # a weight-set name
    if not path.is_file():
        raise ConfigError(f"weights file {arg!r} not found.")
    if path.suffix.lower() == ".json":
        w = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(w, dict):
            raise ConfigError(f"{arg}: a weights JSON file must hold an object {{code: weight}}.")
        return w
    return read_meta_csv(path)  # a table with code + Weight columns, keyed by code


def read_inputs(data_path, meta_path, *, unit_col: str | None = None):
    """Read the data and metadata tables of ``build`` / ``uncertainty`` (:mod:`vitality.tables` rules).

    Every indicator column named by the metadata must hold numbers (the first cell that does not is an
    error naming file, line and column), and an index of fewer than 3 units is warned about.
    """
    data = read_data_csv(data_path, unit_col=unit_col)
    meta = read_meta_csv(meta_path)
    fw = Framework.from_meta(meta)
    require_numeric(data, [c for c in fw.indicators if c in data.columns])
    if len(data) < 3:
        print(f"warning: {data_path} has only {len(data)} unit(s): ranks and rank-based normalisations of fewer "
              "than 3 units carry little information (min-max of one unit is undefined).", file=sys.stderr)
    return data, meta


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _command_line(args: argparse.Namespace) -> str:
    parts = ["python -m vitality build", "--data", str(args.data), "--meta", str(args.meta),
             "--normalise", args.normalise]
    for flag, val in (("--range", args.range), ("--mean-sd", args.mean_sd)):
        if val is not None:
            parts += [flag, *(f"{v:g}" for v in val)]
    parts += ["--aggregate", args.aggregate, "--out", str(args.out)]
    for flag, val, default in (("--unit-col", args.unit_col, None), ("--weights", args.weights, None),
                               ("--missing", args.missing, "error"), ("--min-share", args.min_share, None),
                               ("--ties", args.ties, "min"), ("--rank-n", args.rank_n, None),
                               ("--rank-ties", args.rank_ties, None)):
        if val != default:
            parts += [flag, str(val)]
    return " ".join(parts)


def run_build(args: argparse.Namespace) -> int:
    """Run ``build`` from parsed arguments; return the exit code (0 = written).

    Reads the two tables, builds the index, writes ``scores.csv``, ``ranks.csv`` and ``spec.json``
    into ``args.out`` and prints a one-line summary and the paths written.

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
        An option that does not apply to the normaliser chosen (e.g. ``--range`` without ``minmax``),
        or an output folder inside the project's ``data/``.
    DataValidationError
        Bad input, naming file, line and column (the command line prints it as one ``error:`` line).

    Examples
    --------
    >>> import argparse, tempfile
    >>> from pathlib import Path
    >>> parser = argparse.ArgumentParser(prog="vitality")
    >>> _ = add_cli_parser(parser.add_subparsers(dest="command"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "meta.csv").write_text("iCode,Level,Parent,Direction,Weight,Type\\n"
    ...         "x1,1,idx,1,1,Indicator\\nx2,1,idx,-1,1,Indicator\\nidx,2,,1,1,Aggregate\\n")
    ...     _ = Path(tmp, "data.csv").write_text("uCode,x1,x2\\na,1,30\\nb,5,10\\nc,3,20\\n")
    ...     args = parser.parse_args(["build", "--data", f"{tmp}/data.csv", "--meta", f"{tmp}/meta.csv",
    ...                               "--normalise", "rank_score", "--aggregate", "amean", "--out", f"{tmp}/out"])
    ...     code = run_build(args)
    ...     ranks = Path(tmp, "out", "ranks.csv").read_text()
    built 'idx': 3 units, 2 indicators, 2 levels; top 3: b, c, a
    wrote .../out/scores.csv
    wrote .../out/ranks.csv
    wrote .../out/spec.json
    >>> code
    0
    >>> print(ranks)
    uCode,x1,x2,idx
    a,3,3,3
    b,1,1,1
    c,2,2,2
    <BLANKLINE>
    """
    params: dict = {}
    if args.range is not None:
        if args.normalise != "minmax":
            raise ConfigError(f"--range applies to --normalise minmax, not {args.normalise}.")
        params["range"] = tuple(args.range)
    if args.mean_sd is not None:
        if args.normalise != "zscore":
            raise ConfigError(f"--mean-sd applies to --normalise zscore, not {args.normalise}.")
        params["mean_sd"] = tuple(args.mean_sd)
    if args.rank_n is not None:
        if args.normalise != "rank_score":
            raise ConfigError(f"--rank-n applies to --normalise rank_score, not {args.normalise}.")
        params["n"] = args.rank_n if args.rank_n in ("count", "rows") else float(args.rank_n)
    if args.rank_ties is not None:
        if args.normalise not in ("rank_score", "rank", "prank"):
            raise ConfigError(f"--rank-ties applies to rank_score, rank and prank, not {args.normalise}.")
        params["ties"] = args.rank_ties
    out = refuse_inside(args.out)                      # never into data/ (checked before any work)
    with incomplete_run(out, what="build", marker=False) as progress:
        progress.stage = "reading the input"
        data, meta = read_inputs(args.data, args.meta, unit_col=args.unit_col)
        weights = _read_weights(args.weights)  # a name, {code: w}, or a table keyed by code
        progress.stage = "building the index"
        res = build_index(data, meta, unit_col=args.unit_col, normalise=args.normalise, normalise_params=params,
                          weights=weights, aggregate=args.aggregate, missing=args.missing,
                          min_share=args.min_share, ties=args.ties)
        res.spec["command"] = _command_line(args)
        res.spec["files"] = {
            "data": {"path": str(args.data), "sha256": _file_sha256(split_sheet(args.data)[0])},
            "meta": {"path": str(args.meta), "sha256": _file_sha256(split_sheet(args.meta)[0])},
        }
        no_index = [str(u) for u in res.scores.index[res.scores[res.framework.top].isna()]]
        res.spec["units_without_index"] = no_index
        progress.stage = "writing the outputs"
        with incomplete_run(out, what="build"):
            paths = res.to_dir(out)
    if no_index:
        print(f"note: {len(no_index)} unit(s) have no {res.framework.top!r} score (too few children present"
              f"{f' for --min-share {args.min_share:g}' if args.min_share is not None else ''}): "
              f"{', '.join(no_index[:20])}{' ...' if len(no_index) > 20 else ''}; listed in spec.json "
              "(units_without_index).", file=sys.stderr)
    top = res.framework.top
    best = res.ranks[top].sort_values(kind="stable").head(3)
    print(f"built {top!r}: {len(res.scores)} units, {len(res.framework.indicators)} indicators, "
          f"{res.framework.n_levels} levels; top 3: {', '.join(best.index.astype(str))}")
    for k in ("scores", "ranks", "spec"):
        print(f"wrote {paths[k]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m vitality.index_cli build ...``): the package CLI.

    Parameters
    ----------
    argv : list of str, optional
        The command-line arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code of :func:`vitality.cli.main`: 0 = written; bad input prints one ``error:`` line
        (file, line, column, fix) on stderr and gives a non-zero code, never a traceback.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "meta.csv").write_text("iCode,Level,Parent,Direction,Weight,Type\\n"
    ...         "x1,1,idx,1,1,Indicator\\nx2,1,idx,-1,1,Indicator\\nidx,2,,1,1,Aggregate\\n")
    ...     _ = Path(tmp, "data.csv").write_text("uCode,x1,x2\\na,1,30\\nb,5,10\\nc,3,20\\n")
    ...     common = ["--meta", f"{tmp}/meta.csv", "--normalise", "minmax", "--range", "1", "100",
    ...               "--aggregate", "gmean"]
    ...     ok = main(["build", "--data", f"{tmp}/data.csv", *common, "--out", f"{tmp}/out"])
    ...     missing = main(["build", "--data", f"{tmp}/none.csv", *common, "--out", f"{tmp}/out2"])
    built 'idx': 3 units, 2 indicators, 2 levels; top 3: b, c, a
    wrote .../out/scores.csv
    wrote .../out/ranks.csv
    wrote .../out/spec.json
    >>> ok, missing
    (0, 2)
    """
    from .cli import main as cli_main
    return cli_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
