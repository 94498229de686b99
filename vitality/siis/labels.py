"""The report's zh/en labels: domains, cities, regions, east/west/north/south, subsets, clustering choices.

One place for every display name the notebooks and figures use."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from ..errors import ConfigError
from ..style import check_lang

__all__ = ['DOMAIN_NAMES', 'DOMAIN_SHORT', 'DOMAIN_COLOURS', 'SIDE_COLOURS', 'SIDE_NAMES', 'SUBSET_NAMES',
           'SUBSET_SHADE', 'ZH_NUMERALS', 'REGION_EN', 'city_labels', 'domain_name', 'LINKAGE_NAMES', 'METRIC_NAMES',
           'method_label']

#: Domain names as the report charts them (图表 10–19: "社会活力指数" ...) and short forms.
DOMAIN_NAMES = {
    "zh": {"social": "社会活力指数", "cultural": "文化活力指数", "economic": "经贸活力指数",
           "political": "政治活力指数", "total": "总分"},
    "en": {"social": "Social vitality", "cultural": "Cultural vitality", "economic": "Economic vitality",
           "political": "Political vitality", "total": "Overall index"},
}


DOMAIN_SHORT = {
    "zh": {"social": "社会", "cultural": "文化", "economic": "经贸", "political": "政治", "total": "总分"},
    "en": {"social": "Social", "cultural": "Cultural", "economic": "Economic", "political": "Political",
           "total": "Overall"},
}


DOMAIN_COLOURS = {"social": "#4472C4", "cultural": "#ED7D31", "economic": "#A5A5A5", "political": "#FFC000",
                   "total": "#2F4F4F"}


SIDE_COLOURS = {"east": "#1f77b4", "west": "#d62728", "north": "#2ca02c", "south": "#ff7f0e"}


SIDE_NAMES = {"zh": {"east": "东部", "west": "西部", "north": "北部", "south": "南部"},
               "en": {"east": "East", "west": "West", "north": "North", "south": "South"}}


SUBSET_NAMES = {"zh": {"all": "整体", "capital": "省会/直辖市", "other": "非省会/直辖市"},
                 "en": {"all": "all", "capital": "capitals/municipalities", "other": "other cities"}}


SUBSET_SHADE = {"all": 0.0, "capital": 0.35, "other": 0.6}


ZH_NUMERALS = dict(enumerate("零一二三四五六七八九十", start=0)) | {11: "十一", 12: "十二", 13: "十三", 14: "十四"}


REGION_EN = {"northeast": "Northeast China", "north": "North China", "east": "East China",
              "central": "Central China", "south": "South China", "southwest": "Southwest China",
              "northwest": "Northwest China"}


def city_labels(units: Sequence[str], cities: pd.DataFrame | None = None, lang: str = "zh") -> list[str]:
    """Display names of cities: the Chinese key for ``'zh'``, ``cities.city_en`` for ``'en'``."""
    lang = check_lang(lang)
    units = list(units)
    if lang == "zh":
        return [str(u) for u in units]
    if cities is None or "city_en" not in cities.columns:
        raise ConfigError("English city labels need the cities table (with a city_en column).")
    en = cities["city_en"].reindex(units)
    if en.isna().any():
        raise ConfigError(f"no English name for {list(en.index[en.isna()])} in cities.city_en.")
    return [str(v) for v in en]


def domain_name(code: str, lang: str = "zh", *, short: bool = False) -> str:
    """Label of a domain code (``'total'`` too)."""
    names = (DOMAIN_SHORT if short else DOMAIN_NAMES)[check_lang(lang)]
    return names.get(code, str(code))


LINKAGE_NAMES = {
    "zh": {"average": "平均联接（组间）", "complete": "最远邻元素", "single": "最近邻元素", "ward": "Ward 法",
           "centroid": "质心聚类", "median": "中位数聚类", "weighted": "加权平均联接（WPGMA）"},
    "en": {"average": "average linkage (between groups, UPGMA)", "complete": "complete linkage",
           "single": "single linkage", "ward": "Ward's method", "centroid": "centroid linkage",
           "median": "median linkage", "weighted": "weighted average linkage (WPGMA)"},
}


METRIC_NAMES = {
    "zh": {"sqeuclidean": "平方欧氏距离", "euclidean": "欧氏距离", "cityblock": "块距离", "cosine": "余弦距离",
           "correlation": "相关距离"},
    "en": {"sqeuclidean": "squared Euclidean", "euclidean": "Euclidean", "cityblock": "city-block",
           "cosine": "cosine", "correlation": "correlation distance"},
}


def method_label(method: str, metric: str, standardise=False, lang: str = "zh") -> str:
    """Readable name of a clustering choice, e.g. "平均联接（组间），平方欧氏距离，原始得分"."""
    lang = check_lang(lang)
    std = bool(standardise) and standardise != "none"
    if lang == "zh":
        return (f"{LINKAGE_NAMES['zh'].get(method, method)}，{METRIC_NAMES['zh'].get(metric, metric)}，"
                f"{'Z 标准化' if std else '原始得分'}")
    return (f"{LINKAGE_NAMES['en'].get(method, method)}, {METRIC_NAMES['en'].get(metric, metric)}, "
            f"{'z-scores' if std else 'raw scores'}")
