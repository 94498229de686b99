"""Notebook 07 (robustness of the published ranking): which top-10 places survive the modelling choices,
in tables and sentences; the engine is :mod:`vitality.robustness`."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..reporting import compare_values
from ..robustness import RobustnessModel, SensitivityResult, UncertaintyResult

__all__ = ['PLACE_CATEGORIES', 'top_places', 'contenders', 'input_words', 'robustness_statements', 'inputs_message',
           'st_note', 'nominal_cause', 'rank_stats_table', 'widest_intervals', 'sensitivity_units', 'interval_labels', 'main_input_message',
           'verdict_table', 'robustness_message']

#: plain-words categories of :func:`top_places`
PLACE_CATEGORIES = ("solid", "top group solid, place not", "depends on the choices",
                    "stable, but not at its published place")



def top_places(ua: UncertaintyResult, published: pd.Series, sa: SensitivityResult | None = None, *,
               top: int = 10, band: int = 1, prob: float = 0.9, code: str | None = None) -> pd.DataFrame:
    """How robust each of the first ``top`` published places is to the uncertain choices.

    For every unit with a published rank <= ``top`` (ordered by it): the nominal (reproduced) rank,
    the median and 5-95 % interval, ``p_place`` (share of replications within ``band`` places of
    the published rank), ``p_top`` (share within the first ``top``) and a ``category``:

    * ``"solid"``: ``p_place >= prob`` and the published rank inside the 5–95 % interval;
    * ``"stable, but not at its published place"``: ``p_place >= prob`` but the published rank outside the
      interval (the city stays within ``band`` of it, yet almost never at it);
    * ``"top group solid, place not"``: ``p_top >= prob`` but ``p_place < prob``;
    * ``"depends on the choices"``: ``p_top < prob``;

    with ``sa``: ``driver``, the input with the largest total-effect index on the unit's rank, and
    its ``driver_ST`` (empty when the rank never moves).
    """
    code = code or ua.model.framework.top
    stats = ua.rank_stats[ua.rank_stats["code"] == code].set_index("unit")
    pub = pd.Series(published).dropna().astype(float)
    pub = pub[pub <= top].sort_values(kind="stable")
    p_place = ua.share_within(pub, band, code).reindex(pub.index)
    rc = ua.rank_counts(code)
    cols = np.asarray(rc.columns, dtype=float)
    p_top = pd.Series((rc.to_numpy() * (cols <= top)).sum(axis=1) / rc.to_numpy().sum(axis=1), index=rc.index)
    t = pd.DataFrame({"published_rank": pub.astype(int), "nominal_rank": stats["nominal_rank"].reindex(pub.index),
                      "median": stats["median"].reindex(pub.index), "q05": stats["q05"].reindex(pub.index),
                      "q95": stats["q95"].reindex(pub.index), "p_place": p_place, "p_top": p_top.reindex(pub.index)})
    inside = (t["published_rank"] >= t["q05"]) & (t["published_rank"] <= t["q95"])
    t["category"] = np.where((t["p_place"] >= prob) & inside, PLACE_CATEGORIES[0],
                             np.where(t["p_place"] >= prob, PLACE_CATEGORIES[3],
                                      np.where(t["p_top"] >= prob, PLACE_CATEGORIES[1], PLACE_CATEGORIES[2])))
    if sa is not None and len(sa.table):
        per = sa.table[(sa.table["output"] == "rank") & (sa.table["unit"].isin(t.index))]
        best = per.sort_values(["unit", "ST", "input"], ascending=[True, False, True], kind="stable") \
            .drop_duplicates("unit").set_index("unit")
        t["driver"] = best["input"].reindex(t.index).where(best["ST"].reindex(t.index) > 0, "")
        t["driver_ST"] = best["ST"].reindex(t.index)
    t.index.name = "unit"
    return t



def contenders(ua: UncertaintyResult, published: pd.Series, *, top: int = 10, min_share: float = 0.1,
               code: str | None = None) -> pd.DataFrame:
    """Units outside the published first ``top`` that reach it in at least ``min_share`` of replications."""
    code = code or ua.model.framework.top
    rc = ua.rank_counts(code)
    cols = np.asarray(rc.columns, dtype=float)
    p_top = pd.Series((rc.to_numpy() * (cols <= top)).sum(axis=1) / rc.to_numpy().sum(axis=1), index=rc.index)
    pub = pd.Series(published).reindex(rc.index).astype(float)
    t = pd.DataFrame({"published_rank": pub, "p_top": p_top})
    t = t[(t["published_rank"] > top) & (t["p_top"] >= min_share)]
    return t.sort_values(["p_top", "published_rank"], ascending=[False, True], kind="stable")



_INPUT_WORDS = {"normalise": "the normalisation", "ties": "the tie policy", "aggregate": "the aggregation method",
                "drop": "leaving out an indicator"}



def input_words(name: str, names: Mapping | None = None) -> str:
    """Plain name of an uncertain input (``weights_L1`` -> "the weights of level 1"); ``names`` overrides."""
    if names and name in names:
        return names[name]
    if name.startswith("weights_L"):
        return f"the weights of level {name[len('weights_L'):]}"
    return _INPUT_WORDS.get(name, name)



def robustness_statements(places: pd.DataFrame, rivals: pd.DataFrame | None = None, *, n: int | None = None,
                          top: int = 10, band: int = 1, prob: float = 0.9, label=None, names: Mapping | None = None,
                          sep: str = "、") -> str:
    """Plain-words Markdown on a :func:`top_places` table (and :func:`contenders`).

    ``label`` maps a unit to its display name; ``names`` overrides :func:`input_words`
    (e.g. ``{"weights_L1": "the domain weights"}``); ``sep`` separates listed units.
    """
    label = label or (lambda u: str(u))

    def who(t):
        return sep.join(f"{label(u)} ({int(r.published_rank)})" for u, r in t.iterrows())

    reps = f" of the {n:,} replications" if n else " of the replications"
    lines = []
    solid = places[places["category"] == PLACE_CATEGORIES[0]]
    group = places[places["category"] == PLACE_CATEGORIES[1]]
    weak = places[places["category"] == PLACE_CATEGORIES[2]]
    near = places[places["category"] == PLACE_CATEGORIES[3]]
    if len(solid):
        lines.append(f"- **Solid** ({len(solid)} of {len(places)}): {who(solid)} stay within ±{band} place(s) of "
                     f"their published rank in at least {prob:.0%}{reps}.")
    if len(near):
        parts = [f"{label(u)} ({int(r.published_rank)}; 90 % interval {r.q05:g}–{r.q95:g})" for u, r in near.iterrows()]
        lines.append(f"- **Stable, but not at the published place** ({len(near)}): {sep.join(parts)} stay within "
                     f"±{band} place(s) of the published rank in at least {prob:.0%}{reps}, but the published rank "
                     "itself lies outside the 5–95 % interval.")
    if len(group):
        parts = [f"{label(u)} ({int(r.published_rank)}; 90 % interval {r.q05:g}–{r.q95:g})"
                 for u, r in group.iterrows()]
        lines.append(f"- **In the top {top}, but not at that place** ({len(group)}): {sep.join(parts)} stay in the "
                     f"top {top} in at least {prob:.0%}{reps}, but their exact place moves.")
    if len(weak):
        parts = []
        for u, r in weak.iterrows():
            txt = f"{label(u)} ({int(r.published_rank)}) is in the top {top} in only {r.p_top:.0%}{reps}"
            if "driver" in places and r.get("driver"):
                txt += f", mostly because of {input_words(r.driver, names)} (total effect {r.driver_ST:.2f})"
            parts.append(txt)
        lines.append(f"- **Depends on the modelling choices** ({len(weak)}): " + "; ".join(parts) + ".")
    driver = places.get("driver", pd.Series("", index=places.index)).fillna("").astype(str)
    if driver.ne("").any():
        # every top-10 place, grouped by the input with the largest total-effect index on its rank (the numbers
        # the table `07_robustness-top10.csv` holds), solid places included: a solid place moved mostly by the
        # weights is moved by little
        groups = []
        for inp in dict.fromkeys(driver[driver.ne("")]):
            t = places[driver == inp]
            still = [label(u) for u in t.index[t["category"] == PLACE_CATEGORIES[0]]]
            groups.append(f"by {input_words(inp, names)}: {who(t)}"
                          + (f" (of which {sep.join(map(str, still))} solid, so moved by little)" if still else ""))
        fixed = places.index[driver.eq("")]
        lines.append("- **Moved mostly** (the input with the largest total-effect index ST on the city's rank, "
                     "`07_robustness-top10.csv`) " + "; ".join(groups)
                     + (f"; not at all: {sep.join(str(label(u)) for u in fixed)}" if len(fixed) else "") + ".")
    off = places[((places["published_rank"] < places["q05"]) | (places["published_rank"] > places["q95"]))
                 & (places["category"] != PLACE_CATEGORIES[3])]
    if len(off):
        parts = [f"{label(u)} ({int(r.published_rank)}; 90 % interval {r.q05:g}–{r.q95:g})" for u, r in off.iterrows()]
        lines.append(f"- **Published place not reproduced**: {sep.join(parts)} — the published rank lies outside "
                     "the 5–95 % interval: at most 5 % of the replications give exactly that place (a solid place "
                     "may still be one off it).")
    if rivals is not None and len(rivals):
        parts = [f"{label(u)} ({int(r.published_rank)}, {r.p_top:.0%})" for u, r in rivals.iterrows()]
        lines.append(f"- **Could enter the top {top}**: {sep.join(parts)} (published rank, share of replications "
                     f"in the top {top}).")
    return "\n".join(lines)



def inputs_message(model: RobustnessModel, weights: Mapping[str, float], names: Mapping | None = None) -> str:
    """One Markdown line: the uncertain inputs of ``model`` and its nominal choices.

    Parameters
    ----------
    model : RobustnessModel
        Its :attr:`RobustnessModel.inputs` are named with :func:`input_words`; the nominal choices are
        the first normalisation and aggregation of its :class:`Choices`.
    weights : mapping
        The nominal weights, shown as given.
    names : mapping, optional
        Overrides of :func:`input_words` (e.g. ``{"weights_L1": "the domain weights"}``).
    """
    c = model.choices
    return (f"**Uncertain inputs:** {', '.join(input_words(i, names) for i in model.inputs) or 'none'}; "
            f"nominal choices: {c.normalise[0]} / {c.aggregate[0]} / weights "
            + " : ".join(f"{k} {v:g}" for k, v in dict(weights).items()) + ".")



def rank_stats_table(ua: UncertaintyResult, published: pd.Series) -> pd.DataFrame:
    """``ua.rank_stats`` with the ``published_rank`` of each row's unit (NaN where none is published)."""
    return ua.rank_stats.assign(published_rank=lambda t: pd.Series(published).reindex(t["unit"]).to_numpy())



def widest_intervals(rank_stats: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` rows of a :func:`rank_stats_table` with the widest 5–95 % rank interval.

    Ties in width are broken by the nominal rank (stable). All aggregates' rows are considered (the
    domain ranks of a transformation-invariant model never move, so the index rows come first).

    Returns
    -------
    DataFrame
        Columns ``unit, published_rank, nominal_rank, median, q05, q95, min, max`` and the
        ``p_top<k>`` column(s) of the table.
    """
    t = rank_stats.assign(width=rank_stats["q95"] - rank_stats["q05"])
    t = t.sort_values(["width", "nominal_rank"], ascending=[False, True])
    cols = ["unit", "published_rank", "nominal_rank", "median", "q05", "q95", "min", "max"]
    return t.head(n)[cols + [c for c in rank_stats.columns if c.startswith("p_top")]]



def sensitivity_units(ua: UncertaintyResult, published: pd.Series, *, top: int = 10,
                      min_share: float = 0.1) -> list:
    """Units whose rank sensitivity is worth showing: the published first ``top`` (in published order),
    then the :func:`contenders` that reach the top in at least ``min_share`` of the replications."""
    pub = pd.Series(published)
    shown = pub[pub <= top].sort_values(kind="stable").index.tolist()
    shown += [u for u in contenders(ua, pub, top=top, min_share=min_share).index if u not in shown]
    return shown



def interval_labels(rank_stats: pd.DataFrame, units: Sequence, label: Mapping, *, code: str | None = None) -> dict:
    """``{unit: "label (q05–q95)"}``: each unit's display name with its 5–95 % rank interval.

    ``code`` is the aggregate whose ranks are meant (default: that of the first row, the index).
    """
    code = rank_stats["code"].iloc[0] if code is None else code
    ranges = rank_stats[rank_stats["code"] == code].set_index("unit")
    return {u: f"{label[u]} ({ranges.at[u, 'q05']:g}–{ranges.at[u, 'q95']:g})" for u in units}



def st_note(sa: SensitivityResult, units: Sequence, *, label=None, rank_stats: pd.DataFrame | None = None,
            code: str | None = None, names: Mapping | None = None) -> str:
    """Why a total-effect index ST above 1 is shown: the cities of ``units`` whose estimated ST exceeds 1, with
    the bootstrap confidence interval of each, in one Markdown sentence ('' when none does).

    A total-effect index is a share of variance, at most 1; an estimate above it is sampling error of the
    estimator at this base sample. Each is given as ST ± the half-width of its ``conf_level`` interval; when
    an interval does not reach 1 that is said too (the estimate is then not only noise). ``rank_stats``
    (:func:`rank_stats_table`) adds each city's 5–95 % rank interval: a large share of a rank that hardly moves
    is a share of almost nothing.
    """
    label = label or (lambda u: str(u))
    t = sa.table[(sa.table["output"] == "rank") & sa.table["unit"].isin(list(units)) & (sa.table["ST"] > 1)]
    if t.empty:
        return ""
    level = sa.spec.get("conf_level", 0.95)
    iv = {}
    if rank_stats is not None:
        rs = rank_stats if code is None else rank_stats[rank_stats["code"] == code]
        iv = {r.unit: f"{r.q05:g}–{r.q95:g}" for r in rs.itertuples()}
    parts, above = [], []
    for r in t.itertuples():
        lo, hi = r.ST - r.ST_conf, r.ST + r.ST_conf
        parts.append(f"{label(r.unit)} {r.ST:.2f} ({level:.0%} interval {lo:.2f}–{hi:.2f}, by "
                     f"{input_words(r.input, names)}" + (f"; rank interval {iv[r.unit]}" if r.unit in iv else "") + ")")
        if lo > 1:
            above.append(str(label(r.unit)))
    capped = "; ".join(f"{label(r.unit)} {max(0.0, r.ST - r.ST_conf):.2f}–1" for r in t.itertuples()
                       if r.ST - r.ST_conf <= 1)
    text = (f"**ST above 1.** A total-effect index is a share of the variance of the rank and cannot exceed 1; the "
            f"estimates above 1 — {'; '.join(parts)} — are sampling error of the estimator (Jansen) at "
            f"{sa.spec['n_base']:,} base samples. ")
    text += (f"The interval of {', '.join(above)} lies wholly above 1: a larger `sa_n` is needed before reading it."
             if above else f"Every such interval reaches 1 or below: read each as its interval capped at 1 ({capped}), "
                           "not as a point; a larger `sa_n` narrows them.")
    return text


def main_input_message(sa: SensitivityResult, names: Mapping | None = None, *, noun: str = "cities") -> str:
    """The input with the largest total-effect index on the mean absolute rank shift, in one sentence."""
    shift = sa.for_output()
    main = shift["ST"].idxmax()
    return (f"Over all {noun}, the ranks move most with **{input_words(main, names)}** "
            f"(ST = {shift.loc[main, 'ST']:.2f}); estimated on {sa.spec['n_runs']:,} replications.")



def nominal_cause(scores: pd.DataFrame, published: pd.Series, *, name: str = "the nominal weights") -> str:
    """Why published ranks differ from the nominal ones, in words: under ``name`` the printed scores do not give
    them, and whether some other domain weights reproduce every published place from the same scores
    (:func:`vitality.weightspace.consistent_region`, worded by :func:`vitality.siis.audit.region_note`)."""
    from .audit import overall_region, region_note

    region = overall_region(scores, published)
    return (f"the printed domain scores do not give exactly these places under {name}; {region_note(region)}; "
            "06_audit shows which printed scores are off the grid")


def verdict_table(published: pd.Series, nominal: pd.Series, rank_stats: pd.DataFrame, *,
                  code: str | None = None) -> pd.DataFrame:
    """Published ranks beside the nominal ones, with each unit's rank interval.

    Parameters
    ----------
    published, nominal : Series
        Published and nominal (reproduced) ranks, indexed by unit.
    rank_stats : DataFrame
        :attr:`UncertaintyResult.rank_stats`; the rows of ``code`` (default: the first row's, the
        index) give ``median, q05, q95``.

    Returns
    -------
    DataFrame
        :func:`vitality.reporting.compare_values` (``published, reproduced, difference, status``)
        joined with ``median, q05, q95`` and ``published_in_interval`` (q05 <= published <= q95),
        index named ``city``.
    """

    code = rank_stats["code"].iloc[0] if code is None else code
    out = compare_values(published.astype(float), nominal.astype(float))
    out = out.join(rank_stats[rank_stats["code"] == code].set_index("unit")[["median", "q05", "q95"]])
    out["published_in_interval"] = (out["published"] >= out["q05"]) & (out["published"] <= out["q95"])
    out.index.name = "city"
    return out



def robustness_message(ua: UncertaintyResult, places: pd.DataFrame, verdict: pd.DataFrame, *, top: int = 10,
                       label: Mapping | None = None, sep: str = "、", noun: str = "cities", max_listed: int = 10) -> str:
    """The robustness verdict in plain words: the headline, which top places are solid, and the published
    ranks outside their 5–95 % interval.

    Parameters
    ----------
    ua : UncertaintyResult
    places : DataFrame
        :func:`top_places` (``category``).
    verdict : DataFrame
        :func:`verdict_table` (``published_in_interval``).
    top : int
        Size of the top group, as named.
    label : mapping, optional
        Display name of each unit (default: the unit itself).
    sep : str
        Separator of listed units.
    max_listed : int
        At most this many units outside their interval are named (then " …").
    """
    name = (lambda u: label[u]) if label is not None else str
    by_cat = {c: places.index[places["category"] == c].tolist() for c in PLACE_CATEGORIES}
    cats = "; ".join(f"{c}: {len(u)} ({sep.join(name(x) for x in u)})" for c, u in by_cat.items() if u) or "none"
    outside = verdict.index[~verdict["published_in_interval"]].tolist()
    # "solid" is a band around the published place, not the place itself: a solid city can still differ from it
    solid_off = ([u for u in by_cat.get("solid", []) if u in verdict.index and verdict.at[u, "status"] != "match"]
                 if "status" in verdict else [])
    off_txt = (f" Solid means within the band around the published place in most replications, not that place: "
               f"{sep.join(name(u) for u in solid_off)} {'is' if len(solid_off) == 1 else 'are'} solid yet among the "
               "published ranks the nominal index does not give exactly (above)." if solid_off else "")
    return (
        f"**Robustness.** {ua.headline_text(noun=noun)} "
        f"Of the report's top {top} (the same categories as section 4): {cats}.{off_txt} "
        + (f"For {len(outside)} city(ies) the published rank lies outside the 5–95 % interval "
           f"({sep.join(name(u) for u in outside[:max_listed])}{' …' if len(outside) > max_listed else ''}): at "
           "most 5 % of the replications give exactly the published place." if outside else "Every published rank lies inside its 5–95 % interval."))


def sampling_space_message(nominal: Mapping[str, float], named: Mapping[str, Mapping[str, float]], *,
                           mode: str, perturbation: float) -> str:
    """Whether the weight sampling space of the uncertainty analysis contains each named weighting.

    With uniform noise each weight is ``w_i · U(1 − p, 1 + p)`` and the weights are then renormalised, so a
    target ``t`` is reachable when some scale ``c`` puts every ``c · t_i / w_i`` in ``[1 − p, 1 + p]``, i.e. when
    ``p >= (max ratio − min ratio) / (max ratio + min ratio)``; Dirichlet noise reaches every interior point of
    the simplex.
    """
    w = pd.Series(nominal, dtype=float)
    w = w / w.sum()
    parts = []
    for name, t in named.items():
        ratio = pd.Series(t, dtype=float).reindex(w.index) / pd.Series(t, dtype=float).sum() / w
        need = float((ratio.max() - ratio.min()) / (ratio.max() + ratio.min()))
        if mode == "dirichlet":
            ok = bool((ratio > 0).all())
        elif mode == "fixed":
            ok = need < 1e-12
        else:
            ok = perturbation >= need - 1e-12
        parts.append(f"{name} {'inside' if ok else 'outside'} (needs p ≥ {need:.3f})")
    space = {"uniform": f"each weight × U({1 - perturbation:g}, {1 + perturbation:g}), renormalised",
             "dirichlet": "Dirichlet shares around the nominal weights", "fixed": "weights fixed"}.get(mode, mode)
    return f"**Weight sampling space:** {space}. Named weightings: " + "; ".join(parts) + "."
