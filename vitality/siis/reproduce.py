"""Execute every notebook with papermill, in order: ``python -m vitality reproduce``.

The notebook sources in ``notebooks/`` are never executed in place: executed copies go to
``OUT/notebooks/``, tables to ``OUT/tables/``, figures to ``OUT/figures/`` (with no ``--out``: the
repository's ``output/`` and ``figures/`` folders). Parameters come from a YAML file and/or
``-p NAME VALUE`` pairs; a name that no selected notebook declares in its ``parameters`` cell is an
error, not papermill's warning. A failing cell stops the run with a message naming the notebook and
the cell.

Notebooks run in parallel kernels with ``--jobs N`` (default: the number of cores), the longest first by the
previous run's times; the kernels import the ``vitality`` running the command (:func:`kernels_import_this_package`).
``--timings`` prints where each notebook's time went, read from the cell durations papermill records in the
executed copies (:func:`cell_timings`).

A YAML parameter file may hold plain ``name: value`` pairs (given to every notebook that declares the
name) and/or sections keyed by notebook stem (``01_rankings: {weights: {...}}``) for one notebook.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ConfigError, VitalityError
from ..outputs import incomplete_run, refuse_inside
from . import paths

__all__ = ['NotebookFailed', 'NotebookRun', 'skip_iri_grammars', 'list_notebooks', 'declared_parameters', 'read_parameter_file',
           'plan_parameters', 'kernels_import_this_package', 'cell_timings', 'timing_lines', 'longest_first',
           'reproduce', 'add_cli_parser']


class NotebookFailed(VitalityError):
    """A cell of a notebook raised while being executed."""


@dataclass(frozen=True)
class NotebookRun:
    notebook: str
    output: Path
    seconds: float


def skip_iri_grammars() -> None:
    """Keep ``jsonschema`` from loading ``rfc3987_syntax`` in this process (call before nbformat is imported).

    Importing nbformat (papermill, nbclient, nbconvert) imports jsonschema, which, where the optional
    ``rfc3987_syntax`` is installed, compiles 39 lark grammars for its "iri" format check: about 2 s of CPU
    in every process that reads or writes a notebook (the command, each notebook worker, each profile
    worker). The notebook schemas use no "format" keyword, so validation is unchanged without it.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)     # None: "import rfc3987_syntax" raises ImportError


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """The notebooks run by the main command: ``NN_name.ipynb`` in ``notebooks/``, in name order."""
    folder = Path(folder or paths.NOTEBOOKS)
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise ConfigError(f"no notebooks named NN_name.ipynb in {folder}.")
    return found


def declared_parameters(notebook: Path) -> dict:
    """Names and defaults of the notebook's ``parameters`` cell (via papermill's inspector)."""
    skip_iri_grammars()
    import papermill

    params = papermill.inspect_notebook(str(notebook))
    if not params:
        raise ConfigError(f"{notebook.name} has no cell tagged 'parameters'; tag the cell holding its "
                          "parameters (View > Cell Toolbar > Tags in Jupyter).")
    return params


def read_parameter_file(path: str | Path) -> dict:
    """Read a YAML parameter file into a dict (see the module docstring for its layout)."""
    path = Path(path)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"parameter file {path} does not exist.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"parameter file {path} is not valid YAML: {exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"parameter file {path} must hold a mapping of names to values, "
                          f"not a {type(loaded).__name__}.")
    return loaded


def plan_parameters(notebooks: list[Path], params: dict) -> dict[str, dict]:
    """Split user parameters over notebooks; refuse names that no notebook declares.

    Returns ``{notebook stem: {name: value}}`` holding the user's values only.
    """
    declared = {nb.stem: set(declared_parameters(nb)) for nb in notebooks}
    plan: dict[str, dict] = {stem: {} for stem in declared}
    shared = {k: v for k, v in params.items() if k not in declared}
    for stem in declared:
        section = params.get(stem)
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ConfigError(f"the parameters for notebook {stem} must be a mapping, not {section!r}.")
        unknown = sorted(set(section) - declared[stem])
        if unknown:
            raise ConfigError(f"notebook {stem} has no parameter(s) {unknown}; it declares: "
                              f"{sorted(declared[stem])}.")
        plan[stem].update(section)
    everywhere = set().union(*declared.values())
    unknown = sorted(set(shared) - everywhere)
    if unknown:
        raise ConfigError(f"unknown parameter(s) {unknown}: no selected notebook declares them. Declared: "
                          f"{sorted(everywhere)}. To set a parameter for one notebook only, nest it under "
                          "the notebook's name, e.g. '01_rankings: {weights: {...}}'.")
    for stem, names in declared.items():
        for name, value in shared.items():
            if name in names and name not in plan[stem]:
                plan[stem][name] = value
    return plan


def kernels_import_this_package() -> Path | None:
    """Make the notebook kernels import the ``vitality`` this command runs.

    A kernel is a new Python process started in ``notebooks/``; it imports whichever ``vitality`` its
    environment has installed, which for a second checkout (or an edited copy beside an editable install)
    is another tree than the one running the command. When the running package sits in a source checkout
    (a ``pyproject.toml`` beside it), that checkout is put first on ``PYTHONPATH``, which the kernels
    inherit. Returns the folder added (or already there), None for an installed package.
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file():
        return None
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(root) not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(root), *parts])
    return root


def cell_timings(executed: str | Path) -> dict:
    """Where an executed notebook's time went, from the durations papermill records in it.

    Returns ``{"notebook": stem, "seconds": whole run, "cells": sum over the cells, "start_up": the rest
    (kernel start-up, papermill's own work), "slowest": [(cell index, seconds, first source line), …]}``
    with the cells slowest first; ``{}`` when the file is missing or carries no papermill record.
    """
    import json

    try:
        nb = json.loads(Path(executed).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    total = (nb.get("metadata", {}).get("papermill") or {}).get("duration")
    if total is None:
        return {}
    cells = []
    for i, cell in enumerate(nb.get("cells", [])):
        d = ((cell.get("metadata") or {}).get("papermill") or {}).get("duration")
        if cell.get("cell_type") == "code" and d is not None:
            src = "".join(cell.get("source", ""))
            first = next((ln.strip() for ln in src.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
            cells.append((i, float(d), first))
    in_cells = sum(d for _, d, _ in cells)
    return {"notebook": Path(executed).stem, "seconds": float(total), "cells": in_cells,
            "start_up": max(0.0, float(total) - in_cells),
            "slowest": sorted(cells, key=lambda c: (-c[1], c[0]))}


def timing_lines(runs, *, top: int = 3) -> list[str]:
    """One line per executed notebook: its time, the part outside its cells (kernel start-up) and its
    ``top`` slowest cells (index, seconds, first source line) — the ``--timings`` report."""
    lines = []
    for r in runs:
        t = cell_timings(r.output)
        if not t:
            continue
        slow = "; ".join(f"cell {i} {d:.1f} s {src[:48]!r}" for i, d, src in t["slowest"][:top])
        lines.append(f"  {t['notebook']}: {t['seconds']:.1f} s = start-up {t['start_up']:.1f} s + cells "
                     f"{t['cells']:.1f} s; slowest: {slow}")
    return lines


def longest_first(notebooks: list[Path], nb_out: Path) -> list[Path]:
    """The order in which parallel kernels take the notebooks: longest first, by the durations of the
    executed copies a previous run left in ``nb_out`` (so the longest notebook does not start last and run
    alone at the end); notebooks without a previous time keep their place ahead of the timed ones, in name
    order. Only the start order changes: results and progress lines stay in notebook order."""
    known = {nb: cell_timings(nb_out / nb.name).get("seconds") for nb in notebooks}
    untimed = [nb for nb in notebooks if known[nb] is None]
    timed = sorted((nb for nb in notebooks if known[nb] is not None), key=lambda nb: (-known[nb], nb.name))
    return untimed + timed


def reproduce(out: str | Path | None = None, *, params: dict | None = None,
              only: list[str] | None = None, kernel_name: str | None = None,
              progress: bool = True, notebooks_dir: str | Path | None = None, jobs: int = 1,
              timings: bool = False) -> list[NotebookRun]:
    """Execute the notebooks in order and return what ran.

    Parameters
    ----------
    out : path, optional
        Output folder. ``None`` uses the repository's ``output/`` (executed notebooks, tables) and
        ``figures/``; a folder ``DIR`` gets ``DIR/notebooks``, ``DIR/tables``, ``DIR/figures``.
    params : dict, optional
        User parameters (see the module docstring); ``out_dir`` and ``fig_dir`` are set here.
    only : list of str, optional
        Notebook stems (``01_rankings``) or prefixes (``01``) to run; default all.
    jobs : int
        Notebooks executed at once, each in its own kernel (at most the number of cores is useful; the
        notebooks are independent; the longest start first, see :func:`longest_first`). Progress lines
        still come in notebook order.
    timings : bool
        After the run, print where each notebook's time went (:func:`timing_lines`).
    """
    notebooks = list_notebooks(notebooks_dir)
    if only:
        chosen = [nb for nb in notebooks if any(nb.stem == o or nb.stem.startswith(f"{o}_") for o in only)]
        missing = [o for o in only if not any(nb.stem == o or nb.stem.startswith(f"{o}_") for nb in notebooks)]
        if missing:
            raise ConfigError(f"no notebook matches {missing}; available: {[nb.stem for nb in notebooks]}.")
        notebooks = chosen
    params = dict(params or {})
    for reserved in ("out_dir", "fig_dir"):
        if reserved in params:
            raise ConfigError(f"'{reserved}' is set by the reproduce command from --out; remove it from the "
                              "parameters.")
    params, data_dirs = resolve_data_dirs(params)
    if out is None:
        out_dir, fig_dir = paths.OUTPUT, paths.FIGURES
    else:
        out_dir = Path(out).resolve()
        fig_dir = out_dir / "figures"
    refuse_inside(out_dir, paths.DATA, *data_dirs)      # data/ and the data folders passed are never written
    check_data_dirs(data_dirs)                           # a bad table stops here, not in every notebook
    nb_out = out_dir / "notebooks"
    plan = plan_parameters(notebooks, params)
    nb_out.mkdir(parents=True, exist_ok=True)
    # Widgets need a live front end; executed copies get the static table and chart instead.
    os.environ["VITALITY_HEADLESS"] = "1"
    kernels_import_this_package()
    with incomplete_run(out_dir, what="python -m vitality reproduce") as state:
        if jobs and jobs > 1 and len(notebooks) > 1:
            state.stage = f"the {len(notebooks)} notebooks (run {min(int(jobs), len(notebooks))} at a time)"
            runs = _execute_parallel(notebooks, plan, out_dir, fig_dir, nb_out, kernel_name=kernel_name,
                                     progress=progress, jobs=jobs)
        else:
            runs = _run_all(notebooks, plan, out_dir, fig_dir, nb_out, kernel_name, state, progress)
    if timings:
        print("Where the time went (papermill's cell durations):", *timing_lines(runs), sep="\n", flush=True)
    if progress:
        print(f"Executed notebooks: {nb_out}\nTables: {out_dir / 'tables'}\nFigures: {fig_dir}")
    return runs


def _run_all(notebooks, plan, out_dir, fig_dir, nb_out, kernel_name, state, progress) -> list[NotebookRun]:
    skip_iri_grammars()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    runs = []
    for i, nb in enumerate(notebooks, 1):
        state.stage = nb.stem
        nb_params = {"out_dir": str(out_dir), "fig_dir": str(fig_dir), **plan[nb.stem]}
        target = nb_out / nb.name
        if progress:
            print(f"[{i}/{len(notebooks)}] {nb.name} ...", end="", flush=True)
        start = time.perf_counter()
        try:
            papermill.execute_notebook(str(nb), str(target), parameters=nb_params, cwd=str(nb.parent),
                                       kernel_name=kernel_name, progress_bar=False,
                                       # keep the kernel's start-up notices out of the progress display
                                       extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        except KeyboardInterrupt:
            if progress:
                print(" INTERRUPTED", flush=True)
            mark_interrupted(target)
            raise
        except PapermillExecutionError as exc:
            if progress:
                print(" FAILED", flush=True)
            first_line = next((ln for ln in (exc.source or "").splitlines() if ln.strip()), "")
            raise NotebookFailed(
                f"notebook {nb.name} failed in cell {exc.cell_index} of the executed copy (execution count "
                f"{exc.exec_count}, starting {first_line[:60]!r}): {exc.ename}: {exc.evalue}. The executed "
                f"copy with the traceback is {target}."
            ) from None
        seconds = time.perf_counter() - start
        if progress:
            print(f" done in {seconds:.1f} s", flush=True)
        runs.append(NotebookRun(nb.stem, target, seconds))
    return runs


def resolve_data_dirs(params: dict) -> tuple[dict, list[Path]]:
    """``data_dir`` values (shared or per notebook) made absolute against the current directory.

    Papermill runs the notebooks in ``notebooks/``, so a relative ``-p data_dir mydata`` would otherwise be
    read from there while ``--out`` is read from where the command runs. A folder that does not exist is
    an error now rather than in every notebook. Returns the new parameters and the folders named.
    """
    params = dict(params)
    found: list[Path] = []

    def fix(value, where: str):
        if value is None:
            return None
        if not isinstance(value, (str, os.PathLike)):
            raise ConfigError(f"data_dir{where} must be a folder path or null, not {value!r}.")
        p = Path(value).expanduser().resolve()
        if not p.is_dir():
            raise ConfigError(f"data_dir{where} {value} is not a folder (resolved against the current directory: "
                              f"{p}). Fix: pass a folder holding report/ and external/ (e.g. a copy of data/).")
        found.append(p)
        return str(p)

    if "data_dir" in params:
        params["data_dir"] = fix(params["data_dir"], "")
    for key, section in list(params.items()):
        if isinstance(section, dict) and "data_dir" in section:
            params[key] = {**section, "data_dir": fix(section["data_dir"], f" of {key}")}
    return params, found


def check_data_dirs(data_dirs) -> None:
    """Load and validate every table of each data folder once, before any notebook starts.

    A problem raises the loader's :class:`~vitality.errors.DataValidationError` (file, line, column, fix),
    so ``reproduce`` stops with that one message instead of a failed set-up cell in each notebook.
    """
    from . import data

    for d in dict.fromkeys(data_dirs):
        data.load_report(d)


def mark_interrupted(target: Path) -> None:
    """Make an executed copy cut short by an interruption say so: no cell claims to have run that did not.

    Papermill's final save marks every cell still pending as "completed"; here a cell that never started
    goes back to "pending" (no outputs), the cell that was running becomes "failed", and a first
    Markdown cell says where the run stopped.
    """
    import nbformat

    try:
        nb = nbformat.read(str(target), as_version=4)
    except (OSError, ValueError):
        return
    stopped = None
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill")
        if not meta:
            continue
        if meta.get("start_time") is None:
            meta["status"] = "pending"
            meta["end_time"] = None
            meta["duration"] = None
        elif meta.get("end_time") is None:
            meta["status"] = "failed"
            stopped = i if stopped is None else stopped
    banner = nbformat.v4.new_markdown_cell(
        "**This run was interrupted** (Ctrl-C or SIGTERM)"
        + (f" while cell {stopped} was running" if stopped is not None else "")
        + ": the cells after it did not run, and this notebook's tables and figures are incomplete.")
    banner.metadata["tags"] = ["interrupted"]
    nb.cells.insert(0, banner)
    nb.metadata.setdefault("papermill", {})["interrupted"] = True
    nbformat.write(nb, str(target))
def _execute_one(job: tuple) -> dict:
    """Execute one notebook (in a worker process); return what happened as plain data."""
    nb, target, nb_params, kernel_name = job
    skip_iri_grammars()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ["VITALITY_HEADLESS"] = "1"
    start = time.perf_counter()
    try:
        papermill.execute_notebook(nb, target, parameters=nb_params, cwd=str(Path(nb).parent),
                                   kernel_name=kernel_name, progress_bar=False,
                                   extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except PapermillExecutionError as exc:
        first_line = next((ln for ln in (exc.source or "").splitlines() if ln.strip()), "")
        return {"ok": False, "seconds": time.perf_counter() - start, "cell": exc.cell_index,
                "exec_count": exc.exec_count, "first_line": first_line[:60], "ename": exc.ename,
                "evalue": exc.evalue}
    return {"ok": True, "seconds": time.perf_counter() - start}


def _execute_parallel(notebooks, plan, out_dir, fig_dir, nb_out, *, kernel_name, progress, jobs) -> list[NotebookRun]:
    """:func:`reproduce` with up to ``jobs`` notebooks at once (one kernel each, in worker processes).

    Progress lines are printed in notebook order as soon as a notebook and all before it are done; a failure
    names its notebook and cell as the serial run does, after the notebooks already running have finished."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    jobs = max(1, min(int(jobs), len(notebooks)))
    wall = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        by_nb = {}
        for nb in longest_first(notebooks, nb_out):
            nb_params = {"out_dir": str(out_dir), "fig_dir": str(fig_dir), **plan[nb.stem]}
            by_nb[nb] = pool.submit(_execute_one, (str(nb), str(nb_out / nb.name), nb_params, kernel_name))
        futures = [by_nb[nb] for nb in notebooks]
        if progress:
            print(f"Running {len(notebooks)} notebooks, {jobs} at a time ...", flush=True)
        runs = []
        for i, (nb, fut) in enumerate(zip(notebooks, futures), 1):
            res = fut.result()
            target = nb_out / nb.name
            if not res["ok"]:
                for f in futures:
                    f.cancel()
                if progress:
                    print(f"[{i}/{len(notebooks)}] {nb.name} ... FAILED", flush=True)
                raise NotebookFailed(
                    f"notebook {nb.name} failed in cell {res['cell']} of the executed copy (execution count "
                    f"{res['exec_count']}, starting {res['first_line']!r}): {res['ename']}: {res['evalue']}. The "
                    f"executed copy with the traceback is {target}.")
            if progress:
                print(f"[{i}/{len(notebooks)}] {nb.name} ... done in {res['seconds']:.1f} s", flush=True)
            runs.append(NotebookRun(nb.stem, target, res["seconds"]))
    if progress:
        print(f"Notebooks: {time.perf_counter() - wall:.1f} s wall time", flush=True)
    return runs


def _parse_value(text: str):
    """``-p NAME VALUE``: the value is read as YAML, so numbers, booleans and lists work."""
    return yaml.safe_load(text)


def add_cli_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "reproduce", help="execute every notebook with papermill (figures, tables, executed notebooks)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", metavar="DIR", help="output folder (default: the repository's output/ and figures/)")
    p.add_argument("-f", "--parameters", metavar="YAML", help="YAML parameter file")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="set one parameter (value read as YAML); repeatable")
    p.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="run only these notebooks (e.g. 01 03_regions)")
    p.add_argument("--kernel", metavar="NAME", help="Jupyter kernel name (default: the notebooks' own)")
    p.add_argument("--timings", action="store_true",
                   help="print where each notebook's time went: kernel start-up and the slowest cells")
    _add_handoff_arguments(p)
    p.set_defaults(func=_run_cli)


def _add_handoff_arguments(p) -> None:
    """Options of what follows the notebooks: parallel kernels, the rendered report, profiles, map."""
    p.add_argument("--jobs", "-j", type=int, metavar="N", default=None,
                   help="notebooks (and profile kernels) run at once; default: the number of cores")
    p.add_argument("--lang", choices=("zh", "en"), default=None,
                   help="language of figures, report and profiles (same as -p lang …)")
    p.add_argument("--show-code", action="store_true", help="show the code in the rendered notebooks")
    p.add_argument("--no-report", action="store_true",
                   help="only execute the notebooks: no HTML, master table, map or city profiles")
    p.add_argument("--no-profiles", action="store_true", help="skip the 46 city profile pages")


def _after_notebooks(args, runs, params: dict) -> None:
    """The hand-on products after the notebooks: master table, map, city profiles, rendered report."""
    if getattr(args, "no_report", False) or args.only:
        return
    from .deliver import deliver

    deliver(args.out, runs=runs, params=params, lang=params.get("lang", "zh"), show_code=args.show_code,
            profiles=not args.no_profiles, jobs=args.jobs)


def _run_cli(args) -> int:
    params = read_parameter_file(args.parameters) if args.parameters else {}
    for name, value in args.param:
        params[name] = _parse_value(value)
    if getattr(args, "lang", None):
        params["lang"] = args.lang
    jobs = args.jobs or os.cpu_count() or 1
    try:
        runs = reproduce(args.out, params=params, only=args.only, kernel_name=args.kernel, jobs=jobs,
                         timings=args.timings)
        out_dir = paths.OUTPUT if args.out is None else Path(args.out).resolve()
        with incomplete_run(out_dir, what="python -m vitality reproduce") as state:
            state.stage = "the rendered report, master table, map and city profiles"
            _after_notebooks(args, runs, params)
    except NotebookFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
