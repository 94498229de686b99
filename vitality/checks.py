"""Audit a published rank-scored index against itself: which printed numbers hold together.

A composite index published as tables of scores and ranks carries redundant information: the scores
fix the ranks, the scoring rule fixes which score values are possible at all, the overall ranking fixes
the weights, the cluster lists must partition the units, and the printed statistics must follow from
the printed data. Every function here takes plain pandas objects plus the rule and reports where that
redundancy breaks. None of them knows the report's answers: they are tested on synthetic tables with
planted errors (``tests/test_audit.py``).

Stages (one section of ``notebooks/06_audit.ipynb`` each)

1. **Score granularity** — :func:`infer_grid`, :func:`infer_grids`, :func:`on_grid`, :func:`off_grid`,
   :func:`best_candidates`. Under rank scoring (indicator score = 100 · rank / n) a domain score that
   is the mean of ``k`` indicator scores is ``100 · m / (k · n)`` with ``m`` the integer sum of ``k``
   ranks; printed values must sit on that grid after rounding.
2. **Rankings vs scores** — :func:`rank_range`, :func:`check_ranking`, :func:`rank_sequence_problems`.
3. **Weighting scheme** — :func:`weighting_scheme_test`, :func:`plausible_schemes` (the overall score
   is :func:`vitality.stats.overall_index`).
4. **Clusters** — :func:`vitality.io.list_problems` (units printed twice, in no list, or unknown),
   :func:`linkage_scan`.
5. **Statistics** — :func:`correlation_check`, :func:`regression_check` (recomputed with
   :func:`vitality.stats.pearson_matrix`, :func:`vitality.stats.p_from_r` and :func:`vitality.stats.ols`).
6. **Lists in the text** — :func:`list_coverage` (units in neither of two complementary lists).

:func:`audit_report` runs all of them on a :class:`vitality.io.ReportData` and returns the tables and a
findings table in the layout of ``data/errata.csv`` (see :mod:`vitality.errata`).

Conventions: higher scores are better (rank 1 = highest) unless ``ascending=True``; "printed
precision" is ``10**-decimals``; a printed value stands for any true value within half a unit of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError
from .io import list_problems
from .reporting import printed_decimals, rank_agreement
from .stats import ols, overall_index, p_from_r, pearson_matrix

__all__ = [
    "FINDING_COLUMNS", "TIE_RULES", "CONSISTENT_STATUSES", "on_grid", "grid_position", "infer_grid",
    "infer_grids", "transpositions", "off_grid", "best_candidates", "rank_range", "check_ranking",
    "rank_sequence_problems", "plausible_schemes", "weighting_scheme_test", "linkage_scan",
    "correlation_check", "regression_check", "list_coverage", "AuditResult", "audit_report", "summary_points",
    "scheme_checks", "linkage_rows", "ranking_status_counts", "ranking_problems", "statistics_comparison",
    "reconciliation_message", "verdict_table", "verdict_sentences",
    "plot_grid", "plot_rank_checks", "plot_weighting", "plot_statistics",
]

#: Columns of a findings table (``data/errata.csv`` adds ``id`` and ``status``).
FINDING_COLUMNS = ("location", "item", "city", "domain", "printed_value", "proposed_value", "kind",
                   "severity", "evidence")
#: Tie rules understood by :func:`check_ranking` and :func:`rank_sequence_problems`.
TIE_RULES = ("min", "max", "dense", "average", "ordinal")
_EPS = 1e-9


def _half_unit(decimals: int) -> float:
    return 0.5 * 10.0 ** (-decimals)


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def _check_ties(ties: str) -> None:
    if ties not in TIE_RULES:
        raise ConfigError(f"ties={ties!r} is not a known tie rule; choose one of {TIE_RULES}.")


def _fmt(x, decimals: int = 2) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{decimals}f}"


# --------------------------------------------------------------------------------------------------
# 1. Score granularity
# --------------------------------------------------------------------------------------------------

def grid_position(scores: pd.Series | np.ndarray | float, *, n: int, k: int) -> np.ndarray:
    """Position of each score on the rank-score grid: ``m = score · k · n / 100`` (float).

    On the grid, ``m`` is an integer (the sum of ``k`` ranks out of ``n``).
    """
    return np.asarray(scores, dtype=float) * k * n / 100.0


def on_grid(scores: pd.Series, *, n: int, k: int, decimals: int = 2) -> pd.Series:
    """Whether each printed score can be the rounded mean of ``k`` rank scores out of ``n``.

    A rank score is ``100 · r / n`` (r = 1..n); the mean of ``k`` of them is ``100 · m / (k · n)`` with
    ``m`` an integer in ``[k, k · n]``. A value printed with ``decimals`` decimals is on the grid when
    some such ``m`` satisfies ``|score − 100 · m / (k · n)| ≤ ½ · 10^−decimals``.

    Returns a boolean Series aligned with ``scores`` (missing scores are False).
    """
    n = _check_positive_int("n", n)
    k = _check_positive_int("k", k)
    s = pd.Series(scores, dtype=float)
    m = np.clip(np.round(grid_position(s, n=n, k=k)), k, k * n)
    exact = 100.0 * m / (k * n)
    ok = np.abs(s.to_numpy() - exact) <= _half_unit(decimals) + _EPS
    return pd.Series(ok & s.notna().to_numpy(), index=s.index, name=s.name)


def infer_grid(scores: pd.Series, *, n: int, k_max: int = 20, decimals: int = 2) -> tuple[int, pd.DataFrame]:
    """The number of averaged rank scores ``k`` that best explains a column of printed scores.

    For each ``k = 1..k_max`` counts the values on the grid ``100 · m / (k · n)`` (see :func:`on_grid`).
    Multiples of the true ``k`` explain every value the true ``k`` explains, so the smallest ``k``
    reaching the highest count is chosen.

    Returns
    -------
    k : int
    fit : DataFrame
        Indexed by ``k``: ``n_on``, ``n_off``, ``share_on``, ``step`` (= 100 / (k·n)) and ``off``
        (the labels off the grid, joined by "、"), plus ``chosen``.
    """
    k_max = _check_positive_int("k_max", k_max)
    s = pd.Series(scores, dtype=float).dropna()
    if s.empty:
        raise ConfigError("infer_grid needs at least one score.")
    ks = np.arange(1, k_max + 1)
    rows = []
    for k in ks:                                      # k_max small: one vectorised test per k
        ok = on_grid(s, n=n, k=int(k), decimals=decimals)
        rows.append({"k": int(k), "n_on": int(ok.sum()), "n_off": int((~ok).sum()),
                     "share_on": float(ok.mean()), "step": 100.0 / (k * n),
                     "off": "、".join(map(str, s.index[~ok.to_numpy()])) if (~ok).sum() <= 10 else
                     f"{int((~ok).sum())} values"})
    fit = pd.DataFrame(rows).set_index("k")
    best = int(fit.index[fit["n_on"].to_numpy() == fit["n_on"].max()][0])
    fit["chosen"] = fit.index == best
    return best, fit


def infer_grids(scores_wide: pd.DataFrame, *, n: int, k_max: int = 20, decimals: int = 2) -> pd.DataFrame:
    """:func:`infer_grid` for every column of a wide table (units × domains).

    Returns one row per column: ``k`` (chosen), ``n_on``, ``n_off``, ``share_on``, ``off`` (labels),
    ``next_k`` (smallest k not a multiple of the chosen one that comes closest) and ``next_n_on``.
    """
    rows = []
    for col in scores_wide.columns:
        k, fit = infer_grid(scores_wide[col], n=n, k_max=k_max, decimals=decimals)
        others = fit[(fit.index % k) != 0]
        nxt = int(others["n_on"].idxmax()) if len(others) else np.nan
        rows.append({"domain": col, "k": k, "n_on": int(fit.at[k, "n_on"]), "n_off": int(fit.at[k, "n_off"]),
                     "share_on": float(fit.at[k, "share_on"]), "off": fit.at[k, "off"],
                     "next_k": nxt, "next_n_on": int(others["n_on"].max()) if len(others) else np.nan})
    return pd.DataFrame(rows).set_index("domain")


def transpositions(value: float, *, decimals: int = 2) -> list[float]:
    """Values obtained by swapping two adjacent digits of ``value`` printed with ``decimals`` decimals.

    The decimal point stays where it is (``66.47`` → ``64.67``, ``66.74``, ``66.47``→``66.47`` skipped);
    swaps that create a leading zero or leave the value unchanged are dropped. A transposition of two
    adjacent digits is the commonest typing error, so an on-grid transposition is evidence for it.
    """
    text = f"{value:.{decimals}f}"
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    digits = text.replace(".", "")
    point = text.find(".") if "." in text else len(text)
    out = []
    for i in range(len(digits) - 1):
        if digits[i] == digits[i + 1]:
            continue
        d = list(digits)
        d[i], d[i + 1] = d[i + 1], d[i]
        if d[0] == "0" and point > 1:
            continue
        s = "".join(d)
        s = s[:point] + ("." + s[point:] if point < len(s) else "")
        out.append(float(sign + s))
    return sorted(set(out))


def rank_range(scores: pd.Series, *, ascending: bool = False, tol: float = 0.0) -> pd.DataFrame:
    """Best and worst rank each unit can take given the scores (ties resolved either way).

    ``lo = 1 + #{others better by more than tol}``, ``hi = #{units not worse by more than tol}``
    (``hi`` counts the unit itself). With ``tol = 0`` this is the tie range of exact ties; with
    ``tol`` = the printed precision it is every rank the unit could have had before rounding.
    Units with a missing score get missing ranks and are ignored by the others.
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


def _candidate_rows(unit, col, printed, others: pd.Series, *, n, k, decimals, published_rank,
                    ascending) -> list[dict]:
    """Grid candidates for one off-grid value: two nearest + on-grid transpositions."""
    m_float = float(grid_position(printed, n=n, k=k))
    m_near = sorted({int(np.floor(m_float)), int(np.ceil(m_float))})
    if len(m_near) == 1:                                # exactly on an integer but rounding disagrees
        m_near = [m_near[0] - 1, m_near[0] + 1]
    m_near = [m for m in m_near if k <= m <= k * n]
    cands: dict[float, dict] = {}
    for m in m_near:
        val = round(100.0 * m / (k * n), decimals)
        cands[val] = {"m": m, "nearest": True, "transposition": False}
    for t in transpositions(printed, decimals=decimals):
        if bool(on_grid(pd.Series([t]), n=n, k=k, decimals=decimals).iloc[0]):
            m = int(np.round(grid_position(t, n=n, k=k)))
            entry = cands.setdefault(t, {"m": m, "nearest": False, "transposition": False})
            entry["transposition"] = True
    rows = []
    o = others.to_numpy(dtype=float)
    o = o[~np.isnan(o)]
    for val, info in sorted(cands.items()):
        a, b = (-val, -o) if ascending else (val, o)
        lo = 1 + int((b > a + _EPS).sum())
        hi = 1 + int((b >= a - _EPS).sum())
        agrees = pd.NA if pd.isna(published_rank) else bool(lo <= int(published_rank) <= hi)
        rows.append({"unit": unit, "domain": col, "printed": printed, "k": k, "m_printed": m_float,
                     "candidate": val, "m": info["m"], "distance": abs(val - printed),
                     "nearest": info["nearest"], "transposition": info["transposition"],
                     "rank_lo": lo, "rank_hi": hi, "published_rank": published_rank,
                     "agrees_with_rank": agrees})
    return rows


def off_grid(scores_wide: pd.DataFrame, *, n: int, k: Mapping[str, int] | None = None, decimals: int = 2,
             k_max: int = 20, published_ranks: pd.DataFrame | None = None, ascending: bool = False,
             overall_ranks: pd.Series | None = None, weights: Mapping[str, float] | None = None,
             ties: str = "min") -> pd.DataFrame:
    """Printed scores that are not on their column's rank-score grid, with candidate corrections.

    For each off-grid value (see :func:`on_grid`) the candidates are the two nearest grid values
    ``100 · m / (k · n)`` (m = ⌊m*⌋, ⌈m*⌉ with m* = score · k · n / 100) and every on-grid value that
    differs from the printed one by a swap of two adjacent digits (:func:`transpositions`). For each
    candidate the evidence is:

    * ``rank_lo`` … ``rank_hi``: the ranks the unit would get in its column with that value, and
      ``agrees_with_rank``: whether the published rank of the column lies in that range;
    * ``transposition``: the candidate is a digit swap of the printed value;
    * with ``overall_ranks`` and ``weights``: ``overall_consistent`` = number of units whose published
      overall rank is consistent (:func:`check_ranking` status not 'likely typo') when the candidate
      replaces the printed value, and ``overall_gain`` = that number minus the same count for the
      printed value.

    Parameters
    ----------
    scores_wide : DataFrame
        Units × columns (domains) of printed scores.
    n : int
        Number of units each indicator ranks (the denominator of the rank score).
    k : dict, optional
        Indicators per column; inferred with :func:`infer_grid` where not given.
    published_ranks : DataFrame, optional
        Published rank of each unit per column (same labels); enables ``agrees_with_rank``.

    Returns
    -------
    DataFrame
        One row per (unit, column, candidate), empty when every value is on its grid. Use
        :func:`best_candidates` for one proposed value per off-grid score.
    """
    n = _check_positive_int("n", n)
    k = dict(k or {})
    unknown = set(k) - set(scores_wide.columns)
    if unknown:
        raise ConfigError(f"k names column(s) {sorted(unknown)} not in the scores; columns: "
                          f"{list(scores_wide.columns)}.")
    rows = []
    for col in scores_wide.columns:
        kc = k.get(col) or infer_grid(scores_wide[col], n=n, k_max=k_max, decimals=decimals)[0]
        s = scores_wide[col].astype(float)
        ok = on_grid(s, n=n, k=kc, decimals=decimals)
        for unit in s.index[~ok.to_numpy() & s.notna().to_numpy()]:
            pub = pd.NA
            if published_ranks is not None and col in published_ranks.columns:
                pub = published_ranks.at[unit, col]
            rows += _candidate_rows(unit, col, float(s[unit]), s.drop(unit), n=n, k=kc, decimals=decimals,
                                    published_rank=pub, ascending=ascending)
    cols = ["unit", "domain", "printed", "k", "m_printed", "candidate", "m", "distance", "nearest",
            "transposition", "rank_lo", "rank_hi", "published_rank", "agrees_with_rank"]
    out = pd.DataFrame(rows, columns=cols)
    if overall_ranks is not None and weights is not None and len(out):
        base_scores = _overall(scores_wide, weights)
        base = check_ranking(base_scores, overall_ranks, ties=ties, ascending=ascending, decimals=decimals)
        base_ok = int((base["status"] != "likely typo").sum())
        consistent = []
        for _, r in out.iterrows():                 # a handful of candidates: a loop is clearest
            alt = scores_wide.copy()
            alt.at[r["unit"], r["domain"]] = r["candidate"]
            chk = check_ranking(_overall(alt, weights), overall_ranks, ties=ties,
                                ascending=ascending, decimals=decimals)
            consistent.append(int((chk["status"] != "likely typo").sum()))
        out["overall_consistent"] = consistent
        out["overall_gain"] = out["overall_consistent"] - base_ok
    return out


def best_candidates(candidates: pd.DataFrame, *, decimals: int = 2) -> pd.DataFrame:
    """One proposed correction per off-grid score, with its evidence in words.

    Each candidate of :func:`off_grid` scores one point per piece of evidence: agrees with the
    published rank of its column, is a digit transposition of the printed value, improves the
    overall ranking (``overall_gain > 0``). The best candidate (ties: nearest) is proposed.
    ``confidence`` is 'high' when the best has at least two points and strictly more than every
    other candidate, 'medium' when it has strictly more but only one point, 'low' otherwise (the
    evidence does not separate the candidates; the nearest is shown).

    Returns one row per (unit, domain): ``printed``, ``k``, ``m_printed``, ``proposed``, ``m``,
    ``confidence``, ``candidates`` (all, with points) and ``evidence`` (a sentence).
    """
    if candidates.empty:
        return pd.DataFrame(columns=["unit", "domain", "printed", "k", "m_printed", "proposed", "m",
                                     "confidence", "candidates", "evidence"])
    c = candidates.copy()
    agrees = c["agrees_with_rank"].astype("boolean").fillna(False).astype(bool)
    gain = c["overall_gain"] > 0 if "overall_gain" in c else pd.Series(False, index=c.index)
    c["points"] = agrees.astype(int) + c["transposition"].astype(int) + gain.astype(int)
    out = []
    for (unit, dom), g in c.groupby(["unit", "domain"], sort=False):
        g = g.sort_values(["points", "distance"], ascending=[False, True], kind="stable")
        best = g.iloc[0]
        rest = g.iloc[1:]["points"]
        margin = best["points"] - (rest.max() if len(rest) else -1)
        if best["points"] >= 2 and margin > 0:
            conf = "high"
        elif margin > 0 and best["points"] >= 1:
            conf = "medium"
        else:
            conf = "low"
        listed = []
        for _, r in g.sort_values("candidate").iterrows():
            span = f"–{r['rank_hi']}" if r["rank_hi"] != r["rank_lo"] else ""
            bits = [f"m={r['m']}", f"rank {r['rank_lo']}{span}"]
            if r["transposition"]:
                bits.append("digit swap")
            if "overall_gain" in r and pd.notna(r.get("overall_gain")):
                bits.append(f"overall ranks consistent {r['overall_consistent']} ({r['overall_gain']:+d})")
            listed.append(f"{_fmt(r['candidate'], decimals)} ({', '.join(bits)})")
        pub = best["published_rank"]
        m_txt = f"{best['m_printed']:.3f}"
        ev = (f"printed {_fmt(best['printed'], decimals)} gives m = score·k·n/100 = {m_txt}, not an integer "
              f"(k = {best['k']}); candidates: {'; '.join(listed)}")
        if pd.notna(pub):
            ev += f"; published rank {int(pub)}"
        out.append({"unit": unit, "domain": dom, "printed": best["printed"], "k": best["k"],
                    "m_printed": best["m_printed"], "proposed": best["candidate"], "m": best["m"],
                    "confidence": conf, "candidates": "; ".join(listed), "evidence": ev})
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------------------
# 2. Rankings vs scores
# --------------------------------------------------------------------------------------------------

def check_ranking(scores: pd.Series, published: pd.Series, *, ties: str = "min", ascending: bool = False,
                  tol: float | None = None, decimals: int = 2) -> pd.DataFrame:
    """Recompute a ranking from scores and classify every disagreement with the published ranks.

    Columns of the result (indexed by unit):

    * ``score``, ``published``;
    * ``rank_lo``, ``rank_hi``: the tie range of the unit (:func:`rank_range` with ``tol = 0``);
    * ``rule_rank``: the rank under the tie rule ``ties`` (pandas ``rank(method=...)``; 'ordinal'
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
      - ``'likely typo'``: anything else (including a tied unit whose group's ranks are not a
        permutation of the group's tie range);
      - ``'missing score'`` / ``'missing rank'``.
    """
    _check_ties(ties)
    tol = 10.0 ** (-decimals) if tol is None else float(tol)
    idx = published.index.union(scores.index, sort=False)
    s = pd.Series(scores, dtype=float).reindex(idx)
    p = pd.Series(published).reindex(idx).astype("Float64").astype(float)
    exact = rank_range(s, ascending=ascending, tol=0.0)
    loose = rank_range(s, ascending=ascending, tol=tol)
    method = "first" if ties == "ordinal" else ties
    key = s if ascending else -s
    order = pd.DataFrame({"key": key, "pub": p, "pos": np.arange(len(idx))}, index=idx)
    valid = s.notna()
    ranked = order[valid].sort_values(["key", "pub", "pos"], kind="mergesort", na_position="last")
    recomputed = pd.Series(np.arange(1, len(ranked) + 1), index=ranked.index).reindex(idx)
    if ties == "ordinal":
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
        ["missing score", "missing rank", "match", "tie handling", "likely typo", "rounding"],
        default="likely typo")
    out["status"] = pd.Series(status, index=idx, dtype=object)
    return out


def rank_sequence_problems(ranks: pd.Series, *, n: int | None = None, ties: str = "ordinal") -> pd.DataFrame:
    """Rank values printed twice, never, or outside 1..n.

    With ``ties='ordinal'`` the ranks must be a permutation of 1..n: every value used twice is a
    'duplicated rank' and every value not used a 'missing rank'. With ``ties='min'`` (competition
    ranking: 1, 1, 1, 4) a value used ``c`` times must be followed by ``c − 1`` unused values; a
    duplicate without that gap is a problem and a gap not explained by a preceding duplicate is a
    missing rank (``'max'`` mirrors this: the gap precedes the shared value). Other rules
    ('dense', 'average') are not sequence-checkable and raise.

    Returns one row per problem: ``problem``, ``rank``, ``units`` (tuple of units carrying it),
    ``count``.
    """
    _check_ties(ties)
    if ties not in ("ordinal", "min", "max"):
        raise ConfigError(f"rank_sequence_problems checks ties='ordinal', 'min' or 'max', not {ties!r}.")
    r = pd.Series(ranks).dropna()
    n = len(ranks) if n is None else _check_positive_int("n", n)
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
        if ties == "ordinal":
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


# --------------------------------------------------------------------------------------------------
# 3. Weighting scheme
# --------------------------------------------------------------------------------------------------

#: :func:`check_ranking` statuses that count as consistent with the scores (tie order and rounding
#: forgiven; 'likely typo' and the missing statuses do not).
CONSISTENT_STATUSES = ("match", "tie handling", "rounding")


def _overall(scores_wide: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """The overall score of a weighting scheme: :func:`vitality.stats.overall_index` of the columns the
    weights name (a scheme may weight a subset; weights are relative). A unit missing one of those
    scores gets NaN (:func:`check_ranking` reports it as 'missing score')."""
    missing = [d for d in weights if d not in scores_wide.columns]
    if missing:
        raise ConfigError(f"weights name column(s) {missing} not in the scores; columns: "
                          f"{list(scores_wide.columns)}.")
    used = scores_wide[list(weights)]
    complete = used.notna().all(axis=1)
    return overall_index(used[complete], weights).reindex(used.index)


def plausible_schemes(k: Mapping[str, int], *, stated: Mapping[str, float] | None = None) -> dict[str, dict]:
    """Weighting schemes worth testing for a rank-scored index with ``k[d]`` indicators per domain.

    * ``'equal domains'``: every domain the same weight (or ``stated``, if given);
    * ``'equal indicators'``: every indicator the same weight, i.e. domain weight ∝ ``k[d]`` — the
      overall score is then the mean of all indicator scores;
    * ``'equal indicators within … only'`` is not listed: add your own schemes to the dict.
    """
    eq = {d: 1.0 / len(k) for d in k} if stated is None else dict(stated)
    total = sum(k.values())
    return {"equal domains": eq, "equal indicators": {d: k[d] / total for d in k}}


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
        (:func:`vitality.stats.overall_index` of the weighted domains) against ``published_overall``.
    """
    return {name: check_ranking(_overall(domain_scores, w), published_overall, ties=ties, ascending=ascending,
                                decimals=decimals, tol=tol)
            for name, w in schemes.items()}


def _weighting_table(checks: Mapping[str, pd.DataFrame], schemes: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    rows = []
    for name, w in schemes.items():
        chk = checks[name]
        pub = chk["published"].astype(float)
        rec = chk["recomputed"].astype(float)
        agr = rank_agreement(pub, rec)
        typos = chk.index[chk["status"] == "likely typo"]
        total = sum(float(v) for v in w.values())
        rows.append({"scheme": name,
                     "weights": ", ".join(f"{d} {float(v) / total:.4g}" for d, v in w.items()),
                     "n": agr.n, "exact": agr.exact,
                     "consistent": int(chk["status"].isin(CONSISTENT_STATUSES).sum()),
                     "likely_typos": len(typos), "spearman": agr.spearman, "kendall": agr.kendall,
                     "max_shift": agr.max_shift, "max_shift_units": "、".join(map(str, agr.max_shift_units)),
                     "disagreeing": "、".join(map(str, typos))})
    return pd.DataFrame(rows).set_index("scheme")


def weighting_scheme_test(domain_scores: pd.DataFrame, published_overall: pd.Series,
                          schemes: Mapping[str, Mapping[str, float]], *, ties: str = "min",
                          ascending: bool = False, decimals: int = 2, tol: float | None = None) -> pd.DataFrame:
    """Which weighting of the domain scores reproduces the published overall ranking?

    For each scheme the overall score is :func:`vitality.stats.overall_index` of the domains the scheme
    weights (relative weights) and the ranking is checked with
    :func:`check_ranking` (so ties and rounding are not counted as misses; the per-scheme tables are
    :func:`scheme_checks`). Reported per scheme:
    ``exact`` (published = recomputed, ties broken in the published order), ``consistent``
    (status match / tie handling / rounding), ``likely_typos``, Spearman ρ, Kendall τ-b and the
    largest shift (:func:`vitality.reporting.rank_agreement` of published vs recomputed), and the
    units that disagree.
    """
    checks = scheme_checks(domain_scores, published_overall, schemes, ties=ties, ascending=ascending,
                           decimals=decimals, tol=tol)
    return _weighting_table(checks, schemes)


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
    """
    from scipy.optimize import linear_sum_assignment

    from . import cluster as vcluster

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
            p_ok = bool(abs(p_pub_r - float(p_txt)) <= _half_unit(pd_dec) + _EPS)
        rows.append({"pair": f"{a}×{b}", "row_domain": a, "col_domain": b, "published": float(r["r"]),
                     "recomputed": rec, "difference": diff,
                     "status": "match" if abs(diff) <= _half_unit(dec) + _EPS else "differs",
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
        lo_r, hi_r = abs(r_pub) - _half_unit(dec), abs(r_pub) + _half_unit(dec)
        r2_ok = bool(lo_r ** 2 - _half_unit(d2) - _EPS <= r2_pub <= hi_r ** 2 + _half_unit(d2) + _EPS)
        rows.append({"domain": col, "n": int(fit.at[col, "n"]), "r_published": r_pub, "r_recomputed": rec,
                     "r_difference": rec - r_pub, "r2_published": r2_pub,
                     "r2_recomputed": float(fit.at[col, "r_squared"]),
                     "status": "match" if abs(rec - r_pub) <= _half_unit(dec) + _EPS else "differs",
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

@dataclass
class AuditResult:
    """Every table of the audit plus the findings in the errata layout."""

    grid_fit: pd.DataFrame
    candidates: pd.DataFrame
    off_grid: pd.DataFrame
    rankings: dict[str, pd.DataFrame]
    sequences: dict[str, pd.DataFrame]
    weighting: pd.DataFrame
    best_scheme: str
    cluster_lists: pd.DataFrame
    linkage: pd.DataFrame
    correlations: pd.DataFrame
    regression: pd.DataFrame | None
    coverage: pd.DataFrame
    findings: pd.DataFrame
    params: dict = field(default_factory=dict)
    #: scheme name → :func:`check_ranking` table of the overall ranking under that scheme
    scheme_checks: dict[str, pd.DataFrame] = field(default_factory=dict)


def _finding(**kw) -> dict:
    row = {c: "" for c in FINDING_COLUMNS}
    row.update({k: ("" if v is None else v) for k, v in kw.items()})
    return row


def _locator(long: pd.DataFrame, by: Sequence[str], what: str = "figure") -> Callable:
    table = long.drop_duplicates(list(by)).set_index(list(by))[what]

    def find(*key):
        key = key[0] if len(key) == 1 else tuple(key)
        return str(table.get(key, ""))
    return find


def audit_report(report, *, n: int | None = None, k: Mapping[str, int] | None = None, decimals: int = 2,
                 ties: str = "min", schemes: Mapping[str, Mapping[str, float]] | None = None,
                 stated_scheme: str | None = None, stated_linkage: tuple[str, str] | None = None,
                 linkage_methods: Sequence[str] | None = None, linkage_metrics: Sequence[str] | None = None,
                 gdp: pd.Series | None = None, complementary: Sequence[tuple[str, str]] = (("east", "west"),
                                                                                           ("north", "south")),
                 k_max: int = 20, locations: Mapping[str, str] | None = None) -> AuditResult:
    """Run every check on a :class:`vitality.io.ReportData` (or anything with the same attributes).

    The report's own rules are parameters: ``n`` (default: number of cities), ``k`` (indicators per
    domain; default inferred from the scores), ``ties`` (the stated tie rule), ``schemes`` (weights to
    test; default :func:`plausible_schemes`), ``stated_scheme`` (the name of the scheme the text
    states; default the first), ``stated_linkage`` ((method, metric) the text names, e.g.
    ("average", "sqeuclidean") for SPSS "平均联接（组间）"), ``gdp`` (x of the printed regression;
    default ``report.cities['gdp_2013_100m_cny']`` when present). ``locations`` names where each
    printed object sits (keys 'weights', 'clusters', 'correlations', 'regression', 'lists').

    Findings (one row per problem, layout of ``data/errata.csv`` without ``id``/``status``) are what
    the audit can detect by itself: off-grid scores, ranks classified 'likely typo', broken rank
    sequences, list duplicates/omissions, a stated weighting or linkage that does not reproduce the
    published result while another does, printed statistics that differ from the recomputed ones,
    and units left out of complementary lists. 'tie handling' and 'rounding' are explained, not
    findings.
    """
    loc = {"weights": "三(三); 图表 3", "clusters": "四(二)", "correlations": "四(五) correlation table",
           "regression": "图表 8", "lists": "四(三) footnote 1", **dict(locations or {})}
    scores = report.domain_scores.astype(float)
    ranks = report.rankings
    n = len(scores) if n is None else n
    k_given = dict(k or {})
    grid_fit = infer_grids(scores, n=n, k_max=k_max, decimals=decimals)
    k_used = {d: int(k_given.get(d) or grid_fit.at[d, "k"]) for d in scores.columns}
    grid_fit["k_used"] = pd.Series(k_used)
    domain_ranks = ranks[[c for c in scores.columns if c in ranks.columns]].astype("Float64")
    schemes = dict(schemes or plausible_schemes(k_used))
    stated_scheme = stated_scheme or next(iter(schemes))
    checks_by_scheme = scheme_checks(scores, ranks["overall"], schemes, ties=ties, decimals=decimals)
    weighting = _weighting_table(checks_by_scheme, schemes)
    best_scheme = str(weighting.sort_values(["consistent", "exact", "spearman"], ascending=False).index[0])
    cand = off_grid(scores, n=n, k=k_used, decimals=decimals, published_ranks=domain_ranks,
                    overall_ranks=ranks["overall"], weights=schemes[best_scheme], ties=ties)
    best = best_candidates(cand, decimals=decimals)
    score_loc = _locator(report.domain_scores_long, ["city", "domain"])
    rank_loc = _locator(report.rankings_long, ["ranking"])
    findings: list[dict] = []
    for _, r in best.iterrows():
        findings.append(_finding(location=score_loc(r["unit"], r["domain"]), item="score", city=r["unit"],
                                 domain=r["domain"], printed_value=_fmt(r["printed"], decimals),
                                 proposed_value=_fmt(r["proposed"], decimals), kind="off-grid score",
                                 severity="medium" if r["confidence"] != "low" else "low",
                                 evidence=f"{r['evidence']} (confidence {r['confidence']})"))
    overall = _overall(scores, schemes[best_scheme])
    rank_tables, seq_tables = {}, {}
    for name in ranks.columns:
        if name == "overall":   # the same check as the best scheme's in the weighting test
            chk = checks_by_scheme[best_scheme]
        else:
            chk = check_ranking(scores[name], ranks[name], ties=ties, decimals=decimals)
        rank_tables[name] = chk
        seq = rank_sequence_problems(ranks[name], n=n, ties=ties)
        seq_tables[name] = seq
        basis = f"overall score under '{best_scheme}' weights" if name == "overall" else f"printed {name} scores"
        for unit, r in chk[chk["status"] == "likely typo"].iterrows():
            shift = abs(float(r["shift"]))
            findings.append(_finding(
                location=rank_loc(name), item="rank", city=unit, domain=name,
                printed_value=str(int(r["published"])), proposed_value=str(int(r["recomputed"])),
                kind="rank inconsistency", severity="high" if shift >= 3 else "low",
                evidence=(f"{basis}: {unit} {r['score']:.{decimals}f} allows rank {int(r['rank_lo'])}"
                          + (f"–{int(r['rank_hi'])}" if r['rank_hi'] != r['rank_lo'] else "")
                          + f"; printed {int(r['published'])}; ranking the printed scores with ties in the "
                          f"printed order gives {int(r['recomputed'])}")))
        for _, r in seq.iterrows():
            units = "、".join(map(str, r["units"]))
            findings.append(_finding(
                location=rank_loc(name), item=f"rank {int(r['rank'])}", city="", domain=name,
                printed_value=units if units else "", kind=r["problem"].replace("duplicated", "duplicate"),
                severity="medium",
                evidence=(f"rank {int(r['rank'])} printed for {units}" if units else
                          f"rank {int(r['rank'])} printed for no city") + f" in the {name} ranking "
                          f"(ties rule '{ties}', n = {n})"))
    if best_scheme != stated_scheme:
        w = weighting
        findings.append(_finding(
            location=loc["weights"], item="weights", kind="method contradiction", severity="high",
            printed_value=f"{stated_scheme}: {w.at[stated_scheme, 'weights']}",
            proposed_value=f"{best_scheme}: {w.at[best_scheme, 'weights']}",
            evidence=(f"published overall ranks consistent with the domain scores: "
                      f"{w.at[stated_scheme, 'consistent']}/{w.at[stated_scheme, 'n']} under the stated "
                      f"'{stated_scheme}' weights (Spearman {w.at[stated_scheme, 'spearman']:.4f}) vs "
                      f"{w.at[best_scheme, 'consistent']}/{w.at[best_scheme, 'n']} under '{best_scheme}' "
                      f"(Spearman {w.at[best_scheme, 'spearman']:.4f})")))
    # clusters
    clusters = report.clusters
    cl = list_problems(clusters, universe=list(scores.index))
    for _, r in cl.iterrows():
        kind = {"duplicate in list": "duplicate in list", "in several lists": "duplicate in list",
                "omission": "omission", "unknown": "unknown name"}[r["problem"]]
        findings.append(_finding(location=loc["clusters"], item="cluster lists", city=r["unit"], kind=kind,
                                 severity="medium",
                                 printed_value=f"printed {r['times']}× (class {', '.join(map(str, r['groups']))})"
                                 if r["times"] else "in no class",
                                 evidence=f"{r['unit']} {r['problem']}: printed {r['times']} time(s)"
                                          + (f" in class(es) {', '.join(map(str, r['groups']))}"
                                             if r["times"] else "")))
    scan_kw = {}
    if linkage_methods is not None:
        scan_kw["methods"] = linkage_methods
    if linkage_metrics is not None:
        scan_kw["metrics"] = linkage_metrics
    linkage = linkage_scan(scores, clusters, **scan_kw)
    if stated_linkage is not None:
        m, d = stated_linkage
        st = linkage[(linkage["method"] == m) & (linkage["metric"] == d)]
        top = linkage.iloc[0]
        if len(st) and st["ari"].max() < 1 - 1e-9 and top["ari"] >= 1 - 1e-9:
            exact = linkage[linkage["ari"] >= 1 - 1e-9]
            names = "; ".join(f"{r.method}/{r.metric}{' (z-scores)' if r.standardise else ''}"
                              for r in exact.itertuples())
            findings.append(_finding(
                location=loc["clusters"], item="linkage", kind="method contradiction", severity="medium",
                printed_value=f"{m} linkage, {d} distance",
                proposed_value=f"{top['method']} linkage, {top['metric']} distance",
                evidence=(f"stated {m} linkage on {d} distances reproduces the printed classes with ARI "
                          + ", ".join(f"{r.ari:.3f} ({'z-scores' if r.standardise else 'raw scores'}; "
                                      f"{r.agree}/{r.n} cities)" for r in st.itertuples())
                          + f"; ARI = 1 ({top['agree']}/{top['n']} listed cities) with: {names}; the omitted "
                          f"cities are placed {top['placed'] or '-'}")))
    # correlations
    corr = correlation_check(scores, report.correlations)
    for pair, r in corr[corr["status"] != "match"].iterrows():
        findings.append(_finding(location=loc["correlations"], item=f"r({r['row_domain']}, {r['col_domain']})",
                                 kind="statistic mismatch", severity="low" if abs(r["difference"]) < 0.02 else "medium",
                                 printed_value=f"{r['published']:g}", proposed_value=f"{r['recomputed']:.3f}",
                                 evidence=f"Pearson r of the printed {r['row_domain']} and {r['col_domain']} "
                                          f"scores (n = {r['n']}) is {r['recomputed']:.4f}, printed "
                                          f"{r['published']:g} (difference {r['difference']:+.4f})"))
    # regression
    reg = None
    if gdp is None and "gdp_2013_100m_cny" in getattr(report, "cities", pd.DataFrame()).columns:
        gdp = report.cities["gdp_2013_100m_cny"]
    if gdp is not None and getattr(report, "gdp_regression", None) is not None:
        y = scores.assign(total=overall)
        reg = regression_check(y, gdp, report.gdp_regression)
        for dom, r in reg[reg["status"] != "match"].iterrows():
            findings.append(_finding(location=loc["regression"], item=f"r(GDP, {dom})", kind="statistic mismatch",
                                     severity="low", printed_value=f"{r['r_published']:g}",
                                     proposed_value=f"{r['r_recomputed']:.3f}",
                                     evidence=f"Pearson r of {dom}"
                                              + (f" (weights '{best_scheme}')" if dom == "total" else "")
                                              + f" with 2013 GDP from data/external (n = {r['n']}) is "
                                              f"{r['r_recomputed']:.4f}, printed {r['r_published']:g}; depends on the "
                                              f"GDP series used"))
        for dom, r in reg[~reg["r2_consistent"]].iterrows():
            findings.append(_finding(location=loc["regression"], item=f"R²({dom})", kind="statistic mismatch",
                                     severity="low", printed_value=f"{r['r2_published']:g}",
                                     evidence=f"printed R² {r['r2_published']:g} is not r² of the printed "
                                              f"r {r['r_published']:g}"))
    # complementary lists
    lists = dict(getattr(report, "compass_lists", {}) or {})
    cov = list_coverage(lists, list(scores.index), pairs=complementary)
    for pair, r in cov.iterrows():
        if r["n_neither"]:
            findings.append(_finding(location=loc["lists"], item=f"{pair} lists", kind="omission", severity="medium",
                                     printed_value=r["sizes"],
                                     evidence=f"{r['n_neither']} cities in neither list: {'、'.join(r['neither'])}"))
        if r["n_both"]:
            findings.append(_finding(location=loc["lists"], item=f"{pair} lists", kind="duplicate in list",
                                     severity="medium", printed_value=r["sizes"],
                                     evidence=f"{r['n_both']} cities in both lists: {'、'.join(r['both'])}"))
        if r["missing_list"]:
            findings.append(_finding(location=loc["lists"], item=f"{r['missing_list']} list", kind="omission",
                                     severity="low", printed_value=f"printed: {r['printed']}",
                                     evidence=f"the {r['missing_list']} list is not printed (implied as the "
                                              f"complement of the {r['printed']} list)"))
    fnd = pd.DataFrame(findings, columns=list(FINDING_COLUMNS))
    return AuditResult(grid_fit=grid_fit, candidates=cand, off_grid=best, rankings=rank_tables,
                       sequences=seq_tables, weighting=weighting, best_scheme=best_scheme, cluster_lists=cl,
                       linkage=linkage, correlations=corr, regression=reg, coverage=cov, findings=fnd,
                       params={"n": n, "k": k_used, "decimals": decimals, "ties": ties,
                               "stated_scheme": stated_scheme, "stated_linkage": stated_linkage,
                               "n_units": len(scores), "n_scores": int(scores.size)},
                       scheme_checks=checks_by_scheme)


# --------------------------------------------------------------------------------------------------
# Summary sentences and figures (the notebook narrates; these compute and draw)
# --------------------------------------------------------------------------------------------------

_STATUS_COLOURS = {"match": "#9e9e9e", "tie handling": "#4c9be8", "rounding": "#2ca02c", "likely typo": "#d62728",
                   "missing score": "#000000", "missing rank": "#000000"}
_TXT = {
    "zh": {"grid_title": "印刷的领域得分在排名得分网格上的位置", "grid_y": "m − round(m)（网格步长）",
           "on": "在网格上", "off": "不在网格上", "tol": "两位小数的舍入容差",
           "rank_x": "按印刷得分重算的排名", "rank_y": "印刷的排名", "shift_y": "印刷排名 − 重算排名",
           "printed": "印刷数据", "after": "勘误后", "overall": "综合",
           "weights_title": "哪种权重能重现综合排名（图表 3）", "weights_x": "与得分一致的排名数（共 {n} 个）",
           "before": "印刷数据", "stat_title": "印刷的统计量与重算值", "stat_x": "相关系数 r",
           "published": "印刷值", "recomputed": "重算值（印刷数据）", "recomputed_after": "重算值（勘误后）"},
    "en": {"grid_title": "Printed domain scores on the rank-score grid", "grid_y": "m − round(m) (grid steps)",
           "on": "on the grid", "off": "off the grid", "tol": "tolerance of 2-decimal rounding",
           "rank_x": "rank recomputed from the printed scores", "rank_y": "printed rank",
           "shift_y": "printed − recomputed rank", "printed": "as printed", "after": "after errata",
           "overall": "Overall", "weights_title": "Which weights reproduce the overall ranking (Figure 3)",
           "weights_x": "ranks consistent with the scores (of {n})", "before": "as printed",
           "stat_title": "Printed statistics vs recomputed", "stat_x": "correlation r", "published": "printed",
           "recomputed": "recomputed (printed data)", "recomputed_after": "recomputed (after errata)"},
}
_STATUS_EN_ZH = {"match": "一致", "tie handling": "并列处理", "rounding": "舍入", "likely typo": "疑似笔误"}


def _txt(lang: str) -> dict:
    if lang not in _TXT:
        raise ConfigError(f"lang={lang!r} is not a label language; choose 'zh' or 'en'.")
    return _TXT[lang]


def _names(units, cities, lang):
    from .charts import city_labels
    return city_labels(list(units), cities, lang) if lang == "en" else [str(u) for u in units]


def summary_points(result: AuditResult, *, after: AuditResult | None = None, n_scores: int | None = None) -> list[str]:
    """Plain-language headline findings of an :class:`AuditResult` (and of the corrected tables)."""
    pts = []
    g = result.grid_fit
    total = int(g["n_on"].sum() + g["n_off"].sum()) if n_scores is None else n_scores
    off = result.off_grid
    ks = ", ".join(f"{d} {int(k)}" for d, k in g["k_used"].items())
    pts.append(f"**Score grid.** The printed domain scores are means of rank scores with k = {ks} indicators: "
               f"{total - len(off)} of {total} sit on the grid 100·m/(k·n); {len(off)} do not ("
               + "; ".join(f"{r.unit} {r.domain} {r.printed:.2f} → {r.proposed:.2f}, {r.confidence} confidence"
                           for r in off.itertuples()) + ").")
    for name, chk in result.rankings.items():
        typos = chk[chk["status"] == "likely typo"]
        seq = result.sequences[name]
        if len(typos) or len(seq):
            bits = [f"{len(typos)} rank(s) inconsistent with the scores"] if len(typos) else []
            bits += [f"{r.problem} {int(r.rank)}" for r in seq.itertuples()]
            extra = ""
            if after is not None:
                left = int((after.rankings[name]["status"] == "likely typo").sum())
                extra = f"; after the errata: {left} left"
            pts.append(f"**Ranking '{name}'.** {', '.join(bits)}{extra}.")
    w = result.weighting
    st, best = result.params.get("stated_scheme"), result.best_scheme
    line = (f"**Weights.** The stated scheme '{st}' makes {w.at[st, 'consistent']}/{w.at[st, 'n']} published "
            f"overall ranks consistent with the printed scores; '{best}' makes "
            f"{w.at[best, 'consistent']}/{w.at[best, 'n']}")
    if after is not None:
        wa = after.weighting
        line += (f" (after the errata: '{st}' {wa.at[st, 'consistent']}, '{best}' {wa.at[best, 'consistent']})")
    pts.append(line + ".")
    cl = result.cluster_lists
    if len(cl):
        pts.append("**Cluster lists.** " + "; ".join(f"{r.unit}: {r.problem}" for r in cl.itertuples()) + ".")
    lk = result.linkage
    exact = lk[lk["ari"] >= 1 - 1e-9]
    if len(exact):
        line = "**Linkage.** The printed classes are reproduced exactly (ARI = 1) by " + "; ".join(
            f"{r.method}/{r.metric}{' on z-scores' if r.standardise else ''}" for r in exact.itertuples())
        if result.params.get("stated_linkage"):
            m, d = result.params["stated_linkage"]
            stated = lk[(lk.method == m) & (lk.metric == d)]
            line += "; the stated " + f"{m}/{d} reaches " + ", ".join(
                f"ARI {r.ari:.3f} on {'z-scores' if r.standardise else 'raw scores'}"
                for r in stated.sort_values("standardise").itertuples())
        pts.append(line + ".")
    c = result.correlations
    pts.append(f"**Correlations.** {int((c['status'] == 'match').sum())} of {len(c)} printed r reproduce from the "
               f"printed scores; the largest difference is {c['difference'].abs().max():.3f} "
               f"({c['difference'].abs().idxmax()}).")
    if result.regression is not None:
        rg = result.regression
        pts.append(f"**GDP regression.** {int((rg['status'] == 'match').sum())} of {len(rg)} printed r reproduce "
                   f"with the bundled 2013 GDP; the largest difference is {rg['r_difference'].abs().max():.3f} "
                   f"({rg['r_difference'].abs().idxmax()}).")
    cov = result.coverage
    for pair, r in cov.iterrows():
        if r["n_neither"] or r["missing_list"]:
            txt = f"{r['n_neither']} units in neither list" if r["n_neither"] else ""
            if r["missing_list"]:
                txt += ("; " if txt else "") + f"the {r['missing_list']} list is not printed"
            pts.append(f"**Lists {pair}.** {txt}.")
    return pts


def linkage_rows(linkage: pd.DataFrame, method: str, metric: str) -> pd.DataFrame:
    """The rows of a :func:`linkage_scan` table for one linkage ``method`` and distance ``metric``.

    Parameters
    ----------
    linkage : pandas.DataFrame
        A :func:`linkage_scan` table (columns ``method``, ``metric``, ...), best match first.
    method, metric : str
        The linkage and distance, e.g. the stated ``("average", "sqeuclidean")``.

    Returns
    -------
    pandas.DataFrame
        The matching rows (one per standardisation), in the scan's order; empty if none.
    """
    return linkage[(linkage["method"] == method) & (linkage["metric"] == metric)]


def ranking_status_counts(results: Mapping[str, AuditResult]) -> pd.DataFrame:
    """How many units of each ranking have each :func:`check_ranking` status, for several audits.

    Parameters
    ----------
    results : mapping of str to AuditResult
        Label (e.g. ``"printed"``, ``"after errata"``) → audit.

    Returns
    -------
    pandas.DataFrame
        One row per ranking; columns (label, status) with integer counts (0 where a status does not
        occur).
    """
    def counts(result):
        return pd.DataFrame({name: chk["status"].value_counts()
                             for name, chk in result.rankings.items()}).fillna(0).astype(int).T

    return pd.concat({label: counts(r) for label, r in results.items()}, axis=1).fillna(0).astype(int)


def ranking_problems(result: AuditResult) -> pd.DataFrame:
    """Every unit whose published rank is not a plain match, over all rankings of an audit.

    Returns
    -------
    pandas.DataFrame
        The :func:`check_ranking` rows with status other than ``'match'``, indexed by (ranking, city).
    """
    return pd.concat({name: chk[chk["status"] != "match"] for name, chk in result.rankings.items()},
                     names=["ranking", "city"])


def statistics_comparison(result: AuditResult) -> pd.DataFrame:
    """Printed vs recomputed statistics of an audit: every correlation and every GDP correlation.

    Parameters
    ----------
    result : AuditResult

    Returns
    -------
    pandas.DataFrame
        Columns ``published`` and ``recomputed``; one row per correlation pair (the index of
        ``result.correlations``) followed, when there is a regression, by one row ``GDP×<domain>`` per
        regressed domain (its r). Input of :func:`plot_statistics`.
    """
    parts = [result.correlations[["published", "recomputed"]]]
    if result.regression is not None:
        reg = result.regression.rename(columns={"r_published": "published", "r_recomputed": "recomputed"})
        parts.append(reg[["published", "recomputed"]].rename(index=lambda d: f"GDP×{d}"))
    return pd.concat(parts)


def reconciliation_message(reconciliation: pd.DataFrame, errata: pd.DataFrame, *,
                           errata_name: str = "errata.csv") -> str:
    """One Markdown paragraph: do the audit's own findings and the errata table agree?

    Parameters
    ----------
    reconciliation : pandas.DataFrame
        :func:`vitality.errata.reconcile` of the audit findings and ``errata``.
    errata : pandas.DataFrame
        The errata table (:func:`vitality.errata.load_errata`).
    errata_name : str
        The errata file's name, as quoted in the message.

    Returns
    -------
    str
        "**The audit and the errata agree.** …" when every finding is an errata row and every
        machine-detectable row is found again (with the counts), else "**… disagree.**" listing the
        findings missing from the errata and the ids not found again.
    """
    from .errata import MACHINE_KINDS

    n_machine = int(errata["kind"].isin(MACHINE_KINDS).sum())
    found = int(reconciliation["in_audit"].sum())
    missing = reconciliation[reconciliation["status"] == "audit only"]
    not_refound = reconciliation[reconciliation["status"] == "errata only"]
    if missing.empty and not_refound.empty:
        return (f"**The audit and the errata agree.** Run on the printed tables, the audit functions find "
                f"{found} problems by themselves; every one of them is a row of `{errata_name}`, and every "
                f"one of its {n_machine} machine-detectable rows is found again. The other "
                f"{len(errata) - n_machine} rows are text findings, recorded by reading the report.")
    listed = ", ".join(missing["kind"] + " " + missing["city"] + " " + missing["item"])
    return (f"**The audit and the errata disagree.** {len(missing)} finding(s) of the audit are "
            f"not in `{errata_name}` ({listed}) "
            f"and {len(not_refound)} machine-detectable row(s) were not found again "
            f"({', '.join(not_refound['id'])}). The errata need review.")


def _consistent_domain_ranks(result: AuditResult) -> int:
    return sum(int(c["status"].isin(CONSISTENT_STATUSES).sum())
               for name, c in result.rankings.items() if name != "overall")


def verdict_table(printed: AuditResult, corrected: AuditResult, reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The audit's verdict: one row per check, how many items there are and how many agree.

    Parameters
    ----------
    printed, corrected : AuditResult
        :func:`audit_report` of the tables as printed and after the errata (same parameters).
    reconciliation : pandas.DataFrame
        :func:`vitality.errata.reconcile` of ``printed.findings`` and the errata table.

    Returns
    -------
    pandas.DataFrame
        Columns ``check``, ``n``, ``matching``, ``status`` ('match' when matching = n, else
        'differs') and ``note``. Every n comes from the data: the number of printed scores and of
        units (``printed.params``), of units in the overall check (the weighting table), of listed
        cities in the linkage scan, of correlations and GDP correlations, of reconciled findings. The
        weighting rows use the stated scheme (``printed.params['stated_scheme']``) and the scheme that
        fits the printed tables best (``printed.best_scheme``); the linkage rows the stated linkage
        (if any) and the best one.
    """
    def row(check, n, matching, note=""):
        return {"check": check, "n": int(n), "matching": int(matching),
                "status": "match" if int(matching) == int(n) else "differs", "note": note}

    n_scores, n_units = printed.params["n_scores"], printed.params["n_units"]
    stated, best = printed.params["stated_scheme"], printed.best_scheme
    rows = [
        row("domain scores on the rank-score grid (printed)", n_scores, n_scores - len(printed.off_grid)),
        row("domain scores on the rank-score grid (after errata)", n_scores, n_scores - len(corrected.off_grid),
            "、".join(corrected.off_grid["unit"]) + " left" if len(corrected.off_grid) else ""),
        row("domain ranks consistent with the scores (printed)", n_scores, _consistent_domain_ranks(printed)),
        row("domain ranks consistent with the scores (after errata)", n_scores,
            _consistent_domain_ranks(corrected)),
    ]
    for label, scheme in (("stated", stated), ("best", best)):
        for data, res in (("printed", printed), ("after errata", corrected)):
            w = res.weighting
            rows.append(row(f"overall ranks, {label} weights '{scheme}' ({data})", w.at[scheme, "n"],
                            w.at[scheme, "consistent"]))
    rows.append(row("cities printed exactly once in the cluster lists", n_units,
                    n_units - len(printed.cluster_lists)))
    lk = printed.linkage
    if printed.params.get("stated_linkage"):
        m, d = printed.params["stated_linkage"]
        st = linkage_rows(lk, m, d).iloc[0]
        rows.append(row(f"printed classes reproduced by the stated linkage {m}/{d} (best standardisation)",
                        st["n"], st["agree"], f"ARI {st['ari']:.3f}"))
    top = lk.iloc[0]
    rows.append(row(f"printed classes reproduced by {top['method']}/{top['metric']}", top["n"], top["agree"],
                    f"ARI {top['ari']:.3f}; omitted: {top['placed']}"))
    rows.append(row("printed correlations reproduced (after errata)", len(corrected.correlations),
                    (corrected.correlations["status"] == "match").sum()))
    if corrected.regression is not None:
        rows.append(row("printed GDP correlations reproduced (after errata)", len(corrected.regression),
                        (corrected.regression["status"] == "match").sum(), "bundled GDP series"))
    rows.append(row("machine-detectable findings recorded in the errata table", len(reconciliation),
                    (reconciliation["status"] == "both").sum()))
    return pd.DataFrame(rows)


def verdict_sentences(corrected: AuditResult, *, best_scheme: str | None = None,
                      correlation_cause: str | None = None, tol: float = 0.0005) -> list[str]:
    """Plain verdicts (Markdown) on the corrected tables: overall ranks under the stated and the best
    weights, and the printed correlations.

    Parameters
    ----------
    corrected : AuditResult
        :func:`audit_report` of the corrected tables; its per-scheme checks
        (``corrected.scheme_checks``) are reused, nothing is recomputed.
    best_scheme : str, optional
        The scheme to report as best (default ``corrected.best_scheme``; pass the printed tables'
        best to keep one name throughout).
    correlation_cause : str, optional
        The likely cause stated when printed correlations differ (:func:`vitality.reporting.verdict`).
    tol : float
        Tolerance for the correlations (default half a unit of the printed third decimal).

    Returns
    -------
    list of str
        :func:`vitality.reporting.rank_verdict` of the stated and the best scheme (the latter
        followed by "The remaining differences are ties within rounding." when no rank is a likely
        typo) and :func:`vitality.reporting.verdict` of the correlations.
    """
    from .reporting import compare_values, rank_verdict, verdict

    stated = corrected.params["stated_scheme"]
    best = best_scheme or corrected.best_scheme

    def agreement(scheme):
        chk = corrected.scheme_checks[scheme]
        return rank_agreement(chk["published"].astype(float), chk["recomputed"].astype(float))

    best_chk = corrected.scheme_checks[best]
    c = corrected.correlations
    return [
        rank_verdict(agreement(stated), what=f"overall ranks under the stated weights ('{stated}', after errata)"),
        rank_verdict(agreement(best), what=f"overall ranks under '{best}' weights (after errata)")
        + (" The remaining differences are ties within rounding." if (best_chk["status"] != "likely typo").all()
           else ""),
        verdict(compare_values(c["published"], c["recomputed"], tol=tol), what="printed correlations", tol=tol,
                cause=correlation_cause),
    ]


def plot_grid(scores_wide: pd.DataFrame, *, n: int, k: Mapping[str, int], proposals: pd.DataFrame | None = None,
              decimals: int = 2, lang: str = "zh", cities: pd.DataFrame | None = None, ax=None):
    """Every printed score's distance to the nearest grid point, in grid steps, by domain.

    On-grid values lie inside the rounding band (± ½·10^−decimals / step); off-grid ones are drawn in
    red and labelled with the proposed correction (``proposals`` = :func:`best_candidates`; "(?)" marks
    a low-confidence proposal).
    """
    import matplotlib.pyplot as plt

    from .charts import domain_name

    T = _txt(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8.5, 4.8))
    rng = np.random.default_rng(0)
    prop = {} if proposals is None else {(r.unit, r.domain): (r.proposed, getattr(r, "confidence", ""))
                                         for r in proposals.itertuples()}
    for i, col in enumerate(scores_wide.columns):
        kc = int(k[col])
        s = scores_wide[col].astype(float)
        m = grid_position(s, n=n, k=kc)
        resid = m - np.round(m)
        ok = on_grid(s, n=n, k=kc, decimals=decimals).to_numpy()
        band = _half_unit(decimals) / (100.0 / (kc * n))
        ax.fill_between([i - 0.4, i + 0.4], -band, band, color="#cfe8cf", zorder=0,
                        label=T["tol"] if i == 0 else None)
        x = i + rng.uniform(-0.25, 0.25, size=len(s))
        n_off = int((~ok).sum())
        x[~ok] = i + (np.linspace(-0.2, 0.2, n_off) if n_off > 1 else 0.0)   # off-grid: evenly spread
        ax.scatter(x[ok], resid[ok], s=14, color="#7f7f7f", alpha=0.7, label=T["on"] if i == 0 else None)
        ax.scatter(x[~ok], resid[~ok], s=40, color="#d62728", zorder=3, label=T["off"] if i == 0 else None)
        names = _names(s.index[~ok], cities, lang)
        stack = {True: 0, False: 0}                   # labels of same-sign points are stacked, not overlaid
        for xx, yy, unit, name in sorted(zip(x[~ok], resid[~ok], s.index[~ok], names), key=lambda t: -abs(t[1])):
            p, conf = prop.get((unit, col), (None, ""))
            lab = f"{name} {s[unit]:.{decimals}f}" + (f" → {p:.{decimals}f}" if p is not None else "")
            lab += " (?)" if conf == "low" else ""
            up = yy >= 0
            dy = (9 + 14 * stack[up]) if up else -(16 + 14 * stack[up])
            stack[up] += 1
            line = {"arrowstyle": "-", "color": "#d9a0a0", "lw": 0.6} if abs(dy) > 20 else None
            ax.annotate(lab, (xx, yy), xytext=(0, dy), textcoords="offset points", fontsize=8.5, color="#a01010",
                        ha="center", arrowprops=line)
    ax.set_xticks(range(len(scores_wide.columns)))
    ax.set_xticklabels([f"{domain_name(c, lang, short=True)}\n(k = {int(k[c])})" for c in scores_wide.columns])
    ax.set_ylim(-0.55, 0.55)
    ax.axhline(0, color="#444444", lw=0.8)
    ax.set_ylabel(T["grid_y"])
    ax.set_title(T["grid_title"])
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return ax


def plot_rank_checks(checks: Mapping[str, pd.DataFrame], *, after: Mapping[str, pd.DataFrame] | None = None,
                     lang: str = "zh", cities: pd.DataFrame | None = None, clip: int = 3,
                     titles: Mapping[str, str] | None = None, axes=None):
    """Printed minus recomputed rank, by recomputed rank, one panel per ranking (second row: after errata).

    Points are coloured by :func:`check_ranking` status; shifts beyond ``±clip`` are drawn at the edge
    (triangles) with their value. Units classified 'likely typo' are labelled (when there are many,
    only those off by more than one). Returns the array of Axes.
    """
    import matplotlib.pyplot as plt

    from .charts import domain_name

    T = _txt(lang)
    rows = [("printed", checks)] + ([("after", after)] if after is not None else [])
    names = list(checks)
    if axes is None:
        _, axes = plt.subplots(len(rows), len(names), figsize=(3.4 * len(names), 3.0 * len(rows)), squeeze=False,
                               sharex=True, sharey=True)
    axes = np.atleast_2d(axes)
    lim = clip + 0.6
    for ri, (rowname, tables) in enumerate(rows):
        for ci, name in enumerate(names):
            ax = axes[ri, ci]
            chk = tables[name]
            n = len(chk)
            x = chk["recomputed"].astype(float)
            y = chk["shift"].astype(float)
            yc = y.clip(-clip - 0.3, clip + 0.3)
            ax.axhline(0, color="#bbbbbb", lw=0.8, zorder=0)
            for st, g in chk.groupby("status"):
                lab = _STATUS_EN_ZH.get(st, st) if lang == "zh" else st
                inside = y[g.index].abs() <= clip
                ax.scatter(x[g.index][inside], yc[g.index][inside], s=12 if st == "match" else 24,
                           color=_STATUS_COLOURS.get(st, "#000000"), label=f"{lab} ({len(g)})", zorder=2)
                out = g.index[~inside.to_numpy()]
                for u in out:
                    ax.scatter([x[u]], [yc[u]], marker="v" if y[u] < 0 else "^", s=40,
                               color=_STATUS_COLOURS.get(st, "#000000"), zorder=3)
            typos = chk[chk["status"] == "likely typo"]
            show = typos if len(typos) <= 6 else typos[typos["shift"].abs() > 1]
            for j, (unit, lab) in enumerate(zip(show.index, _names(show.index, cities, lang))):
                sh = int(y[unit])
                txt = f"{lab} ({sh:+d})" if abs(sh) > clip else lab
                ax.annotate(txt, (x[unit], yc[unit]), xytext=(0, 7 if (j % 2 == 0) == (sh >= 0) else -13),
                            textcoords="offset points", fontsize=8, color="#a01010", ha="center")
            title = (titles or {}).get(name) or (T["overall"] if name == "overall"
                                                   else domain_name(name, lang, short=True))
            ax.set_title(f"{title} — {T[rowname]}", fontsize=10)
            ax.legend(fontsize=7, loc="lower left", framealpha=0.85)
            ax.set_xlim(0, n + 1)
            ax.set_ylim(-lim, lim)
            if ri == len(rows) - 1:
                ax.set_xlabel(T["rank_x"], fontsize=8.5)
            if ci == 0:
                ax.set_ylabel(T["shift_y"])
    return axes


def plot_weighting(before: pd.DataFrame, after: pd.DataFrame | None = None, *, lang: str = "zh", ax=None):
    """Ranks consistent with the scores per weighting scheme (printed data, and after errata)."""
    import matplotlib.pyplot as plt

    T = _txt(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.9 + 0.75 * len(before)))
    y = np.arange(len(before))
    h = 0.38 if after is not None else 0.6
    off = -h / 2 if after is not None else 0.0          # printed above, after errata below (y axis inverted)
    ax.barh(y + off, before["consistent"], height=h, color="#9e9e9e", label=T["before"])
    for yy, v in zip(y, before["consistent"]):
        ax.text(v + 0.3, yy + off, str(int(v)), va="center", fontsize=8.5)
    if after is not None:
        a = after.reindex(before.index)
        ax.barh(y - off, a["consistent"], height=h, color="#1f77b4", label=T["after"])
        for yy, v in zip(y, a["consistent"]):
            ax.text(v + 0.3, yy - off, str(int(v)), va="center", fontsize=8.5)
    n = int(before["n"].max())
    ax.axvline(n, color="#444444", lw=0.8, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels(list(before.index))
    ax.invert_yaxis()
    ax.set_xlim(0, n + 4)
    ax.set_xlabel(T["weights_x"].format(n=n))
    ax.set_title(T["weights_title"])
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_statistics(before: pd.DataFrame, after: pd.DataFrame | None = None, *, lang: str = "zh", ax=None):
    """Printed vs recomputed correlations (rows = pairs or domains; columns ``published``/``recomputed``)."""
    import matplotlib.pyplot as plt

    T = _txt(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.8 + 0.42 * len(before)))
    y = np.arange(len(before))
    ax.scatter(before["published"], y, marker="s", s=40, color="#333333", label=T["published"], zorder=3)
    ax.scatter(before["recomputed"], y, s=36, color="#ff7f0e", label=T["recomputed"], zorder=3)
    if after is not None:
        ax.scatter(after["recomputed"].reindex(before.index), y + 0.18, s=30, color="#1f77b4", marker="D",
                   label=T["recomputed_after"], zorder=3)
    for yy, (p, r) in enumerate(zip(before["published"], before["recomputed"])):
        ax.plot([p, r], [yy, yy], color="#bbbbbb", zorder=1)
    from .charts import domain_name

    ax.set_yticks(y)
    ax.set_yticklabels(["×".join(domain_name(t, lang, short=True) for t in str(lab).split("×"))
                        for lab in before.index])
    ax.invert_yaxis()
    ax.set_xlabel(T["stat_x"])
    ax.set_title(T["stat_title"])
    ax.legend(fontsize=8, loc="best")
    return ax


def correlation_cause(printed: "AuditResult", corrected: "AuditResult") -> str | None:
    """Likely cause of printed correlations that do not reproduce after the errata, in words.

    The pattern of misses after the errata (:func:`vitality.stats.correlation_cause`) and how far the
    errata move the recomputed r (the largest change between the printed and the corrected tables).
    """
    from .stats import correlation_cause as _cause

    after = corrected.correlations.set_index(["row_domain", "col_domain"])
    before = printed.correlations.set_index(["row_domain", "col_domain"])
    shift = float((after["recomputed"] - before["recomputed"].reindex(after.index)).abs().max())
    return _cause(after[["difference", "status"]], shift)
