"""Live domain weights: re-rank the 46 cities for any four domain weights and compare with the report.

:func:`rank_with_weights` is the pure, headless core (a table; all scoring happens there);
:func:`plot_weighted_ranking` draws it; :func:`weight_explorer` wraps both in ipywidgets sliders when a
live notebook front end is there and otherwise (papermill, a script, ``VITALITY_HEADLESS=1``) shows the
table and chart for the starting weights once.  The aggregation is the engine's
(:func:`vitality.aggregate.aggregate`, weighted arithmetic mean) and the ranks are
:func:`vitality.ranking.rank_desc` (ties "min"), so the explorer at equal weights gives exactly what
:func:`vitality.index.build_index` gives for the domain scores.

The explorer starts from the suite's *nominal* model, **equal weight per indicator** (domain weights
5 : 3 : 5 : 4 over 17, of the named weightings the one closest to the published ranking, see ``01_rankings``); the weighting the
report's text states, four domains × 0.25, is one click away as a preset.  Every city's new rank is set
against the published rank and against the nominal model's rank.

How it draws (why it works in JupyterLab with any ipykernel): the chart is a
:class:`matplotlib.figure.Figure` rendered into PNG bytes of a fixed pixel size by
:mod:`vitality.siis.explorer_chart` (fast by construction: a kept figure redrawn in part), swapped into an
``ipywidgets.Image`` the explorer owns; the table is an ``ipywidgets.HTML`` of fixed height.  Nothing goes
through pyplot, ``display()`` or an ``Output`` widget after the cell has run, so nothing can land in
JupyterLab's Log Console and matplotlib-inline never flushes a half-drawn figure.  Redraws run on a worker
thread, latest weights first (a burst of moves draws once more, not once per move); the nominal ranks, the
city names and the axis end are computed once per explorer.  Before the widget the cell shows a static copy of the starting view (table, chart and a line
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
from .explorer_chart import (
    CHART_DPI,
    CHART_SIZE,
    DOWN,
    NAMED_WEIGHTINGS,
    STATED,
    UP,
    chart_xmax,
    check_lang,
    domain_labels,
    message_png,
    normalised_weights,
    plot_weighted_ranking,
    png_bytes,
    render_chart_png,
    shares_text,
    unit_labels,
    weights_json,
)

__all__ = ["DOMAINS", "Explorer", "rank_with_weights", "plot_weighted_ranking", "render_chart_png", "show_ranking",
           "chart_xmax", "png_bytes",
           "weight_explorer", "frontend_available", "normalised_weights", "shares_text", "PRESETS", "NOMINAL",
           "STATED", "EQUAL_PER_INDICATOR", "RUN_HINT"]

#: every indicator the same weight: 5/17, 3/17, 5/17, 4/17 (:data:`vitality.siis.model.EQUAL_PER_INDICATOR`)
EQUAL_PER_INDICATOR = NAMED_WEIGHTINGS[model.EQUAL_PER_INDICATOR]
#: named weightings offered as one-click presets, the nominal one first (keys: the model's weighting names)
PRESETS = {model.EQUAL_PER_INDICATOR: EQUAL_PER_INDICATOR, model.STATED: STATED}
#: the suite's nominal model: the explorer's start, its reset target and the "nominal" reference
NOMINAL = model.NOMINAL

#: the line the static view carries (both languages contain it)
RUN_HINT = "run the notebook to move the weights"



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


def _shift_text(s) -> str:
    if pd.isna(s) or int(s) == 0:
        return "–"
    return f"▲{int(s)}" if s > 0 else f"▼{abs(int(s))}"






def _table_html(table: pd.DataFrame, lang: str, cities=None, max_rows: int | None = None) -> str:
    """The ranking as an HTML table (every city; ``max_rows`` only limits the static copy).  Each cell
    carries its exact value in ``data-value`` and the table its weights in ``data-weights``."""
    T = check_lang(lang)
    t = table if max_rows is None else table.head(max_rows)
    names = unit_labels(t.index, lang, cities)
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
    weights = html.escape(weights_json(table.attrs.get("weights")), quote=True)
    return ("<style>.vitality-ranking th, .vitality-ranking td {padding: 1px 7px; line-height: 1.35;}"
            ".vitality-ranking tbody th {text-align: left;}</style>"
            f'<table class="vitality-ranking" data-weights="{weights}" style="border-collapse:collapse;'
            'font-size:12px;font-variant-numeric:tabular-nums;text-align:right">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _static_html(table, weights, lang, cities, max_rows, png: bytes, cls: str) -> str:
    T = check_lang(lang)
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
    T = check_lang(lang)
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

    labels = domain_labels(lang)
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
                png = message_png(T["no_ranking"], lang)
                state.table, state.weights = None, dict(w)
                with shares.hold_sync(), status.hold_sync(), table_view.hold_sync(), chart.hold_sync():
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
            # held and sent together, the chart first: the page never shows a new line and table over the
            # previous chart (in a burst it did, for a moment, before the new chart arrived)
            with shares.hold_sync(), status.hold_sync(), table_view.hold_sync(), chart.hold_sync():
                show_chart(png)
                table_view.value = body
                shares.value = (f"<span data-weights='{html.escape(weights_json(w))}' data-ms='{ms:.0f}'>"
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
