"""The weight explorer's chart: the cities ranked for given domain weights, drawn fast and the same each time.

:func:`plot_weighted_ranking` draws the chart as a :class:`matplotlib.figure.Figure` (never pyplot);
:func:`render_chart_png` turns it into PNG bytes of a fixed pixel size for the ``ipywidgets.Image`` the
explorer (:mod:`vitality.siis.explorer`) owns.  An update is fast by construction: the figure is kept (one
per language, size and axis end; the axis is fixed at :func:`chart_xmax`), its static parts are restored
from a saved background, only the bars, the axis line and the legend are drawn by matplotlib, the city
labels and the weights line are blended from glyph bitmaps rendered once (loading and hinting glyphs is
what made drawing slow), and the PNG is written unfiltered with a fast zlib level (:func:`png_bytes`).
A test compares the kept chart with matplotlib's own full drawing.
"""

from __future__ import annotations

import threading
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import ConfigError
from . import model
from .data import DOMAINS, load_cities
from .labels import city_labels, domain_name

__all__ = ['UP', 'DOWN', 'SAME', 'WEIGHTS_LINE_SIZE', 'WEIGHTS_LINE_AT', 'NAMED_WEIGHTINGS', 'STATED', 'CHART_SIZE',
           'CHART_DPI', 'normalised_weights', 'unit_labels', 'domain_labels', 'check_lang', 'shares_text',
           'chart_xmax', 'plot_weighted_ranking', 'LABEL_SIZE', 'render_chart_png', 'png_bytes', 'weights_json',
           'message_png']

#: Okabe-Ito colours (colour-blind safe): blue = up, vermilion = down, grey = unchanged
UP, DOWN, SAME = "#0072B2", "#D55E00", "#BBBBBB"

#: the weights line under the chart's title: font size and height of its centre above the axes (points)
WEIGHTS_LINE_SIZE, WEIGHTS_LINE_AT = 9.0, 7.0

_CHARTS: dict = {}  # a few kept figures, by what fixes their static parts

NAMED_WEIGHTINGS = model.weightings()


#: the weighting the report's text states: four domains x 0.25 (:data:`vitality.siis.model.STATED`)
STATED = NAMED_WEIGHTINGS[model.STATED]


_TEXT = {
    "zh": {"city": "城市", "score": "加权得分", "rank": "排名", "published_rank": "报告排名", "shift": "较报告",
           "nominal_rank": "名义排名", "nominal_shift": "较名义",
           "title": "按所选权重的总排名（括号内为报告排名）", "up": "高于报告排名", "down": "低于报告排名",
           "same": "与报告相同", "weights": "权重", "reset": "重置（名义）",
           "presets": {"equal per indicator": "每指标等权（名义）", "stated (4 × 0.25)": "文中所述 4 × 0.25",
                       "your weights": "参数中的权重"},
           "all_zero": "所有权重都为 0：没有排名。请把至少一个权重调到 0 以上。", "no_ranking": "无法排名",
           "one_domain": "只有{d}的权重大于 0：总排名即{d}单项排名。",
           "static": "静态视图（{w}）。运行本笔记本即可拖动权重（run the notebook to move the weights）。",
           "error": "无法更新："},
    "en": {"city": "city", "score": "weighted score", "rank": "rank", "published_rank": "published rank",
           "shift": "vs published", "nominal_rank": "nominal rank", "nominal_shift": "vs nominal",
           "title": "Overall ranking with the chosen weights (published rank in brackets)",
           "up": "above published rank", "down": "below published rank", "same": "as published",
           "weights": "weights", "reset": "reset (nominal)",
           "presets": {"equal per indicator": "equal per indicator (nominal)", "stated (4 × 0.25)": "stated 4 × 0.25",
                       "your weights": "your weights"},
           "all_zero": "All weights are 0: there is no ranking. Set at least one weight above 0.",
           "no_ranking": "no ranking",
           "one_domain": "Only {d} has a weight above 0: the overall ranking is the {d} ranking.",
           "static": "Static view ({w}). Run the notebook to move the weights.",
           "error": "Could not update: "},
}


#: the explorer's chart: a fixed pixel size (figure inches x dpi), so a new image replaces the old in place
CHART_SIZE = (7.5, 9.9)


CHART_DPI = 100


_DRAW_LOCK = threading.Lock()  # matplotlib is not thread-safe: one figure drawn at a time


def normalised_weights(weights: Mapping[str, float], domains=DOMAINS) -> pd.Series:
    """The weights as shares summing to 1, keyed by domain (checked by the engine: :func:`model.domain_weights`)."""
    return pd.Series(model.domain_weights(weights), dtype=float).reindex(list(domains))


def unit_labels(index, lang: str, cities: pd.DataFrame | None):

    if lang != "zh" and cities is None:
        cities = load_cities()
    return city_labels(index, cities, lang)


def domain_labels(lang: str) -> dict:

    return {d: domain_name(d, lang, short=True) for d in DOMAINS}


def check_lang(lang: str) -> dict:
    if lang not in _TEXT:
        raise ConfigError(f"lang must be 'zh' or 'en', got {lang!r}.")
    return _TEXT[lang]


def shares_text(weights: Mapping[str, float], lang: str = "zh") -> str:
    """``社会 29.4% · 文化 17.6% · 经贸 29.4% · 政治 23.5%``: the weights as shares (the explorer's weights line)."""
    labels = domain_labels(lang)
    w = normalised_weights(weights)
    return " · ".join(f"{labels[d]} {_pct(w[d])}" for d in DOMAINS)


def _pct(x: float) -> str:
    s = f"{100 * x:.1f}".rstrip("0").rstrip(".")
    return f"{s}%"


def _chart_rows(table: pd.DataFrame, lang: str, cities: pd.DataFrame | None):
    """What each bar of the chart shows: scores, colours, and each label as (city name, the rest), the label
    reading ``city  new rank (published rank)  +n``.  The one definition of the chart's content."""
    n = len(table)
    score = table["score"].to_numpy(dtype=float)
    shift = table["shift"].fillna(0).to_numpy(dtype=float) if "shift" in table else np.zeros(n)
    colours = np.where(shift > 0, UP, np.where(shift < 0, DOWN, SAME))
    names = unit_labels(table.index, lang, cities)
    pub = table["published_rank"] if "published_rank" in table else [pd.NA] * n
    rests = [f"{int(r)} ({int(p)})" if pd.notna(p) else f"{int(r)}" for r, p in zip(table["rank"], pub)]
    # the shift against the report is in the label too, so the chart reads without colour
    rests = [f"{rest}  {'+' if d > 0 else '−'}{abs(int(d))}" if d else rest for rest, d in zip(rests, shift)]
    return score, colours, [str(c) for c in names], rests


def _weights_line(lang: str, weights) -> str:
    """The chart's second title line: ``权重: 社会 29.4% · …`` (empty without weights)."""
    T = check_lang(lang)
    return "" if weights is None else T["weights"] + ": " + shares_text(weights, lang)


def _bar_verts(score: np.ndarray) -> np.ndarray:
    """Rectangles of the bars (one collection, not 46 patches), row i centred on y = i."""
    y = np.arange(len(score), dtype=float)
    half = 0.375
    x = np.nan_to_num(score)
    return np.stack([np.stack([np.zeros_like(x), y - half], 1), np.stack([np.zeros_like(x), y + half], 1),
                     np.stack([x, y + half], 1), np.stack([x, y - half], 1)], 1)


def chart_xmax(domain_scores: pd.DataFrame) -> float:
    """An x-axis end no weighting can pass: a weighted mean never exceeds the largest domain score.

    The explorer fixes its axis with it, so bars of successive moves compare (and the axes are drawn once).
    """
    top = float(np.nanmax(domain_scores[list(DOMAINS)].to_numpy(dtype=float)))
    return max(100.0, top * 1.06)


def plot_weighted_ranking(table: pd.DataFrame, *, weights: Mapping[str, float] | None = None, lang: str = "zh",
                          ax=None, cities: pd.DataFrame | None = None, title: str | None = None,
                          xmax: float | None = None):
    """Horizontal bars of the weighted score in rank order, coloured by the shift against the report.

    Each label reads ``city  new rank (published rank)  +n`` (places gained against the report, ``−n``
    lost); blue = moved up, vermilion = moved down, grey = unchanged (Okabe-Ito colours; the label says
    the same without colour).
    Without ``ax`` it makes a pyplot figure (to show or save in a notebook); the explorer passes the
    Axes of an object-oriented figure.  ``xmax`` fixes the end of the score axis (default: 100, or 6 %
    beyond the highest score).  Returns the Axes; never saves.
    """
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    T = check_lang(lang)
    n = len(table)
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(7.5, max(3.0, 0.19 * n + 1.2)))
    score, colours, names, rests = _chart_rows(table, lang, cities)
    bars = PolyCollection(_bar_verts(score), facecolors=list(colours), edgecolors="none", label="_bars")
    ax.add_collection(bars)
    if xmax is None:
        xmax = max(100.0, float(np.nanmax(score)) * 1.06) if n else 100.0
    ax.set_xlim(0, xmax)
    ax.set_yticks([])
    ax.tick_params(axis="y", length=0)
    left = blended_transform_factory(ax.transAxes, ax.transData)
    for yi, (name, rest) in enumerate(zip(names, rests)):  # labels as plain texts (cheaper than 46 ticks)
        ax.text(-0.01, yi, f"{name}  {rest}", transform=left, ha="right", va="center", fontsize=LABEL_SIZE,
                clip_on=False)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel(T["score"])
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)  # grid lines behind the bars (the explorer draws the bars over a kept background)
    if title is None:  # the title, and under it the weights line (its own text: the explorer redraws only it)
        from matplotlib.transforms import ScaledTranslation
        ax.set_title(T["title"], fontsize=10, pad=WEIGHTS_LINE_AT + WEIGHTS_LINE_SIZE)
        at = ax.transAxes + ScaledTranslation(0, WEIGHTS_LINE_AT / 72, ax.figure.dpi_scale_trans)
        ax.text(0.5, 1.0, _weights_line(lang, weights), transform=at, ha="center", va="center",
                fontsize=WEIGHTS_LINE_SIZE, gid="vitality-weights-line")
    else:
        ax.set_title(title, fontsize=10)
    if "published_rank" in table:
        ax.legend(handles=[Patch(color=UP, label=T["up"]), Patch(color=DOWN, label=T["down"]),
                           Patch(color=SAME, label=T["same"])], loc="lower right", fontsize=8, frameon=False)
    return ax


#: font size (points) of the bar labels
LABEL_SIZE = 7.5


class _Sprites:
    """Bitmaps of text drawn once by FreeType (the rasteriser matplotlib's Agg backend uses) and blended into
    the canvas from then on: loading and hinting the glyphs is what makes drawing 46 labels slow, and
    between two moves only their order and numbers change.  City names are kept whole (their kerning
    intact); the numbers are set glyph by glyph at whole-pixel pen positions (matplotlib places glyphs at
    1/64 px, so a label may differ from a direct matplotlib drawing by a pixel of antialiasing)."""

    def __init__(self, prop, dpi: float):
        import matplotlib as mpl
        from matplotlib import font_manager
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.ft2font import FT2Font

        # a font object of its own: matplotlib's cached ones carry the glyph transform of their last use
        path = font_manager.findfont(prop)  # the face matplotlib picks (a collection's face index included)
        self.font = FT2Font(path, mpl.rcParams["text.hinting_factor"], face_index=getattr(path, "face_index", 0))
        self.size, self.dpi, self.flags = prop.get_size_in_points(), dpi, get_hinting_flag()
        self.font.clear()
        self.font.set_size(self.size, self.dpi)
        self._cache: dict[str, tuple] = {}
        # the line box matplotlib's layout gives a single line: at least the font's typographic ascent/descent
        os2 = self.font.get_sfnt_table("OS/2")
        scale = self.size * dpi / 72 / self.font.get_sfnt_table("head")["unitsPerEm"]
        if os2 is not None:
            self.ascent, self.descent = os2["sTypoAscender"] * scale, -os2["sTypoDescender"] * scale
        else:
            hhea = self.font.get_sfnt_table("hhea")
            self.ascent, self.descent = hhea["ascent"] * scale, -hhea["descent"] * scale

    def covers(self, text: str) -> bool:
        """Whether the font has every character (else the chart falls back to matplotlib's own drawing)."""
        return all(c.isspace() or self.font.get_char_index(ord(c)) for c in text)

    def get(self, s: str):
        """``(alpha, xmin, xmax, ascent, descent, advance)`` of ``s`` set from pen 0 on the baseline (px)."""
        hit = self._cache.get(s)
        if hit is None:
            font = self.font
            xys = font.set_text(s, 0.0, flags=self.flags)
            w, h = font.get_width_height()
            d = font.get_descent() / 64.0
            xo = font.get_bitmap_offset()[0] / 64.0
            font.draw_glyphs_to_bitmap(antialiased=True)
            alpha = np.asarray(font.get_image()).copy()
            last = font.load_char(ord(s[-1]), flags=self.flags).horiAdvance / 64.0
            advance = (float(xys[-1][0]) / 64.0 if len(xys) else 0.0) + last
            hit = (alpha, xo, xo + w / 64.0, h / 64.0 - d, d, advance)
            self._cache[s] = hit
        return hit

    def layout(self, whole: str, rest: str, gap: str = "  "):
        """The text ``whole + gap + rest`` (without the gap if ``whole`` is empty) as pieces: ``whole`` as
        one bitmap (its kerning intact), ``rest`` glyph by glyph.  Returns ``[(alpha, x_left, descent)]``
        (x from the pen origin, px), and the string's ink width, ascent and descent as matplotlib measures
        them."""
        pen, pieces = 0.0, []
        xmin, xmax, asc, desc = np.inf, -np.inf, 0.0, 0.0
        space = self.get(" ")[5]
        chunks = ([whole] if whole else []) + ([" "] * len(gap) if whole and rest else []) + list(rest)
        for chunk in chunks:
            if chunk.isspace():
                pen += space
                continue
            alpha, x0, x1, a, d, adv = self.get(chunk)
            xmin, xmax = min(xmin, pen + x0), max(xmax, pen + x1)
            asc, desc = max(asc, a), max(desc, d)
            pieces.append((alpha, pen + x0, d))
            pen += adv
        return pieces, (xmax - xmin if pieces else 0.0), asc, desc


class _Chart:
    """The explorer's chart as one figure kept for every update: the axes, the x axis and its label are
    drawn once (for a fixed axis end and number of cities) and restored; each update draws only the bars,
    the title and the legend with matplotlib, and blends the labels' cached glyph bitmaps
    (:class:`_Sprites`).  Object-oriented matplotlib (``Figure`` + ``FigureCanvasAgg``), never pyplot."""

    def __init__(self, table: pd.DataFrame, lang: str, cities, size, dpi: int, xmax: float):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.colors import to_rgb
        from matplotlib.figure import Figure

        self.lang, self.cities, self.n = lang, cities, len(table)
        fig = Figure(figsize=size, dpi=dpi)
        self.canvas = FigureCanvasAgg(fig)
        fig.subplots_adjust(**_margins(size))
        ax = fig.add_subplot()
        plot_weighted_ranking(table, weights=None, lang=lang, ax=ax, cities=cities, xmax=xmax)
        self.fig, self.ax, self.bars, self.legend = fig, ax, ax.collections[0], ax.get_legend()
        line = next(t for t in ax.texts if t.get_gid() == "vitality-weights-line")
        labels = [t for t in ax.texts if t is not line]
        first = labels[0] if labels else line
        self.colour = np.round(np.array(to_rgb(first.get_color())) * 255).astype(np.uint32)
        self.sprites = _Sprites(first.get_fontproperties(), dpi)
        self.line_sprites = _Sprites(line.get_fontproperties(), dpi)
        self.line_at = line.get_transform().transform(line.get_position())
        # every character the labels and the weights line can show is in the font (else: matplotlib draws)
        names = unit_labels(table.index, lang, cities)
        self.exact = (all(self.sprites.covers(str(c)) for c in names) and self.sprites.covers("0123456789()+−")
                      and self.line_sprites.covers(_weights_line(lang, STATED) + "0123456789."))
        for t in ax.texts[:]:
            t.remove()
        # the background: everything but the bars, the labels, the weights line, the legend and the axis line
        self.spine = ax.spines["left"] if ax.spines["left"].get_visible() else None
        dynamic = [self.bars] + [a for a in (self.legend, self.spine) if a is not None]
        for a in dynamic:
            a.set_visible(False)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)
        for a in dynamic:
            a.set_visible(True)
        # the legend's pixels over the background, pasted as they are while no bar reaches under the legend
        self.legend_px = self.legend_rows = None
        if self.legend is not None:
            box = self.legend.get_window_extent(self.canvas.get_renderer()).padded(3)
            H, W = self.canvas.get_width_height()[::-1]
            r0, r1 = max(0, int(np.floor(H - box.y1))), min(H, int(np.ceil(H - box.y0)))
            c0, c1 = max(0, int(np.floor(box.x0))), min(W, int(np.ceil(box.x1)))
            self.fig.draw_artist(self.legend)
            self.legend_px = (r0, r1, c0, c1, np.asarray(self.canvas.buffer_rgba())[r0:r1, c0:c1].copy())
            self.canvas.restore_region(self.background)
            (x0, y0), (_, y1) = ax.transData.inverted().transform([(box.x0, box.y0), (box.x1, box.y1)])
            rows = np.arange(self.n)
            # rows whose bar (half height 0.375) meets the legend's box, and where that box begins on the x axis
            self.legend_rows = (rows + 0.375 >= min(y0, y1)) & (rows - 0.375 <= max(y0, y1))
            self.legend_x0 = x0
        self.height = int(self.canvas.get_width_height()[1])
        # where the labels are anchored (right end, centre of row i), in pixels from the top-left
        self.anchor_x = float(ax.transAxes.transform((-0.01, 0))[0])
        rows = ax.transData.transform(np.column_stack([np.zeros(self.n), np.arange(self.n)]))[:, 1]
        self.row_y = self.height - rows
        self._mask = np.zeros((self.height, int(self.canvas.get_width_height()[0])), dtype=np.uint8)
        self._placed: dict = {}

    def draw(self, table: pd.DataFrame, weights) -> np.ndarray:
        """The chart for ``table`` as an RGB array (a view of the canvas: copy or encode before the next draw)."""
        score, colours, names, rests = _chart_rows(table, self.lang, self.cities)
        self.canvas.restore_region(self.background)
        self.bars.set_verts(_bar_verts(score))
        self.bars.set_facecolor(list(colours))
        self.fig.draw_artist(self.bars)
        if self.spine is not None:
            self.fig.draw_artist(self.spine)  # the axis line lies over the bars' ends, as in a full draw
        rgba = np.asarray(self.canvas.buffer_rgba())
        if self.legend is not None:
            if np.any(np.nan_to_num(score[self.legend_rows[:len(score)]]) >= self.legend_x0):
                self.fig.draw_artist(self.legend)   # a bar reaches under the legend: draw it over the bars
            else:
                r0, r1, c0, c1, px = self.legend_px
                rgba[r0:r1, c0:c1] = px
        self._blend_text(rgba, names, rests, _weights_line(self.lang, weights))
        return rgba[..., :3]

    def _place(self, sp: _Sprites, whole: str, rest: str, x: float, yc: float, ha: str) -> list:
        """Where the bitmaps of the text ``whole + "  " + rest`` go for an anchor at pixel (x, yc) (from the
        top left), as matplotlib's layout puts them: the pen starts one ink-box width left of the anchor
        (``ha="right"``) or half of it (``"center"``); the line box (at least the font's ascent and descent)
        is centred on ``yc``."""
        key = (id(sp), whole, rest, float(x), float(yc), ha)
        placed = self._placed.get(key)
        if placed is None:
            H, W = self._mask.shape
            pieces, width, asc, desc = sp.layout(whole, rest)
            a, d = max(asc, sp.ascent), max(desc, sp.descent)
            baseline = yc + (a - d) / 2
            pen0 = x - (width if ha == "right" else width / 2)
            placed = []
            for alpha, x0, dd in pieces:
                h, w = alpha.shape
                left, top = int(round(pen0 + x0)), int(round(baseline + dd)) + 1 - h
                t0, l0, t1, l1 = max(top, 0), max(left, 0), min(top + h, H), min(left + w, W)
                if t1 > t0 and l1 > l0:
                    placed.append((t0, t1, l0, l1, alpha[t0 - top:t1 - top, l0 - left:l1 - left]))
            if len(self._placed) > 20_000:
                self._placed.clear()
            self._placed[key] = placed
        return placed

    def _blend_text(self, rgba: np.ndarray, names, rests, line: str) -> None:
        """Blend the labels and the weights line, assembled from cached glyph bitmaps, in the text colour."""
        mask = self._mask
        mask[...] = 0
        items = [self._place(self.sprites, name, rest, self.anchor_x, yc, "right")
                 for yc, name, rest in zip(self.row_y, names, rests)]
        if line:
            items.append(self._place(self.line_sprites, "", line, self.line_at[0], self.height - self.line_at[1],
                                     "center"))
        for placed in items:
            for t0, t1, l0, l1, alpha in placed:
                np.maximum(mask[t0:t1, l0:l1], alpha, out=mask[t0:t1, l0:l1])
        ys, xs = np.nonzero(mask)                        # only the covered pixels (a few per cent)
        a = mask[ys, xs].astype(np.uint32)[:, None]
        dst = rgba[ys, xs, :3].astype(np.uint32)
        rgba[ys, xs, :3] = ((dst * (255 - a) + self.colour * a + 127) // 255).astype(np.uint8)


_CHARTS_MAX = 4


def _chart_for(table, lang, cities, size, dpi, xmax) -> _Chart:
    import matplotlib as mpl

    key = (lang, tuple(size), int(dpi), float(xmax), len(table), id(cities),
           tuple(mpl.rcParams["font.family"]), tuple(mpl.rcParams["font.sans-serif"]), str(mpl.rcParams["text.color"]))
    chart = _CHARTS.pop(key, None)
    if chart is None:
        chart = _Chart(table, lang, cities, size, dpi, xmax)
    _CHARTS[key] = chart  # most recently used last
    while len(_CHARTS) > _CHARTS_MAX:
        _CHARTS.pop(next(iter(_CHARTS)))
    return chart


def render_chart_png(table: pd.DataFrame, *, weights: Mapping[str, float] | None = None, lang: str = "zh",
                     cities: pd.DataFrame | None = None, size=CHART_SIZE, dpi: int = CHART_DPI,
                     xmax: float | None = None) -> bytes:
    """The chart of :func:`plot_weighted_ranking` as PNG bytes of a fixed pixel size (``size`` x ``dpi``).

    Object-oriented matplotlib only (``Figure`` + ``FigureCanvasAgg``): no pyplot, so no notebook backend
    sees, shows or closes the figure; safe to call from a worker thread.  The figure is kept between calls
    (one per language, size, axis end and font) and only what changes is redrawn (:class:`_Chart`); the
    same table and weights always give the same bytes.  ``xmax`` fixes the end of the score axis (the
    explorer passes :func:`chart_xmax`).
    """
    if xmax is None:
        score = table["score"].to_numpy(dtype=float)
        xmax = max(100.0, float(np.nanmax(score)) * 1.06) if len(score) else 100.0
    with _DRAW_LOCK:
        chart = _chart_for(table, lang, cities, size, dpi, xmax)
        rgb = chart.draw(table, weights) if chart.exact else _draw_plain(table, weights, lang, cities, size, dpi, xmax)
        return png_bytes(rgb, {"vitality-weights": weights_json(weights)})


def _draw_plain(table, weights, lang, cities, size, dpi, xmax) -> np.ndarray:
    """The same chart drawn afresh by matplotlib, every text included (the reference of :class:`_Chart`, and
    its fallback for a font without every character)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    fig.subplots_adjust(**_margins(size))
    plot_weighted_ranking(table, weights=weights, lang=lang, ax=fig.add_subplot(), cities=cities, xmax=xmax)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def _margins(size) -> dict:
    """Fixed margins (inches) instead of a layout engine: the same layout every time, and one draw."""
    w, h = size
    return dict(left=1.45 / w, right=1 - 0.15 / w, top=1 - 0.62 / h, bottom=0.5 / h)


def png_bytes(rgb: np.ndarray, text: Mapping[str, str] | None = None, *, level: int = 1) -> bytes:
    """An RGB array (height x width x 3, uint8) as PNG bytes, with ``text`` as tEXt chunks.

    Rows unfiltered and zlib at a fast level: for a flat chart this is several times quicker than
    PIL's adaptive filters, at a similar size; deterministic (same array, same bytes).
    """
    import struct
    import zlib

    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"png_bytes needs a height x width x 3 uint8 array, got {rgb.dtype} {rgb.shape}.")
    h, w, _ = rgb.shape
    raw = np.empty((h, 1 + 3 * w), dtype=np.uint8)
    raw[:, 0] = 0                                    # filter byte 0 (none) before each row
    raw[:, 1:].reshape(h, w, 3)[...] = rgb           # one copy, also from a strided view of an RGBA buffer

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    out = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))]
    for k, v in (text or {}).items():
        out.append(chunk(b"tEXt", k.encode("latin-1") + b"\0" + v.encode("latin-1")))
    out += [chunk(b"IDAT", zlib.compress(raw, level)), chunk(b"IEND", b"")]
    return b"".join(out)


def weights_json(weights) -> str:
    """The weights as shares, as JSON: stamped on the weights line, the table and the chart (tests read them)."""
    import json
    if weights is None or not sum(float(v) for v in dict(weights).values()) > 0:
        return json.dumps(None)
    return json.dumps({d: float(v) for d, v in normalised_weights(weights).items()})


def message_png(text: str, lang: str, size=CHART_SIZE, dpi: int = CHART_DPI) -> bytes:
    """A chart-sized PNG that carries only a message (shown when there is no ranking to draw)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _DRAW_LOCK:
        fig = Figure(figsize=size, dpi=dpi, facecolor="#f2f2f2")
        canvas = FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, f"⚠ {text}\n(0 · 0 · 0 · 0)", ha="center", va="center", fontsize=22, color=DOWN)
        canvas.draw()
        return png_bytes(np.asarray(canvas.buffer_rgba())[..., :3], {"vitality-weights": weights_json(None)})
