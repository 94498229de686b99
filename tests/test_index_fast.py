"""The warm build path (vitality.index) against straightforward references, and builds that follow any change.

``build_index`` keeps, per metadata sha256, the checked framework and what follows from it; it reads each table
once through a view of its blocks, aggregates from one array and builds ``ranks`` / the metadata ``weights`` on
first access.  Here the same results are computed the plain way (pandas selections, Python loops, ``rank_desc``
of the scores frame, the sha256 recipe written out) and compared exactly, and tables edited in place between
two builds must give the results of a fresh build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle

import numpy as np
import pandas as pd
import pytest
from repo import DATA, EXTERNAL_DATA

import vitality.index as ix
from vitality.framework import Framework
from vitality.index import IndexResult, build_index, clear_cache, frame_sha256, read_data_csv, read_meta_csv
from vitality.normalise import NORMALISERS
from vitality.ranking import rank_desc
from vitality.weights import resolve_weights

ASEM = EXTERNAL_DATA / "asem"
ASEM_DATA, ASEM_META = read_data_csv(ASEM / "input_ASEM_iData.csv"), read_meta_csv(ASEM / "input_ASEM_iMeta.csv")
SIIS_META = read_meta_csv(DATA / "framework" / "siis_meta.csv")


# ---------------------------------------------------------------- references
def reference_sha256(df: pd.DataFrame) -> str:
    """The recipe of ``frame_sha256`` written out with plain pandas: names, index, dtype names, the numeric
    columns as float64 bytes (one NaN pattern), the other cells as text row by row (missing -> ``\\x00NA``)."""
    h = hashlib.sha256()
    h.update(json.dumps([str(c) for c in df.columns], ensure_ascii=False).encode())
    h.update("\x1f".join(map(str, df.index.tolist())).encode())
    dtypes = list(df.dtypes)
    h.update(json.dumps([str(t) for t in dtypes]).encode())
    isnum = np.array([getattr(t, "kind", "O") in "biuf" for t in dtypes], dtype=bool)
    if isnum.any() and len(df):
        num = df.iloc[:, np.flatnonzero(isnum)].to_numpy(dtype=np.float64, na_value=np.nan)
        h.update(np.where(np.isnan(num), np.nan, num).tobytes())
    if not isnum.all():
        other = df.iloc[:, np.flatnonzero(~isnum)].to_numpy(dtype=object)
        cells = np.where(pd.isna(other), "\x00NA", other).ravel().tolist()
        try:
            text = "\x1f".join(cells)
        except TypeError:
            text = "\x1f".join(map(str, cells))
        h.update(text.encode())
    return h.hexdigest()


def _plain_sum(values) -> float:
    """Left-to-right sum, the order the engine's sorted sums add in (for two or more units)."""
    out = values[0]
    for v in values[1:]:
        out = out + v
    return out


def reference_build(data, meta, *, unit_col=None, normalise="rank_score", normalise_params=None, weights=None,
                    aggregate="amean", missing="error", min_share=None, ties="min", rank_digits=12):
    """Scores and ranks the plain way: a fresh framework, pandas selections, one Python loop per parent and unit
    (contributions and present weights sorted, then added left to right), ``rank_desc`` of the scores frame."""
    fw = Framework.from_meta(meta)
    col = unit_col or ("uCode" if "uCode" in data.columns else None)
    units = pd.Index([str(u) for u in (data[col] if col else data.index)], dtype=object,
                     name=col if col else (data.index.name or "unit"))
    X = data[fw.indicators].to_numpy(dtype=float) * fw.direction.reindex(fw.indicators).to_numpy()
    params = dict(normalise_params or {})
    N = np.asarray(NORMALISERS[normalise](pd.DataFrame(X, columns=fw.indicators), **params), dtype=float)
    w = resolve_weights(fw, weights, normalised=pd.DataFrame(N, index=units, columns=fw.indicators))
    score = {c: N[:, j] for j, c in enumerate(fw.indicators)}
    for lv in range(2, fw.n_levels + 1):
        method = aggregate if isinstance(aggregate, str) else aggregate[lv]
        k = max(len(fw.children(q)) for q in fw.codes_at(lv))            # a parent's row: k entries, zero-padded
        level_missing = any(np.isnan(score[c]).any() for c in fw.codes_at(lv - 1))
        for p in fw.codes_at(lv):
            kids = fw.children(p)
            col_p = np.full(len(units), np.nan)
            for u in range(len(units)):
                vals = [(score[c][u], float(w[c])) for c in kids if not np.isnan(score[c][u])]
                assert missing == "renormalise" or len(vals) == len(kids)
                if not vals or (min_share is not None and len(vals) < float(min_share) * len(kids) - 1e-12):
                    continue
                xs = [np.log(x) if method == "gmean" else x for x, _ in vals]
                num = _plain_sum(sorted([x * wt for x, (_, wt) in zip(xs, vals)] + [0.0] * (k - len(vals))))
                wts = sorted([wt for _, wt in vals] + [0.0] * (k - len(vals)))
                # the weights present, sorted and added left to right; with nothing missing at the level, the
                # sorted weights of the parent's row as numpy sums one contiguous row (its pairwise order)
                den = _plain_sum(wts) if level_missing else float(np.array(wts).sum())
                if den == 0:
                    continue
                col_p[u] = np.exp(num / den) if method == "gmean" else num / den
            score[p] = col_p
    scores = pd.DataFrame({c: score[c] for c in fw.order}, index=units)
    return scores, rank_desc(scores, ties, digits=rank_digits)


def _random_case(seed, n=30, nan=0.15):
    rng = np.random.default_rng(seed)
    inds = [f"i{j}" for j in range(14)]
    pillars = ["p0", "p1", "p2", "p3"]
    rows = [dict(iCode=c, Level=1, Parent=pillars[j % 4] if j < 4 else pillars[int(rng.integers(0, 4))],
                 Direction=int(rng.choice([1, -1])), Weight=float(rng.choice([1, 2, 0.3, 0.7])), Type="Indicator")
            for j, c in enumerate(inds)]
    rows += [dict(iCode=p, Level=2, Parent="s0" if j < 2 else "s1", Direction=1, Weight=float(rng.choice([1, 0.4, 3])),
                  Type="Aggregate") for j, p in enumerate(pillars)]
    rows += [dict(iCode="s0", Level=3, Parent="top", Direction=1, Weight=0.35, Type="Aggregate"),
             dict(iCode="s1", Level=3, Parent="top", Direction=1, Weight=0.65, Type="Aggregate"),
             dict(iCode="top", Level=4, Parent=None, Direction=1, Weight=1, Type="Aggregate"),
             dict(iCode="grp", Type="Group")]
    X = np.round(rng.normal(50, 10, size=(n, len(inds))), 1)
    X[rng.random(X.shape) < nan] = np.nan
    X[:, 5] = X[:, 6]
    data = pd.DataFrame(X, columns=inds)
    data.insert(0, "uCode", [f"U{i}" for i in range(n)])
    data["grp"] = rng.choice(["a", "b", None], n)
    return data, pd.DataFrame(rows)


CASES = [
    ("asem minmax", ASEM_DATA, ASEM_META, dict(normalise="minmax", normalise_params={"range": (1, 100)},
                                              missing="renormalise")),
    ("asem zscore gmean", ASEM_DATA, ASEM_META, dict(normalise="zscore", normalise_params={"mean_sd": (10, 2)},
                                                     aggregate="gmean", missing="renormalise")),
    ("asem rank min_share", ASEM_DATA, ASEM_META, dict(normalise="rank", missing="renormalise", min_share=0.8)),
    ("asem weights", ASEM_DATA, ASEM_META, dict(normalise="minmax", missing="renormalise",
                                                weights={"Physical": 3, "LPI": 0.5}, ties="dense")),
] + [(f"random {s}", *_random_case(s), dict(normalise="minmax", normalise_params={"range": (1, 100)},
                                            missing="renormalise", aggregate="gmean" if s % 2 else "amean",
                                            ties=("min", "average", "max")[s % 3])) for s in range(5)]


@pytest.mark.parametrize("name, data, meta, kw", CASES, ids=[c[0] for c in CASES])
def test_build_equals_the_plain_reference(name, data, meta, kw):
    res = build_index(data, meta, **kw)
    scores, ranks = reference_build(data, meta, **kw)
    pd.testing.assert_frame_equal(res.scores, scores, check_exact=True)
    assert np.array_equal(np.nan_to_num(res.scores.to_numpy()).view(np.int64),
                          np.nan_to_num(scores.to_numpy()).view(np.int64)), "not the same bits"
    pd.testing.assert_frame_equal(res.ranks, ranks, check_exact=True)
    assert res.ranks.index is res.scores.index
    assert res.spec["data_sha256"] == reference_sha256(data) and res.spec["meta_sha256"] == reference_sha256(meta)
    pd.testing.assert_series_equal(res.weights, resolve_weights(Framework.from_meta(meta), kw.get("weights")))


def _sha_frames():
    x = np.linspace(0, 1, 7)
    x[2] = np.nan
    yield "floats and text", pd.DataFrame({"u": list("abcdefg"), "x": x, "t": ["p", None, "q", "r", "s", "t", "u"]})
    yield "str dtype", pd.DataFrame({"u": pd.array(list("abcdefg"), dtype="str"), "x": x})
    yield "pd.NA and numbers in text", pd.DataFrame({"t": pd.array(["a", pd.NA, "c"], dtype=object),
                                                     "n": pd.array([1, "2", 3.5], dtype=object), "x": [1.0, 2, 3]})
    yield "None only", pd.DataFrame({"t": [None, None], "x": [1.0, 2.0]})
    yield "nullable ints, bools", pd.DataFrame({"i": pd.array([1, None, 3], dtype="Int64"), "b": [True, False, True]})
    yield "duplicate names, int names", pd.DataFrame(np.arange(6.0).reshape(2, 3), columns=["a", "a", 1])
    yield "string index", pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index(["u1", "u2"], name="city"))
    yield "text only", pd.DataFrame({"a": ["x", np.nan], "b": ["y", "z"]}).astype("str")
    yield "asem data", ASEM_DATA
    yield "asem meta", ASEM_META
    yield "siis meta", SIIS_META


@pytest.mark.parametrize("name, df", list(_sha_frames()), ids=[n for n, _ in _sha_frames()])
def test_sha256_equals_the_written_out_recipe(name, df):
    assert frame_sha256(df) == reference_sha256(df)
    assert frame_sha256(df) == frame_sha256(df.copy())      # memoised parts give the same hash again


def _edit_data(df):
    df.loc[3, "LPI"] = df.loc[3, "LPI"] + 1.0


def _edit_unit(df):
    df.loc[0, "uCode"] = "ZZZ"


def _edit_to_missing(df):
    df.loc[5, ["Flights", "Ship"]] = np.nan


def _edit_names(df):
    df.columns = ["uName2" if c == "uName" else c for c in df.columns]


@pytest.mark.parametrize("edit", [_edit_data, _edit_unit, _edit_to_missing, _edit_names])
def test_data_edited_in_place_between_builds(edit):
    kw = dict(normalise="minmax", normalise_params={"range": (1, 100)}, missing="renormalise",
              ignore_columns=["uName2"])
    data = ASEM_DATA.copy()
    first = build_index(data, ASEM_META, **kw)
    edit(data)                                   # the same object, changed in place
    again = build_index(data, ASEM_META, **kw)
    fresh = build_index(data.copy(deep=True), ASEM_META.copy(deep=True), **kw)
    assert again.spec["data_sha256"] != first.spec["data_sha256"]
    assert again.spec == fresh.spec
    pd.testing.assert_frame_equal(again.scores, fresh.scores, check_exact=True)
    pd.testing.assert_frame_equal(again.ranks, fresh.ranks, check_exact=True)
    changed = not first.scores.equals(again.scores) or not first.scores.index.equals(again.scores.index)
    assert changed or edit is _edit_names


@pytest.mark.parametrize("cell, value", [("Weight", "3"), ("Direction", "-1"), ("Parent", "ConEcFin")])
def test_metadata_edited_in_place_between_builds(cell, value):
    kw = dict(normalise="minmax", normalise_params={"range": (1, 100)}, missing="renormalise")
    meta = ASEM_META.copy()
    first = build_index(ASEM_DATA, meta, **kw)
    row = int(np.flatnonzero((meta["iCode"] == "LPI").to_numpy())[0])
    meta.loc[row, cell] = value                  # the same object, changed in place
    again = build_index(ASEM_DATA, meta, **kw)
    clear_cache()
    fresh = build_index(ASEM_DATA, meta.copy(deep=True), **kw)
    assert again.spec["meta_sha256"] != first.spec["meta_sha256"] and again.spec == fresh.spec
    assert not again.scores.equals(first.scores)
    pd.testing.assert_frame_equal(again.scores, fresh.scores, check_exact=True)
    pd.testing.assert_frame_equal(again.ranks, fresh.ranks, check_exact=True)
    pd.testing.assert_series_equal(again.weights, fresh.weights)


def test_results_do_not_share_what_a_caller_can_change():
    kw = dict(normalise="minmax", missing="renormalise")
    a = build_index(ASEM_DATA, ASEM_META, **kw)
    b = build_index(ASEM_DATA, ASEM_META, **kw)
    expected = rank_desc(b.scores)
    a.scores.iloc[0, :] = -1.0                   # before a's ranks are first read
    a.scores.columns.name = "edited"
    a.spec["resolved_weights"]["LPI"] = 99.0
    pd.testing.assert_frame_equal(a.ranks, expected, check_exact=True)   # ranked as built
    a.weights.iloc[0] = 5.0
    assert b.scores.columns.name is None and b.spec["resolved_weights"]["LPI"] == 1.0
    pd.testing.assert_frame_equal(b.ranks, expected, check_exact=True)
    assert b.weights.iloc[0] == 1.0
    assert build_index(ASEM_DATA, ASEM_META, **kw).weights.iloc[0] == 1.0


def test_lazy_fields_look_like_plain_ones():
    res = build_index(ASEM_DATA, ASEM_META, normalise="minmax", missing="renormalise")
    eager = IndexResult(scores=res.scores, ranks=rank_desc(res.scores), spec=res.spec, framework=res.framework,
                        weights=resolve_weights(res.framework, None))
    assert repr(res) == repr(eager)
    assert [(f.name, f.repr, f.default) for f in dataclasses.fields(IndexResult)] == [
        ("scores", True, dataclasses.MISSING), ("ranks", True, dataclasses.MISSING),
        ("spec", True, dataclasses.MISSING), ("framework", True, dataclasses.MISSING),
        ("weights", False, dataclasses.MISSING)]
    with pytest.raises(TypeError):
        IndexResult(scores=res.scores)           # every field still required
    back = pickle.loads(pickle.dumps(build_index(ASEM_DATA, ASEM_META, normalise="minmax", missing="renormalise")))
    pd.testing.assert_frame_equal(back.ranks, eager.ranks, check_exact=True)
    pd.testing.assert_series_equal(back.weights, eager.weights)
    other = dataclasses.replace(res, spec={})
    pd.testing.assert_frame_equal(other.ranks, eager.ranks, check_exact=True)


def test_one_and_two_units_aggregate_as_the_sorted_numpy_sum():
    """With one unit the sums run over a contiguous row (numpy's pairwise order), with more left to right:
    both as the engine always did (aggregate of a plain array, one parent)."""
    from vitality.aggregate import aggregate
    rng = np.random.default_rng(3)
    for n in (1, 2, 5):
        X = rng.normal(size=(n, 11)) * 10.0 ** rng.integers(-3, 3, (n, 11))
        w = rng.random(11)
        got = aggregate(X, w)
        C = X * w
        if n == 1:
            expected = np.sort(C, axis=1).sum(axis=1) / np.sort(w).sum()
        else:
            expected = np.array([_plain_sum(sorted(r)) for r in C.tolist()]) / np.sort(w).sum()
        assert np.array_equal(got, expected), n


def test_the_plan_is_kept_by_content():
    clear_cache()
    kw = dict(normalise="minmax", missing="renormalise")
    build_index(ASEM_DATA, ASEM_META, **kw)
    build_index(ASEM_DATA, ASEM_META.copy(deep=True), **kw)       # another object, the same content
    assert len(ix._FRAMEWORK_CACHE) == 1
    fw_a = build_index(ASEM_DATA, ASEM_META, **kw).framework
    _ = fw_a.add_weight_set("mine", {"Physical": 2})
    assert "mine" not in build_index(ASEM_DATA, ASEM_META, **kw).framework.weight_sets


def test_sha256_of_the_same_text_and_other_numbers_is_hashed_afresh():
    # the digest memo keys on the names, index, dtypes and cells text, and compares the numeric bytes: a table
    # with the same text but other numbers (in place, a copy, only a NaN, or -0.0 for 0.0) is hashed again
    df = ASEM_DATA.copy()
    seen = {frame_sha256(df)}
    assert frame_sha256(df) == reference_sha256(df)
    for edit in (lambda t: t.loc.__setitem__((0, "LPI"), t.loc[0, "LPI"] + 1e-9),
                 lambda t: t.loc.__setitem__((1, "Flights"), np.nan),
                 lambda t: t.loc.__setitem__((2, "Ship"), -0.0 if t.loc[2, "Ship"] == 0 else 0.0),
                 lambda t: t.loc.__setitem__((0, "uName"), t.loc[0, "uName"] + "x")):
        edit(df)
        got = frame_sha256(df)
        assert got == reference_sha256(df) == frame_sha256(df.copy(deep=True)) and got not in seen
        seen.add(got)


def test_level_plans_follow_the_weights():
    # what an aggregation step keeps of (child indices, weights) is keyed by their content: other weights of the
    # same framework, a dict of weights edited between builds, give the results of a fresh build
    kw = dict(normalise="minmax", normalise_params={"range": (1, 100)}, missing="renormalise")
    w = {"Physical": 3.0, "LPI": 0.5}
    first = build_index(ASEM_DATA, ASEM_META, weights=w, **kw)
    w["Physical"] = 0.25
    again = build_index(ASEM_DATA, ASEM_META, weights=w, **kw)
    ix._FRAMEWORK_CACHE.clear()
    import importlib
    importlib.import_module("vitality.aggregate")._LEVEL_PLANS.clear()
    fresh = build_index(ASEM_DATA, ASEM_META, weights=dict(w), **kw)
    assert not again.scores.equals(first.scores)
    pd.testing.assert_frame_equal(again.scores, fresh.scores, check_exact=True)
    ref, _ = reference_build(ASEM_DATA, ASEM_META, weights=dict(w), **kw)
    np.testing.assert_array_equal(again.scores.to_numpy(), ref.to_numpy())


def test_indicator_matrix_positions_follow_the_columns():
    # the positions of the codes in the numeric block are kept by (column names, numeric flags, codes): a table
    # with its columns in another order, or a code turned to text, gives its own columns (or the error)
    codes = ["LPI", "Flights", "Ship"]
    want = ASEM_DATA[codes].to_numpy(dtype=float)
    np.testing.assert_array_equal(ix.indicator_matrix(ASEM_DATA, codes), want)
    swapped = ASEM_DATA[["uCode", "Ship", "LPI", "Flights"]]
    np.testing.assert_array_equal(ix.indicator_matrix(swapped, codes), want)
    np.testing.assert_array_equal(ix.indicator_matrix(ASEM_DATA, codes), want)
    text = ASEM_DATA.assign(Ship=ASEM_DATA["Ship"].map(lambda v: f"{v}x"))
    with pytest.raises(ix.DataValidationError):
        ix.indicator_matrix(text, codes)
