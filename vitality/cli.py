"""Command line: ``python -m vitality {build,uncertainty,explore,reproduce} ...`` (also installed as ``vitality``).

Each subcommand lives beside the code it drives and registers itself through ``add_cli_parser``;
this module only assembles them. The generic library's own commands are listed here; other packages (the
report layer, :mod:`vitality.siis`) add theirs through the ``vitality.commands`` entry-point group of their
``pyproject.toml``, so the generic library never imports them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings

from .errors import TinyIndexWarning, VitalityError

__all__ = ['SUBCOMMAND_MODULES', 'ENTRY_POINT_GROUP', 'subcommand_modules', 'build_parser', 'main']

#: the generic library's subcommands and their modules, in the order ``--help`` lists them
SUBCOMMAND_MODULES = {"build": "vitality.index_cli", "uncertainty": "vitality.robustness_cli"}
#: entry-point group through which other packages add subcommand modules (entry-point name = command name)
ENTRY_POINT_GROUP = "vitality.commands"


def subcommand_modules() -> dict[str, str]:
    """Command name → module: the generic ones, then those registered under :data:`ENTRY_POINT_GROUP`
    (sorted by name). Nothing is imported: a command's module is imported only when it is run (or ``--help``
    lists every command), so ``build`` and ``uncertainty`` start without the report layer.

    Returns
    -------
    dict of str to str
        Importable module names, each with an ``add_cli_parser(subparsers)`` function; the
        generic ones (:data:`SUBCOMMAND_MODULES`) first.

    Examples
    --------
    >>> from vitality.cli import subcommand_modules
    >>> list(subcommand_modules().items())[:2]
    [('build', 'vitality.index_cli'), ('uncertainty', 'vitality.robustness_cli')]
    """
    from importlib.metadata import entry_points

    out = dict(SUBCOMMAND_MODULES)
    for e in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        out.setdefault(e.name, e.value)
    return out


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``python -m vitality`` argument parser, with one subcommand per module of :func:`subcommand_modules`.

    Parameters
    ----------
    only : str, optional
        Import and add only this command (the one being run); default every command.

    Returns
    -------
    argparse.ArgumentParser
        Parsing sets ``args.command`` and ``args.func`` (the function that runs the subcommand).

    Examples
    --------
    >>> from vitality.cli import build_parser
    >>> parser = build_parser()
    >>> parser.prog
    'python -m vitality'
    >>> args = parser.parse_args(["build", "--data", "d.csv", "--meta", "m.csv", "--normalise", "minmax",
    ...                           "--aggregate", "amean", "--out", "out"])
    >>> args.command, args.normalise, callable(args.func)
    ('build', 'minmax', True)
    """
    parser = argparse.ArgumentParser(
        prog="python -m vitality",
        description="Reproduce, audit and extend the SIIS City International Communication Vitality Index.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # a generic command is found without reading the installed packages' entry points (~0.05-0.1 s)
    modules = {only: SUBCOMMAND_MODULES[only]} if only in SUBCOMMAND_MODULES else subcommand_modules()
    for command, name in modules.items():
        if only is None or command == only:
            importlib.import_module(name).add_cli_parser(sub)
    return parser


def _no_huge_pages() -> None:
    """Stop numpy advising transparent huge pages for its large arrays, in a command-line process.

    numpy asks the kernel (``madvise``) for huge pages for every large array; with the common kernel
    setting ``defrag=madvise`` each first touch of such an array may make the kernel compact memory
    first.  A one-shot command allocates its large temporaries once, so it pays that cost and never
    gains from it: a 30,000-unit ``build`` spent 2.1 s of system time with the advice and 0.5 s
    without (the files are the same).  An explicit ``NUMPY_MADVISE_HUGEPAGE`` in the environment is
    left to decide; the library itself, imported by another program, never changes the setting.
    """
    if os.environ.get("NUMPY_MADVISE_HUGEPAGE") is not None:
        return
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # pragma: no cover - numpy < 2
        try:
            from numpy.core.multiarray import _set_madvise_hugepage
        except ImportError:
            return
    _set_madvise_hugepage(False)


def _keep_freed_memory() -> None:
    """Let a command-line process reuse the memory it frees instead of handing it back to the kernel.

    glibc serves every allocation above 128 KiB-32 MiB (numpy's large arrays and temporaries) with a
    fresh ``mmap`` and returns it with ``munmap`` when freed, so each new temporary of a large table
    is page-faulted in again, page by page: on this project's 2-core test machine 40 arrays of 48 MB
    cost 1.7 s of system time that way and 0.15 s when freed memory is kept in the heap and reused
    (a 100,000 x 60 ``build``: from 7.2 s of system time to 1.1-1.4 s in one measurement under heavy load,
    1.6-2.5 s to 0.6-1.6 s in later paired runs with the other changes of the same work).  A one-shot command (``build``, ``uncertainty``)
    allocates and frees arrays of the same few sizes over and over, so keeping the freed memory
    costs little beyond the peak it reaches anyway; long-running commands (a server) do not do this.
    Only on glibc (elsewhere nothing changes), and an explicit ``MALLOC_MMAP_THRESHOLD_`` or
    ``MALLOC_TRIM_THRESHOLD_`` in the environment is left to decide; the library itself, imported by
    another program, never changes it.
    """
    if sys.platform != "linux" or any(k in os.environ for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")):
        return
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 1 << 30)   # allocations up to 1 GiB come from the heap ...
    mallopt(m_trim_threshold, 1 << 30)   # ... and up to 1 GiB of freed top of the heap is kept


def main(argv: list[str] | None = None) -> int:
    """Run the command line: parse ``argv``, run the subcommand, turn a library error into exit code 2.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code: that of the subcommand (0 on success), or 2 after printing ``error: <message>`` to
        standard error when a :class:`~vitality.errors.VitalityError` is raised.

    Examples
    --------
    Build an index from two small CSV files:

    >>> import os, tempfile
    >>> from vitality.cli import main
    >>> tmp = tempfile.mkdtemp()
    >>> data, meta = os.path.join(tmp, "data.csv"), os.path.join(tmp, "meta.csv")
    >>> pd.DataFrame({"uCode": ["A", "B", "C", "D"], "a": [1, 3, 3, 7], "b": [10, 40, 30, 20],
    ...               "c": [5, 2, 8, 1]}).to_csv(data, index=False)
    >>> pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...               "Parent": ["econ", "econ", "soc", "index", "index", None]}).to_csv(meta, index=False)
    >>> main(["build", "--data", data, "--meta", meta, "--normalise", "minmax", "--aggregate", "amean",
    ...       "--out", os.path.join(tmp, "out")])
    built 'index': 4 units, 3 indicators, 3 levels; top 3: C, B, D
    wrote ...scores.csv
    wrote ...ranks.csv
    wrote ...spec.json
    0

    An option that does not fit is an error (message on standard error), exit code 2:

    >>> main(["build", "--data", data, "--meta", meta, "--normalise", "rank_score", "--range", "0", "1",
    ...       "--aggregate", "amean", "--out", os.path.join(tmp, "out2")])
    2
    >>> import shutil
    >>> shutil.rmtree(tmp)
    """
    from_command_line = argv is None   # a command-line process, not a call from a program or a test
    argv = sys.argv[1:] if argv is None else list(argv)
    _no_huge_pages()
    command = next((a for a in argv if not a.startswith("-")), None)
    if from_command_line and command in SUBCOMMAND_MODULES:
        _keep_freed_memory()           # one-shot numeric commands only (not a long-running server)
    try:
        known = command in SUBCOMMAND_MODULES or command in subcommand_modules()
        parser = build_parser(command if known else None)
        args = parser.parse_args(argv)
    except KeyboardInterrupt:          # Ctrl-C before the command started: one line, nothing written yet
        print("interrupted (Ctrl-C) before the command started; nothing was written.", file=sys.stderr)
        return 130
    try:
        with warnings.catch_warnings():
            # the commands print their own one-line warning on a tiny index (vitality.index_cli.read_inputs)
            warnings.simplefilter("ignore", TinyIndexWarning)
            return int(args.func(args) or 0)
    except VitalityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:          # a command's own interrupted-run handling says more; this is the fallback
        print(f"interrupted (Ctrl-C) during {command}; its outputs may be incomplete.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
