"""Rankings against the scores they should follow, and the weightings that reproduce a published ranking.

Stages 2 and 3 of :mod:`vitality.checks` (which re-exports every name): :func:`rank_range` (the ranks a unit
can take given the scores), :func:`check_ranking` (every disagreement of a published ranking with its scores,
classified), :func:`rank_sequence_problems` (ranks printed twice or never), and :func:`scheme_score`,
:func:`scheme_checks`, :func:`weighting_table`, :func:`weighting_scheme_test` (which weighting of the
component scores reproduces the published overall ranking).  Conventions as in :mod:`vitality.checks`.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from .aggregate import aggregate
from .errors import ConfigError
from .normalise import TIES
from .reporting import rank_agreement

__all__ = ['EPS', 'check_positive_int', 'check_ties', 'rank_range', 'check_ranking', 'rank_sequence_problems',
           'rank_slips', 'CONSISTENT_STATUSES', 'scheme_score', 'scheme_checks', 'weighting_table', 'weighting_scheme_test']

#: slack of the floating-point comparisons of printed values
EPS = 1e-9
_EPS = EPS


def check_positive_int(name: str, value) -> int:
    """``value`` as an int, or a :class:`~vitality.errors.ConfigError` naming ``name`` when it is not a positive integer.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : object
        The value given.

    Returns
    -------
    int
        ``value``.

    Examples
    --------
    >>> from vitality.checks_ranks import check_positive_int
    >>> check_positive_int("n", 46)
    46
    >>> check_positive_int("n", 0)
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: n must be a positive integer, got 0.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def check_ties(ties: str) -> None:
    """Refuse a tie rule not in :data:`vitality.normalise.TIES`.

    Parameters
    ----------
    ties : str
        The tie rule given.

    Returns
    -------
    None
        Returns quietly for a known rule.

    Examples
    --------
    >>> from vitality.checks_ranks import check_ties
    >>> check_ties("min")
    >>> check_ties("lowest")
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: ties='lowest' is not a known tie rule; choose one of ...
    """
    if ties not in TIES:
        raise ConfigError(f"ties={ties!r} is not a known tie rule; choose one of {TIES}.")


def rank_range(scores: pd.Series, *, ascending: bool = False, tol: float = 0.0) -> pd.DataFrame:
    """Best and worst rank each unit can take given the scores (ties resolved either way).

    ``lo = 1 + #{others better by more than tol}``, ``hi = #{units not worse by more than tol}``
    (``hi`` counts the unit itself). With ``tol = 0`` this is the tie range of exact ties; with
    ``tol`` = the printed precision it is every rank the unit could have had before rounding.
    Units with a missing score get missing ranks and are ignored by the others.

    Parameters
    ----------
    scores : pandas.Series
        Score of each unit.
    ascending : bool, default False
        Rank 1 = lowest score instead of highest.
    tol : float, default 0
        Differences up to ``tol`` count as ties.

    Returns
    -------
    pandas.DataFrame
        ``rank_lo`` and ``rank_hi`` (``Int64``) per unit.

    Examples
    --------
    >>> from vitality.checks import rank_range
    >>> rank_range(pd.Series({"p": 9.0, "q": 7.0, "r": 7.0, "s": 6.99}))
       rank_lo  rank_hi
    p        1        1
    q        2        3
    r        2        3
    s        4        4
    >>> rank_range(pd.Series({"p": 9.0, "q": 7.0, "r": 7.0, "s": 6.99}), tol=0.01)["rank_hi"].tolist()
    [1, 4, 4, 4]
    """
    s = pd.Series(scores, dtype=float)
    v = s.to_numpy()
    if ascending:
        v = -v
    valid = ~np.isnan(v)
    a = np.where(valid, v, -np.inf)
    better = (a[None, :] > a[:, None] + tol + _EPS) & valid[None, :]
    not_worse = (a[None, :] >= a[:, None] - tol - _EPS) & valid[None, :]
    lo = 1 + better.sum(axis=1)
    hi = not_worse.sum(axis=1)
    out = pd.DataFrame({"rank_lo": lo, "rank_hi": hi}, index=s.index).astype("Int64")
    out.loc[~valid, :] = pd.NA
    return out


# --------------------------------------------------------------------------------------------------
# 2. Rankings vs scores
# --------------------------------------------------------------------------------------------------

def check_ranking(scores: pd.Series, published: pd.Series, *, ties: str = "min", ascending: bool = False,
                  tol: float | None = None, decimals: int = 2) -> pd.DataFrame:
    """Recompute a ranking from scores and classify every disagreement with the published ranks.

    Columns of the result (indexed by unit):

    * ``score``, ``published``;
    * ``rank_lo``, ``rank_hi``: the tie range of the unit (:func:`rank_range` with ``tol = 0``);
    * ``rule_rank``: the rank under the tie rule ``ties`` (pandas ``rank(method=...)``; 'first'
      breaks ties in the published order);
    * ``recomputed``: ranks 1..N with ties broken in the published order — the ranking closest to the
      published one that the scores allow, hence the proposed correction of a wrong rank;
    * ``shift`` = published − recomputed;
    * ``status``:

      - ``'match'``: published = ``rule_rank``;
      - ``'tie handling'``: the unit is tied and its published rank is the one a different tie rule
        gives (published = ``recomputed`` ≠ ``rule_rank``);
      - ``'rounding'``: outside the tie range, but within the range the unit could have had before
        the scores were rounded (scores within ``tol`` count as tied; default ``tol`` = the printed
        precision ``10**-decimals``, the largest gap two rounded values of equal true scores can show);
      - ``'unexplained'``: anything else (including a tied unit whose group's ranks are not a
        permutation of the group's tie range);
      - ``'missing score'`` / ``'missing rank'``.

    Parameters
    ----------
    scores : pandas.Series
        Score of each unit.
    published : pandas.Series
        Published rank of each unit.
    ties : str, default "min"
        Tie rule of the published ranking (:data:`vitality.normalise.TIES`).
    ascending : bool, default False
        Rank 1 = lowest score.
    tol : float, optional
        Rounding tolerance (default the printed precision ``10**-decimals``).
    decimals : int, default 2
        Printed decimals of the scores.

    Returns
    -------
    pandas.DataFrame
        One row per unit, the columns above.

    Examples
    --------
    >>> from vitality.checks import check_ranking
    >>> scores = pd.Series({"p": 9.0, "q": 7.0, "r": 7.0, "s": 6.99, "t": 5.0})
    >>> check_ranking(scores, pd.Series({"p": 1, "q": 3, "r": 2, "s": 4, "t": 2}))[["rule_rank", "published", "status"]]
       rule_rank  published        status
    p        1.0        1.0         match
    q        2.0        3.0  tie handling
    r        2.0        2.0         match
    s        4.0        4.0         match
    t        5.0        2.0   unexplained
    """
    check_ties(ties)
    tol = 10.0 ** (-decimals) if tol is None else float(tol)
    idx = published.index.union(scores.index, sort=False)
    s = pd.Series(scores, dtype=float).reindex(idx)
    p = pd.Series(published).reindex(idx).astype("Float64").astype(float)
    exact = rank_range(s, ascending=ascending, tol=0.0)
    loose = rank_range(s, ascending=ascending, tol=tol)
    method = ties
    key = s if ascending else -s
    order = pd.DataFrame({"key": key, "pub": p, "pos": np.arange(len(idx))}, index=idx)
    valid = s.notna()
    ranked = order[valid].sort_values(["key", "pub", "pos"], kind="mergesort", na_position="last")
    recomputed = pd.Series(np.arange(1, len(ranked) + 1), index=ranked.index).reindex(idx)
    if ties == "first":
        rule = recomputed.astype(float)
    else:
        rule = key[valid].rank(method=method).reindex(idx)
    out = pd.DataFrame({"score": s, "published": p, "rank_lo": exact["rank_lo"], "rank_hi": exact["rank_hi"],
                        "rule_rank": rule, "recomputed": recomputed.astype("Int64")}, index=idx)
    out["shift"] = (p - recomputed).astype("Float64")
    lo, hi = exact["rank_lo"].astype(float), exact["rank_hi"].astype(float)
    llo, lhi = loose["rank_lo"].astype(float), loose["rank_hi"].astype(float)
    in_exact = (p >= lo) & (p <= hi)
    in_loose = (p >= llo) & (p <= lhi)
    status = np.select(
        [s.isna(), p.isna(), p == rule, p == recomputed.astype(float), in_exact, in_loose],
        ["missing score", "missing rank", "match", "tie handling", "unexplained", "rounding"],
        default="unexplained")
    out["status"] = pd.Series(status, index=idx, dtype=object)
    return out


def rank_sequence_problems(ranks: pd.Series, *, n: int | None = None, ties: str = "first") -> pd.DataFrame:
    """Rank values printed twice, never, or outside 1..n.

    With ``ties='first'`` the ranks must be a permutation of 1..n: every value used twice is a
    'duplicated rank' and every value not used a 'missing rank'. With ``ties='min'`` (competition
    ranking: 1, 1, 1, 4) a value used ``c`` times must be followed by ``c − 1`` unused values; a
    duplicate without that gap is a problem and a gap not explained by a preceding duplicate is a
    missing rank (``'max'`` mirrors this: the gap precedes the shared value). Other rules
    ('dense', 'average') are not sequence-checkable and raise.

    Returns one row per problem: ``problem``, ``rank``, ``units`` (tuple of units carrying it),
    ``count``.

    Parameters
    ----------
    ranks : pandas.Series
        Printed ranks by unit.
    n : int, optional
        Number of ranked units (default the length of ``ranks``).
    ties : {"first", "min", "max"}, default "first"
        Tie rule the sequence should follow.

    Returns
    -------
    pandas.DataFrame
        One row per problem, by rank.

    Examples
    --------
    >>> from vitality.checks import rank_sequence_problems
    >>> rank_sequence_problems(pd.Series({"p": 1, "q": 2, "r": 2, "s": 4}))
               problem  rank   units  count
    0  duplicated rank   2.0  (q, r)      2
    1     missing rank   3.0      ()      0
    >>> rank_sequence_problems(pd.Series({"p": 1, "q": 2, "r": 2, "s": 4}), ties="min").empty
    True
    """
    check_ties(ties)
    if ties not in ("first", "min", "max"):
        raise ConfigError(f"rank_sequence_problems checks ties='first', 'min' or 'max', not {ties!r}.")
    r = pd.Series(ranks).dropna()
    n = len(ranks) if n is None else check_positive_int("n", n)
    vals = r.astype(float)
    counts = vals.value_counts().sort_index()
    rows = []
    bad = vals[(vals < 1) | (vals > n) | (vals != np.round(vals))]
    for v, g in bad.groupby(bad):
        rows.append({"problem": "out of range", "rank": v, "units": tuple(g.index), "count": len(g)})
    used = set(counts.index)
    explained: set[float] = set()
    for v, c in counts.items():
        if c < 2:
            continue
        units = tuple(vals.index[vals == v])
        if ties == "first":
            rows.append({"problem": "duplicated rank", "rank": v, "units": units, "count": int(c)})
            continue
        gap = range(int(v) + 1, int(v) + int(c)) if ties == "min" else range(int(v) - int(c) + 1, int(v))
        if any(g in used for g in gap):
            rows.append({"problem": "duplicated rank", "rank": v, "units": units, "count": int(c)})
        explained.update(float(g) for g in gap)
    for v in range(1, n + 1):
        if float(v) not in used and float(v) not in explained:
            rows.append({"problem": "missing rank", "rank": float(v), "units": (), "count": 0})
    out = pd.DataFrame(rows, columns=["problem", "rank", "units", "count"])
    return out.sort_values(["rank", "problem"], kind="stable").reset_index(drop=True)


def rank_slips(check: pd.DataFrame) -> pd.DataFrame:
    """Group the unexplained disagreements of a :func:`check_ranking` table into printing slips.

    Units whose status is not in :data:`CONSISTENT_STATUSES` (not a match, a tie order or rounding) are taken
    in the order of their scores (``recomputed``). A *run* is a stretch of consecutive places whose printed
    rank is off by the same ``shift`` (published − recomputed): one slip, however many units it moves — a
    block of places printed one rank too low is one mistake, not one per city. Two adjacent runs that
    exchange places (lengths *a* and *b*, shifts +*b* and −*a*: e.g. two neighbours swapped) are one slip too.

    Parameters
    ----------
    check : pandas.DataFrame
        :func:`check_ranking` output (columns ``published``, ``recomputed``, ``shift``, ``status``).

    Returns
    -------
    pandas.DataFrame
        One row per slip, in score order: ``kind`` (``'block shifted'``, ``'one unit misplaced'``,
        ``'places exchanged'``), ``n_units``, ``first`` and ``last`` (the places, by score, it covers),
        ``shift`` (published − recomputed; for an exchange, of its first part), ``units`` and ``published``
        (tuples, in score order).

    Examples
    --------
    >>> from vitality.checks import check_ranking, rank_slips
    >>> s = pd.Series({"a": 9.0, "b": 8.0, "c": 7.0, "d": 6.0, "e": 5.0, "f": 4.0, "g": 1.0})
    >>> p = pd.Series({"a": 1, "b": 3, "c": 4, "d": 5, "e": 6, "f": 7, "g": 3})
    >>> rank_slips(check_ranking(s, p))[["kind", "n_units", "first", "last", "shift", "units"]]
                    kind  n_units  first  last  shift            units
    0      block shifted        5      2     6      1  (b, c, d, e, f)
    1  one unit misplaced        1      7     7     -4             (g,)
    """
    cols = ["kind", "n_units", "first", "last", "shift", "units", "published"]
    bad = check[~check["status"].isin(CONSISTENT_STATUSES) & check["recomputed"].notna()
                & check["published"].notna()]
    bad = bad.sort_values("recomputed", kind="stable")
    runs: list[dict] = []
    for unit, r in bad.iterrows():
        pos, shift = int(r["recomputed"]), int(r["shift"])
        if runs and runs[-1]["last"] == pos - 1 and runs[-1]["shift"] == shift:
            run = runs[-1]
            run["last"] = pos
            run["units"].append(unit)
            run["published"].append(int(r["published"]))
        else:
            runs.append({"first": pos, "last": pos, "shift": shift, "units": [unit], "published": [int(r["published"])]})
    rows, i = [], 0
    while i < len(runs):
        a = runs[i]
        len_a = a["last"] - a["first"] + 1
        if i + 1 < len(runs):
            b = runs[i + 1]
            len_b = b["last"] - b["first"] + 1
            if b["first"] == a["last"] + 1 and a["shift"] == len_b and b["shift"] == -len_a:
                rows.append({"kind": "places exchanged", "n_units": len_a + len_b, "first": a["first"],
                             "last": b["last"], "shift": a["shift"], "units": tuple(a["units"] + b["units"]),
                             "published": tuple(a["published"] + b["published"])})
                i += 2
                continue
        rows.append({"kind": "block shifted" if len_a > 1 else "one unit misplaced", "n_units": len_a,
                     "first": a["first"], "last": a["last"], "shift": a["shift"], "units": tuple(a["units"]),
                     "published": tuple(a["published"])})
        i += 1
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------------------------------
# 3. Weighting scheme
# --------------------------------------------------------------------------------------------------

#: :func:`check_ranking` statuses that count as consistent with the scores (tie order and rounding
#: forgiven; 'unexplained' and the missing statuses do not).
CONSISTENT_STATUSES = ("match", "tie handling", "rounding")


def scheme_score(scores_wide: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """The overall score of a weighting scheme: the engine's weighted arithmetic mean
    (:func:`vitality.aggregate.aggregate`) of the columns the weights name (a scheme may weight a subset;
    weights are relative). A unit missing one of those scores gets NaN (:func:`check_ranking` reports it
    as 'missing score').

    Parameters
    ----------
    scores_wide : pandas.DataFrame
        Units × components.
    weights : mapping of str to float
        Relative weight of each component used.

    Returns
    -------
    pandas.Series
        The overall score, named ``total``.

    Examples
    --------
    >>> scheme_score(pd.DataFrame({"a": [10.0, 20.0], "b": [30.0, np.nan]}), {"a": 1, "b": 1}).tolist()
    [20.0, nan]
    """
    missing = [d for d in weights if d not in scores_wide.columns]
    if missing:
        raise ConfigError(f"weights name column(s) {missing} not in the scores; columns: "
                          f"{list(scores_wide.columns)}.")
    used = scores_wide[list(weights)]
    complete = used.notna().all(axis=1)
    return aggregate(used[complete], dict(weights)).reindex(used.index).rename("total")


def scheme_checks(domain_scores: pd.DataFrame, published_overall: pd.Series,
                  schemes: Mapping[str, Mapping[str, float]], *, ties: str = "min", ascending: bool = False,
                  decimals: int = 2, tol: float | None = None) -> dict[str, pd.DataFrame]:
    """The :func:`check_ranking` table of the published overall ranking under each weighting scheme.

    Parameters
    ----------
    domain_scores : pandas.DataFrame
        One row per unit, one column per domain.
    published_overall : pandas.Series
        The published overall ranks, indexed by unit.
    schemes : mapping of str to mapping of str to float
        Scheme name → relative weights of the domains it weights.
    ties, ascending, decimals, tol
        Passed to :func:`check_ranking`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Scheme name → the :func:`check_ranking` table of the overall score of that scheme
        (:func:`scheme_score` of the weighted domains) against ``published_overall``.

    Examples
    --------
    >>> from vitality.checks import scheme_checks
    >>> scores = pd.DataFrame({"soc": [80.0, 60.0, 40.0], "eco": [20.0, 60.0, 100.0]}, index=["p", "q", "r"])
    >>> checks = scheme_checks(scores, pd.Series({"p": 3, "q": 2, "r": 1}), {"equal": {"soc": 1, "eco": 1}})
    >>> checks["equal"]["status"].tolist()
    ['match', 'match', 'match']
    """
    return {name: check_ranking(scheme_score(domain_scores, w), published_overall, ties=ties, ascending=ascending,
                                decimals=decimals, tol=tol)
            for name, w in schemes.items()}


def weighting_table(checks: Mapping[str, pd.DataFrame], schemes: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """One row per weighting scheme summarising its :func:`scheme_checks` table (see
    :func:`weighting_scheme_test`).

    Parameters
    ----------
    checks : mapping of str to pandas.DataFrame
        :func:`check_ranking` table of each scheme.
    schemes : mapping of str to mapping of str to float
        The weights of each scheme (same names).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``scheme``: the weights, ``exact``, ``consistent``, ``unexplained``, ρ, τ-b, the
        largest shift and the units that disagree.

    Examples
    --------
    >>> from vitality.checks import scheme_checks, weighting_table
    >>> scores = pd.DataFrame({"soc": [80.0, 60.0, 40.0], "eco": [20.0, 60.0, 100.0]}, index=["p", "q", "r"])
    >>> schemes = {"equal": {"soc": 1, "eco": 1}, "social": {"soc": 1}}
    >>> t = weighting_table(scheme_checks(scores, pd.Series({"p": 3, "q": 2, "r": 1}), schemes), schemes)
    >>> t[["exact", "consistent", "unexplained"]]
            exact  consistent  unexplained
    scheme
    equal       3           3             0
    social      1           1             2
    """
    rows = []
    for name, w in schemes.items():
        chk = checks[name]
        pub = chk["published"].astype(float)
        rec = chk["recomputed"].astype(float)
        agr = rank_agreement(pub, rec)
        typos = chk.index[chk["status"] == "unexplained"]
        total = sum(float(v) for v in w.values())
        rows.append({"scheme": name,
                     "weights": ", ".join(f"{d} {float(v) / total:.4g}" for d, v in w.items()),
                     "n": agr.n, "exact": agr.exact,
                     "consistent": int(chk["status"].isin(CONSISTENT_STATUSES).sum()),
                     "unexplained": len(typos), "spearman": agr.spearman, "kendall": agr.kendall,
                     "max_shift": agr.max_shift, "max_shift_units": "、".join(map(str, agr.max_shift_units)),
                     "disagreeing": "、".join(map(str, typos))})
    return pd.DataFrame(rows).set_index("scheme")


def weighting_scheme_test(domain_scores: pd.DataFrame, published_overall: pd.Series,
                          schemes: Mapping[str, Mapping[str, float]], *, ties: str = "min",
                          ascending: bool = False, decimals: int = 2, tol: float | None = None) -> pd.DataFrame:
    """Which weighting of the domain scores reproduces the published overall ranking?

    For each scheme the overall score is :func:`scheme_score` of the domains the scheme
    weights (relative weights) and the ranking is checked with
    :func:`check_ranking` (so ties and rounding are not counted as misses; the per-scheme tables are
    :func:`scheme_checks`). Reported per scheme:
    ``exact`` (published = recomputed, ties broken in the published order), ``consistent``
    (status match / tie handling / rounding), ``unexplained``, Spearman ρ, Kendall τ-b and the
    largest shift (:func:`vitality.reporting.rank_agreement` of published vs recomputed), and the
    units that disagree.

    Parameters
    ----------
    domain_scores : pandas.DataFrame
        Units × domains of printed scores.
    published_overall : pandas.Series
        Published overall rank of each unit.
    schemes : mapping of str to mapping of str to float
        Named weightings to try.
    ties, ascending, decimals, tol
        As in :func:`check_ranking`.

    Returns
    -------
    pandas.DataFrame
        One row per scheme (:func:`weighting_table`).

    Examples
    --------
    >>> from vitality.checks import weighting_scheme_test
    >>> scores = pd.DataFrame({"soc": [80.0, 60.0, 40.0], "eco": [20.0, 60.0, 100.0]}, index=["p", "q", "r"])
    >>> t = weighting_scheme_test(scores, pd.Series({"p": 1, "q": 2, "r": 3}), {"equal": {"soc": 1, "eco": 1},
    ...                           "social": {"soc": 1}})
    >>> t["exact"].to_dict()
    {'equal': 1, 'social': 3}
    """
    checks = scheme_checks(domain_scores, published_overall, schemes, ties=ties, ascending=ascending,
                           decimals=decimals, tol=tol)
    return weighting_table(checks, schemes)
