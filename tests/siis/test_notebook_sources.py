"""Every notebook has a committed jupytext py:percent twin, and the two say the same thing."""

import jupytext
import nbformat
import pytest

from vitality.siis import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
SECTIONS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))     # the report's sections (city_profile is apart)


def _cells(nb):
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ()))) for c in nb.cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_py_percent_twin_is_in_sync(path):
    twin = path.with_suffix(".py")
    assert twin.is_file(), f"{twin.name} is missing: run `jupytext --set-formats ipynb,py:percent {path}`"
    ipynb, py = nbformat.read(path, as_version=4), jupytext.read(twin)
    assert _cells(ipynb) == _cells(py), (f"{path.name} and {twin.name} differ: edit one and run "
                                         f"`jupytext --sync {twin}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_source_has_no_outputs_and_one_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1


@pytest.mark.parametrize("path", SECTIONS, ids=lambda p: p.stem)
def test_set_up_is_one_call(path):
    src = "".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert src.count("notebook.start(") == 1 and "load_report(" not in src and "style.setup(" not in src
