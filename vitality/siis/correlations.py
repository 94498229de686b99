"""Notebook 04 (四(五)): Pearson correlations of the four domains, printed beside reproduced, and the
verdict sentences."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .. import plots
from ..reporting import compare_values
from ..stats import pearson_matrix
from .labels import domain_name

__all__ = ['correlation_table', 'correlation_verdict', 'errata_r_shift', 'scores_version', 'correlation_plain_verdict',
           'correlation_cause', 'correlation_heatmap']


def correlation_table(scores: pd.DataFrame, published: pd.DataFrame, *, columns: Sequence[str] | None = None,
                      ci: float = 0.95, errata_scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each unordered pair of domains once: published r, stars, p and N beside the reproduced ones.

    Parameters
    ----------
    scores : DataFrame
        Domain scores used (one column per domain).
    published : DataFrame
        The printed correlation table in long form (``row_domain, col_domain, r, stars, p_printed, n``).
    columns : sequence of str, optional
        The domains, in order (pairs x before y in this order).
    ci : float
        Level of the Fisher-z interval of the reproduced r.
    errata_scores : DataFrame, optional
        Scores after the proposed corrections: their r is shown as a sensitivity check (NaN if None).

    Returns
    -------
    DataFrame
        Index (``domain_x``, ``domain_y``); columns ``r_published, r_reproduced, difference
        (reproduced − published), stars_published, stars_reproduced, p_published, p_reproduced,
        n_published, n_reproduced, ci_low, ci_high, r_with_proposed_errata``, and ``r_undefined`` (why r
        has no value: constant scores, n < 3; '' where it has one) when some pair's r is undefined.
    """
    upper = pearson_matrix(scores, columns=columns, pairs="upper", ci=ci).set_index(["x", "y"])
    pub = published.set_index(["row_domain", "col_domain"]).reindex(upper.index)
    if errata_scores is not None:
        r_errata = pearson_matrix(errata_scores, columns=columns, pairs="upper").set_index(["x", "y"])["r"]
    else:
        r_errata = pd.Series(np.nan, index=upper.index)
    out = pd.DataFrame({
        "r_published": pub["r"], "r_reproduced": upper["r"], "difference": upper["r"] - pub["r"],
        "stars_published": pub["stars"], "stars_reproduced": upper["stars"],
        "p_published": pub["p_printed"], "p_reproduced": upper["p"],
        "n_published": pub["n"], "n_reproduced": upper["n"],
        "ci_low": upper["ci_low"], "ci_high": upper["ci_high"],
        "r_with_proposed_errata": r_errata,
    })
    out.index.names = ["domain_x", "domain_y"]
    reasons = undefined_r_reasons(scores, out.index)
    undefined = reasons.ne("").to_numpy()
    if undefined.any():         # never a number (or ±inf) where r has no value; the column says why
        out["r_undefined"] = reasons.to_numpy()
        for c in ("r_reproduced", "difference", "p_reproduced", "ci_low", "ci_high"):
            out.loc[undefined, c] = np.nan
        out.loc[undefined, "stars_reproduced"] = ""
    return out


def undefined_r_reasons(scores: pd.DataFrame, pairs) -> pd.Series:
    """Why Pearson's r of each pair is undefined ('' where it is defined).

    r needs at least 3 cities with both scores (below 3, r is ±1 or undefined and has no p-value) and
    two columns that vary: a constant column has no variance to correlate with.
    """
    out = {}
    for x, y in pairs:
        both = scores[[x, y]].dropna()
        if len(both) < 3:
            out[(x, y)] = (f"r is undefined: only {len(both)} cit{'y has' if len(both) == 1 else 'ies have'} both "
                           f"the {x} and the {y} score (n < 3)")
            continue
        const = [c for c in (x, y) if both[c].nunique() <= 1]
        if const:
            out[(x, y)] = (f"r is undefined: the {' and the '.join(const)} scores are constant "
                           f"(every city has {both[const[0]].iloc[0]:g})")
        else:
            out[(x, y)] = ""
    return pd.Series(out, dtype=object).reindex(list(pairs))



def correlation_verdict(table: pd.DataFrame, *, tol: float = 0.0005) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The verdict tables of the correlation check.

    Parameters
    ----------
    table : DataFrame
        :func:`correlation_table`.
    tol : float
        Tolerance on r.

    Returns
    -------
    (verdict_table, r_check, stars_check)
        ``r_check`` is :func:`vitality.reporting.compare_values` of published vs reproduced r;
        ``stars_check`` compares 1 (published) with 1/0 (stars agree, a missing published star
        counting as none); ``verdict_table`` both stacked, index (``check``, ``domain_x``, ``domain_y``).
    """

    v_r = compare_values(table["r_published"], table["r_reproduced"], tol=tol)
    same = (table["stars_published"].fillna("") == table["stars_reproduced"]).astype(float)
    v_stars = compare_values(pd.Series(1.0, index=table.index), same)
    if "r_undefined" in table and table["r_undefined"].ne("").any():
        why = table["r_undefined"].reindex(v_r.index).fillna("")
        for v in (v_r, v_stars):
            v["note"] = why.reindex(v.index).fillna("").to_numpy()
            v.loc[v["note"].ne(""), "status"] = "undefined"
    out = pd.concat({"r": v_r, "stars agree (1 = yes)": v_stars}, names=["check", "domain_x", "domain_y"])
    return out, v_r, v_stars



def errata_r_shift(table: pd.DataFrame, printed_scores: pd.DataFrame, *, columns: Sequence[str] | None = None) -> float:
    """Largest absolute change of r that the proposed corrections cause: ``r_with_proposed_errata`` of a
    :func:`correlation_table` against r of the printed scores (NaN without errata)."""
    printed = pearson_matrix(printed_scores, columns=columns, pairs="upper").set_index(["x", "y"])["r"]
    return (table["r_with_proposed_errata"] - printed.rename_axis(table.index.names)).abs().max()



def scores_version(corrected: bool) -> str:
    """Which scores a correlation was computed from, as the verdict sentences name them: ``'scores as printed'``
    or ``'scores after errata'`` (the audit notebook quotes r after the errata; this names which is which)."""
    return "scores after errata" if corrected else "scores as printed"


def correlation_plain_verdict(table: pd.DataFrame, *, tol: float = 0.0005, alpha: float = 0.01,
                              claimed_lowest=("economic", "cultural"), corrected: bool = False) -> str:
    """The correlation verdict in plain words, every claim computed from ``table``.

    ``table`` is :func:`correlation_table` (indexed by the pair). The sentence says how many reproduced r
    are positive and significant at ``alpha`` (the report: all, at .01), which pair is lowest and whether
    that is ``claimed_lowest`` (the report: economic–cultural), and which printed r reproduce within
    ``tol`` (half a unit of the printed third decimal) and by how much the others are off. Pairs with no
    printed r are left out of the last part. ``corrected``: whether ``table`` was computed from the scores after
    errata (the sentence names the version, :func:`scores_version`).
    """
    undefined = ""
    if "r_undefined" in table and table["r_undefined"].ne("").any():
        und = table["r_undefined"].ne("")
        undefined = (f"In plain words: {int(und.sum())} of {len(table)} correlations cannot be computed ("
                     + "; ".join(f"{'–'.join(i)}: {w}" for i, w in table.loc[und, "r_undefined"].items()) + ")")
        table = table[~und]
        if table.empty:
            return undefined + "."
        undefined += ". Of the others: "
    r = table["r_reproduced"].astype(float)
    p = table["p_reproduced"].astype(float)
    diff = table["difference"].astype(float)
    n = len(r)

    def name(pair):
        return "–".join(map(str, pair)) if isinstance(pair, tuple) else str(pair)

    n_pos, n_sig = int((r > 0).sum()), int((p < alpha).sum())
    sign = "all positive" if n_pos == n else f"{n_pos} of {n} positive"
    sig = f"all significant at {alpha:g}" if n_sig == n else f"{n_sig} of {n} significant at {alpha:g}"
    low = r.idxmin()
    holds = isinstance(low, tuple) and set(low) == set(claimed_lowest)
    claim = (f"the report's claim that {'–'.join(claimed_lowest)} is the lowest "
             + ("holds" if holds else f"does not hold (lowest: {name(low)}, r = {r.min():.3f})"))
    printed = diff.notna()
    match = printed & (diff.abs() <= tol + 1e-12)
    off = diff[printed & ~match].abs()
    reproduced = (f"the printed r reproduce within {tol:g} for {int(match.sum())} of {int(printed.sum())} pairs"
                  + (f" ({', '.join(name(i) for i in r.index[match])})" if match.any() else ""))
    rest = f"; the other {len(off)} are off by {off.min():.3f} to {off.max():.3f}" if len(off) else ""
    lead = undefined + "of" if undefined else "In plain words: of"
    return (f"{lead} the {n} correlations recomputed from the {scores_version(corrected)}, {sign} (between {r.min():.3f} "
            f"and {r.max():.3f}) and {sig}; {claim}; {reproduced}{rest}.")



def correlation_cause(r_check: pd.DataFrame, errata_shift: float | None = None) -> str | None:
    """Likely cause of printed correlations that do not reproduce, worked out from the pattern of misses.

    ``r_check`` is :func:`vitality.reporting.compare_values` of printed vs reproduced r, indexed by pair.
    The domains that appear in no matching pair are *suspect*; when every differing pair involves a
    suspect domain and at least two pairs match, the pattern is consistent with the printed table having been computed
    from other scores of those domains; with a single matching pair the pattern holds by construction and the
    sentence says that it points to no domain. ``errata_shift`` (:func:`errata_r_shift`) says whether the proposed score
    corrections could account for the differences. Returns ``None`` when nothing differs.
    """
    status = r_check["status"]
    if "note" in r_check and (status == "undefined").any():
        und = r_check[status == "undefined"]
        groups: dict = {}
        for pair, note in und["note"].items():
            groups.setdefault(note, []).append("–".join(pair))
        undefined_text = "; ".join(f"{note.replace('r is undefined', 'r is undefined for ' + ', '.join(p), 1)}"
                                   for note, p in groups.items()) + "."
        rest = r_check[status != "undefined"]
        more = correlation_cause(rest, errata_shift) if len(rest) else None
        return undefined_text + (f" Otherwise: {more}" if more else "")
    differ = list(r_check.index[status == "differs"])
    if not differ:
        return None
    match = list(r_check.index[status == "match"])
    domains = list(dict.fromkeys(d for pair in r_check.index for d in pair))
    in_match = {d for pair in match for d in pair}
    suspect = [d for d in domains if d not in in_match]
    clean_pairs = [p for p in r_check.index if not any(d in suspect for d in p)]
    if match and suspect and all(any(d in suspect for d in pair) for pair in differ) and len(clean_pairs) >= 2:
        text = (f"every pair that differs involves {' or '.join(suspect)}, while all {len(match)} pairs of the other "
                f"domains ({', '.join('–'.join(p) for p in match)}) match; that pattern is "
                f"consistent with the printed table having been computed from {'/'.join(suspect)} scores other than "
                f"the printed ones, but no variant tried matches them (see the hypotheses table).")
    elif len(match) == 1:
        text = (f"only {'–'.join(match[0])} matches; with a single matching pair every other pair necessarily "
                f"involves {' or '.join(suspect)}, so the misses point to no particular domain. The printed r do not "
                "follow from these scores, for a reason the report does not reveal (see the hypotheses table "
                "for what was tried).")
    else:
        text = "the printed r do not follow from the printed scores, for a reason the report does not reveal."
    if errata_shift is not None:
        smallest = float(r_check.loc[differ, "difference"].abs().min())
        text += (f" The proposed score corrections move r by at most {errata_shift:.4f}, "
                 + ("so they do not explain it." if errata_shift < smallest else "which could explain part of it."))
    return text


def correlation_heatmap(corr: pd.DataFrame, *, lang: str = "zh", **kw):
    """:func:`vitality.plots.correlation_heatmap` with the report's short domain names."""
    names = {c: domain_name(c, lang, short=True) for c in dict.fromkeys(corr["x"])}
    return plots.correlation_heatmap(corr, lang=lang, names=names, **kw)


def _pairs_r(frame: pd.DataFrame, pairs, method: str = "pearson") -> pd.Series:
    c = frame.corr(method=method)
    return pd.Series({p: float(c.loc[p[0], p[1]]) for p in pairs})


def correlation_hypotheses(printed_scores: pd.DataFrame, published: pd.DataFrame, *, errata_scores=None,
                           published_ranks: pd.DataFrame | None = None, tol: float = 0.0005):
    """Every hypothesis tried for the printed r of 四(五), pair by pair (:func:`vitality.checks.hypotheses_table`).

    Tried: Pearson and Spearman and Kendall on the printed scores; Pearson and Spearman on the published domain
    ranks (图表 4–7); Pearson on the scores after the errata; scores rounded to one decimal and to integers;
    leaving out each one of the cities (N − 1; every city once, reported as one line per city).

    Returns
    -------
    (table, summary)
        ``table``: one row per (pair, hypothesis), ``matches`` when the value is within ``tol`` of the printed r;
        ``summary``: per pair which hypotheses match it (``matched_by``: a match among many variants is found by
        search, not a reproduction), the closest, and how many were tried.
    """
    from ..checks import hypotheses_summary, hypotheses_table

    pl = published[published["row_domain"] != published["col_domain"]]
    cols = list(printed_scores.columns)
    seen, pub = set(), {}
    for r in pl.itertuples():
        p = tuple(sorted((r.row_domain, r.col_domain), key=cols.index))
        if p not in seen:
            seen.add(p)
            pub[p] = float(r.r)
    pub = pd.Series(pub)
    pairs = list(pub.index)
    X = printed_scores.astype(float)
    v = {"Pearson, printed scores": _pairs_r(X, pairs),
         "Spearman, printed scores": _pairs_r(X, pairs, "spearman"),
         "Kendall, printed scores": _pairs_r(X, pairs, "kendall")}
    if published_ranks is not None:
        R = published_ranks[cols].astype(float)
        v["Pearson, published ranks (图表 4–7)"] = _pairs_r(R, pairs)
        v["Spearman, published ranks (图表 4–7)"] = _pairs_r(R, pairs, "spearman")
    if errata_scores is not None:
        v["Pearson, scores after errata"] = _pairs_r(errata_scores[cols].astype(float), pairs)
    v["Pearson, scores rounded to 1 decimal"] = _pairs_r(X.round(1), pairs)
    v["Pearson, scores rounded to integers"] = _pairs_r(X.round(0), pairs)
    for city in X.index:
        v[f"Pearson, without {city} (N = {len(X) - 1})"] = _pairs_r(X.drop(index=city), pairs)
    table = hypotheses_table(pub, v, tol)
    table["target"] = table["target"].map(lambda p: "–".join(p))
    # a variant that gives a printed r within half a unit *matches* it; only the stated method can reproduce it
    summary = hypotheses_summary(table).rename(columns={"reproduced_by": "matched_by"})
    return table.rename(columns={"reproduces": "matches"}), summary


def hypothesis_text(hypothesis: str, label=None) -> str:
    """A hypothesis of :func:`correlation_hypotheses` with its left-out city (``… without 兰州 …``) named by
    ``label`` (e.g. English names in an English run)."""
    city = left_out_city(hypothesis)
    return hypothesis if city is None or label is None else hypothesis.replace(city, str(label(city)))


def left_out_city(hypothesis: str) -> str | None:
    """The city a leave-one-out hypothesis (``… without 兰州 …``) leaves out, or ``None``."""
    return hypothesis.split("without ")[1].split(" (")[0] if "without " in hypothesis else None


def hypotheses_message(summary: pd.DataFrame, table: pd.DataFrame, n_cities: int, *, label=None,
                       what: str = "printed r", stated=None) -> str:
    """Plain words on :func:`correlation_hypotheses`: per printed number, whether the stated method gives it,
    which other hypotheses match it, or that nothing tried does; and how many printed numbers the best single
    hypothesis matches (every word from the tables). ``label`` maps a city to its display name.

    Only the ``stated`` hypotheses (default: the first of ``table``, the report's own method) can *reproduce* a
    printed number. A match among the other variants is a hit found by searching many variants
    ("k of N variants tried match (found by search)"), never "reproduced by"; the stated method's verdict on such a
    number is **differs**.
    """
    from ..reporting import Strength

    label = label or (lambda c: c)
    per = table.groupby("hypothesis", sort=False)["matches"].sum()
    best = per.idxmax()
    n_t = table["target"].nunique()
    stated = [table["hypothesis"].iloc[0]] if stated is None else ([stated] if isinstance(stated, str) else list(stated))

    def hyp(h):
        return hypothesis_text(h, label)

    def variants(hyps):
        loo = [h for h in hyps if left_out_city(h) is not None]
        other = [hyp(h) for h in hyps if h not in loo]
        txt = "; ".join(other)
        if loo:
            txt += ("; " if txt else "") + (f"leaving out one city ({len(loo)} of {n_cities} cities: "
                                            + ", ".join(str(label(left_out_city(h))) for h in loo[:6])
                                            + (" …" if len(loo) > 6 else "") + ")")
        return txt

    lines = [f"No single hypothesis matches all {n_t} {what}: the best, *{hyp(best)}*, matches {int(per.max())} of "
             f"{n_t}. A hypothesis that fits one printed number and not the others (e.g. leaving out one particular "
             f"city) is more likely a coincidence than the explanation: {int(table['value'].notna().sum())} values "
             f"were tried, each within a window of ± half a printed unit."]
    for target, r in summary.iterrows():
        n_tried = int(r["n_tried"])
        by = r["matched_by"]
        if by == "none":
            lines.append(f"- **{target}** (printed {r['published']:.3f}): **{Strength.DIFFERS}**, unexplained — none "
                         f"of the {n_tried} hypotheses tried matches it; closest: {hyp(r['closest'])} "
                         f"({r['closest_value']:.4f}, off by {r['closest_difference']:+.4f}).")
            continue
        hyps = by.split("; ")
        own = [h for h in hyps if h in stated]
        others = [h for h in hyps if h not in stated]
        n_var = n_tried - sum(1 for h in stated if h in set(table.loc[table["target"] == target, "hypothesis"]))
        hits = (f"{len(others)} of {n_var} other variants tried {'matches' if len(others) == 1 else 'match'} "
                f"(found by search): {variants(others)}") if others else ""
        if own:
            lines.append(f"- **{target}** (printed {r['published']:.3f}): **{Strength.REPRODUCES}** — the stated method "
                         f"({'; '.join(hyp(h) for h in own)}) gives it" + (f"; {hits}" if hits else "") + ".")
        else:
            hits = hits.replace(" other variants", " variants", 1)
            lines.append(f"- **{target}** (printed {r['published']:.3f}): **{Strength.DIFFERS}** from the stated "
                         f"method ({'; '.join(hyp(h) for h in stated)}); {hits} — a hit found among many variants, "
                         "not a reproduction.")
    return "\n".join(lines)
