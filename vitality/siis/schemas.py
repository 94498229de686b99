"""What the report's tables look like: their names, files and columns, and the report's code lists.

The one description of the bundled tables (``data/report``, ``data/external``): :data:`SCHEMAS` (the expected
columns of every table, in file order) and :data:`FILES` (where each lives), plus the code lists every
section uses (:data:`DOMAINS`, :data:`RANKINGS`, :data:`REGIONS`, ...).  Read by the checks of
:mod:`vitality.siis.validation` and the loaders of :mod:`vitality.siis.data` (which re-exports every name).
"""

from __future__ import annotations

import os
from typing import Sequence, Union

import pandas as pd

__all__ = ['PathLike', 'CitiesArg', 'DOMAINS', 'RANKINGS', 'REGIONS', 'COMPASS_LISTS', 'GDP_REGRESSION_DOMAINS',
           'SCHEMAS', 'FILES']

PathLike = Union[str, "os.PathLike[str]"]
CitiesArg = Union[None, PathLike, pd.DataFrame, Sequence[str]]

#: Domain codes, in the report's order.
DOMAINS: tuple[str, ...] = ("social", "cultural", "economic", "political")
#: Rankings printed in the report (图表 3-7): the overall index, then one per domain.
RANKINGS: tuple[str, ...] = ("overall",) + DOMAINS
#: The seven regions of 图表 12-19.
REGIONS: tuple[str, ...] = ("northeast", "north", "east", "central", "south", "southwest", "northwest")
#: The footnote's lists of eastern, western and northern cities.
COMPASS_LISTS: tuple[str, ...] = ("east", "west", "north")
#: Rows of the GDP regression table: the total score and the four domains.
GDP_REGRESSION_DOMAINS: tuple[str, ...] = ("total",) + DOMAINS

#: Expected columns of every table, in file order.
SCHEMAS: dict[str, tuple[str, ...]] = {
    "cities": ("city_zh", "city_en", "province_zh", "province_en", "admin_level",
               "is_capital_or_municipality", "lat", "lon", "gdp_2013_100m_cny", "population_2013_10k",
               "gdp_source", "notes"),
    "domains": ("domain", "name_zh", "name_zh_alt", "name_en", "order", "n_indicators_text",
                "stated_weight", "source"),
    "indicators": ("iCode", "domain", "order", "name_zh", "name_en", "figure01_label_zh",
                   "text_label_zh", "source"),
    "figure02_sources": ("city_zh", "row", "domain_zh", "indicator_zh", "type_zh", "source_zh",
                         "standardisation_zh", "iCode"),
    "domain_scores": ("figure", "position", "city_zh", "domain", "score"),
    "rankings": ("figure", "ranking", "position", "city_zh", "rank"),
    "text_top10": ("ranking", "position", "city_zh", "source"),
    "clusters": ("cluster", "position", "city_zh"),
    "correlations": ("row_domain", "col_domain", "r", "r_printed", "stars", "p_printed", "n"),
    "gdp_regression": ("domain", "label_zh", "r", "r_squared", "collinearity_diagnostic"),
    "regions": ("region", "region_zh", "position", "city_zh"),
    "compass_lists": ("list", "position", "city_zh"),
}

#: Where each table lives: (sub-folder of the data folder, file name).
FILES: dict[str, tuple[str, str]] = {
    "cities": ("external", "cities_2013.csv"),
    **{name: ("report", f"{name}.csv") for name in SCHEMAS if name != "cities"},
}
