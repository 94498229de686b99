"""Plot functions for clustering, regional comparisons, correlations and the GDP regression.

Every function takes ``ax=None`` (a new figure of a suitable size is made when it is None), returns
the Axes and never saves (notebooks save through :func:`vitality.plotting.save_figure`). Labels are in
Chinese (``lang='zh'``) or English (``lang='en'``); English city names come from
``cities.city_en``. Call :func:`vitality.plotting.setup` first so that Chinese can be drawn.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from scipy.cluster import hierarchy as _h

from . import stats as _stats
from .cluster import LINKAGES, METRICS, cut_height, rescale_heights
from .errors import ConfigError

__all__ = [
    "DOMAIN_NAMES", "CLASS_COLOURS", "city_labels", "domain_name", "dendrogram", "contingency_heatmap",
    "scan_heatmap", "compass_bars", "region_title", "region_bars", "region_figures", "group_strip", "correlation_heatmap",
    "gdp_scatter", "gdp_scatter_domains", "residual_bars", "method_label", "class_brackets",
]

#: Domain names as the report charts them (图表 10–19: "社会活力指数" ...) and short forms.
DOMAIN_NAMES = {
    "zh": {"social": "社会活力指数", "cultural": "文化活力指数", "economic": "经贸活力指数",
           "political": "政治活力指数", "total": "总分"},
    "en": {"social": "Social vitality", "cultural": "Cultural vitality", "economic": "Economic vitality",
           "political": "Political vitality", "total": "Overall index"},
}
_DOMAIN_SHORT = {
    "zh": {"social": "社会", "cultural": "文化", "economic": "经贸", "political": "政治", "total": "总分"},
    "en": {"social": "Social", "cultural": "Cultural", "economic": "Economic", "political": "Political",
           "total": "Overall"},
}
_DOMAIN_COLOURS = {"social": "#4472C4", "cultural": "#ED7D31", "economic": "#A5A5A5", "political": "#FFC000",
                   "total": "#2F4F4F"}
#: One colour per class number (1 = strongest).
CLASS_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
                 "#bcbd22", "#7f7f7f")
_SIDE_COLOURS = {"east": "#1f77b4", "west": "#d62728", "north": "#2ca02c", "south": "#ff7f0e"}
_SIDE_NAMES = {"zh": {"east": "东部", "west": "西部", "north": "北部", "south": "南部"},
               "en": {"east": "East", "west": "West", "north": "North", "south": "South"}}
_SUBSET_NAMES = {"zh": {"all": "整体", "capital": "省会/直辖市", "other": "非省会/直辖市"},
                 "en": {"all": "all", "capital": "capitals/municipalities", "other": "other cities"}}
_SUBSET_SHADE = {"all": 0.0, "capital": 0.35, "other": 0.6}
_ZH_NUM = dict(enumerate("零一二三四五六七八九十", start=0)) | {11: "十一", 12: "十二", 13: "十三", 14: "十四"}
_REGION_EN = {"northeast": "Northeast China", "north": "North China", "east": "East China",
              "central": "Central China", "south": "South China", "southwest": "Southwest China",
              "northwest": "Northwest China"}


def _lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise ConfigError(f"lang={lang!r} is not a label language; choose 'zh' or 'en'.")
    return lang


def _ax(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _lighten(colour, amount: float):
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def city_labels(units: Sequence[str], cities: pd.DataFrame | None = None, lang: str = "zh") -> list[str]:
    """Display names of cities: the Chinese key for ``'zh'``, ``cities.city_en`` for ``'en'``."""
    lang = _lang(lang)
    units = list(units)
    if lang == "zh":
        return [str(u) for u in units]
    if cities is None or "city_en" not in cities.columns:
        raise ConfigError("English city labels need the cities table (with a city_en column).")
    en = cities["city_en"].reindex(units)
    if en.isna().any():
        raise ConfigError(f"no English name for {list(en.index[en.isna()])} in cities.city_en.")
    return [str(v) for v in en]


def domain_name(code: str, lang: str = "zh", *, short: bool = False) -> str:
    """Label of a domain code (``'total'`` too)."""
    names = (_DOMAIN_SHORT if short else DOMAIN_NAMES)[_lang(lang)]
    return names.get(code, str(code))


# ----------------------------------------------------------------------------------------------
# clustering
# ----------------------------------------------------------------------------------------------

_LINKAGE_NAMES = {
    "zh": {"average": "平均联接（组间）", "complete": "最远邻元素", "single": "最近邻元素", "ward": "Ward 法",
           "centroid": "质心聚类", "median": "中位数聚类", "weighted": "加权平均联接（WPGMA）"},
    "en": {"average": "average linkage (between groups, UPGMA)", "complete": "complete linkage",
           "single": "single linkage", "ward": "Ward's method", "centroid": "centroid linkage",
           "median": "median linkage", "weighted": "weighted average linkage (WPGMA)"},
}
_METRIC_NAMES = {
    "zh": {"sqeuclidean": "平方欧氏距离", "euclidean": "欧氏距离", "cityblock": "块距离", "cosine": "余弦距离",
           "correlation": "相关距离"},
    "en": {"sqeuclidean": "squared Euclidean", "euclidean": "Euclidean", "cityblock": "city-block",
           "cosine": "cosine", "correlation": "correlation distance"},
}


def method_label(method: str, metric: str, standardise=False, lang: str = "zh") -> str:
    """Readable name of a clustering choice, e.g. "平均联接（组间），平方欧氏距离，原始得分"."""
    lang = _lang(lang)
    std = bool(standardise) and standardise != "none"
    if lang == "zh":
        return (f"{_LINKAGE_NAMES['zh'].get(method, method)}，{_METRIC_NAMES['zh'].get(metric, metric)}，"
                f"{'Z 标准化' if std else '原始得分'}")
    return (f"{_LINKAGE_NAMES['en'].get(method, method)}, {_METRIC_NAMES['en'].get(metric, metric)}, "
            f"{'z-scores' if std else 'raw scores'}")


def dendrogram(Z: np.ndarray, labels: Sequence[str], *, classes: pd.Series | Sequence[int] | None = None,
               k: int | None = None, rescale: bool = True, annotate: Sequence[str] | None = None,
               lang: str = "zh", title: str | None = None, caption: str | None = None,
               leaf_font_size: float = 9, ax=None):
    """Horizontal dendrogram with one readable label per leaf, as SPSS draws it (leaves left, root right).

    Parameters
    ----------
    Z : ndarray
        Linkage matrix (raw heights; :func:`vitality.cluster.linkage_matrix`).
    labels : sequence of str
        Leaf labels in data order (see :func:`city_labels`).
    classes : Series or sequence of int, optional
        Class number of each leaf (data order); colours the leaf labels and every branch whose leaves
        are all in one class (class 1 = red, 2 = blue …, :data:`CLASS_COLOURS`).
    k : int, optional
        Draw the cut into k classes (dashed line) and colour the branches below it.
    rescale : bool
        Axis in SPSS's rescaled distance 0–25 (:func:`vitality.cluster.rescale_heights`) instead of the
        raw merge heights.
    annotate : sequence of str, optional
        Extra text appended to each leaf label (data order), e.g. the published class.
    caption : str, optional
        A line of small text under the axis (e.g. what the colours and brackets mean).
    """
    lang = _lang(lang)
    labels = list(labels)
    n = np.asarray(Z).shape[0] + 1
    if len(labels) != n:
        raise ConfigError(f"{len(labels)} labels for a tree of {n} leaves.")
    if annotate is not None:
        annotate = list(annotate)
        labels = [f"{lab}  {a}" if a else lab for lab, a in zip(labels, annotate)]
    Zp = rescale_heights(Z) if rescale else np.asarray(Z, dtype=float)
    ax = _ax(ax, (8, 10))
    thr = cut_height(Zp, k) if k else 0.0
    grey = "#555555"
    if classes is not None:
        cls = [None if pd.isna(c) else int(c) for c in classes]
        # a link takes its class colour when every leaf below it is in that class
        node_cls: list = list(cls) + [None] * (n - 1)
        for i, (a, b) in enumerate(np.asarray(Zp)[:, :2].astype(int)):
            ca, cb = node_cls[a], node_cls[b]
            node_cls[n + i] = ca if (ca == cb and ca is not None) else None

        def colour(node: int) -> str:
            c = node_cls[node]
            return grey if c is None else CLASS_COLOURS[(c - 1) % len(CLASS_COLOURS)]

        _h.dendrogram(Zp, labels=labels, orientation="right", ax=ax, leaf_font_size=leaf_font_size,
                      link_color_func=colour)
    else:
        _h.dendrogram(Zp, labels=labels, orientation="right", ax=ax, leaf_font_size=leaf_font_size,
                      color_threshold=thr if k else -1, above_threshold_color=grey,
                      link_color_func=None if k else (lambda _: grey))
    if classes is not None:
        by_label = dict(zip(labels, cls))
        for t in ax.get_yticklabels():
            c = by_label.get(t.get_text())
            if c is not None:
                t.set_color(CLASS_COLOURS[(c - 1) % len(CLASS_COLOURS)])
    if k:
        ax.axvline(thr, color="#444444", ls="--", lw=0.9)
        ax.text(thr, 0.995, f" k = {k}", transform=ax.get_xaxis_transform(), va="top", ha="left",
                fontsize=9, color="#444444", bbox=dict(facecolor="white", edgecolor="none", pad=1))
    if rescale:
        ax.set_xlim(0, 25.5)
        ax.set_xticks([0, 5, 10, 15, 20, 25])
        ax.set_xlabel("重新调整距离聚类合并（0–25）" if lang == "zh" else "Rescaled distance cluster combine (0–25)")
    else:
        ax.set_xlabel("合并距离" if lang == "zh" else "Merge distance")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    if caption:
        ax.text(0, -0.07, caption, transform=ax.transAxes, fontsize=8, va="top", ha="left", color="#333333")
    if title:
        ax.set_title(title)
    return ax


def contingency_heatmap(table: pd.DataFrame, *, lang: str = "zh", title: str | None = None, ax=None):
    """Counts of published class (rows) × reproduced class (columns), annotated."""
    lang = _lang(lang)
    ax = _ax(ax, (5, 4.2))
    vals = table.to_numpy(dtype=float)
    im = ax.imshow(vals, cmap="Blues", vmin=0, aspect="auto")
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
    ax.set_yticks(range(table.shape[0]), [str(r) for r in table.index])
    hi = vals.max() if vals.size else 1
    for (i, j), v in np.ndenumerate(vals):
        ax.text(j, i, f"{int(v)}", ha="center", va="center", color="white" if v > hi / 2 else "black")
    ax.set_xlabel("复现的类别" if lang == "zh" else "Reproduced class")
    ax.set_ylabel("报告的类别" if lang == "zh" else "Published class")
    ax.grid(False)
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label="城市数" if lang == "zh" else "Cities")
    if title:
        ax.set_title(title)
    return ax


def scan_heatmap(scan: pd.DataFrame, *, k: int | None = None, lang: str = "zh", title: str | None = None,
                 ax=None):
    """ARI of every linkage × distance (rows) and standardisation (columns), from :func:`scan_methods`."""
    lang = _lang(lang)
    s = scan if k is None else scan[scan["k"] == k]
    if s.duplicated(["method", "metric", "standardise"]).any():
        raise ConfigError("the scan holds several k; pass k= to choose one.")
    piv = s.pivot(index=["method", "metric"], columns="standardise", values="ari")
    rows = [(m, d) for m in LINKAGES for d in METRICS if (m, d) in piv.index]
    piv = piv.reindex(pd.MultiIndex.from_tuples(rows, names=["method", "metric"]))
    piv = piv[[c for c in ("none", "zscore") if c in piv.columns]]
    ax = _ax(ax, (5.5, 0.32 * len(piv) + 1.5))
    vals = piv.to_numpy(dtype=float)
    im = ax.imshow(vals, cmap="viridis", vmin=min(0, np.nanmin(vals)), vmax=1, aspect="auto")
    colnames = {"none": "原始得分" if lang == "zh" else "raw scores",
                "zscore": "Z 标准化" if lang == "zh" else "z-scores"}
    ax.set_xticks(range(piv.shape[1]), [colnames.get(c, c) for c in piv.columns])
    ax.set_yticks(range(piv.shape[0]), [f"{m} · {d}" for m, d in piv.index], fontsize=8)
    for (i, j), v in np.ndenumerate(vals):
        if not np.isnan(v):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                    color="black" if v > 0.6 else "white")
    ax.grid(False)
    ax.figure.colorbar(im, ax=ax, shrink=0.6, label="ARI")
    ax.set_title(title or ("与报告五类的一致性（调整兰德指数）" if lang == "zh"
                           else "Agreement with the published classes (ARI)"))
    return ax


# ----------------------------------------------------------------------------------------------
# regions
# ----------------------------------------------------------------------------------------------

def compass_bars(summary: pd.DataFrame, *, columns: Sequence[str] = _stats.DOMAINS,
                 subsets: Sequence[str] = ("all", "capital", "other"), lang: str = "zh",
                 title: str | None = None, values: bool = True, ax=None):
    """Grouped bars of 图表 10–11: for each domain index, one bar per side × subset.

    ``summary`` is :func:`vitality.stats.compass_summary` (index side, subset; columns n and means).
    """
    lang = _lang(lang)
    sides = list(dict.fromkeys(summary.index.get_level_values("side")))
    series = [(s, sub) for s in sides for sub in subsets if (s, sub) in summary.index]
    ax = _ax(ax, (10, 5))
    nb = len(series)
    width = 0.8 / nb
    x = np.arange(len(columns))
    for i, (side, sub) in enumerate(series):
        row = summary.loc[(side, sub)]
        col = _lighten(_SIDE_COLOURS.get(side, "#777777"), _SUBSET_SHADE.get(sub, 0.0))
        name = (f"{_SIDE_NAMES[lang].get(side, side)}{_SUBSET_NAMES[lang][sub]}" if lang == "zh"
                else f"{_SIDE_NAMES[lang].get(side, side)}, {_SUBSET_NAMES[lang][sub]}")
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
    lang = _lang(lang)
    if lang == "zh":
        num = _ZH_NUM.get(n, str(n))
        kind = {"all": "城市", "capital": "省会城市（直辖市）", "other": "非省会城市"}[subset]
        return f"{region_zh}{num}座{kind}的城市对外活力指数"
    kind = {"all": "cities", "capital": "capitals/municipality", "other": "other cities"}[subset]
    return f"{_REGION_EN.get(region, region)}: {n} {kind} — international communication vitality"


def region_bars(scores: pd.DataFrame, *, columns: Sequence[str] = _stats.DOMAINS, labels: Sequence[str] | None = None,
                lang: str = "zh", title: str | None = None, values: bool = True, ax=None):
    """Grouped bars of 图表 12–19: one group per city (in the given row order), one bar per domain index."""
    lang = _lang(lang)
    labels = list(scores.index) if labels is None else list(labels)
    n = len(scores)
    ax = _ax(ax, (max(6.0, 1.1 * n + 2), 4.8))
    width = 0.8 / len(columns)
    x = np.arange(n)
    for i, c in enumerate(columns):
        bars = ax.bar(x - 0.4 + width * (i + 0.5), scores[c].to_numpy(dtype=float), width,
                      color=_DOMAIN_COLOURS.get(c), label=domain_name(c, lang))
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
        "Figure N: …" with :func:`region_title`. Save them with :func:`vitality.plotting.save_figure`.
    """
    lang = _lang(lang)
    figures = _stats.REGION_FIGURES if figures is None else figures
    out = {}
    for fig_no, (region, subset, fig_name) in figures.items():
        members = panels.index[panels["figure"] == fig_no]
        title = region_title(region, region_zh[members[0]], subset, len(members), lang)
        ax = region_bars(scores.loc[members], labels=[labels[c] if labels else c for c in members], lang=lang,
                         title=(f"图表 {fig_no}：" if lang == "zh" else f"Figure {fig_no}: ") + title)
        out[fig_name] = ax.figure
    return out


def group_strip(data: pd.DataFrame, groups: pd.Series, *, columns: Sequence[str] = _stats.DOMAINS,
                group_labels: Mapping | None = None, order: Sequence | None = None, lang: str = "zh",
                title: str | None = None, ax=None):
    """Each city as a dot per group and domain, with the group median as a bar (for Kruskal–Wallis)."""
    lang = _lang(lang)
    g = groups.reindex(data.index)
    order = list(order) if order is not None else list(pd.unique(g.dropna()))
    ax = _ax(ax, (11, 4.8))
    nd = len(columns)
    width = 0.8 / nd
    rng = np.random.default_rng(0)   # fixed jitter so reruns draw identical figures
    for j, c in enumerate(columns):
        for i, lab in enumerate(order):
            v = data.loc[g == lab, c].dropna().to_numpy(dtype=float)
            xc = i - 0.4 + width * (j + 0.5)
            ax.scatter(xc + rng.uniform(-width / 3, width / 3, len(v)), v, s=18, color=_DOMAIN_COLOURS[c],
                       alpha=0.8, lw=0, label=domain_name(c, lang) if i == 0 else None)
            if len(v):
                ax.hlines(np.median(v), xc - width / 2.2, xc + width / 2.2, color="black", lw=1.4)
    names = [str((group_labels or {}).get(lab, lab)) for lab in order]
    ax.set_xticks(range(len(order)), names)
    ax.set_ylabel("指数（0–100）" if lang == "zh" else "Index (0–100)")
    ax.legend(fontsize=8, ncol=nd, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax


# ----------------------------------------------------------------------------------------------
# correlation
# ----------------------------------------------------------------------------------------------

def correlation_heatmap(corr: pd.DataFrame, *, published: pd.DataFrame | None = None, lang: str = "zh",
                        title: str | None = None, ax=None):
    """Heatmap of Pearson r with SPSS stars; with ``published`` the printed r is shown below ours.

    ``corr`` is :func:`vitality.stats.pearson_matrix` (``pairs='all'``); ``published`` a square matrix
    of the printed r (e.g. :func:`vitality.io.correlation_matrix`).
    """
    lang = _lang(lang)
    cols = list(dict.fromkeys(corr["x"]))
    R = corr.pivot(index="x", columns="y", values="r").reindex(index=cols, columns=cols)
    S = corr.pivot(index="x", columns="y", values="stars").reindex(index=cols, columns=cols)
    ax = _ax(ax, (6.4, 5.4))
    im = ax.imshow(R.to_numpy(dtype=float), cmap="RdBu_r", vmin=-1, vmax=1)
    names = [domain_name(c, lang, short=True) for c in cols]
    ax.set_xticks(range(len(cols)), names)
    ax.set_yticks(range(len(cols)), names)
    for i, a in enumerate(cols):
        for j, b in enumerate(cols):
            r = R.loc[a, b]
            if i == j:
                ax.text(j, i, "1", ha="center", va="center", fontsize=10)
                continue
            txt = f"{r:.3f}{S.loc[a, b] or ''}"
            if published is not None:
                pv = published.loc[a, b]
                txt += f"\n({'报告' if lang == 'zh' else 'report'} {pv:.3f})"
            ax.text(j, i, txt, ha="center", va="center", fontsize=9, color="white" if abs(r) > 0.6 else "black")
    ax.grid(False)
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label="Pearson r")
    n = int(corr["n"].max())
    note = ("** p < .01, * p < .05（双侧）" if lang == "zh" else "** p < .01, * p < .05 (two-sided)") + f"; N = {n}"
    ax.set_xlabel(note, fontsize=8)
    ax.set_title(title or ("四个领域指数的相关性" if lang == "zh" else "Correlations between the four domain indices"))
    return ax


# ----------------------------------------------------------------------------------------------
# GDP regression
# ----------------------------------------------------------------------------------------------

def _repel(ax, texts, xy_data: np.ndarray, *, iterations: int = 1000, pad: float = 1.5, point_r: float = 3.5) -> None:
    """Move text labels (display coordinates) so that they overlap neither each other nor the points.

    Labels start right of their point; each iteration pushes every overlapping pair
    apart along the axis of least overlap (all pairs at once) and pulls labels gently back towards
    their start. A thin leader line joins a label that moved away to its point.
    """
    if not texts:
        return
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax.autoscale(False)                      # freeze the limits: labels and leaders must not move them
    xy_px = ax.transData.transform(np.asarray(xy_data, dtype=float))
    inv = ax.transData.inverted()
    size = np.array([[*t.get_window_extent(renderer).size] for t in texts])
    w, h = size[:, 0] + pad, size[:, 1] + pad
    bbox = ax.get_window_extent(renderer)
    lo_box, hi_box = np.array([bbox.x0, bbox.y0]), np.array([bbox.x1, bbox.y1])   # labels stay inside
    # right of the point, or left of it where the label would leave the axes
    right = xy_px[:, 0] + w + point_r + 1.5 <= hi_box[0]
    off = np.column_stack([np.where(right, 1, -1) * (w / 2 + point_r + 1.5), np.zeros(len(texts))])
    home = xy_px + off
    c = home.copy()
    n = len(texts)
    tie = 1e-6 * (np.arange(n)[:, None] - np.arange(n)[None, :])          # deterministic tie-break
    for _ in range(iterations):
        d = c[:, None, :] - c[None, :, :]
        ox = (w[:, None] + w[None, :]) / 2 - np.abs(d[..., 0])
        oy = (h[:, None] + h[None, :]) / 2 - np.abs(d[..., 1])
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        along_y = oy <= ox
        push = np.zeros_like(c)
        push[:, 1] += (np.where(hit & along_y, np.sign(d[..., 1] + tie) * oy / 2, 0)).sum(axis=1)
        push[:, 0] += (np.where(hit & ~along_y, np.sign(d[..., 0] + tie) * ox / 2, 0)).sum(axis=1)
        # points as obstacles
        q = c[:, None, :] - xy_px[None, :, :]
        px = w[:, None] / 2 + point_r - np.abs(q[..., 0])
        py = h[:, None] / 2 + point_r - np.abs(q[..., 1])
        on = (px > 0) & (py > 0)
        push[:, 1] += 2 * np.where(on & (py <= px), np.sign(q[..., 1] + 1e-9) * py, 0).sum(axis=1)
        push[:, 0] += 2 * np.where(on & (py > px), np.sign(q[..., 0] + 1e-9) * px, 0).sum(axis=1)
        if not hit.any() and not on.any():
            break
        c += 0.5 * np.clip(push, -6, 6) + 0.01 * (home - c)
        c = np.clip(c, lo_box + np.column_stack([w, h]) / 2, hi_box - np.column_stack([w, h]) / 2)
    for t, p, xy, ww, hh, o in zip(texts, c, xy_px, w, h, off):
        t.set_position(inv.transform(p))
        t.set_ha("center")
        t.set_va("center")
        if np.hypot(*(p - (xy + o))) > 6:
            # leader from the point to the nearest point of the label box
            edge = np.clip(xy, p - [ww / 2, hh / 2], p + [ww / 2, hh / 2])
            a, b = inv.transform(xy), inv.transform(edge)
            ax.plot([a[0], b[0]], [a[1], b[1]], color="#999999", lw=0.5, zorder=2)


def gdp_scatter(y: pd.Series, x: pd.Series, *, labels: Mapping[str, str] | None = None, label_points: bool = True,
                band: bool = True, level: float = 0.95, ylabel: str | None = None, xlabel: str | None = None,
                lang: str = "zh", title: str | None = None, fontsize: float = 7.5, ax=None):
    """Scatter of a score on GDP with the OLS line, its confidence band and labelled cities.

    Parameters
    ----------
    y, x : Series
        Score and GDP per city (aligned on the index). Cities missing either are not drawn; their
        names are written under the axes (never silently dropped).
    labels : mapping, optional
        City → display label (default the index).
    """
    lang = _lang(lang)
    fit = _stats.ols(y, x, level=level).iloc[0]
    ax = _ax(ax, (10, 7.5))
    units = y.index.union(x.index, sort=False)
    yy, xx = y.reindex(units).astype(float), x.reindex(units).astype(float)
    ok = yy.notna() & xx.notna()
    ax.scatter(xx[ok], yy[ok], s=18, color="#1f77b4", zorder=3)
    if band:
        b = _stats.fit_band(y, x, level=level)
        ax.fill_between(b["x"], b["ci_low"], b["ci_high"], color="#1f77b4", alpha=0.12, lw=0,
                        label=f"{int(level * 100)}% CI")
        ax.plot(b["x"], b["fitted"], color="#d62728", lw=1.4,
                label=(f"OLS: y = {fit['intercept']:.2f} + {fit['slope']:.4f}x, r = {fit['r']:.3f}, "
                       f"R² = {fit['r_squared']:.3f}, n = {int(fit['n'])}"))
    if label_points:
        ax.margins(x=0.04, y=0.1)            # room for labels at the edges
        lab = labels or {}
        texts = [ax.text(xi, yi, str(lab.get(u, u)), fontsize=fontsize, va="bottom", ha="left", zorder=4)
                 for u, xi, yi in zip(units[ok], xx[ok], yy[ok])]
        _repel(ax, texts, np.column_stack([xx[ok], yy[ok]]))
    ax.set_xlabel(xlabel or ("2013 年 GDP（亿元）" if lang == "zh" else "GDP 2013 (100 million CNY)"))
    ax.set_ylabel(ylabel or domain_name("total", lang))
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    if fit["n_dropped"]:
        ax.text(0, -0.12, ("无 GDP、未纳入回归：" if lang == "zh" else "Not in the fit (missing value): ")
                + fit["dropped"], transform=ax.transAxes, fontsize=8, color="#d62728")
    if title:
        ax.set_title(title)
    return ax


def gdp_scatter_domains(scores: pd.DataFrame, x: pd.Series, *, columns: Sequence[str] = _stats.DOMAINS,
                        labels: Mapping[str, str] | None = None, level: float = 0.95, lang: str = "zh",
                        fontsize: float = 6.5, figsize=(15, 11)):
    """:func:`gdp_scatter` of each domain on GDP, one panel per domain on a 2 × 2 grid; returns the Figure."""
    lang = _lang(lang)
    fig, axes = plt.subplots(2, 2, figsize=figsize, constrained_layout=True)
    for ax, d in zip(axes.flat, columns):
        gdp_scatter(scores[d], x, labels=labels, level=level, lang=lang, ax=ax, fontsize=fontsize,
                    ylabel=domain_name(d, lang), title=domain_name(d, lang))
    return fig


def residual_bars(ranking: pd.DataFrame, *, labels: Mapping[str, str] | None = None, lang: str = "zh",
                  title: str | None = None, ax=None):
    """Horizontal bars of the residuals of :func:`vitality.stats.residual_ranking` (largest on top).

    Cities not in the fit are listed at the bottom with no bar.
    """
    lang = _lang(lang)
    r = ranking
    ax = _ax(ax, (7, max(4.0, 0.2 * len(r) + 1.5)))
    lab = labels or {}
    names = [str(lab.get(u, u)) for u in r.index]
    y = np.arange(len(r))[::-1]
    res = r["residual"].to_numpy(dtype=float)
    colours = np.where(res >= 0, "#2ca02c", "#d62728")
    ax.barh(y, np.nan_to_num(res), color=colours, height=0.7)
    ax.set_yticks(y, [f"{n}{'' if ok else ' (—)'}" for n, ok in zip(names, r["in_fit"])], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("残差：实际得分 − GDP 预测得分" if lang == "zh" else "Residual: actual − predicted from GDP")
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.7, len(r) - 0.3)
    if title:
        ax.set_title(title)
    return ax


def class_brackets(comparison) -> list[str]:
    """Leaf annotations ``[n]`` (published class) or ``[—]`` (not printed) for :func:`dendrogram`.

    Parameters
    ----------
    comparison : vitality.cluster.PartitionComparison
        Its ``table['published']`` gives the published class per city, in data order.
    """
    return ["[" + ("—" if pd.isna(p) else str(p)) + "]" for p in comparison.table["published"]]
