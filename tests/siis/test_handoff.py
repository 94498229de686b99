"""The master table a researcher can hand on (issue #12): one row per city, names a statistics package takes,
a dictionary for every column, the same rows in CSV, Excel and GeoJSON, one provenance file."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from vitality.siis import data, handoff, model


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("handoff")
    return out, handoff.write_handoff(out, progress=False)


def test_one_row_per_city_with_everything_the_issue_names(written):
    out, files = written
    t = pd.read_csv(files["csv"], encoding="utf-8")
    assert len(t) == 46 and t["city_zh"].is_unique and t["city_en"].notna().all()
    need = {"city_zh", "city_en", "province_zh", "province_en", "region", "region_en", "list_east", "list_west",
            "list_north", "capital", "lat", "lon", "gdp_2013", "gdp_source", "rank_published", "cluster_published",
            "cluster_ward", "gdp_residual", "rank_q05", "rank_q95"}
    need |= {f"{d}_{v}" for d in data.DOMAINS for v in ("printed", "corrected")}
    need |= {f"rank_{handoff.weighting_code(w)}" for w in model.weightings()}
    need |= {f"rank_{d}_{v}" for d in data.DOMAINS for v in ("published", "reproduced")}
    assert need <= set(t.columns), need - set(t.columns)
    assert t["capital"].sum() == 31          # 4 municipalities + 27 provincial capitals among the 46
    rep = data.load_report()
    assert (t.set_index("city_zh")["social_printed"] == rep.domain_scores["social"]).all()
    # the equal-per-indicator weighting reproduces 40 published overall ranks exactly (README, notebook 01)
    assert int((t["rank_eqind"] == t["rank_published"]).sum()) == 40
    assert (t["cluster_ward"] == t["cluster_published"]).sum() == 45   # all the printed cities but 秦皇岛


def test_column_names_suit_stata_and_the_dictionary_covers_them(written):
    out, files = written
    t = pd.read_csv(files["csv"], encoding="utf-8")
    d = pd.read_csv(files["dictionary"], encoding="utf-8")
    for c in t.columns:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", c) and len(c) <= 32, c
    assert list(d["column"]) == list(t.columns)
    assert d[["label_en", "label_zh"]].notna().all().all()
    assert d.set_index("column").at["gdp_2013", "unit"].startswith("100 million CNY")
    with pytest.raises(Exception):
        handoff.check_column_names(["Bad Name"])


def test_numbers_are_rounded_as_people_read_them(written):
    out, files = written
    text = files["csv"].read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{10,}|0000000|9999999", text), "float noise in cities.csv"
    assert "98.55" in text       # 北京's printed cultural score, as printed


def test_excel_has_the_master_table_a_sheet_per_section_and_a_dictionary(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"check": ["a"], "published": [1.0], "reproduced": [1.0], "status": ["match"]}).to_csv(
        tables / "04_correlations-verdict.csv", index=False)
    files = handoff.write_handoff(tmp_path, progress=False)
    wb = openpyxl.load_workbook(files["xlsx"], read_only=True)
    assert wb.sheetnames[0] == "cities" and "04_correlations" in wb.sheetnames
    assert {"dictionary", "provenance"} <= set(wb.sheetnames)
    ws = wb["cities"]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert header[:2] == ["city_zh", "city_en"] and ws.max_row == 47


def test_geojson_points_for_qgis(written):
    out, files = written
    gj = json.loads(files["geojson"].read_text(encoding="utf-8"))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 46
    f = next(f for f in gj["features"] if f["properties"]["city_zh"] == "北京")
    lon, lat = f["geometry"]["coordinates"]
    assert 116 < lon < 117 and 39.5 < lat < 40.5
    assert f["properties"]["city_en"] == "Beijing"


def test_one_provenance_file_with_data_checksums(written):
    out, files = written
    rec = json.loads(files["provenance"].read_text(encoding="utf-8"))
    assert rec["vitality_version"] and any(k.endswith("domain_scores.csv") for k in rec["data_sha256"])
    assert list(out.glob("*.provenance.json")) == []       # one record, in one place


def test_rank_intervals_come_from_notebook_07_when_it_ran(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    rep = data.load_report()
    pd.DataFrame({"code": "vitality", "unit": rep.domain_scores.index, "q05": 1.0, "median": 2.0,
                  "q95": 3.0}).to_csv(tables / "07_robustness-rank-stats.csv", index=False)
    t, d = handoff.master_table(tmp_path)
    assert (t["rank_q95"] == 3.0).all()
    assert "notebook 07" in d.set_index("column").at["rank_q95", "source"]
