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


def _awkward_matrix(rng, n):
    """Floats needing every form: NaN, -0.0, 1e-300, tiny (< 1e-4, written 1e-05 by repr), 17 significant
    digits, large (1e15, 1e16, 1e22), infinities, integers, 1-ulp neighbours."""
    x = _awkward_floats(rng, n)
    x = np.concatenate([x, [1e-300, -1e-300, 0.1 + 0.2, 1 / 3, 2 / 3 * 100, 5.1000000000000005, 9.999999999999999e-05,
                            1.0000000000000002e-4, 999999999999999.9, 9999999999999998.0, 1e22, -1e22, 2.0 ** 53 + 2,
                            47.38291834723051, 1.2345678901234567e-7, np.nan, -0.0],
                        rng.uniform(0, 100, n), rng.uniform(-1e-6, 1e-6, 50)])
    return x


@pytest.mark.parametrize("index", [True, False])
def test_block_writer_same_bytes_as_pandas_and_as_repr(tmp_path, monkeypatch, index):
    """The whole-block writer (all-float and all-integer tables: scores and ranks) against pandas' to_csv
    and against the column-by-column repr writer, on awkward values."""
    import vitality.csvfast as cf

    rng = np.random.default_rng(3)
    x = _awkward_matrix(rng, 400)
    n = len(x)
    scores = pd.DataFrame({f"c{j}": rng.permutation(x) for j in range(7)},
                          index=pd.Index([f"u{i:05d}" for i in range(n)], name="uCode"))
    ranks = pd.DataFrame({f"c{j}": pd.array(np.where(rng.random(n) < 0.05, None, rng.integers(1, n + 1, n)),
                                            dtype="Int64") for j in range(5)}, index=scores.index)
    ints = pd.DataFrame({"a": rng.integers(-10 ** 12, 10 ** 12, n), "b": np.arange(n)}, index=scores.index)
    one = scores[["c0"]]
    assert cf._orjson() is not None, "orjson (the 'fast' extra) should be installed in the test environment"
    for df in (scores, ranks, ints, one, scores.iloc[:1], ranks.dropna()):
        assert cf._block_kind(df) in ("f", "i")
        ref, got, slow = tmp_path / "ref.csv", tmp_path / "got.csv", tmp_path / "slow.csv"
        df.to_csv(ref, index=index, lineterminator="\n", encoding="utf-8")
        write_csv(df, got, index=index, rows=97)
        with monkeypatch.context() as m:          # the writer without orjson: repr, column by column
            m.setattr(cf, "_ORJSON", [None])
            write_csv(df, slow, index=index, rows=97)
        assert got.read_bytes() == ref.read_bytes()
        assert slow.read_bytes() == ref.read_bytes()


def test_gzip_bytes_are_those_of_the_text_stream_fed_block_by_block(tmp_path):
    """A .gz table is the text of the plain file fed to ``open_text`` in the same pieces (header, then one
    piece per block of rows) -- so the compressed bytes do not depend on the writer's internals."""
    from vitality.csvfast import open_text

    rng = np.random.default_rng(8)
    df = pd.DataFrame(rng.normal(size=(1000, 4)), columns=list("abcd"),
                      index=pd.Index([f"u{i}" for i in range(1000)], name="uCode"))
    rk = df.rank().astype("Int64")
    for table in (df, rk):
        write_csv(table, tmp_path / "t.csv", rows=97)
        write_csv(table, tmp_path / "t.csv.gz", rows=97)
        lines = (tmp_path / "t.csv").read_text().splitlines(keepends=True)
        with open_text(tmp_path / "ref.csv.gz") as f:
            f.write(lines[0])
            for start in range(1, len(lines), 97):
                f.write("".join(lines[start:start + 97]))
        assert (tmp_path / "t.csv.gz").read_bytes() == (tmp_path / "ref.csv.gz").read_bytes()


@pytest.mark.parametrize("float_format", ["%.6g", "%.10g"])
def test_repeated_values_formatted_once_as_pandas(tmp_path, float_format):
    """Columns of a statistics table repeat their values (each distinct one is formatted once): -0.0 and
    0.0, NaN, infinities and 1-ulp neighbours stay apart, as pandas writes them."""
    import vitality.csvfast as cf

    rng = np.random.default_rng(9)
    pool = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 0.5, 1 / 3, 1e-5, 123456.5, 0.1 + 0.2, 0.3,
                     5.1, 5.1000000000000005, 2.5e-7, -7.25])
    n = 4000
    df = pd.DataFrame({"code": [f"c{i % 7}" for i in range(n)], "q": rng.choice(pool, n),
                       "share": rng.integers(0, 1000, n) / 1000, "distinct": rng.normal(size=n)})
    calls = []
    orig = cf._formatted_once
    cf_once = lambda a, f: calls.append(len(a)) or orig(a, f)   # noqa: E731
    import unittest.mock as um
    with um.patch.object(cf, "_formatted_once", cf_once):
        write_csv(df, tmp_path / "got.csv", index=False, float_format=float_format, rows=1500)
    assert calls, "the formatted-once path should be taken for these columns"
    df.to_csv(tmp_path / "ref.csv", index=False, float_format=float_format, lineterminator="\n")
    assert (tmp_path / "got.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()
