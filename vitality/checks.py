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
from .aggregate import aggregate
from .errors import ConfigError
from .normalise import TIES
from .reporting import printed_decimals, rank_agreement
from .stats import ols, p_from_r, pearson_matrix

__all__ = ['FINDING_COLUMNS', 'half_unit', 'fmt_number', 'grid_position', 'on_grid', 'infer_grid', 'infer_grids',
           'transpositions', 'rank_range', 'off_grid', 'best_candidates', 'check_ranking', 'rank_sequence_problems',
           'CONSISTENT_STATUSES', 'scheme_score', 'scheme_checks', 'weighting_table', 'weighting_scheme_test',
           'linkage_scan', 'correlation_check', 'regression_check', 'list_coverage', 'hypotheses_table',
           'hypotheses_summary']

#: Columns of a findings table (``data/errata.csv`` adds ``id`` and ``status``).
FINDING_COLUMNS = ("location", "item", "city", "domain", "printed_value", "proposed_value", "kind",
                   "severity", "evidence")
#: Tie rules understood by :func:`check_ranking` and :func:`rank_sequence_problems`.

_EPS = 1e-9


def half_unit(decimals: int) -> float:
    """Half a unit of the last printed decimal: the largest rounding error of a value printed with ``decimals``.

    Parameters
    ----------
    decimals : int
        Printed decimals.

    Returns
    -------
    float
        ``0.5 * 10**-decimals``.

    Examples
    --------
    >>> from vitality.checks import half_unit
    >>> half_unit(2), half_unit(0)
    (0.005, 0.5)
    """
    return 0.5 * 10.0 ** (-decimals)


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def _check_ties(ties: str) -> None:
    if ties not in TIES:
        raise ConfigError(f"ties={ties!r} is not a known tie rule; choose one of {TIES}.")


def fmt_number(x, decimals: int = 2) -> str:
    """A number as text with ``decimals`` decimals; missing (None or NaN) as "".

    Parameters
    ----------
    x : float or None
        The number.
    decimals : int, default 2
        Decimals shown.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> from vitality.checks import fmt_number
    >>> fmt_number(66.4712), fmt_number(3, 0), fmt_number(float("nan"))
    ('66.47', '3', '')
    """
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{decimals}f}"


# --------------------------------------------------------------------------------------------------
# 1. Score granularity
# --------------------------------------------------------------------------------------------------

def grid_position(scores: pd.Series | np.ndarray | float, *, n: int, k: int) -> np.ndarray:
    """Position of each score on the rank-score grid: ``m = score · k · n / 100`` (float).

    On the grid, ``m`` is an integer (the sum of ``k`` ranks out of ``n``).

    Parameters
    ----------
    scores : float, array-like or pandas.Series
        Printed scores (0–100).
    n : int
        Number of units each indicator ranks.
    k : int
        Number of indicator scores averaged.

    Returns
    -------
    numpy.ndarray
        ``m`` of each score (float; an integer on the grid).

    Examples
    --------
    >>> from vitality.checks import grid_position
    >>> grid_position([50.0, 51.0], n=10, k=2)
    array([10. , 10.2])
    """
    return np.asarray(scores, dtype=float) * k * n / 100.0


def on_grid(scores: pd.Series, *, n: int, k: int, decimals: int = 2) -> pd.Series:
    """Whether each printed score can be the rounded mean of ``k`` rank scores out of ``n``.

    A rank score is ``100 · r / n`` (r = 1..n); the mean of ``k`` of them is ``100 · m / (k · n)`` with
    ``m`` an integer in ``[k, k · n]``. A value printed with ``decimals`` decimals is on the grid when
    some such ``m`` satisfies ``|score − 100 · m / (k · n)| ≤ ½ · 10^−decimals``.

    Returns a boolean Series aligned with ``scores`` (missing scores are False).

    Parameters
    ----------
    scores : pandas.Series
        Printed scores.
    n : int
        Number of units each indicator ranks.
    k : int
        Number of indicator scores averaged.
    decimals : int, default 2
        Printed decimals.

    Returns
    -------
    pandas.Series
        Boolean, aligned with ``scores`` (a missing score is False).

    Examples
    --------
    >>> from vitality.checks import on_grid
    >>> on_grid(pd.Series({"p": 45.0, "q": 47.5, "r": 46.0}), n=10, k=2, decimals=1).to_dict()
    {'p': True, 'q': False, 'r': False}
    """
    n = _check_positive_int("n", n)
    k = _check_positive_int("k", k)
    s = pd.Series(scores, dtype=float)
    m = np.clip(np.round(grid_position(s, n=n, k=k)), k, k * n)
    exact = 100.0 * m / (k * n)
    ok = np.abs(s.to_numpy() - exact) <= half_unit(decimals) + _EPS
    return pd.Series(ok & s.notna().to_numpy(), index=s.index, name=s.name)


def infer_grid(scores: pd.Series, *, n: int, k_max: int = 20, decimals: int = 2) -> tuple[int, pd.DataFrame]:
    """The number of averaged rank scores ``k`` that best explains a column of printed scores.

    For each ``k = 1..k_max`` counts the values on the grid ``100 · m / (k · n)`` (see :func:`on_grid`).
    Multiples of the true ``k`` explain every value the true ``k`` explains, so the smallest ``k``
    reaching the highest count is chosen.

    Parameters
    ----------
    scores : pandas.Series
        Printed scores of one column.
    n : int
        Number of units each indicator ranks.
    k_max : int, default 20
        Largest ``k`` tried.
    decimals : int, default 2
        Printed decimals.

    Returns
    -------
    k : int
    fit : DataFrame
        Indexed by ``k``: ``n_on``, ``n_off``, ``share_on``, ``step`` (= 100 / (k·n)) and ``off``
        (the labels off the grid, joined by "、"), plus ``chosen``.

    Examples
    --------
    >>> from vitality.checks import infer_grid
    >>> k, fit = infer_grid(pd.Series([100 * m / 30 for m in (3, 7, 12, 20, 25)]).round(2), n=10, k_max=6)
    >>> k, fit["n_on"].tolist()
    (3, [2, 2, 5, 2, 2, 5])
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

    Parameters
    ----------
    scores_wide : pandas.DataFrame
        Units × columns of printed scores.
    n : int
        Number of units each indicator ranks.
    k_max : int, default 20
        Largest ``k`` tried.
    decimals : int, default 2
        Printed decimals.

    Returns
    -------
    pandas.DataFrame
        One row per column (index ``domain``).

    Examples
    --------
    >>> from vitality.checks import infer_grids
    >>> wide = pd.DataFrame({"two": [100 * m / 20 for m in (2, 5, 9, 13)], "three": [100 * m / 30 for m in (4, 7, 11, 20)]})
    >>> infer_grids(wide.round(2), n=10, k_max=6)[["k", "n_on", "n_off"]]
            k  n_on  n_off
    domain
    two     2     4      0
    three   3     4      0
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

    Parameters
    ----------
    value : float
        The printed value.
    decimals : int, default 2
        Its printed decimals.

    Returns
    -------
    list of float
        The distinct transpositions, sorted.

    Examples
    --------
    >>> from vitality.checks import transpositions
    >>> transpositions(66.47)
    [64.67, 66.74]
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

    Examples
    --------
    Ten units ranked on two indicators: a domain score is ``100 · m / 20``, a multiple of 5, so 45.00 is on
    the grid and 46.74 is not; its candidates are the nearest grid values 45 and 50 (none of its digit
    transpositions is on the grid):

    >>> from vitality.checks import off_grid
    >>> wide = pd.DataFrame({"soc": [45.0, 46.74, 90.0]}, index=["p", "q", "r"])
    >>> off_grid(wide, n=10, k={"soc": 2})[["unit", "printed", "candidate", "m", "nearest", "transposition"]]
      unit  printed  candidate   m  nearest  transposition
    0    q    46.74       45.0   9     True          False
    1    q    46.74       50.0  10     True          False
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
        base_scores = scheme_score(scores_wide, weights)
        base = check_ranking(base_scores, overall_ranks, ties=ties, ascending=ascending, decimals=decimals)
        base_ok = int((base["status"] != "likely typo").sum())
        consistent = []
        for _, r in out.iterrows():                 # a handful of candidates: a loop is clearest
            alt = scores_wide.copy()
            alt.at[r["unit"], r["domain"]] = r["candidate"]
            chk = check_ranking(scheme_score(alt, weights), overall_ranks, ties=ties,
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

    Parameters
    ----------
    candidates : pandas.DataFrame
        :func:`off_grid` output.
    decimals : int, default 2
        Printed decimals (used in the evidence sentences).

    Returns
    -------
    pandas.DataFrame
        One row per off-grid score.

    Examples
    --------
    >>> from vitality.checks import best_candidates, off_grid
    >>> wide = pd.DataFrame({"soc": [47.5, 54.0, 90.0]}, index=["p", "q", "r"])
    >>> ranks = pd.DataFrame({"soc": [3, 2, 1]}, index=["p", "q", "r"])
    >>> best = best_candidates(off_grid(wide, n=10, k={"soc": 2}, published_ranks=ranks))
    >>> best[["unit", "printed", "proposed", "confidence"]]
      unit  printed  proposed confidence
    0    p     47.5      45.0        low
    1    q     54.0      55.0        low
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
            listed.append(f"{fmt_number(r['candidate'], decimals)} ({', '.join(bits)})")
        pub = best["published_rank"]
        m_txt = f"{best['m_printed']:.3f}"
        ev = (f"printed {fmt_number(best['printed'], decimals)} gives m = score·k·n/100 = {m_txt}, not an integer "
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
      - ``'likely typo'``: anything else (including a tied unit whose group's ranks are not a
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
    t        5.0        2.0   likely typo
    """
    _check_ties(ties)
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
        ["missing score", "missing rank", "match", "tie handling", "likely typo", "rounding"],
        default="likely typo")
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
    _check_ties(ties)
    if ties not in ("first", "min", "max"):
        raise ConfigError(f"rank_sequence_problems checks ties='first', 'min' or 'max', not {ties!r}.")
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


# --------------------------------------------------------------------------------------------------
# 3. Weighting scheme
# --------------------------------------------------------------------------------------------------

#: :func:`check_ranking` statuses that count as consistent with the scores (tie order and rounding
#: forgiven; 'likely typo' and the missing statuses do not).
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
        Indexed by ``scheme``: the weights, ``exact``, ``consistent``, ``likely_typos``, ρ, τ-b, the
        largest shift and the units that disagree.

    Examples
    --------
    >>> from vitality.checks import scheme_checks, weighting_table
    >>> scores = pd.DataFrame({"soc": [80.0, 60.0, 40.0], "eco": [20.0, 60.0, 100.0]}, index=["p", "q", "r"])
    >>> schemes = {"equal": {"soc": 1, "eco": 1}, "social": {"soc": 1}}
    >>> t = weighting_table(scheme_checks(scores, pd.Series({"p": 3, "q": 2, "r": 1}), schemes), schemes)
    >>> t[["exact", "consistent", "likely_typos"]]
            exact  consistent  likely_typos
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

    For each scheme the overall score is :func:`scheme_score` of the domains the scheme
    weights (relative weights) and the ranking is checked with
    :func:`check_ranking` (so ties and rounding are not counted as misses; the per-scheme tables are
    :func:`scheme_checks`). Reported per scheme:
    ``exact`` (published = recomputed, ties broken in the published order), ``consistent``
    (status match / tie handling / rounding), ``likely_typos``, Spearman ρ, Kendall τ-b and the
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
