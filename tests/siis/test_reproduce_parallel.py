"""reproduce with parallel kernels (issue #12): same results, progress lines in notebook order, and a failure
still names its notebook and cell."""

import re

import nbformat
import pytest

from vitality.siis import reproduce


def _notebook(path, params_src, body_src):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    p = nbformat.v4.new_code_cell(params_src)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("## Parameters"), p, nbformat.v4.new_code_cell(body_src)]
    nbformat.write(nb, path)


@pytest.fixture
def nbdir(tmp_path):
    d = tmp_path / "nbs"
    d.mkdir()
    # the first notebook is the slowest: its line must still come first
    _notebook(d / "01_a.ipynb", "out_dir = '.'\nfig_dir = '.'\nx = 1",
              "import pathlib, time\ntime.sleep(2)\npathlib.Path(out_dir, 'a.txt').write_text(repr(x))")
    _notebook(d / "02_b.ipynb", "out_dir = '.'\nfig_dir = '.'\ny = 2",
              "import pathlib\npathlib.Path(out_dir, 'b.txt').write_text(repr(y))")
    return d


def test_parallel_kernels_keep_the_order(nbdir, tmp_path, capsys):
    out = tmp_path / "out"
    runs = reproduce.reproduce(out, params={"x": 3}, notebooks_dir=nbdir, jobs=2)
    assert [r.notebook for r in runs] == ["01_a", "02_b"]
    assert (out / "a.txt").read_text() == "3" and (out / "b.txt").read_text() == "2"
    lines = [ln for ln in capsys.readouterr().out.splitlines() if re.match(r"\[\d/2\]", ln)]
    assert [ln.split()[0] for ln in lines] == ["[1/2]", "[2/2]"]


def test_parallel_failure_names_notebook_and_cell(nbdir, tmp_path):
    _notebook(nbdir / "03_bad.ipynb", "out_dir = '.'\nfig_dir = '.'", "raise ValueError('boom')")
    with pytest.raises(reproduce.NotebookFailed,
                       match=r"03_bad.ipynb failed in cell 3 .*raise ValueError.*ValueError: boom"):
        reproduce.reproduce(tmp_path / "o", notebooks_dir=nbdir, progress=False, jobs=2)
