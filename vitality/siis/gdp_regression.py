"""Notebook 05 (图表 8): the index and its domains regressed on 2013 GDP, printed beside reproduced,
residual rankings and the verdict sentences."""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd

from ..plots import scatter_fit
from ..stats import partial_correlations, residual_ranking
from ..style import check_lang
from .correlations import hypothesis_text, left_out_city
from .data import DOMAINS
from .labels import domain_name

__all__ = ['GDP_FIT_COLUMNS', 'gdp_fit_table', 'gdp_residual_table', 'residual_extremes', 'residual_extremes_message',
           'largest_gaps', 'gdp_plain_verdict', 'gdp_cause', 'gdp_scatter', 'gdp_scatter_domains',
           'gdp_hypotheses_message', 'size_table', 'size_message']

#: Columns of :func:`gdp_fit_table`, in order.
GDP_FIT_COLUMNS = ("r_published", "r", "r_squared_published", "r_squared", "slope", "ci_low", "ci_high", "se",
                   "p", "intercept", "n", "n_dropped", "dropped")



def gdp_fit_table(fit: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """The fits of 图表 8 with the published r and R² beside the reproduced ones.

    Parameters
    ----------
    fit : DataFrame
        :func:`ols` table, one row per outcome (e.g. ``total``, the domains, ``total (alt_weights)``).
    published : DataFrame
        The published regression table (columns ``r``, ``r_squared``), indexed by outcome; outcomes it
        lacks get NaN.

    Returns
    -------
    DataFrame
        Indexed by ``outcome`` in the order of ``fit``, with the columns :data:`GDP_FIT_COLUMNS`.
    """
    out = fit.assign(r_published=published["r"].reindex(fit.index),
                     r_squared_published=published["r_squared"].reindex(fit.index))
    out = out[list(GDP_FIT_COLUMNS)]
    out.index.name = "outcome"
    return out



def gdp_residual_table(overall: pd.Series, gdp: pd.Series, city_en: pd.Series, published_rank: pd.Series, *,
                       level: float = 0.95) -> pd.DataFrame:
    """"Vitality beyond economic size": :func:`residual_ranking` of the overall index on GDP, named for
    the report.

    Parameters
    ----------
    overall, gdp : Series
        Overall index and GDP, indexed by city.
    city_en : Series
        English city names (any index; aligned on the city).
    published_rank : Series
        The published overall rank (图表 3), aligned on the city.
    level : float
        Passed to :func:`residual_ranking`.

    Returns
    -------
    DataFrame
        :func:`residual_ranking` with ``y, x, rank_y`` renamed ``overall_index, gdp,
        overall_rank_reproduced``, and ``city_en``, ``overall_rank_published`` as first columns.
    """
    out = residual_ranking(overall, gdp, level=level)
    out = out.rename(columns={"y": "overall_index", "x": "gdp", "rank_y": "overall_rank_reproduced"})
    out.insert(0, "city_en", city_en.reindex(out.index))
    out.insert(1, "overall_rank_published", published_rank.reindex(out.index))
    return out



def residual_extremes(ranking: pd.DataFrame, n: int = 5) -> tuple[list, list]:
    """The ``n`` units most above and the ``n`` most below the line, farthest first.

    Parameters
    ----------
    ranking : DataFrame
        :func:`residual_ranking` (or :func:`gdp_residual_table`): sorted by residual, units not
        fitted last, column ``in_fit``.
    n : int
        How many on each side.

    Returns
    -------
    (above, below) : lists of unit labels; ``below`` starts with the largest negative residual.
    """
    above = ranking.head(n).index.tolist()
    below = ranking[ranking["in_fit"]].tail(n).index.tolist()[::-1]
    return above, below



def residual_extremes_message(ranking: pd.DataFrame, n: int = 5, *, label=None, sep: str = "、") -> str:
    """``"**Most above their GDP:** …. **Most below:** …."`` from :func:`residual_extremes` (``label`` maps a
    city to its display name)."""
    above, below = residual_extremes(ranking, n)
    name = label or (lambda c: c)
    return (f"**Most above their GDP:** {sep.join(map(str, map(name, above)))}. "
            f"**Most below:** {sep.join(map(str, map(name, below)))}.")



def largest_gaps(check: pd.DataFrame, n: int = 3) -> pd.Series:
    """Largest absolute difference per outcome of a :func:`vitality.reporting.compare_values` table
    over several statistics (index (outcome, statistic)), the ``n`` largest first."""
    worst = check["difference"].abs().groupby(level=0).max().sort_values(ascending=False)
    return worst.head(n)



def gdp_plain_verdict(fit: pd.DataFrame, published: pd.DataFrame, check: pd.DataFrame, *, level: float = 0.95,
                      n_gaps: int = 3, alt: str = "total (alt_weights)") -> str:
    """The GDP regression verdict in plain words.

    Parameters
    ----------
    fit : DataFrame
        :func:`ols` table with a ``total`` row (and, if a second weight set was fitted, an ``alt`` row).
    published : DataFrame
        Published r and R² by outcome (row ``total``).
    check : DataFrame
        :func:`vitality.reporting.compare_values` of published vs reproduced r and R²; its
        :func:`largest_gaps` are named.
    level : float
        Confidence level of the slope interval (as fitted).
    n_gaps : int
        How many of the largest gaps to name.
    alt : str
        Row of ``fit`` with the second weight set; its sentence is left out when absent.

    Returns
    -------
    str
        Share of variance explained, r against the published r, the slope per 100 billion CNY (the
        GDP unit is 100 million CNY, so the slope is multiplied by 1000) with its interval, and the
        largest gaps.
    """
    t = fit.loc["total"]
    msg = (f"In plain words: GDP explains {t['r_squared']:.0%} of the variance of the overall index "
           f"(r = {t['r']:.3f}; published {published.loc['total', 'r']:.3f}); the slope is "
           f"{t['slope'] * 1000:.2f} index points per 100 billion CNY ({level:.0%} CI "
           f"{t['ci_low'] * 1000:.2f} to {t['ci_high'] * 1000:.2f}). "
           f"Largest gaps to the published r/R²: "
           + ", ".join(f"{k} {d:.3f}" for k, d in largest_gaps(check, n_gaps).items()) + ".")
    if alt in fit.index:
        msg += (f" With `alt_weights` the overall r is {fit.loc[alt, 'r']:.3f}, still not "
                f"{published.loc['total', 'r']:.3f}.")
    return msg



def gdp_cause(check: pd.DataFrame, *, n_gaps: int = 2) -> str | None:
    """Likely cause, in words, of the GDP-regression statistics that do not reproduce.

    ``check`` is :func:`vitality.reporting.compare_values` of printed vs reproduced statistics indexed by
    (outcome, statistic). An outcome all of whose statistics match shows that the GDP series agrees with
    the report's, so the GDP vintage cannot explain the others; the ``n_gaps`` outcomes with the largest
    gaps are named. Returns ``None`` when everything matches.
    """
    ok = check["status"].eq("match").groupby(level=0).all()
    if ok.all():
        return None
    matched = list(ok.index[ok])
    if matched:
        text = (f"the report's GDP values are not printed; {', '.join(matched)} "
                f"{'is' if len(matched) == 1 else 'are'} consistent with this GDP series, which mixes vintages "
                f"(data/external/cities_2013_SOURCES.md), so another series could still explain the rest — the "
                f"hypotheses table lists what was tried, including the revised municipal figures")
    else:
        text = "the report's GDP values are not printed; another GDP series or vintage may explain the differences"
    gaps = largest_gaps(check[check["status"] != "match"], n=n_gaps)
    text += "; the largest gaps are in " + " and ".join(f"{o} ({g:.3f})" for o, g in gaps.items()) + "."
    if "total" in check.index.get_level_values(0) and not ok.get("total", True):
        text += " The overall score is not printed either, so its weights are an assumption (a parameter here)."
    return text


def gdp_scatter(y: pd.Series, x: pd.Series, *, lang: str = "zh", xlabel: str | None = None,
                ylabel: str | None = None, **kw):
    """:func:`vitality.plots.scatter_fit` of a score on 2013 GDP, with the report's axis labels."""
    lang = check_lang(lang)
    xlabel = xlabel or ("2013 年 GDP（亿元）" if lang == "zh" else "GDP 2013 (100 million CNY)")
    return scatter_fit(y, x, lang=lang, xlabel=xlabel, ylabel=ylabel or domain_name("total", lang), **kw)


def gdp_scatter_domains(scores: pd.DataFrame, x: pd.Series, *, columns: Sequence[str] = DOMAINS,
                        labels: Mapping[str, str] | None = None, level: float = 0.95, lang: str = "zh",
                        fontsize: float = 6.5, figsize=(15, 11)):
    """:func:`gdp_scatter` of each domain on GDP, one panel per domain on a 2 × 2 grid; returns the Figure."""
    lang = check_lang(lang)
    fig, axes = plt.subplots(2, 2, figsize=figsize, constrained_layout=True)
    for ax, d in zip(axes.flat, columns):
        gdp_scatter(scores[d], x, labels=labels, level=level, lang=lang, ax=ax, fontsize=fontsize,
                    ylabel=domain_name(d, lang), title=domain_name(d, lang))
    return fig


def revised_gdp(cities: pd.DataFrame, column: str = "gdp_2013_100m_cny") -> pd.Series:
    """The other GDP vintage the bundled data document: the value a ``DISCREPANCY`` note of the cities table
    says another NBS table "gives" (the revised figures of the four municipalities, and 长沙's alternative),
    in place of the value used; every other city unchanged."""
    import re

    gdp = cities[column].astype(float).copy()
    for city, note in cities.get("notes", pd.Series(dtype=str)).dropna().items():
        m = re.search(r"DISCREPANCY: NBS[^.]*?gives ([0-9]+\.[0-9]+)", str(note))
        if m:
            gdp[city] = float(m.group(1))
    return gdp


def gdp_hypotheses(scores: pd.DataFrame, gdp: pd.Series, published: pd.DataFrame, *, cities: pd.DataFrame,
                   rankings: pd.DataFrame | None = None, errata_scores: pd.DataFrame | None = None,
                   gdp_column: str = "gdp_2013_100m_cny"):
    """Every hypothesis tried for the printed r and R² of 图表 8, outcome by outcome.

    Tried (total = the overall index): Pearson r with GDP for the total under each named weighting; the
    scores after the errata; GDP as the other vintage (:func:`revised_gdp`); log GDP; Spearman; the
    published ranks (图表 3–7) in place of the scores (r sign-flipped, since rank 1 is best); scores rounded
    to integers; and leaving out each one city. R² is r² of the same fit (simple regression).

    Returns
    -------
    (table, summary)
        As :func:`vitality.siis.correlations.correlation_hypotheses`, targets ``<outcome> r`` and
        ``<outcome> R²``, with the words of a check on inputs the report does not print: the table's
        ``consistent`` (within half a printed unit) and the summary's ``consistent_under`` in place of
        ``reproduces`` / ``reproduced_by``.
    """
    import numpy as np

    from ..checks import hypotheses_summary, hypotheses_table
    from ..reporting import printed_tolerance
    from .model import NOMINAL, weightings

    named = weightings()

    def outcomes(S, w=NOMINAL):
        from .model import overall
        return S[list(DOMAINS)].astype(float).assign(total=overall(S[list(DOMAINS)], w))

    def rs(Y, x, method="pearson"):
        x = pd.Series(x, dtype=float).reindex(Y.index)
        return pd.Series({c: float(Y[c].corr(x, method=method)) for c in published.index})

    base = outcomes(scores)
    v = {}
    for name, w in named.items():
        v[f"Pearson, printed scores, total {name}"] = rs(outcomes(scores, w), gdp)
    if errata_scores is not None:
        v["Pearson, scores after errata"] = rs(outcomes(errata_scores), gdp)
    v["Pearson, other GDP vintage (revised municipalities)"] = rs(base, revised_gdp(cities, gdp_column))
    v["Pearson, log GDP"] = rs(base, np.log(gdp))
    v["Spearman, printed scores"] = rs(base, gdp, "spearman")
    if rankings is not None:
        R = -rankings.rename(columns={"overall": "total"})[["total"] + list(DOMAINS)].astype(float)
        v["Pearson, published ranks (图表 3–7)"] = rs(R, gdp)
    v["Pearson, scores rounded to integers"] = rs(base.round(0), gdp)
    for city in base.index:
        v[f"Pearson, without {city} (N = {len(base) - 1})"] = rs(base.drop(index=city), gdp.drop(index=city))
    pub_r = published["r"].astype(float).rename(lambda o: f"{o} r")
    pub_r2 = published["r_squared"].astype(float).rename(lambda o: f"{o} R²")
    pub = pd.concat([pub_r, pub_r2])
    vv = {k: pd.concat([x.rename(lambda o: f"{o} r"), (x ** 2).rename(lambda o: f"{o} R²")]) for k, x in v.items()}
    table = hypotheses_table(pub, vv, printed_tolerance(pub))
    # the report prints no GDP: a value that comes out again is consistent with this series, not a reproduction
    return (table.rename(columns={"reproduces": "consistent"}),
            hypotheses_summary(table).rename(columns={"reproduced_by": "consistent_under"}))


def gdp_hypotheses_message(summary: pd.DataFrame, table: pd.DataFrame, n_cities: int, *, label=None,
                           what: str = "printed r and R² of 图表 8") -> str:
    """Plain words on :func:`gdp_hypotheses`, with the strength a GDP check supports.

    The report prints no GDP values, so a hypothesis under which a printed number comes out again makes it
    *consistent with* the bundled GDP series under that hypothesis, never *reproduced*. r and R² of one
    outcome are one fit, so the best hypothesis is counted in fits (outcomes whose r and R² both come out),
    then in printed numbers; every hypothesis tied at the best is named, and it is said when they give the
    same domain values (the weightings change only the total).
    """
    from ..reporting import printed_decimals

    label = label or (lambda c: c)

    def as_printed(v):                            # 0.75 as printed, not 0.750
        return f"{float(v):.{max(printed_decimals(float(v)), 2)}f}"

    def hyp(h):
        return hypothesis_text(h, label)

    t = table.assign(outcome=table["target"].str.rsplit(" ", n=1).str[0])
    fits = t.groupby(["hypothesis", "outcome"], sort=False)["consistent"].all().groupby(level=0, sort=False).sum()
    numbers = t.groupby("hypothesis", sort=False)["consistent"].sum()
    score = pd.DataFrame({"fits": fits, "numbers": numbers})
    best = score[(score["fits"] == score["fits"].max()) & (score["numbers"] == score["numbers"].max())]
    if best.empty:                                # the most fits and the most numbers are not one hypothesis
        best = score[score["fits"] == score["fits"].max()]
    b = best.iloc[0]
    n_out, n_t = t["outcome"].nunique(), t["target"].nunique()
    order = list(t["target"].drop_duplicates())

    def matched_by(h):
        return tuple(sorted(t[t["hypothesis"] == h].query("consistent")["target"], key=order.index))

    def who_of(hs):
        loo_best = [h for h in hs if left_out_city(h) is not None]
        named = [h for h in hs if h not in loo_best]
        return "; ".join(f"*{hyp(h)}*" for h in named) + (
            ("; " if named else "") + f"leaving out any one of {len(loo_best)} cities ("
            + ", ".join(str(label(left_out_city(h))) for h in loo_best) + ")"
            if len(loo_best) > 1 else ("; " if named else "") + f"*{hyp(loo_best[0])}*" if loo_best else "")

    groups: dict = {}                             # tied hypotheses can match different printed numbers
    for h in best.index:
        groups.setdefault(matched_by(h), []).append(h)
    all_matched = {m for key in groups for m in key}
    who = who_of(list(best.index))
    if len(groups) == 1:
        which = ", ".join(next(iter(groups)))
    else:
        which = "the numbers differ between them: " + "; ".join(f"{', '.join(key)} under {who_of(hs)}" for key, hs in groups.items())
    no_total = not any(m.startswith("total") for m in all_matched)
    lines = [f"No hypothesis makes all {n_t} {what} consistent with the bundled GDP series (the report prints no "
             f"GDP, so none can *reproduce* them). The best — {who} — give{'s' if len(best) == 1 else ''} "
             f"{int(b['fits'])} of {n_out} fits (r and R² both) and {int(b['numbers'])} of {n_t} printed numbers "
             f"({which}; r and R² of one fit are not independent)"
             + ("; none of these is the total, the only outcome a weighting changes, so the weighting named in a "
                "hypothesis plays no part in its matches" if no_total else "")
             + f". A hypothesis that fits one printed number and not the others (e.g. leaving out one particular "
             f"city) is more likely a coincidence than the explanation: {int(table['value'].notna().sum())} values "
             "were tried, each within a window of ± half a printed unit."]
    for target, r in summary.iterrows():
        if r["consistent_under"] == "none":
            lines.append(f"- **{target}** (printed {as_printed(r['published'])}): **unexplained** — under none of the "
                         f"{r['n_tried']} hypotheses is it consistent with this GDP series; closest: "
                         f"{hyp(r['closest'])} ({r['closest_value']:.4f}, off by {r['closest_difference']:+.4f}).")
            continue
        hyps = r["consistent_under"].split("; ")
        loo = [h for h in hyps if left_out_city(h) is not None]
        txt = "; ".join(h for h in hyps if h not in loo)
        if loo:
            txt += ("; " if txt else "") + (f"leaving out one city ({len(loo)} of {n_cities} cities: "
                                            + ", ".join(str(label(left_out_city(h)))
                                                        for h in loo[:6]) + (" …" if len(loo) > 6 else "") + ")")
        lines.append(f"- **{target}** (printed {as_printed(r['published'])}): consistent with this GDP series under {txt}.")
    return "\n".join(lines)


def size_table(scores: pd.DataFrame, gdp: pd.Series, *, level: float = 0.95) -> pd.DataFrame:
    """Each domain's correlation with GDP, plain and holding the other three domains fixed
    (:func:`vitality.stats.partial_correlations`): how much of a domain's r with GDP is its own, beyond the
    general vitality the four domains share."""
    return partial_correlations(scores[list(DOMAINS)], gdp, level=level)


def size_message(table: pd.DataFrame, *, domain: str = "economic", indicators: Sequence[str] = (),
                 units: Sequence[str] = (), level: float = 0.95) -> str:
    """Is ``domain``'s correlation with GDP partly size? What the printed scores can show, from
    :func:`size_table` (every number from the table). ``indicators`` / ``units``: the domain's indicator names
    and their units in the framework metadata, quoted as what makes a size effect plausible; the indicator
    values are not printed, so their own correlation with GDP is not computed."""
    t = table
    d = t.loc[domain]
    others = t.drop(index=domain)
    rank = int((t["partial_r"] > d["partial_r"]).sum()) + 1
    overlap = [c for c in others.index if others.at[c, "ci_high"] >= d["ci_low"] and others.at[c, "ci_low"] <= d["ci_high"]]
    why = ""
    if len(indicators):
        why = (f"Its {len(indicators)} indicators ({', '.join(indicators)}) are totals"
               + (f" (framework units: {', '.join(dict.fromkeys(units))})" if len(units) else "")
               + ", not shares of GDP, so a larger economy can score higher on them by size alone; their values are "
               "not printed, so their own correlation with GDP cannot be computed here. ")
    order = ", ".join(f"{c} {t.at[c, 'partial_r']:.3f}" for c in t.sort_values("partial_r", ascending=False).index)
    text = (f"**Is the {domain} domain's correlation with GDP partly size?** {why}What the printed scores show: "
            f"holding the other three domains fixed, {domain} still goes with GDP — partial r = {d['partial_r']:.3f} "
            f"({level:.0%} CI {d['ci_low']:.3f}–{d['ci_high']:.3f}; plain r {d['r']:.3f}, n = {int(d['n'])}), "
            f"{'the largest' if rank == 1 else f'number {rank}'} of the four ({order}). ")
    if rank == 1 and not overlap:
        text += (f"Its interval lies above every other domain's: part of its r with GDP is specific to {domain}, "
                 "consistent with a size effect of its indicators.")
    elif rank == 1:
        text += (f"Its interval overlaps those of {' and '.join(overlap)}, so the printed scores do not single out {domain}: "
                 f"they are consistent with a size effect in it, but do not measure how much of r = {d['r']:.3f} is "
                 "mechanical (table `05_gdp_regression-size.csv`).")
    else:
        text += f"The printed scores do not single out {domain} as the size-driven domain."
    return text
