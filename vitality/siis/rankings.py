"""Rankings (report section 四(一), 图表 3–7): recompute every published ranking from published scores.

The report prints the domain scores (图表 12–19) and the rankings (图表 3–7) but not the overall
score. :func:`reproduce_rankings` ranks each domain's scores and the overall index under one or more
weighting schemes, and sets each ranking beside the published one (strict agreement under the tie
rule, and the audit's lenient classification that forgives tie order and rounding).
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..checks import CONSISTENT_STATUSES, check_ranking
from ..errors import ConfigError
from ..reporting import rank_agreement
from .data import DOMAINS
from .explorer import rank_with_weights
from .labels import city_labels, domain_name
from .model import STATED, weightings

__all__ = ['STATED_WEIGHTS', 'report_schemes', 'overall_table', 'reproduce_rankings', 'plot_domain_scores',
           'verdict_lines']

#: the report's stated scheme: four domains weighted 0.25 each (三(三))
STATED_WEIGHTS = weightings({d: 1 for d in DOMAINS})[STATED]


def report_schemes(domains: pd.DataFrame, user: Mapping[str, float] | None = None) -> dict[str, dict]:
    """The weighting schemes compared in the rankings notebook: :func:`vitality.siis.model.weightings` with the
    indicator counts printed in ``domains.csv`` (``n_indicators_text``: 5, 3, 5, 4) and, if given and different
    from both, ``'your weights'``."""
    k = pd.to_numeric(domains["n_indicators_text"]).astype(float)
    missing = [d for d in DOMAINS if d not in k.index]
    if missing:
        raise ConfigError(f"domains table lacks {missing}; expected the domains {list(DOMAINS)}.")
    return weightings({d: int(k[d]) for d in DOMAINS}, user=user)


def overall_table(domain_scores: pd.DataFrame, published: pd.DataFrame, schemes: Mapping[str, Mapping],
                  *, ties: str = "min") -> pd.DataFrame:
    """One row per city: the four domain scores, then score and rank under each scheme, and the
    published overall rank (``图表 3``), in published order."""
    out = domain_scores.copy()
    for name, w in schemes.items():
        t = rank_with_weights(domain_scores, w, ties=ties)
        out[f"score: {name}"] = t["score"]
        out[f"rank: {name}"] = t["rank"]
    out["published rank (图表 3)"] = published["overall"]
    return out.sort_values("published rank (图表 3)", kind="stable")


def reproduce_rankings(domain_scores: pd.DataFrame, published: pd.DataFrame, schemes: Mapping[str, Mapping],
                       *, ties: str = "min") -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Recompute the overall ranking (each scheme) and the four domain rankings; compare with print.

    Returns
    -------
    summary : DataFrame
        One row per ranking (``overall: <scheme>``, then the domains): ``figure``, ``n``, ``exact``
        (published = rank under ``ties``), ``consistent`` (exact, or the difference is tie order or
        rounding — :func:`vitality.checks.check_ranking`), ``likely_typos``, ``within_1``, Spearman,
        Kendall, ``max_shift`` and the cities that shift most.
    checks : dict
        The per-city :func:`~vitality.checks.check_ranking` table of each ranking.
    """
    figures = {"overall": "图表 3", "social": "图表 4", "cultural": "图表 5", "economic": "图表 6",
               "political": "图表 7"}
    targets = {f"overall: {name}": ("overall", rank_with_weights(domain_scores, w, ties=ties)["score"])
               for name, w in schemes.items()}
    targets.update({d: (d, domain_scores[d]) for d in DOMAINS})
    rows, checks = [], {}
    for label, (column, scores) in targets.items():
        chk = check_ranking(scores.reindex(published.index), published[column], ties=ties)
        checks[label] = chk
        agr = rank_agreement(chk["published"].astype(float), chk["rule_rank"].astype(float))
        rows.append({"ranking": label, "figure": figures[column], "n": agr.n, "exact": agr.exact,
                     "consistent": int(chk["status"].isin(CONSISTENT_STATUSES).sum()),
                     "likely_typos": int((chk["status"] == "likely typo").sum()), "within_1": agr.within_1,
                     "spearman": agr.spearman, "kendall": agr.kendall, "max_shift": agr.max_shift,
                     "max_shift_cities": "、".join(map(str, agr.max_shift_units))})
    return pd.DataFrame(rows).set_index("ranking"), checks


def plot_domain_scores(domain_scores: pd.DataFrame, order, *, cities: pd.DataFrame | None = None,
                       lang: str = "zh", ranks: pd.Series | None = None, corrected: bool = False, ax=None):
    """Heat map of the four published domain scores of every city, rows in ``order`` (e.g. 图表 3).

    Each cell shows the score; ``ranks`` (optional) is printed before each city name; ``corrected`` says
    in the title that the errata were applied. Returns the Axes.
    """


    data = domain_scores.reindex(list(order))[list(DOMAINS)]
    names = city_labels(data.index, cities, lang)
    if ranks is not None:
        names = [f"{int(ranks[c])}. {n}" for c, n in zip(data.index, names)]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.2, 0.24 * len(data) + 1.6))
    sns.heatmap(data.to_numpy(dtype=float), ax=ax, cmap="YlGnBu", vmin=0, vmax=100, annot=True, fmt=".2f",
                annot_kws={"fontsize": 6.5}, linewidths=0.4, linecolor="white",
                cbar_kws={"label": "得分 (0–100)" if lang == "zh" else "score (0–100)", "shrink": 0.5})
    ax.set_xticks([i + 0.5 for i in range(len(DOMAINS))], [domain_name(d, lang, short=True) for d in DOMAINS],
                  rotation=0)
    ax.set_yticks([i + 0.5 for i in range(len(data))], names, rotation=0, fontsize=7.5)
    ax.xaxis.tick_top()
    ax.grid(False)
    n = len(data)
    if lang == "zh":
        title = f"{n} 个城市的四个领域得分（{'勘误后' if corrected else '报告印刷值'}，按报告综合排名排序，图表 12–19）"
    else:
        title = (f"Domain scores of the {n} cities ({'after errata' if corrected else 'as printed'}; "
                 "in the published overall order; Figs. 12–19)")
    ax.set_title(title, fontsize=10, pad=24)
    return ax


def verdict_lines(summary: pd.DataFrame) -> str:
    """Plain-language verdict (Markdown bullet list) for a :func:`reproduce_rankings` summary."""
    lines = []
    for label, r in summary.iterrows():
        what = f"**{label}** ({r['figure']})"
        if r["exact"] == r["n"]:
            lines.append(f"- {what}: **matches** — all {r['n']} published ranks reproduced exactly.")
            continue
        ties = r["consistent"] - r["exact"]
        cause = []
        if ties:
            cause.append(f"{ties} differ only by how tied or nearly tied scores are ordered (tie handling / rounding)")
        if r["likely_typos"]:
            cause.append(f"{r['likely_typos']} cannot be explained by ties or rounding (likely typos or a "
                         f"different weighting)")
        lines.append(f"- {what}: **differs** — {r['exact']} of {r['n']} ranks reproduced exactly, "
                     f"{r['within_1']} within one place; Spearman ρ = {r['spearman']:.3f}, Kendall τ = "
                     f"{r['kendall']:.3f}; largest shift {r['max_shift']} ({r['max_shift_cities']}). "
                     + "; ".join(cause) + ".")
    overall = summary[summary.index.str.startswith("overall: ")]
    if len(overall) > 1:
        ranked = overall.sort_values(["exact", "consistent"], ascending=False, kind="stable")
        best, runner_up = ranked.index[0], ranked.iloc[1]
        others = "; ".join(f"{i.removeprefix('overall: ')} {r['exact']}" for i, r in overall.iterrows() if i != best)
        unique = (ranked.iloc[0]["exact"], ranked.iloc[0]["consistent"]) > (runner_up["exact"], runner_up["consistent"])
        lines.append(f"\nOf the weightings tried, **{best.removeprefix('overall: ')}** reproduces the most "
                     f"published overall ranks ({overall.loc[best, 'exact']} of {overall.loc[best, 'n']} exactly, "
                     f"{overall.loc[best, 'consistent']} up to tie order and rounding; the others: {others}). "
                     + ("It is the weighting the published overall ranking most likely used." if unique else
                        "It ties with another scheme, so the data cannot tell which weighting was used."))
    return "\n".join(lines)
