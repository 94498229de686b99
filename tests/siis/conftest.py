"""Shared set-up of the reproduce tests: tiny notebooks, and each reproduce run over them done once per session.

``test_reproduce.py`` and ``test_reproduce_parallel.py`` read the same runs: a serial run with YAML parameters,
a parallel run (2 kernels) with its printed progress, and the failing runs (through the command line, and in
parallel kernels) with what they reported. Tests only read these folders; a test that needs to change a notebook builds its own.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest


def write_notebook(path, params_src: str, body_src: str) -> Path:
    """A notebook with a ``parameters`` cell and one body cell (the python3 kernel)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    p = nbformat.v4.new_code_cell(params_src)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("## Parameters"), p, nbformat.v4.new_code_cell(body_src)]
    nbformat.write(nb, path)
    return Path(path)


def _good(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    # the first notebook is the slowest, so a parallel run must hold its progress line back for it; the
    # second records which vitality its kernel imported
    write_notebook(d / "01_a.ipynb", "out_dir = '.'\nfig_dir = '.'\nx = 1\nweights = {'a': 1}",
                   "import pathlib, time\ntime.sleep(1.5)\npathlib.Path(out_dir, 'a.txt').write_text(repr((x, weights)))")
    write_notebook(d / "02_b.ipynb", "out_dir = '.'\nfig_dir = '.'\ny = 2",
                   "import pathlib\nimport vitality\npathlib.Path(out_dir, 'b.txt').write_text(repr(y))\n"
                   "pathlib.Path(out_dir, 'vitality.txt').write_text(vitality.__file__)")
    return d


@pytest.fixture(scope="session")
def tiny_notebooks(tmp_path_factory) -> Path:
    """``01_a`` (parameters ``x``, ``weights``; sleeps 1.5 s) and ``02_b`` (parameter ``y``). Read only."""
    return _good(tmp_path_factory.mktemp("tiny") / "nbs")


@pytest.fixture(scope="session")
def bad_notebooks(tmp_path_factory) -> Path:
    """The tiny notebooks and ``03_bad``, whose body cell (cell 3) raises ``ValueError('boom')``. Read only."""
    d = _good(tmp_path_factory.mktemp("bad") / "nbs")
    write_notebook(d / "03_bad.ipynb", "out_dir = '.'\nfig_dir = '.'", "raise ValueError('boom')")
    return d


@dataclass
class Run:
    out: Path
    runs: list | None = None
    printed: str = ""
    error: BaseException | None = None
    code: int | None = None


def _run(out, **kw) -> Run:
    from vitality.siis import reproduce

    buf = io.StringIO()
    run = Run(out=Path(out))
    with contextlib.redirect_stdout(buf):
        try:
            run.runs = reproduce.reproduce(out, **kw)
        except reproduce.NotebookFailed as exc:
            run.error = exc
    run.printed = buf.getvalue()
    return run


@pytest.fixture(scope="session")
def serial_run(tiny_notebooks, tmp_path_factory) -> Run:
    """One serial run of the tiny notebooks with a YAML parameter file (``weights``, ``02_b: y``) and ``x=3``."""
    from vitality.siis import reproduce

    base = tmp_path_factory.mktemp("serial")
    yml = base / "p.yaml"
    yml.write_text("weights: {a: 0.5, b: 0.5}\n02_b:\n  y: 9\n", encoding="utf-8")
    return _run(base / "out", params=reproduce.read_parameter_file(yml) | {"x": 3}, notebooks_dir=tiny_notebooks,
                progress=False)


@pytest.fixture(scope="session")
def parallel_run(tiny_notebooks, tmp_path_factory) -> Run:
    """One run of the tiny notebooks in 2 kernels with ``x=3``, progress printed (in ``printed``)."""
    return _run(tmp_path_factory.mktemp("parallel") / "out", params={"x": 3}, notebooks_dir=tiny_notebooks,
                jobs=2, timings=True)


@pytest.fixture(scope="session")
def cli_failure(bad_notebooks, tmp_path_factory) -> Run:
    """``python -m vitality reproduce --only 03`` on the bad notebooks (serially): ``code`` is the exit code,
    ``printed`` what went to stderr."""
    from vitality.cli import main
    from vitality.siis import reproduce

    err = io.StringIO()
    run = Run(out=tmp_path_factory.mktemp("cli-bad") / "o")
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(err), \
            contextlib.redirect_stdout(io.StringIO()):
        mp.setattr(reproduce.paths, "NOTEBOOKS", bad_notebooks)
        run.code = main(["reproduce", "--out", str(run.out), "--only", "03"])
    run.printed = err.getvalue()
    return run


@pytest.fixture(scope="session")
def parallel_failure(bad_notebooks, tmp_path_factory) -> Run:
    """``02_b`` and ``03_bad`` in 2 kernels, ``03_bad`` failing: ``error`` is the NotebookFailed raised."""
    return _run(tmp_path_factory.mktemp("parallel-bad") / "o", notebooks_dir=bad_notebooks, only=["02", "03"],
                progress=False, jobs=2)
