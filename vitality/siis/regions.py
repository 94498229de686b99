"""Notebook 03 (四(三)(四), 图表 10–19): east/west and north/south groups from the report's footnote lists,
the seven regions' panels, the tests of the report's claims, their sentences and figures."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..plots import group_strip, lighten, new_axes
from ..reporting import compare_values
from ..stats import compare_groups, numeric_frame
from ..style import check_lang
from .data import DOMAINS
from .labels import (
    DOMAIN_COLOURS,
    REGION_EN,
    SIDE_COLOURS,
    SIDE_NAMES,
    SUBSET_NAMES,
    SUBSET_SHADE,
    ZH_NUMERALS,
    domain_name,
)

__all__ = ['COMPASS_AXES', 'UNLISTED_DEFAULT', 'compass_membership', 'compass_groups', 'compass_summary',
           'compare_compass', 'compass_claims', 'REGION_FIGURES', 'region_panels', 'compass_message',
           'region_cities_table', 'south_north_subsets', 'regions_verdict', 'failed_claims_cause',
           'regions_plain_verdict', 'compass_bars',
           'region_title', 'region_bars', 'region_figures', 'region_strip']

#: The two comparisons of 图表 10–11 and their sides. Only east, west and north are printed lists.
COMPASS_AXES = {"east_west": ("east", "west"), "north_south": ("north", "south")}



#: Default treatment of cities on neither printed list of an axis.
UNLISTED_DEFAULT = {"east_west": "exclude", "north_south": "south"}



def compass_membership(units: Sequence[str] | pd.Index, lists: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Which printed compass list (footnote 1 of 四(三)) each unit appears on.

    Parameters
    ----------
    units : sequence
        All units (the 46 cities).
    lists : mapping
        ``{'east': [...], 'west': [...], 'north': [...]}`` as printed.

    Returns
    -------
    DataFrame
        Indexed by unit: ``in_east, in_west, in_north`` (bool), ``east_west_literal`` (``'east'``,
        ``'west'`` or ``''`` for a city on neither list), ``north_south_literal`` (``'north'`` or ``''``).
    """
    units = pd.Index(list(units), name="city")
    known = {"east", "west", "north", "south"}
    bad = set(lists) - known
    if bad:
        raise ConfigError(f"unknown compass list(s) {sorted(bad)}; valid names are {sorted(known)}.")
    for name, members in lists.items():
        extra = sorted(set(members) - set(units))
        if extra:
            raise ConfigError(f"compass list {name!r} names unit(s) not among the units: {extra}.")
    out = pd.DataFrame(index=units)
    for side in ("east", "west", "north", "south"):
        if side in lists:
            out[f"in_{side}"] = units.isin(list(lists[side]))
    none = pd.Series(False, index=units)
    east, west = out.get("in_east", none), out.get("in_west", none)
    north, south = out.get("in_north", none), out.get("in_south", none)
    for a, b, an, bn in ((east, west, "east", "west"), (north, south, "north", "south")):
        if (a & b).any():
            raise ConfigError(f"unit(s) on both the {an} and the {bn} list: {list(units[a & b])}.")
    ew = np.where(east, "east", np.where(west, "west", ""))
    ns = np.where(north, "north", np.where(south, "south", ""))
    out["east_west_literal"] = ew
    out["north_south_literal"] = ns
    return out



def compass_groups(units: Sequence[str] | pd.Index, lists: Mapping[str, Sequence[str]], *, axis: str,
                   unlisted: str | None = None, overrides: Mapping[str, str | None] | None = None) -> pd.Series:
    """Assign each unit to a side of a compass comparison (east/west or north/south).

    Parameters
    ----------
    units : sequence
        All units (the 46 cities).
    lists : mapping
        The printed lists, ``{'east': [...], 'west': [...], 'north': [...]}``.
    axis : {'east_west', 'north_south'}
    unlisted : {'exclude', <side>}, optional
        What to do with units on neither printed list of the axis. ``'exclude'``: leave them out
        (label NaN); a side name (``'east'``, ``'west'``, ``'north'``, ``'south'``): put them all there.
        Default: ``'exclude'`` for east/west (the report's literal lists; 9 cities are on neither) and
        ``'south'`` for north/south (the report prints no south list, so "south = every city not on
        the north list" is the only reading).
    overrides : mapping, optional
        ``{city: side or None}`` applied last; ``None`` excludes the city. E.g. put the unlisted
        coastal southern cities in the east: ``{'广州': 'east', '深圳': 'east', ...}``.

    Returns
    -------
    Series
        Side label per unit (object dtype, NaN = excluded), named after the axis.
    """
    if axis not in COMPASS_AXES:
        raise ConfigError(f"axis={axis!r} is not known; choose one of {list(COMPASS_AXES)}.")
    sides = COMPASS_AXES[axis]
    if unlisted is None:
        unlisted = UNLISTED_DEFAULT[axis]
    valid = ("exclude",) + sides
    if unlisted not in valid:
        raise ConfigError(f"unlisted={unlisted!r} is not valid for {axis}; choose one of {valid}.")
    mem = compass_membership(units, lists)
    lab = pd.Series(np.nan, index=mem.index, dtype=object, name=axis)
    listed = pd.Series(False, index=mem.index)
    for side in sides:
        col = f"in_{side}"
        if col in mem:
            lab[mem[col]] = side
            listed |= mem[col]
    if unlisted != "exclude":
        lab[~listed] = unlisted
    for city, side in (overrides or {}).items():
        if city not in lab.index:
            raise ConfigError(f"override names {city!r}, which is not one of the units.")
        if side is not None and side not in sides:
            raise ConfigError(f"override {city!r}: {side!r} is not a side of {axis}; use one of {sides} or None.")
        lab[city] = np.nan if side is None else side
    present = set(lab.dropna())
    missing = [s for s in sides if s not in present]
    if missing:
        raise ConfigError(f"{axis}: no unit is on the {missing} side with unlisted={unlisted!r}"
                          + (" (the report prints no south list; use unlisted='south')"
                             if "south" in missing else "") + ".")
    return lab



def _side_order(groups: pd.Series) -> list:
    """The axis's own side order (east, west / north, south) when the labels are compass sides."""
    present = set(groups.dropna())
    for sides in COMPASS_AXES.values():
        if present <= set(sides):
            return [s for s in sides if s in present]
    return sorted(present, key=str)



def _subset_labels(capital: pd.Series) -> dict[str, pd.Series]:
    cap = capital.astype(bool)
    return {"all": pd.Series(True, index=cap.index), "capital": cap, "other": ~cap}



def compass_summary(data: pd.DataFrame, groups: pd.Series, capital: pd.Series, *,
                    columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Group means of 图表 10–11: each side × {all, capital, other} × column.

    Parameters
    ----------
    data : DataFrame
        Scores, one row per unit.
    groups : Series
        Side per unit (from :func:`compass_groups`; NaN = excluded).
    capital : Series of bool
        True for provincial capitals and municipalities (``cities.is_capital_or_municipality``).
    columns : sequence of str, optional
        Scores to average (default: every numeric column).

    Returns
    -------
    DataFrame
        Rows ``(side, subset)`` in the order side a {all, capital, other}, side b {...}; columns
        ``n`` and the mean of each score column.
    """
    df = numeric_frame(data, columns, "compass_summary")
    g = groups.reindex(df.index)
    cap = capital.reindex(df.index)
    if cap.isna().any():
        raise ConfigError(f"capital flag missing for {list(cap.index[cap.isna()])}.")
    sides = _side_order(g)
    rows = []
    for side in sides:
        for subset, mask in _subset_labels(cap).items():
            sel = (g == side) & mask
            rows.append(pd.Series({"n": int(sel.sum()), **df[sel].mean().to_dict()}, name=(side, subset)))
    out = pd.DataFrame(rows)
    out.index = pd.MultiIndex.from_tuples(out.index, names=["side", "subset"])
    out["n"] = out["n"].astype(int)
    return out



def compare_compass(data: pd.DataFrame, groups: pd.Series, capital: pd.Series, *,
                    columns: Sequence[str] | None = None, method: str = "mannwhitney",
                    n_perm: int = 9999, seed: int | None = None, level: float = 0.95) -> pd.DataFrame:
    """:func:`compare_groups` of the two sides, for all units, capitals only and the others only.

    Returns the three result tables stacked, with a ``subset`` column first (``all``, ``capital``,
    ``other``) and a ``note``; ``p_holm`` adjusts over the columns within each subset. Group a is the
    axis's first side (east, north). Each subset draws its own permutations from a child of
    ``SeedSequence(seed)``. A subset with fewer than 2 cities on a side (e.g. the one western city
    that is not a capital, 北海) is reported with its means and an empty test, and the note says why.
    """
    df = numeric_frame(data, columns, "compare_compass")
    g = groups.reindex(df.index)
    cap = capital.reindex(df.index)
    order = _side_order(g)
    seeds = np.random.SeedSequence(seed).spawn(3) if seed is not None else [None] * 3
    parts = []
    for (subset, mask), ss in zip(_subset_labels(cap).items(), seeds):
        sub_seed = None if ss is None else int(ss.generate_state(1)[0])
        gs = g.where(mask)
        counts = {side: int((gs == side).sum()) for side in order}
        if len(order) == 2 and min(counts.values()) >= 2:
            res = compare_groups(df, gs, method=method, order=order, n_perm=n_perm, seed=sub_seed, level=level)
            res = res.reset_index().assign(note="")
        else:
            # too few units on a side to test: report the means, leave the test empty, say why
            a, b = (order + [None, None])[:2]
            res = pd.DataFrame({
                "column": list(df.columns), "group_a": a, "group_b": b, "n_a": counts.get(a, 0),
                "n_b": counts.get(b, 0), "n_excluded": int((gs.isna()).sum()),
                "mean_a": df[gs == a].mean().to_numpy(), "mean_b": df[gs == b].mean().to_numpy(),
                "median_a": df[gs == a].median().to_numpy(), "median_b": df[gs == b].median().to_numpy(),
            })
            res["diff"] = res["mean_a"] - res["mean_b"]
            res["method"] = method
            for c in ("statistic", "p", "p_holm", "effect_size", "ci_low", "ci_high", "cohen_d"):
                res[c] = np.nan
            res["effect"] = "rank_biserial" if method == "mannwhitney" else "hedges_g"
            res["note"] = "not tested: fewer than 2 cities on a side (" + ", ".join(
                f"{k}: {v}" for k, v in counts.items()) + ")"
        parts.append(res.assign(subset=subset))
    cols = ["subset", "column", "group_a", "group_b", "n_a", "n_b", "n_excluded", "mean_a", "mean_b",
            "median_a", "median_b", "diff", "method", "statistic", "p", "p_holm", "effect", "effect_size",
            "ci_low", "ci_high", "cohen_d", "note"]
    out = pd.concat([p_[cols] for p_ in parts], ignore_index=True)
    return out



def compass_claims(east_west: pd.DataFrame, north_south: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """The report's verbal findings on 图表 10–11, checked against :func:`compare_compass` results.

    The report prints no numbers for 图表 10–11, only two claims (四(三)):

    1. east > west "in the overall index and in every sub-index", for all cities and for the
       capitals/municipalities → one check per (subset ∈ {all, capital}, column): east mean > west mean;
    2. north and south show "no very obvious gap", for all cities, capitals and the others → one
       check per (subset, column): the difference is not significant at ``alpha`` (raw p);
       and "the south is slightly higher" (about the index itself) → on all cities, south mean >
       north mean of ``total`` where the tables have it, else of every column.
    Pass the tables with every column, ``total`` included: the east > west claim covers "整体指标"
    (the overall index) as well as each sub-index.

    Returns
    -------
    DataFrame
        Indexed by claim label, ``published`` (1 = the report's claim) and ``reproduced`` (1 = it holds
        on our numbers, 0 = it does not), plus ``detail`` (the numbers behind it). Feed
        ``published``/``reproduced`` to :func:`vitality.reporting.compare_values`.
    """
    rows = []
    ew = east_west[east_west["subset"].isin(["all", "capital"])]
    for r in ew.itertuples(index=False):
        rows.append((f"east > west · {r.subset} · {r.column}", float(r.mean_a > r.mean_b),
                     f"east {r.mean_a:.2f} vs west {r.mean_b:.2f} (p = {r.p:.3g})"))
    for r in north_south.itertuples(index=False):
        rows.append((f"north ≈ south (p ≥ {alpha:g}) · {r.subset} · {r.column}", float(r.p >= alpha),
                     f"north {r.mean_a:.2f} vs south {r.mean_b:.2f}, p = {r.p:.3g}"))
    # "南方城市的对外交往活力指数略高于北方城市" is about the index itself: the total where it is given
    ns_all = north_south[north_south["subset"] == "all"]
    if (ns_all["column"] == "total").any():
        ns_all = ns_all[ns_all["column"] == "total"]
    for r in ns_all.itertuples(index=False):
        rows.append((f"south > north · all · {r.column}", float(r.mean_b > r.mean_a),
                     f"south {r.mean_b:.2f} vs north {r.mean_a:.2f}"))
    out = pd.DataFrame(rows, columns=["claim", "reproduced", "detail"]).set_index("claim")
    out.insert(0, "published", 1.0)
    # the strength each check supports (vitality.reporting.Strength): a direction in a bar chart without
    # printed numbers is at best "consistent with"; a claimed absence of a gap that a test fails to reject is
    # "not contradicted by", never confirmed
    from ..reporting import Strength, judge_claim
    words = []
    for claim, r in out.iterrows():
        if claim.startswith("north ≈ south"):
            p = float(claim and r["detail"].split("p = ")[-1])
            words.append(judge_claim(p, alpha, claims_difference=False).value)
        else:
            words.append((Strength.CONSISTENT if r["reproduced"] == 1 else Strength.DIFFERS).value)
    out["strength"] = words
    return out


def south_north_subsets(north_south: pd.DataFrame, *, column: str = "total") -> str:
    """Where "the south is slightly higher" holds: the direction of south − north in each subset of a
    :func:`compare_compass` table (all cities, capitals/municipalities, the others), on ``column`` (the index where
    the table has it, else the first column), in plain words; '' when the table has no such rows."""
    t = north_south
    if not len(t):
        return ""
    col = column if (t["column"] == column).any() else t["column"].iloc[0]
    t = t[t["column"] == col].set_index("subset")
    names = {"all": "all cities", "capital": "capitals/municipalities", "other": "the other cities"}
    higher = [s for s in t.index if t.at[s, "mean_b"] > t.at[s, "mean_a"]]
    lower = [s for s in t.index if t.at[s, "mean_b"] < t.at[s, "mean_a"]]

    def part(subsets):
        return " and for ".join(f"{names.get(s, s)} ({t.at[s, 'mean_b']:.2f} vs {t.at[s, 'mean_a']:.2f} north)"
                                for s in subsets)

    if not lower:
        return f"the south is higher for {part(higher)}"
    if not higher:
        return f"the south is lower for {part(lower)}"
    return f"the south is higher for {part(higher)}, but lower for {part(lower)}: the direction is reversed there"


def claims_message(claims: pd.DataFrame, *, alpha: float = 0.05, north_south: pd.DataFrame | None = None) -> str:
    """Plain words on :func:`compass_claims`: how many checks support each claim and how strongly. With the
    north–south :func:`compare_compass` table, the "south slightly higher" part also says in which subsets the
    direction holds and where it is reversed (:func:`south_north_subsets`)."""
    from ..reporting import Strength

    def count(prefix):
        t = claims[claims.index.str.startswith(prefix)]
        return t, t["strength"].value_counts()

    ew, ew_c = count("east > west")
    ns, ns_c = count("north ≈ south")
    sn, sn_c = count("south > north")
    failed = claims[claims["strength"] == Strength.DIFFERS.value]
    n_total = int(ew.index.str.endswith("· total").sum())
    ew_what = (f" ({len(ew) - n_total} of the domains and {n_total} of the overall index)" if n_total else "")
    sn_what = (" (" + ", ".join(" / ".join(i.split(" · ")[1:]) for i in sn.index) + ")") if len(sn) else ""
    subsets = south_north_subsets(north_south) if north_south is not None else ""
    subsets = f" By subset, {subsets}." if subsets else ""
    return (f"**Claims of 图表 10–11 (no numbers are printed for these charts, so nothing can be reproduced):** "
            f"\"east ahead of west\" — the group means are in the claimed direction in "
            f"{int(ew_c.get(Strength.CONSISTENT.value, 0))} of {len(ew)} comparisons{ew_what} (**{Strength.CONSISTENT}**; the "
            f"direction only, see the tests for significance); \"no obvious north–south gap\" — "
            f"{int(ns_c.get(Strength.NOT_CONTRADICTED.value, 0))} of {len(ns)} tests fail to reject equality at "
            f"{alpha:g} (**{Strength.NOT_CONTRADICTED}** the data: a non-significant test cannot show that there is no "
            f"gap); \"south slightly higher\" — {int(sn_c.get(Strength.CONSISTENT.value, 0))} of {len(sn)}{sn_what} "
            f"(**{Strength.CONSISTENT}**, direction only).{subsets}"
            + (f" **{Strength.DIFFERS.value.capitalize()}:** " + "; ".join(f"{i} ({d})" for i, d in failed["detail"].items())
               + "." if len(failed) else ""))


def tables_message(values_check: pd.DataFrame) -> str:
    """Plain words on the printed-vs-used comparison of 图表 12–19: these tables are the inputs of every
    computation, so comparing them with themselves checks nothing about the report."""
    from ..reporting import Strength

    changed = values_check[values_check["status"] != "match"]
    base = (f"**图表 12–19** are the inputs of every computation here ({len(values_check)} printed values): they "
            f"**{Strength.UNCHECKABLE}** by comparing them with themselves; their internal consistency is "
            "checked in 06_audit (rank-score grid, ranks vs scores).")
    if len(changed):
        base += (f" With the errata applied, {len(changed)} of them are replaced: "
                 + ", ".join(" / ".join(map(str, i)) for i in changed.index[:10]) + ".")
    return base



#: The report's regional tables: figure → (region code, subset, short figure name). East China (华东,
#: 14 cities) is split into its capitals/municipality (图表 14) and the other cities (图表 15).
REGION_FIGURES = {
    12: ("northeast", "all", "fig12-northeast"),
    13: ("north", "all", "fig13-north"),
    14: ("east", "capital", "fig14-east-capitals"),
    15: ("east", "other", "fig15-east-others"),
    16: ("central", "all", "fig16-central"),
    17: ("south", "all", "fig17-south"),
    18: ("southwest", "all", "fig18-southwest"),
    19: ("northwest", "all", "fig19-northwest"),
}



def region_panels(regions: pd.Series, capital: pd.Series, *, order: pd.Series | None = None) -> pd.DataFrame:
    """Assign every city to the panel (report figure) that charts it, in the report's order.

    Parameters
    ----------
    regions : Series
        Region code per city (``northeast, north, east, central, south, southwest, northwest``).
    capital : Series of bool
        Capital/municipality flag per city (splits East China into 图表 14 and 15).
    order : Series, optional
        Sort key of each city inside its panel (e.g. the printed column order of 图表 12–19, or minus
        the overall score); positions are then renumbered 1..n per panel. Default: the order of
        ``regions``.

    Returns
    -------
    DataFrame
        Indexed by city: ``region, subset, figure, fig_name, position``, sorted by figure then position.
        Every city must land in exactly one panel.
    """
    cap = capital.reindex(regions.index)
    if cap.isna().any():
        raise ConfigError(f"capital flag missing for {list(cap.index[cap.isna()])}.")
    cap = cap.astype(bool)
    fig = pd.Series(np.nan, index=regions.index, dtype=float)
    for num, (reg, subset, _) in REGION_FIGURES.items():
        mask = regions == reg
        if subset == "capital":
            mask &= cap
        elif subset == "other":
            mask &= ~cap
        fig[mask] = num
    if fig.isna().any():
        known = sorted({v[0] for v in REGION_FIGURES.values()})
        raise ConfigError(f"city/cities in no regional panel: {list(fig.index[fig.isna()])}; region codes "
                          f"must be among {known}.")
    out = pd.DataFrame({"region": regions, "figure": fig.astype(int)})
    out["subset"] = [REGION_FIGURES[f][1] for f in out["figure"]]
    out["fig_name"] = [REGION_FIGURES[f][2] for f in out["figure"]]
    if order is None:
        out["position"] = out.groupby("figure").cumcount() + 1
    else:
        pos = order.reindex(out.index)
        if pos.isna().any():
            raise ConfigError(f"order gives no position for {list(pos.index[pos.isna()])}.")
        out["position"] = pos.astype(float)
        out = out.sort_values(["figure", "position"], kind="mergesort")
        out["position"] = out.groupby("figure").cumcount() + 1      # 1..n inside each panel
    out = out.sort_values(["figure", "position"], kind="mergesort")
    out.index.name = regions.index.name or "city"
    return out[["region", "subset", "figure", "fig_name", "position"]]



def compass_message(membership: pd.DataFrame, east_west: pd.Series, north_south: pd.Series, *, label=None,
                    sep: str = "、") -> str:
    """One Markdown sentence: who is on neither footnote list, and the group sizes used.

    Parameters
    ----------
    membership : DataFrame
        :func:`compass_membership` (column ``east_west_literal``, '' = on neither list).
    east_west, north_south : Series
        :func:`compass_groups` of each axis ('east'/'west', 'north'/'south', NaN = excluded).
    label : callable, optional
        Maps a city to its display name (English runs name cities in English).
    sep : str
        Separator of the cities named.
    """
    ew, ns = east_west, north_south
    neither = [str(label(c)) if label else str(c) for c in membership.index[membership["east_west_literal"] == ""]]
    return (f"**On neither the eastern nor the western list ({len(neither)}):** {sep.join(neither)}. "
            f"Used here: east {int((ew == 'east').sum())}, west {int((ew == 'west').sum())}, "
            f"excluded {int(ew.isna().sum())}; north {int((ns == 'north').sum())}, south "
            f"{int((ns == 'south').sum())} (south = not on the northern list), excluded {int(ns.isna().sum())}.")



def region_cities_table(panels: pd.DataFrame, city_en: pd.Series, printed: pd.DataFrame, used: pd.DataFrame,
                        overall: pd.Series) -> pd.DataFrame:
    """City by city, in panel order: panel, English name, printed and used domain scores, overall index.

    Returns
    -------
    DataFrame indexed like ``panels``: its columns, ``city_en``, ``<domain>_printed``, ``<domain>_used``
    and ``overall_index``.
    """
    idx = panels.index
    return pd.concat([panels, city_en.reindex(idx), printed.reindex(idx).add_suffix("_printed"),
                      used.reindex(idx).add_suffix("_used"), overall.reindex(idx).rename("overall_index")], axis=1)



def regions_verdict(claims: pd.DataFrame, printed: pd.DataFrame, used: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The verdict tables of the regional comparison.

    Parameters
    ----------
    claims : DataFrame
        :func:`compass_claims` (``published``, ``reproduced``, ``detail``).
    printed, used : DataFrame
        The domain scores as printed and as used (after errata, if applied).

    Returns
    -------
    (verdict_table, claims_check, values_check)
        ``claims_check`` is :func:`vitality.reporting.compare_values` of the claims with their
        ``detail``; ``values_check`` that of printed vs used scores; ``verdict_table`` both stacked
        (index (``check``, ``item``); without ``detail``).
    """

    from ..reporting import Strength

    v_claims = compare_values(claims["published"], claims["reproduced"])
    if "strength" in claims:
        v_claims["strength"] = claims["strength"]
        # a claim is checked, never reproduced: its status is its verdict word ("not contradicted by" for a test that
        # fails to reject), not compare_values' "match"
        v_claims["status"] = claims["strength"].reindex(v_claims.index)
    v_claims["detail"] = claims["detail"]
    v_tables = compare_values(printed, used)
    v_tables["strength"] = Strength.UNCHECKABLE.value       # the inputs compared with themselves
    table = pd.concat({"claims 图表 10-11": v_claims.drop(columns="detail"), "values 图表 12-19": v_tables},
                      names=["check", "item"])
    return table, v_claims, v_tables



def failed_claims_cause(claims_check: pd.DataFrame) -> str | None:
    """``"item: detail; …."`` for the claims that do not hold, or None when all hold."""
    held = ("match", "consistent with", "not contradicted by")
    failed = claims_check[~claims_check["status"].isin(held)]
    return ("; ".join(f"{i}: {d}" for i, d in failed["detail"].items()) + ".") if len(failed) else None



def regions_plain_verdict(east_west: pd.DataFrame, north_south: pd.DataFrame, kruskal: pd.DataFrame, *,
                          domains: Sequence[str], alpha: float = 0.05, method: str = "") -> str:
    """The regional verdict in plain words: direction and significance of east–west, north–south and
    seven-region differences.

    Parameters
    ----------
    east_west, north_south : DataFrame
        :func:`compare_compass` tables; the east–west counts use the domain rows of the subsets other
        than 'other' (all cities, capitals/municipalities).
    kruskal : DataFrame
        :func:`kruskal_regions`.
    domains : sequence of str
        The domain columns.
    alpha : float
        Significance level.
    method : str
        The test used, as named in the sentence.
    """
    ew = east_west[(east_west["subset"] != "other") & east_west["column"].isin(domains)]
    ns, kw = north_south, kruskal
    n_sig_ew = int((ew["p"] < alpha).sum())
    n_sig_ns = int((ns["p"] < alpha).sum())
    n_sig_kw = int((kw["p"] < alpha).sum())
    return (
        f"In plain words: with these groups the east is ahead of the west in {int((ew['diff'] > 0).sum())} of "
        f"{len(ew)} domain comparisons (all cities and capitals/municipalities); {n_sig_ew} of them significant at "
        f"{alpha:g} ({method}; smallest p = {ew['p'].min():.3f}; {ew['effect'].iloc[0]} from "
        f"{ew['effect_size'].min():.2f} to {ew['effect_size'].max():.2f}). North vs south: {n_sig_ns} of "
        f"{int(ns['p'].notna().sum())} tests significant (smallest p = {ns['p'].min():.3f}). Seven regions: "
        f"{n_sig_kw} of {len(kw)} Kruskal–Wallis tests significant (p from {kw['p'].min():.2f} to {kw['p'].max():.2f}). "
        + ("So the east–west gap the report reads from 图表 10 is a direction, not a difference larger than chance "
           "with groups of this size." if n_sig_ew == 0 else "")
        + _borderline(pd.concat([east_west, north_south]), alpha))


def _borderline(tests: pd.DataFrame, alpha: float) -> str:
    """One sentence for tests whose p is not below ``alpha`` while the effect-size interval excludes 0."""
    if not {"ci_low", "ci_high"} <= set(tests.columns):
        return ""
    t = tests[(tests["p"] >= alpha) & ((tests["ci_low"] > 0) | (tests["ci_high"] < 0))]
    if t.empty:
        return ""
    def axis(r):                                  # which comparison: east–west or north–south
        ab = f"{r.group_a}–{r.group_b}, " if "group_a" in t.columns and "group_b" in t.columns else ""
        return f"{ab}{r.subset}/{r.column}"

    parts = [f"{axis(r)} (p = {r.p:.3f}, interval {r.ci_low:.3f} to {r.ci_high:.3f})" for r in t.itertuples()]
    items = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + " and " + parts[-1]
    return (f" Borderline: for {items} the test's p is not below {alpha:g} while the effect-size interval excludes "
            "0 — the two come from different approximations (the test from the rank/permutation distribution, the "
            "interval from an approximate standard error) and can disagree near the threshold; read these as "
            "borderline, neither shown nor ruled out.")


def compass_bars(summary: pd.DataFrame, *, columns: Sequence[str] = DOMAINS,
                 subsets: Sequence[str] = ("all", "capital", "other"), lang: str = "zh",
                 title: str | None = None, values: bool = True, ax=None):
    """Grouped bars of 图表 10–11: for each domain index, one bar per side × subset.

    ``summary`` is :func:`vitality.stats.compass_summary` (index side, subset; columns n and means).
    """
    lang = check_lang(lang)
    sides = list(dict.fromkeys(summary.index.get_level_values("side")))
    series = [(s, sub) for s in sides for sub in subsets if (s, sub) in summary.index]
    ax = new_axes(ax, (10, 5))
    nb = len(series)
    width = 0.8 / nb
    x = np.arange(len(columns))
    for i, (side, sub) in enumerate(series):
        row = summary.loc[(side, sub)]
        col = lighten(SIDE_COLOURS.get(side, "#777777"), SUBSET_SHADE.get(sub, 0.0))
        name = (f"{SIDE_NAMES[lang].get(side, side)}{SUBSET_NAMES[lang][sub]}" if lang == "zh"
                else f"{SIDE_NAMES[lang].get(side, side)}, {SUBSET_NAMES[lang][sub]}")
        ys = [row[c] for c in columns]
        bars = ax.bar(x - 0.4 + width * (i + 0.5), ys, width, color=col, edgecolor="white", lw=0.5,
                      label=f"{name} (n={int(row['n'])})")
        if values:
            ax.bar_label(bars, fmt="%.1f", fontsize=6.5, padding=1, rotation=90)
    ax.set_xticks(x, [domain_name(c, lang) for c in columns])
    ax.set_ylabel("指数（0–100）" if lang == "zh" else "Index (0–100)")
    ax.set_ylim(0, max(100, ax.get_ylim()[1]))
    ax.legend(fontsize=8, ncol=2, loc="upper right", frameon=False)
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax



def region_title(region: str, region_zh: str, subset: str, n: int, lang: str = "zh") -> str:
    """Title as the report words it, e.g. "东北四座城市的城市对外活力指数" / "Northeast China: 4 cities"."""
    lang = check_lang(lang)
    if lang == "zh":
        num = ZH_NUMERALS.get(n, str(n))
        kind = {"all": "城市", "capital": "省会城市（直辖市）", "other": "非省会城市"}[subset]
        return f"{region_zh}{num}座{kind}的城市对外活力指数"
    kind = {"all": "cities", "capital": "capitals/municipality", "other": "other cities"}[subset]
    return f"{REGION_EN.get(region, region)}: {n} {kind} — international communication vitality"



def region_bars(scores: pd.DataFrame, *, columns: Sequence[str] = DOMAINS, labels: Sequence[str] | None = None,
                lang: str = "zh", title: str | None = None, values: bool = True, ax=None):
    """Grouped bars of 图表 12–19: one group per city (in the given row order), one bar per domain index."""
    lang = check_lang(lang)
    labels = list(scores.index) if labels is None else list(labels)
    n = len(scores)
    ax = new_axes(ax, (max(6.0, 1.1 * n + 2), 4.8))
    width = 0.8 / len(columns)
    x = np.arange(n)
    for i, c in enumerate(columns):
        bars = ax.bar(x - 0.4 + width * (i + 0.5), scores[c].to_numpy(dtype=float), width,
                      color=DOMAIN_COLOURS.get(c), label=domain_name(c, lang))
        if values:
            ax.bar_label(bars, fmt="%.1f", fontsize=6.5, padding=1, rotation=90)
    ax.set_xticks(x, labels)
    ax.set_ylim(0, 110)
    ax.set_ylabel("指数（0–100）" if lang == "zh" else "Index (0–100)")
    ax.legend(fontsize=8, ncol=len(columns), loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax



def region_figures(scores: pd.DataFrame, panels: pd.DataFrame, region_zh: Mapping | pd.Series, *,
                   labels: Mapping[str, str] | None = None, lang: str = "zh",
                   figures: Mapping | None = None) -> dict:
    """Draw the regional panels of 图表 12–19, one figure per regional table of the report.

    Parameters
    ----------
    scores : DataFrame
        Domain scores by city.
    panels : DataFrame
        :func:`vitality.stats.region_panels` (column ``figure``; the row order is the bar order).
    region_zh : mapping or Series
        Chinese region name of each city (e.g. ``report.regions["region_zh"]``), for the Chinese title.
    labels : mapping, optional
        Display name of each city (default: the city key).
    lang : {"zh", "en"}
    figures : mapping, optional
        ``{figure number: (region, subset, file name)}`` (default :data:`vitality.stats.REGION_FIGURES`).

    Returns
    -------
    dict
        ``{file name: Figure}`` in figure order (e.g. ``"fig12-..."``), each titled "图表 N：…" /
        "Figure N: …" with :func:`region_title`. Save them with :func:`vitality.style.save_figure`.
    """
    lang = check_lang(lang)
    figures = REGION_FIGURES if figures is None else figures
    out = {}
    for fig_no, (region, subset, fig_name) in figures.items():
        members = panels.index[panels["figure"] == fig_no]
        title = region_title(region, region_zh[members[0]], subset, len(members), lang)
        ax = region_bars(scores.loc[members], labels=[labels[c] if labels else c for c in members], lang=lang,
                         title=(f"图表 {fig_no}：" if lang == "zh" else f"Figure {fig_no}: ") + title)
        out[fig_name] = ax.figure
    return out


def region_strip(data: pd.DataFrame, groups: pd.Series, *, columns: Sequence[str] = DOMAINS, lang: str = "zh",
                 **kw):
    """:func:`vitality.plots.group_strip` of the domain scores per region, with the report's names and colours."""
    lang = check_lang(lang)
    return group_strip(data, groups, columns=columns, names={c: domain_name(c, lang) for c in columns},
                       colours=DOMAIN_COLOURS, ylabel="指数（0–100）" if lang == "zh" else "Index (0–100)", **kw)
