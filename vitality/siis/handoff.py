"""Results a researcher can hand on: one master table of the 46 cities (CSV, Excel, GeoJSON), its data
dictionary and one provenance record per run.

:func:`write_handoff` runs after the notebooks (``python -m vitality reproduce`` calls it) and writes into the
output folder::

    cities.csv               the master table: one row per city, snake_case ASCII columns (<= 32 characters)
    cities.geojson           the same rows as GeoJSON points (WGS-84 lon/lat) for QGIS and the like
    data-dictionary.csv      column -> English and Chinese label, unit, source
    vitality-results.xlsx    the master table, one sheet per report section (its tables), the dictionary
    provenance.json          what produced this folder: version, parameters, data checksums, timings

The master table is computed here from the bundled data through :mod:`vitality.siis.model` (the one scoring
route), and takes what the notebooks computed from ``out_dir/tables`` where it is there (the rank intervals of
07, the GDP residuals of 05); without those tables it computes them itself (the rank intervals with a small
Monte Carlo sample, said so in the dictionary).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from .. import cluster, reporting
from .._version import __version__
from ..errors import ConfigError
from . import data, errata, model, paths
from .labels import REGION_EN

__all__ = ['SECTIONS', 'WEIGHTING_CODES', 'FALLBACK_N', 'MAX_NAME', 'weighting_code', 'check_column_names',
           'rank_intervals', 'gdp_residuals', 'master_table', 'geojson', 'write_xlsx', 'rounded_numbers',
           'file_sha256', 'notebook_provenance_files', 'provenance_record', 'write_handoff']

#: the report's sections, in notebook order: stem → (English, Chinese) title
SECTIONS = {
    "01_rankings": ("Rankings (Figures 3–7)", "排名（图表 3–7）"),
    "02_clustering": ("Clusters (Figure 9)", "聚类（图表 9）"),
    "03_regions": ("Regions (Figures 10–19)", "区域比较（图表 10–19）"),
    "04_correlations": ("Correlations between the domains", "领域相关性"),
    "05_gdp_regression": ("GDP regression (Figure 8)", "GDP 回归（图表 8）"),
    "06_audit": ("Audit of the report against itself", "报告自查"),
    "07_robustness": ("Robustness (uncertainty and sensitivity)", "稳健性（不确定性与敏感性）"),
}

#: short column codes of the named weightings of :func:`vitality.siis.model.weightings`
WEIGHTING_CODES = {model.STATED: "stated", model.EQUAL_PER_INDICATOR: "eqind", "your weights": "user"}

#: Monte Carlo replications of the rank intervals when 07's table is not in the output folder
FALLBACK_N = 300

MAX_NAME = 32          # Stata's limit on variable names


def weighting_code(name: str) -> str:
    """Column code of a weighting name (``'stated (4 × 0.25)'`` → ``'stated'``)."""
    if name in WEIGHTING_CODES:
        return WEIGHTING_CODES[name]
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:10] or "w"


def check_column_names(columns) -> None:
    """Refuse a column name a statistics package would not take: snake_case ASCII, a letter first, at most
    :data:`MAX_NAME` characters, unique."""
    bad = [c for c in columns if not re.fullmatch(r"[a-z][a-z0-9_]*", str(c)) or len(str(c)) > MAX_NAME]
    dup = sorted({c for c in columns if list(columns).count(c) > 1})
    if bad or dup:
        raise ConfigError(f"column names not fit for Stata/R/SPSS: {bad}; duplicated: {dup}.")


# ----------------------------------------------------------------------------------------------
# the master table
# ----------------------------------------------------------------------------------------------

def _tables_dir(out_dir) -> Path | None:
    if out_dir is None:
        return None
    t = Path(out_dir) / "tables"
    return t if t.is_dir() else None


def _read(out_dir, name: str, **kw) -> pd.DataFrame | None:
    t = _tables_dir(out_dir)
    if t is None or not (t / f"{name}.csv").is_file():
        return None
    return pd.read_csv(t / f"{name}.csv", encoding="utf-8", **kw)


def rank_intervals(scores: pd.DataFrame, out_dir=None, *, n: int = FALLBACK_N, seed: int = 2015,
                   data_dir=None) -> tuple[pd.DataFrame, str]:
    """Rank interval of every city: 07's ``rank_stats`` table when ``out_dir/tables`` has it, else computed
    here with ``n`` replications of the same model. Returns (``q05, median, q95`` by city, provenance text)."""
    t = _read(out_dir, "07_robustness-rank-stats")
    if t is not None and {"unit", "q05", "median", "q95"} <= set(t.columns):
        if "code" in t.columns:
            t = t[t["code"] == model.TOP]
        return t.set_index("unit")[["q05", "median", "q95"]], "07_robustness-rank-stats (notebook 07)"
    from .. import robustness

    meta = model.framework_meta(data_dir)
    choices = robustness.Choices(normalise=["none", "rank", "minmax"], aggregate=["amean", "gmean"],
                                 weights="uniform", perturbation=0.25)
    rm = robustness.RobustnessModel(scores, meta, choices, weights={d: 0.25 for d in data.DOMAINS})
    ua = robustness.uncertainty_analysis(rm, n, seed, band=2, top=10)
    rs = ua.rank_stats
    rs = rs[rs["code"] == model.TOP] if "code" in rs.columns else rs
    return (rs.set_index("unit")[["q05", "median", "q95"]],
            f"computed by vitality.siis.handoff with n = {n} replications (notebook 07's table was not there)")


def gdp_residuals(total: pd.Series, gdp: pd.Series, out_dir=None) -> tuple[pd.DataFrame, str]:
    """Fitted value and residual of the overall index (stated weights) on 2013 GDP, by city."""
    t = _read(out_dir, "05_gdp_regression-residuals", index_col=0)
    if t is not None and {"fitted", "residual"} <= set(t.columns):
        return t[["fitted", "residual"]], "05_gdp_regression-residuals (notebook 05)"
    ok = gdp.notna()
    x, y = gdp[ok].astype(float), total[ok].astype(float)
    slope, intercept = np.polyfit(x, y, 1)
    fitted = intercept + slope * gdp.astype(float)
    return (pd.DataFrame({"fitted": fitted, "residual": total - fitted}),
            "computed by vitality.siis.handoff (OLS of the overall index on GDP; notebook 05's table was not there)")


def master_table(out_dir=None, *, data_dir=None, n_fallback: int = FALLBACK_N, seed: int = 2015,
                 user_weights: Mapping[str, float] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 46 cities with everything the report and the reproduction say about them.

    Returns ``(table, dictionary)``: one row per city (index ``city_zh``), and one row per column with
    ``label_en``, ``label_zh``, ``unit`` and ``source``.
    """
    rep = data.load_report(data_dir)
    cities = rep.cities
    idx = rep.domain_scores.index
    printed = rep.domain_scores
    corrected, corrected_ranks, _ = errata.apply_errata(printed, rep.rankings,
                                                        errata=errata.errata_for(data_dir, cities=cities))
    cols: dict[str, pd.Series] = {}
    dic: list[tuple] = []

    def add(name, values, en, zh, unit="", source=""):
        cols[name] = pd.Series(values, index=idx) if not isinstance(values, pd.Series) else values.reindex(idx)
        dic.append((name, en, zh, unit, source))

    c = cities.reindex(idx)
    src_city = "data/external/cities_2013.csv (see cities_2013_SOURCES.md)"
    add("city_zh", pd.Series(idx, index=idx), "City (Chinese name, as printed)", "城市", "", "report")
    add("city_en", c["city_en"], "City (English name)", "城市（英文）", "", src_city)
    add("province_zh", c["province_zh"], "Province (Chinese)", "省份", "", src_city)
    add("province_en", c["province_en"], "Province (English)", "省份（英文）", "", src_city)
    reg = rep.regions["region"].reindex(idx)
    add("region", reg, "Region of the report's regional comparison (code)", "区域（代码）", "",
        "report, 四(四) region lists")
    add("region_zh", rep.regions["region_zh"].reindex(idx), "Region (Chinese)", "区域", "", "report")
    add("region_en", reg.map(REGION_EN), "Region (English)", "区域（英文）", "", "report")
    for side, zh in (("east", "东部"), ("west", "西部"), ("north", "北部")):
        members = set(rep.compass_lists.get(side, []))
        add(f"list_{side}", pd.Series([int(u in members) for u in idx], index=idx),
            f"On the report's {side}ern list (1 = yes)", f"属于报告的{zh}名单（1 = 是）", "0/1",
            "report, 四(四) east/west and north lists")
    cap = c["is_capital_or_municipality"]
    cap = cap if cap.dtype == bool else cap.astype(str).str.lower().isin(["yes", "true", "1"])
    add("capital", cap.astype(int),
        "Provincial capital or municipality in 2013 (1 = yes)", "省会或直辖市（1 = 是）", "0/1", src_city)
    add("admin_level", c["admin_level"], "Administrative level in 2013", "行政级别（2013）", "", src_city)
    add("lat", c["lat"], "Latitude of the city centre", "城市中心纬度", "degrees north", src_city)
    add("lon", c["lon"], "Longitude of the city centre", "城市中心经度", "degrees east", src_city)
    gdp = c["gdp_2013_100m_cny"].astype(float)
    add("gdp_2013", gdp, "GDP 2013 (whole municipality / prefecture)", "2013 年地区生产总值",
        "100 million CNY (亿元)", src_city)
    add("gdp_source", c["gdp_source"], "Source of the GDP value", "GDP 数据来源", "", src_city)
    zh_dom = {"social": "社会", "cultural": "文化", "economic": "经贸", "political": "政治"}
    for d in data.DOMAINS:
        add(f"{d}_printed", printed[d], f"{d.capitalize()} domain score as printed (Figures 4–7)",
            f"{zh_dom[d]}领域得分（报告印刷值）", "score 0–100", "report, 图表 4–7")
    for d in data.DOMAINS:
        add(f"{d}_corrected", corrected[d], f"{d.capitalize()} domain score after the errata",
            f"{zh_dom[d]}领域得分（勘误后）", "score 0–100", "data/errata.csv")
    add("rank_published", rep.rankings["overall"], "Overall rank as published (Figure 3)", "综合排名（报告）",
        "rank (1 = highest)", "report, 图表 3")
    named = model.weightings(user=user_weights)
    for name, w in named.items():
        code = weighting_code(name)
        wtxt = ", ".join(f"{d} {w[d]:.4g}" for d in data.DOMAINS)
        s_pr = model.score(printed, w)
        s_co = model.score(corrected, w)
        add(f"score_{code}", s_pr["score"], f"Overall score, {name} weights ({wtxt}), printed scores",
            f"综合得分（{name}，印刷得分）", "score 0–100", "vitality.siis.model.score")
        add(f"rank_{code}", s_pr["rank"], f"Overall rank, {name} weights, printed scores",
            f"综合排名（{name}，印刷得分）", "rank (1 = highest)", "vitality.siis.model.score")
        add(f"rank_{code}_corrected", s_co["rank"], f"Overall rank, {name} weights, scores after the errata",
            f"综合排名（{name}，勘误后得分）", "rank (1 = highest)", "vitality.siis.model.score")
    for d in data.DOMAINS:
        add(f"rank_{d}_published", rep.rankings[d], f"{d.capitalize()} domain rank as published",
            f"{zh_dom[d]}领域排名（报告）", "rank (1 = highest)", "report, 图表 4–7")
        add(f"rank_{d}_reproduced", printed[d].rank(ascending=False, method="min").astype(int),
            f"{d.capitalize()} domain rank recomputed from the printed scores (ties share the best rank)",
            f"{zh_dom[d]}领域排名（按印刷得分重算）", "rank (1 = highest)", "vitality")
    pub_part, _ = cluster.published_partition(rep.clusters, units=idx)
    add("cluster_published", pub_part.reindex(idx).astype("Int64"),
        "Class as printed (Figure 9; a city printed twice keeps its first class; 秦皇岛 is not printed)",
        "聚类类别（报告）", "class 1–5 (1 = strongest)", "report, 图表 9")
    total_stated = model.overall(printed, model.STATED)
    add("cluster_stated", cluster.cluster_cities(printed, method="average", metric="sqeuclidean", k=5,
                                                 order_by=total_stated),
        "Class reproduced with the stated method (average linkage, squared Euclidean, k = 5)",
        "聚类类别（按报告所述方法复现：组间平均联接、平方欧氏距离）", "class 1–5 (1 = strongest)", "vitality.cluster")
    add("cluster_ward", cluster.cluster_cities(printed, method="ward", metric="euclidean", k=5,
                                               order_by=total_stated),
        "Class given by Ward's method on Euclidean distances (found by the method scan of 02, not named by the "
        "report; agrees with the printed lists)",
        "聚类类别（Ward 法、欧氏距离；由 02 的方法扫描找到，报告未写明；与报告名单一致）", "class 1–5 (1 = strongest)", "vitality.cluster")
    res, res_src = gdp_residuals(total_stated, gdp, out_dir)
    add("gdp_fitted", res["fitted"], "Overall index (stated weights) predicted from GDP by OLS",
        "GDP 预测的综合得分（OLS）", "score 0–100", res_src)
    add("gdp_residual", res["residual"], "Residual: overall index minus the value predicted from GDP",
        "残差：综合得分 − GDP 预测值", "score points", res_src)
    ri, ri_src = rank_intervals(printed, out_dir, n=n_fallback, seed=seed, data_dir=data_dir)
    for q, en, zh in (("q05", "5th percentile", "5% 分位"), ("median", "median", "中位数"),
                      ("q95", "95th percentile", "95% 分位")):
        add(f"rank_{q}", ri[q], f"Overall rank under uncertainty, {en} (normalisation, aggregation and weights "
            "varied)", f"不确定性分析下的综合排名，{zh}", "rank (1 = highest)", ri_src)
    table = pd.DataFrame(cols, index=idx)
    table.index.name = None
    check_column_names(table.columns)
    dictionary = pd.DataFrame(dic, columns=["column", "label_en", "label_zh", "unit", "source"])
    return table.reset_index(drop=True), dictionary


# ----------------------------------------------------------------------------------------------
# the files
# ----------------------------------------------------------------------------------------------

def geojson(table: pd.DataFrame) -> dict:
    """The master table as a GeoJSON FeatureCollection of points (stdlib json; no GeoPandas needed)."""
    feats = []
    for _, row in table.iterrows():
        props = {}
        for k, v in row.items():
            if isinstance(v, (np.integer,)):
                v = int(v)
            elif isinstance(v, (np.floating, float)):
                v = None if not np.isfinite(v) else float(f"{float(v):.6g}")
            elif v is pd.NA or (not isinstance(v, str) and pd.isna(v)):
                v = None
            props[k] = v
        geom = None
        if pd.notna(row.get("lon")) and pd.notna(row.get("lat")):
            geom = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    return {"type": "FeatureCollection", "name": "vitality_cities",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": feats}


def _section_tables(out_dir) -> dict[str, list[tuple[str, pd.DataFrame]]]:
    t = _tables_dir(out_dir)
    found: dict[str, list] = {s: [] for s in SECTIONS}
    if t is None:
        return found
    for p in sorted(t.glob("*.csv")):
        stem = p.stem.split("-", 1)[0]
        if stem in found:
            try:
                df = pd.read_csv(p, encoding="utf-8")
            except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
                continue
            found[stem].append((p.stem, df))
    return found


def write_xlsx(path: Path, table: pd.DataFrame, dictionary: pd.DataFrame, out_dir=None,
               provenance: dict | None = None) -> Path:
    """``vitality-results.xlsx``: sheet ``cities`` (the master table), one sheet per report section with its
    tables one under another (a bold title row names each table's CSV), ``dictionary`` and ``provenance``."""
    from openpyxl.styles import Font

    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        _write_sheet(xw, "cities", rounded_numbers(table))
        for stem, tables in _section_tables(out_dir).items():
            if not tables:
                continue
            row = 0
            sheet = stem[:31]
            for name, df in tables:
                df.to_excel(xw, sheet_name=sheet, startrow=row + 1, index=False)
                ws = xw.sheets[sheet]
                ws.cell(row=row + 1, column=1, value=f"{name}.csv").font = Font(bold=True)
                row += len(df) + 3
        _write_sheet(xw, "dictionary", dictionary)
        if provenance:
            flat = pd.DataFrame([(k, json.dumps(v, ensure_ascii=False, default=str) if not isinstance(v, str) else v)
                                 for k, v in provenance.items()], columns=["key", "value"])
            _write_sheet(xw, "provenance", flat)
    return path


def rounded_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Float columns rounded as :func:`vitality.reporting.save_table` prints them, kept as numbers (for Excel)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col].dtype):
            d = reporting.readable_decimals(out[col])
            if d is not None:
                out[col] = out[col].round(d)
            else:
                out[col] = out[col].map(lambda v: float(f"{v:.{reporting.SIGNIFICANT_DIGITS}g}") if pd.notna(v) else v)
    return out


def _write_sheet(xw, name: str, df: pd.DataFrame) -> None:
    df.to_excel(xw, sheet_name=name, index=False)
    ws = xw.sheets[name]
    ws.freeze_panes = "B2" if name == "cities" else "A2"
    for i, col in enumerate(df.columns, 1):
        width = max([len(str(col))] + [len(str(v)) for v in df[col].head(60)])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, max(8, width + 2))


def file_sha256(p: Path) -> str:
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def notebook_provenance_files(out_dir) -> list[Path]:
    """The ``NN_name.provenance.json`` files the notebooks stamp (in the output folder or its tables/)."""
    if out_dir is None:
        return []
    out = Path(out_dir)
    return sorted([*out.glob("[0-9][0-9]_*.provenance.json"), *(out / "tables").glob("[0-9][0-9]_*.provenance.json")])


def provenance_record(out_dir, *, params: dict | None = None, runs=None, extra: dict | None = None,
                      data_dir=None) -> dict:
    """One record of what produced ``out_dir``: version, git commit (if a clone), parameters, the checksum of
    every bundled data file, each notebook's time and the per-notebook provenance files folded in."""
    import subprocess

    droot = Path(data_dir) if data_dir else paths.DATA
    files = {str(p.relative_to(droot)): file_sha256(p) for p in sorted(droot.rglob("*")) if p.is_file()
             and p.suffix in (".csv", ".md", ".json")}
    commit = None
    try:
        commit = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    folded = {}
    for p in notebook_provenance_files(out_dir):
        try:
            folded[p.name] = json.loads(p.read_text(encoding="utf-8"))
        except ValueError:
            continue
    rec = {"vitality_version": __version__, "git_commit": commit, "parameters": params or {},
           "data_sha256": files, "notebooks": [{"notebook": r.notebook, "seconds": round(r.seconds, 1)}
                                               for r in (runs or [])],
           "notebook_provenance": folded}
    rec.update(extra or {})
    return rec


def write_handoff(out_dir, *, params: dict | None = None, runs=None, data_dir=None, extra: dict | None = None,
                  progress: bool = True) -> dict[str, Path]:
    """Write the master table (CSV, XLSX, GeoJSON), its dictionary and the run's provenance into ``out_dir``.
    Returns the paths by kind."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table, dictionary = master_table(out, data_dir=data_dir)
    written = {"csv": reporting.save_table(table, "cities", out, index=False),
               "dictionary": reporting.save_table(dictionary, "data-dictionary", out, index=False)}
    gj = out / "cities.geojson"
    gj.write_text(json.dumps(geojson(table), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    written["geojson"] = gj
    prov = provenance_record(out, params=params, runs=runs, extra=extra, data_dir=data_dir)
    pj = out / "provenance.json"
    pj.write_text(json.dumps(prov, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n",
                  encoding="utf-8")
    written["provenance"] = pj
    for p in notebook_provenance_files(out):     # folded into provenance.json: one record, in one place
        p.unlink()
    try:
        written["xlsx"] = write_xlsx(out / "vitality-results.xlsx", table, dictionary, out,
                                     {k: v for k, v in prov.items() if k != "notebook_provenance"})
    except ImportError:
        print("note: openpyxl is not installed, so vitality-results.xlsx was not written "
              "(pip install openpyxl).")
    if progress:
        print(f"Master table: {written['csv']} (+ .xlsx, .geojson, data-dictionary.csv, provenance.json)")
    return written
