"""A profile of every city: ``python -m vitality profiles [--city 武汉 …] [--out DIR] [--lang en]``.

``notebooks/city_profile.ipynb`` is a papermill-parameterised notebook (``city``, ``lang``, ``out_dir``) that
reads the master table ``OUT/cities.csv`` (:mod:`vitality.siis.handoff`, computed once) and shows one city: its
four domain scores against the 46 cities and against its region and cluster peers, its ranks with the rank
interval, its strengths and weaknesses and its GDP residual. Each run is exported to ``OUT/profiles/<city>.html``.

So that 46 pages do not cost 46 kernel start-ups, :func:`run_profiles` parameterises the notebook with papermill
and executes the copies with nbclient in one long-lived kernel per worker (at most the number of cores), then
exports each to HTML (code hidden).
"""

from __future__ import annotations

import argparse
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..style import check_lang
from . import paths
from .data import DOMAINS

__all__ = ['NOTEBOOK', 'ZH_DOMAIN', 'EN_DOMAIN', 'slug', 'load_master', 'resolve_city', 'Profile', 'profile',
           'profile_figure', 'strengths_text', 'residual_text', 'ranks_table', 'scores_table', 'run_profiles',
           'add_cli_parser']

NOTEBOOK = paths.NOTEBOOKS / "city_profile.ipynb"

ZH_DOMAIN = {"social": "社会", "cultural": "文化", "economic": "经贸", "political": "政治"}
EN_DOMAIN = {"social": "Social", "cultural": "Cultural", "economic": "Economic", "political": "Political"}


def slug(city_en: str) -> str:
    """File name of a city's page: its English name, lower case ASCII (``Hohhot`` → ``hohhot``)."""
    return re.sub(r"[^a-z0-9]+", "-", str(city_en).lower()).strip("-")


def load_master(out_dir) -> pd.DataFrame:
    p = Path(out_dir) / "cities.csv"
    if not p.is_file():
        raise ConfigError(f"{p} is missing: run `python -m vitality reproduce --out {out_dir}` (or the profiles "
                          "command, which writes it) first.")
    return pd.read_csv(p, encoding="utf-8").set_index("city_zh", drop=False)


def resolve_city(master: pd.DataFrame, name: str) -> str:
    """The Chinese key of a city given by its Chinese or English name (case-insensitive)."""
    if name in master.index:
        return name
    hit = master.index[master["city_en"].str.lower() == str(name).lower()]
    if len(hit):
        return hit[0]
    raise ConfigError(f"no city {name!r}; give a Chinese or English name of one of the 46, e.g. 武汉 or Wuhan.")


@dataclass
class Profile:
    city: str
    row: pd.Series
    peers: dict            # {"all": index, "region": index, "cluster": index}
    scores: pd.DataFrame   # domain × (city, median_all, median_region, median_cluster, rank_all, rank_region …)
    strengths: pd.DataFrame


def profile(master: pd.DataFrame, city: str) -> Profile:
    """Everything the page shows for ``city`` (computed from the master table)."""
    city = resolve_city(master, city)
    row = master.loc[city]
    region = master.index[master["region"] == row["region"]]
    clus_col = "cluster_ward"
    cluster = master.index[master[clus_col] == row[clus_col]]
    peers = {"all": master.index, "region": region, "cluster": cluster}
    rows = []
    for d in DOMAINS:
        col = f"{d}_printed"
        v = float(row[col])
        rec = {"domain": d, "score": v}
        for key, idx in peers.items():
            s = master.loc[idx, col].astype(float)
            others = s.drop(city) if key != "all" and len(s) > 1 else s   # peers: the other members
            rec[f"median_{key}"] = float(others.median())
            rec[f"vs_{key}"] = v - float(others.median())
            rec[f"rank_{key}"] = int((s > v).sum() + 1)
            rec[f"n_{key}"] = int(len(s))
        rows.append(rec)
    scores = pd.DataFrame(rows).set_index("domain")
    diffs = scores[["vs_all", "vs_region", "vs_cluster"]]
    strengths = diffs.stack().rename("difference").reset_index().rename(columns={"level_1": "against"})
    strengths = strengths.sort_values("difference", ascending=False, kind="stable").reset_index(drop=True)
    return Profile(city=city, row=row, peers=peers, scores=scores, strengths=strengths)


def _names(master: pd.DataFrame, idx, lang: str) -> list[str]:
    return [str(master.at[u, "city_zh"] if lang == "zh" else master.at[u, "city_en"]) for u in idx]


def profile_figure(p: Profile, master: pd.DataFrame, *, lang: str = "zh"):
    """Left: each domain's 46 scores (grey), the region peers (blue) and cluster peers (orange rings), the city
    (black diamond). Right: the overall rank — published, reproduced and the 5–95 % interval."""
    import matplotlib.pyplot as plt

    from ..plots import fmt_half_up

    lang = check_lang(lang)
    zh = lang == "zh"
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.6), gridspec_kw={"width_ratios": [2.2, 1]})
    rng = np.random.default_rng(0)
    for i, d in enumerate(DOMAINS):
        col = f"{d}_printed"
        y = np.full(len(master), i) + rng.uniform(-0.12, 0.12, len(master))
        ax.scatter(master[col], y, s=12, color="#BBBBBB", lw=0, label=("全部 46 城" if zh else "all 46 cities")
                   if i == 0 else None, zorder=1)
        reg = master.loc[p.peers["region"], col]
        ax.scatter(reg, np.full(len(reg), i + 0.25), s=16, color="#0072B2", lw=0, zorder=2,
                   label=("同区域城市" if zh else "same region") if i == 0 else None)
        clu = master.loc[p.peers["cluster"], col]
        ax.scatter(clu, np.full(len(clu), i - 0.25), s=18, facecolor="none", edgecolor="#E69F00", lw=1, zorder=2,
                   label=("同类城市" if zh else "same cluster") if i == 0 else None)
        v = float(p.row[col])
        ax.scatter([v], [i], s=70, marker="D", color="black", zorder=3,
                   label=(p.city if zh else str(p.row["city_en"])) if i == 0 else None)
        ax.annotate(fmt_half_up(v, 2), (v, i), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=8)
    ax.set_yticks(range(len(DOMAINS)), [(ZH_DOMAIN if zh else EN_DOMAIN)[d] for d in DOMAINS])
    ax.set_ylim(len(DOMAINS) - 0.4, -0.6)
    ax.set_xlim(0, 102)
    ax.set_xlabel("领域得分（0–100）" if zh else "Domain score (0–100)")
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False)
    ax.grid(axis="y", visible=False)
    # ranks
    r = p.row
    items = [("报告排名" if zh else "published", r["rank_published"]),
             ("复现（等指标权重）" if zh else "reproduced (equal per indicator)", r["rank_eqind"]),
             ("复现（四领域等权）" if zh else "reproduced (4 × 0.25)", r["rank_stated"])]
    for j, (lab, val) in enumerate(items):
        ax2.scatter([val], [j], s=40, color=["black", "#0072B2", "#E69F00"][j], zorder=3)
        ax2.annotate(f"{int(val)}", (val, j), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    if pd.notna(r.get("rank_q05")):
        ax2.hlines(len(items), r["rank_q05"], r["rank_q95"], color="#56B4E9", lw=5, zorder=2)
        ax2.scatter([r["rank_median"]], [len(items)], s=20, color="#0072B2", zorder=3)
        items.append(("不确定性 5–95% 区间" if zh else "uncertainty 5–95 %", None))
    ax2.set_yticks(range(len(items)), [lab for lab, _ in items], fontsize=8)
    ax2.set_ylim(len(items) - 0.5, -0.5)
    vals = [float(v) for _, v in items if v is not None] + [float(r.get("rank_q95", np.nan) or np.nan)]
    vals = [v for v in vals if np.isfinite(v)]
    ax2.set_xlim(min(47.0, max(vals) + 6), max(0.0, min(vals) - 6))
    ax2.set_xlabel("综合排名（1 = 最高）" if zh else "Overall rank (1 = best)")
    ax2.grid(axis="y", visible=False)
    fig.suptitle(f"{p.city} · {r['region_zh']}" if zh else f"{r['city_en']} · {r['region_en']}", fontweight="bold")
    fig.tight_layout()
    return fig


def strengths_text(p: Profile, *, lang: str = "zh", n: int = 2) -> str:
    """Markdown: the domains and peer groups where the city is furthest above and below the median."""
    zh = lang == "zh"
    names = ZH_DOMAIN if zh else EN_DOMAIN
    against = ({"vs_all": "全部 46 城", "vs_region": "同区域城市", "vs_cluster": "同类城市"} if zh else
               {"vs_all": "all 46 cities", "vs_region": "its region", "vs_cluster": "its cluster"})
    s = p.strengths

    def item(r):
        sign = "+" if r.difference >= 0 else "−"
        from ..plots import fmt_half_up
        return (f"{names[r.domain]}（比{against[r.against]}中位数 {sign}{fmt_half_up(abs(r.difference), 2)}）" if zh
                else f"{names[r.domain]} ({sign}{fmt_half_up(abs(r.difference), 2)} against the median of "
                     f"{against[r.against]})")

    top = [item(r) for r in s.head(n).itertuples()]
    low = [item(r) for r in s.tail(n).iloc[::-1].itertuples()]
    if zh:
        return f"**优势：** {'；'.join(top)}。\n\n**短板（相对最弱）：** {'；'.join(low)}。"
    return f"**Strengths:** {'; '.join(top)}.\n\n**Weaknesses (relatively weakest):** {'; '.join(low)}."


def residual_text(p: Profile, master: pd.DataFrame, *, lang: str = "zh") -> str:
    from ..plots import fmt_half_up

    r = p.row
    if pd.isna(r.get("gdp_residual")):
        return "无 GDP 数据。" if lang == "zh" else "No GDP value."
    res = master["gdp_residual"].astype(float)
    place = int((res > float(r["gdp_residual"])).sum() + 1)
    v = float(r["gdp_residual"])
    if lang == "zh":
        return (f"2013 年 GDP {fmt_half_up(r['gdp_2013'], 2)} 亿元；按 GDP 预测的综合得分为 {fmt_half_up(r['gdp_fitted'], 2)}，"
                f"实际得分{'高' if v >= 0 else '低'} {fmt_half_up(abs(v), 2)} 分（残差在 46 城中排第 {place}）。")
    return (f"GDP 2013: {fmt_half_up(r['gdp_2013'], 2)} (100 million CNY); the overall index predicted from GDP is "
            f"{fmt_half_up(r['gdp_fitted'], 2)}, the actual score is {fmt_half_up(abs(v), 2)} points "
            f"{'above' if v >= 0 else 'below'} it (residual {place} of 46).")


def ranks_table(p: Profile, *, lang: str = "zh") -> pd.DataFrame:
    zh = lang == "zh"
    r = p.row
    rows = []
    for d in ["overall", *DOMAINS]:
        name = ("综合" if zh else "Overall") if d == "overall" else (ZH_DOMAIN if zh else EN_DOMAIN)[d]
        if d == "overall":
            pub, rep = r["rank_published"], r["rank_eqind"]
            interval = f"{int(r['rank_q05'])}–{int(np.ceil(r['rank_q95']))}" if pd.notna(r.get("rank_q05")) else ""
        else:
            pub, rep, interval = r[f"rank_{d}_published"], r[f"rank_{d}_reproduced"], ""
        rows.append({("领域" if zh else "domain"): name, ("报告排名" if zh else "published rank"): int(pub),
                     ("复现排名" if zh else "reproduced rank"): int(rep),
                     ("排名区间（5–95%）" if zh else "rank interval (5–95 %)"): interval})
    return pd.DataFrame(rows).set_index("领域" if zh else "domain")


def scores_table(p: Profile, *, lang: str = "zh") -> pd.DataFrame:
    from ..plots import fmt_half_up

    zh = lang == "zh"
    s = p.scores
    names = ZH_DOMAIN if zh else EN_DOMAIN
    out = pd.DataFrame({
        ("得分" if zh else "score"): [fmt_half_up(v, 2) for v in s["score"]],
        ("46 城中位数" if zh else "median, 46 cities"): [fmt_half_up(v, 2) for v in s["median_all"]],
        ("同区域中位数" if zh else "median, region"): [fmt_half_up(v, 2) for v in s["median_region"]],
        ("同类中位数" if zh else "median, cluster"): [fmt_half_up(v, 2) for v in s["median_cluster"]],
        ("区域内名次" if zh else "place in region"): [f"{a}/{b}" for a, b in zip(s["rank_region"], s["n_region"])],
        ("类内名次" if zh else "place in cluster"): [f"{a}/{b}" for a, b in zip(s["rank_cluster"], s["n_cluster"])],
    }, index=[names[d] for d in s.index])
    return out


# ----------------------------------------------------------------------------------------------
# running the notebook for many cities
# ----------------------------------------------------------------------------------------------

def _worker(job: tuple) -> list[tuple[str, str, float, str | None]]:
    """Execute the profile notebook for a chunk of cities in one kernel; export each to HTML."""
    cities, out_dir, lang, data_dir, notebook = job
    import copy

    from .reproduce import skip_iri_grammars

    skip_iri_grammars()

    import nbformat
    import papermill
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    from .render import light_page

    os.environ["VITALITY_HEADLESS"] = "1"
    src = nbformat.read(str(notebook), as_version=4)
    for cell in src.cells:                      # papermill reads every cell's tags
        cell.metadata.setdefault("tags", [])
    src.metadata.setdefault("papermill", {})
    km = KernelManager(kernel_name="python3")
    km.start_kernel(extra_arguments=["--IPKernelApp.log_level=CRITICAL"], cwd=str(Path(notebook).parent))
    done = []
    try:
        for city, page in cities:
            start = time.perf_counter()
            nb = papermill.parameterize.parameterize_notebook(
                copy.deepcopy(src), {"city": city, "lang": lang, "out_dir": str(out_dir), "data_dir": data_dir})
            client = NotebookClient(nb, km=km, timeout=300, allow_errors=False)
            try:
                client.execute()
            except Exception as exc:  # noqa: BLE001 - reported with the city's name
                done.append((city, page, time.perf_counter() - start, f"{type(exc).__name__}: {str(exc)[-400:]}"))
                continue
            first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                          and not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))), 0)
            nb.cells = nb.cells[first:]             # the page starts at the city, not at the notebook's intro
            light_page(nb, Path(page), lang=lang, back="../index.html",
                       back_label="返回目录" if lang == "zh" else "back to the index")
            done.append((city, page, time.perf_counter() - start, None))
            if os.environ.get("VITALITY_PROFILE_TIMES"):
                print(f"  {city}: {done[-1][2]:.1f} s", flush=True)
    finally:
        km.shutdown_kernel(now=True)
    return done


def run_profiles(out_dir, *, cities=None, lang: str = "zh", jobs: int | None = None, data_dir=None,
                 progress: bool = True, notebook: Path | None = None) -> dict[str, Path]:
    """One HTML page per city in ``out_dir/profiles/``; returns ``{display name: page}`` in table order.

    ``cities``: Chinese or English names (default all 46). ``jobs``: parallel kernels (default: the number
    of cores, at most 2 per … the number of cities)."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from .reproduce import kernels_import_this_package

    lang = check_lang(lang)
    kernels_import_this_package()           # the kernels run this vitality, as the notebooks' do
    out = Path(out_dir).resolve()
    if not (out / "cities.csv").is_file():
        from .handoff import write_handoff

        write_handoff(out, data_dir=data_dir, progress=progress)
    master = load_master(out)
    keys = list(master.index) if not cities else [resolve_city(master, c) for c in cities]
    pdir = out / "profiles"
    pdir.mkdir(parents=True, exist_ok=True)
    pages = {k: pdir / f"{slug(master.at[k, 'city_en'])}.html" for k in keys}
    jobs = max(1, min(int(jobs or os.cpu_count() or 1), len(keys)))
    chunks = [[(k, str(pages[k])) for k in keys[i::jobs]] for i in range(jobs)]
    nb = Path(notebook or NOTEBOOK)
    start = time.perf_counter()
    if progress:
        print(f"City profiles: {len(keys)} pages in {jobs} kernel(s) ...", flush=True)
    args = [(c, str(out), lang, None if data_dir is None else str(data_dir), str(nb)) for c in chunks]
    if jobs == 1:
        results = [_worker(args[0])]
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
            results = list(pool.map(_worker, args))
    failed = [(c, e) for res in results for c, _, _, e in res if e]
    if failed:
        city, err = failed[0]
        raise ConfigError(f"the profile of {city} failed ({len(failed)} of {len(keys)} failed): {err}")
    if progress:
        print(f"City profiles: {len(keys)} pages in {time.perf_counter() - start:.1f} s -> {pdir}", flush=True)
    names = {k: (k if lang == "zh" else str(master.at[k, "city_en"])) for k in keys}
    return {names[k]: pages[k] for k in keys}


def add_cli_parser(subparsers) -> None:
    p = subparsers.add_parser("profiles", help="one HTML profile page per city (papermill notebook)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--city", nargs="+", metavar="NAME", help="cities (Chinese or English names; default all 46)")
    p.add_argument("--out", metavar="DIR", help="output folder holding cities.csv (default: the repository's output/)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="page language (default zh)")
    p.add_argument("--jobs", type=int, metavar="N", help="parallel kernels (default: the number of cores)")
    p.set_defaults(func=_run_cli)


def _run_cli(args) -> int:
    out = Path(args.out).resolve() if args.out else paths.OUTPUT
    run_profiles(out, cities=args.city, lang=args.lang, jobs=args.jobs)
    return 0
