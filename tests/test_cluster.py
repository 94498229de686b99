"""vitality.cluster: hand-built trees, partition comparison policies, and the report's five classes."""



import numpy as np
import pandas as pd
import pytest

from vitality import cluster
from vitality.errors import ConfigError


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


# --- notebook 02 summaries ---------------------------------------------------------------------------


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


def _within_groups_pairwise(dist):
    """Reference: the pair-by-pair loop within_groups_linkage replaced (same key, same tie rule)."""
    from scipy.spatial.distance import squareform

    D = squareform(np.asarray(dist, dtype=float), checks=False)
    n = D.shape[0]
    ids, size, within, between, active = list(range(n)), [1] * n, [0.0] * n, D.copy(), list(range(n))
    Z = np.zeros((n - 1, 4))
    for step in range(n - 1):
        best = None
        for ia, a in enumerate(active):
            for b in active[ia + 1:]:
                m = size[a] + size[b]
                mean = (within[a] + within[b] + between[a, b]) / (m * (m - 1) / 2)
                key = (round(mean, 12), min(ids[a], ids[b]), max(ids[a], ids[b]))
                if best is None or key < best[0]:
                    best = (key, a, b, mean)
        _, a, b, mean = best
        Z[step] = (*sorted((ids[a], ids[b])), mean, size[a] + size[b])
        within[a] = within[a] + within[b] + between[a, b]
        size[a] += size[b]
        between[a, :] += between[b, :]
        between[:, a] = between[a, :]
        between[a, a] = 0.0
        ids[a] = n + step
        active.remove(b)
    return Z


@pytest.mark.parametrize("seed", range(6))
def test_within_groups_linkage_equals_pairwise_loop_with_ties(seed):
    """The vectorised merge search picks exactly the merge of the pair-by-pair loop, ties included: small
    integer data (many equal distances) and continuous data, 46 units as in the report."""
    from scipy.spatial.distance import pdist

    from vitality.cluster import within_groups_linkage

    rng = np.random.default_rng(seed)
    X = rng.integers(0, 3, size=(46, 3)).astype(float) if seed % 2 == 0 else rng.normal(size=(46, 4)) * 30
    for metric in ("sqeuclidean", "cityblock"):
        d = pdist(X, metric)
        np.testing.assert_array_equal(within_groups_linkage(d), _within_groups_pairwise(d))
