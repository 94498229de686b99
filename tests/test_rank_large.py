"""Ranks of large tables (one column at a time) are the ranks of the whole-table sort."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from vitality.normalise import TIES, rank_asc

nz = importlib.import_module("vitality.normalise")   # the module (the package exports a function of that name)


def _table(rng, n, m):
    A = np.round(rng.normal(size=(n, m)) * 5, 1)          # many ties
    A[rng.random(A.shape) < 0.05] = np.nan
    A[:, 0] = 1.0                                         # all tied
    A[: n // 2, 1] = np.nan                               # half missing
    A[3, 2], A[5, 2], A[7, 2] = np.inf, -np.inf, np.inf   # infinities with NaN in the same column
    A[:, 3] = np.nan                                      # nothing present
    return A


@pytest.mark.parametrize("ties", list(TIES))
def test_by_column_equals_whole_table(monkeypatch, ties):
    rng = np.random.default_rng(5)
    A = _table(rng, 3000, 9)
    whole = rank_asc(A, ties)
    monkeypatch.setattr(nz, "_ROWWISE_FROM", 100)
    by_column = rank_asc(A, ties)
    np.testing.assert_array_equal(by_column, whole)       # NaN where missing, in both


def test_large_table_is_ranked_by_column_and_equals_the_whole_table_sort(monkeypatch):
    rng = np.random.default_rng(6)
    A = _table(rng, nz._ROWWISE_FROM, 4)
    calls = []
    by_column = nz._rank_asc_by_column
    monkeypatch.setattr(nz, "_rank_asc_by_column", lambda *a: calls.append(1) or by_column(*a))
    got = rank_asc(A, "min")
    assert calls == [1]
    monkeypatch.setattr(nz, "_ROWWISE_FROM", 10 ** 9)
    np.testing.assert_array_equal(got, rank_asc(A, "min"))
    assert calls == [1]
