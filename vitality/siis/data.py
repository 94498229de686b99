"""Load and validate the bundled tables (``data/report``, ``data/external``) or your own.

Every loader reads one table with a header row through :func:`vitality.tables.read_table` (the reading
path of every command: CSV UTF-8 with or without BOM, ``;`` separators, ``.xlsx``, blank rows skipped,
whitespace stripped; the rules are in ``data/README.md``), checks it and returns a pandas object.  Validation runs on every load; a problem raises
:class:`~vitality.errors.DataValidationError` naming the file, the 1-based line in the file (the header
is line 1), the column, the city or code concerned, and the fix.  Nothing is dropped, filled in or
guessed silently, and nothing is ever written into ``data/``.

The tables' names, files and columns are described in :mod:`vitality.siis.schemas` (re-exported here);
the reading and the row-by-row checks are :mod:`vitality.siis.validation`.

Bring your own data
-------------------
Each loader takes an optional ``path``: a CSV file, or a folder holding a file of the standard name
(directly, or in its ``report/`` or ``external/`` sub-folder).  Loaders of city tables take an optional
``cities`` argument defining the universe of valid cities: the DataFrame returned by :func:`load_cities`,
a path to a cities file, or a list of names; by default the bundled ``data/external/cities_2013.csv``.
To add a city or a year, add it to a cities file first, then to the other tables, and load everything
at once with :func:`load_report` (``data_dir`` = a folder with ``report/`` and ``external/``).

Output conventions
------------------
* Cities are keyed by ``city`` (the Chinese name as printed, e.g. 北京); in long tables the file's
  ``city_zh`` column is returned as ``city``.  Wide tables are in the order of the cities file.
* Domain codes are ``social, cultural, economic, political`` (:data:`DOMAINS`, in that order).
* An empty cell in an optional column is returned as missing (NaN); numbers are float, counts and ranks
  ``Int64``, yes/no flags bool.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..cluster import LIST_PROBLEMS, list_problems
from ..errors import DataValidationError
from . import paths
from .schemas import (
    COMPASS_LISTS,
    DOMAINS,
    FILES,
    GDP_REGRESSION_DOMAINS,
    RANKINGS,
    REGIONS,
    SCHEMAS,
    CitiesArg,
    PathLike,
)
from .validation import CheckedTable, CityUniverse, close_match, csv_or_xlsx, resolve_path

__all__ = ['DOMAINS', 'RANKINGS', 'REGIONS', 'COMPASS_LISTS', 'GDP_REGRESSION_DOMAINS', 'SCHEMAS', 'FILES',
           'load_cities', 'load_domains', 'load_indicators', 'load_figure02_sources', 'load_domain_scores',
           'load_rankings', 'load_text_top10', 'load_clusters', 'cluster_list_problems', 'load_correlations',
           'correlation_matrix', 'load_gdp_regression', 'load_regions', 'load_compass_lists', 'ReportData',
           'load_report', 'data_checksum']


def _universe(cities: CitiesArg) -> CityUniverse:
    if cities is None or isinstance(cities, (str, os.PathLike)):
        cities = load_cities(cities)
    if isinstance(cities, pd.DataFrame):
        if cities.index.name == "city":
            names = cities.index.astype(str)
        elif "city_zh" in cities.columns:
            names = cities["city_zh"].astype(str)
        elif "city" in cities.columns:
            names = cities["city"].astype(str)
        else:
            raise DataValidationError("the `cities` table has no city index or city_zh column.",
                                      fix="pass the DataFrame returned by load_cities().")
        english = {}
        if "city_en" in cities.columns:
            en = cities["city_en"].astype(str).str.strip().str.lower().str.replace(r"[ -]", "_", regex=True)
            english = dict(zip(en[cities["city_en"].notna()], names[cities["city_en"].notna().to_numpy()]))
        source = str(cities.attrs.get("source", "the cities table passed as `cities=`"))
        names = tuple(names)
    else:
        names = tuple(str(c) for c in cities)
        english = {}
        source = "the list passed as `cities=`"
    dup = [c for c, n in Counter(names).items() if n > 1]
    if dup:
        raise DataValidationError(f"city {dup[0]} appears more than once in the universe of cities.",
                                  file=None if source.startswith("the ") else source,
                                  fix="give each city exactly once.")
    if not names:
        raise DataValidationError("the universe of cities is empty.", fix="give at least one city.")
    return CityUniverse(names, source, english)



# --------------------------------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------------------------------

def load_cities(path: PathLike | None = None) -> pd.DataFrame:
    """The universe of cities (default ``data/external/cities_2013.csv``).

    Returns a DataFrame indexed by ``city`` (= ``city_zh``, in file order) with the file's columns;
    ``is_capital_or_municipality`` as bool, coordinates/GDP/population as float (missing stays NaN).
    ``df.attrs["source"]`` is the path read.
    """
    p = resolve_path(path, "cities")
    t = CheckedTable(p, "cities")
    t.required("city_zh", "city_en", "province_zh", "province_en", "admin_level",
               "is_capital_or_municipality")
    for col in ("city_zh", "city_en"):
        s = t.df[col]
        t.fail_first(s.ne(s.str.strip()).to_numpy(), col,
                     lambda i, c=col: f"the name {t.value(i, c)!r} has spaces around it.",
                     "delete the leading/trailing spaces.")
    t.unique(["city_zh"], lambda i: f"city {t.value(i, 'city_zh')}",
             "each city must have exactly one row: delete or merge the duplicate.")
    t.unique(["city_en"], lambda i: f"English name {t.value(i, 'city_en')!r}",
             "correct the English name of one of the two cities.")
    out = pd.DataFrame({
        "city_zh": t.df["city_zh"],
        "city_en": t.df["city_en"],
        "province_zh": t.df["province_zh"],
        "province_en": t.df["province_en"],
        "admin_level": t.df["admin_level"],
        "is_capital_or_municipality": t.yes_no("is_capital_or_municipality"),
        "lat": t.floats("lat", required=False, lo=-90, hi=90, what="latitude"),
        "lon": t.floats("lon", required=False, lo=-180, hi=180, what="longitude"),
        "gdp_2013_100m_cny": t.floats("gdp_2013_100m_cny", required=False, lo=0, what="GDP"),
        "population_2013_10k": t.floats("population_2013_10k", required=False, lo=0, what="population"),
        "gdp_source": t.text("gdp_source"),
        "notes": t.text("notes"),
    })
    out.index = pd.Index(t.df["city_zh"], name="city")
    out.attrs["source"] = str(p)
    return out


def load_domains(path: PathLike | None = None) -> pd.DataFrame:
    """The four domains (``data/report/domains.csv``), indexed by ``domain`` in file order.

    Columns name_zh, name_zh_alt, name_en, order (Int64), n_indicators_text (Int64), stated_weight
    (float), source.
    """
    p = resolve_path(path, "domains")
    t = CheckedTable(p, "domains")
    t.required("domain", "name_zh", "name_en", "order")
    t.choice("domain", DOMAINS, "domain code")
    t.unique(["domain"], lambda i: f"domain {t.value(i, 'domain')}")
    out = pd.DataFrame({
        "name_zh": t.df["name_zh"],
        "name_zh_alt": t.text("name_zh_alt"),
        "name_en": t.df["name_en"],
        "order": t.ints("order", lo=1, what="order"),
        "n_indicators_text": t.ints("n_indicators_text", required=False, lo=0,
                                    what="number of indicators"),
        "stated_weight": t.floats("stated_weight", required=False, lo=0, hi=1, what="weight"),
        "source": t.text("source"),
    })
    t.unique(["order"], lambda i: f"order {t.value(i, 'order')}")
    missing = [d for d in DOMAINS if d not in set(t.df["domain"])]
    if missing:
        raise t.error(f"domain(s) {', '.join(missing)} missing from this table.", None, "domain",
                      f"add a row for each of {', '.join(DOMAINS)}.")
    out.index = pd.Index(t.df["domain"], name="domain")
    return out


def load_indicators(path: PathLike | None = None) -> pd.DataFrame:
    """The 17 indicators (``data/report/indicators.csv``), indexed by ``iCode`` in file order.

    Columns domain, order (Int64), name_zh, name_en, figure01_label_zh, text_label_zh, source.
    """
    p = resolve_path(path, "indicators")
    t = CheckedTable(p, "indicators")
    t.required("iCode", "domain", "order", "name_zh", "name_en")
    s = t.df["iCode"]
    t.fail_first(~s.str.fullmatch(r"[A-Za-z][A-Za-z0-9_]*").to_numpy(dtype=bool), "iCode",
                 lambda i: f"the indicator code {t.value(i, 'iCode')!r} is not a valid code.",
                 "use letters, digits and _ only, starting with a letter (e.g. intl_flights).")
    t.unique(["iCode"], lambda i: f"indicator code {t.value(i, 'iCode')}")
    t.choice("domain", DOMAINS, "domain code")
    order = t.ints("order", lo=1, what="order")
    t.unique(["domain", "order"], lambda i: f"order {t.value(i, 'order')} within domain "
                                            f"{t.value(i, 'domain')}")
    missing = [d for d in DOMAINS if d not in set(t.df["domain"])]
    if missing:
        raise t.error(f"no indicator for domain(s) {', '.join(missing)}.", None, "domain",
                      "every domain needs at least one indicator.")
    out = pd.DataFrame({
        "domain": t.df["domain"], "order": order, "name_zh": t.df["name_zh"], "name_en": t.df["name_en"],
        "figure01_label_zh": t.text("figure01_label_zh"), "text_label_zh": t.text("text_label_zh"),
        "source": t.text("source"),
    })
    out.index = pd.Index(t.df["iCode"], name="iCode")
    return out


def load_figure02_sources(path: PathLike | None = None, *, cities: CitiesArg = None,
                          indicators: pd.DataFrame | PathLike | None = None,
                          domains: pd.DataFrame | PathLike | None = None) -> pd.DataFrame:
    """图表 2, the data sources of three example cities, as printed (long; ``city_zh`` -> ``city``).

    ``iCode`` links a printed row to an indicator (missing where the printed row has no indicator of
    图表 1); a code that is not in the indicators table is an error, and so is a ``domain_zh`` that is
    not a domain name of the domains table.
    """
    p = resolve_path(path, "figure02_sources")
    uni = _universe(cities)
    ind = indicators if isinstance(indicators, pd.DataFrame) else load_indicators(indicators)
    dom = domains if isinstance(domains, pd.DataFrame) else load_domains(domains)
    t = CheckedTable(p, "figure02_sources")
    t.required("city_zh", "row", "domain_zh", "indicator_zh")
    t.cities("city_zh", uni)
    row = t.ints("row", lo=1, what="row number")
    t.unique(["city_zh", "row"], lambda i: f"row {t.value(i, 'row')} for city {t.value(i, 'city_zh')}")
    names = list(dict.fromkeys(list(dom["name_zh"]) + list(dom["name_zh_alt"].dropna())))
    t.choice("domain_zh", names, "domain name",
             " (the Chinese domain names of domains.csv, columns name_zh / name_zh_alt)")
    code = t.df["iCode"]
    codes = list(ind.index)
    bad = (code.ne("") & ~code.isin(codes)).to_numpy()

    def problem(i: int) -> str:
        v = t.value(i, "iCode")
        guess = close_match(v, codes)
        return (f"unknown indicator code {v!r} (indicator {t.value(i, 'indicator_zh')!r})"
                f"{f' — did you mean {guess!r}?' if guess else ''}")

    t.fail_first(bad, "iCode", problem,
                 "use one of the iCode values of indicators.csv, or leave the cell empty if the printed row "
                 "matches no indicator.")
    return pd.DataFrame({
        "city": t.df["city_zh"], "row": row, "domain_zh": t.df["domain_zh"],
        "indicator_zh": t.df["indicator_zh"], "type_zh": t.text("type_zh"),
        "source_zh": t.text("source_zh"), "standardisation_zh": t.text("standardisation_zh"),
        "iCode": t.text("iCode"),
    })


def _pivot_wide(long: pd.DataFrame, columns: str, values: str, names: Sequence[str],
                order: Sequence[str]) -> pd.DataFrame:
    wide = long.pivot(index="city", columns=columns, values=values)
    wide = wide.reindex(index=pd.Index(names, name="city"), columns=list(order))
    wide.columns.name = None
    return wide


def load_domain_scores(path: PathLike | None = None, *, cities: CitiesArg = None,
                       wide: bool = True) -> pd.DataFrame:
    """Domain scores of every city as printed in the regional figures (图表 12-19), 0..100.

    ``wide=True``: index ``city`` (order of the cities file), columns social, cultural, economic,
    political (float).  ``wide=False``: the validated long table (figure, position, city, domain, score).
    Every city of the universe must have a score for each of the four domains.
    """
    p = resolve_path(path, "domain_scores")
    uni = _universe(cities)
    t = CheckedTable(p, "domain_scores")
    t.required("figure", "position", "city_zh", "domain", "score")
    t.cities("city_zh", uni)
    t.choice("domain", DOMAINS, "domain code")
    position = t.ints("position", lo=1, what="position")
    score = t.floats("score", lo=0, hi=100, what="score")
    t.unique(["domain", "city_zh"],
             lambda i: f"city {t.value(i, 'city_zh')} (domain {t.value(i, 'domain')}, two scores)",
             "each city has one score per domain: delete or correct one of the two lines.")
    t.unique(["figure", "domain", "position"],
             lambda i: f"position {t.value(i, 'position')} in {t.value(i, 'figure')} for domain "
                       f"{t.value(i, 'domain')}")
    # within a figure a position is one city, and a city sits in one figure at one position
    fix = ("a city appears in one figure at one position for all four domains: correct the "
           "figure/position/city on the inconsistent line.")
    t.consistent(["figure", "position"], "city_zh",
                 lambda i: f"position {t.value(i, 'position')} of {t.value(i, 'figure')}", fix)
    t.consistent(["city_zh"], "figure", lambda i: f"city {t.value(i, 'city_zh')}", fix)
    t.consistent(["city_zh"], "position", lambda i: f"city {t.value(i, 'city_zh')}", fix)
    t.complete(t.df["city_zh"], uni)
    combos = pd.MultiIndex.from_frame(t.df[["city_zh", "domain"]])
    full = pd.MultiIndex.from_product([uni.names, DOMAINS])
    lacking = full.difference(combos, sort=False)
    if len(lacking):
        c, d = lacking[0]
        raise t.error(f"city {c} has no {d} score ({len(lacking)} city/domain pair(s) missing).", None,
                      "domain", f"add a line with the {d} score of {c}.")
    long = pd.DataFrame({"figure": t.df["figure"], "position": position, "city": t.df["city_zh"],
                         "domain": t.df["domain"], "score": score})
    if not wide:
        return long
    return _pivot_wide(long, "domain", "score", uni.names, DOMAINS).astype(float)


def load_rankings(path: PathLike | None = None, *, cities: CitiesArg = None,
                  wide: bool = True) -> pd.DataFrame:
    """The printed rankings (图表 3-7): overall and per domain, ranks kept exactly as printed.

    Printed ranks may tie or skip (the social ranking prints 25 twice and no 24); a rank outside 1..n
    (n = number of cities) or a non-integer rank is an error, and so is a city twice in one ranking.
    ``wide=True``: index ``city``, columns overall, social, cultural, economic, political (Int64);
    ``wide=False``: the long table (figure, ranking, position, city, rank).
    """
    p = resolve_path(path, "rankings")
    uni = _universe(cities)
    n = len(uni.names)
    t = CheckedTable(p, "rankings")
    t.required("figure", "ranking", "position", "city_zh", "rank")
    t.choice("ranking", RANKINGS, "ranking")
    t.cities("city_zh", uni)
    position = t.ints("position", lo=1, hi=n, what="position")
    rank = t.ints("rank", lo=1, hi=n, what="rank")
    t.unique(["ranking", "city_zh"], lambda i: f"city {t.value(i, 'city_zh')} in the "
                                               f"{t.value(i, 'ranking')} ranking",
             "a city appears once per ranking: delete or correct one of the two lines.")
    t.unique(["ranking", "position"], lambda i: f"position {t.value(i, 'position')} in the "
                                                f"{t.value(i, 'ranking')} ranking")
    present = set(t.df["ranking"])
    absent = [r for r in RANKINGS if r not in present]
    if absent:
        raise t.error(f"ranking(s) {', '.join(absent)} missing from this table.", None, "ranking",
                      f"add {n} lines for each of them.")
    for r in RANKINGS:          # five rankings, not rows
        t.complete(t.df.loc[t.df["ranking"].eq(r), "city_zh"], uni, f" (ranking {r})")
    long = pd.DataFrame({"figure": t.df["figure"], "ranking": t.df["ranking"], "position": position,
                         "city": t.df["city_zh"], "rank": rank})
    if not wide:
        return long
    return _pivot_wide(long, "ranking", "rank", uni.names, RANKINGS).astype("Int64")


def load_text_top10(path: PathLike | None = None, *, cities: CitiesArg = None) -> pd.DataFrame:
    """The top-10 lists stated in the report's text (四(一)): long table ranking, position, city, source."""
    p = resolve_path(path, "text_top10")
    uni = _universe(cities)
    t = CheckedTable(p, "text_top10")
    t.required("ranking", "position", "city_zh")
    t.choice("ranking", RANKINGS, "ranking")
    t.cities("city_zh", uni)
    position = t.ints("position", lo=1, hi=len(uni.names), what="position")
    t.unique(["ranking", "city_zh"], lambda i: f"city {t.value(i, 'city_zh')} in the "
                                               f"{t.value(i, 'ranking')} top-10 list")
    t.unique(["ranking", "position"], lambda i: f"position {t.value(i, 'position')} in the "
                                                f"{t.value(i, 'ranking')} top-10 list")
    return pd.DataFrame({"ranking": t.df["ranking"], "position": position, "city": t.df["city_zh"],
                         "source": t.text("source")})


def load_clusters(path: PathLike | None = None, *, cities: CitiesArg = None) -> pd.DataFrame:
    """The printed cluster lists (long: cluster, position, city), exactly as printed.

    The report lists some cities twice and omits one; they are kept (use :func:`cluster_list_problems`
    to see them).  Cluster labels are returned as strings, as written.  Unknown city names are an error.
    """
    p = resolve_path(path, "clusters")
    uni = _universe(cities)
    t = CheckedTable(p, "clusters")
    t.required("cluster", "position", "city_zh")
    t.cities("city_zh", uni)
    position = t.ints("position", lo=1, what="position")
    t.unique(["cluster", "position"], lambda i: f"position {t.value(i, 'position')} in cluster "
                                                f"{t.value(i, 'cluster')}")
    return pd.DataFrame({"cluster": t.df["cluster"], "position": position, "city": t.df["city_zh"]})


def cluster_list_problems(clusters_long: pd.DataFrame, cities: CitiesArg = None) -> pd.DataFrame:
    """Cities listed more than once, not at all, or unknown, in a long cluster table.

    Returns one row per problem (:func:`list_problems` against the universe of cities): ``city``, ``kind``
    ('duplicate', 'missing' or 'unknown') and ``clusters`` (tuple of the cluster labels where the city is
    listed, in order; empty if missing). Duplicates and unknown names come in order of first appearance,
    missing cities in universe order.
    """
    p = list_problems(clusters_long, universe=_universe(cities).names, group="cluster", unit="city")
    return pd.DataFrame({"city": p["unit"], "kind": p["problem"].map(LIST_PROBLEMS), "clusters": p["groups"]},
                        dtype=object)


def load_correlations(path: PathLike | None = None) -> pd.DataFrame:
    """The printed correlation table between domain scores (四(五)): long table row_domain, col_domain,
    r (float), r_printed, stars, p_printed (text as printed), n (Int64)."""
    p = resolve_path(path, "correlations")
    t = CheckedTable(p, "correlations")
    t.required("row_domain", "col_domain", "r", "r_printed", "n")
    t.choice("row_domain", DOMAINS, "domain code")
    t.choice("col_domain", DOMAINS, "domain code")
    r = t.floats("r", lo=-1, hi=1, what="correlation")
    t.choice("stars", ["", "*", "**", "***"], "significance mark")
    n = t.ints("n", lo=2, what="number of cities")
    t.unique(["row_domain", "col_domain"], lambda i: f"pair {t.value(i, 'row_domain')}/"
                                                     f"{t.value(i, 'col_domain')}")
    diag = (t.df["row_domain"].eq(t.df["col_domain"]) & r.ne(1.0)).to_numpy()
    t.fail_first(diag, "r", lambda i: f"the correlation of {t.value(i, 'row_domain')} with itself is "
                                      f"{t.value(i, 'r')}, not 1.", "a domain correlates 1 with itself.")
    # symmetric pairs must agree
    key = t.df["row_domain"] + "|" + t.df["col_domain"]
    mirror = t.df["col_domain"] + "|" + t.df["row_domain"]
    r_by_key = pd.Series(r.to_numpy(), index=key.to_numpy())
    other = mirror.map(r_by_key)
    asym = (other.notna() & other.ne(r)).to_numpy()
    t.fail_first(asym, "r", lambda i: f"r({t.value(i, 'row_domain')}, {t.value(i, 'col_domain')}) = "
                                      f"{t.value(i, 'r')} but the mirrored pair has {other.iloc[i]:g}.",
                 "the matrix is symmetric: make both cells equal (as printed).")
    return pd.DataFrame({"row_domain": t.df["row_domain"], "col_domain": t.df["col_domain"], "r": r,
                         "r_printed": t.df["r_printed"], "stars": t.text("stars"),
                         "p_printed": t.text("p_printed"), "n": n})


def correlation_matrix(long: pd.DataFrame) -> pd.DataFrame:
    """The 4×4 matrix of r from :func:`load_correlations`' long table (domain order).

    A pair given in one direction only is mirrored, and a missing diagonal is 1; a pair given in
    neither direction raises :class:`DataValidationError`.
    """
    m = long.pivot(index="row_domain", columns="col_domain", values="r")
    m = m.reindex(index=list(DOMAINS), columns=list(DOMAINS)).astype(float)
    m = m.fillna(m.T)
    diag = np.diag_indices(len(DOMAINS))
    values = m.to_numpy(copy=True)
    values[diag] = np.where(np.isnan(values[diag]), 1.0, values[diag])
    m = pd.DataFrame(values, index=pd.Index(DOMAINS, name="domain"), columns=list(DOMAINS))
    if m.isna().any().any():
        a, b = np.argwhere(m.isna().to_numpy())[0]
        raise DataValidationError(f"no correlation for the pair {DOMAINS[a]}/{DOMAINS[b]}.",
                                  fix="add the pair (in either direction) to the correlations table.")
    return m


def load_gdp_regression(path: PathLike | None = None) -> pd.DataFrame:
    """The printed regressions of scores on GDP (四(六)), indexed by ``domain`` (total + four domains)
    with label_zh, r, r_squared and collinearity_diagnostic (float)."""
    p = resolve_path(path, "gdp_regression")
    t = CheckedTable(p, "gdp_regression")
    t.required("domain", "label_zh", "r", "r_squared")
    t.choice("domain", GDP_REGRESSION_DOMAINS, "domain code")
    t.unique(["domain"], lambda i: f"domain {t.value(i, 'domain')}")
    out = pd.DataFrame({
        "label_zh": t.df["label_zh"],
        "r": t.floats("r", lo=-1, hi=1, what="correlation"),
        "r_squared": t.floats("r_squared", lo=0, hi=1, what="R²"),
        "collinearity_diagnostic": t.floats("collinearity_diagnostic", required=False,
                                            what="collinearity diagnostic"),
    })
    out.index = pd.Index(t.df["domain"], name="domain")
    return out


def load_regions(path: PathLike | None = None, *, cities: CitiesArg = None) -> pd.DataFrame:
    """The regions of 图表 12-19: indexed by ``city`` (order of the cities file) with region, region_zh
    and position (the printed order within the region).  Every city must be in exactly one region."""
    p = resolve_path(path, "regions")
    uni = _universe(cities)
    t = CheckedTable(p, "regions")
    t.required("region", "region_zh", "position", "city_zh")
    t.choice("region", REGIONS, "region code")
    t.consistent(["region"], "region_zh", lambda i: f"region {t.value(i, 'region')}",
                 "write the same region_zh on every line of a region.")
    t.cities("city_zh", uni)
    position = t.ints("position", lo=1, what="position")

    def two(i: int) -> str:
        c = t.value(i, "city_zh")
        where = t.df.index[t.df["city_zh"].eq(c)]
        regs = " and ".join(f"{t.df['region'].iloc[j]} (line {int(t.line[j])})" for j in where)
        return f"city {c} is in two regions: {regs}."

    t.unique(["city_zh"], two, "every city belongs to exactly one region: delete the wrong line.",
             full=True)
    t.unique(["region", "position"], lambda i: f"position {t.value(i, 'position')} in region "
                                               f"{t.value(i, 'region')}")
    t.complete(t.df["city_zh"], uni, " (a city in no region)")
    out = pd.DataFrame({"region": t.df["region"], "region_zh": t.df["region_zh"], "position": position})
    out.index = pd.Index(t.df["city_zh"], name="city")
    return out.reindex(pd.Index(uni.names, name="city"))


def load_compass_lists(path: PathLike | None = None, *,
                       cities: CitiesArg = None) -> dict[str, list[str]]:
    """The report's footnote lists of eastern, western and northern cities: {'east': [...], 'west':
    [...], 'north': [...]} in printed order.  Cities left out are kept out (a published property);
    a city twice in one list is an error."""
    p = resolve_path(path, "compass_lists")
    uni = _universe(cities)
    t = CheckedTable(p, "compass_lists")
    t.required("list", "position", "city_zh")
    t.choice("list", COMPASS_LISTS, "list name")
    t.cities("city_zh", uni)
    position = t.ints("position", lo=1, what="position")
    t.unique(["list", "city_zh"], lambda i: f"city {t.value(i, 'city_zh')} in the "
                                            f"{t.value(i, 'list')} list")
    t.unique(["list", "position"], lambda i: f"position {t.value(i, 'position')} in the "
                                             f"{t.value(i, 'list')} list")
    absent = [x for x in COMPASS_LISTS if x not in set(t.df["list"])]
    if absent:
        raise t.error(f"list(s) {', '.join(absent)} missing from this table.", None, "list",
                      f"add the lines of the {absent[0]} list.")
    long = pd.DataFrame({"list": t.df["list"], "position": position, "city": t.df["city_zh"]})
    long = long.sort_values(["position"], kind="stable")
    grouped = long.groupby("list", sort=False)["city"].agg(list)
    return {name: list(grouped[name]) for name in COMPASS_LISTS}


# --------------------------------------------------------------------------------------------------
# Everything at once
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportData:
    """All bundled tables, loaded against one universe of cities and cross-validated.

    ``files`` maps each table name to the file read; ``checksum`` is :func:`data_checksum` of them.
    """
    data_dir: Path
    cities: pd.DataFrame
    domains: pd.DataFrame
    indicators: pd.DataFrame
    figure02_sources: pd.DataFrame
    domain_scores: pd.DataFrame
    domain_scores_long: pd.DataFrame
    rankings: pd.DataFrame
    rankings_long: pd.DataFrame
    text_top10: pd.DataFrame
    clusters: pd.DataFrame
    correlations: pd.DataFrame
    gdp_regression: pd.DataFrame
    regions: pd.DataFrame
    compass_lists: dict[str, list[str]]
    files: dict[str, Path]
    checksum: str

    @property
    def city_names(self) -> list[str]:
        """The universe of cities, in the order of the cities file."""
        return list(self.cities.index)


def load_report(data_dir: PathLike | None = None) -> ReportData:
    """Load every table of ``data_dir`` (default the bundled ``data/``; it holds ``report/`` and
    ``external/``) against the cities of ``external/cities_2013.csv`` and cross-validate them."""
    root = paths.data_root() if data_dir is None else Path(data_dir)
    if not root.is_dir():
        raise DataValidationError("the data folder does not exist.", file=root,
                                  fix="pass a folder holding report/ and external/ (or None for the "
                                      "bundled data).")
    files = {name: csv_or_xlsx(root / sub / fname) for name, (sub, fname) in FILES.items()}
    cities = load_cities(files["cities"])
    domains = load_domains(files["domains"])
    indicators = load_indicators(files["indicators"])
    # cross-check: the domains' stated number of indicators vs the indicator table
    n_listed = indicators.groupby("domain").size().reindex(domains.index)
    stated = domains["n_indicators_text"]
    off = stated.notna() & stated.ne(n_listed).fillna(True)
    if off.any():
        d = off[off].index[0]
        raise DataValidationError(
            f"domain {d}: domains.csv states {stated[d]} indicators but indicators.csv lists "
            f"{n_listed[d]}.", file=files["domains"], column="n_indicators_text",
            fix="make the two tables agree (the indicators table lists every indicator of the domain).")
    scores_long = load_domain_scores(files["domain_scores"], cities=cities, wide=False)
    rankings_long = load_rankings(files["rankings"], cities=cities, wide=False)
    names = list(cities.index)
    return ReportData(
        data_dir=root,
        cities=cities,
        domains=domains,
        indicators=indicators,
        figure02_sources=load_figure02_sources(files["figure02_sources"], cities=cities,
                                               indicators=indicators, domains=domains),
        domain_scores=_pivot_wide(scores_long, "domain", "score", names, DOMAINS).astype(float),
        domain_scores_long=scores_long,
        rankings=_pivot_wide(rankings_long, "ranking", "rank", names, RANKINGS).astype("Int64"),
        rankings_long=rankings_long,
        text_top10=load_text_top10(files["text_top10"], cities=cities),
        clusters=load_clusters(files["clusters"], cities=cities),
        correlations=load_correlations(files["correlations"]),
        gdp_regression=load_gdp_regression(files["gdp_regression"]),
        regions=load_regions(files["regions"], cities=cities),
        compass_lists=load_compass_lists(files["compass_lists"], cities=cities),
        files=files,
        checksum=data_checksum(files.values()),
    )


def data_checksum(paths_: PathLike | Iterable[PathLike]) -> str:
    """SHA-256 (hex) over the bytes of the given files, for stamping results.

    Accepts one path or several; a folder stands for every file below it.  Each file contributes its
    name (relative to the folder given, or its base name), its length and its bytes, in sorted name
    order, so the checksum does not depend on the order given or on where the data folder lives.
    """
    if isinstance(paths_, (str, os.PathLike)):
        paths_ = [paths_]
    entries: list[tuple[str, Path]] = []
    for item in paths_:
        p = Path(item)
        if p.is_dir():
            entries += [(f.relative_to(p).as_posix(), f) for f in sorted(p.rglob("*")) if f.is_file()]
        elif p.is_file():
            entries.append((p.name, p))
        else:
            raise DataValidationError("cannot checksum a file that does not exist.", file=p,
                                      fix="check the path.")
    h = hashlib.sha256()
    for label, f in sorted(entries, key=lambda e: (e[0], str(e[1]))):
        data = f.read_bytes()
        h.update(label.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
        h.update(data)
    return h.hexdigest()
