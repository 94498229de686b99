"""Counterparts of the report's figures that no section module draws: 图表 1 (the indicator framework),
图表 4–7 (one ranking per domain, published rank beside recomputed) and 图表 8 (the r / R² table, printed
beside reproduced). Each function returns a Figure and never saves; notebooks save through
:func:`vitality.style.save_figure`, which adds the source note.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..plots import fmt_half_up
from ..style import check_lang
from .data import DOMAINS
from .labels import DOMAIN_COLOURS, city_labels

__all__ = ['DOMAIN_FIGURE', 'framework_figure', 'domain_ranking_figure', 'gdp_table_figure']

#: the report's figure number of each domain ranking
DOMAIN_FIGURE = {"social": 4, "cultural": 5, "economic": 6, "political": 7}

_ZH_DOMAIN = {"social": "社会", "cultural": "文化", "economic": "经贸", "political": "政治"}


def framework_figure(meta: pd.DataFrame, *, lang: str = "zh"):
    """图表 1: the index, its four domains and 17 indicators as a tree, from the framework metadata
    (``data/framework/siis_meta.csv``: ``iCode, name_zh, name_en, Level, Parent, Type``)."""
    lang = check_lang(lang)
    zh = lang == "zh"
    name = "name_zh" if zh else "name_en"
    m = meta.set_index("iCode")
    top = m.index[m["Level"] == m["Level"].max()][0]
    domains = [d for d in DOMAINS if d in m.index]
    inds = {d: list(m.index[(m["Parent"] == d) & (m["Type"] == "Indicator")]) for d in domains}
    n = sum(len(v) for v in inds.values())
    fig, ax = plt.subplots(figsize=(9.5, 0.36 * n + 1.4))
    ax.set_xlim(0, 10)
    ax.set_ylim(n + 0.2, -0.9)
    ax.axis("off")
    y = 0
    centres = {}
    box = dict(boxstyle="round,pad=0.35", lw=0.8)
    for d in domains:
        ys = list(range(y, y + len(inds[d])))
        for yi, code in zip(ys, inds[d]):
            ax.text(6.3, yi, str(m.at[code, name]), va="center", ha="left", fontsize=9,
                    bbox={**box, "fc": "white", "ec": DOMAIN_COLOURS[d]})
            ax.plot([4.6, 6.2], [np.mean(ys), yi], color=DOMAIN_COLOURS[d], lw=0.9)
        centres[d] = float(np.mean(ys))
        label = f"{m.at[d, name]}\n（{len(inds[d])} 项指标）" if zh else f"{m.at[d, name]}\n({len(inds[d])} indicators)"
        ax.text(4.5, centres[d], label, va="center", ha="right", fontsize=10, fontweight="bold", color="white",
                bbox={**box, "fc": DOMAIN_COLOURS[d], "ec": DOMAIN_COLOURS[d]})
        y += len(inds[d])
    mid = float(np.mean(list(centres.values())))
    for d in domains:
        ax.plot([1.9, 3.0], [mid, centres[d]], color="#555555", lw=1)
    top_label = str(m.at[top, name])
    if not zh:
        top_label = top_label.replace("City International Communication Vitality Index",
                                      "City International\nCommunication\nVitality Index")
    else:
        top_label = top_label.replace("城市对外交往活力指数", "城市对外交往\n活力指数")
    ax.text(1.8, mid, top_label, va="center", ha="right", fontsize=11, fontweight="bold",
            bbox={**box, "fc": "#333333", "ec": "#333333"}, color="white")
    ax.set_title("图表 1 复现：城市对外交往活力指标构成（4 个领域，%d 项指标）" % n if zh else
                 f"Figure 1 reproduced: the indicator framework (4 domains, {n} indicators)", loc="left")
    return fig


def domain_ranking_figure(scores: pd.DataFrame, published_ranks: pd.DataFrame, domain: str, *,
                          cities: pd.DataFrame | None = None, lang: str = "zh"):
    """图表 4–7: the 46 cities' score in one domain, in the published order, with the published rank beside the
    rank recomputed from the printed scores (ties share the best rank); places that differ are marked."""
    lang = check_lang(lang)
    zh = lang == "zh"
    s = scores[domain].astype(float)
    pub = published_ranks[domain].reindex(s.index).astype(int)
    rec = s.rank(ascending=False, method="min").astype(int)
    order = pub.sort_values(kind="stable").index
    n = len(order)
    fig, ax = plt.subplots(figsize=(8.2, 0.2 * n + 1.6))
    y = np.arange(n)
    colour = DOMAIN_COLOURS[domain]
    vals = s.reindex(order).to_numpy()
    differs = (pub.reindex(order) != rec.reindex(order)).to_numpy()
    ax.barh(y, vals, color=colour, height=0.72)
    names = city_labels(order, cities, lang)
    ax.set_yticks(y, [f"{p:>2}  {nm}" for p, nm in zip(pub.reindex(order), names)], fontsize=7.5)
    for yi, v, r, d in zip(y, vals, rec.reindex(order), differs):
        ax.text(v + 0.8, yi, fmt_half_up(v, 2), va="center", fontsize=6.8)
        ax.text(113, yi, str(r), va="center", ha="center", fontsize=7, color="#D55E00" if d else "#333333",
                fontweight="bold" if d else "normal")
    ax.text(113, -1.3, "重算排名" if zh else "recomputed", ha="center", va="bottom", fontsize=7.5, fontweight="bold")
    ax.text(-0.01, 1.0, "报告排名" if zh else "published", transform=ax.transAxes, ha="right", va="bottom",
            fontsize=7.5, fontweight="bold")
    ax.set_ylim(n - 0.4, -0.6)
    ax.set_xlim(0, 118)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("领域得分（0–100）" if zh else "Domain score (0–100)")
    k = int(differs.sum())
    fig_no = DOMAIN_FIGURE[domain]
    ax.set_title((f"图表 {fig_no} 复现：{_ZH_DOMAIN[domain]}领域排名" if zh else
                  f"Figure {fig_no} reproduced: {domain} domain ranking"), loc="left", pad=16)
    ax.text(0, 1.005, (f"报告排名与按印刷得分重算的排名有 {k} 处不同（橙色）" if zh else
                       f"the published rank differs from the rank of the printed score in {k} places (orange)"),
            transform=ax.transAxes, fontsize=8, va="bottom", color="#444444")
    return fig


def gdp_table_figure(fit: pd.DataFrame, *, lang: str = "zh"):
    """图表 8: r and R² of each index on 2013 GDP, printed beside recomputed, as a formatted table.

    ``fit`` is notebook 05's fit table (index ``outcome``; ``r_published, r, r_squared_published, r_squared``).
    The recomputed values (with the bundled GDP: the report prints none, so a value that comes out again is
    *consistent with* that series, not a reproduction) are shown to one more decimal than printed, the printed
    ones as printed."""
    lang = check_lang(lang)
    zh = lang == "zh"
    rows = [o for o in ("total", "political", "economic", "cultural", "social") if o in fit.index]
    rname = {"total": "总分" if zh else "Overall", **{d: (_ZH_DOMAIN[d] if zh else d.capitalize()) for d in DOMAINS}}
    head = (["指数", "r\n（报告）", "r\n（重算）", "R²\n（报告）", "R²\n（重算）", "是否相符"] if zh else
            ["Index", "r\n(printed)", "r\n(recomputed)", "R²\n(printed)", "R²\n(recomputed)", "Consistent"])
    cells, colours = [], []
    for o in rows:
        r_pub, r_rep = fit.at[o, "r_published"], fit.at[o, "r"]
        q_pub, q_rep = fit.at[o, "r_squared_published"], fit.at[o, "r_squared"]
        dec_r = _decimals(r_pub)
        dec_q = _decimals(q_pub)
        ok_r = abs(float(fmt_half_up(r_rep, dec_r)) - r_pub) < 1e-9
        ok_q = abs(float(fmt_half_up(q_rep, dec_q)) - q_pub) < 1e-9
        ok = ok_r and ok_q
        cells.append([rname[o], fmt_half_up(r_pub, dec_r), fmt_half_up(r_rep, dec_r + 1), fmt_half_up(q_pub, dec_q),
                      fmt_half_up(q_rep, dec_q + 1), ("相符" if ok else "不符") if zh else ("yes" if ok else "no")])
        colours.append(["white", "white", "#FFFFFF" if ok_r else "#FBE3D6", "white",
                        "#FFFFFF" if ok_q else "#FBE3D6", "#DCEBF7" if ok else "#FBE3D6"])
    fig, ax = plt.subplots(figsize=(7.6, 0.3 * (len(rows) + 2) + 0.9))
    ax.axis("off")
    tab = ax.table(cellText=cells, colLabels=head, cellColours=colours, cellLoc="center", colLoc="center",
                   bbox=[0, 0.16, 1, 0.84])
    tab.auto_set_font_size(False)
    tab.set_fontsize(9.5)
    for (i, _), cell in tab.get_celld().items():
        cell.set_edgecolor("#BBBBBB")
        cell.set_height(cell.get_height() * (2.0 if i == 0 else 1.0))
        if i == 0:
            cell.set_facecolor("#EEEEEE")
            cell.set_text_props(fontweight="bold")
    ax.set_title("图表 8 重算：城市对外交往活力指数与经济发展（对 2013 年 GDP 的一元回归）" if zh else
                 "Figure 8 recomputed: the index and economic development (regression on 2013 GDP)", fontsize=10)
    ax.text(0.5, 0.02, ("重算用附带的 GDP 数据（报告未列出其 GDP），故相符只表示与该数据一致，不是复现；重算值比报告多保留"
                        "一位小数，四舍五入到报告的位数后相同即为相符（橙色：不符）" if zh else
                        "recomputed with the bundled GDP (the report prints none), so a match is consistency with that "
                        "series, not a reproduction;\nrecomputed values carry one decimal more than printed and are "
                        "consistent when they round to the printed value (orange: not)"),
            transform=ax.transAxes, ha="center", va="top", fontsize=7.5, color="#444444")
    return fig


def _decimals(x: float) -> int:
    text = f"{float(x):.6f}".rstrip("0")
    return max(1, len(text.split(".")[1]) if "." in text else 0)
