"""reproduce: parameter planning, unknown names refused, a failing cell named; on tiny notebooks."""

import nbformat
import pytest

from vitality.cli import main
from vitality.errors import ConfigError
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
    _notebook(d / "01_a.ipynb", "out_dir = '.'\nfig_dir = '.'\nx = 1\nweights = {'a': 1}",
              "import pathlib\npathlib.Path(out_dir, 'a.txt').write_text(repr((x, weights)))")
    _notebook(d / "02_b.ipynb", "out_dir = '.'\nfig_dir = '.'\ny = 2",
              "import pathlib\npathlib.Path(out_dir, 'b.txt').write_text(repr(y))")
    return d


def test_plan_routes_shared_and_per_notebook_parameters(nbdir):
    nbs = reproduce.list_notebooks(nbdir)
    plan = reproduce.plan_parameters(nbs, {"x": 5, "02_b": {"y": 7}})
    assert plan == {"01_a": {"x": 5}, "02_b": {"y": 7}}


def test_unknown_parameter_is_an_error(nbdir):
    nbs = reproduce.list_notebooks(nbdir)
    with pytest.raises(ConfigError, match=r"unknown parameter\(s\) \['z'\]"):
        reproduce.plan_parameters(nbs, {"z": 1})
    with pytest.raises(ConfigError, match="02_b has no parameter"):
        reproduce.plan_parameters(nbs, {"02_b": {"x": 1}})


def test_reproduce_runs_in_order_with_yaml_dict_parameters(nbdir, tmp_path):
    yml = tmp_path / "p.yaml"
    yml.write_text("weights: {a: 0.5, b: 0.5}\n02_b:\n  y: 9\n", encoding="utf-8")
    out = tmp_path / "out"
    runs = reproduce.reproduce(out, params=reproduce.read_parameter_file(yml) | {"x": 3},
                               notebooks_dir=nbdir, progress=False)
    assert [r.notebook for r in runs] == ["01_a", "02_b"]
    assert (out / "a.txt").read_text() == "(3, {'a': 0.5, 'b': 0.5})"
    assert (out / "b.txt").read_text() == "9"
    assert (out / "notebooks" / "01_a.ipynb").exists()
    assert (nbdir / "01_a.ipynb").read_text().count('"outputs": []') >= 1  # sources untouched


def test_failing_cell_names_notebook_and_cell(nbdir, tmp_path):
    _notebook(nbdir / "03_bad.ipynb", "out_dir = '.'\nfig_dir = '.'", "raise ValueError('boom')")
    with pytest.raises(reproduce.NotebookFailed, match=r"03_bad.ipynb failed in cell 3 .*raise ValueError.*ValueError: boom"):
        reproduce.reproduce(tmp_path / "o", notebooks_dir=nbdir, only=["03"], progress=False)


def test_cli_reports_failure_with_nonzero_exit(monkeypatch, nbdir, tmp_path, capsys):
    _notebook(nbdir / "03_bad.ipynb", "out_dir = '.'\nfig_dir = '.'", "1/0")
    monkeypatch.setattr(reproduce.paths, "NOTEBOOKS", nbdir)
    code = main(["reproduce", "--out", str(tmp_path / "o"), "--only", "03"])
    assert code == 1
    assert "03_bad.ipynb failed in cell 3" in capsys.readouterr().err


def test_cli_unknown_parameter_exit_code(monkeypatch, nbdir, tmp_path, capsys):
    monkeypatch.setattr(reproduce.paths, "NOTEBOOKS", nbdir)
    code = main(["reproduce", "--out", str(tmp_path / "o"), "-p", "nope", "1"])
    assert code == 2
    assert "unknown parameter" in capsys.readouterr().err
