"""reproduce with parallel kernels (issue #12): same results, progress lines in notebook order, and a failure
still names its notebook and cell (tests/siis/conftest.py runs each reproduce once per session)."""

import re

import pytest

from vitality.siis import reproduce


def test_parallel_kernels_keep_the_order(parallel_run):
    assert parallel_run.error is None
    out = parallel_run.out
    assert [r.notebook for r in parallel_run.runs] == ["01_a", "02_b"]
    assert (out / "a.txt").read_text() == "(3, {'a': 1})" and (out / "b.txt").read_text() == "2"
    lines = [ln for ln in parallel_run.printed.splitlines() if re.match(r"\[\d/2\]", ln)]
    assert [ln.split()[0] for ln in lines] == ["[1/2]", "[2/2]"]


def test_parallel_run_prints_where_the_time_went(parallel_run):
    printed = parallel_run.printed
    assert "Where the time went" in printed
    assert re.search(r"^  01_a: [\d.]+ s = start-up [\d.]+ s \+ cells [\d.]+ s; slowest: cell 3 ", printed, re.M)


def test_parallel_failure_names_notebook_and_cell(parallel_failure):
    with pytest.raises(reproduce.NotebookFailed,
                       match=r"03_bad.ipynb failed in cell 3 .*raise ValueError.*ValueError: boom"):
        raise parallel_failure.error
