"""Audit a published rank-scored index against itself: which printed numbers hold together.

A composite index published as tables of scores and ranks carries redundant information: the scores
fix the ranks, the scoring rule fixes which score values are possible at all, the overall ranking fixes
the weights, the cluster lists must partition the units, and the printed statistics must follow from
the printed data. Every function here takes plain pandas objects plus the rule and reports where that
redundancy breaks. None of them knows the report's answers: they are tested on synthetic tables with
planted errors (``tests/siis/test_audit.py``).

Stages (one section of ``notebooks/06_audit.ipynb`` each)

1. **Score granularity** — :func:`infer_grid`, :func:`infer_grids`, :func:`on_grid`, :func:`off_grid`,
   :func:`best_candidates`. Under rank scoring (indicator score = 100 · rank / n) a domain score that
   is the mean of ``k`` indicator scores is ``100 · m / (k · n)`` with ``m`` the integer sum of ``k``
   ranks; printed values must sit on that grid after rounding.
2. **Rankings vs scores** — :func:`rank_range`, :func:`check_ranking`, :func:`rank_sequence_problems`.
3. **Weighting scheme** — :func:`weighting_scheme_test`, :func:`plausible_schemes` (the overall score
   is :func:`scheme_score`, the engine's weighted mean).
4. **Clusters** — :func:`vitality.cluster.list_problems` (units printed twice, in no list, or unknown),
   :func:`linkage_scan`.
5. **Statistics** — :func:`correlation_check`, :func:`regression_check` (recomputed with
   :func:`vitality.stats.pearson_matrix`, :func:`vitality.stats.p_from_r` and :func:`vitality.stats.ols`).
6. **Lists in the text** — :func:`list_coverage` (units in neither of two complementary lists).

Stage 1 lives in :mod:`vitality.checks_grid`, stages 2 and 3 in :mod:`vitality.checks_ranks`, the rest here;
every name is importable from :mod:`vitality.checks`.

The report layer applies all of them to the 2015 report (:func:`vitality.siis.audit.audit_report`), which
knows its tables; nothing here does.

Conventions: higher scores are better (rank 1 = highest) unless ``ascending=True``; "printed
precision" is ``10**-decimals``; a printed value stands for any true value within half a unit of it.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from . import cluster as vcluster
from .checks_grid import (
    best_candidates,
    fmt_number,
    grid_position,
    half_unit,
    infer_grid,
    infer_grids,
    off_grid,
    on_grid,
    transpositions,
)
from .checks_ranks import (
    CONSISTENT_STATUSES,
    check_ranking,
    rank_range,
    rank_sequence_problems,
    rank_slips,
    scheme_checks,
    scheme_score,
    weighting_scheme_test,
    weighting_table,
)
from .checks_ranks import EPS as _EPS
from .errors import ConfigError
from .reporting import printed_decimals
from .stats import ols, p_from_r, pearson_matrix

__all__ = ['FINDING_COLUMNS', 'half_unit', 'fmt_number', 'grid_position', 'on_grid', 'infer_grid', 'infer_grids',
           'transpositions', 'rank_range', 'off_grid', 'best_candidates', 'check_ranking', 'rank_sequence_problems',
           'rank_slips', 'CONSISTENT_STATUSES', 'scheme_score', 'scheme_checks', 'weighting_table', 'weighting_scheme_test',
           'linkage_scan', 'correlation_check', 'regression_check', 'list_coverage', 'hypotheses_table',
           'hypotheses_summary']

#: Columns of a findings table (``data/errata.csv`` adds ``id`` and ``status``).
FINDING_COLUMNS = ("location", "item", "city", "domain", "printed_value", "proposed_value", "kind",
                   "severity", "evidence")
#: Tie rules understood by :func:`check_ranking` and :func:`rank_sequence_problems`.


# --------------------------------------------------------------------------------------------------
# 4. Clusters
# --------------------------------------------------------------------------------------------------

def linkage_scan(scores_wide: pd.DataFrame, published: pd.DataFrame | pd.Series, *,
                 methods: Sequence[str] | None = None, metrics: Sequence[str] | None = None,
                 standardise: Sequence[bool] = (False, True), n_clusters: int | None = None) -> pd.DataFrame:
    """Which hierarchical clustering reproduces a published partition?

    Runs :func:`vitality.cluster.scan_methods` (every linkage ``method`` × distance ``metric`` ×
    ``standardise``; defaults :data:`vitality.cluster.LINKAGES`, :data:`vitality.cluster.METRICS`; tree
    cut into ``n_clusters``, default the number of published classes; a unit printed twice keeps its
    first class) and adds, per combination, ``agree``: units in the best one-to-one matching of
    computed to published classes (Hungarian assignment on the contingency table, so it does not
    depend on how classes are numbered), and ``placed``: the published class each unit the lists
    omit is matched to (``unit→class``).

    ``published`` is the printed long table (``cluster``, ``city``[, ``position``]) or a Series unit →
    class (integers).

    Parameters
    ----------
    scores_wide : pandas.DataFrame
        Units × variables clustered.
    published : pandas.DataFrame or pandas.Series
        The printed classes.
    methods, metrics : sequence of str, optional
        Linkages and distances to try.
    standardise : sequence of bool, default (False, True)
        Standardisations to try.
    n_clusters : int, optional
        Classes of the cut (default the number printed).

    Returns
    -------
    pandas.DataFrame
        One row per combination, best ARI first.

    Examples
    --------
    >>> from vitality.checks import linkage_scan
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1, 1.1], "b": [2.0, 2.1, 6.0, 6.3, 2.2]}, index=list("pqrst"))
    >>> printed = pd.DataFrame({"cluster": [1, 1, 2, 2], "city": ["r", "s", "p", "q"]})  # t is not printed
    >>> scan = linkage_scan(X, printed, methods=("average",), metrics=("sqeuclidean",), standardise=(False,))
    >>> best = scan.iloc[0]
    >>> best["method"], float(best["ari"]), int(best["agree"]), int(best["n"]), best["placed"]
    ('average', 1.0, 4, 4, 't→2')
    """
    from scipy.optimize import linear_sum_assignment


    methods = tuple(methods or vcluster.LINKAGES)
    metrics = tuple(metrics or vcluster.METRICS)
    # the published classes of the clustered units, read as scan_methods reads them
    ref = vcluster.compare_partitions(published if isinstance(published, pd.DataFrame) else pd.Series(published),
                                      pd.Series(1, index=scores_wide.index)).table
    pub = ref.loc[ref["compared"], "published"].astype(int)
    k = int(n_clusters or pub.nunique())
    scan = vcluster.scan_methods(scores_wide, pub, linkages=methods, metrics=metrics,
                                 standardise=standardise, k=k)
    omitted = [u for u in scores_wide.index if u not in pub.index]
    agree, placed = [], []
    for r in scan.itertuples():                      # one clustering per combination (a few dozen)
        lab = vcluster.cluster_cities(scores_wide, method=r.method, metric=r.metric,
                                      standardise=r.standardise != "none", k=k)
        ct = pd.crosstab(pub, lab[pub.index])
        rows, cols = linear_sum_assignment(-ct.to_numpy())
        mapping = {ct.columns[j]: ct.index[i] for i, j in zip(rows, cols)}
        agree.append(int(ct.to_numpy()[rows, cols].sum()))
        placed.append("、".join(f"{u}→{mapping.get(lab[u], '?')}" for u in omitted))
    out = scan.assign(standardise=scan["standardise"] != "none", agree=agree, n=len(pub), n_clusters=k,
                      placed=placed)
    cols = ["method", "metric", "standardise", "ari", "agree", "n", "n_clusters", "n_same", "cophenetic", "placed"]
    out = out[cols]
    return out.sort_values(["ari", "agree"], ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# 5. Printed statistics
# --------------------------------------------------------------------------------------------------

_decimals_of = printed_decimals


def correlation_check(scores_wide: pd.DataFrame, published_long: pd.DataFrame, *, decimals: int | None = None,
                      method: str = "pearson") -> pd.DataFrame:
    """Recompute a printed correlation matrix from the data and compare, pair by pair.

    ``published_long`` has columns ``row_domain``, ``col_domain``, ``r`` and optionally ``p_printed``,
    ``n``. Each unordered pair is reported once: ``published``, ``recomputed``, ``difference``,
    ``status`` ('match' when within half a unit of the printed precision — ``decimals`` or, if None,
    the decimals of the printed value), ``p_recomputed``, ``p_printed`` and ``p_consistent`` (whether
    the printed p follows from the printed r and n, within its printed precision). ``n`` is the printed
    n where given, else the number of units with both scores.

    The recomputed r and its p are :func:`vitality.stats.pearson_matrix` (pairwise deletion); the p
    implied by the printed r is :func:`vitality.stats.p_from_r`, the formula ``pearson_matrix`` uses.
    Only ``method='pearson'`` is understood.

    Parameters
    ----------
    scores_wide : pandas.DataFrame
        Units × variables.
    published_long : pandas.DataFrame
        The printed correlations, one row per pair.
    decimals : int, optional
        Printed decimals (default read from each printed r).
    method : {"pearson"}
        Only Pearson's r.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair (index ``pair``).

    Examples
    --------
    >>> from vitality.checks import correlation_check
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5]})
    >>> printed = pd.DataFrame({"row_domain": ["a"], "col_domain": ["b"], "r": [0.80]})
    >>> correlation_check(X, printed)[["published", "recomputed", "status"]]
          published  recomputed status
    pair
    a×b         0.8         0.8  match
    """
    if method != "pearson":
        raise ConfigError(f"method={method!r} is not supported; correlation_check recomputes 'pearson' "
                          f"correlations only.")
    pl = published_long[published_long["row_domain"] != published_long["col_domain"]].copy()
    key = pl.apply(lambda r: tuple(sorted((r["row_domain"], r["col_domain"]),
                                          key=list(scores_wide.columns).index)), axis=1)
    pl = pl.assign(pair=key).drop_duplicates("pair")
    rec_all = pearson_matrix(scores_wide, columns=list(scores_wide.columns), pairs="upper").set_index(["x", "y"])
    rows = []
    for _, r in pl.iterrows():
        a, b = r["pair"]
        rec = float(rec_all.at[(a, b), "r"])
        dec = _decimals_of(r["r"]) if decimals is None else decimals
        diff = rec - float(r["r"])
        n = int(r["n"]) if "n" in r and pd.notna(r.get("n")) else int(rec_all.at[(a, b), "n"])
        p_rec = float(rec_all.at[(a, b), "p"])
        p_pub_r = float(p_from_r(float(r["r"]), n))
        p_txt = str(r.get("p_printed", "") or "")
        p_ok = pd.NA
        if p_txt.strip():
            pd_dec = len(p_txt.strip().lstrip("0").split(".")[-1]) if "." in p_txt else 0
            p_ok = bool(abs(p_pub_r - float(p_txt)) <= half_unit(pd_dec) + _EPS)
        rows.append({"pair": f"{a}×{b}", "row_domain": a, "col_domain": b, "published": float(r["r"]),
                     "recomputed": rec, "difference": diff,
                     "status": "match" if abs(diff) <= half_unit(dec) + _EPS else "differs",
                     "p_printed": p_txt, "p_from_printed_r": p_pub_r, "p_recomputed": p_rec,
                     "p_consistent": p_ok, "n": n})
    return pd.DataFrame(rows).set_index("pair")


def regression_check(y_wide: pd.DataFrame, x: pd.Series, published: pd.DataFrame, *,
                     decimals: int | None = None) -> pd.DataFrame:
    """Recompute simple regressions ``y ~ x`` (one per column of ``y_wide``) and compare r and R².

    ``published`` is indexed like the columns of ``y_wide`` with columns ``r`` and ``r_squared``.
    Reports ``r_published``, ``r_recomputed``, ``r_difference``, ``r2_published``, ``r2_recomputed``,
    ``status`` ('match' when r is within half a printed unit) and ``r2_consistent``: whether the
    printed R² equals r² for some r that rounds to the printed r (internal consistency of the table).
    The fit is :func:`vitality.stats.ols` (units missing y or x left out; ``n`` says how many are used).

    Parameters
    ----------
    y_wide : pandas.DataFrame
        Units × dependent variables.
    x : pandas.Series
        The regressor by unit.
    published : pandas.DataFrame
        Printed ``r`` and ``r_squared`` by column of ``y_wide``.
    decimals : int, optional
        Printed decimals (default read from each printed value).

    Returns
    -------
    pandas.DataFrame
        One row per column (index ``domain``).

    Examples
    --------
    >>> from vitality.checks import regression_check
    >>> y = pd.DataFrame({"total": [2.0, 1, 4, 3, 5]})
    >>> printed = pd.DataFrame({"r": [0.80], "r_squared": [0.64]}, index=["total"])
    >>> regression_check(y, pd.Series([1.0, 2, 3, 4, 5]), printed)[["r_published", "r_recomputed", "status", "r2_consistent"]]
            r_published  r_recomputed status  r2_consistent
    domain
    total           0.8           0.8  match           True
    """
    unknown = [col for col in published.index if col not in y_wide.columns]
    if unknown:
        raise ConfigError(f"published regression row {unknown[0]!r} has no column in y_wide "
                          f"({list(y_wide.columns)}).")
    fit = ols(y_wide[list(published.index)].astype(float), pd.Series(x, dtype=float))
    rows = []
    for col in published.index:
        rec = float(fit.at[col, "r"])
        r_pub = float(published.at[col, "r"])
        r2_pub = float(published.at[col, "r_squared"])
        dec = _decimals_of(r_pub) if decimals is None else decimals
        d2 = _decimals_of(r2_pub) if decimals is None else decimals
        lo_r, hi_r = abs(r_pub) - half_unit(dec), abs(r_pub) + half_unit(dec)
        r2_ok = bool(lo_r ** 2 - half_unit(d2) - _EPS <= r2_pub <= hi_r ** 2 + half_unit(d2) + _EPS)
        rows.append({"domain": col, "n": int(fit.at[col, "n"]), "r_published": r_pub, "r_recomputed": rec,
                     "r_difference": rec - r_pub, "r2_published": r2_pub,
                     "r2_recomputed": float(fit.at[col, "r_squared"]),
                     "status": "match" if abs(rec - r_pub) <= half_unit(dec) + _EPS else "differs",
                     "r2_consistent": r2_ok})
    return pd.DataFrame(rows).set_index("domain")


# --------------------------------------------------------------------------------------------------
# 6. Lists in the text
# --------------------------------------------------------------------------------------------------

def list_coverage(lists: Mapping[str, Sequence[str]], universe: Sequence[str], *,
                  pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """For each pair of lists meant to split the units in two: who is in neither, who in both.

    A list name absent from ``lists`` is reported as 'not printed' (its complement is then implied,
    and only overlap/coverage of the printed one can be checked). Returns one row per pair:
    ``pair``, ``printed`` (which of the two exist), ``sizes``, ``neither`` (units, tuple),
    ``n_neither``, ``both`` (tuple), ``n_both``.

    Parameters
    ----------
    lists : mapping of str to sequence of str
        The printed lists by name.
    universe : sequence of str
        Every unit.
    pairs : sequence of (str, str)
        The pairs of list names meant to be complementary.

    Returns
    -------
    pandas.DataFrame
        One row per pair (index ``pair``).

    Examples
    --------
    >>> from vitality.checks import list_coverage
    >>> t = list_coverage({"east": ["p", "q"], "west": ["q", "r"]}, ["p", "q", "r", "s"], pairs=[("east", "west")])
    >>> t[["neither", "both"]]
              neither  both
    pair
    east/west    (s,)  (q,)
    """
    uni = list(universe)
    rows = []
    for a, b in pairs:
        la, lb = lists.get(a), lists.get(b)
        sa, sb = set(la or ()), set(lb or ())
        printed = [x for x, lst in ((a, la), (b, lb)) if lst is not None]
        neither = tuple(u for u in uni if u not in sa and u not in sb) if la is not None and lb is not None else ()
        both = tuple(u for u in uni if u in sa and u in sb)
        rows.append({"pair": f"{a}/{b}", "printed": "、".join(printed) if printed else "none",
                     "missing_list": "、".join(x for x in (a, b) if x not in printed),
                     "sizes": " + ".join(f"{x} {len(lists[x])}" for x in printed),
                     "neither": neither, "n_neither": len(neither), "both": both, "n_both": len(both)})
    return pd.DataFrame(rows).set_index("pair")


# --------------------------------------------------------------------------------------------------
# Everything on a ReportData, as findings
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Summary sentences and figures (the notebook narrates; these compute and draw)
# --------------------------------------------------------------------------------------------------


def hypotheses_table(published: pd.Series, variants: Mapping[str, pd.Series], tol: pd.Series | float) -> pd.DataFrame:
    """Every hypothesis (a way the printed number might have been computed) against every printed number.

    Parameters
    ----------
    published : Series
        The printed numbers, indexed by target (e.g. a pair of domains, or (outcome, statistic)).
    variants : mapping of str to Series
        Hypothesis name → the value it gives for each target (same index; a missing value = not
        applicable).
    tol : Series or float
        Half a unit of each printed value's last decimal.

    Returns
    -------
    DataFrame
        One row per (target, hypothesis): ``published``, ``value``, ``difference``, ``reproduces`` (bool,
        within ``tol``), in the order of ``variants``.

    Examples
    --------
    >>> pub = pd.Series({"a": 0.50})
    >>> t = hypotheses_table(pub, {"h1": pd.Series({"a": 0.52}), "h2": pd.Series({"a": 0.503})}, 0.005)
    >>> t["reproduces"].tolist()
    [False, True]
    """
    tol_s = tol if isinstance(tol, pd.Series) else pd.Series(float(tol), index=published.index)
    parts = []
    for name, v in variants.items():
        v = pd.Series(v, dtype=float).reindex(published.index)
        diff = v - published.astype(float)
        parts.append(pd.DataFrame({"target": list(published.index), "hypothesis": name,
                                   "published": published.astype(float).to_numpy(), "value": v.to_numpy(),
                                   "difference": diff.to_numpy(),
                                   "reproduces": (diff.abs() <= tol_s.reindex(published.index) + 1e-12).to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    return out


def hypotheses_summary(table: pd.DataFrame, *, label=str) -> pd.DataFrame:
    """Per printed number: which hypotheses of :func:`hypotheses_table` reproduce it, the closest one and
    how many were tried ("none" when no hypothesis does: declared unexplained by the tried set).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`hypotheses_table` output.
    label : callable, default str
        Display name of a hypothesis.

    Returns
    -------
    pandas.DataFrame
        One row per printed number (index ``target``).

    Examples
    --------
    >>> from vitality.checks import hypotheses_summary, hypotheses_table
    >>> pub = pd.Series({"r1": 0.50, "r2": 0.70})
    >>> t = hypotheses_table(pub, {"h1": pd.Series({"r1": 0.52, "r2": 0.701}), "h2": pd.Series({"r1": 0.503, "r2": 0.68})}, 0.005)
    >>> hypotheses_summary(t)[["n_tried", "reproduced_by", "closest"]]
            n_tried reproduced_by closest
    target
    r1            2            h2      h2
    r2            2            h1      h1
    """
    rows = []
    for target, t in table.groupby("target", sort=False):
        ok = t[t["reproduces"]]
        close = t.loc[t["difference"].abs().idxmin()] if t["difference"].notna().any() else None
        rows.append({"target": label(target), "published": float(t["published"].iloc[0]),
                     "n_tried": int(t["value"].notna().sum()),
                     "reproduced_by": "; ".join(ok["hypothesis"]) if len(ok) else "none",
                     "closest": close["hypothesis"] if close is not None else "",
                     "closest_value": float(close["value"]) if close is not None else np.nan,
                     "closest_difference": float(close["difference"]) if close is not None else np.nan})
    return pd.DataFrame(rows).set_index("target")
