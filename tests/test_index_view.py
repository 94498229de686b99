"""The one-pass view of a table (vitality.index) made from the frame's blocks is the general one."""

from __future__ import annotations

import glob

import numpy as np
import pandas as pd
import pytest
from repo import ROOT

import vitality.index as ix


def _frames():
    rng = np.random.default_rng(4)
    n = 300
    x = rng.normal(size=n)
    x[::7] = np.nan
    yield "floats", pd.DataFrame({"a": x, "b": -x})
    yield "mixed", pd.DataFrame({"uCode": [f"u{i}" for i in range(n)], "a": x, "i": np.arange(n), "flag": x > 0,
                                 "t": np.where(x > 0, "p", None), "b": x * 2})
    yield "large mixed", pd.DataFrame({"uCode": [f"u{i}" for i in range(30_000)],
                                       "a": np.tile(x, 100), "b": np.arange(30_000.0)})
    yield "strings", pd.DataFrame({"a": pd.array(["x", None, "z"] * 5, dtype="str"), "b": ["1", "2", "3"] * 5})
    yield "nullable ints", pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64"), "b": [1.0, 2.0, 3.0]})
    yield "category", pd.DataFrame({"a": pd.Categorical(["x", "y", "x"]), "b": [1.0, 2.0, 3.0]})
    yield "datetimes", pd.DataFrame({"a": pd.to_datetime(["2015-01-01"] * 3), "b": [1.0, 2.0, 3.0]})
    yield "no columns", pd.DataFrame(index=range(3))
    yield "no rows", pd.DataFrame({"a": pd.Series([], dtype=float), "t": pd.Series([], dtype=object)})
    yield "from dict, not consolidated", pd.DataFrame(dict(a=x, b=x + 1)).assign(c=x + 2, t="s", d=x + 3)
    for f in sorted(glob.glob(str(ROOT / "data" / "**" / "*.csv"), recursive=True))[:40]:
        yield f, ix.read_data_csv(f) if "meta" not in f.lower() else ix.read_meta_csv(f)
        yield f + " (meta reader)", ix.read_meta_csv(f)


def _general(df):
    v = ix._View.__new__(ix._View)
    v._general(df)
    return v


@pytest.mark.parametrize("name, df", list(_frames()), ids=lambda x: x if isinstance(x, str) else "")
def test_view_from_blocks_is_the_general_view(name, df):
    fast = ix._View(df)
    slow = _general(df)
    probe = ix._View.__new__(ix._View)
    taken = ix._from_blocks(probe, df)
    if name in ("floats", "mixed", "large mixed", "strings", "from dict, not consolidated") or name.endswith(".csv"):
        assert taken, "the block path should handle this frame"
    if name in ("nullable ints", "category", "datetimes", "no columns"):
        assert not taken, "this frame should go the general way"
    assert [str(t) for t in fast.dtypes] == [str(t) for t in slow.dtypes]
    np.testing.assert_array_equal(fast.isnum, slow.isnum)
    for a, b in ((fast.num, slow.num), (fast.other, slow.other)):
        assert (a is None) == (b is None) or (a is not None and a.size == 0 and b is None) \
            or (b is not None and b.size == 0 and a is None)
        if a is not None and b is not None:
            assert a.shape == b.shape and a.dtype == b.dtype
            if a.dtype == object:
                na = pd.isna(a)
                np.testing.assert_array_equal(na, pd.isna(b))
                assert a[~na].tolist() == b[~na].tolist()
                assert all(type(p) is type(q) for p, q in zip(a.ravel().tolist(), b.ravel().tolist()))
            else:
                np.testing.assert_array_equal(a, b)
    assert ix.frame_sha256(df, fast) == ix.frame_sha256(df, slow)
