"""Notebook 02 (四(二), 图表 9): the published five classes against every linkage, tables and sentences."""

from __future__ import annotations

from typing import Mapping, Sequence

import pandas as pd

from ..cluster import PartitionComparison
from ..reporting import Strength, compare_values
from .labels import method_label

__all__ = ['class_sizes', 'scan_choice', 'scan_summary', 'search_counts', 'unprinted_summary', 'classes_table', 'verdict_table',
           'SPSS_LINKAGES', 'plain_verdict', 'class_brackets']


def class_sizes(published: pd.DataFrame, partition: pd.Series) -> pd.DataFrame:
    """Names printed per class beside the distinct cities the comparison uses.

    Parameters
    ----------
    published : DataFrame
        The printed long table (column ``cluster``; one row per printed name).
    partition : Series
        City → class as used (:func:`published_partition`).

    Returns
    -------
    DataFrame indexed by ``class`` with columns ``printed names`` and ``distinct cities used``.
    """
    return pd.DataFrame({"printed names": published["cluster"].astype(int).value_counts().sort_index(),
                         "distinct cities used": partition.value_counts().sort_index()}).rename_axis("class")



def scan_choice(row) -> dict:
    """The clustering choice of one :func:`scan_methods` row, as keyword arguments.

    Returns
    -------
    dict with ``method``, ``metric``, ``standardise`` (``False`` for the scan's ``'none'``) and ``k``
    (int), ready for :func:`linkage_matrix` / :func:`cluster_cities`.
    """
    std = False if row["standardise"] == "none" else row["standardise"]
    return {"method": row["method"], "metric": row["metric"], "standardise": std, "k": int(row["k"])}



def scan_summary(scan: pd.DataFrame, stated_scan: pd.DataFrame, stated: PartitionComparison, *, method: str,
                 metric: str, standardise=False, k: int, ks: Sequence[int]) -> str:
    """One Markdown paragraph: how many combinations reproduce the published classes, and the stated one.

    Parameters
    ----------
    scan : DataFrame
        :func:`scan_methods` at the report's ``k``.
    stated_scan : DataFrame
        :func:`scan_methods` of the stated linkage and metric over ``ks``.
    stated : PartitionComparison
        The stated method at ``k``.
    method, metric, standardise, k, ks
        The stated choice and the numbers of classes of ``stated_scan``.
    """

    ks_list = [int(x) for x in ks]
    ks_txt = (f"{ks_list[0]}–{ks_list[-1]}" if len(ks_list) > 2 and ks_list == list(range(ks_list[0], ks_list[-1] + 1))
              else ", ".join(map(str, ks_list)))
    perfect = scan[scan["ari"] == 1.0]
    names = "; ".join(method_label(r.method, r.metric, r.standardise, "en") for r in perfect.itertuples())
    return (f"**{len(perfect)} of {len(scan)} combinations scanned give the published classes exactly (ARI = 1)**"
            + (f": {names} (found by search, not named by the report)." if len(perfect) else ".")
            + f" The stated method ({method_label(method, metric, standardise, 'en')}) reaches ARI "
            f"{stated.ari:.3f} at k = {k}, and at most {stated_scan['ari'].max():.3f} at any k = {ks_txt} "
            f"(raw or standardised).")



def search_counts(scan: pd.DataFrame) -> tuple[int, int]:
    """``(combinations scanned, combinations giving the published classes exactly)`` of a :func:`scan_methods`
    table: what :func:`vitality.reporting.verdict` needs (``found_by_search``) to word the best match of the scan
    as found by searching, not as a reproduction."""
    return len(scan), int((scan["ari"] == 1.0).sum())


def unprinted_summary(comparison: PartitionComparison, *, what: str = "Best match", label=None) -> str:
    """One sentence: ARI, cities in the same class, and the class given to each city not compared (``label`` maps
    a city to its display name)."""
    t = comparison.table
    unprinted = t.index[~t["compared"]].tolist()
    name = label or (lambda c: c)
    return (f"{what}: ARI = {comparison.ari:.3f}, {comparison.n_same} of {comparison.n_compared} cities in the "
            f"same numbered class. Cities not compared, with the class this method gives them: "
            + ", ".join(f"{name(c)} → {t.at[c, 'reproduced']}" for c in unprinted) + ".")



def classes_table(city_en: pd.Series, overall: pd.Series, stated: PartitionComparison,
                  best: PartitionComparison) -> pd.DataFrame:
    """City by city: published class beside the classes of the stated method and of the best match.

    Returns
    -------
    DataFrame indexed like ``overall`` with ``city_en``, ``overall_index``, ``published_class``,
    ``reproduced_stated``, ``reproduced_best`` and ``note`` (printing problems, from ``stated``).
    """
    return pd.DataFrame({
        "city_en": city_en.reindex(overall.index),
        "overall_index": overall,
        "published_class": stated.table["published"],
        "reproduced_stated": stated.table["reproduced"],
        "reproduced_best": best.table["reproduced"],
        "note": stated.table["note"],
    })



def verdict_table(comparisons: Mapping[str, PartitionComparison], *,
                  found_by_search: Sequence[str] = ()) -> pd.DataFrame:
    """Published beside reproduced class for every compared city, for several reproductions.

    Parameters
    ----------
    comparisons : mapping of str to PartitionComparison
        Name → comparison; the cities compared and their published classes are those of the first.
    found_by_search : sequence of str
        Names of the comparisons whose method was found by scanning for the best fit rather than named by the
        report: a city in its published class is then **consistent with**, not **reproduces**.

    Returns
    -------
    DataFrame indexed by (``method``, ``city``): :func:`vitality.reporting.compare_values` of the
    published and the reproduced class numbers, with the verdict word of each row (``strength``).
    """

    first = next(iter(comparisons.values())).table
    compared = first["compared"]
    pub = first.loc[compared, "published"].astype(float)
    parts = {}
    for name, c in comparisons.items():
        v = compare_values(pub, c.table.loc[compared, "reproduced"].astype(float))
        agree = Strength.CONSISTENT if name in found_by_search else Strength.REPRODUCES
        v["strength"] = [(agree if st == "match" else Strength.DIFFERS).value for st in v["status"]]
        parts[name] = v
    return pd.concat(parts, names=["method", "city"])



#: Linkages on SPSS's menu of hierarchical methods: between-groups (average), within-groups (within), nearest
#: neighbour (single), furthest neighbour (complete), centroid, median, Ward (SPSS has no WPGMA, ``weighted``).
SPSS_LINKAGES = ("average", "within", "complete", "single", "ward", "centroid", "median")
#: plain English names of the linkages, SPSS's wording where SPSS has the method
LINKAGE_WORDS = {"average": "between-groups (UPGMA)", "within": "within-groups", "single": "nearest neighbour",
                 "complete": "furthest neighbour", "centroid": "centroid", "median": "median", "ward": "Ward",
                 "weighted": "WPGMA (not in SPSS)"}



def plain_verdict(scan: pd.DataFrame, stated: PartitionComparison, problems: pd.DataFrame, *, method: str,
                  metric: str, standardise=False, corrected: bool = False, label=None) -> str:
    """The verdict in plain words: the stated method's ARI, which methods reproduce the classes
    (and which of them SPSS offers), and the printing slips.

    Parameters
    ----------
    scan : DataFrame
        :func:`scan_methods`, best first.
    stated : PartitionComparison
        The stated method.
    problems : DataFrame
        Printing problems (:func:`published_partition`; columns ``city``, ``kind``).
    method, metric, standardise
        The stated choice.
    corrected : bool
        Whether the scores are the corrected ones (errata applied).
    label : callable, optional
        Maps a city to its display name (English runs name cities in English).
    """

    perfect = scan[scan["ari"] == 1.0]
    perfect_spss = perfect[perfect["method"].isin(SPSS_LINKAGES)]
    names = "; ".join(method_label(r.method, r.metric, r.standardise, "en") for r in perfect.itertuples())
    which = "the corrected scores (errata applied)" if corrected else "the printed scores"
    plain = (f"In plain words: with {which}, the method named in the caption of 图表 9 "
             f"({method_label(method, metric, standardise, 'en')}) gives ARI {stated.ari:.3f}; ")
    if len(perfect):
        spss = "; ".join(method_label(r.method, r.metric, r.standardise, "en") for r in perfect_spss.itertuples())
        only = "only " if len(perfect_spss) == 1 else ""
        plain += (f"{len(perfect)} of the {len(scan)} combinations scanned give the published classes exactly "
                  f"(ARI = 1): {names}. They were found by searching for the best fit, not named by the caption, so "
                  f"the printed classes are **{Strength.CONSISTENT}** them, not reproduced. "
                  + (f"Of these, {only}{spss} {'is' if len(perfect_spss) == 1 else 'are'} on SPSS's menu; the classes "
                     f"may have been made with it while the caption of 图表 9 names another method (or the figure and "
                     f"the lists come from different runs) — the data cannot tell which. " if len(perfect_spss) else
                     "None of them is on SPSS's menu. "))
    else:
        plain += f"no method of the grid gives them exactly (best ARI {scan.iloc[0]['ari']:.3f}). "
    best_spss = (scan[scan["method"].isin(SPSS_LINKAGES)].sort_values("ari", ascending=False, kind="stable")
                 .drop_duplicates("method"))
    plain += ("Best ARI per SPSS linkage (any distance and standardisation scanned): "
              + ", ".join(f"{LINKAGE_WORDS.get(r.method, r.method)} {r.ari:.3f}" for r in best_spss.itertuples()) + ". ")
    name = label or (lambda c: c)
    return plain + "Printing slips: " + ", ".join(f"{name(r.city)} ({r.kind})" for r in problems.itertuples()) + "."


def class_brackets(comparison) -> list[str]:
    """Leaf annotations ``[n]`` (published class) or ``[—]`` (not printed) for :func:`dendrogram`.

    Parameters
    ----------
    comparison : vitality.cluster.PartitionComparison
        Its ``table['published']`` gives the published class per city, in data order.
    """
    return ["[" + ("—" if pd.isna(p) else str(p)) + "]" for p in comparison.table["published"]]
