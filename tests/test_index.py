"""The one-call engine: the report's method by hand, the SIIS frameworks, spec and rebuild, properties."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from repo import DATA, REPORT_DATA

from vitality.errors import ConfigError, DataValidationError
from vitality.index import SPEC_CHOICES, build_index, frame_sha256, read_meta_csv, rebuild
from vitality.weights import PCAStabilityWarning, entropy_weights

SIIS_META = read_meta_csv(DATA / "framework" / "siis_meta.csv")
DOMAINS_META = read_meta_csv(DATA / "framework" / "siis_domains_meta.csv")


def synthetic_siis(n=46, seed=0, ties=True):
    """46 cities x 17 indicators of counts (many ties, like the report's exhibitions)."""
    rng = np.random.default_rng(seed)
    codes = SIIS_META.loc[SIIS_META["Type"] == "Indicator", "iCode"].tolist()
    X = rng.poisson(3, size=(n, len(codes))) if ties else rng.lognormal(3, 1, size=(n, len(codes)))
    df = pd.DataFrame(X.astype(float), columns=codes)
    df.insert(0, "city", [f"city{i:02d}" for i in range(n)])
    return df


# ---------------------------------------------------------------- the report's method, by hand
def test_report_method_by_hand():
    meta = pd.DataFrame({
        "code": ["x1", "x2", "y1", "D1", "D2", "V"],
        "parent": ["D1", "D1", "D2", "V", "V", None],
    })
    data = pd.DataFrame({"x1": [0, 0, 5, 2], "x2": [10, 20, 30, 40], "y1": [1, 3, 2, 3]},
                        index=pd.Index(["a", "b", "c", "d"], name="city"))
    res = build_index(data, meta)  # defaults: rank_score, metadata weights (1 each), amean
    s = res.scores
    # x1: 0,0 share rank 1; 2 -> rank 3; 5 -> rank 4. score = rank * 100 / 4
    assert s["x1"].tolist() == [25.0, 25.0, 100.0, 75.0]
    assert s["x2"].tolist() == [25.0, 50.0, 75.0, 100.0]
    assert s["y1"].tolist() == [25.0, 75.0, 50.0, 75.0]
    assert s["D1"].tolist() == [25.0, 37.5, 87.5, 87.5]
    assert s["V"].tolist() == [25.0, 56.25, 68.75, 81.25]
    assert res.ranks["V"].tolist() == [4, 3, 2, 1]
    assert res.ranks["D1"].tolist() == [4, 3, 1, 1]  # tie, "min"
    assert res.ranks["x1"].tolist() == [3, 3, 1, 2]


def test_siis_17_indicator_framework_builds(tmp_path):
    data = synthetic_siis()
    res = build_index(data, SIIS_META, unit_col="city")
    assert res.scores.shape == (46, 17 + 4 + 1)
    assert list(res.scores.columns[-5:]) == ["social", "cultural", "economic", "political", "vitality"]
    assert res.scores.index.name == "city" and res.scores.index[0] == "city00"
    # domain score = mean of its indicators' rank scores; index = mean of the four domains
    codes = res.framework.children("cultural")
    np.testing.assert_allclose(res.scores["cultural"], res.scores[codes].mean(axis=1), rtol=1e-13)
    np.testing.assert_allclose(res.scores["vitality"],
                               res.scores[["social", "cultural", "economic", "political"]].mean(axis=1), rtol=1e-13)
    assert ((res.scores > 0) & (res.scores <= 100)).all().all()
    # the best city on an indicator with a unique maximum scores 100
    col = data["trade"]
    if (col == col.max()).sum() == 1:
        assert res.scores.loc[data.loc[col.idxmax(), "city"], "trade"] == 100.0
    json.dumps(res.spec)  # plain JSON
    assert set(SPEC_CHOICES) <= set(res.spec)
    paths = res.to_dir(tmp_path)
    back = pd.read_csv(paths["scores"], index_col="city")
    np.testing.assert_array_equal(back.to_numpy(), res.scores.to_numpy())  # unrounded, round-trip exact


def test_domain_framework_rebuilds_overall_from_published_domain_scores():
    path = REPORT_DATA / "domain_scores.csv"
    if not path.exists():
        pytest.skip("data/report/domain_scores.csv not transcribed yet")
    long = pd.read_csv(path)
    wide = long.pivot_table(index="city_zh", columns="domain", values="score", aggfunc="first")
    res = build_index(wide, DOMAINS_META, normalise="none")
    city = wide.index[0]
    row = wide.loc[city]
    assert res.scores.loc[city, "vitality"] == pytest.approx(
        (row["social"] + row["cultural"] + row["economic"] + row["political"]) / 4)
    assert res.ranks["vitality"].min() == 1 and res.ranks["vitality"].notna().all()


def test_weight_choices(recwarn):
    data = synthetic_siis(ties=False)
    base = build_index(data, SIIS_META, unit_col="city")
    eq = build_index(data, SIIS_META, unit_col="city", weights="equal_per_indicator")
    np.testing.assert_allclose(eq.scores["vitality"], base.scores[base.framework.indicators].mean(axis=1),
                               rtol=1e-13)
    ent = build_index(data, SIIS_META, unit_col="city", normalise="minmax", normalise_params={"range": (0, 1)},
                      weights="entropy", weight_params={"eps": 1e-4})
    flat = entropy_weights(ent.scores[ent.framework.indicators], eps=1e-4)
    np.testing.assert_allclose(ent.effective_weights.to_numpy(), flat.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(ent.scores["vitality"], ent.scores[flat.index].to_numpy() @ flat.to_numpy(),
                               rtol=1e-12)
    with pytest.warns(PCAStabilityWarning):
        pca = build_index(data, SIIS_META, unit_col="city", normalise="zscore", weights="pca")
    assert pca.effective_weights.sum() == pytest.approx(1.0)
    custom = build_index(data, SIIS_META, unit_col="city", weights={"economic": 2})
    assert custom.effective_weights[custom.framework.children("economic")].sum() == pytest.approx(2 / 5)
    with pytest.raises(ConfigError, match="position"):
        build_index(data, SIIS_META, unit_col="city", weights=[1] * 22)


def test_spec_rebuild_identical_and_guarded():
    data = synthetic_siis(seed=3)
    res = build_index(data, SIIS_META, unit_col="city", normalise="rank_score",
                      normalise_params={"ties": "average", "n": 46}, aggregate={2: "amean", 3: "gmean"})
    spec = json.loads(json.dumps(res.spec))  # through JSON, as from spec.json
    again = rebuild(spec, data, SIIS_META)
    pd.testing.assert_frame_equal(res.scores, again.scores, check_exact=True)
    pd.testing.assert_frame_equal(res.ranks, again.ranks, check_exact=True)
    also = build_index(data, SIIS_META, **{k: spec[k] for k in SPEC_CHOICES})
    pd.testing.assert_frame_equal(res.scores, also.scores, check_exact=True)
    changed = data.copy()
    changed.loc[0, "trade"] += 1
    with pytest.raises(ConfigError, match="sha256"):
        rebuild(spec, changed, SIIS_META)
    assert spec["data_sha256"] == frame_sha256(data) and spec["vitality_version"]


def test_units_as_index_or_column():
    data = synthetic_siis(n=10)
    a = build_index(data, SIIS_META, unit_col="city")
    b = build_index(data.set_index("city"), SIIS_META)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    with pytest.raises(ConfigError, match="no metadata row"):
        build_index(data, SIIS_META)  # 'city' is then a data column without a metadata row
    b2 = build_index(data, SIIS_META, ignore_columns=["city"])
    assert b2.scores.index[0] == "0"


def test_bad_data_refused():
    data = synthetic_siis(n=10)
    bad = data.astype({"odi": object})
    bad.loc[4, "odi"] = "n.a."
    with pytest.raises(DataValidationError, match="non-numeric") as e:
        build_index(bad, SIIS_META, unit_col="city")
    assert e.value.column == "odi" and e.value.row == 6
    dup = data.copy()
    dup.loc[3, "city"] = "city00"
    with pytest.raises(DataValidationError, match="duplicate unit"):
        build_index(dup, SIIS_META, unit_col="city")
    with pytest.raises(ConfigError, match="no data column"):
        build_index(data.drop(columns="odi"), SIIS_META, unit_col="city")
    with pytest.raises(ConfigError, match="unit column"):
        build_index(data, SIIS_META, unit_col="City")
    const = data.copy()
    const["odi"] = 1.0
    with pytest.raises(DataValidationError, match="constant"):
        build_index(const, SIIS_META, unit_col="city", normalise="minmax")
    with pytest.raises(ConfigError, match="rank_score"):
        build_index(data, SIIS_META, unit_col="city", normalise="min_max")
    with pytest.raises(ConfigError, match="amean"):
        build_index(data, SIIS_META, unit_col="city", aggregate="median")
    with pytest.raises(ConfigError, match="ties"):
        build_index(data, SIIS_META, unit_col="city", ties="best")
    twice = pd.concat([data, data[["odi"]]], axis=1)
    with pytest.raises(DataValidationError, match="duplicate data column"):
        build_index(twice, SIIS_META, unit_col="city")


def test_dist_target_uses_metadata_targets():
    meta = pd.DataFrame({"code": ["a", "b", "T"], "parent": ["T", "T", None], "direction": [1, -1, 1],
                         "target": [10.0, 2.0, np.nan]})
    data = pd.DataFrame({"a": [0.0, 5.0, 10.0], "b": [2.0, 4.0, 6.0]}, index=["p", "q", "r"])
    res = build_index(data, meta, normalise="dist_target")
    assert res.scores["a"].tolist() == pytest.approx([0.0, 0.5, 1.0])
    # b: smaller is better, target 2 -> p reaches the target, r is the worst
    assert res.scores["b"].tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert res.spec["normalise_params"]["targets"] == {"a": 10.0, "b": 2.0}


# ---------------------------------------------------------------- properties of the whole engine
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["rank_score", "minmax", "zscore", "prank"]),
       st.randoms(use_true_random=False))
def test_invariant_to_order_of_units(seed, norm, rnd):
    data = synthetic_siis(n=20, seed=seed)
    res = build_index(data, SIIS_META, unit_col="city", normalise=norm)
    perm = list(range(20))
    rnd.shuffle(perm)
    res2 = build_index(data.iloc[perm].reset_index(drop=True), SIIS_META, unit_col="city", normalise=norm)
    pd.testing.assert_frame_equal(res.scores.loc[res2.scores.index], res2.scores, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(res.ranks.loc[res2.ranks.index], res2.ranks)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.01, 100))
def test_scaling_weights_of_a_group_changes_nothing(seed, k):
    data = synthetic_siis(n=15, seed=seed, ties=False)
    base = build_index(data, SIIS_META, unit_col="city", normalise="minmax")
    w = {c: k for c in base.framework.children("economic")}
    w.update({d: k for d in base.framework.codes_at(2)})
    scaled = build_index(data, SIIS_META, unit_col="city", normalise="minmax", weights=w)
    np.testing.assert_allclose(base.scores.to_numpy(), scaled.scores.to_numpy(), rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(SIIS_META.loc[SIIS_META.Level == "1", "iCode"].tolist()))
def test_direction_flip_equals_negated_data(seed, code):
    data = synthetic_siis(n=15, seed=seed, ties=False)
    meta = SIIS_META.copy()
    meta.loc[meta.iCode == code, "Direction"] = "-1"
    flipped = build_index(data, meta, unit_col="city", normalise="minmax")
    neg = data.copy()
    neg[code] = -neg[code]
    base = build_index(neg, SIIS_META, unit_col="city", normalise="minmax")
    np.testing.assert_allclose(flipped.scores.to_numpy(), base.scores.to_numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(-50, 50), st.floats(1, 100))
def test_minmax_bounds_hold_at_every_level(seed, lo, width):
    data = synthetic_siis(n=12, seed=seed, ties=False)
    res = build_index(data, SIIS_META, unit_col="city", normalise="minmax", normalise_params={"range": (lo, lo + width)})
    A = res.scores.to_numpy()
    assert A.min() >= lo - 1e-9 and A.max() <= lo + width + 1e-9


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_improving_one_value_never_lowers_the_index(seed):
    data = synthetic_siis(n=12, seed=seed, ties=False)
    res = build_index(data, SIIS_META, unit_col="city", normalise="minmax")
    better = data.copy()
    better.loc[3, "trade"] += 10.0
    res2 = build_index(better, SIIS_META, unit_col="city", normalise="minmax")
    # the improved city's index cannot go down (others may move because min and max may move)
    assert res2.scores["vitality"].iloc[3] >= res.scores["vitality"].iloc[3] - 1e-12
    assert not math.isnan(res2.scores["vitality"].iloc[3])


def test_a_tiny_index_is_warned_about_in_python_and_once_on_the_command_line(tmp_path):
    import subprocess
    import sys
    import warnings

    from vitality.errors import TinyIndexWarning
    from vitality.index import build_index

    meta = pd.DataFrame({"iCode": ["a", "b", "Index"], "Level": [1, 1, 2], "Parent": ["Index", "Index", None],
                         "Direction": [1, 1, None], "Weight": [1, 1, 1],
                         "Type": ["Indicator", "Indicator", "Aggregate"]})
    data = pd.DataFrame({"uCode": ["x", "y"], "a": [1.0, 2.0], "b": [3.0, 1.0]})
    with pytest.warns(TinyIndexWarning, match="only 2 unit"):
        build_index(data, meta, normalise="minmax", aggregate="amean")
    with warnings.catch_warnings():
        warnings.simplefilter("error", TinyIndexWarning)
        build_index(pd.concat([data, data.assign(uCode=["z", "w"])]), meta, normalise="minmax", aggregate="amean")
    data.to_csv(tmp_path / "d.csv", index=False)
    meta.to_csv(tmp_path / "m.csv", index=False)
    res = subprocess.run([sys.executable, "-m", "vitality", "build", "--data", "d.csv", "--meta", "m.csv",
                          "--normalise", "minmax", "--aggregate", "amean", "--out", "out"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stderr.count("only 2 unit") == 1 and "TinyIndexWarning" not in res.stderr, res.stderr
