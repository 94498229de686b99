"""Printed scores on their rank-score grid: which values a rank-scored index can print at all, and the likely
correction of one that it cannot.

Stage 1 of :mod:`vitality.checks` (which re-exports every name).  Under rank scoring (indicator score =
100 · rank / n) a domain score that is the mean of ``k`` indicator scores is ``100 · m / (k · n)`` with ``m``
the integer sum of ``k`` ranks; printed values must sit on that grid after rounding.  :func:`grid_position`,
:func:`on_grid`, :func:`infer_grid`, :func:`infer_grids` find the grid; :func:`off_grid` lists the values off
it with candidate corrections (the nearest grid values, digit :func:`transpositions`) and their evidence, and
:func:`best_candidates` proposes one per value.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from .checks_ranks import EPS as _EPS
from .checks_ranks import check_positive_int as _check_positive_int
from .checks_ranks import check_ranking, scheme_score
from .errors import ConfigError

__all__ = ['half_unit', 'fmt_number', 'grid_position', 'on_grid', 'infer_grid', 'infer_grids', 'transpositions',
           'off_grid', 'best_candidates']


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
      overall rank is consistent (:func:`check_ranking` status not 'unexplained') when the candidate
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
        base_ok = int((base["status"] != "unexplained").sum())
        consistent = []
        for _, r in out.iterrows():                 # a handful of candidates: a loop is clearest
            alt = scores_wide.copy()
            alt.at[r["unit"], r["domain"]] = r["candidate"]
            chk = check_ranking(scheme_score(alt, weights), overall_ranks, ties=ties,
                                ascending=ascending, decimals=decimals)
            consistent.append(int((chk["status"] != "unexplained").sum()))
        out["overall_consistent"] = consistent
        out["overall_gain"] = out["overall_consistent"] - base_ok
    return out


def best_candidates(candidates: pd.DataFrame, *, decimals: int = 2) -> pd.DataFrame:
    """One proposed correction per off-grid score, with its evidence in words.

    Each candidate of :func:`off_grid` scores one point per piece of evidence: agrees with the
    published rank of its column, is a digit transposition of the printed value, improves the
    overall ranking (``overall_gain > 0``). The best candidate (ties: nearest) is proposed.
    ``confidence`` counts only the evidence that *separates* it from the runner-up (a rank every candidate
    agrees with is no evidence for one of them): 'high' when the best has at least two points more than every
    other candidate, 'medium' when it has one more, 'low' otherwise (the evidence does not separate the
    candidates; the nearest is shown).

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
        margin = best["points"] - (rest.max() if len(rest) else 0)
        conf = "high" if margin >= 2 else "medium" if margin == 1 else "low"
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
