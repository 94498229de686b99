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


rk = importlib.import_module("vitality.ranking")


@pytest.mark.parametrize("ties", [t for t in TIES if t != "average"])   # average: Float64, whole table
@pytest.mark.parametrize("digits, round_columns", [(12, None), (None, None), (3, ["c1", "c4"])])
def test_rank_desc_of_a_large_table_by_column_equals_the_whole_table(monkeypatch, ties, digits, round_columns):
    import pandas as pd

    rng = np.random.default_rng(7)
    A = _table(rng, 2000, 6)
    A[:, 4] = A[:, 5] + 1e-14 * rng.normal(size=len(A))     # equal to 12 digits, not to the last bit
    A[:, 5] = 0.1 + 0.2
    A[::3, 5] = 0.3
    df = pd.DataFrame(A, columns=[f"c{j}" for j in range(6)], index=pd.Index([f"u{i}" for i in range(len(A))]))
    whole = rk.rank_desc(df, ties, digits=digits, round_columns=round_columns)
    monkeypatch.setattr(rk, "_BY_COLUMN_FROM", 100)
    calls = []
    by_col = rk._ranked_by_column
    monkeypatch.setattr(rk, "_ranked_by_column", lambda *a: calls.append(1) or by_col(*a))
    by_column = rk.rank_desc(df, ties, digits=digits, round_columns=round_columns)
    assert calls == [1]
    pd.testing.assert_frame_equal(by_column, whole)
    if round_columns is not None:
        with pytest.raises(Exception, match="round_columns not in the table"):
            rk.rank_desc(df, ties, digits=digits, round_columns=["nope"])
