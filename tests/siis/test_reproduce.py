"""reproduce: parameter planning, unknown names refused, a failing cell named, where the time went; on tiny
notebooks (tests/siis/conftest.py runs each reproduce once per session)."""

import copy
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

import vitality
from vitality.cli import main
from vitality.errors import ConfigError
from vitality.siis import render, reproduce


def test_plan_routes_shared_and_per_notebook_parameters(tiny_notebooks):
    nbs = reproduce.list_notebooks(tiny_notebooks)
    plan = reproduce.plan_parameters(nbs, {"x": 5, "02_b": {"y": 7}})
    assert plan == {"01_a": {"x": 5}, "02_b": {"y": 7}}


def test_unknown_parameter_is_an_error(tiny_notebooks):
    nbs = reproduce.list_notebooks(tiny_notebooks)
    with pytest.raises(ConfigError, match=r"unknown parameter\(s\) \['z'\]"):
        reproduce.plan_parameters(nbs, {"z": 1})
    with pytest.raises(ConfigError, match="02_b has no parameter"):
        reproduce.plan_parameters(nbs, {"02_b": {"x": 1}})


def test_reproduce_runs_in_order_with_yaml_dict_parameters(serial_run, tiny_notebooks):
    assert serial_run.error is None
    out = serial_run.out
    assert [r.notebook for r in serial_run.runs] == ["01_a", "02_b"]
    assert (out / "a.txt").read_text() == "(3, {'a': 0.5, 'b': 0.5})"
    assert (out / "b.txt").read_text() == "9"
    assert (out / "notebooks" / "01_a.ipynb").exists()
    assert (tiny_notebooks / "01_a.ipynb").read_text().count('"outputs": []') >= 1  # sources untouched


def test_kernels_import_the_vitality_that_runs_the_command(serial_run):
    """A kernel starts in notebooks/ and would import whatever vitality is installed; it must get this one."""
    here = Path(vitality.__file__).resolve()
    root = reproduce.kernels_import_this_package()
    if root is None:                                    # an installed package: the kernels find it anyway
        pytest.skip("vitality is installed, not run from a source checkout")
    assert str(root) in os.environ["PYTHONPATH"].split(os.pathsep)
    assert Path((serial_run.out / "vitality.txt").read_text()).resolve() == here


def test_cell_timings_read_papermills_record(serial_run):
    t = reproduce.cell_timings(serial_run.out / "notebooks" / "01_a.ipynb")
    assert t["notebook"] == "01_a"
    # the body cell (cell 3 of the executed copy, after the injected parameters) sleeps 1.5 s: the slowest
    idx, seconds, first = t["slowest"][0]
    assert idx == 3 and seconds >= 1.5 and first.startswith("import pathlib, time")
    assert t["cells"] >= seconds and t["seconds"] == pytest.approx(t["cells"] + t["start_up"])
    assert reproduce.cell_timings(serial_run.out / "missing.ipynb") == {}
    line = reproduce.timing_lines(serial_run.runs)[0]
    assert line.startswith("  01_a: ") and "slowest: cell 3 " in line


def test_longest_first_orders_by_the_previous_run(tmp_path, tiny_notebooks, serial_run):
    nbs = reproduce.list_notebooks(tiny_notebooks)
    assert reproduce.longest_first(nbs, tmp_path) == nbs                 # no previous run: name order
    prev = tmp_path / "nb"
    prev.mkdir()
    for nb, seconds in zip(nbs, (1.0, 5.0)):
        rec = json.loads((serial_run.out / "notebooks" / nb.name).read_text(encoding="utf-8"))
        rec["metadata"]["papermill"]["duration"] = seconds
        (prev / nb.name).write_text(json.dumps(rec), encoding="utf-8")
    assert reproduce.longest_first(nbs, prev) == nbs[::-1]               # 02_b took longer: it starts first
    (prev / nbs[0].name).unlink()
    assert reproduce.longest_first(nbs, prev) == nbs                     # untimed ones first, then the timed


def test_failing_cell_names_notebook_and_cell_with_nonzero_exit(cli_failure):
    assert cli_failure.code == 1
    assert re.search(r"03_bad.ipynb failed in cell 3 .*raise ValueError.*ValueError: boom", cli_failure.printed)
    assert "Traceback" not in cli_failure.printed


def test_cli_unknown_parameter_exit_code(monkeypatch, tiny_notebooks, tmp_path, capsys):
    monkeypatch.setattr(reproduce.paths, "NOTEBOOKS", tiny_notebooks)
    code = main(["reproduce", "--out", str(tmp_path / "o"), "-p", "nope", "1"])
    assert code == 2
    assert "unknown parameter" in capsys.readouterr().err


def test_rendered_page_is_the_same_whatever_id_papermill_drew(serial_run, tmp_path):
    """papermill gives the cell it injects a random id, which nbconvert writes into the page: a rerun must
    still render byte-identical HTML."""
    nb = nbformat.read(str(serial_run.out / "notebooks" / "01_a.ipynb"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    first = render.notebook_html_from_node(copy.deepcopy(nb), tmp_path / "a.html").read_bytes()
    injected[0]["id"] = "0a1b2c3d"                      # what another run's papermill might draw
    again = render.notebook_html_from_node(nb, tmp_path / "b.html").read_bytes()
    assert first == again and b"injected-parameters" in first
