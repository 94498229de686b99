"""Report-layer tests moved from test_cluster.py: the 2015 report's tables through vitality.siis."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from vitality import cluster, plots
from vitality.siis import clustering, data, labels, model


def _cmp(published, reproduced):
    """A comparison of hand-made classes: published {a: 1, b: 1, c: 2}, d not printed."""
    pub = pd.Series(published, dtype="float").dropna()
    return cluster.compare_partitions(pub, pd.Series(reproduced))


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
    assert text.startswith("**2 of 3 combinations scanned give the published classes exactly (ARI = 1)**: ")
    assert f"reaches ARI {stated.ari:.3f} at k = 2, and at most 0.400 at any k = 2, 3" in text
    problems = pd.DataFrame({"city": ["x"], "kind": ["duplicate"]})
    plain = clustering.plain_verdict(scan, stated, problems, method="average", metric="sqeuclidean")
    ward = labels.method_label("ward", "euclidean", False, "en")
    assert f"Of these, only {ward} is on SPSS's menu" in plain            # weighted (WPGMA) is not
    assert "the data cannot tell which" in plain and "Best ARI per SPSS linkage" in plain
    assert plain.startswith("In plain words: with the printed scores,") and plain.endswith("Printing slips: x (duplicate).")
    none = clustering.plain_verdict(scan.iloc[[2]], stated, problems, method="average", metric="sqeuclidean",
                                 corrected=True)
    assert "the corrected scores" in none and "no method of the grid gives them exactly (best ARI 0.250)" in none


def test_class_brackets():
    cmp = _cmp({"a": 1, "b": 2, "c": None}, {"a": 1, "b": 2, "c": 2})
    assert clustering.class_brackets(cmp) == ["[1]", "[2]", "[—]"]


