"""Live domain weights: re-rank the 46 cities for any four domain weights and compare with the report.

:func:`rank_with_weights` is the pure, headless core (a table; all scoring happens there);
:func:`plot_weighted_ranking` draws it; :func:`weight_explorer` wraps both in ipywidgets sliders when a
live notebook front end is there and otherwise (papermill, a script, ``VITALITY_HEADLESS=1``) shows the
table and chart for the starting weights once.  The aggregation is the engine's
(:func:`vitality.aggregate.aggregate`, weighted arithmetic mean) and the ranks are
:func:`vitality.ranking.rank_desc` (ties "min"), so the explorer at equal weights gives exactly what
:func:`vitality.index.build_index` gives for the domain scores.

The explorer starts from the suite's *nominal* model, **equal weight per indicator** (domain weights
5 : 3 : 5 : 4 over 17, the weighting the report actually used, see ``01_rankings``); the weighting the
report's text states, four domains × 0.25, is one click away as a preset.  Every city's new rank is set
against the published rank and against the nominal model's rank.

How it draws (why it works in JupyterLab with any ipykernel): the chart is a
:class:`matplotlib.figure.Figure` rendered by ``FigureCanvasAgg`` into PNG bytes of a fixed pixel size,
swapped into an ``ipywidgets.Image`` the explorer owns; the table is an ``ipywidgets.HTML`` of fixed
height.  Nothing goes through pyplot, ``display()`` or an ``Output`` widget after the cell has run, so
nothing can land in JupyterLab's Log Console and matplotlib-inline never flushes a half-drawn figure.
Redraws run on a worker thread, latest weights first (a burst of moves draws once more, not once per
move).  An update is fast by construction: the figure is kept (one per language, size and axis end; the
explorer fixes the axis at :func:`chart_xmax`), its static parts are restored from a saved background,
only the bars, the axis line and the legend are drawn by matplotlib, the 46 labels and the weights line
are blended from glyph bitmaps rendered once (loading and hinting glyphs is what made drawing slow), and
the PNG is written unfiltered with a fast zlib level (:func:`png_bytes`); the nominal ranks, the city
names and the axis end are computed once per explorer.  Before the widget the cell shows a static copy of the starting view (table, chart and a line
saying to run the notebook); the live widget hides it, and a reader of the saved notebook without a
kernel sees it instead of "model not found".

Typical notebook use::

    explorer.weight_explorer(domain_scores, published["overall"], presets=schemes, lang=lang)
"""

from __future__ import annotations

import base64
import html
import os
import threading
import time
import uuid
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import ConfigError
from . import model
from .data import DOMAINS, load_cities
from .labels import city_labels, domain_name

__all__ = ["DOMAINS", "Explorer", "rank_with_weights", "plot_weighted_ranking", "render_chart_png", "show_ranking",
           "chart_xmax", "png_bytes",
           "weight_explorer", "frontend_available", "normalised_weights", "shares_text", "PRESETS", "NOMINAL",
           "STATED", "EQUAL_PER_INDICATOR", "RUN_HINT"]

_NAMED = model.weightings()
#: the weighting the report's text states: four domains x 0.25 (:data:`vitality.siis.model.STATED`)
STATED = _NAMED[model.STATED]
#: every indicator the same weight: 5/17, 3/17, 5/17, 4/17 (:data:`vitality.siis.model.EQUAL_PER_INDICATOR`)
EQUAL_PER_INDICATOR = _NAMED[model.EQUAL_PER_INDICATOR]
#: named weightings offered as one-click presets, the nominal one first (keys: the model's weighting names)
PRESETS = {model.EQUAL_PER_INDICATOR: EQUAL_PER_INDICATOR, model.STATED: STATED}
#: the suite's nominal model: the explorer's start, its reset target and the "nominal" reference
NOMINAL = model.NOMINAL

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
#: the line the static view carries (both languages contain it)
RUN_HINT = "run the notebook to move the weights"

#: Okabe-Ito colours (colour-blind safe): blue = up, vermilion = down, grey = unchanged
UP, DOWN, SAME = "#0072B2", "#D55E00", "#BBBBBB"
#: the explorer's chart: a fixed pixel size (figure inches x dpi), so a new image replaces the old in place
CHART_SIZE = (7.5, 9.9)
CHART_DPI = 100

_DRAW_LOCK = threading.Lock()  # matplotlib is not thread-safe: one figure drawn at a time


def normalised_weights(weights: Mapping[str, float], domains=DOMAINS) -> pd.Series:
    """The weights as shares summing to 1, keyed by domain (checked by the engine: :func:`model.domain_weights`)."""
    return pd.Series(model.domain_weights(weights), dtype=float).reindex(list(domains))


def rank_with_weights(domain_scores: pd.DataFrame, weights: Mapping[str, float],
                      published_ranks: pd.Series | None = None, *, ties: str = "min",
                      nominal: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Overall score and rank of every city for the given domain weights, beside the published rank.

    Parameters
    ----------
    domain_scores : pandas.DataFrame
        Cities x domains (``vitality.io.load_domain_scores()``).
    weights : dict
        ``{domain: weight}`` for every column of ``domain_scores``; relative (only ratios matter).
    published_ranks : pandas.Series, optional
        Published overall rank by city (``vitality.io.load_rankings()["overall"]``).
    ties : str
        Tie policy of the ranks (default "min", as the report).
    nominal : dict, optional
        Weights of a reference model (the explorer passes the nominal "equal per indicator"); adds
        ``nominal_rank`` and ``nominal_shift`` = nominal rank - new rank.

    Returns
    -------
    pandas.DataFrame
        Indexed by city, sorted by rank (then published rank): ``score`` (weighted arithmetic mean of
        the domain scores), ``rank`` (1 = best), and with ``published_ranks``: ``published_rank`` and
        ``shift`` = published rank - new rank (positive = the city moves up); with ``nominal``:
        ``nominal_rank`` and ``nominal_shift``.
    """
    if not isinstance(domain_scores, pd.DataFrame):
        raise ConfigError(f"domain_scores must be a DataFrame (cities x domains), got {type(domain_scores).__name__}.")

    nominal_rank = None if nominal is None else model.score(domain_scores, nominal, ties=ties)["rank"].to_numpy()
    return _rank_table(domain_scores, weights, published_ranks, ties, nominal_rank)


def _rank_table(domain_scores, weights, published_ranks, ties, nominal_rank) -> pd.DataFrame:
    """:func:`rank_with_weights` with the nominal model's ranks already computed (the explorer computes
    them once; they do not change between moves)."""
    scored = model.score(domain_scores, weights, ties=ties)  # the suite's one scoring route
    score, rank = scored["score"].to_numpy(dtype=float), scored["rank"].to_numpy()
    out = pd.DataFrame({"score": score, "rank": rank}, index=domain_scores.index)
    order_keys = ["rank"]
    if published_ranks is not None:
        pub = pd.Series(published_ranks)
        missing = [c for c in out.index if c not in pub.index]
        if missing:
            raise ConfigError(f"no published rank for {missing[:5]}{' ...' if len(missing) > 5 else ''}.")
        out["published_rank"] = pd.array(pub.reindex(out.index).to_numpy(), dtype="Int64")
        out["shift"] = (out["published_rank"] - out["rank"]).astype("Int64")
        order_keys.append("published_rank")
    if nominal_rank is not None:
        out["nominal_rank"] = pd.array(nominal_rank, dtype="Int64")
        out["nominal_shift"] = (out["nominal_rank"] - out["rank"]).astype("Int64")
    out["_pos"] = np.arange(len(out))
    out = out.sort_values(order_keys + ["_pos"], kind="stable").drop(columns="_pos")
    out.index.name = domain_scores.index.name or "city"
    out.attrs["weights"] = {c: float(v) for c, v in dict(weights).items()}
    return out


def _labels(index, lang: str, cities: pd.DataFrame | None):

    if lang != "zh" and cities is None:
        cities = load_cities()
    return city_labels(index, cities, lang)


def _domain_label(lang: str) -> dict:

    return {d: domain_name(d, lang, short=True) for d in DOMAINS}


def _check_lang(lang: str) -> dict:
    if lang not in _TEXT:
        raise ConfigError(f"lang must be 'zh' or 'en', got {lang!r}.")
    return _TEXT[lang]


def shares_text(weights: Mapping[str, float], lang: str = "zh") -> str:
    """``社会 29.4% · 文化 17.6% · 经贸 29.4% · 政治 23.5%``: the weights as shares (the explorer's weights line)."""
    labels = _domain_label(lang)
    w = normalised_weights(weights)
    return " · ".join(f"{labels[d]} {_pct(w[d])}" for d in DOMAINS)


def _pct(x: float) -> str:
    s = f"{100 * x:.1f}".rstrip("0").rstrip(".")
    return f"{s}%"


def _shift_text(s) -> str:
    if pd.isna(s) or int(s) == 0:
        return "–"
    return f"▲{int(s)}" if s > 0 else f"▼{abs(int(s))}"


def _chart_rows(table: pd.DataFrame, lang: str, cities: pd.DataFrame | None):
    """What each bar of the chart shows: scores, colours, and each label as (city name, the rest), the label
    reading ``city  new rank (published rank)  +n``.  The one definition of the chart's content."""
    n = len(table)
    score = table["score"].to_numpy(dtype=float)
    shift = table["shift"].fillna(0).to_numpy(dtype=float) if "shift" in table else np.zeros(n)
    colours = np.where(shift > 0, UP, np.where(shift < 0, DOWN, SAME))
    names = _labels(table.index, lang, cities)
    pub = table["published_rank"] if "published_rank" in table else [pd.NA] * n
    rests = [f"{int(r)} ({int(p)})" if pd.notna(p) else f"{int(r)}" for r, p in zip(table["rank"], pub)]
    # the shift against the report is in the label too, so the chart reads without colour
    rests = [f"{rest}  {'+' if d > 0 else '−'}{abs(int(d))}" if d else rest for rest, d in zip(rests, shift)]
    return score, colours, [str(c) for c in names], rests


def _weights_line(lang: str, weights) -> str:
    """The chart's second title line: ``权重: 社会 29.4% · …`` (empty without weights)."""
    T = _check_lang(lang)
    return "" if weights is None else T["weights"] + ": " + shares_text(weights, lang)


#: the weights line under the chart's title: font size and height of its centre above the axes (points)
WEIGHTS_LINE_SIZE, WEIGHTS_LINE_AT = 9.0, 7.0


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

    T = _check_lang(lang)
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
        names = _labels(table.index, lang, cities)
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


_CHARTS: dict = {}  # a few kept figures, by what fixes their static parts
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
        return png_bytes(rgb, {"vitality-weights": _weights_json(weights)})


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


def _weights_json(weights) -> str:
    """The weights as shares, as JSON: stamped on the weights line, the table and the chart (tests read them)."""
    import json
    if weights is None or not sum(float(v) for v in dict(weights).values()) > 0:
        return json.dumps(None)
    return json.dumps({d: float(v) for d, v in normalised_weights(weights).items()})


def _message_png(text: str, lang: str, size=CHART_SIZE, dpi: int = CHART_DPI) -> bytes:
    """A chart-sized PNG that carries only a message (shown when there is no ranking to draw)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _DRAW_LOCK:
        fig = Figure(figsize=size, dpi=dpi, facecolor="#f2f2f2")
        canvas = FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, f"⚠ {text}\n(0 · 0 · 0 · 0)", ha="center", va="center", fontsize=22, color=DOWN)
        canvas.draw()
        return png_bytes(np.asarray(canvas.buffer_rgba())[..., :3], {"vitality-weights": _weights_json(None)})


def _table_html(table: pd.DataFrame, lang: str, cities=None, max_rows: int | None = None) -> str:
    """The ranking as an HTML table (every city; ``max_rows`` only limits the static copy).  Each cell
    carries its exact value in ``data-value`` and the table its weights in ``data-weights``."""
    T = _check_lang(lang)
    t = table if max_rows is None else table.head(max_rows)
    names = _labels(t.index, lang, cities)
    cols = [c for c in ("score", "rank", "published_rank", "shift", "nominal_rank", "nominal_shift") if c in t]
    head = "".join(f"<th>{html.escape(T[c])}</th>" for c in ["city"] + cols)
    def cells(c):
        vals = t[c].tolist()
        if c == "score":
            return [f'<td data-col="score" data-value="{float(v)!r}">{float(v):.2f}</td>' for v in vals]
        if c.endswith("shift"):
            return [f'<td data-col="{c}" data-value="{"" if pd.isna(v) else int(v)}" style="color:'
                    f'{UP if pd.notna(v) and v > 0 else DOWN if pd.notna(v) and v < 0 else "inherit"}">'
                    f"{_shift_text(v)}</td>" for v in vals]
        return [f'<td data-col="{c}" data-value="{"" if pd.isna(v) else int(v)}">{"" if pd.isna(v) else int(v)}</td>'
                for v in vals]

    columns = [cells(c) for c in cols]
    rows = [f'<tr data-city="{html.escape(str(city))}"><th>{html.escape(str(name))}</th>{"".join(row)}</tr>'
            for city, name, *row in zip(t.index, names, *columns)]
    weights = html.escape(_weights_json(table.attrs.get("weights")), quote=True)
    return ("<style>.vitality-ranking th, .vitality-ranking td {padding: 1px 7px; line-height: 1.35;}"
            ".vitality-ranking tbody th {text-align: left;}</style>"
            f'<table class="vitality-ranking" data-weights="{weights}" style="border-collapse:collapse;'
            'font-size:12px;font-variant-numeric:tabular-nums;text-align:right">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _static_html(table, weights, lang, cities, max_rows, png: bytes, cls: str) -> str:
    T = _check_lang(lang)
    line = html.escape(T["static"].format(w=shares_text(weights, lang)))
    img = base64.b64encode(png).decode("ascii")
    return (f'<div class="vitality-static {cls}"><p class="vitality-run-hint"><em>{line}</em></p>'
            f"{_table_html(table, lang, cities, max_rows)}"
            f'<img class="vitality-static-chart" alt="{html.escape(T["title"])}" '
            f'src="data:image/png;base64,{img}"/></div>')


def show_ranking(table: pd.DataFrame, *, weights: Mapping[str, float] | None = None, lang: str = "zh",
                 cities: pd.DataFrame | None = None, max_rows: int | None = None, cls: str = "",
                 png: bytes | None = None):
    """Display the table, the chart and the "run the notebook to move the weights" line once, as one
    HTML output (kept by papermill and in a saved notebook).  Returns the chart's PNG bytes."""
    from IPython.display import HTML, display

    weights = weights if weights is not None else table.attrs.get("weights", PRESETS[NOMINAL])
    if png is None:
        png = render_chart_png(table, weights=weights, lang=lang, cities=cities)
    display(HTML(_static_html(table, weights, lang, cities, max_rows, png, cls)))
    return png


#: environment variables set for kernels started by a live front end (Jupyter server: JupyterLab, Notebook 7;
#: VS Code; Google Colab)
FRONTEND_ENV = ("JPY_SESSION_NAME", "VSCODE_PID", "COLAB_RELEASE_TAG")
#: words in the command line of a kernel's parent process that mean a batch run
BATCH_PARENTS = ("papermill", "nbclient", "nbconvert", "vitality reproduce", "pytest")


def _parent_cmdline() -> str:
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def frontend_available() -> bool:
    """Best guess whether a live notebook front end will draw widgets.

    False when ``VITALITY_HEADLESS`` is set (``1``/``true``/``yes``), without ipywidgets, outside an
    IPython kernel, or when the kernel was started by a batch runner (papermill, nbclient,
    nbconvert, ``python -m vitality reproduce``, pytest); True when the kernel was started by a
    Jupyter server (JupyterLab, Notebook 7), VS Code or Colab.  Otherwise False: pass
    ``interactive=True`` to :func:`weight_explorer` to force the sliders.
    """
    if os.environ.get("VITALITY_HEADLESS", "").strip().lower() in ("1", "true", "yes"):
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    if ip is None or getattr(ip, "kernel", None) is None:
        return False
    parent = _parent_cmdline()
    if any(word in parent for word in BATCH_PARENTS):
        return False
    return any(os.environ.get(k) for k in FRONTEND_ENV)


class _LatestWins:
    """Run ``fn(item)`` on a worker thread for the newest item requested; items requested while it runs
    replace each other, so a burst of moves costs one extra draw.  The thread exits when idle."""

    def __init__(self, fn, background: bool = True):
        self._fn, self._background = fn, background
        self._cv = threading.Condition()
        self._pending, self._running = None, False

    def request(self, item):
        if not self._background:
            self._fn(item)
            return
        with self._cv:
            self._pending = item
            if not self._running:
                self._running = True
                threading.Thread(target=self._loop, name="vitality-explorer", daemon=True).start()

    def _loop(self):
        while True:
            with self._cv:
                item, self._pending = self._pending, None
                if item is None:
                    self._running = False
                    self._cv.notify_all()
                    return
            self._fn(item)

    def wait(self, timeout: float | None = 10.0) -> bool:
        """Block until every requested item is drawn; True if idle within ``timeout`` seconds."""
        with self._cv:
            return self._cv.wait_for(lambda: not self._running and self._pending is None, timeout)


class Explorer:
    """What :func:`weight_explorer` showed: ``table`` (the ranking for the current weights; ``None`` while
    every weight is 0), ``weights``,
    and ``widget`` (the ipywidgets box, ``None`` when headless); interactive ones also have ``sliders``
    (by domain), ``presets`` (buttons by name), ``reset``, ``shares`` (the weights line), ``status``,
    ``table_view``, ``chart`` (the Image) and ``timings`` (seconds per redraw).  It has already been
    displayed, so a notebook cell ending with the call shows nothing twice."""

    def __init__(self, table: pd.DataFrame, weights: dict, widget=None):
        self.table, self.weights, self.widget = table, weights, widget
        self.timings: list[float] = []
        self._worker: _LatestWins | None = None

    def wait(self, timeout: float | None = 10.0) -> bool:
        """Wait for pending redraws (interactive explorers redraw on a worker thread)."""
        return True if self._worker is None else self._worker.wait(timeout)

    def _ipython_display_(self):  # already displayed by weight_explorer
        return None

    def __repr__(self) -> str:
        mode = "interactive" if self.widget is not None else "headless"
        return f"Explorer({mode}, weights={self.weights})"


def _resolve_presets(presets, lang):
    presets = dict(PRESETS if presets is None else presets)
    out = {}
    for name, w in presets.items():
        normalised_weights(w)  # check every preset early
        out[str(name)] = {d: float(w[d]) for d in DOMAINS}
    return out


def weight_explorer(domain_scores: pd.DataFrame, published_ranks: pd.Series | None = None, *,
                    weights: Mapping[str, float] | None = None, lang: str = "zh", interactive: bool | None = None,
                    cities: pd.DataFrame | None = None, max_rows: int | None = None, step: float = 0.01,
                    presets: Mapping[str, Mapping[str, float]] | None = None, nominal: str = NOMINAL,
                    ties: str = "min", fallback: bool = True, background: bool = True):
    """Sliders for the four domain weights that re-rank the cities live (table + chart + weights line).

    Parameters
    ----------
    domain_scores, published_ranks
        As :func:`rank_with_weights`.
    weights : dict, optional
        Starting weights (default: the nominal preset, equal weight per indicator).
    lang : {"zh", "en"}
    interactive : bool, optional
        ``None`` = :func:`frontend_available`.  ``False`` shows the table and chart once for the
        starting weights (the headless path used under papermill).
    max_rows : int, optional
        Rows visible in the table without scrolling (all 46 are in it) and rows of the static copy.
    step : float
        Slider step (the weights are relative: 0..1 each, only ratios matter).
    presets : dict, optional
        ``{name: weights}`` offered as buttons (default :data:`PRESETS`: "equal per indicator" and
        "stated (4 × 0.25)"; ``rankings.report_schemes`` gives the same plus "your weights").
    nominal : str
        The preset that is the nominal model: start (unless ``weights``), reset target and the
        reference of the "vs nominal" column.
    fallback : bool
        Interactive only: show a static copy of the starting view before the widget, hidden while the
        widget is alive, for readers of the saved notebook without a kernel.
    background : bool
        Redraw on a worker thread, newest weights first (default); ``False`` redraws synchronously.

    Returns
    -------
    Explorer
        ``.table`` (the ranking for the current weights, updated as the sliders move), ``.weights``,
        ``.widget`` (``None`` headless).  Everything is displayed by the call itself.
    """
    T = _check_lang(lang)
    presets = _resolve_presets(presets, lang)
    if nominal not in presets:
        raise ConfigError(f"nominal={nominal!r} is not one of the presets {list(presets)}.")
    ref = presets[nominal]
    weights = dict(weights) if weights is not None else dict(ref)
    cols = [str(c) for c in domain_scores.columns]
    normalised_weights(weights, cols)  # check once, early

    if lang != "zh" and cities is None:
        cities = load_cities()  # once, not on every move
    nominal_rank = model.score(domain_scores, ref, ties=ties)["rank"].to_numpy()
    xmax = chart_xmax(domain_scores)  # a fixed axis: the bars of successive moves compare

    def compute(w):
        return _rank_table(domain_scores, w, published_ranks, ties, nominal_rank)

    def chart_png(t, w):
        return render_chart_png(t, weights=w, lang=lang, cities=cities, xmax=xmax)

    if interactive is None:
        interactive = frontend_available()
    table = compute(weights)
    if not interactive:
        show_ranking(table, weights=weights, lang=lang, cities=cities, max_rows=max_rows, png=chart_png(table, weights))
        return Explorer(table, dict(weights))

    import ipywidgets as widgets
    from IPython.display import display

    labels = _domain_label(lang)
    state = Explorer(table, dict(weights))
    sliders = {d: widgets.FloatSlider(value=float(weights[d]), min=0.0, max=1.0, step=step, description=labels[d],
                                      continuous_update=False, readout_format=".2f",
                                      layout=widgets.Layout(width="330px"),
                                      style={"description_width": "48px"}) for d in DOMAINS}
    for d, s in sliders.items():
        s.add_class(f"vitality-slider-{d}")
    buttons = {}
    for name in presets:
        b = widgets.Button(description=T["presets"].get(name, name), tooltip=shares_text(presets[name], lang),
                           layout=widgets.Layout(width="auto"))
        b.add_class("vitality-preset")
        buttons[name] = b
    reset = widgets.Button(description=T["reset"], button_style="", layout=widgets.Layout(width="auto"))
    reset.add_class("vitality-reset")
    shares = widgets.HTML(layout=widgets.Layout(height="24px"))
    shares.add_class("vitality-weights")
    status = widgets.HTML(layout=widgets.Layout(height="24px"))
    status.add_class("vitality-status")
    rows = max_rows or 12
    table_view = widgets.HTML(layout=widgets.Layout(height=f"{24 * rows + 30}px", overflow="auto",
                                                    width="100%", max_width="760px"))
    table_view.add_class("vitality-table")
    width, height = int(CHART_SIZE[0] * CHART_DPI), int(CHART_SIZE[1] * CHART_DPI)
    size = dict(width=f"{width}px", height=f"{height}px", min_width=f"{width}px", min_height=f"{height}px")
    # two images in one grid cell: the front one gets each new chart; the one behind it gets the same chart a
    # moment later, so while the browser decodes a new front image the previous chart shows through (no
    # frame without a picture)
    chart = widgets.Image(format="png", layout=widgets.Layout(grid_area="chart", margin="0", **size))
    chart.add_class("vitality-chart")
    backdrop = widgets.Image(format="png", layout=widgets.Layout(grid_area="chart", margin="0", **size))
    backdrop.add_class("vitality-chart-backdrop")
    chart_box = widgets.GridBox([backdrop, chart], layout=widgets.Layout(
        grid_template_areas='"chart"', grid_template_columns=f"{width}px", grid_template_rows=f"{height}px",
        overflow="hidden", **size))
    timer = {"t": None}

    def show_chart(png):
        chart.value = png
        if timer["t"] is not None:
            timer["t"].cancel()
        if not background:
            backdrop.value = png
            return
        timer["t"] = threading.Timer(0.3, lambda: setattr(backdrop, "value", png))
        timer["t"].daemon = True
        timer["t"].start()
    cls = f"vitality-fallback-{uuid.uuid4().hex[:12]}"
    hide = widgets.HTML(f"<style>.jp-OutputArea-child:has(.{cls}), .{cls} {{display: none !important;}}</style>"
                        if fallback else "")

    def draw(w):
        t0 = time.perf_counter()
        try:
            if not sum(w.values()) > 0:  # no ranking: the line, the table and the chart all say so
                msg = html.escape(T["all_zero"])
                png = _message_png(T["no_ranking"], lang)
                state.table, state.weights = None, dict(w)
                with chart.hold_sync(), table_view.hold_sync():
                    show_chart(png)
                    table_view.value = f'<p class="vitality-no-ranking" style="color:{DOWN}">{msg}</p>'
                    shares.value = (f"<span data-weights='null'><b>{T['weights']}</b>: "
                                    + " · ".join(f"{labels[d]} 0" for d in DOMAINS) + f" — {T['no_ranking']}</span>")
                    status.value = f'<span style="color:{DOWN}">⚠ {msg}</span>'
                return
            t = compute(w)
            png = chart_png(t, w)
            body = _table_html(t, lang, cities)
            only = [d for d in DOMAINS if w[d] > 0]
            note = html.escape(T["one_domain"].format(d=labels[only[0]])) if len(only) == 1 else ""
            state.table, state.weights = t, dict(w)
            ms = 1000 * (time.perf_counter() - t0)  # the kernel's share of the update, in the page for tests
            with chart.hold_sync(), table_view.hold_sync():
                show_chart(png)
                table_view.value = body
                shares.value = (f"<span data-weights='{html.escape(_weights_json(w))}' data-ms='{ms:.0f}'>"
                                f"<b>{T['weights']}</b>: "
                                + html.escape(shares_text(w, lang)) + "</span>")
                status.value = note
        except Exception as exc:  # shown in the widget, never printed (that would go to the Log Console)
            status.value = f'<span style="color:{DOWN}">{html.escape(T["error"] + str(exc))}</span>'
        finally:
            state.timings.append(time.perf_counter() - t0)

    worker = _LatestWins(draw, background=background)
    state._worker = worker
    muted = {"on": False}

    def current():
        return {d: float(s.value) for d, s in sliders.items()}

    def on_change(_change):
        if not muted["on"]:
            worker.request(current())

    def apply(w):
        muted["on"] = True
        try:
            for d, s in sliders.items():
                s.value = float(w[d])
        finally:
            muted["on"] = False
        worker.request(current())

    for s in sliders.values():
        s.observe(on_change, names="value")
    for name, b in buttons.items():
        b.on_click(lambda _b, w=presets[name]: apply(w))
    reset.on_click(lambda _b: apply(ref))

    # first view synchronously, so the widget never shows an empty image
    draw(dict(weights))
    box = widgets.VBox([hide, widgets.HBox([sliders[DOMAINS[0]], sliders[DOMAINS[1]]]),
                        widgets.HBox([sliders[DOMAINS[2]], sliders[DOMAINS[3]]]),
                        widgets.HBox(list(buttons.values()) + [reset]), shares, status, table_view, chart_box])
    box.add_class("vitality-explorer")
    state.widget, state.sliders, state.presets, state.reset = box, sliders, buttons, reset
    state.shares, state.status, state.table_view, state.chart = shares, status, table_view, chart
    if fallback:
        show_ranking(state.table, weights=weights, lang=lang, cities=cities, max_rows=max_rows, cls=cls,
                     png=chart.value)
    display(box)
    return state
