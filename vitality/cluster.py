"""Hierarchical clustering of units and its comparison with published classes.

Published indices often cluster their units with SPSS's hierarchical clustering (e.g. "average linkage
(between groups)"), show a dendrogram on SPSS's "rescaled distance" axis (0–25) and list k classes.
SPSS's default interval measure is the squared Euclidean distance. Here:

* :func:`linkage_matrix` — scipy linkage for a method × metric, optionally on z-scores;
* :func:`cut_tree_k` — the classes after ``n − k`` merges (SPSS's "cluster membership" for k classes);
* :func:`cluster_cities` — the k classes, numbered by descending mean so that class 1 is the strongest;
* :func:`published_partition` and :func:`compare_partitions` — the printed classes (with an explicit
  policy for the cities printed twice and the city not printed) against reproduced ones, by the
  adjusted Rand index (ARI) and a contingency table;
* :func:`scan_methods` — ARI for every linkage × distance × standardisation (× k);
* :func:`rescale_heights` — merge heights rescaled to 0–25 as on SPSS's dendrogram axis.

Linkage names are scipy's: ``average`` = UPGMA = SPSS "between-groups linkage"; ``within`` = SPSS
"within-groups linkage" (:func:`within_groups_linkage`, not in scipy); ``weighted`` = WPGMA (McQuitty; not
on SPSS's menu); ``single``/``complete`` = nearest/furthest neighbour; ``centroid``, ``median`` and
``ward`` are only defined here on Euclidean distances (scipy applies them to the Euclidean distance
matrix; the merge order equals SPSS's on squared Euclidean distances).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy as _h
from scipy.spatial.distance import pdist

from .errors import ConfigError

__all__ = ['LINKAGES', 'METRICS', 'EUCLIDEAN_ONLY', 'STANDARDISE', 'DUPLICATE_POLICIES', 'MISSING_UNITS', 'prepare',
           'within_groups_linkage', 'linkage_matrix', 'cut_tree_k', 'cut_height', 'number_by_strength',
           'cluster_cities', 'published_partition', 'PartitionComparison', 'compare_partitions', 'scan_methods',
           'rescale_heights', 'LIST_PROBLEMS', 'list_problems']

#: Linkage methods (scipy names, plus ``within``: SPSS's "average linkage within groups", :func:`within_groups_linkage`).
LINKAGES = ("average", "complete", "single", "ward", "centroid", "median", "weighted", "within")
#: Distances (scipy ``pdist`` names): SPSS's interval measures squared Euclidean, Euclidean, block, cosine,
#: Pearson correlation (as 1 − r) and Chebychev (SPSS's Minkowski with its default power 2 is Euclidean).
METRICS = ("sqeuclidean", "euclidean", "cityblock", "cosine", "correlation", "chebyshev")
#: Linkages that are only used with Euclidean distances.
EUCLIDEAN_ONLY = ("ward", "centroid", "median")
#: Standardisation choices: ``False`` (none, the scores as printed) or ``'zscore'`` (``True`` is the same).
STANDARDISE = (False, "zscore")
#: What to do with a city printed in more than one class.
DUPLICATE_POLICIES = ("first", "last", "drop", "error")
#: What to do with a city the report does not classify.
MISSING_UNITS = ("drop", "own", "error")


def _std_choice(standardise) -> str | bool:
    if standardise is None or standardise is False:
        return False
    if standardise is True or standardise == "zscore":
        return "zscore"
    raise ConfigError(f"standardise={standardise!r} is not valid; choose False (none) or 'zscore' (True).")


def prepare(data: pd.DataFrame, *, columns: Sequence[str] | None = None, standardise=False) -> pd.DataFrame:
    """The matrix that is clustered: the chosen columns, optionally as z-scores.

    ``standardise='zscore'`` (or ``True``) subtracts each column's mean and divides by its sample SD
    (ddof = 1), as SPSS's "Z scores" transformation. Missing values are an error (hierarchical
    clustering needs every distance).

    Parameters
    ----------
    data : pandas.DataFrame
        Units × variables.
    columns : sequence of str, optional
        The variables to use (default all).
    standardise : False, True or "zscore", default False
        z-scores of each column (``True`` = ``"zscore"``).

    Returns
    -------
    pandas.DataFrame
        The float matrix that is clustered.

    Raises
    ------
    ConfigError
        Unknown column, missing value, duplicated unit or a constant column to standardise.

    Examples
    --------
    >>> from vitality.cluster import prepare
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> prepare(X, standardise="zscore").round(3)
           a      b
    p -0.909 -0.886
    q -0.822 -0.844
    r  0.843  0.801
    s  0.887  0.928
    """
    if not isinstance(data, pd.DataFrame):
        raise ConfigError("clustering needs a DataFrame: one row per city, one column per variable.")
    if columns is not None:
        unknown = [c for c in columns if c not in data.columns]
        if unknown:
            raise ConfigError(f"unknown column(s) {unknown}; valid columns are {list(data.columns)}.")
        data = data[list(columns)]
    X = data.apply(pd.to_numeric, errors="raise").astype(float)
    if X.isna().any().any():
        bad = X.index[X.isna().any(axis=1)].tolist()
        raise ConfigError(f"missing values for {bad}; clustering needs complete rows (drop or fill them "
                          "explicitly first).")
    if X.index.has_duplicates:
        raise ConfigError(f"duplicated unit(s) in the index: {X.index[X.index.duplicated()].tolist()}.")
    if _std_choice(standardise) == "zscore":
        sd = X.std(ddof=1)
        if (sd == 0).any():
            raise ConfigError(f"column(s) {sd.index[sd == 0].tolist()} are constant; cannot standardise.")
        X = (X - X.mean()) / sd
    return X


def _check_method(method: str, metric: str) -> None:
    if method not in LINKAGES:
        raise ConfigError(f"method={method!r} is not a known linkage; choose one of {LINKAGES}.")
    if metric not in METRICS:
        raise ConfigError(f"metric={metric!r} is not a known distance; choose one of {METRICS}.")
    if method in EUCLIDEAN_ONLY and metric != "euclidean":
        raise ConfigError(f"{method} linkage is only used with metric='euclidean' (got {metric!r}).")


def within_groups_linkage(dist) -> np.ndarray:
    r"""SPSS's "average linkage within groups" (WAVERAGE) on a condensed distance vector.

    At each step the two clusters A, B are merged whose union has the smallest mean distance over *all*
    pairs of its members, :math:`\binom{|A\cup B|}{2}^{-1} \sum_{\{i,j\} \subset A\cup B} d(i,j)` (SPSS:
    "clusters are combined so that the average distance between all cases in the resulting cluster is as
    small as possible"); the merge height is that mean. Ties are broken by the lowest cluster ids, as
    scipy does. Returns a scipy-style linkage matrix ((n − 1) × 4); heights need not be monotone.

    Parameters
    ----------
    dist : array-like
        Condensed distance vector (as :func:`scipy.spatial.distance.pdist` returns).

    Returns
    -------
    numpy.ndarray
        The ``(n − 1) × 4`` linkage matrix (merged a, merged b, height, size).

    Examples
    --------
    >>> from scipy.spatial.distance import pdist
    >>> Z = within_groups_linkage(pdist(np.array([[0.0], [1.0], [5.0], [6.5]])))
    >>> Z[:, :2].astype(int).tolist(), Z[:, 2].round(3).tolist()
    ([[0, 1], [2, 3], [4, 5]], [1.0, 1.5, 3.917])
    """
    from scipy.spatial.distance import squareform

    D = squareform(np.asarray(dist, dtype=float), checks=False)
    n = D.shape[0]
    ids = np.arange(n)                        # scipy node id of each active cluster
    size = np.ones(n, dtype=np.int64)
    within = np.zeros(n)                      # sum of the distances inside each active cluster
    between = D.copy()                        # between[a, b]: sum of distances between clusters a and b
    active = np.arange(n)
    Z = np.zeros((n - 1, 4))
    for step in range(n - 1):
        # every pair of active clusters at once, a before b as the active list holds them
        ia, ib = np.triu_indices(len(active), 1)
        a_, b_ = active[ia], active[ib]
        m = size[a_] + size[b_]
        mean = (within[a_] + within[b_] + between[a_, b_]) / (m * (m - 1) / 2)
        # the merge is the smallest key (mean rounded to 12 decimals, lower id, higher id); only pairs within
        # rounding distance of the smallest mean can hold it, so the exact key is formed for those alone
        lo = mean.min()
        near = np.flatnonzero(mean <= lo + 1e-11 + 16 * np.spacing(abs(lo)))
        _, c = min(((round(mean[c], 12), min(ids[a_[c]], ids[b_[c]]), max(ids[a_[c]], ids[b_[c]])), c)
                   for c in near)
        a, b = int(a_[c]), int(b_[c])
        lo_id, hi_id = sorted((int(ids[a]), int(ids[b])))
        Z[step] = (lo_id, hi_id, mean[c], size[a] + size[b])
        within[a] = within[a] + within[b] + between[a, b]
        size[a] += size[b]
        between[a, :] += between[b, :]
        between[:, a] = between[a, :]
        between[a, a] = 0.0
        ids[a] = n + step
        active = active[active != b]
    return Z


def _linkage(dist, method: str) -> np.ndarray:
    return within_groups_linkage(dist) if method == "within" else _h.linkage(dist, method=method)


def linkage_matrix(data: pd.DataFrame, *, method: str = "average", metric: str = "sqeuclidean",
                   standardise=False, columns: Sequence[str] | None = None) -> np.ndarray:
    """scipy linkage matrix Z ((n − 1) × 4: merged a, merged b, height, size) of the rows of ``data``.

    Parameters
    ----------
    data : DataFrame
        One row per city, one column per clustering variable.
    method : str
        One of :data:`LINKAGES`.
    metric : str
        One of :data:`METRICS`; ``ward``, ``centroid`` and ``median`` need ``'euclidean'``.
    standardise : False or 'zscore'
        See :func:`prepare`.
    columns : sequence of str, optional
        Clustering variables (default all columns).

    Returns
    -------
    numpy.ndarray
        ``(n − 1) × 4``: merged a, merged b, height, size.

    Notes
    -----
    Average linkage (UPGMA) merges the two clusters A, B with the smallest
    :math:`d(A,B) = \\frac{1}{|A||B|}\\sum_{a\\in A}\\sum_{b\\in B} d(a,b)`; with ``sqeuclidean``,
    :math:`d(a,b)=\\sum_j (x_{aj}-x_{bj})^2` (SPSS's default for interval data).

    Examples
    --------
    >>> from vitality.cluster import linkage_matrix
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> linkage_matrix(X).round(3).tolist()
    [[0.0, 1.0, 0.05, 2.0], [2.0, 3.0, 0.1, 2.0], [4.0, 5.0, 32.45, 4.0]]
    """
    _check_method(method, metric)
    X = prepare(data, columns=columns, standardise=standardise)
    if len(X) < 2:
        raise ConfigError("clustering needs at least 2 units.")
    d = pdist(X.to_numpy(), metric=metric)
    if not np.isfinite(d).all():
        raise ConfigError(f"the {metric} distance is undefined for some pairs (e.g. a constant row with "
                          "'correlation', or an all-zero row with 'cosine').")
    return _linkage(d, method)


def cut_tree_k(Z: np.ndarray, k: int) -> np.ndarray:
    """Class of each leaf after the first ``n − k`` merges of Z (exactly k classes).

    This is SPSS's "cluster membership" for k clusters: it follows the merge order, so it is exact
    for non-monotone trees (centroid, median) too. Classes are numbered 0..k−1 by first leaf.

    Parameters
    ----------
    Z : numpy.ndarray
        A linkage matrix.
    k : int
        Number of classes, 1..n.

    Returns
    -------
    numpy.ndarray
        Class 0..k−1 of each leaf, numbered by first leaf.

    Examples
    --------
    >>> from vitality.cluster import cut_tree_k, linkage_matrix
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> cut_tree_k(linkage_matrix(X), 2).tolist(), cut_tree_k(linkage_matrix(X), 3).tolist()
    ([0, 0, 1, 1], [0, 0, 1, 2])
    """
    Z = np.asarray(Z, dtype=float)
    n = Z.shape[0] + 1
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise ConfigError(f"k must be an integer between 1 and {n}, got {k!r}.")
    parent = np.arange(2 * n - 1)
    for i in range(n - k):                               # one step per merge (n − k ≤ 45), not per unit
        a, b = int(Z[i, 0]), int(Z[i, 1])
        parent[a] = parent[b] = n + i
    root = parent.copy()
    for _ in range(n):                                   # pointer jumping until every leaf finds its root
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    _, labels = np.unique(root[:n], return_inverse=True)
    # renumber by first appearance so the numbering does not depend on node ids
    first = {lab: i for i, lab in reversed(list(enumerate(labels)))}
    order = sorted(first, key=first.get)
    remap = np.empty(len(order), dtype=int)
    remap[order] = np.arange(len(order))
    return remap[labels]


def cut_height(Z: np.ndarray, k: int) -> float:
    """A height that separates k classes on the dendrogram (midway between merges n−k and n−k+1).

    Parameters
    ----------
    Z : numpy.ndarray
        A linkage matrix.
    k : int
        Number of classes, 1..n.

    Returns
    -------
    float
        A height between the merge that leaves k classes and the next one.

    Examples
    --------
    >>> from vitality.cluster import cut_height, linkage_matrix
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> Z = linkage_matrix(X)
    >>> Z[:, 2].round(3).tolist(), round(cut_height(Z, 2), 3)
    ([0.05, 0.1, 32.45], 16.275)
    """
    Z = np.asarray(Z, dtype=float)
    n = Z.shape[0] + 1
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise ConfigError(f"k must be an integer between 1 and {n}, got {k!r}.")
    lo = Z[n - k - 1, 2] if n - k - 1 >= 0 else 0.0
    if k == 1:                                           # one class: above the last merge
        return float(Z[-1, 2] * 1.05 + 1e-12)
    return float((lo + Z[n - k, 2]) / 2.0)


def number_by_strength(labels, strength: pd.Series) -> pd.Series:
    """Renumber classes 1..k by descending mean ``strength`` of their members (1 = strongest).

    Ties in the mean are broken by the position of the class's first member, so the result is
    deterministic.

    Parameters
    ----------
    labels : array-like or pandas.Series
        Any class labels, one per unit (aligned with ``strength`` when not a Series).
    strength : pandas.Series
        The value whose class mean orders the classes.

    Returns
    -------
    pandas.Series
        Classes 1..k named ``cluster``, indexed like ``labels``.

    Examples
    --------
    >>> from vitality.cluster import number_by_strength
    >>> number_by_strength([0, 0, 1, 1], pd.Series([1.0, 2.0, 9.0, 8.0], index=["p", "q", "r", "s"])).tolist()
    [2, 2, 1, 1]
    """
    labels = pd.Series(labels, index=strength.index) if not isinstance(labels, pd.Series) else labels
    s = strength.reindex(labels.index).astype(float)
    lab = labels.to_numpy()
    mean = pd.Series(s.to_numpy()).groupby(lab).mean()          # one Series groupby each: called per clustering
    first = pd.Series(np.arange(len(lab))).groupby(lab).min()
    order = np.lexsort((first.to_numpy(), -mean.to_numpy()))     # mean descending, then first member
    number = np.empty(len(order), dtype=np.int64)
    number[order] = np.arange(1, len(order) + 1)
    return pd.Series(number[mean.index.get_indexer(lab)], index=labels.index, name="cluster")


def cluster_cities(data: pd.DataFrame, *, method: str = "average", metric: str = "sqeuclidean",
                   standardise=False, k: int = 5, columns: Sequence[str] | None = None,
                   order_by: pd.Series | None = None) -> pd.Series:
    """Hierarchical clustering of the cities cut into k classes, class 1 = strongest (as in the report).

    Parameters
    ----------
    data : DataFrame
        One row per city, one column per clustering variable (the four domain scores).
    method, metric, standardise, columns
        See :func:`linkage_matrix`.
    k : int
        Number of classes (the report has 5).
    order_by : Series, optional
        Score used only to number the classes (e.g. the overall index); classes are numbered by the
        descending mean of it over their members. Default: the mean of the clustering variables (as
        given, not standardised) over the members.

    Returns
    -------
    Series of int named ``cluster`` (1..k), indexed like ``data``.

    Examples
    --------
    >>> from vitality.cluster import cluster_cities
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> cluster_cities(X, k=2).to_dict()
    {'p': 2, 'q': 2, 'r': 1, 's': 1}
    """
    Z = linkage_matrix(data, method=method, metric=metric, standardise=standardise, columns=columns)
    raw = prepare(data, columns=columns, standardise=False)
    strength = raw.mean(axis=1) if order_by is None else order_by.reindex(raw.index)
    if strength.isna().any():
        raise ConfigError(f"order_by has no value for {strength.index[strength.isna()].tolist()}.")
    return number_by_strength(pd.Series(cut_tree_k(Z, k), index=raw.index), strength)


# ----------------------------------------------------------------------------------------------
# published classes vs reproduced
# ----------------------------------------------------------------------------------------------

def _city_col(df: pd.DataFrame) -> str:
    for c in ("city", "city_zh"):
        if c in df.columns:
            return c
    raise ConfigError(f"the published classes need a 'city' (or 'city_zh') column; got {list(df.columns)}.")


def published_partition(published: pd.DataFrame, *, units: Sequence[str] | None = None,
                        duplicates: str = "first") -> tuple[pd.Series, pd.DataFrame]:
    """The printed classes as one label per city, with the printing problems made explicit.

    Parameters
    ----------
    published : DataFrame
        Long table as printed: ``cluster``, ``city`` (or ``city_zh``) and optionally ``position``
        (printed order inside the class; rows are read in class, position order).
    units : sequence, optional
        Every city that was clustered (to find the ones the report does not list).
    duplicates : {'first', 'last', 'drop', 'error'}
        A city printed more than once keeps its first / last printed class, is dropped from the
        comparison, or raises.

    Returns
    -------
    labels : Series of int
        Published class per city (cities printed in no class are absent).
    problems : DataFrame
        One row per city printed more than once (``kind='duplicate'``), printed in no class
        (``'missing'``) or not among ``units`` (``'unknown'``): ``city, kind, printed_classes,
        treatment`` (found by :func:`vitality.cluster.list_problems`).

    Examples
    --------
    >>> from vitality.cluster import published_partition
    >>> printed = pd.DataFrame({"cluster": [1, 1, 2, 2], "city": ["p", "q", "r", "q"]})
    >>> labels, problems = published_partition(printed, units=["p", "q", "r", "s"])
    >>> labels.to_dict()
    {'p': 1, 'q': 1, 'r': 2}
    >>> problems[["city", "kind", "treatment"]]
      city       kind                 treatment
    0    q  duplicate  kept first printed class
    1    s    missing  not printed in any class
    """
    if duplicates not in DUPLICATE_POLICIES:
        raise ConfigError(f"duplicates={duplicates!r} is not valid; choose one of {DUPLICATE_POLICIES}.")
    cc = _city_col(published)
    pub = published.copy()
    sort_cols = ["_cl"] + (["position"] if "position" in pub.columns else [])
    pub["_cl"] = pd.to_numeric(pub["cluster"], errors="raise").astype(int)
    pub = pub.sort_values(sort_cols, kind="mergesort")
    units = None if units is None else list(units)
    found = list_problems(pub, universe=units, group="_cl", unit=cc)
    kind = found["problem"].map(LIST_PROBLEMS)
    dup = found[kind == "duplicate"]
    if len(dup) and duplicates == "error":
        raise ConfigError(f"cities printed in more than one place: {dict(zip(dup['unit'], dup['groups']))}; "
                          f"choose a duplicates policy from {DUPLICATE_POLICIES}.")
    treat = {"first": "kept first printed class", "last": "kept last printed class",
             "drop": "dropped from the comparison"}
    treatment = {"duplicate in list": treat[duplicates] + " (both in the same class)",
                 "in several lists": treat[duplicates], "omission": "not printed in any class",
                 "unknown": "not among the clustered units; ignored"}
    problems = pd.DataFrame(list(zip(found["unit"], kind, found["groups"], found["problem"].map(treatment))),
                            columns=["city", "kind", "printed_classes", "treatment"])
    keep = {"first": "first", "last": "last", "drop": False}[duplicates]
    lab = pub.drop_duplicates(subset=cc, keep=keep)
    lab = lab.set_index(cc)["_cl"].rename("published")
    if units is not None:
        lab = lab[lab.index.isin(units)]
    return lab, problems


@dataclass(frozen=True)
class PartitionComparison:
    """Result of :func:`compare_partitions`.

    Parameters
    ----------
    ari : float
        Adjusted Rand index over the compared cities (1 = identical partitions, ~0 = chance).
    n_compared : int
        Number of cities in the ARI.
    n_same : int
        Cities whose reproduced class number equals the published one (both numbered 1 = strongest).
    contingency : DataFrame
        Published class (rows) × reproduced class (columns), counts over the compared cities.
    table : DataFrame
        One row per city: ``published``, ``reproduced``, ``same``, ``compared``, ``note``.
    problems : DataFrame
        The printing problems and their treatment (see :func:`published_partition`).
    duplicates, missing : str
        The policies used.

    Examples
    --------
    >>> from vitality.cluster import compare_partitions
    >>> cmp = compare_partitions(pd.Series({"p": 1, "q": 1, "r": 2, "s": 2}),
    ...                          pd.Series({"p": 1, "q": 1, "r": 2, "s": 1}))
    >>> cmp.n_compared, cmp.n_same, round(cmp.ari, 3)
    (4, 3, 0.0)
    >>> cmp.contingency
    reproduced  1  2
    published
    1           2  0
    2           1  1
    """

    ari: float
    n_compared: int
    n_same: int
    contingency: pd.DataFrame
    table: pd.DataFrame
    problems: pd.DataFrame
    duplicates: str = "first"
    missing: str = "drop"

    def summary(self) -> dict:
        return {"ari": self.ari, "n_compared": self.n_compared, "n_same": self.n_same,
                "duplicates": self.duplicates, "missing": self.missing}


def compare_partitions(published: pd.DataFrame | pd.Series, labels: pd.Series, *, duplicates: str = "first",
                       missing: str = "drop") -> PartitionComparison:
    """Agreement between the published classes and a reproduced partition.

    Parameters
    ----------
    published : DataFrame or Series
        The printed long table (``cluster``, ``city``, ``position``), or a Series city → class.
    labels : Series
        Reproduced class per city (e.g. from :func:`cluster_cities`).
    duplicates : {'first', 'last', 'drop', 'error'}
        Treatment of a city printed in more than one class (default ``'first'``; in the report the
        three duplicated cities are printed twice *in the same class*, so 'first' and 'last' agree).
    missing : {'drop', 'own', 'error'}
        Treatment of a city the report does not classify: ``'drop'`` (default) leaves it out of the
        ARI (its reproduced class is still shown); ``'own'`` counts it as a published class of its
        own (class 0), which penalises any partition that groups it with others; ``'error'`` raises.

    Returns
    -------
    PartitionComparison

    Examples
    --------
    >>> from vitality.cluster import compare_partitions
    >>> printed = pd.DataFrame({"cluster": [1, 1, 2], "city": ["p", "q", "r"]})  # s is not printed
    >>> cmp = compare_partitions(printed, pd.Series({"p": 1, "q": 1, "r": 2, "s": 2}))
    >>> cmp.ari, cmp.n_compared, cmp.table["compared"].tolist()
    (1.0, 3, [True, True, True, False])
    """
    if missing not in MISSING_UNITS:
        raise ConfigError(f"missing={missing!r} is not valid; choose one of {MISSING_UNITS}.")
    if isinstance(published, pd.DataFrame):
        pub, problems = published_partition(published, units=labels.index, duplicates=duplicates)
    else:
        pub = published.dropna().astype(int).rename("published")
        rows = [(c, "missing", (), "not printed in any class") for c in labels.index if c not in pub.index]
        problems = pd.DataFrame(rows, columns=["city", "kind", "printed_classes", "treatment"])
        pub = pub[pub.index.isin(labels.index)]
    not_listed = [c for c in labels.index if c not in pub.index]
    dropped_dup = set(problems.loc[problems["kind"] == "duplicate", "city"]) if duplicates == "drop" else set()
    really_missing = [c for c in not_listed if c not in dropped_dup]
    if really_missing and missing == "error":
        raise ConfigError(f"the published classes do not list {really_missing}; choose missing='drop' or 'own'.")
    table = pd.DataFrame({"published": pub.reindex(labels.index).astype("Int64"),
                          "reproduced": labels.astype(int)})
    table.index.name = labels.index.name or "city"
    compared = table["published"].notna()
    if missing == "own" and really_missing:
        table.loc[really_missing, "published"] = 0
        compared = table["published"].notna()
        problems.loc[problems["kind"] == "missing", "treatment"] = "counted as a published class of its own (0)"
    elif really_missing:
        problems.loc[problems["kind"] == "missing", "treatment"] = "left out of the comparison (reproduced class shown)"
    table["compared"] = compared
    table["same"] = (table["published"] == table["reproduced"]).astype("boolean").where(compared)
    note = pd.Series("", index=table.index, dtype=object)
    for r in problems.itertuples(index=False):
        if r.city in note.index:
            printed = "、".join(map(str, r.printed_classes)) if r.printed_classes else ""
            note[r.city] = {"duplicate": f"printed twice (classes {printed}); {r.treatment}",
                            "missing": f"not printed in any class; {r.treatment}"}.get(r.kind, r.treatment)
    table["note"] = note
    sub = table[compared]
    # imported here, not at the top: 0.7 s that most kernels (which import this module via the data) never use
    from sklearn.metrics import adjusted_rand_score

    ari = float(adjusted_rand_score(sub["published"].astype(int), sub["reproduced"]))
    cont = pd.crosstab(sub["published"].astype(int).rename("published"), sub["reproduced"].rename("reproduced"))
    return PartitionComparison(ari=ari, n_compared=int(compared.sum()), n_same=int(sub["same"].sum()),
                               contingency=cont, table=table, problems=problems, duplicates=duplicates,
                               missing=missing)


def scan_methods(data: pd.DataFrame, published: pd.DataFrame | pd.Series, *,
                 linkages: Sequence[str] = LINKAGES, metrics: Sequence[str] = METRICS,
                 standardise: Sequence = (False, True), k: int | Sequence[int] = 5,
                 duplicates: str = "first", missing: str = "drop", columns: Sequence[str] | None = None,
                 order_by: pd.Series | None = None) -> pd.DataFrame:
    """ARI between the published classes and every linkage × distance × standardisation (× k).

    Combinations of ``ward``/``centroid``/``median`` with a non-Euclidean distance are skipped (not
    defined here). Returns one row per combination — ``method, metric, standardise ('none' or
    'zscore'), k, ari, n_same, n_compared, cophenetic`` (cophenetic correlation of the tree with the
    distances: how faithfully the tree represents them) — sorted by ARI, best first; ties keep the
    grid order (linkages, then metrics, then standardisation, then k as given).

    Parameters
    ----------
    data : pandas.DataFrame
        Units × variables.
    published : pandas.DataFrame or pandas.Series
        The printed classes (as :func:`compare_partitions`).
    linkages, metrics : sequence of str
        Linkage methods and distances to try (default :data:`LINKAGES`, :data:`METRICS`).
    standardise : sequence, default (False, True)
        Standardisations to try.
    k : int or sequence of int, default 5
        Numbers of classes.
    duplicates, missing : str
        Policies for cities printed twice and not printed (:func:`compare_partitions`).
    columns : sequence of str, optional
        Variables to use.
    order_by : pandas.Series, optional
        Strength that numbers the classes (default the row mean).

    Returns
    -------
    pandas.DataFrame
        One row per combination, best ARI first.

    Examples
    --------
    >>> from vitality.cluster import scan_methods
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> scan = scan_methods(X, pd.Series({"p": 2, "q": 2, "r": 1, "s": 1}), linkages=("average", "single"),
    ...                     metrics=("sqeuclidean", "cityblock"), standardise=(False,), k=2)
    >>> scan[["method", "metric", "standardise", "ari", "n_same"]]
        method       metric standardise  ari  n_same
    0  average  sqeuclidean        none  1.0       4
    1  average    cityblock        none  1.0       4
    2   single  sqeuclidean        none  1.0       4
    3   single    cityblock        none  1.0       4
    """
    from sklearn.metrics import adjusted_rand_score

    ks = [k] if isinstance(k, (int, np.integer)) else list(k)
    stds = [_std_choice(s) for s in standardise]
    for m in linkages:
        if m not in LINKAGES:
            raise ConfigError(f"linkage {m!r} is not known; choose from {LINKAGES}.")
    for d in metrics:
        if d not in METRICS:
            raise ConfigError(f"metric {d!r} is not known; choose from {METRICS}.")
    raw = prepare(data, columns=columns, standardise=False)
    strength = raw.mean(axis=1) if order_by is None else order_by.reindex(raw.index)
    # the published side once: same policies as compare_partitions
    ref = compare_partitions(published, pd.Series(1, index=raw.index), duplicates=duplicates, missing=missing)
    use = ref.table["compared"].to_numpy()
    pub = ref.table["published"].to_numpy()[use].astype(int)
    rows = []
    for m, d, s in itertools.product(linkages, metrics, stds):
        if m in EUCLIDEAN_ONLY and d != "euclidean":
            continue
        X = prepare(raw, standardise=s).to_numpy()
        dist = pdist(X, metric=d)
        Z = _linkage(dist, m)
        coph = float(_h.cophenet(Z, dist)[0]) if m != "within" else float(np.corrcoef(_cophenetic(Z, len(X)), dist)[0, 1])
        for kk in ks:
            lab = number_by_strength(pd.Series(cut_tree_k(Z, kk), index=raw.index), strength).to_numpy()[use]
            rows.append(dict(method=m, metric=d, standardise=s or "none", k=kk,
                             ari=float(adjusted_rand_score(pub, lab)), n_same=int((pub == lab).sum()),
                             n_compared=int(use.sum()), cophenetic=coph))
    out = pd.DataFrame(rows)
    return out.sort_values("ari", ascending=False, kind="mergesort").reset_index(drop=True)


def rescale_heights(Z: np.ndarray, *, top: float = 25.0) -> np.ndarray:
    """Copy of Z with merge heights mapped linearly onto 0..``top`` (SPSS's "rescaled distance").

    SPSS documents its dendrogram axis only as "rescales the actual distances to numbers between 0
    and 25, preserving the ratio of the distances between steps". We use the affine map
    :math:`h' = \\text{top}\\,(h - h_{min})/(h_{max} - h_{min})`, which keeps the ratios of the
    differences between merge heights. The tree and every cut are unchanged; only the axis differs.

    Parameters
    ----------
    Z : numpy.ndarray
        A linkage matrix.
    top : float, default 25
        Height of the last merge after rescaling.

    Returns
    -------
    numpy.ndarray
        A copy of ``Z`` with column 2 rescaled.

    Examples
    --------
    >>> from vitality.cluster import linkage_matrix, rescale_heights
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> rescale_heights(linkage_matrix(X))[:, 2].round(3).tolist()
    [0.0, 0.039, 25.0]
    """
    Z = np.array(Z, dtype=float, copy=True)
    h = Z[:, 2]
    lo, hi = h.min(), h.max()
    Z[:, 2] = 0.0 if hi == lo else top * (h - lo) / (hi - lo)
    return Z


# ----------------------------------------------------------------------------------------------
# summaries for notebook 02 (the notebook narrates; these compute)
# ----------------------------------------------------------------------------------------------


#: The problems :func:`list_problems` reports, each with the coarse kind that
#: :func:`cluster_list_problems` and :func:`vitality.cluster.published_partition` report.
LIST_PROBLEMS = {"duplicate in list": "duplicate", "in several lists": "duplicate", "omission": "missing",
                 "unknown": "unknown"}



def list_problems(lists_long: pd.DataFrame, *, universe: Sequence[str] | None = None, group: str = "cluster",
                  unit: str = "city") -> pd.DataFrame:
    """Units printed twice in one list, in several lists, in no list, or unknown, in printed lists.

    Parameters
    ----------
    lists_long : DataFrame
        One row per printed name, in printed order: the list (column ``group``) and the name (``unit``).
    universe : sequence, optional
        Every unit the lists should hold exactly once; without it only duplicates are looked for.

    Returns
    -------
    DataFrame
        One row per problem: ``unit``, ``problem`` (a key of :data:`LIST_PROBLEMS`: 'duplicate in list'
        = printed more than once, always in the same list; 'in several lists'; 'omission' = a unit of
        the universe printed nowhere; 'unknown' = a printed name not in the universe), ``groups``
        (tuple of the lists where the unit is printed, in row order; empty for an omission) and
        ``times`` printed. Duplicates come first (order of first appearance), then omissions
        (universe order), then unknown names (order of first appearance).

    Examples
    --------
    >>> from vitality.cluster import list_problems
    >>> lists = pd.DataFrame({"cluster": [1, 1, 1, 2], "city": ["p", "q", "q", "p"]})
    >>> list_problems(lists, universe=["p", "q", "r"])
      unit            problem  groups  times
    0    p   in several lists  (1, 2)      2
    1    q  duplicate in list  (1, 1)      2
    2    r           omission      ()      0
    """
    for c in (group, unit):
        if c not in lists_long.columns:
            raise ConfigError(f"lists_long has no column {c!r}; columns: {list(lists_long.columns)}.")
    listed = lists_long.groupby(unit, sort=False)[group].agg(tuple)
    rows = [(u, "in several lists" if len(set(g)) > 1 else "duplicate in list", g, len(g))
            for u, g in listed.items() if len(g) > 1]
    if universe is not None:
        uni = list(universe)
        known = set(uni)
        rows += [(u, "omission", (), 0) for u in uni if u not in listed.index]
        rows += [(u, "unknown", g, len(g)) for u, g in listed.items() if u not in known]
    return pd.DataFrame(rows, columns=["unit", "problem", "groups", "times"])


def _cophenetic(Z: np.ndarray, n: int) -> np.ndarray:
    """Condensed cophenetic distances of a linkage matrix whose heights need not be monotone (the height of
    the merge that first joins i and j)."""
    members = {i: [i] for i in range(n)}
    C = np.zeros((n, n))
    for step, (a, b, h, _) in enumerate(Z):
        A, B = members.pop(int(a)), members.pop(int(b))
        C[np.ix_(A, B)] = h
        C[np.ix_(B, A)] = h
        members[n + step] = A + B
    iu = np.triu_indices(n, k=1)
    return C[iu]
