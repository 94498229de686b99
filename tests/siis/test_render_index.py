"""The headline table of index.html carries each check's verdict word (its strength), not the bare status of
the comparison, and the English page names figures and cities in English (issue #12)."""

from __future__ import annotations

import re

import pandas as pd

from vitality.siis import render


def _out(tmp_path):
    t = tmp_path / "tables"
    t.mkdir()
    pd.DataFrame({"check": ["claims 图表 10-11", "claims 图表 10-11", "values 图表 12-19"],
                  "item": ["north ≈ south · social", "east > west · social", "南宁 · social"],
                  "published": [1.0, 1.0, 66.47], "reproduced": [1.0, 1.0, 66.47], "difference": [0, 0, 0],
                  "status": ["match", "match", "match"],
                  "strength": ["not contradicted by", "consistent with", "cannot be checked from the printed tables"]}
                 ).to_csv(t / "03_regions-verdict.csv", index=False)
    pd.DataFrame({"method": ["stated: average/sqeuclidean/raw"] * 2, "city": ["北京", "南宁"], "published": [1, 2],
                  "reproduced": [1, 3], "difference": [0, 1], "status": ["match", "differs"]}
                 ).to_csv(t / "02_clustering-verdict.csv", index=False)
    pd.DataFrame({"city_zh": ["南宁", "北京"], "city_en": ["Nanning", "Beijing"]}).to_csv(tmp_path / "cities.csv",
                                                                                      index=False)
    (tmp_path / "figures").mkdir()
    return tmp_path


def test_rows_take_the_strength_column_and_a_status_only_where_there_is_none(tmp_path):
    out = _out(tmp_path)
    v = {e["stem"]: e for e in render.section_verdicts(out)}
    words = [r["strength"] for r in v["03_regions"]["rows"]]
    assert words == ["not contradicted by", "consistent with", "cannot be checked from the printed tables"]
    assert v["03_regions"]["matched"] == 0 and v["03_regions"]["status"] == "partly"     # nothing "reproduces"
    assert [r["strength"] for r in v["02_clustering"]["rows"]] == ["reproduces", "differs"]
    assert v["02_clustering"]["strengths"] == {"reproduces": 1, "differs": 1}


def test_index_shows_the_verdict_words_zh_and_en(tmp_path):
    out = _out(tmp_path)
    zh = render.index_html(out, out / "figures", lang="zh")
    en = render.index_html(out, out / "figures", lang="en")
    head_zh = zh.split('id="headline"')[1].split("</table>")[0]
    head_en = en.split('id="headline"')[1].split("</table>")[0]
    assert "未被否定" in head_zh and ">一致<" not in head_zh
    assert "not contradicted by" in head_en and "consistent with" in head_en and "cannot be checked" in head_en
    assert ">Matches<" not in head_en
    # English: no 图表, no Chinese city names, no raw method codes
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", head_en)
    assert not [c for c in cells if re.search(r"[\u4e00-\u9fff]", c)], cells
    assert "Fig. 10-11" in head_en and "average/sqeuclidean/raw" not in head_en
    assert "average linkage" in head_en


def test_the_chinese_headline_names_every_item_in_chinese(tmp_path):
    """Every item label the seven sections' verdict tables use reads in Chinese on the Chinese page: no
    English word is left but the names of statistics and methods (r, R², ARI, GDP, Ward) and notebook names."""
    from vitality.siis.labels import translate_items

    items = [
        "overall: stated (4 × 0.25) · 图表 3", "overall: equal per indicator · 图表 3", "social · 图表 4",
        "claims 图表 10-11", "values 图表 12-19", "r · social · cultural", "stars agree (1 = yes) · economic · political",
        "total · r", "political · r_squared", "domain scores on the rank-score grid (printed)",
        "domain scores on the rank-score grid (after errata) (大连 left)",
        "domain ranks consistent with the scores (after errata)",
        "overall ranks, stated weights 'equal domains' (printed)",
        "overall ranks, best named weighting 'equal indicators' (after errata)",
        "cities printed exactly once in the cluster lists",
        "overall ranks, best named weighting 'equal indicators' (printed) (some domain weights reproduce all 46 printed places "
        "from the same printed scores (social 0.292–0.302, cultural 0.174–0.180, economic 0.296–0.300, political "
        "0.227–0.231; 01_rankings-weight-space.csv), so these ranks are inconsistent with this weighting, not with "
        "the scores)",
        "overall ranks, best named weighting 'equal indicators' (printed) (no domain weights reproduce all 45 printed places "
        "from the printed scores (largest common margin -0.120 score points), so some ranks are inconsistent with "
        "the scores under every weighting)",
        "overall ranks, some domain weights (printed; the weight region of 01_rankings) (largest common margin 0.029 "
        "score points)",
        "printed classes given by the stated linkage average/sqeuclidean (best standardisation) (ARI 0.573)",
        "printed classes given by ward/euclidean, the best of a 66-combination scan (found by search) (ARI 1.000; omitted: 秦皇岛→5; 2 combination(s) of the scan "
        "reach ARI 1 (02_clustering lists them))",
        "printed correlations reproduced (printed scores)",
        "printed GDP r recomputed (printed scores, bundled GDP) (bundled GDP series (mixed vintages))",
        "printed GDP R² recomputed (printed scores, bundled GDP) (R² compared to its own printed decimals)",
        "machine-detectable findings recorded in the errata table",
    ]
    allowed = {"r", "R", "ARI", "GDP", "Ward", "02_clustering", "01_rankings"}
    for item in items:
        zh = render._item_text(item, "zh")
        words = set(re.findall(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*", re.sub(r"[\w-]+\.csv", "", zh))) - allowed
        assert not words, (item, zh, words)
        assert zh.count("（") == zh.count("）") and "(" not in zh and ")" not in zh, zh
    assert translate_items("overall: equal per indicator · 图表 3") == "总指数：等指标权重 · 图表 3"
