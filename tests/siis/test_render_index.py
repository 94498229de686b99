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
