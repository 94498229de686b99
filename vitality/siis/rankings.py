"""Rankings (report section 四(一), 图表 3–7): recompute every published ranking from published scores.

The report prints the domain scores (图表 12–19) and the rankings (图表 3–7) but not the overall
score. :func:`reproduce_rankings` ranks each domain's scores and the overall index under one or more
weighting schemes, and sets each ranking beside the published one (strict agreement under the tie
rule, and the audit's lenient classification that forgives tie order and rounding).
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
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
           'slips_sentence', 'verdict_lines']

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
        rounding — :func:`vitality.checks.check_ranking`), ``unexplained``, ``within_1``, Spearman,
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
                     "unexplained": int((chk["status"] == "unexplained").sum()), "within_1": agr.within_1,
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


def slips_sentence(check: pd.DataFrame, *, label=None, sep: str = "、") -> str:
    """The disagreements of one :func:`~vitality.checks.check_ranking` table that no tie order or rounding
    explains, grouped into printing slips (:func:`vitality.checks.rank_slips`), in plain words.

    A block of consecutive places printed one rank off is one slip, however many cities it moves; the sentence
    counts the slips and the cities each moves, and names the gaps and repeats of the printed rank sequence
    (:func:`vitality.checks.rank_sequence_problems`). '' when there is nothing to explain.
    """
    from ..checks import rank_sequence_problems, rank_slips

    slips = rank_slips(check)
    if slips.empty:
        return ""
    name = (lambda c: str(label(c))) if label else str
    parts = []
    for r in slips.itertuples():
        if r.kind == "block shifted":
            parts.append(f"a block of {r.n_units} consecutive places ({r.first}–{r.last} by score, "
                         f"{name(r.units[0])} … {name(r.units[-1])}) printed {abs(r.shift)} place"
                         f"{'s' if abs(r.shift) > 1 else ''} too {'low' if r.shift > 0 else 'high'} (rank "
                         f"{'+' if r.shift > 0 else '−'} {abs(r.shift)})")
        elif r.kind == "one unit misplaced":
            parts.append(f"{name(r.units[0])} printed at rank {r.published[0]} where its printed score places "
                         f"it {r.first} (its rank or its score is misprinted)")
        else:
            parts.append(f"places {r.first}–{r.last} by score printed in another order ("
                         + sep.join(f"{name(u)} {p}" for u, p in zip(r.units, r.published)) + "), one move")
    seq = rank_sequence_problems(check["published"].dropna(), ties="first")
    dup = [int(x) for x in seq.loc[seq["problem"] == "duplicated rank", "rank"]]
    gap = [int(x) for x in seq.loc[seq["problem"] == "missing rank", "rank"]]
    seq_txt = " and ".join(x for x in (
        ("rank " + ", ".join(map(str, gap)) + " is never printed") if gap else "",
        ("rank " + ", ".join(map(str, dup)) + " is printed twice") if dup else "") if x)
    n_units = int(slips["n_units"].sum())
    return (f"the other {n_units} come down to {len(slips)} printing slip{'s' if len(slips) > 1 else ''}: "
            + "; ".join(parts) + (f"; in the printed rank sequence, {seq_txt}" if seq_txt else ""))


def verdict_lines(summary: pd.DataFrame, *, label=None, sep: str = "、",
                  checks: Mapping[str, pd.DataFrame] | None = None) -> str:
    """Plain-language verdict (Markdown bullet list) for a :func:`reproduce_rankings` summary, in the words of
    :class:`vitality.reporting.Strength`; ``label`` maps a city to its display name (English runs). With
    ``checks`` (the per-city tables :func:`reproduce_rankings` returns), the disagreements of a domain ranking
    that no tie order or rounding explains are grouped into printing slips (:func:`slips_sentence`); tied scores
    printed with consecutive ranks are counted apart, as the display convention they are."""
    from ..reporting import Strength, fmt_corr

    def label_of(cities: str) -> str:
        names = [c for c in str(cities).split("、") if c]
        return sep.join(label(c) if label else c for c in names)

    lines = []
    for name, r in summary.iterrows():
        what = f"**{name}** ({r['figure']})"
        if r["exact"] == r["n"]:
            lines.append(f"- {what}: **{Strength.REPRODUCES}** — all {r['n']} published ranks reproduced exactly.")
            continue
        if r["consistent"] == r["n"]:
            lines.append(f"- {what}: **{Strength.CONSISTENT}** the scores — {r['exact']} of {r['n']} ranks reproduced "
                         f"exactly; the other {r['n'] - r['exact']} differ only in the order of tied or, after "
                         f"rounding, indistinguishable scores (a display convention: tied scores printed with "
                         f"consecutive ranks), not in substance. Spearman ρ = {fmt_corr(r['spearman'])}.")
            continue
        ties = r["consistent"] - r["exact"]
        cause = []
        if ties:
            cause.append(f"{ties} differ only in the order of tied or, after rounding, indistinguishable scores "
                         f"(a display convention: tied scores printed with consecutive ranks)")
        slips = ("" if checks is None or name.startswith("overall: ") or name not in checks
                 else slips_sentence(checks[name], label=label, sep=sep))
        if slips:
            cause.append(slips)
        elif r["unexplained"] and name.startswith("overall: "):
            cause.append(f"{r['unexplained']} are not explained by ties or rounding under this weighting (another "
                         f"weighting or misprints: section 5 asks whether any domain weights give every place)")
        elif r["unexplained"]:
            cause.append(f"{r['unexplained']} cannot be explained by ties or rounding (likely misprints)")
        lines.append(f"- {what}: **{Strength.DIFFERS}** — {r['exact']} of {r['n']} ranks reproduced exactly, "
                     f"{r['within_1']} within one place; Spearman ρ = {fmt_corr(r['spearman'])}, Kendall τ = "
                     f"{fmt_corr(r['kendall'])}; largest shift {r['max_shift']}"
                     + (f" ({label_of(r['max_shift_cities'])})" if label_of(r['max_shift_cities']) else "") + ". "
                     + "; ".join(cause) + ".")
    overall = summary[summary.index.str.startswith("overall: ")]
    if len(overall) > 1:
        ranked = overall.sort_values(["exact", "consistent"], ascending=False, kind="stable")
        best, runner_up = ranked.index[0], ranked.iloc[1]
        others = "; ".join(f"{i.removeprefix('overall: ')} {r['exact']}" for i, r in overall.iterrows() if i != best)
        unique = (ranked.iloc[0]["exact"], ranked.iloc[0]["consistent"]) > (runner_up["exact"], runner_up["consistent"])
        lines.append(f"\nOf the named weightings, **{best.removeprefix('overall: ')}** gives the most "
                     f"published overall ranks ({overall.loc[best, 'exact']} of {overall.loc[best, 'n']} exactly, "
                     f"{overall.loc[best, 'consistent']} up to tie order and rounding; the others: {others}). "
                     + ("Which weights the ranking allows at all is answered by the weight space (section 5)." if unique
                        else "It ties with another scheme; the weight space (section 5) shows what the data allow."))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Which weights did the report use? The whole weight space (vitality.weightspace)
# --------------------------------------------------------------------------------------------------

#: cases of :func:`weight_space`: the tables as printed / after errata × the two readings of the scores
WEIGHT_SPACE_READINGS = ("exact", "rounding")


def weight_space(versions: Mapping[str, tuple[pd.DataFrame, pd.DataFrame]], *, step: float = 0.02,
                 fine_step: float = 0.002, pad: float = 0.04, half: float = 0.005, ties: str = "min"):
    """The domain weights (on the simplex) under which the published overall ranking is reproduced.

    For each version of the tables (e.g. ``{"as printed": (scores, ranks), "after errata": (...)}``) and each
    reading of the printed scores (:data:`vitality.weightspace.READINGS`: exact, or each score within ``half``
    of its true value), the exact region by linear programming (:func:`vitality.weightspace.consistent_region`:
    whether it is empty, its largest margin, the range of each weight); the margin of the two named weightings
    (:func:`vitality.weightspace.margin_at`: > 0 inside the region) and the number of overall ranks each
    reproduces exactly (through :func:`vitality.siis.model.score`). Plus, per version, a simplex scan of the
    ranks reproduced (exact reading): coarse over the whole simplex (``step``) and fine (``fine_step``) in a box
    ``pad`` around the exact region of the tables as printed — the picture — and the exact maximum of the ranks
    reproduced with the range of each weight over the best-agreement region, by a mixed-integer program
    (:func:`vitality.weightspace.best_agreement`, columns ``milp: …``): the grid can only miss points, so its
    best is a lower bound of the MILP's.

    Returns
    -------
    (table, regions, scans)
        ``table``: one row per (version, reading, domain) — see the columns; ``regions``:
        ``{(version, reading): RegionResult}``; ``scans``: ``{(version, "whole simplex" | "zoom"): ScanResult}``.
    """
    from .. import weightspace as ws
    from .model import EQUAL_PER_INDICATOR, score

    named = weightings()
    domains = list(DOMAINS)
    regions, scans, rows, best = {}, {}, [], {}
    box = None
    for version, (sc, rk) in versions.items():
        X, ranks = sc[domains], rk["overall"]
        n_exact = {k: int((score(X, w, ties=ties)["rank"].reindex(ranks.index) == ranks).sum())
                   for k, w in named.items()}
        for reading in WEIGHT_SPACE_READINGS:
            reg = ws.consistent_region(X, ranks, reading=reading, half=half)
            regions[(version, reading)] = reg
            margins = {k: ws.margin_at(X, ranks, w, reading=reading, half=half) for k, w in named.items()}
            for d in domains:
                row = {"version": version, "reading": reading, "domain": d, "reproduced": reg.feasible,
                       "margin": reg.margin, "lp_min": reg.ranges.at[d, "min"], "lp_max": reg.ranges.at[d, "max"],
                       "lp_width": reg.ranges.at[d, "width"], "witness": reg.witness[d]}
                for k, w in named.items():
                    row[f"w: {k}"] = w[d]
                    row[f"margin: {k}"] = margins[k]
                    row[f"inside: {k}"] = margins[k] > 1e-9
                    row[f"exact ranks: {k}"] = n_exact[k]
                rows.append(row)
        if box is None:
            r0 = regions[(version, "exact")].ranges
            if r0["min"].notna().all():
                box = {d: (max(0.0, r0.at[d, "min"] - pad), min(1.0, r0.at[d, "max"] + pad)) for d in domains}
            else:
                box = {d: (max(0.0, named[EQUAL_PER_INDICATOR][d] - 2 * pad),
                           named[EQUAL_PER_INDICATOR][d] + 2 * pad) for d in domains}
        scans[(version, "whole simplex")] = ws.simplex_scan(X, ranks, step=step)
        scans[(version, "zoom")] = ws.simplex_scan(X, ranks, step=fine_step, box=box)
        # The exact maximum: instant (the LP) when some weights reproduce every place; otherwise a mixed-integer
        # program that is hard at 46 units (minutes, and a time limit would make the answer depend on the
        # machine), so it is left to an explicit call and the notebook says so.
        exact_region = regions[(version, "exact")].ranges["min"].notna().all()
        best[version] = ws.best_agreement(X, ranks, criterion="n_exact") if exact_region else None
    for row in rows:
        for part in ("whole simplex", "zoom"):
            s = scans[(row["version"], part)]
            rng = s.ranges()
            row.update({f"scan {part}: step": s.step, f"scan {part}: best n_exact": s.best,
                        f"scan {part}: min": rng.at[row["domain"], "min"],
                        f"scan {part}: max": rng.at[row["domain"], "max"]})
        b = best[row["version"]]
        if b is None:
            row.update({"milp: best n_exact": np.nan, "milp: proved optimal": False, "milp: min": np.nan,
                        "milp: max": np.nan})
        else:
            row.update({"milp: best n_exact": b.best, "milp: proved optimal": b.optimal,
                        "milp: min": b.ranges.at[row["domain"], "min"],
                        "milp: max": b.ranges.at[row["domain"], "max"]})
    table = pd.DataFrame(rows).set_index(["version", "reading", "domain"])
    return table, regions, scans


def _w_range(reg, d) -> str:
    lo, hi = reg.ranges.at[d, "min"], reg.ranges.at[d, "max"]
    return f"{lo:.3f}–{hi:.3f}"


def weight_space_sentences(table: pd.DataFrame, regions: Mapping, *, lang: str = "en") -> str:
    """The weight-space verdict in plain words, every number read from :func:`weight_space`'s table.

    Which versions/readings have a non-empty region and how wide each weight's range is; where each named
    weighting lies (its margin: by how many score points the tightest published pair is kept or missed; its
    exact ranks); and the caveat that the errata were chosen in part by their fit to this ranking.
    """
    from ..reporting import Strength
    from .model import EQUAL_PER_INDICATOR, STATED

    lines = []
    for (version, reading), reg in regions.items():
        t = table.xs((version, reading), level=("version", "reading"))
        what = f"{version}, {'scores as printed' if reading == 'exact' else 'each printed score ± half a unit'}"
        if reg.feasible:
            ranges = "; ".join(f"{d} {_w_range(reg, d)}" for d in DOMAINS)
            head = (f"- **{what}:** the published overall ranking is **{Strength.CONSISTENT}** some domain "
                    f"weights: those of the region {ranges} (largest margin {reg.margin:.4f} score points) give "
                    f"all {reg.n_units} places. The weights were solved for from the ranking itself and the report "
                    "does not print them, so this is not a reproduction.")
        else:
            head = (f"- **{what}:** no domain weights reproduce all {reg.n_units} published places (largest "
                    f"margin {reg.margin:.4f} < 0).")
        parts = []
        for k in (EQUAL_PER_INDICATOR, STATED):
            m = float(t[f"margin: {k}"].iloc[0])
            n_ex = int(t[f"exact ranks: {k}"].iloc[0])
            inside = m > 1e-9
            parts.append(f"{k} {'lies inside' if inside else 'lies outside'} (margin {m:+.4f}; "
                         f"{n_ex} of {reg.n_units} ranks exactly from the scores themselves)")
        lines.append(head + " Of the named weightings, " + "; ".join(parts) + ".")
    for version in dict.fromkeys(v for v, _ in regions):
        t = table.xs(version, level="version")
        if "milp: best n_exact" not in t:
            continue
        first = t.iloc[0]
        n = next(reg.n_units for (v, _), reg in regions.items() if v == version)
        grid = [(float(first[f"scan {part}: step"]), int(first[f"scan {part}: best n_exact"]), part)
                for part in ("whole simplex", "zoom")]
        reach = ", ".join(f"{b} (step {st:g}, {part})" for st, b, part in grid)
        if pd.isna(first["milp: best n_exact"]):
            lines.append(f"- **{version}, best agreement:** no weights reproduce all {n} places; the grid, which "
                         f"can only miss points, reaches {reach}. The exact maximum is a mixed-integer program that "
                         "is hard at this size and is not run here (`vitality.weightspace.best_agreement(scores, "
                         "ranks, criterion='n_exact')` computes it, given time); the grid's counts are lower bounds.")
            continue
        milp_best, proved = int(first["milp: best n_exact"]), bool(first["milp: proved optimal"])
        lines.append(f"- **{version}, best agreement:** at most **{milp_best} of {n}** published places can be "
                     f"given at once by any domain weights ({'exact: ' if proved else 'not proved (time limit): '}"
                     + ("the linear program above" if milp_best == n else "mixed-integer program, "
                        "`vitality.weightspace.best_agreement`") + "); the grid, which can only miss points, "
                     "reaches " + ", ".join(f"{b} (step {st:g}, {'whole simplex' if part == 'whole simplex' else 'zoom'})"
                                            for st, b, part in grid)
                     + ". The figure shows the grid; the numbers in this list are the exact ones.")
    def margin(key, k):
        return float(table.xs(key, level=("version", "reading"))[f"margin: {k}"].iloc[0])

    epi_in = {key: margin(key, EQUAL_PER_INDICATOR) > 1e-9 for key in regions}
    exact_in = epi_in.get(("as printed", "exact"), False)
    lenient_in = [rd for (ver, rd), v in epi_in.items() if v and ver == "as printed" and rd != "exact"]
    reading_words = {"exact": "scores as printed", "rounding": "each printed score ± half a unit"}
    later_in = [f"{ver}, {reading_words.get(rd, rd)}" for (ver, rd), v in epi_in.items() if v and ver != "as printed"]
    feasible = [f"{ver}, {rd}" for (ver, rd), reg in regions.items() if reg.feasible]
    if exact_in:
        summary = (f"Equal weight per indicator **{Strength.REPRODUCES}** the published overall ranking from the "
                   "printed domain scores.")
    elif lenient_in:
        summary = (f"Equal weight per indicator is **{Strength.CONSISTENT}** the published overall ranking when each "
                   f"printed score stands for any value within half a printed unit, but does not reproduce it from "
                   f"the scores as printed.")
    elif later_in:
        summary = (f"Equal weight per indicator does not reproduce the ranking from the scores as printed, but it is "
                   f"**{Strength.CONSISTENT}** it after the errata ({'; '.join(later_in)}). That is weaker than a "
                   "reproduction: some off-grid corrections of the errata were chosen in part by how well they fit "
                   "this very ranking (see 06_audit).")
    elif feasible:
        summary = ("Neither named weighting gives the published ranking in any version; only weights solved for from "
                   f"the ranking (the region above: {'; '.join(feasible)}), which the report does not print, give "
                   "every place.")
    else:
        summary = ("No domain weights give every published place in any version (every region above is empty): the "
                   f"published ranking **{Strength.DIFFERS}** from every weighting, and the best agreement is the one "
                   "listed above.")
    stated = {key: margin(key, STATED) for key in regions}
    stated_out = all(m <= 1e-9 for m in stated.values())
    if not feasible:
        summary += (f" The stated 4 × 0.25 misses it by {-max(stated.values()):.4f} score points or more (its "
                    "tightest published pair).")
    elif stated_out:
        summary += (f" The stated 4 × 0.25 lies outside every region (margin {min(stated.values()):+.4f} to "
                    f"{max(stated.values()):+.4f} score points): the published ranking **{Strength.DIFFERS}** from it.")
    else:
        inside = [f"{v}, {rd}" for (v, rd), m in stated.items() if m > 1e-9]
        summary += f" The stated 4 × 0.25 lies inside the region for {'; '.join(inside)}."
    lines.append("\n" + summary + " The suite uses equal weight per indicator as its nominal model "
                 "(`vitality.siis.model.NOMINAL`), with the stated weighting shown beside it.")
    return "\n".join(lines)


def plot_weight_space(scans: Mapping, regions: Mapping, *, version: str = "as printed", lang: str = "zh",
                      pairs=(("social", "cultural"), ("economic", "political"), ("cultural", "economic"))):
    """Figure of the weight space: for three pairs of domain weights, the most published overall ranks
    reproduced with those two weights fixed (maximum over the other two), on the whole simplex (top row) and
    zoomed around the exact region (bottom row, its LP bounding box dashed); the stated and the
    equal-per-indicator weightings marked. Colour-blind-safe colours (viridis, Okabe–Ito markers)."""
    import numpy as np

    from .model import EQUAL_PER_INDICATOR, STATED

    named = weightings()
    marks = {STATED: ("X", "#E69F00"), EQUAL_PER_INDICATOR: ("o", "#56B4E9")}
    mark_names = {STATED: "报告所述 4 × 0.25" if lang == "zh" else "stated 4 × 0.25",
                  EQUAL_PER_INDICATOR: "每个指标等权 (5:3:5:4)" if lang == "zh" else "equal per indicator (5:3:5:4)"}
    fig, axes = plt.subplots(2, len(pairs), figsize=(4.3 * len(pairs), 8.2), constrained_layout=True)
    reg = regions.get((version, "exact"))
    for row, part in enumerate(("whole simplex", "zoom")):
        scan = scans[(version, part)]
        q = scan.step
        crit = scan.grid["n_exact"].to_numpy(dtype=float)
        vmin = float(np.percentile(crit, 5)) if part == "whole simplex" else float(crit.min())
        for ax, (a, b) in zip(axes[row], pairs):
            xa, xb = scan.grid[f"w_{a}"].to_numpy(), scan.grid[f"w_{b}"].to_numpy()
            ia, ib = np.rint(xa / q).astype(int), np.rint(xb / q).astype(int)
            oa, ob = ia.min(), ib.min()
            M = np.full((ib.max() - ob + 1, ia.max() - oa + 1), -np.inf)
            np.maximum.at(M, (ib - ob, ia - oa), crit)
            M[np.isinf(M)] = np.nan
            ext = ((oa - 0.5) * q, (ia.max() + 0.5) * q, (ob - 0.5) * q, (ib.max() + 0.5) * q)
            im = ax.imshow(M, origin="lower", extent=ext, cmap="viridis", vmin=vmin, vmax=scan.n_units,
                           interpolation="nearest", aspect="auto")
            if reg is not None and reg.ranges["min"].notna().all():
                ra, rb = reg.ranges.loc[a], reg.ranges.loc[b]
                ax.add_patch(plt.Rectangle((ra["min"], rb["min"]), ra["width"], rb["width"], fill=False,
                                           edgecolor="#D55E00", lw=1.6, ls="--",
                                           label="精确可行区域（LP 包围盒）" if lang == "zh" else "exact region (LP box)"))
            for k, (m, c) in marks.items():
                ax.plot(named[k][a], named[k][b], m, ms=10, mfc=c, mec="black", mew=1.0, ls="none", label=mark_names[k])
            ax.set_xlim(ext[0], ext[1])
            ax.set_ylim(ext[2], ext[3])
            ax.set_xlabel(("权重：" if lang == "zh" else "weight: ") + domain_name(a, lang))
            ax.set_ylabel(("权重：" if lang == "zh" else "weight: ") + domain_name(b, lang))
            ax.set_title(("整个单纯形" if lang == "zh" else "whole simplex") if part == "whole simplex" else
                         ("局部放大" if lang == "zh" else "zoom"), fontsize=9)
        cb = fig.colorbar(im, ax=list(axes[row]), shrink=0.85)
        cb.set_label(f"复现的综合排名数（共 {scan.n_units}）" if lang == "zh"
                     else f"overall ranks reproduced (of {scan.n_units})")
    axes[1, 0].legend(loc="upper left", fontsize=7.5, framealpha=0.9)
    zh_version = {"as printed": "报告印刷值", "after errata": "勘误后"}.get(version, version)
    fig.suptitle("哪些领域权重能复现图表 3 的综合排名？（" + zh_version + "）" if lang == "zh" else
                 f"Which domain weights reproduce the overall ranking of Fig. 3? ({version})", fontsize=11)
    return fig
