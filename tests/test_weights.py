"""Weights: named sets, keyed custom weights, entropy and PCA weights against hand computations."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from repo import DATA

from vitality.errors import ConfigError, DataValidationError
from vitality.framework import Framework
from vitality.index import read_meta_csv
from vitality.weights import (
    PCAStabilityWarning,
    custom,
    entropy_weights,
    equal_per_group,
    equal_per_indicator,
    flat_to_hierarchy,
    pca_weights,
    resolve_weights,
)


@pytest.fixture(scope="module")
def siis():
    return Framework.from_meta(read_meta_csv(DATA / "framework" / "siis_meta.csv"))


def test_equal_per_group_is_the_reports_scheme(siis):
    ew = siis.effective_weights(equal_per_group(siis))
    for dom, k in (("social", 5), ("cultural", 3), ("economic", 5), ("political", 4)):
        for c in siis.children(dom):
            assert ew[c] == pytest.approx(0.25 / k)


def test_equal_per_indicator(siis):
    w = equal_per_indicator(siis)
    assert w["social"] == 5 and w["cultural"] == 3 and w["trade"] == 1
    ew = siis.effective_weights(w)
    np.testing.assert_allclose(ew.to_numpy(), 1 / 17)


def test_custom_keyed_by_code(siis):
    w = custom(siis, {"economic": 2.0, "trade": 3})
    assert w["economic"] == 2.0 and w["trade"] == 3.0 and w["social"] == 1.0
    ew = siis.effective_weights(w)
    # economic has 2/5 of the index; trade 3/7 of economic
    assert ew["trade"] == pytest.approx(2 / 5 * 3 / 7)
    assert ew.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [[1, 2, 3], (1.0,), np.ones(22), pd.Series([1.0, 2.0])])
def test_positional_weights_refused(siis, bad):
    with pytest.raises(ConfigError, match="position"):
        custom(siis, bad)


def test_bad_custom_weights(siis):
    with pytest.raises(ConfigError, match="unknown code.*did you mean 'trade'"):
        custom(siis, {"Trade ": 1})
    with pytest.raises(ConfigError, match="negative"):
        custom(siis, {"trade": -1})
    with pytest.raises(ConfigError, match="NaN"):
        custom(siis, {"trade": np.nan})
    with pytest.raises(ConfigError, match="zero"):
        custom(siis, {c: 0 for c in siis.children("cultural")})
    with pytest.raises(ConfigError, match="numbers"):
        custom(siis, {"trade": "heavy"})


def test_weights_table_keyed_by_code(siis):
    table = pd.DataFrame({"iCode": ["odi", "social"], "Weight": [0.5, 4]})
    w = custom(siis, table)
    assert w["odi"] == 0.5 and w["social"] == 4


def test_resolve_weights_names(siis):
    assert resolve_weights(siis, None).equals(siis.weights)
    assert resolve_weights(siis, "equal_per_domain").equals(equal_per_group(siis))
    siis.add_weight_set("econ_heavy", {"economic": 3})
    assert resolve_weights(siis, "econ_heavy")["economic"] == 3
    with pytest.raises(ConfigError, match="equal_per_indicator"):
        resolve_weights(siis, "equal")
    with pytest.raises(ConfigError, match="normalised"):
        resolve_weights(siis, "entropy")


# ---------------------------------------------------------------- entropy
def _entropy_by_hand(col):
    tot = sum(col)
    p = [v / tot for v in col]
    return -sum(pi * math.log(pi) for pi in p if pi > 0) / math.log(len(col))


def test_entropy_hand_computed():
    df = pd.DataFrame({"b": [2.0, 4.0, 6.0], "c": [0.0, 0.0, 5.0], "a": [1.0, 2.0, 3.0]})
    w = entropy_weights(df)
    d_b = 1 - _entropy_by_hand([2, 4, 6])   # p = 1/6, 1/3, 1/2
    d_c = 1 - 0.0                           # p = 0, 0, 1: 0 ln 0 = 0, entropy 0
    d_a = d_b                               # scale invariance
    tot = d_a + d_b + d_c
    assert w.to_dict() == pytest.approx({"b": d_b / tot, "c": d_c / tot, "a": d_a / tot})
    assert w.sum() == pytest.approx(1.0)


def test_entropy_eps_shift():
    df = pd.DataFrame({"b": [2.0, 4.0, 6.0], "c": [0.0, 0.0, 5.0]})
    eps = 0.01
    w = entropy_weights(df, eps=eps)
    d_b = 1 - _entropy_by_hand([2 + eps, 4 + eps, 6 + eps])
    d_c = 1 - _entropy_by_hand([eps, eps, 5 + eps])
    assert w["c"] == pytest.approx(d_c / (d_b + d_c))


def test_entropy_missing_values_skipped():
    df = pd.DataFrame({"b": [2.0, 4.0, 6.0, np.nan], "c": [1.0, 0.0, 0.0, 5.0]})
    w = entropy_weights(df)
    d_b = 1 - _entropy_by_hand([2, 4, 6])
    d_c = 1 - _entropy_by_hand([1, 0, 0, 5])
    assert w["b"] == pytest.approx(d_b / (d_b + d_c))


def test_entropy_refusals():
    with pytest.raises(DataValidationError, match=">= 0"):
        entropy_weights(pd.DataFrame({"z": [-1.0, 0.5, 1.0], "y": [1.0, 2.0, 3.0]}))
    with pytest.raises(DataValidationError, match="sum to zero"):
        entropy_weights(pd.DataFrame({"z": [0.0, 0.0, 0.0], "y": [1.0, 2.0, 3.0]}))
    with pytest.raises(DataValidationError, match="even"):
        entropy_weights(pd.DataFrame({"z": [1.0, 1.0], "y": [3.0, 3.0]}))
    with pytest.raises(ConfigError):
        entropy_weights(pd.DataFrame({"y": [1.0, 2.0]}), eps=-1)


# ---------------------------------------------------------------- PCA
def _pca_case():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.array([1.0, -1.0, -1.0, 1.0])  # centred and orthogonal to x - mean
    return pd.DataFrame({"x": x, "x2": 2 * x + 7, "y": y})


def test_pca_pc1_hand_computed():
    # correlation matrix [[1,1,0],[1,1,0],[0,0,1]]: leading eigenvector (1,1,0)/sqrt 2
    with pytest.warns(PCAStabilityWarning, match="4 units for 3 indicators"):
        w = pca_weights(_pca_case())
    assert w.to_dict() == pytest.approx({"x": 0.5, "x2": 0.5, "y": 0.0}, abs=1e-12)


def test_pca_oecd_hand_computed():
    # eigenvalues 2, 1, 0: the first explains 2/3 >= 60%, so one factor; loadings (1, 1, 0)
    with pytest.warns(PCAStabilityWarning):
        w = pca_weights(_pca_case(), method="oecd")
    assert w.to_dict() == pytest.approx({"x": 0.5, "x2": 0.5, "y": 0.0}, abs=1e-12)


def test_pca_oecd_two_factors():
    rng = np.random.default_rng(1)
    f1, f2 = rng.normal(size=200), rng.normal(size=200)
    df = pd.DataFrame({"a": f1 + 0.1 * rng.normal(size=200), "b": f1 + 0.1 * rng.normal(size=200),
                       "c": f2 + 0.1 * rng.normal(size=200), "d": f2 + 0.1 * rng.normal(size=200)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 200 units for 4 indicators: no stability warning
        w = pca_weights(df, method="oecd")
    # two equally strong factors, two indicators each: all weights close to 1/4
    np.testing.assert_allclose(w.to_numpy(), 0.25, atol=0.03)


def test_pca_refusals():
    df = _pca_case()
    df.loc[0, "y"] = np.nan
    with pytest.raises(DataValidationError, match="complete"):
        pca_weights(df)
    with pytest.raises(ConfigError, match="pc1"):
        pca_weights(_pca_case(), method="varimax")
    with pytest.raises(DataValidationError, match="constant"):
        pca_weights(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0]}))


def test_flat_weights_carried_into_hierarchy(siis):
    rng = np.random.default_rng(0)
    flat = pd.Series(rng.uniform(0.1, 1, 17), index=siis.indicators)
    w = flat_to_hierarchy(siis, flat)
    ew = siis.effective_weights(w)
    np.testing.assert_allclose(ew.to_numpy(), (flat / flat.sum()).to_numpy())
    assert w["social"] == pytest.approx(flat[siis.children("social")].sum())
