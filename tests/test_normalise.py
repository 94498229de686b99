"""Normalisers: hand-computed small cases, the report's worked example, degenerate columns, properties."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from vitality.errors import ConfigError, DataValidationError
from vitality.normalise import (
    NORMALISERS,
    dist_max,
    dist_target,
    minmax,
    none,
    normalise,
    prank,
    rank,
    rank_ascending,
    rank_score,
    zscore,
)


# ---------------------------------------------------------------- the report's worked example
def test_report_worked_example_ties_share_lowest_rank():
    # 三(三): three cities with no exhibition all rank 1; three with one exhibition all rank 4.
    exhibitions = pd.Series([0, 0, 0, 1, 1, 1, 7, 2], index=list("abcdefgh"), name="intl_exhibitions")
    r = rank_ascending(exhibitions)
    assert r.tolist() == [1, 1, 1, 4, 4, 4, 8, 7]
    s = rank_score(exhibitions, n=46)
    assert s["a"] == pytest.approx(100 / 46)          # 2.17
    assert s["d"] == pytest.approx(4 * 100 / 46)      # 8.70
    # the printed 2.38 and 9.52 are 100/42 and 400/42
    s42 = rank_score(exhibitions, n=42)
    assert round(s42["a"], 2) == 2.38 and round(s42["d"], 2) == 9.52


def test_rank_score_default_n_is_count_of_present_values():
    x = pd.Series([3.0, np.nan, 1.0, 2.0])
    s = rank_score(x)
    assert s.tolist()[0] == pytest.approx(100.0)
    assert math.isnan(s.tolist()[1])
    assert s.tolist()[2] == pytest.approx(100 / 3) and s.tolist()[3] == pytest.approx(200 / 3)
    assert rank_score(x, n="rows").tolist()[0] == pytest.approx(75.0)


@pytest.mark.parametrize("ties, expected", [
    ("min", [1, 2, 2, 4]), ("max", [1, 3, 3, 4]), ("average", [1, 2.5, 2.5, 4]), ("dense", [1, 2, 2, 3]),
    ("first", [1, 2, 3, 4]),
])
def test_tie_policies(ties, expected):
    assert rank_ascending(np.array([1.0, 5.0, 5.0, 9.0]), ties=ties).tolist() == expected


def test_rank_score_ties_parameter():
    x = np.array([1.0, 5.0, 5.0, 9.0])
    assert rank_score(x, ties="max", n=4).tolist() == [25.0, 75.0, 75.0, 100.0]


# ---------------------------------------------------------------- every normaliser on a small case
X = pd.DataFrame({"a": [2.0, 4.0, 6.0, 10.0], "b": [5.0, np.nan, 1.0, 3.0]}, index=list("pqrs"))


def test_minmax_hand():
    out = minmax(X, range=(0, 100))
    assert out["a"].tolist() == [0.0, 25.0, 50.0, 100.0]
    assert out["b"].tolist()[0] == 100.0 and math.isnan(out["b"]["q"]) and out["b"]["s"] == 50.0
    out = minmax(X, range=(1, 100))
    assert out["a"].tolist() == pytest.approx([1.0, 25.75, 50.5, 100.0])


def test_zscore_hand_sample_sd():
    out = zscore(X, mean_sd=(0, 1))
    # a: mean 5.5, sample sd sqrt(((3.5^2)+(1.5^2)+(0.5^2)+(4.5^2))/3) = sqrt(35/3)
    sd = math.sqrt(35 / 3)
    assert out["a"].tolist() == pytest.approx([(2 - 5.5) / sd, (4 - 5.5) / sd, (6 - 5.5) / sd, (10 - 5.5) / sd])
    out = zscore(X, mean_sd=(10, 2))
    assert out["b"]["p"] == pytest.approx(10 + 2 * (5 - 3) / 2.0)  # b: mean 3, sd 2


def test_rank_and_prank_hand():
    assert rank(X)["a"].tolist() == [1, 2, 3, 4]
    pr = prank(X)
    assert pr["a"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert pr["b"]["p"] == 1.0 and pr["b"]["r"] == 0.0 and pr["b"]["s"] == 0.5  # n = 3 present


def test_dist_max_and_target_hand():
    assert dist_max(X)["a"].tolist() == pytest.approx([0, 0.25, 0.5, 1])
    out = dist_target(X[["a"]], targets={"a": 8.0})
    assert out["a"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 4 / 3])
    assert dist_target(X[["a"]], targets={"a": 8.0}, cap=True)["a"].tolist()[-1] == 1.0


def test_dist_target_refuses_positional_targets():
    with pytest.raises(ConfigError, match="position"):
        dist_target(X, targets=[1.0, 2.0])


def test_direction_applied_before_normalising():
    d = pd.Series({"a": -1, "b": 1})
    out = normalise(X, "minmax", direction=d, range=(0, 100))
    assert out["a"].tolist() == [100.0, 75.0, 50.0, 0.0]
    out = normalise(X, "rank_score", direction=d, n=4)
    assert out["a"].tolist() == [100.0, 75.0, 50.0, 25.0]
    # dist_target: target flips with the direction (a ceiling to get under)
    out = normalise(X[["a"]], "dist_target", direction=pd.Series({"a": -1}), targets={"a": 3.0})
    # x' = -x: min -10, t' = -3: 1 - (-3 - x')/(-3 + 10)
    assert out["a"].tolist() == pytest.approx([1 - (-3 + 2) / 7, 1 - (-3 + 4) / 7, 1 - (-3 + 6) / 7, 0.0])


def test_none_keeps_values_with_direction():
    out = normalise(X, "none", direction=pd.Series({"a": 1, "b": -1}))
    assert out["b"]["p"] == -5.0 and out["a"]["s"] == 10.0


# ---------------------------------------------------------------- bad choices and degenerate columns
def test_unknown_method_lists_choices():
    with pytest.raises(ConfigError, match="minmax"):
        normalise(X, "min-max")


def test_unknown_parameter_lists_valid():
    with pytest.raises(ConfigError, match="range"):
        normalise(X, "minmax", rnage=(0, 1))


def test_bad_direction():
    with pytest.raises(ConfigError, match=r"\+1 or -1"):
        normalise(X, "minmax", direction=pd.Series({"a": 2, "b": 1}))
    with pytest.raises(ConfigError, match="no direction"):
        normalise(X, "minmax", direction=pd.Series({"a": 1}))
    with pytest.raises(ConfigError, match="position"):
        normalise(X, "minmax", direction=[1, 1])


@pytest.mark.parametrize("method", ["minmax", "zscore", "dist_max"])
def test_constant_column_is_an_error_by_default(method):
    df = pd.DataFrame({"c": [3.0, 3.0, 3.0], "v": [1.0, 2.0, 3.0]})
    with pytest.raises(DataValidationError, match="constant") as e:
        normalise(df, method)
    assert e.value.column == "c"


def test_constant_column_mid_is_visible():
    df = pd.DataFrame({"c": [3.0, 3.0, np.nan], "v": [1.0, 2.0, 3.0]})
    with pytest.warns(UserWarning, match="constant"):
        out = minmax(df, range=(0, 100), constant="mid")
    assert out["c"].tolist()[:2] == [50.0, 50.0] and math.isnan(out["c"].tolist()[2])
    with pytest.warns(UserWarning):
        assert zscore(df, mean_sd=(10, 2), constant="mid")["c"].tolist()[:2] == [10.0, 10.0]


def test_rank_methods_define_constant_columns():
    c = pd.Series([3.0, 3.0, 3.0, 3.0])
    assert rank(c).tolist() == [1, 1, 1, 1]
    assert prank(c).tolist() == [0, 0, 0, 0]
    assert rank_score(c).tolist() == [25.0] * 4


@pytest.mark.parametrize("method", list(NORMALISERS))
def test_all_missing_column_is_an_error(method):
    df = pd.DataFrame({"ok": [1.0, 2.0, 3.0], "empty": [np.nan] * 3})
    params = {"targets": {"ok": 3.0, "empty": 1.0}} if method == "dist_target" else {}
    with pytest.raises(DataValidationError, match="no value") as e:
        normalise(df, method, **params)
    assert e.value.column == "empty"


def test_prank_single_value_is_an_error():
    with pytest.raises(DataValidationError, match="single"):
        prank(pd.DataFrame({"x": [np.nan, 2.0, np.nan]}))


def test_infinite_is_an_error():
    with pytest.raises(DataValidationError, match="infinite"):
        minmax(pd.DataFrame({"x": [1.0, np.inf]}))


def test_bad_parameters():
    with pytest.raises(ConfigError):
        minmax(X, range=(5, 1))
    with pytest.raises(ConfigError):
        zscore(X, mean_sd=(0, 0))
    with pytest.raises(ConfigError):
        rank_score(X, n=0)
    with pytest.raises(ConfigError):
        rank(X, ties="random")


def test_array_input_returns_array():
    out = minmax(np.array([[1.0, 2.0], [3.0, 4.0]]), range=(0, 1))
    assert isinstance(out, np.ndarray) and out.tolist() == [[0, 0], [1, 1]]
    assert isinstance(none(np.array([1.0, 2.0])), np.ndarray)


# ---------------------------------------------------------------- properties
col = arrays(np.float64, st.integers(3, 30), elements=st.floats(-1e6, 1e6, allow_nan=False, width=64))


def _nonconstant(a):
    # (numerically) non-constant: a spread whose square does not underflow
    return np.unique(a).size > 1 and np.ptp(a) > 1e-100


@settings(max_examples=60, deadline=None)
@given(col, st.floats(-100, 100), st.floats(0.5, 200))
def test_minmax_bounds_and_monotone(a, lo, width):
    if not _nonconstant(a):
        return
    hi = lo + width
    out = minmax(a, range=(lo, hi))
    assert out.min() == pytest.approx(lo) and out.max() == pytest.approx(hi)
    order = np.argsort(a, kind="stable")
    assert np.all(np.diff(out[order]) >= -1e-9 * max(1.0, abs(hi)))


@settings(max_examples=60, deadline=None)
@given(col)
def test_rank_based_bounds(a):
    n = a.size
    rs = rank_score(a)
    assert rs.max() <= 100.0 + 1e-12 and rs.min() == pytest.approx(100.0 / n)  # ties "min": the worst get rank 1
    if (a == a.max()).sum() == 1:
        assert rs.max() == pytest.approx(100.0)
    pr = prank(a)
    assert pr.min() == 0.0 and 0.0 <= pr.max() <= 1.0
    assert (rank(a) >= 1).all() and rank(a).max() <= n


@settings(max_examples=60, deadline=None)
@given(col, st.randoms(use_true_random=False))
def test_invariant_to_order_of_units(a, rnd):
    perm = list(range(a.size))
    rnd.shuffle(perm)
    perm = np.array(perm)
    for method in ("rank_score", "rank", "prank", "minmax", "zscore", "dist_max"):
        if method in ("minmax", "zscore", "dist_max") and not _nonconstant(a):
            continue
        f = NORMALISERS[method]
        np.testing.assert_allclose(f(a)[perm], f(a[perm]), rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(col)
def test_direction_flip_reverses_order(a):
    if not _nonconstant(a):
        return
    df = pd.DataFrame({"x": a})
    up = normalise(df, "minmax", direction=pd.Series({"x": 1}), range=(0, 1))["x"].to_numpy()
    down = normalise(df, "minmax", direction=pd.Series({"x": -1}), range=(0, 1))["x"].to_numpy()
    np.testing.assert_allclose(up + down, 1.0, atol=1e-9)
    r_up = normalise(df, "rank", direction=pd.Series({"x": 1}), ties="first")["x"].to_numpy()
    # with distinct values, the flipped ranks mirror the original ones
    if np.unique(a).size == a.size:
        r_down = normalise(df, "rank", direction=pd.Series({"x": -1}))["x"].to_numpy()
        np.testing.assert_array_equal(r_up + r_down, a.size + 1)


def test_warnings_not_emitted_for_normal_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for m in ("rank_score", "rank", "prank", "minmax", "zscore", "dist_max", "none"):
            normalise(X, m)
