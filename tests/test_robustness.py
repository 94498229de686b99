"""Uncertainty and sensitivity analysis (vitality.robustness, vitality.robustness_cli)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from repo import DATA, EXTERNAL_DATA

from vitality.errors import ConfigError
from vitality.index import build_index, read_data_csv, read_meta_csv
from vitality.normalise import TIES
from vitality.robustness import (
    Choices,
    RobustnessModel,
    rank_quantiles_from_counts,
    run_analysis,
    sensitivity_analysis,
    uncertainty_analysis,
)
from vitality.robustness_cli import main as cli_main
from vitality.siis import data

ASEM_DATA = EXTERNAL_DATA / "asem" / "input_ASEM_iData.csv"
ASEM_META = EXTERNAL_DATA / "asem" / "input_ASEM_iMeta.csv"
DOMAINS_META = DATA / "framework" / "siis_domains_meta.csv"


@pytest.fixture(scope="module")
def asem():
    return read_data_csv(ASEM_DATA), read_meta_csv(ASEM_META)


@pytest.fixture(scope="module")
def cities():
    return data.load_domain_scores(), read_meta_csv(DOMAINS_META)


def _replication_by_engine(model: RobustnessModel, sample, r: int, data, meta, unit_col=None):
    """build_index with the choices of replication r (the reference the vectorised path must equal)."""
    ch = model.choices
    fw = model.framework
    norm, ties, agg = ch.normalise[sample.normalise[r]], ch.ties[sample.ties[r]], ch.aggregate[sample.aggregate[r]]
    weights = {c: float(sample.weights[r, i]) for i, c in enumerate(model.order) if c != fw.top}
    ignore = ()
    if sample.drop[r] >= 0:
        code = fw.indicators[sample.drop[r]]
        key = "iCode" if "iCode" in meta.columns else "code"
        meta = meta[meta[key] != code]
        del weights[code]
        ignore = (code,)
    return build_index(data, meta, unit_col=unit_col, normalise=norm, normalise_params=ch.params_for(norm, ties),
                       weights=weights, aggregate=agg, missing=model.missing, min_share=model.min_share,
                       ties=model.rank_ties, ignore_columns=ignore)


# ---------------------------------------------------------------------------- exactness
def test_nominal_replication_equals_build_index_cities(cities):
    ds, meta = cities
    m = RobustnessModel(ds, meta, Choices(normalise=("none", "rank", "minmax"), aggregate=("amean", "gmean")))
    s = m.nominal_sample(2)
    ref = build_index(ds, meta, normalise="none")
    assert np.array_equal(m.scores(s)[0, :, -1], ref.scores["vitality"].to_numpy())
    assert np.array_equal(m.ranks(s)[1, :, -1], ref.ranks["vitality"].to_numpy(dtype=float))


def test_nominal_replication_equals_build_index_asem(asem):
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("minmax", "zscore"), aggregate=("gmean", "amean")),
                        missing="renormalise", min_share=0.5)
    ref = build_index(data, meta, normalise="minmax", normalise_params={"range": (1, 100)}, aggregate="gmean",
                      missing="renormalise", min_share=0.5)
    s = m.nominal_sample(1)
    assert np.array_equal(m.scores(s)[0], ref.scores[m.aggregates].to_numpy(), equal_nan=True)
    assert np.array_equal(m.ranks(s)[0], ref.ranks[m.aggregates].to_numpy(dtype=float, na_value=np.nan),
                          equal_nan=True)


def test_sampled_replications_equal_build_index_asem(asem):
    """Every replication -- perturbed weights, other normalisers, a dropped indicator -- is exactly build_index."""
    data, meta = asem
    ch = Choices(normalise=("minmax", "zscore", "rank"), ties=("min", "average"), aggregate=("amean", "gmean"),
                 drop=True)
    m = RobustnessModel(data, meta, ch, missing="renormalise", min_share=0.6)
    s = m.sample(40, seed=7)
    S, R = m.scores(s), m.ranks(s)
    assert (s.drop >= 0).any() and len(np.unique(s.normalise)) == 3
    for r in range(0, 40, 3):
        ref = _replication_by_engine(m, s, r, data, meta)
        assert np.array_equal(S[r], ref.scores[m.aggregates].to_numpy(), equal_nan=True), r
        assert np.array_equal(R[r], ref.ranks[m.aggregates].to_numpy(dtype=float, na_value=np.nan),
                              equal_nan=True), r


def test_dirichlet_weights(cities):
    ds, meta = cities
    m = RobustnessModel(ds, meta, Choices(weights="dirichlet", concentration=40))
    s = m.sample(4000, seed=3)
    W = s.weights[:, :4]
    assert np.allclose(W.sum(axis=1), 4.0)           # shares of the nominal group total (4 x 1)
    assert np.allclose(W.mean(axis=0), 1.0, atol=0.03)
    assert W.std(axis=0).min() > 0.1


# ---------------------------------------------------------------------------- rank statistics
def test_quantiles_from_counts_match_numpy():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 9, size=(5, 301))
    x[0, :] = 4
    vals = np.arange(1, 9)
    counts = np.stack([(x == v).sum(axis=1) for v in vals], axis=1)
    q = [0.05, 0.5, 0.95, 0.0, 1.0, 0.37]
    got = rank_quantiles_from_counts(counts, vals.astype(float), q)
    assert np.allclose(got, np.quantile(x, q, axis=1).T)
    assert np.isnan(rank_quantiles_from_counts(np.zeros((1, 8), int), vals.astype(float), 0.5)).all()


def test_zero_perturbation_intervals_are_the_nominal_rank(asem):
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(weights="uniform", perturbation=0.0), missing="renormalise")
    assert m.inputs == []
    res = uncertainty_analysis(m, 200, seed=1)
    t = res.rank_stats
    for col in ("median", "q05", "q95", "min", "max"):
        assert (t[col] == t["nominal_rank"]).all(), col
    assert (t["p_nominal"] == 1).all()
    assert res.headline()["share_within_band"] == 1.0
    assert (res.replications["mean_abs_rank_shift"] == 0).all()


def test_intervals_widen_with_perturbation(cities):
    ds, meta = cities
    widths, shifts = [], []
    for p in (0.0, 0.1, 0.3, 0.6):
        m = RobustnessModel(ds, meta, Choices(normalise=("none",), perturbation=p))
        res = uncertainty_analysis(m, 2000, seed=11)
        t = res.rank_stats
        if p == 0:  # no perturbation: every interval collapses onto the nominal rank
            assert (t["q05"] == t["nominal_rank"]).all() and (t["q95"] == t["nominal_rank"]).all()
        widths.append((t["q95"] - t["q05"]).mean())
        shifts.append(res.replications["mean_abs_rank_shift"].mean())
    assert widths[0] == 0
    assert all(a < b for a, b in zip(widths, widths[1:])), widths
    assert all(a < b for a, b in zip(shifts, shifts[1:])), shifts


def test_rank_stats_layout(asem):
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("minmax", "rank"), aggregate=("amean", "gmean")),
                        missing="renormalise")
    res = uncertainty_analysis(m, 300, seed=2, band=3, top=5)
    t = res.rank_stats
    assert list(t.columns) == ["level", "code", "unit", "nominal_rank", "median", "q05", "q95", "min", "max", "mean",
                               "p_nominal", "p_top5", "within_3", "n"]
    assert t["code"].iloc[0] == "Index" and t["code"].nunique() == 11 and len(t) == 11 * 51
    assert (t["min"] <= t["q05"]).all() and (t["q05"] <= t["median"]).all() and (t["median"] <= t["q95"]).all()
    assert (t["q95"] <= t["max"]).all() and t["p_top5"].between(0, 1).all() and (t["n"] == 300).all()
    top = t[t["code"] == "Index"]
    assert list(top["nominal_rank"]) == sorted(top["nominal_rank"])
    assert len(res.replications) == 300 and res.replications["replication"].tolist() == list(range(1, 301))


# ---------------------------------------------------------------------------- sensitivity
def test_sensitivity_of_a_choice_that_cannot_matter_is_zero(cities):
    ds, meta = cities
    # ties only acts on rank-based normalisers: with min-max it cannot change anything
    m = RobustnessModel(ds, meta, Choices(normalise=("minmax",), ties=("min", "average"),
                                          aggregate=("amean", "gmean")))
    sa = sensitivity_analysis(m, 256, seed=5)
    t = sa.table
    assert set(t["input"]) == {"ties", "aggregate", "weights_L1"}
    ties = t[t["input"] == "ties"]
    assert np.allclose(ties[["S1", "ST"]].to_numpy(), 0, atol=1e-12)
    shift = sa.for_output()
    assert shift.loc["aggregate", "ST"] > 0.1 and shift.loc["weights_L1", "ST"] > 0.05
    assert (t["unit"] != "").sum() == 46 * 3            # per city, every input
    beijing = t[(t["unit"] == "北京")]
    assert np.allclose(beijing[["S1", "ST"]].to_numpy(), 0)   # Beijing is first whatever the choices
    assert sa.spec["n_runs"] == 256 * (3 + 2)


def test_sensitivity_of_one_input_made_of_several_weights(asem):
    # one uncertain input, a group of 8 weights: one AB row per base point (SALib's sample ignored the
    # group, made 8, and the analysis refused the runs)
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("minmax",), aggregate=("amean",), weight_levels=(2,)),
                        missing="renormalise")
    sa = sensitivity_analysis(m, 32, seed=1, per_unit=False)
    assert sa.spec["n_runs"] == 32 * 3 and sa.table["input"].tolist() == ["weights_L2"]
    assert sa.table["ST"].iloc[0] > 0.5


def test_sensitivity_without_units_is_the_first_output_of_the_full_table(cities):
    ds, meta = cities
    m = RobustnessModel(ds, meta, Choices(normalise=("minmax", "rank"), aggregate=("amean", "gmean")))
    full = sensitivity_analysis(m, 64, seed=3).table
    alone = sensitivity_analysis(m, 64, seed=3, per_unit=False).table
    pd.testing.assert_frame_equal(alone, full[full["output"] == "mean_abs_rank_shift"].reset_index(drop=True))


def test_sensitivity_requires_power_of_two(cities):
    ds, meta = cities
    m = RobustnessModel(ds, meta)
    with pytest.raises(ConfigError, match="power of 2"):
        sensitivity_analysis(m, 1000)


# ---------------------------------------------------------------------------- files and command
def test_same_seed_same_bytes(tmp_path, asem):
    data, meta = asem
    kw = dict(n=120, choices=Choices(normalise=("minmax", "rank"), aggregate=("amean", "gmean"), drop=True),
              sa_n=64, missing="renormalise")
    run_analysis(data, meta, seed=9, out_dir=tmp_path / "a", **kw)
    run_analysis(data, meta, seed=9, out_dir=tmp_path / "b", **kw)
    run_analysis(data, meta, seed=10, out_dir=tmp_path / "c", **kw)
    names = ["rank_stats.csv", "replications.csv", "sensitivity.csv", "summary.json"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "replications.csv").read_bytes() != (tmp_path / "c" / "replications.csv").read_bytes()


def test_cli_writes_files_and_reports_errors(tmp_path, cities, capsys):
    ds, _ = cities
    data = tmp_path / "cities.csv"
    ds.to_csv(data, lineterminator="\n")
    out = tmp_path / "out"
    argv = ["--data", str(data), "--meta", str(DOMAINS_META), "--n", "500", "--seed", "1", "--out", str(out),
            "--normalise", "none", "rank", "--sa-n", "64", "--save-replications"]
    assert cli_main(argv) == 0
    assert "stay within ±2 places" in capsys.readouterr().out
    for name in ("rank_stats.csv", "replications.csv", "sensitivity.csv", "summary.json"):
        assert (out / name).is_file()
    stats = pd.read_csv(out / "rank_stats.csv")
    assert stats["unit"].iloc[0] == "北京" and len(stats) == 46
    reps = pd.read_csv(out / "replications.csv")
    assert list(reps.columns[:5]) == ["replication", "normalise", "ties", "aggregate", "drop"]
    assert {"w_social", "w_political", "mean_abs_rank_shift"} <= set(reps.columns) and len(reps) == 500
    # min-max to 0..100 gives zeros, which the geometric mean cannot take: a clear error, exit code 2
    bad = argv + ["--normalise", "minmax", "--range", "0", "100"]
    assert cli_main(bad) == 2
    assert "gmean" in capsys.readouterr().err


def test_cli_registered_in_main_parser():
    cli = pytest.importorskip("vitality.cli")
    parser = cli.build_parser()
    args = parser.parse_args(["uncertainty", "--data", "d.csv", "--meta", "m.csv", "--out", "o"])
    assert args.n == 1000 and args.seed == 2015 and args.normalise == ["minmax", "zscore", "rank"]


# ---------------------------------------------------------------------------- property test
@st.composite
def small_index(draw):
    n_units = draw(st.integers(4, 10))
    n_groups = draw(st.integers(2, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(n_groups)]
    three_levels = draw(st.booleans())
    rows = []
    codes = []
    for g, k in enumerate(sizes):
        for j in range(k):
            code = f"i{g}{j}"
            codes.append(code)
            rows.append({"iCode": code, "Level": 1, "Parent": f"g{g}", "Direction": draw(st.sampled_from([1, -1])),
                         "Weight": draw(st.sampled_from([1.0, 2.0, 0.5])), "Type": "Indicator"})
    for g in range(n_groups):
        parent = ("s0" if g < 2 else "s1") if three_levels else "top"
        rows.append({"iCode": f"g{g}", "Level": 2, "Parent": parent, "Direction": 1,
                     "Weight": draw(st.sampled_from([1.0, 2.0])), "Type": "Aggregate"})
    if three_levels:
        for s in sorted({("s0" if g < 2 else "s1") for g in range(n_groups)}):
            rows.append({"iCode": s, "Level": 3, "Parent": "top", "Direction": 1, "Weight": 1.0, "Type": "Aggregate"})
    rows.append({"iCode": "top", "Level": 4 if three_levels else 3, "Parent": None, "Direction": 1, "Weight": 1.0,
                 "Type": "Aggregate"})
    meta = pd.DataFrame(rows)
    vals = draw(st.lists(st.integers(0, 4), min_size=n_units * len(codes), max_size=n_units * len(codes)))
    X = np.asarray(vals, dtype=float).reshape(n_units, len(codes))
    if draw(st.booleans()):  # a few missing values
        holes = draw(st.lists(st.tuples(st.integers(0, n_units - 1), st.integers(0, len(codes) - 1)), max_size=4))
        for i, j in holes:
            X[i, j] = np.nan
    data = pd.DataFrame(X, columns=codes, index=pd.Index([f"u{i}" for i in range(n_units)], name="unit"))
    return data, meta


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(idx=small_index(), norms=st.lists(st.sampled_from(["rank", "rank_score", "minmax", "zscore"]), min_size=1,
                                         max_size=3, unique=True),
       ties=st.lists(st.sampled_from(list(TIES)), min_size=1, max_size=2, unique=True),
       gmean=st.booleans(), drop=st.booleans(), p=st.sampled_from([0.0, 0.25, 0.9]),
       min_share=st.sampled_from([None, 0.5, 0.75]), seed=st.integers(0, 2 ** 16))
def test_property_small_random_indices(idx, norms, ties, gmean, drop, p, min_share, seed):
    """Random small frameworks (2-3 aggregate levels, ties, missing values, drops): every replication is
    exactly build_index with its choices, and the rank statistics are consistent."""
    data, meta = idx
    assume((data.nunique() > 1).all())          # min-max and z-scores refuse constant columns
    has_nan = bool(data.isna().any().any())
    ch = Choices(normalise=tuple(norms), ties=tuple(ties), aggregate=("amean", "gmean") if gmean else ("amean",),
                 perturbation=p, drop=drop)
    m = RobustnessModel(data, meta, ch, missing="renormalise" if has_nan else "error",
                        min_share=min_share if has_nan else None)
    n_units = len(data)
    # nominal replication == build_index
    s0 = m.nominal_sample(1)
    assert np.array_equal(m.ranks(s0)[0], m.nominal_ranks, equal_nan=True)
    # random replications == build_index with the same choices
    s = m.sample(12, seed=seed)
    R = m.ranks(s)
    for r in (0, 5, 11):
        ref = _replication_by_engine(m, s, r, data, meta)
        assert np.array_equal(R[r], ref.ranks[m.aggregates].to_numpy(dtype=float, na_value=np.nan),
                              equal_nan=True), r
    # rank statistics are consistent
    res = uncertainty_analysis(m, 60, seed=seed)
    t = res.rank_stats
    assert len(t) == n_units * len(m.aggregates)
    t = t[t["n"] > 0]                           # a unit always missing (min_share) has no rank
    assert t[["min", "q05", "median", "q95", "max"]].apply(lambda c: c.between(1, n_units)).all().all()
    assert (t["min"] <= t["q05"]).all() and (t["q05"] <= t["median"]).all() and (t["median"] <= t["q95"]).all()
    assert (t["q95"] <= t["max"]).all() and t["p_nominal"].between(0, 1).all()
    if not m.inputs:
        assert (t["median"] == t["nominal_rank"]).all()


# ---------------------------------------------------------------------------- reading the results
def test_top_places_statements_and_figures(cities):
    import matplotlib


    ds, meta = cities
    published = data.load_rankings()["overall"]
    m = RobustnessModel(ds, meta, Choices(normalise=("none", "rank"), aggregate=("amean", "gmean")))
    ua = uncertainty_analysis(m, 2000, seed=4)
    sa = sensitivity_analysis(m, 128, seed=4)
    counts = ua.rank_counts()
    assert counts.shape == (46, 46) and (counts.sum(axis=1) == 2000).all()
    within = ua.share_within(published, band=0)
    stats = ua.rank_stats.set_index("unit")
    nominal_is_published = stats["nominal_rank"] == published.reindex(stats.index)
    assert (within[nominal_is_published[nominal_is_published].index] > 0).all()
    places = report_rb.top_places(ua, published, sa, top=10, band=1, prob=0.9)
    assert list(places.index[:3]) == ["北京", "上海", "广州"] and len(places) == 10
    assert set(places["category"]) <= set(report_rb.PLACE_CATEGORIES)
    assert places.loc["北京", "category"] == "solid" and places.loc["北京", "driver"] == ""
    weak = places[places["category"] == "depends on the choices"]
    assert (weak["p_top"] < 0.9).all()
    rivals = report_rb.contenders(ua, published, top=10, min_share=0.05)
    assert (rivals["published_rank"] > 10).all() and (rivals["p_top"] >= 0.05).all()
    text = report_rb.robustness_statements(places, rivals, n=2000, names={"weights_L1": "the domain weights"}, sep=", ")
    assert "**Solid**" in text and "北京 (1)" in text and "weights of level" not in text
    ax = plots.plot_rank_intervals(ua.rank_stats, published=published, lang="en")
    assert len(ax.get_yticklabels()) == 46
    ax1, ax2 = plots.plot_sensitivity(sa, units=places.index, input_labels={"weights_L1": "domain weights"})
    assert [t.get_text() for t in ax1.get_xticklabels()] == ["normalisation", "aggregation", "domain weights"]
    matplotlib.pyplot.close("all")


# ---------------------------------------------------------------------------- notebook 07 tables and words
from types import SimpleNamespace

import vitality.robustness as rb
from vitality import plots
from vitality.siis import robustness as report_rb


def _rank_stats():
    # the index rows first (code "idx"), then one domain; widths q95 - q05: a 0, b 3, c 3, d 1; dom rows 0
    return pd.DataFrame({
        "code": ["idx"] * 4 + ["dom"] * 2, "unit": ["a", "b", "c", "d", "a", "b"],
        "nominal_rank": [1, 2, 3, 4, 1, 2], "median": [1, 2.5, 3, 4, 1, 2], "q05": [1, 1, 2, 3, 1, 2],
        "q95": [1, 4, 5, 4, 1, 2], "min": [1, 1, 1, 3, 1, 2], "max": [1, 4, 5, 4, 1, 2],
        "p_top2": [1.0, 0.6, 0.3, 0.0, 1.0, 1.0]})


def test_rank_stats_table_widest_and_interval_labels():
    ua = SimpleNamespace(rank_stats=_rank_stats())
    t = report_rb.rank_stats_table(ua, pd.Series({"a": 2, "b": 1, "c": 3}))
    assert t["published_rank"].iloc[:3].tolist() == [2, 1, 3] and t["published_rank"].iloc[4] == 2
    assert np.isnan(t["published_rank"].iloc[3])                      # d: no published rank
    w = report_rb.widest_intervals(t, 3)
    assert w["unit"].tolist() == ["b", "c", "d"]                      # width 3, 3 (by nominal rank), 1
    assert w.columns.tolist() == ["unit", "published_rank", "nominal_rank", "median", "q05", "q95", "min", "max",
                                  "p_top2"]
    assert report_rb.interval_labels(t, ["c", "a"], {"a": "A", "c": "C"}) == {"c": "C (2–5)", "a": "A (1–1)"}
    assert report_rb.interval_labels(t, ["b"], {"b": "B"}, code="dom") == {"b": "B (2–2)"}


def test_verdict_table_marks_published_outside_interval():
    published = pd.Series({"a": 1, "b": 4, "c": 6, "d": 3})
    nominal = pd.Series({"a": 1, "b": 2, "c": 3, "d": 4})
    v = report_rb.verdict_table(published, nominal, _rank_stats())
    assert v.index.name == "city" and v.columns.tolist() == ["published", "reproduced", "difference", "status",
                                                             "median", "q05", "q95", "published_in_interval"]
    assert v["published_in_interval"].tolist() == [True, True, False, True]      # c: 6 > 5
    assert v["status"].tolist() == ["match", "differs", "differs", "differs"]
    assert v.loc["b", "median"] == 2.5


def _ua_stub(counts, top_code="idx", headline="H."):
    return SimpleNamespace(model=SimpleNamespace(framework=SimpleNamespace(top=top_code)),
                           rank_counts=lambda code=None: counts, headline_text=lambda noun="units": headline + noun)


def test_sensitivity_units_published_top_then_contenders():
    # ranks 1..4 over 10 replications; top 2: a, b always in it, c and d never
    counts = pd.DataFrame([[6, 4, 0, 0], [4, 6, 0, 0], [0, 0, 5, 5], [0, 0, 5, 5]], index=list("abcd"),
                          columns=[1.0, 2.0, 3.0, 4.0])
    ua = _ua_stub(counts)
    published = pd.Series({"a": 2, "b": 1, "c": 3, "d": 4})
    assert report_rb.sensitivity_units(ua, published, top=2, min_share=0.1) == ["b", "a"]
    counts.loc["c"] = [3, 2, 5, 0]                                    # c now reaches the top 2 in 5 of 10
    assert report_rb.sensitivity_units(ua, published, top=2, min_share=0.1) == ["b", "a", "c"]
    assert report_rb.sensitivity_units(ua, published, top=2, min_share=0.6) == ["b", "a"]


def test_inputs_and_main_input_messages():
    model = SimpleNamespace(inputs=["aggregate", "weights_L1"], choices=Choices(normalise=("none", "rank"),
                                                                              aggregate=("amean", "gmean")))
    msg = report_rb.inputs_message(model, {"x": 0.5}, {"weights_L1": "the domain weights"})
    assert msg == ("**Uncertain inputs:** the aggregation method, the domain weights; nominal choices: none / amean / "
                   "weights x 0.5.")
    assert report_rb.inputs_message(SimpleNamespace(inputs=[], choices=Choices()), {}).startswith("**Uncertain inputs:** none;")
    table = pd.DataFrame({"output": ["mean_abs_rank_shift"] * 2 + ["rank"], "unit": ["", "", "a"],
                          "input": ["aggregate", "weights_L1", "aggregate"], "S1": [0.1, 0.5, 0.9],
                          "ST": [0.2, 0.7, 0.95]})
    sa = rb.SensitivityResult(table=table, spec={"n_runs": 4096})
    assert report_rb.main_input_message(sa) == ("Over all cities, the ranks move most with **the weights of level 1** "
                                         "(ST = 0.70); estimated on 4,096 replications.")


def test_robustness_message_by_hand():
    places = pd.DataFrame({"category": [report_rb.PLACE_CATEGORIES[0], report_rb.PLACE_CATEGORIES[2]]}, index=["a", "b"])
    verdict = pd.DataFrame({"published_in_interval": [True, False, False]}, index=["a", "b", "c"])
    ua = _ua_stub(None, headline="H ")
    msg = report_rb.robustness_message(ua, places, verdict, top=2, label={"a": "A", "b": "B", "c": "C"}, sep=", ",
                                max_listed=1)
    assert msg == ("**Robustness.** H cities Of the report's top 2 (the same categories as section 4): solid: 1 (A); "
                   "depends on the choices: 1 (B). For 2 city(ies) the published "
                   "rank lies outside the 5–95 % interval (B …): at most 5 % of the replications give exactly the "
                   "published place.")
    verdict["published_in_interval"] = True
    assert report_rb.robustness_message(ua, places.iloc[:0], verdict).endswith(
        "(the same categories as section 4): none. Every published rank lies inside its 5–95 % interval.")


# ---------------------------------------------------------------------------- scale and speed (#14)
def test_cli_defaults_skip_sobol_and_replications_and_flags_bring_them_back(tmp_path, cities):
    import gzip
    ds, _ = cities
    data = tmp_path / "cities.csv"
    ds.to_csv(data, lineterminator="\n")
    base = ["--data", str(data), "--meta", str(DOMAINS_META), "--n", "300", "--seed", "4", "--normalise", "none",
            "rank", "--quiet"]
    assert cli_main(base + ["--out", str(tmp_path / "plain")]) == 0
    assert sorted(p.name for p in (tmp_path / "plain").iterdir()) == ["rank_stats.csv", "summary.json"]
    assert cli_main(base + ["--out", str(tmp_path / "all"), "--sa-n", "16", "--save-replications"]) == 0
    assert cli_main(base + ["--out", str(tmp_path / "gz"), "--sa-n", "16", "--save-replications", "--compress"]) == 0
    for name in ("rank_stats", "replications", "sensitivity"):
        plain = (tmp_path / "all" / f"{name}.csv").read_bytes()
        assert gzip.decompress((tmp_path / "gz" / f"{name}.csv.gz").read_bytes()) == plain, name
    assert (tmp_path / "plain" / "rank_stats.csv").read_bytes() == (tmp_path / "all" / "rank_stats.csv").read_bytes()
    assert (tmp_path / "plain" / "summary.json").read_bytes() != (tmp_path / "all" / "summary.json").read_bytes()


def test_cli_errors_are_config_errors(tmp_path, cities, capsys):
    ds, _ = cities
    data = tmp_path / "cities.csv"
    ds.to_csv(data, lineterminator="\n")
    base = ["--data", str(data), "--meta", str(DOMAINS_META), "--n", "10", "--out", str(tmp_path / "o")]
    for extra, words in ((["--sa-n", "100"], "power of 2"), (["--weight-levels", "3"], "weight_levels"),
                         (["--scheduler", "tcp://x:1"], "--backend dask"), (["--threads", "0"], "threads must be >= 1"),
                         (["--jobs", "2", "--backend", "x"], None)):
        if words is None:
            with pytest.raises(SystemExit):
                cli_main(base + extra)
            continue
        assert cli_main(base + extra) == 2, extra
        assert words in capsys.readouterr().err


def test_weight_levels_perturb_only_the_chosen_levels(asem):
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(weight_levels=(2,)), missing="renormalise")
    assert m.inputs == ["weights_L2"]
    s = m.sample(50, seed=1)
    sl1, sl2 = m._level_slices[1], m._level_slices[2]
    assert np.array_equal(s.weights[:, sl1], np.broadcast_to(m.w0[sl1], (50, sl1.stop - sl1.start)))
    assert not np.array_equal(s.weights[:, sl2], np.broadcast_to(m.w0[sl2], (50, sl2.stop - sl2.start)))
    assert Choices(weight_levels=[3, 1, 3]).weight_levels == (1, 3)
    assert "weight_levels" not in Choices().as_dict()
    with pytest.raises(ConfigError, match="levels 1..3"):
        RobustnessModel(data, meta, Choices(weight_levels=(4,)), missing="renormalise")


def test_same_files_whatever_the_jobs_and_chunks(tmp_path, asem):
    data, meta = asem
    ch = Choices(normalise=("minmax", "rank"), aggregate=("amean", "gmean"))
    m = RobustnessModel(data, meta, ch, missing="renormalise")
    ref = uncertainty_analysis(m, 700, seed=3)
    ref.to_dir(tmp_path / "ref")
    for kw in (dict(chunk=37), dict(jobs=2, chunk=150), dict(threads=1), dict(threads=3), dict(threads=2, chunk=600)):
        uncertainty_analysis(m, 700, seed=3, **kw).to_dir(tmp_path / "x")
        for name in ("rank_stats.csv", "replications.csv", "summary.json"):
            assert (tmp_path / "x" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes(), (kw, name)


def test_dask_backend_gives_the_same_files(tmp_path, asem):
    pytest.importorskip("dask.distributed", reason="the optional extra vitality[dask] is not installed")
    from dask.distributed import LocalCluster
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("minmax", "rank")), missing="renormalise")
    uncertainty_analysis(m, 400, seed=8).to_dir(tmp_path / "ref")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        res = uncertainty_analysis(m, 400, seed=8, backend="dask", scheduler=cluster.scheduler_address, chunk=100)
    res.to_dir(tmp_path / "dask")
    for name in ("rank_stats.csv", "replications.csv", "summary.json"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes(), name


def test_progress_bar_on_request_and_no_heavy_imports_by_default(tmp_path, cities, capsys):
    import subprocess
    import sys
    ds, _ = cities
    data = tmp_path / "cities.csv"
    ds.to_csv(data, lineterminator="\n")
    argv = ["--data", str(data), "--meta", str(DOMAINS_META), "--n", "300", "--normalise", "none", "rank", "--quiet"]
    assert cli_main(argv + ["--out", str(tmp_path / "p"), "--progress"]) == 0
    assert "replications" in capsys.readouterr().err
    # the default run imports neither SALib/scipy.stats nor joblib nor tqdm
    code = ("import sys; from vitality.robustness_cli import main; main(sys.argv[1:]); "
            "print(sorted(m for m in ('SALib', 'scipy.stats', 'joblib', 'tqdm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, *argv, "--out", str(tmp_path / "q")], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_threads_share_the_chunks_and_pass_errors_on(asem, monkeypatch):
    """With threads the groups of a chunk run concurrently (the same codes as one thread); an error in a group
    reaches the caller instead of being lost in a worker thread."""
    import threading
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("minmax",), aggregate=("amean",)), missing="renormalise")
    one = uncertainty_analysis(m, 900, seed=2, threads=1)
    seen = set()
    real = RobustnessModel._rank_block

    def spy(self, *a, **k):
        seen.add(threading.current_thread().name)
        return real(self, *a, **k)

    monkeypatch.setattr(RobustnessModel, "_rank_block", spy)
    two = uncertainty_analysis(m, 900, seed=2, threads=2)          # one combination: split between the threads
    assert np.array_equal(one.rank_codes, two.rank_codes)
    assert seen and all(t.startswith("vitality-ranks") for t in seen)     # in the pool's threads, not the caller's

    def boom(self, *a, **k):
        raise RuntimeError("a group failed")

    monkeypatch.setattr(RobustnessModel, "_rank_block", boom)
    with pytest.raises(RuntimeError, match="a group failed"):
        uncertainty_analysis(m, 900, seed=2, threads=2)


def test_rank_stats_table_order_index_first_then_nominal_rank_missing_last(asem):
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(), missing="renormalise", min_share=0.9)
    t = uncertainty_analysis(m, 50, seed=1).rank_stats
    codes = list(dict.fromkeys(t["code"]))
    assert codes == m.aggregates[::-1] and len(t) == len(m.aggregates) * m.n_units
    assert t["nominal_rank"].isna().any()
    for c, g in t.groupby("code", sort=False):
        r = g["nominal_rank"].to_numpy()
        present = ~np.isnan(r)
        assert present[:present.sum()].all()                                   # missing ranks last
        assert (np.diff(r[present]) >= 0).all()
        pos = [m.units.index(u) for u in g["unit"]]
        for block in (g.index[present], g.index[~present]):                    # ties and missing: unit order
            sub = g.loc[block]
            for _, tie in sub.groupby("nominal_rank", dropna=False, sort=False):
                p = [m.units.index(u) for u in tie["unit"]]
                assert p == sorted(p), c
        assert sorted(pos) == list(range(m.n_units))


def test_same_files_with_and_without_the_compiled_loops(tmp_path, asem, monkeypatch):
    """VITALITY_JIT=1 ranks with the numba loops of vitality.jitloops, 0 with numpy's passes: the same files."""
    import vitality.jitloops as loops
    data, meta = asem
    ch = Choices(normalise=("minmax", "zscore", "rank"), aggregate=("amean", "gmean"), drop=True)
    m = RobustnessModel(data, meta, ch, missing="renormalise")
    used = []
    real = loops.scatter_near
    monkeypatch.setattr(loops, "scatter_near", lambda *a: (used.append(1), real(*a))[1])
    for mode in ("0", "1"):
        monkeypatch.setenv("VITALITY_JIT", mode)
        n_used = len(used)
        uncertainty_analysis(m, 1500, seed=4, threads=2).to_dir(tmp_path / mode)
        assert (len(used) > n_used) == (mode == "1")
    for name in ("rank_stats.csv", "replications.csv", "summary.json"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "0" / name).read_bytes(), name


def test_when_the_compiled_loops_are_used(monkeypatch):
    from vitality import jit
    monkeypatch.setattr(jit, "_STATE", {})                     # as in a new process
    monkeypatch.delenv("VITALITY_JIT", raising=False)
    assert not jit.wanted() and jit.kernels() is None and "mod" not in jit._STATE   # auto: nothing loaded
    monkeypatch.setenv("VITALITY_JIT", "0")
    assert not jit.wanted() and jit.load() is None and "mod" not in jit._STATE
    monkeypatch.setenv("VITALITY_JIT", "1")
    assert jit.wanted() and jit.kernels() is not None
    monkeypatch.setenv("VITALITY_JIT", "auto")
    assert jit.wanted() and jit.kernels() is not None         # loaded: every later run uses them
    monkeypatch.setenv("VITALITY_JIT", "0")
    assert not jit.wanted() and jit.kernels() is None         # 0 wins even once loaded


def test_asking_for_the_compiled_loops_without_numba_warns_and_ranks_the_same(monkeypatch, asem):
    import builtins

    from vitality import jit
    real_import = builtins.__import__

    def no_numba(name, *args, **kw):
        if name == "numba" or name.startswith("numba."):
            raise ImportError("No module named 'numba'")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(jit, "_STATE", {})
    monkeypatch.setattr(builtins, "__import__", no_numba)
    import vitality
    monkeypatch.delitem(__import__("sys").modules, "vitality.jitloops", raising=False)
    monkeypatch.delattr(vitality, "jitloops", raising=False)   # or "from . import jitloops" finds it there
    monkeypatch.setenv("VITALITY_JIT", "1")
    with pytest.warns(RuntimeWarning, match=r"pip install 'vitality\[jit\]'"):
        assert jit.kernels() is None
    data_, meta = asem
    m = RobustnessModel(data_, meta, Choices(normalise=("minmax",)), missing="renormalise")
    a = uncertainty_analysis(m, 300, seed=2).rank_stats
    monkeypatch.setenv("VITALITY_JIT", "0")
    pd.testing.assert_frame_equal(a, uncertainty_analysis(m, 300, seed=2).rank_stats)


def test_the_replications_frame_owns_its_weights(asem):
    """sample_frame copies the weights once into one block: editing the frame leaves the sample alone."""
    data_, meta = asem
    m = RobustnessModel(data_, meta, Choices(normalise=("minmax",)), missing="renormalise")
    s = m.sample(50, seed=3)
    w = s.weights.copy()
    f = m.sample_frame(s)
    wcols = [c for c in f.columns if c.startswith("w_")]
    assert len(wcols) == len(m.order) - 1 and np.array_equal(f[wcols].to_numpy(), w[:, :-1])
    f.loc[0, wcols[0]] = -1.0
    assert np.array_equal(s.weights, w)
