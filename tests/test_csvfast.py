"""vitality.csvfast.write_csv writes what pandas.DataFrame.to_csv writes, byte for byte."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from vitality.csvfast import write_csv


def _awkward_floats(rng, n):
    x = np.concatenate([rng.normal(size=n) * 10.0 ** rng.integers(-20, 20, n), rng.integers(-5, 5, n).astype(float),
                        [0.0, -0.0, 1e16, 1e15, 123456789012345678.0, 1e-4, 9.99e-5, 0.1 + 0.2, np.inf, -np.inf,
                         np.nan, 5e-324, 1.7976931348623157e308, 100.0, 1.5]])
    return x


@pytest.mark.parametrize("float_format", [None, "%.6g", "%.10g"])
def test_same_bytes_as_pandas(tmp_path, float_format):
    rng = np.random.default_rng(0)
    x = _awkward_floats(rng, 3000)
    n = len(x)
    df = pd.DataFrame({"a": x, "b": rng.permutation(x), "i": np.arange(n), "t": [f"u{i}" for i in range(n)],
                       "flag": rng.random(n) < 0.5,
                       "r": pd.array(np.where(rng.random(n) < 0.1, None, np.arange(n)), dtype="Int64"),
                       "f": pd.array(np.where(rng.random(n) < 0.1, None, x / 3), dtype="Float64"),
                       "o": np.where(rng.random(n) < 0.2, None, "x").astype(object)},
                      index=pd.Index([f"c{i:05d}" for i in range(n)], name="uCode"))
    for index in (True, False):
        ref, got = tmp_path / "ref.csv", tmp_path / "got.csv"
        df.to_csv(ref, index=index, float_format=float_format, lineterminator="\n", encoding="utf-8")
        write_csv(df, got, index=index, float_format=float_format, rows=701)
        assert got.read_bytes() == ref.read_bytes()


def test_falls_back_to_pandas_for_quotes_and_gzip_is_reproducible(tmp_path):
    df = pd.DataFrame({"name": ["a,b", 'say "hi"', "plain"], "v": [1.0, np.nan, 3.25]})
    ref, got = tmp_path / "ref.csv", tmp_path / "got.csv"
    df.to_csv(ref, index=False, lineterminator="\n")
    write_csv(df, got, index=False)
    assert got.read_bytes() == ref.read_bytes()
    write_csv(df, tmp_path / "a.csv.gz", index=False)
    write_csv(df, tmp_path / "b.csv.gz", index=False)
    assert (tmp_path / "a.csv.gz").read_bytes() == (tmp_path / "b.csv.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.csv.gz").read_bytes()) == ref.read_bytes()
