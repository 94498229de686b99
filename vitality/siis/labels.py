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


#: one colour per domain, from Okabe & Ito's colour-blind-safe palette (no red/green pair; readable in grey)
DOMAIN_COLOURS = {"social": "#0072B2", "cultural": "#E69F00", "economic": "#009E73", "political": "#CC79A7",
                  "total": "#000000"}


#: east/west and north/south sides (Okabe–Ito: blue vs orange, bluish green vs reddish purple)
SIDE_COLOURS = {"east": "#0072B2", "west": "#E69F00", "north": "#009E73", "south": "#CC79A7"}


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
           "centroid": "质心聚类", "median": "中位数聚类", "weighted": "加权平均联接（WPGMA）",
           "within": "平均联接（组内）"},
    "en": {"average": "average linkage (between groups, UPGMA)", "complete": "complete linkage",
           "single": "single linkage", "ward": "Ward's method", "centroid": "centroid linkage",
           "median": "median linkage", "weighted": "weighted average linkage (WPGMA)",
           "within": "average linkage (within groups)"},
}


METRIC_NAMES = {
    "zh": {"sqeuclidean": "平方欧氏距离", "euclidean": "欧氏距离", "cityblock": "块距离", "cosine": "余弦距离",
           "correlation": "相关距离", "chebyshev": "切比雪夫距离"},
    "en": {"sqeuclidean": "squared Euclidean", "euclidean": "Euclidean", "cityblock": "city-block",
           "cosine": "cosine", "correlation": "correlation distance", "chebyshev": "Chebychev"},
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


#: the note under every figure of the report layer (:func:`vitality.style.save_figure` writes it)
SOURCE_NOTE = {
    "zh": "数据来源：上海国际问题研究院《城市对外交往活力指数研究报告》（2015）；本项目复现计算",
    "en": "Source: SIIS, City International Communication Vitality Index report (2015); reproduced by vitality",
}
#: the note under figures that also use the 2013 GDP series (data/external/cities_2013_SOURCES.md)
SOURCE_NOTE_GDP = {
    "zh": "数据来源：上海国际问题研究院《城市对外交往活力指数研究报告》（2015）；GDP：国家统计局及各市统计公报（2013）；"
          "本项目复现计算",
    "en": "Source: SIIS, City International Communication Vitality Index report (2015); GDP: NBS and city "
          "statistical communiqués (2013); reproduced by vitality",
}


def source_note(lang: str = "zh", *, gdp: bool = False) -> str:
    """The source note of a figure (``gdp=True`` for figures using the 2013 GDP series)."""
    return (SOURCE_NOTE_GDP if gdp else SOURCE_NOTE)[check_lang(lang)]


#: English technical terms that reach figures from tables and method names, with their Chinese display names
#: (applied to Chinese figures by :func:`vitality.style.save_figure`; longest first)
TERMS_ZH = {
    "text example (social 0.2)": "正文示例（社会 0.2）",
    "equal indicators": "等指标权重", "equal per indicator": "等指标权重", "equal domains": "四领域等权",
    "stated (4 × 0.25)": "报告所述（4 × 0.25）", "your weights": "自定权重",
    "sqeuclidean": "平方欧氏", "euclidean": "欧氏", "cityblock": "块距离", "cosine": "余弦",
    "correlation": "相关距离", "average": "平均联接", "complete": "最远邻", "single": "最近邻",
    "centroid": "质心", "median": "中位数", "weighted": "加权平均", "ward": "Ward", "within": "组内平均联接",
    "chebyshev": "切比雪夫",
}


#: the item labels of the sections' verdict tables (``tables/<stem>-verdict.csv``) in Chinese, for the
#: headline table of the Chinese ``index.html``: (regular expression, replacement), applied in order,
#: before :data:`TERMS_ZH` (whole words). The tables themselves keep their English codes.
ITEMS_ZH = [
    (r"^overall: ", "总指数："),
    (r"\boverall ranks, stated weights\b", "总排名，报告所述权重"),
    (r"\boverall ranks, best named weighting\b", "总排名，所列权重中最佳"),
    (r"\boverall ranks, some domain weights \(printed; the weight region of (\w+)\)",
     r"总排名，部分领域权重（按印刷值；\1 的权重区域）"),
    (r"\blargest common margin ([-\d.]+) score points\b", r"最大公共余量 \1 分"),
    (r"\bsome domain weights reproduce all (\d+) printed places from the same printed scores \(",
     r"在某些领域权重下，同一组印刷得分给出全部 \1 个印刷名次（"),
    (r", so these ranks are inconsistent with this weighting, not with the scores",
     "，故这些名次与该权重不一致，而非与得分不一致"),
    (r"\bno domain weights reproduce all (\d+) printed places from the printed scores \(",
     r"任何领域权重下印刷得分都给不出全部 \1 个印刷名次（"),
    (r", so some ranks are inconsistent with the scores under every weighting",
     "，故某些名次在任何权重下都与得分不一致"),
    (r"'([^']+)'", r"「\1」"),
    (r"\bdomain scores on the rank-score grid\b", "领域得分落在排名计分网格上"),
    (r"\bdomain ranks consistent with the scores\b", "领域排名与得分一致"),
    (r"\bcities printed exactly once in the cluster lists\b", "聚类名单中每个城市恰好出现一次"),
    (r"\bprinted classes given by the stated linkage\b", "报告所述联接给出的印刷类别："),
    (r", the best of a (\d+)-combination scan \(found by search\)", r"，\1 种组合扫描中最佳（检索所得）"),
    (r"\bprinted classes given by\b", "给出印刷类别的方法："),
    (r"\bprinted correlations reproduced\b", "印刷的相关系数复现"),
    (r"\bprinted GDP (r|R²) recomputed\b", r"重算印刷的 GDP \1"),
    (r"\bmachine-detectable findings recorded in the errata table\b", "可机器检出的问题均已记入勘误表"),
    (r"\(best standardisation\)", "（最佳标准化）"),
    (r"\(printed scores, bundled GDP\)", "（按印刷得分、随附 GDP）"),
    (r"\(printed scores\)", "（按印刷得分）"),
    (r"\(bundled GDP series \(mixed vintages\)\)", "（随附 GDP 序列，年份版本混合）"),
    (r"\(R² compared to its own printed decimals\)", "（R² 按其印刷的小数位比较）"),
    (r"\(printed\)", "（按印刷值）"),
    (r"\(after errata\)", "（勘误后）"),
    (r"\((\S+) left\)", r"（仍不符：\1）"),
    (r"\bomitted: ", "未列出："),
    (r"(\d+) combination\(s\) of the scan reach ARI 1 \((\w+) lists them\)", r"扫描中有 \1 种组合达到 ARI 1（\2 列出）"),
    (r"^claims ", "论断 "),
    (r"^values ", "数值 "),
    (r"\bstars agree \(1 = yes\)", "显著性星号一致（1 = 是）"),
    (r"\btotal\b", "总指数"),
    (r"\bsocial\b", "社会"),
    (r"\bcultural\b", "文化"),
    (r"\beconomic\b", "经贸"),
    (r"\bpolitical\b", "政治"),
    (r"\(ARI ([^;()]*)\)", r"（ARI \1）"),
    (r"\(ARI ([^;()]*); ", r"（ARI \1；"),
    (r"; ", "；"),
    (r"(?<=）)\)$", "）"),
    (r"\((?=[\u4e00-\u9fff])", "（"),            # a bracket around Chinese words is full-width
    (r"(?:(?<=[\u4e00-\u9fff])|(?<=csv))\)", "）"),
]


def translate_items(text: str) -> str:
    """A verdict-table item label in Chinese (:data:`ITEMS_ZH`, then :data:`TERMS_ZH`).

    >>> translate_items("overall: equal per indicator · 图表 3")
    '总指数：等指标权重 · 图表 3'
    >>> translate_items("domain scores on the rank-score grid (after errata) (大连 left)")
    '领域得分落在排名计分网格上（勘误后）（仍不符：大连）'
    """
    import re

    for pattern, repl in ITEMS_ZH:
        text = re.sub(pattern, repl, text)
    text = translate_terms(text, "zh")
    return re.sub(r"\s+(?=[（「])|(?<=[）」：])\s+", "", text)    # no spaces around full-width brackets

def translate_terms(text: str, lang: str) -> str:
    """``text`` with the terms of :data:`TERMS_ZH` in Chinese when ``lang == 'zh'`` (whole words only)."""
    import re

    if lang != "zh" or not re.search(r"[A-Za-z]", text):
        return text
    for en in sorted(TERMS_ZH, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(en)}(?![A-Za-z])", TERMS_ZH[en], text)
    return text


def _register_source_note() -> None:
    from .. import style

    style.set_source_note(zh=SOURCE_NOTE["zh"], en=SOURCE_NOTE["en"])
    style.set_translator(translate_terms)


_register_source_note()
