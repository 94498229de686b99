"""Notebook 06's figures: the printed scores on the rank-score grid, the rank checks, the weightings that
reproduce the overall ranking, and the printed statistics beside the recomputed ones (Okabe–Ito colours; zh
or en labels).  The checks they draw are :func:`vitality.siis.audit.audit_report`'s."""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..checks import grid_position, half_unit, on_grid
from ..errors import ConfigError
from .labels import city_labels, domain_name

__all__ = ['plot_grid', 'plot_rank_checks', 'plot_weighting', 'plot_statistics']


_STATUS_COLOURS = {"match": "#9e9e9e", "tie handling": "#56B4E9", "rounding": "#E69F00", "unexplained": "#D55E00",
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



_STATUS_EN_ZH = {"match": "一致", "tie handling": "并列处理", "rounding": "舍入", "unexplained": "无法解释"}



def _txt(lang: str) -> dict:
    if lang not in _TXT:
        raise ConfigError(f"lang={lang!r} is not a label language; choose 'zh' or 'en'.")
    return _TXT[lang]



def _names(units, cities, lang):
    return city_labels(list(units), cities, lang) if lang == "en" else [str(u) for u in units]



def plot_grid(scores_wide: pd.DataFrame, *, n: int, k: Mapping[str, int], proposals: pd.DataFrame | None = None,
              decimals: int = 2, lang: str = "zh", cities: pd.DataFrame | None = None, ax=None):
    """Every printed score's distance to the nearest grid point, in grid steps, by domain.

    On-grid values lie inside the rounding band (± ½·10^−decimals / step); off-grid ones are drawn in
    red and labelled with the proposed correction (``proposals`` = :func:`best_candidates`; "(?)" marks
    a low-confidence proposal).
    """


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
        band = half_unit(decimals) / (100.0 / (kc * n))
        ax.fill_between([i - 0.4, i + 0.4], -band, band, color="#D6EAF8", zorder=0,
                        label=T["tol"] if i == 0 else None)
        x = i + rng.uniform(-0.25, 0.25, size=len(s))
        n_off = int((~ok).sum())
        x[~ok] = i + (np.linspace(-0.2, 0.2, n_off) if n_off > 1 else 0.0)   # off-grid: evenly spread
        ax.scatter(x[ok], resid[ok], s=14, color="#7f7f7f", alpha=0.7, label=T["on"] if i == 0 else None)
        ax.scatter(x[~ok], resid[~ok], s=40, color="#D55E00", zorder=3, label=T["off"] if i == 0 else None)
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
    (triangles) with their value. Units classified 'unexplained' are labelled (when there are many,
    only those off by more than one). Returns the array of Axes.
    """


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
            typos = chk[chk["status"] == "unexplained"]
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

    ax.set_yticks(y)
    ax.set_yticklabels(["×".join(domain_name(t, lang, short=True) for t in str(lab).split("×"))
                        for lab in before.index])
    ax.invert_yaxis()
    ax.set_xlabel(T["stat_x"])
    ax.set_title(T["stat_title"])
    ax.legend(fontsize=8, loc="best")
    return ax
