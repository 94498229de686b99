"""Aggregation: weighted means by hand, missing-data policies, geometric-mean refusals, exact ties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from vitality.aggregate import aggregate, aggregate_framework
from vitality.errors import ConfigError, DataValidationError
from vitality.framework import Framework
from vitality.ranking import rank_desc, round_significant

V = pd.DataFrame({"a": [1.0, 4.0, 9.0], "b": [3.0, np.nan, 1.0], "c": [2.0, 2.0, np.nan]}, index=["u", "v", "w"])


def test_amean_hand():
    out = aggregate(V[["a"]].assign(b=[3.0, 2.0, 1.0]), {"a": 1, "b": 3})
    assert out.tolist() == pytest.approx([(1 + 9) / 4, (4 + 6) / 4, (9 + 3) / 4])


def test_gmean_hand():
    df = pd.DataFrame({"a": [1.0, 4.0], "b": [8.0, 1.0]})
    out = aggregate(df, {"a": 1, "b": 2}, "gmean")
    assert out.tolist() == pytest.approx([(1 * 8 ** 2) ** (1 / 3), (4 * 1) ** (1 / 3)])


def test_missing_is_an_error_by_default():
    with pytest.raises(DataValidationError, match="missing value") as e:
        aggregate(V, {"a": 1, "b": 1, "c": 1})
    assert "v: b" in str(e.value) and "renormalise" in str(e.value)


def test_renormalise_over_present_children():
    out = aggregate(V, {"a": 1, "b": 1, "c": 2}, missing="renormalise")
    assert out.tolist() == pytest.approx([(1 + 3 + 4) / 4, (4 + 4) / 3, (9 + 1) / 2])
    g = aggregate(V, {"a": 1, "b": 1, "c": 2}, "gmean", missing="renormalise")
    assert g["v"] == pytest.approx((4 * 2 ** 2) ** (1 / 3))


def test_min_share():
    out = aggregate(V, {"a": 1, "b": 1, "c": 1}, missing="renormalise", min_share=0.9)
    assert out["u"] == pytest.approx(2.0) and math.isnan(out["v"]) and math.isnan(out["w"])
    out = aggregate(V, {"a": 1, "b": 1, "c": 1}, missing="renormalise", min_share=2 / 3)
    assert not out.isna().any()
    with pytest.raises(ConfigError, match="renormalise"):
        aggregate(V, missing="error", min_share=0.5)
    with pytest.raises(ConfigError, match="between 0 and 1"):
        aggregate(V, missing="renormalise", min_share=1.5)


def test_all_children_missing_gives_missing():
    df = pd.DataFrame({"a": [np.nan, 1.0], "b": [np.nan, 3.0]})
    out = aggregate(df, missing="renormalise")
    assert math.isnan(out[0]) and out[1] == 2.0


@pytest.mark.parametrize("bad", [0.0, -2.0])
def test_gmean_refuses_non_positive_and_suggests_range(bad):
    df = pd.DataFrame({"a": [1.0, bad], "b": [2.0, 3.0]})
    with pytest.raises(ConfigError, match=r"values > 0.*range=\(1, 100\)"):
        aggregate(df, method="gmean")


def test_bad_choices_list_valid():
    with pytest.raises(ConfigError, match="amean"):
        aggregate(V, method="mean")
    with pytest.raises(ConfigError, match="renormalise"):
        aggregate(V, missing="skip")
    with pytest.raises(ConfigError, match="position"):
        aggregate(V, [1, 1, 1])
    with pytest.raises(ConfigError, match="differ"):
        aggregate(V, {"a": 1, "b": 1})


def test_order_invariant_sums_keep_exact_ties():
    # naive left-to-right sums differ: 0.1 + 0.2 + 0.3 = 0.6000000000000001 but 0.3 + 0.2 + 0.1 = 0.6
    assert (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1
    df = pd.DataFrame({"a": [0.1, 0.3], "b": [0.2, 0.2], "c": [0.3, 0.1]}, index=["x", "y"])
    out = aggregate(df)
    assert out["x"] == out["y"]  # bit-identical
    assert rank_desc(out.to_frame("s"), digits=None)["s"].tolist() == [1, 1]


def test_rank_digits_tie_values_equal_in_exact_arithmetic():
    s = pd.DataFrame({"s": [0.1 + 0.2, 0.3, 0.1]})
    assert rank_desc(s)["s"].tolist() == [1, 1, 3]
    assert rank_desc(s, digits=None)["s"].tolist() == [1, 2, 3]


def test_rank_desc_policies_and_missing():
    s = pd.DataFrame({"s": [5.0, 7.0, 5.0, np.nan, 1.0]})
    assert rank_desc(s)["s"].tolist() == [2, 1, 2, pd.NA, 4]
    assert str(rank_desc(s)["s"].dtype) == "Int64"
    assert rank_desc(s, "max")["s"].tolist() == [3, 1, 3, pd.NA, 4]
    assert rank_desc(s, "dense")["s"].tolist() == [2, 1, 2, pd.NA, 3]
    assert rank_desc(s, "average")["s"].tolist() == [2.5, 1.0, 2.5, pd.NA, 4.0]
    with pytest.raises(ConfigError, match="min"):
        rank_desc(s, "best")


def test_round_significant():
    assert round_significant(np.array([123456.789, 0.0, -1.23456e-7, np.nan]), 3).tolist()[:3] == \
        [123000.0, 0.0, -1.23e-7]


def test_aggregate_framework_levels_and_methods_by_level():
    meta = pd.DataFrame({"code": ["i1", "i2", "i3", "A", "B", "T"],
                         "parent": ["A", "A", "B", "T", "T", None],
                         "weight": [1, 3, 1, 1, 1, 1]})
    fw = Framework.from_meta(meta)
    X = pd.DataFrame({"i1": [4.0, 1.0], "i2": [8.0, 1.0], "i3": [2.0, 9.0]}, index=["p", "q"])
    out = aggregate_framework(X, fw, method={2: "amean", 3: "gmean"})
    assert list(out.columns) == ["i1", "i2", "i3", "A", "B", "T"]
    assert out.loc["p", "A"] == pytest.approx((4 + 24) / 4) and out.loc["p", "B"] == 2.0
    assert out.loc["p", "T"] == pytest.approx(math.sqrt(7 * 2))
    with pytest.raises(ConfigError, match="levels"):
        aggregate_framework(X, fw, method={2: "amean"})


# ---------------------------------------------------------------- properties
vals = arrays(np.float64, st.tuples(st.integers(1, 12), st.integers(1, 6)),
              elements=st.floats(0.5, 1000, allow_nan=False))
wts = st.lists(st.floats(0.01, 100), min_size=6, max_size=6)


@settings(max_examples=60, deadline=None)
@given(vals, wts, st.sampled_from(["amean", "gmean"]))
def test_mean_between_min_and_max(A, w, method):
    w = np.array(w[:A.shape[1]])
    out = aggregate(A, w, method)
    assert np.all(out >= A.min(axis=1) * (1 - 1e-12)) and np.all(out <= A.max(axis=1) * (1 + 1e-12))


@settings(max_examples=60, deadline=None)
@given(vals, wts, st.floats(0.01, 1000), st.sampled_from(["amean", "gmean"]))
def test_weight_scaling_invariance(A, w, k, method):
    w = np.array(w[:A.shape[1]])
    np.testing.assert_allclose(aggregate(A, w, method), aggregate(A, w * k, method), rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(vals, st.randoms(use_true_random=False))
def test_equal_weights_invariant_to_order_of_children_bitwise(A, rnd):
    perm = list(range(A.shape[1]))
    rnd.shuffle(perm)
    assert np.array_equal(aggregate(A), aggregate(A[:, perm]))


@settings(max_examples=60, deadline=None)
@given(vals, wts)
def test_monotone_in_each_child(A, w):
    w = np.array(w[:A.shape[1]])
    B = A.copy()
    B[:, 0] += 1.0
    assert np.all(aggregate(B, w) >= aggregate(A, w))
