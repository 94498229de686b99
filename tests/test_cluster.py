"""vitality.cluster: hand-built trees, partition comparison policies, and the report's five classes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from vitality import cluster, plots  # noqa: E402
from vitality.siis import clustering, data, labels, model  # noqa: E402
from vitality.errors import ConfigError  # noqa: E402


def _line(values, names=None):
    names = names or [f"u{i}" for i in range(len(values))]
    return pd.DataFrame({"v": np.asarray(values, dtype=float)}, index=names)


def test_average_linkage_sqeuclidean_by_hand():
    # points 0, 1, 3: squared distances d01 = 1, d02 = 9, d12 = 4
    # first merge {0,1} at 1; then average of 9 and 4 = 6.5 (UPGMA on squared Euclidean)
    Z = cluster.linkage_matrix(_line([0, 1, 3]), method="average", metric="sqeuclidean")
    assert Z[0, 2] == pytest.approx(1.0) and Z[1, 2] == pytest.approx(6.5)
    Zw = cluster.linkage_matrix(_line([0, 1, 3]), method="complete", metric="euclidean")
    assert Zw[1, 2] == pytest.approx(3.0)                  # furthest neighbour: |0 - 3|


def test_cut_into_k_and_number_by_strength():
    df = _line([0, 1, 10, 11, 30], names=list("abcde"))
    lab = cluster.cluster_cities(df, method="average", metric="euclidean", k=3)
    # {e} is strongest (30), then {c, d}, then {a, b}
    assert lab.to_dict() == {"a": 3, "b": 3, "c": 2, "d": 2, "e": 1}
    lab2 = cluster.cluster_cities(df, method="average", metric="euclidean", k=2)
    assert lab2.to_dict() == {"a": 2, "b": 2, "c": 2, "d": 2, "e": 1}
    # numbering by another score reverses the order
    rev = cluster.cluster_cities(df, method="average", metric="euclidean", k=3, order_by=-df["v"])
    assert rev.to_dict() == {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}


def test_cut_gives_exactly_k_classes_even_with_tied_heights():
    Z = cluster.linkage_matrix(_line([0, 1, 2, 3, 4, 5]), method="single", metric="euclidean")
    assert np.allclose(Z[:, 2], 1.0)                       # every merge at the same height
    for k in range(1, 7):
        assert len(np.unique(cluster.cut_tree_k(Z, k))) == k


def test_method_and_metric_are_checked():
    with pytest.raises(ConfigError, match="only used with metric='euclidean'"):
        cluster.linkage_matrix(_line([0, 1, 3]), method="ward", metric="sqeuclidean")
    with pytest.raises(ConfigError, match="not a known linkage"):
        cluster.linkage_matrix(_line([0, 1, 3]), method="upgma")
    with pytest.raises(ConfigError, match="standardise"):
        cluster.linkage_matrix(_line([0, 1, 3]), standardise="minmax")
    with pytest.raises(ConfigError, match="missing values"):
        cluster.linkage_matrix(_line([0, np.nan, 3]))


def test_standardise_zscore_uses_sample_sd():
    df = pd.DataFrame({"a": [1.0, 2, 3], "b": [10.0, 20, 60]})
    z = cluster.prepare(df, standardise="zscore")
    assert z["a"].tolist() == pytest.approx([-1, 0, 1])
    assert z.std(ddof=1).tolist() == pytest.approx([1, 1])
    assert cluster.prepare(df, standardise=True).equals(z)


def test_identical_partitions_have_ari_one_whatever_the_numbering():
    lab = pd.Series([1, 1, 2, 2, 3], index=list("abcde"))
    renamed = lab.map({1: 3, 2: 1, 3: 2})
    res = cluster.compare_partitions(renamed, lab)
    assert res.ari == pytest.approx(1.0) and res.n_compared == 5
    assert res.n_same == 0                                  # numbers differ, the partition does not
    assert res.contingency.to_numpy().tolist() == [[0, 2, 0], [0, 0, 1], [2, 0, 0]]


def _printed(rows):
    return pd.DataFrame(rows, columns=["cluster", "position", "city"]).astype({"cluster": str})


def test_duplicate_policies():
    printed = _printed([(1, 1, "a"), (1, 2, "b"), (2, 1, "c"), (2, 2, "b"), (2, 3, "d")])
    units = list("abcde")
    first, probs = cluster.published_partition(printed, units=units, duplicates="first")
    assert first["b"] == 1 and probs.set_index("city").loc["b", "kind"] == "duplicate"
    assert probs.set_index("city").loc["e", "kind"] == "missing"
    last, _ = cluster.published_partition(printed, units=units, duplicates="last")
    assert last["b"] == 2
    dropped, _ = cluster.published_partition(printed, units=units, duplicates="drop")
    assert "b" not in dropped.index and len(dropped) == 3
    with pytest.raises(ConfigError, match="more than one place"):
        cluster.published_partition(printed, units=units, duplicates="error")
    with pytest.raises(ConfigError, match="duplicates="):
        cluster.published_partition(printed, duplicates="keep")


def test_missing_policies():
    printed = _printed([(1, 1, "a"), (1, 2, "b"), (2, 1, "c"), (2, 2, "d")])
    lab = pd.Series([1, 1, 2, 2, 2], index=list("abcde"))   # e (not printed) grouped with c, d
    drop = cluster.compare_partitions(printed, lab, missing="drop")
    assert drop.ari == pytest.approx(1.0) and drop.n_compared == 4
    assert drop.table.loc["e", "reproduced"] == 2 and not drop.table.loc["e", "compared"]
    assert "not printed in any class" in drop.table.loc["e", "note"]
    own = cluster.compare_partitions(printed, lab, missing="own")
    assert own.n_compared == 5 and own.ari < 1.0
    with pytest.raises(ConfigError, match="do not list"):
        cluster.compare_partitions(printed, lab, missing="error")


def test_rescale_heights_maps_onto_0_25_linearly():
    Z = cluster.linkage_matrix(_line([0, 1, 3, 10]), method="average", metric="sqeuclidean")
    R = cluster.rescale_heights(Z)
    h = Z[:, 2]
    assert R[0, 2] == 0 and R[-1, 2] == 25
    assert R[:, 2] == pytest.approx(25 * (h - h.min()) / (h.max() - h.min()))
    assert np.array_equal(R[:, [0, 1, 3]], Z[:, [0, 1, 3]])


def test_scan_grid_skips_undefined_combinations():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(12, 3)), index=[f"c{i}" for i in range(12)], columns=list("xyz"))
    pub = pd.Series(cluster.cluster_cities(df, method="ward", metric="euclidean", k=3))
    scan = cluster.scan_methods(df, pub, k=3)
    assert len(scan) == (5 * 6 + 3) * 2          # 5 general linkages (within-groups included) × 6 distances
    assert not ((scan["method"] == "ward") & (scan["metric"] != "euclidean")).any()
    best = scan.iloc[0]
    assert best["ari"] == pytest.approx(1.0) and scan["ari"].is_monotonic_decreasing
    again = cluster.scan_methods(df, pub, k=3)
    pd.testing.assert_frame_equal(scan, again)              # deterministic
    assert len(cluster.scan_methods(df, pub, k=[2, 3, 4], linkages=("average",), metrics=("euclidean",),
                                    standardise=(False,))) == 3


# ---------------------------------------------------------------------------------------------
# the report's five classes (四(二), 图表 9)
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report():
    return data.load_report()


def test_printing_problems_of_the_published_classes(report):
    _, probs = cluster.published_partition(report.clusters, units=report.city_names)
    got = {(r.city, r.kind, r.printed_classes) for r in probs.itertuples()}
    assert got == {("广州", "duplicate", (2, 2)), ("贵阳", "duplicate", (5, 5)), ("西宁", "duplicate", (5, 5)),
                   ("秦皇岛", "missing", ())}


@pytest.mark.parametrize("method, metric", [("ward", "euclidean"), ("weighted", "sqeuclidean")])
def test_ward_and_wpgma_reproduce_the_published_classes_exactly(report, method, metric):
    """Raw printed scores, k = 5: ARI = 1 and all 45 classified cities in the same numbered class."""
    ds = report.domain_scores
    lab = cluster.cluster_cities(ds, method=method, metric=metric, k=5, order_by=model.overall(ds, model.STATED))
    res = cluster.compare_partitions(report.clusters, lab)
    assert res.ari == 1.0 and res.n_same == 45 and res.n_compared == 45
    assert lab["秦皇岛"] == 5                                # the unprinted city falls in the weakest class
    for policy in ("first", "last", "drop"):                  # duplicates are in the same class: no effect
        assert cluster.compare_partitions(report.clusters, lab, duplicates=policy).ari == 1.0


def test_the_labelled_method_does_not_reproduce_them(report):
    """Average linkage (between groups) + squared Euclidean, as labelled: ARI 0.332 (25 of 45 same)."""
    ds = report.domain_scores
    lab = cluster.cluster_cities(ds, method="average", metric="sqeuclidean", k=5, order_by=model.overall(ds, model.STATED))
    res = cluster.compare_partitions(report.clusters, lab)
    assert res.ari == pytest.approx(0.3318, abs=1e-4) and res.n_same == 25
    # no cut of that tree, at any k from 2 to 10, reproduces the classes
    scan = cluster.scan_methods(ds, report.clusters, linkages=("average",), metrics=("sqeuclidean",),
                                standardise=(False, True), k=range(2, 11))
    assert scan["ari"].max() < 0.7


def test_dendrogram_draws_46_readable_labels(report):
    ds = report.domain_scores
    Z = cluster.linkage_matrix(ds, method="ward", metric="euclidean")
    lab = cluster.cluster_cities(ds, method="ward", metric="euclidean")
    ax = plots.dendrogram(Z, labels.city_labels(ds.index, report.cities, "en"), classes=lab, k=5, lang="en")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ticks) == 46 and "Qinhuangdao" in ticks
    assert ax.get_xlim()[1] == pytest.approx(25.5)
    plt.close(ax.figure)


# --- notebook 02 summaries ---------------------------------------------------------------------------

def _cmp(published, reproduced):
    """A comparison of hand-made classes: published {a: 1, b: 1, c: 2}, d not printed."""
    pub = pd.Series(published, dtype="float").dropna()
    return cluster.compare_partitions(pub, pd.Series(reproduced))


def test_class_sizes_counts_names_and_distinct_cities():
    long = pd.DataFrame({"cluster": [1, 1, 1, 2], "city": ["a", "b", "a", "c"]})
    sizes = clustering.class_sizes(long, pd.Series({"a": 1, "b": 1, "c": 2}))
    assert sizes.index.name == "class"
    assert sizes["printed names"].tolist() == [3, 1] and sizes["distinct cities used"].tolist() == [2, 1]


def test_scan_choice_turns_none_into_false():
    row = pd.Series({"method": "ward", "metric": "euclidean", "standardise": "none", "k": np.int64(5)})
    assert clustering.scan_choice(row) == {"method": "ward", "metric": "euclidean", "standardise": False, "k": 5}
    assert clustering.scan_choice(row.replace({"none": "zscore"}))["standardise"] == "zscore"


def test_verdict_table_and_unprinted_summary_by_hand():
    stated = _cmp({"a": 1, "b": 1, "c": 2, "d": None}, {"a": 1, "b": 2, "c": 2, "d": 2})
    best = _cmp({"a": 1, "b": 1, "c": 2, "d": None}, {"a": 1, "b": 1, "c": 2, "d": 1})
    v = clustering.verdict_table({"s": stated, "b": best})
    assert v.index.names == ["method", "city"]
    assert v.loc["s", "status"].to_dict() == {"a": "match", "b": "differs", "c": "match"}   # d not compared
    assert v.loc["b", "status"].eq("match").all()
    assert v.loc[("s", "b"), "difference"] == 1.0
    assert clustering.unprinted_summary(best) == ("Best match: ARI = 1.000, 3 of 3 cities in the same numbered class. "
                                               "Cities not compared, with the class this method gives them: d → 1.")
    table = clustering.classes_table(pd.Series({"a": "A", "b": "B", "c": "C", "d": "D"}),
                                  pd.Series({"a": 4.0, "b": 3.0, "c": 2.0, "d": 1.0}), stated, best)
    assert table.loc["b", ["published_class", "reproduced_stated", "reproduced_best"]].tolist() == [1, 2, 1]
    assert table.loc["d", "note"].startswith("not printed in any class")


def test_scan_summary_and_plain_verdict_name_the_exact_methods():
    scan = pd.DataFrame({"method": ["ward", "weighted", "average"], "metric": ["euclidean", "sqeuclidean", "sqeuclidean"],
                         "standardise": ["none", "none", "none"], "k": [2, 2, 2], "ari": [1.0, 1.0, 0.25]})
    stated = _cmp({"a": 1, "b": 1, "c": 2, "d": 2}, {"a": 1, "b": 2, "c": 2, "d": 2})
    stated_scan = scan.iloc[[2]].assign(ari=[0.4])
    text = clustering.scan_summary(scan, stated_scan, stated, method="average", metric="sqeuclidean", k=2, ks=[2, 3])
    assert text.startswith("**2 of 3 combinations reproduce the published classes exactly (ARI = 1)**: ")
    assert f"reaches ARI {stated.ari:.3f} at k = 2, and at most 0.400 at any k in [2, 3]" in text
    problems = pd.DataFrame({"city": ["x"], "kind": ["duplicate"]})
    plain = clustering.plain_verdict(scan, stated, problems, method="average", metric="sqeuclidean")
    ward = labels.method_label("ward", "euclidean", False, "en")
    assert f"Of these, only {ward} is on SPSS's menu" in plain            # weighted (WPGMA) is not
    assert "the data cannot tell which" in plain and "Best ARI per SPSS linkage" in plain
    assert plain.startswith("In plain words: with the printed scores,") and plain.endswith("Printing slips: x (duplicate).")
    none = clustering.plain_verdict(scan.iloc[[2]], stated, problems, method="average", metric="sqeuclidean",
                                 corrected=True)
    assert "the corrected scores" in none and "no method of the grid reproduces them exactly (best ARI 0.250)" in none


def test_class_brackets():
    cmp = _cmp({"a": 1, "b": 2, "c": None}, {"a": 1, "b": 2, "c": 2})
    assert clustering.class_brackets(cmp) == ["[1]", "[2]", "[—]"]


def test_within_groups_linkage_brute_force():
    """SPSS within-groups linkage: every merge minimises the mean of all pairwise distances in the union
    (checked by brute force with numpy on random data)."""
    from itertools import combinations

    from scipy.spatial.distance import pdist, squareform

    from vitality.cluster import within_groups_linkage

    rng = np.random.default_rng(7)
    X = rng.normal(size=(9, 3))
    D = squareform(pdist(X))
    Z = within_groups_linkage(pdist(X))
    clusters = {i: [i] for i in range(9)}
    for step, (a, b, h, size) in enumerate(Z):
        def mean_within(members):
            return np.mean([D[i, j] for i, j in combinations(members, 2)])
        best = min(mean_within(clusters[p] + clusters[q]) for p, q in combinations(clusters, 2))
        merged = clusters.pop(int(a)) + clusters.pop(int(b))
        assert np.isclose(h, mean_within(merged)) and np.isclose(h, best) and size == len(merged)
        clusters[9 + step] = merged
