"""Live domain weights: re-rank the 46 cities for any four domain weights and compare with the report.

:func:`rank_with_weights` is the pure, headless core (a table); :func:`plot_weighted_ranking` draws it;
:func:`weight_explorer` wraps both in ipywidgets sliders when a live notebook front end is there and
otherwise (papermill, a script, ``VITALITY_HEADLESS=1``) shows the table and chart for the given
weights once.  The aggregation is the engine's (:func:`vitality.aggregate.aggregate`, weighted
arithmetic mean) and the ranks are :func:`vitality.ranking.rank_desc` (ties "min"), so the explorer
at equal weights gives exactly what :func:`vitality.index.build_index` gives for the domain scores.

Typical notebook use::

    table = explorer.rank_with_weights(domain_scores, weights, published["overall"])
    explorer.show_ranking(table, lang=lang)               # static: kept in the executed notebook
    explorer.weight_explorer(domain_scores, published["overall"], weights=weights, lang=lang)
"""

from __future__ import annotations

import os
from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..errors import ConfigError
from .data import DOMAINS, load_cities
from .labels import city_labels, domain_name
from .model import domain_weights
from .model import score as model_score

__all__ = ["DOMAINS", "Explorer", "rank_with_weights", "plot_weighted_ranking", "show_ranking", "weight_explorer",
           "frontend_available", "normalised_weights"]

_TEXT = {
    "zh": {"score": "加权得分", "rank": "排名", "published_rank": "报告排名", "shift": "变动",
           "title": "按所选权重的总排名（与报告排名比较）", "up": "上升", "down": "下降", "same": "不变",
           "weights": "权重"},
    "en": {"score": "weighted score", "rank": "rank", "published_rank": "published rank", "shift": "shift",
           "title": "Overall ranking with the chosen weights (vs the published rank)", "up": "up", "down": "down",
           "same": "unchanged", "weights": "weights"},
}


def normalised_weights(weights: Mapping[str, float], domains=DOMAINS) -> pd.Series:
    """The weights as shares summing to 1, keyed by domain (checked by the engine: :func:`model.domain_weights`)."""
    return pd.Series(domain_weights(weights), dtype=float).reindex(list(domains))


def rank_with_weights(domain_scores: pd.DataFrame, weights: Mapping[str, float],
                      published_ranks: pd.Series | None = None, *, ties: str = "min") -> pd.DataFrame:
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

    Returns
    -------
    pandas.DataFrame
        Indexed by city, sorted by rank (then published rank): ``score`` (weighted arithmetic mean of
        the domain scores), ``rank`` (1 = best), and with ``published_ranks``: ``published_rank`` and
        ``shift`` = published rank - new rank (positive = the city moves up).
    """
    if not isinstance(domain_scores, pd.DataFrame):
        raise ConfigError(f"domain_scores must be a DataFrame (cities x domains), got {type(domain_scores).__name__}.")
    scored = model_score(domain_scores, weights, ties=ties)
    out = pd.DataFrame({"score": scored["score"].to_numpy(dtype=float)}, index=domain_scores.index)
    out["rank"] = scored["rank"].to_numpy()
    order_keys = ["rank"]
    if published_ranks is not None:
        pub = pd.Series(published_ranks)
        missing = [c for c in out.index if c not in pub.index]
        if missing:
            raise ConfigError(f"no published rank for {missing[:5]}{' ...' if len(missing) > 5 else ''}.")
        out["published_rank"] = pd.array(pub.reindex(out.index).to_numpy(), dtype="Int64")
        out["shift"] = (out["published_rank"] - out["rank"]).astype("Int64")
        order_keys.append("published_rank")
    out["_pos"] = np.arange(len(out))
    out = out.sort_values(order_keys + ["_pos"], kind="stable").drop(columns="_pos")
    out.index.name = domain_scores.index.name or "city"
    return out


def _labels(index, lang: str, cities: pd.DataFrame | None):

    if lang != "zh" and cities is None:
        cities = load_cities()
    return city_labels(index, cities, lang)


def _domain_label(lang: str) -> dict:

    return {d: domain_name(d, lang, short=True) for d in DOMAINS}


def plot_weighted_ranking(table: pd.DataFrame, *, weights: Mapping[str, float] | None = None, lang: str = "zh",
                          ax=None, cities: pd.DataFrame | None = None, title: str | None = None):
    """Horizontal bars of the weighted score in rank order, coloured by the shift against the report.

    Each label reads ``city  new rank (published rank)``; green = moved up, red = moved down,
    grey = unchanged.  Returns the Axes; never saves.
    """
    from matplotlib.patches import Patch

    if lang not in _TEXT:
        raise ConfigError(f"lang must be 'zh' or 'en', got {lang!r}.")
    T = _TEXT[lang]
    n = len(table)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, max(3.0, 0.19 * n + 1.2)))
    y = np.arange(n)
    shift = table["shift"].fillna(0).to_numpy(dtype=float) if "shift" in table else np.zeros(n)
    colours = np.where(shift > 0, "#0072B2", np.where(shift < 0, "#D55E00", "#9e9e9e"))
    ax.barh(y, table["score"].to_numpy(dtype=float), color=colours, height=0.75)
    names = _labels(table.index, lang, cities)
    if "published_rank" in table:
        labels = [f"{c}  {int(r)} ({int(p)})" if pd.notna(p) else f"{c}  {int(r)}"
                  for c, r, p in zip(names, table["rank"], table["published_rank"])]
    else:
        labels = [f"{c}  {int(r)}" for c, r in zip(names, table["rank"])]
    ax.set_yticks(y, labels, fontsize=7.5)
    ax.invert_yaxis()
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel(T["score"])
    ax.grid(axis="y", visible=False)
    for yi, s, v in zip(y, shift, table["score"].to_numpy(dtype=float)):
        if s:
            ax.text(v + 0.5, yi, f"{'+' if s > 0 else '−'}{abs(int(s))}", va="center", fontsize=6.5,
                    color="#0072B2" if s > 0 else "#D55E00")
    if title is None:
        title = T["title"]
        if weights is not None:
            w = normalised_weights(weights)
            title += "\n" + T["weights"] + ": " + ", ".join(f"{_domain_label(lang)[d]} {w[d]:.2f}" for d in DOMAINS)
    ax.set_title(title, fontsize=10)
    if "published_rank" in table:
        ax.legend(handles=[Patch(color="#0072B2", label=T["up"]), Patch(color="#D55E00", label=T["down"]),
                           Patch(color="#9e9e9e", label=T["same"])], loc="lower right", fontsize=8, frameon=False)
    return ax


def _display_table(table: pd.DataFrame, lang: str, cities=None, max_rows: int | None = None):
    from IPython.display import display
    T = _TEXT[lang]
    t = table.copy()
    t.index = _labels(t.index, lang, cities)
    t = t.rename(columns={k: T[k] for k in ("score", "rank", "published_rank", "shift") if k in t})
    if max_rows is not None:
        t = t.head(max_rows)
    display(t.style.format({T["score"]: "{:.2f}"}) if hasattr(t, "style") else t)


def show_ranking(table: pd.DataFrame, *, weights: Mapping[str, float] | None = None, lang: str = "zh",
                 cities: pd.DataFrame | None = None, max_rows: int | None = None):
    """Display the table and the chart once (static output, kept by papermill). Returns the figure."""
    from IPython.display import display
    _display_table(table, lang, cities, max_rows)
    ax = plot_weighted_ranking(table, weights=weights, lang=lang, cities=cities)
    fig = ax.figure
    display(fig)
    plt.close(fig)
    return fig


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


class Explorer:
    """What :func:`weight_explorer` showed: ``table`` (the ranking for the current weights), ``weights``,
    and ``widget`` (the ipywidgets box, ``None`` when headless).  It has already been displayed, so a
    notebook cell ending with the call shows nothing twice."""

    def __init__(self, table: pd.DataFrame, weights: dict, widget=None):
        self.table, self.weights, self.widget = table, weights, widget

    def _ipython_display_(self):  # already displayed by weight_explorer
        return None

    def __repr__(self) -> str:
        mode = "interactive" if self.widget is not None else "headless"
        return f"Explorer({mode}, weights={self.weights})"


def weight_explorer(domain_scores: pd.DataFrame, published_ranks: pd.Series | None = None, *,
                    weights: Mapping[str, float] | None = None, lang: str = "zh", interactive: bool | None = None,
                    cities: pd.DataFrame | None = None, max_rows: int | None = None, step: float = 0.05):
    """Sliders for the four domain weights that re-rank the cities live (table + chart).

    Parameters
    ----------
    domain_scores, published_ranks
        As :func:`rank_with_weights`.
    weights : dict, optional
        Starting weights (default equal, the report's 0.25 each).
    lang : {"zh", "en"}
    interactive : bool, optional
        ``None`` = :func:`frontend_available`.  ``False`` shows the table and chart once for
        ``weights`` (the headless path used under papermill) and returns the table.
    max_rows : int, optional
        Rows shown in the table (all by default; the chart always shows every city).
    step : float
        Slider step.

    Returns
    -------
    Explorer
        ``.table`` (the ranking for the current weights, updated as the sliders move), ``.weights``,
        ``.widget`` (``None`` headless).  Everything is displayed by the call itself.
    """
    weights = dict(weights) if weights is not None else {d: 0.25 for d in DOMAINS}
    normalised_weights(weights, [str(c) for c in domain_scores.columns])  # check once, early
    if interactive is None:
        interactive = frontend_available()
    if not interactive:
        table = rank_with_weights(domain_scores, weights, published_ranks)
        show_ranking(table, weights=weights, lang=lang, cities=cities, max_rows=max_rows)
        return Explorer(table, dict(weights))

    import ipywidgets as widgets
    from IPython.display import display

    labels = _domain_label(lang)
    sliders = {d: widgets.FloatSlider(value=float(weights[d]), min=0.0, max=1.0, step=step, description=labels[d],
                                      continuous_update=False, readout_format=".2f") for d in DOMAINS}
    shares = widgets.HTML()
    reset = widgets.Button(description="重置（等权）" if lang == "zh" else "reset (equal)")
    out = widgets.Output()
    state = Explorer(rank_with_weights(domain_scores, weights, published_ranks), dict(weights))

    def render(*_):
        w = {d: s.value for d, s in sliders.items()}
        with out:
            out.clear_output(wait=True)
            if sum(w.values()) <= 0:
                print("至少一个权重须大于 0。" if lang == "zh" else "At least one weight must be above 0.")
                return
            table = rank_with_weights(domain_scores, w, published_ranks)
            state.table, state.weights = table, w
            ax = plot_weighted_ranking(table, weights=w, lang=lang, cities=cities)
            _display_table(table, lang, cities, max_rows)
            display(ax.figure)
            plt.close(ax.figure)
        ws = normalised_weights(w) if sum(w.values()) > 0 else None
        shares.value = "" if ws is None else " · ".join(f"{labels[d]} {ws[d]:.0%}" for d in DOMAINS)

    def on_reset(_):
        for s in sliders.values():
            s.unobserve(render, names="value")
            s.value = 0.25
            s.observe(render, names="value")
        render()

    for s in sliders.values():
        s.observe(render, names="value")
    reset.on_click(on_reset)
    box = widgets.VBox([widgets.HBox(list(sliders.values())[:2]), widgets.HBox(list(sliders.values())[2:]),
                        widgets.HBox([shares, reset]), out])
    state.widget = box
    render()
    display(box)
    return state
