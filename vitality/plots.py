"""Plot functions for clustering, regional comparisons, correlations and the GDP regression.

Every function takes ``ax=None`` (a new figure of a suitable size is made when it is None), returns
the Axes and never saves (notebooks save through :func:`vitality.style.save_figure`). Labels are in
Chinese (``lang='zh'``) or English (``lang='en'``); English city names come from
``cities.city_en``. Call :func:`vitality.style.setup` first so that Chinese can be drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from scipy.cluster import hierarchy as _h

from . import stats as _stats
from .cluster import LINKAGES, METRICS, cut_height, rescale_heights
from .errors import ConfigError
from .style import check_lang

if TYPE_CHECKING:
    from .robustness import SensitivityResult

__all__ = ['OKABE_ITO', 'CLASS_COLOURS', 'fmt_half_up', 'new_axes', 'lighten', 'dendrogram', 'contingency_heatmap',
           'scan_heatmap', 'group_strip', 'correlation_heatmap', 'scatter_fit', 'residual_bars',
           'plot_rank_intervals', 'plot_sensitivity']

#: Okabe & Ito's colour-blind-safe qualitative palette (black last).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

#: One colour per class number (1 = strongest): Okabe–Ito, then Tol's muted wine, teal and grey (colour-blind
#: safe, no red/green pair).
CLASS_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255",
                 "#44AA99", "#999999")
#: positive / negative bars (blue vs vermillion, not green vs red)
POSITIVE, NEGATIVE = "#0072B2", "#D55E00"


def fmt_half_up(value, decimals: int = 2) -> str:
    """A value label as printed: rounded half up on its decimal text (98.55 → "98.6" at one decimal, 0.125 →
    "0.13"), not Python's round-half-even on the binary float (which gives 98.5 and 0.12). Missing → "—".

    Parameters
    ----------
    value : float or None
        The value to label.
    decimals : int, default 2
        Decimals shown.

    Returns
    -------
    str
        The label ("—" for a missing value).

    Examples
    --------
    >>> from vitality.plots import fmt_half_up
    >>> fmt_half_up(98.55, 1), fmt_half_up(0.125), fmt_half_up(-0.001), fmt_half_up(float("nan"))
    ('98.6', '0.13', '0.00', '—')
    """
    from decimal import ROUND_HALF_UP, Decimal

    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return "—"
    q = Decimal(1).scaleb(-int(decimals))
    text = f"{Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP)}"
    return text[1:] if text.startswith("-") and Decimal(text) == 0 else text


def new_axes(ax, figsize):
    """Axes to draw on: ``ax`` itself, or the Axes of a new figure of ``figsize`` when ``ax`` is None.

    Parameters
    ----------
    ax : matplotlib.axes.Axes or None
        Axes given by the caller.
    figsize : tuple of float
        Size (inches) of the new figure.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` or a new Axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.plots import new_axes
    >>> ax = new_axes(None, (3, 2))
    >>> ax.figure.get_size_inches().tolist(), new_axes(ax, (9, 9)) is ax
    ([3.0, 2.0], True)
    >>> plt.close(ax.figure)
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def lighten(colour, amount: float):
    """``colour`` mixed with white: ``amount`` 0 keeps it, 1 gives white.

    Parameters
    ----------
    colour : matplotlib colour
        Any colour matplotlib understands ("#0072B2", "C0", (r, g, b)).
    amount : float
        Share of white, 0 to 1.

    Returns
    -------
    tuple of float
        The lighter colour as (r, g, b) in 0..1.

    Examples
    --------
    >>> from vitality.plots import lighten
    >>> tuple(round(c, 3) for c in lighten("#0072B2", 0.5))
    (0.5, 0.724, 0.849)
    """
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


# ----------------------------------------------------------------------------------------------
# clustering
# ----------------------------------------------------------------------------------------------


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
    lang : {"zh", "en"}, default "zh"
        Language of the axis labels.
    title : str, optional
        Axes title.
    leaf_font_size : float, default 9
        Font size of the leaf labels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.cluster import linkage_matrix
    >>> from vitality.plots import dendrogram
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> ax = dendrogram(linkage_matrix(X), list(X.index), classes=[1, 1, 2, 2], k=2, lang="en")
    >>> sorted(t.get_text() for t in ax.get_yticklabels())
    ['p', 'q', 'r', 's']
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    labels = list(labels)
    n = np.asarray(Z).shape[0] + 1
    if len(labels) != n:
        raise ConfigError(f"{len(labels)} labels for a tree of {n} leaves.")
    if annotate is not None:
        annotate = list(annotate)
        labels = [f"{lab}  {a}" if a else lab for lab, a in zip(labels, annotate)]
    Zp = rescale_heights(Z) if rescale else np.asarray(Z, dtype=float)
    ax = new_axes(ax, (8, 10))
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
    """Counts of published class (rows) × reproduced class (columns), annotated.

    Parameters
    ----------
    table : pandas.DataFrame
        Published class (rows) × reproduced class (columns) counts, e.g.
        :attr:`vitality.cluster.PartitionComparison.contingency`.
    lang : {"zh", "en"}, default "zh"
        Language of the axis labels.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.plots import contingency_heatmap
    >>> ax = contingency_heatmap(pd.DataFrame([[2, 0], [1, 1]], index=[1, 2], columns=[1, 2]), lang="en")
    >>> [t.get_text() for t in ax.texts]
    ['2', '0', '1', '1']
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    ax = new_axes(ax, (5, 4.2))
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
    """ARI of every linkage × distance (rows) and standardisation (columns), from :func:`scan_methods`.

    Parameters
    ----------
    scan : pandas.DataFrame
        :func:`vitality.cluster.scan_methods` output.
    k : int, optional
        The number of classes to show when ``scan`` holds several.
    lang : {"zh", "en"}, default "zh"
        Language of the labels.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.cluster import scan_methods
    >>> from vitality.plots import scan_heatmap
    >>> X = pd.DataFrame({"a": [1.0, 1.2, 5.0, 5.1], "b": [2.0, 2.1, 6.0, 6.3]}, index=["p", "q", "r", "s"])
    >>> scan = scan_methods(X, pd.Series({"p": 2, "q": 2, "r": 1, "s": 1}), linkages=("average", "single"),
    ...                     metrics=("sqeuclidean",), k=2)
    >>> ax = scan_heatmap(scan, lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['average · sqeuclidean', 'single · sqeuclidean']
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    s = scan if k is None else scan[scan["k"] == k]
    if s.duplicated(["method", "metric", "standardise"]).any():
        raise ConfigError("the scan holds several k; pass k= to choose one.")
    piv = s.pivot(index=["method", "metric"], columns="standardise", values="ari")
    rows = [(m, d) for m in LINKAGES for d in METRICS if (m, d) in piv.index]
    piv = piv.reindex(pd.MultiIndex.from_tuples(rows, names=["method", "metric"]))
    piv = piv[[c for c in ("none", "zscore") if c in piv.columns]]
    ax = new_axes(ax, (5.5, 0.32 * len(piv) + 1.5))
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


def group_strip(data: pd.DataFrame, groups: pd.Series, *, columns: Sequence[str] | None = None,
                group_labels: Mapping | None = None, order: Sequence | None = None,
                names: Mapping[str, str] | None = None, colours: Mapping[str, str] | None = None,
                ylabel: str | None = None, title: str | None = None, ax=None):
    """Each unit as a dot per group and column, with the group median as a bar (for Kruskal–Wallis).

    Parameters
    ----------
    data : DataFrame
        One row per unit; ``columns`` (default all) are drawn side by side within each group.
    groups : Series
        Unit → group label.
    group_labels, names, colours : mapping, optional
        Display names of the groups and of the columns, and one colour per column.
    columns : sequence of str, optional
        Columns to draw (default all).
    order : sequence, optional
        Order of the groups on the axis.
    ylabel, title : str, optional
        Axis label and title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.plots import group_strip
    >>> data = pd.DataFrame({"score": [1.0, 2.0, 3.0, 6.0, 7.0, 8.0]}, index=list("uvwxyz"))
    >>> ax = group_strip(data, pd.Series(dict(zip("uvwxyz", ["N"] * 3 + ["S"] * 3))), order=["N", "S"])
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['N', 'S']
    >>> plt.close(ax.figure)
    """
    columns = list(data.columns) if columns is None else list(columns)
    names = names or {}
    palette = colours or dict(zip(columns, OKABE_ITO))
    g = groups.reindex(data.index)
    order = list(order) if order is not None else list(pd.unique(g.dropna()))
    ax = new_axes(ax, (11, 4.8))
    nd = len(columns)
    width = 0.8 / nd
    rng = np.random.default_rng(0)   # fixed jitter so reruns draw identical figures
    for j, c in enumerate(columns):
        for i, lab in enumerate(order):
            v = data.loc[g == lab, c].dropna().to_numpy(dtype=float)
            xc = i - 0.4 + width * (j + 0.5)
            ax.scatter(xc + rng.uniform(-width / 3, width / 3, len(v)), v, s=18, color=palette[c],
                       alpha=0.8, lw=0, label=names.get(c, c) if i == 0 else None)
            if len(v):
                ax.hlines(np.median(v), xc - width / 2.2, xc + width / 2.2, color="black", lw=1.4)
    names = [str((group_labels or {}).get(lab, lab)) for lab in order]
    ax.set_xticks(range(len(order)), names)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, ncol=nd, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax


# ----------------------------------------------------------------------------------------------
# correlation
# ----------------------------------------------------------------------------------------------

def correlation_heatmap(corr: pd.DataFrame, *, published: pd.DataFrame | None = None, lang: str = "zh",
                        names: Mapping[str, str] | None = None, title: str | None = None, ax=None):
    """Heatmap of Pearson r with SPSS stars; with ``published`` the printed r is shown below ours.

    ``corr`` is :func:`vitality.stats.pearson_matrix` (``pairs='all'``); ``published`` a square matrix
    of the printed r (e.g. :func:`vitality.siis.data.correlation_matrix`).

    Parameters
    ----------
    corr : pandas.DataFrame
        Long table of :func:`vitality.stats.pearson_matrix` (``pairs='all'``).
    published : pandas.DataFrame, optional
        Square matrix of the printed r.
    lang : {"zh", "en"}, default "zh"
        Language of the labels.
    names : mapping of str to str, optional
        Display name of each variable.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.plots import correlation_heatmap
    >>> from vitality.stats import pearson_matrix
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5], "c": [5.0, 4, 3, 2, 1]})
    >>> ax = correlation_heatmap(pearson_matrix(X, pairs="all"), lang="en")
    >>> sorted(t.get_text() for t in ax.texts)[:3]
    ['-0.800', '-0.800', '-1.000**']
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    cols = list(dict.fromkeys(corr["x"]))
    R = corr.pivot(index="x", columns="y", values="r").reindex(index=cols, columns=cols)
    S = corr.pivot(index="x", columns="y", values="stars").reindex(index=cols, columns=cols)
    ax = new_axes(ax, (6.4, 5.4))
    im = ax.imshow(R.to_numpy(dtype=float), cmap="RdBu_r", vmin=-1, vmax=1)
    names = [str((names or {}).get(c, c)) for c in cols]
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

def _repel(ax, texts, xy_data: np.ndarray, *, pad: float = 1.5, point_r: float = 3.5,
           max_radius: float = 240.0, draw: bool = True) -> list:
    """Place text labels (display coordinates) so that they overlap neither each other nor the points.

    Greedy and deterministic: the labels are placed one by one, those with the most neighbours first; each
    takes the first free spot among candidates around its point, nearest first (right of the point, left,
    above, below, then the diagonals, then rings further out up to ``max_radius`` pixels), where free means
    inside the axes, clear of every label already placed and of every point. A label with no free spot takes
    the candidate with the least overlap. A thin leader line joins a label placed away from its point to it;
    the leader lines are returned. ``draw=False`` measures a figure already drawn on its final layout.
    """
    if not texts:
        return []
    fig = ax.figure
    if draw:
        fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    ax.autoscale(False)                      # freeze the limits: labels and leaders must not move them
    xy_px = ax.transData.transform(np.asarray(xy_data, dtype=float))
    inv = ax.transData.inverted()
    size = np.array([[*t.get_window_extent(renderer).size] for t in texts])
    w, h = size[:, 0] + pad, size[:, 1] + pad
    bbox = ax.get_window_extent(renderer)
    lo_box, hi_box = np.array([bbox.x0, bbox.y0]), np.array([bbox.x1, bbox.y1])
    n = len(texts)
    # candidate offsets as multiples of the label's half size (+ the point radius), nearest first
    dirs = np.array([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1],
                     [0.5, 1], [-0.5, 1], [0.5, -1], [-0.5, -1]], dtype=float)
    rings = np.r_[0.0, np.arange(2.0, 60.0, 4.0), np.arange(60.0, max_radius + 1e-9, 8.0)]
    d_pts = np.hypot(*(xy_px[:, None, :] - xy_px[None, :, :]).transpose(2, 0, 1))
    crowd = (d_pts < 3 * h.mean()).sum(axis=1)
    order = np.lexsort((np.arange(n), -crowd))
    placed = np.zeros((0, 4))                 # x0, y0, x1, y1 of the labels placed so far
    centre = np.zeros((n, 2))
    home = np.zeros((n, 2))
    for i in order:
        hw, hh = w[i] / 2, h[i] / 2
        base = np.array([hw + point_r + 1.0, hh + point_r + 1.0])
        cand = (dirs[None, :, :] * (base[None, None, :] + rings[:, None, None])).reshape(-1, 2) + xy_px[i]
        home[i] = xy_px[i] + [base[0], 0.0]
        box = np.column_stack([cand - [hw, hh], cand + [hw, hh]])
        inside = ((box[:, 0] >= lo_box[0]) & (box[:, 1] >= lo_box[1]) & (box[:, 2] <= hi_box[0])
                  & (box[:, 3] <= hi_box[1]))
        ov_lab = (np.clip(np.minimum(box[:, None, 2], placed[None, :, 2]) - np.maximum(box[:, None, 0], placed[None, :, 0]), 0, None)
                  * np.clip(np.minimum(box[:, None, 3], placed[None, :, 3]) - np.maximum(box[:, None, 1], placed[None, :, 1]), 0, None)).sum(axis=1)
        ov_pts = ((xy_px[None, :, 0] > box[:, None, 0] - point_r) & (xy_px[None, :, 0] < box[:, None, 2] + point_r)
                  & (xy_px[None, :, 1] > box[:, None, 1] - point_r) & (xy_px[None, :, 1] < box[:, None, 3] + point_r)).sum(axis=1)
        free = inside & (ov_lab == 0) & (ov_pts == 0)
        if free.any():
            k = int(np.argmax(free))
        else:                                # least overlap, then nearest; outside the axes only as last resort
            cost = ov_lab + 50.0 * ov_pts + np.where(inside, 0.0, 1e9)
            k = int(np.argmin(cost))
        centre[i] = cand[k]
        placed = np.vstack([placed, box[k]])
    leaders = []
    for t, p, xy, ww, hh, o in zip(texts, centre, xy_px, w, h, home):
        t.set_position(inv.transform(p))
        t.set_ha("center")
        t.set_va("center")
        if np.hypot(*(p - o)) > 6:
            # leader from the point to the nearest point of the label box
            edge = np.clip(xy, p - [ww / 2, hh / 2], p + [ww / 2, hh / 2])
            if np.hypot(*(edge - xy)) > point_r + 1.0:
                a, b = inv.transform(xy), inv.transform(edge)
                leaders += ax.plot([a[0], b[0]], [a[1], b[1]], color="#999999", lw=0.5, zorder=2)
    return leaders


def _repel_hook(ax, texts, xy_data):
    """Label placement redone at save time (:func:`vitality.style.save_figure` calls ``ax._vitality_relabel``
    after the final layout): a layout engine that moves the axes after the labels were placed (more panels, a
    title, the source note) would otherwise bring back the overlaps the placement removed."""
    state = {"leaders": _repel(ax, texts, xy_data)}
    xy0 = np.asarray(xy_data, dtype=float)

    def relabel():
        for line in state["leaders"]:
            line.remove()
        for t, (x0, y0) in zip(texts, xy0):
            t.set_position((x0, y0))
            t.set_ha("left")
            t.set_va("bottom")
        state["leaders"] = _repel(ax, texts, xy0, draw=False)   # save_figure has just drawn the final layout

    ax._vitality_relabel = relabel


def scatter_fit(y: pd.Series, x: pd.Series, *, labels: Mapping[str, str] | None = None, label_points: bool = True,
                band: bool = True, level: float = 0.95, ylabel: str | None = None, xlabel: str | None = None,
                lang: str = "zh", title: str | None = None, fontsize: float = 7.5, ax=None):
    """Scatter of ``y`` on ``x`` with the OLS line, its confidence band and labelled units.

    Parameters
    ----------
    y, x : Series
        Score and GDP per city (aligned on the index). Cities missing either are not drawn; their
        names are written under the axes (never silently dropped).
    labels : mapping, optional
        City → display label (default the index).
    label_points : bool, default True
        Write each unit's label beside its point.
    band : bool, default True
        Draw the confidence band of the fitted line.
    level : float, default 0.95
        Level of the band.
    ylabel, xlabel, title : str, optional
        Axis labels and title.
    lang : {"zh", "en"}, default "zh"
        Language of the default labels.
    fontsize : float, default 7.5
        Font size of the point labels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.plots import scatter_fit
    >>> x = pd.Series({"p": 1.0, "q": 2.0, "r": 3.0, "s": 4.0})
    >>> y = pd.Series({"p": 2.1, "q": 3.9, "r": 6.2, "s": 7.8})
    >>> ax = scatter_fit(y, x, lang="en", label_points=False)
    >>> len(ax.collections[0].get_offsets())
    4
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    fit = _stats.ols(y, x, level=level).iloc[0]
    ax = new_axes(ax, (10, 7.5))
    units = y.index.union(x.index, sort=False)
    yy, xx = y.reindex(units).astype(float), x.reindex(units).astype(float)
    ok = yy.notna() & xx.notna()
    ax.scatter(xx[ok], yy[ok], s=18, color="#0072B2", zorder=3)
    if band:
        b = _stats.fit_band(y, x, level=level)
        ax.fill_between(b["x"], b["ci_low"], b["ci_high"], color="#56B4E9", alpha=0.25, lw=0,
                        label=f"{int(level * 100)}% CI")
        ax.plot(b["x"], b["fitted"], color="#D55E00", lw=1.4,
                label=(f"OLS: y = {fit['intercept']:.2f} + {fit['slope']:.4f}x, r = {fit['r']:.3f}, "
                       f"R² = {fit['r_squared']:.3f}, n = {int(fit['n'])}"))
    if label_points:
        ax.margins(x=0.04, y=0.1)            # room for labels at the edges
        lab = labels or {}
        texts = [ax.text(xi, yi, str(lab.get(u, u)), fontsize=fontsize, va="bottom", ha="left", zorder=4)
                 for u, xi, yi in zip(units[ok], xx[ok], yy[ok])]
        _repel_hook(ax, texts, np.column_stack([xx[ok], yy[ok]]))
    ax.set_xlabel(xlabel or str(x.name or "x"))
    ax.set_ylabel(ylabel or str(y.name or "y"))
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    if fit["n_dropped"]:
        ax.text(0, -0.12, ("缺失值、未纳入回归：" if lang == "zh" else "Not in the fit (missing value): ")
                + fit["dropped"], transform=ax.transAxes, fontsize=8, color="#D55E00")
    if title:
        ax.set_title(title)
    return ax


def residual_bars(ranking: pd.DataFrame, *, labels: Mapping[str, str] | None = None, lang: str = "zh",
                  title: str | None = None, ax=None):
    """Horizontal bars of the residuals of :func:`vitality.stats.residual_ranking` (largest on top).

    Cities not in the fit are listed at the bottom with no bar.

    Parameters
    ----------
    ranking : pandas.DataFrame
        :func:`vitality.stats.residual_ranking` output.
    labels : mapping of str to str, optional
        Unit → display label.
    lang : {"zh", "en"}, default "zh"
        Language of the labels.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.plots import residual_bars
    >>> from vitality.stats import residual_ranking
    >>> x = pd.Series({"p": 1.0, "q": 2.0, "r": 3.0, "s": 4.0})
    >>> y = pd.Series({"p": 2.1, "q": 3.9, "r": 6.2, "s": 7.8})
    >>> ax = residual_bars(residual_ranking(y, x), lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['r', 'p', 's', 'q']
    >>> plt.close(ax.figure)
    """
    lang = check_lang(lang)
    r = ranking
    ax = new_axes(ax, (7, max(4.0, 0.2 * len(r) + 1.5)))
    lab = labels or {}
    names = [str(lab.get(u, u)) for u in r.index]
    y = np.arange(len(r))[::-1]
    res = r["residual"].to_numpy(dtype=float)
    colours = np.where(res >= 0, POSITIVE, NEGATIVE)
    ax.barh(y, np.nan_to_num(res), color=colours, height=0.7)
    ax.set_yticks(y, [f"{n}{'' if ok else ' (—)'}" for n, ok in zip(names, r["in_fit"])], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("残差：实际得分 − GDP 预测得分" if lang == "zh" else "Residual: actual − predicted from GDP")
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.7, len(r) - 0.3)
    if title:
        ax.set_title(title)
    return ax


def plot_rank_intervals(rank_stats: pd.DataFrame, *, code: str | None = None, published: pd.Series | None = None,
                        labels=None, lang: str = "en", ax=None, title: str | None = None):
    """Rank intervals: units ordered by nominal rank, median (dot) and 5-95 % bar, min-max (thin line),
    nominal rank (x) and, if given, the published rank (open diamond).  Returns the Axes; never saves.

    Parameters
    ----------
    rank_stats : pandas.DataFrame
        One row per unit (and code): ``unit``, ``code``, ``nominal_rank``, ``median``, ``q05``, ``q95``,
        ``min``, ``max`` (e.g. the rank statistics of :func:`vitality.robustness.uncertainty_analysis`).
    code : str, optional
        The node to draw when ``rank_stats`` holds several.
    published : pandas.Series, optional
        Published rank of each unit.
    labels : mapping of str to str, optional
        Unit → display label.
    lang : {"en", "zh"}, default "en"
        Language of the labels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.plots import plot_rank_intervals
    >>> t = pd.DataFrame({"unit": ["p", "q", "r"], "code": "index", "nominal_rank": [1, 2, 3], "median": [1, 2, 3],
    ...                   "q05": [1, 1, 2], "q95": [2, 3, 3], "min": [1, 1, 1], "max": [3, 3, 3]})
    >>> ax = plot_rank_intervals(t, published=pd.Series({"p": 1, "q": 3, "r": 2}))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['p', 'q', 'r']
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    t = rank_stats if code is None else rank_stats[rank_stats["code"] == code]
    if code is None and t["code"].nunique() > 1:
        t = t[t["code"] == t["code"].iloc[0]]
    t = t.sort_values("nominal_rank", kind="stable")
    n = len(t)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, max(3.0, 0.2 * n + 1.3)))
    y = np.arange(n)
    units = t["unit"].tolist()
    names = [labels.get(u, u) if isinstance(labels, Mapping) else u for u in units] if labels is not None else units
    zh = lang == "zh"
    ax.hlines(y, t["min"], t["max"], color="#b0bec5", lw=1, zorder=1,
              label="最小–最大" if zh else "min–max")
    ax.hlines(y, t["q05"], t["q95"], color="#56B4E9", lw=4.5, alpha=0.55, zorder=2,
              label="5–95 % 区间" if zh else "5–95 % interval")
    ax.scatter(t["median"], y, s=16, color="#0072B2", zorder=3, label="中位数" if zh else "median")
    ax.scatter(t["nominal_rank"], y, s=22, marker="x", color="#D55E00", zorder=4, lw=1,
               label="名义（等权）" if zh else "nominal (equal weights)")
    if published is not None:
        pub = pd.Series(published).reindex(units).astype(float)
        ax.scatter(pub, y, s=26, marker="D", facecolor="none", edgecolor="#000000", zorder=4, lw=0.9,
                   label="报告排名" if zh else "published rank")
    ax.set_yticks(y, names, fontsize=7.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0.3, max(n, float(np.nanmax(t["max"]))) + 0.9)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("排名（1 = 最高）" if zh else "rank (1 = best)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", fontsize=7.5, frameon=True, framealpha=0.9)
    if title:
        ax.set_title(title, fontsize=10, pad=28)
    return ax


def plot_sensitivity(sa: "SensitivityResult", *, units=None, labels=None, lang: str = "en", axes=None,
                     input_labels: Mapping | None = None):
    """Sobol' indices as bars: (left) S1 and ST with confidence whiskers for the mean absolute rank
    shift; (right) ST of each input for the index rank of ``units`` (default: the 12 units whose rank
    is most sensitive).  ``input_labels`` overrides the names of inputs (e.g. ``{"weights_L1":
    "domain weights"}``).  Returns the two Axes; never saves.

    Parameters
    ----------
    sa : SensitivityResult
        :func:`vitality.robustness.sensitivity_analysis` output (its ``table``: ``input, output, unit, S1,
        S1_conf, ST, ST_conf``).
    units : sequence, optional
        Units of the right panel (default the 12 most sensitive).
    labels : mapping of str to str, optional
        Unit → display label.
    lang : {"en", "zh"}, default "en"
        Language of the labels.
    axes : pair of matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).
    input_labels : mapping of str to str, optional
        Display names of the inputs.

    Returns
    -------
    tuple of matplotlib.axes.Axes
        The two Axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.plots import plot_sensitivity
    >>> from vitality.robustness import SensitivityResult
    >>> rows = [("weights_L1", "mean_abs_rank_shift", "", 0.6, 0.1, 0.7, 0.1),
    ...         ("normalise", "mean_abs_rank_shift", "", 0.2, 0.1, 0.3, 0.1),
    ...         ("weights_L1", "rank", "p", 0.5, 0.1, 0.8, 0.1), ("normalise", "rank", "p", 0.1, 0.1, 0.2, 0.1)]
    >>> sa = SensitivityResult(pd.DataFrame(rows, columns=["input", "output", "unit", "S1", "S1_conf", "ST", "ST_conf"]), {})
    >>> ax, ax2 = plot_sensitivity(sa)
    >>> [t.get_text() for t in ax.get_xticklabels()], [t.get_text() for t in ax2.get_yticklabels()]
    (['weights L1', 'normalisation'], ['p'])
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    zh = lang == "zh"
    t = sa.table
    inputs = list(dict.fromkeys(t["input"]))
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10.5, 5.4), gridspec_kw={"width_ratios": [1, 1.4], "wspace": 0.42})
    ax, ax2 = axes
    m = sa.for_output().reindex(inputs)
    x = np.arange(len(inputs))
    w = 0.38
    ax.bar(x - w / 2, m["S1"], w, yerr=m["S1_conf"], capsize=3, color="#56B4E9",
           label="一阶 S1" if zh else "first order S1")
    ax.bar(x + w / 2, m["ST"], w, yerr=m["ST_conf"], capsize=3, color="#0072B2",
           label="总效应 ST" if zh else "total effect ST")
    names = {"normalise": "标准化" if zh else "normalisation", "ties": "并列规则" if zh else "tie policy",
             "aggregate": "汇总方法" if zh else "aggregation", "drop": "删去指标" if zh else "drop indicator"}
    names.update(input_labels or {})
    xl = [names.get(i, (f"权重 L{i[9:]}" if zh else f"weights L{i[9:]}") if i.startswith("weights_L") else i)
          for i in inputs]
    ax.set_xticks(x, xl)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylim(min(-0.05, float(np.nanmin(m["S1"] - m["S1_conf"])) - 0.02),
                max(1.05, float(np.nanmax(m["ST"] + m["ST_conf"])) + 0.05))
    ax.set_title("平均绝对排名变动的敏感性" if zh else "Sensitivity of the mean absolute rank shift", fontsize=10)
    ax.set_ylabel("Sobol' 指数" if zh else "Sobol' index")
    ax.legend(fontsize=8, frameon=False)
    per = t[t["output"] == "rank"]
    if units is None:
        tot = per.groupby("unit", sort=False)["ST"].sum()
        units = tot[tot > 0].sort_values(ascending=False, kind="stable").index[:12].tolist()
    units = list(units)
    raw = per.pivot(index="unit", columns="input", values="ST").reindex(index=units, columns=inputs)
    # Sobol' total effects are shares of variance in [0, 1]; estimates from a small base sample can pass 1 (or
    # fall below 0): the bars are clipped to [0, 1] and the estimate is written beside a clipped bar
    P = raw.fillna(0).clip(0, 1)
    y = np.arange(len(units))
    h = 0.8 / max(1, len(inputs))
    clipped = False
    for k, inp in enumerate(inputs):
        yy = y - 0.4 + h * (k + 0.5)
        ax2.barh(yy, P[inp], h, color=OKABE_ITO[k % len(OKABE_ITO)], label=xl[k])
        for yi, v in zip(yy, raw[inp]):
            if pd.notna(v) and v > 1:
                clipped = True
                ax2.text(1.01, yi, fmt_half_up(v, 2), va="center", ha="left", fontsize=6.5)
    still = raw.fillna(0).abs().sum(axis=1) == 0
    for yi, flat in zip(y, still):
        if flat:   # the rank never moves: no variance to apportion, so no bars
            ax2.text(0.02, yi, "排名在所有重复中不变" if zh else "rank the same in every replication", va="center",
                     fontsize=7.5, color="#555555")
    ax2.set_xlim(0, 1.12)
    if clipped:
        ax2.text(1.0, -0.2, "数字：ST > 1 的估计值（小样本估计误差），条形截断于 1" if zh else
                 "numbers: estimates of ST > 1 (small-sample error); their bars are clipped at 1",
                 transform=ax2.transAxes, ha="right", va="top", fontsize=7, color="#555555")
    lab = [labels.get(u, u) if isinstance(labels, Mapping) else u for u in units] if labels is not None else units
    ax2.set_yticks(y, lab, fontsize=8)
    ax2.set_ylim(len(units) - 0.5, -0.5)
    ax2.set_xlabel("总效应 ST" if zh else "total effect ST")
    ax2.set_title("各城市排名的敏感性（总效应）" if zh else "Sensitivity of each city's rank (total effect)",
                  fontsize=10)
    ax2.grid(axis="y", visible=False)
    ax2.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=len(inputs))
    return ax, ax2
