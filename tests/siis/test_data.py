"""Tests of vitality.io: the loaders on the bundled data, and one test per kind of bad input.

Bad inputs are made on copies of the bundled files (or small fixture files) in tmp_path; every test
checks that the error names the file, the 1-based line (header = line 1), the column and/or city, and
says how to fix it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vitality.errors import DataValidationError
from vitality.siis import data, paths

N_CITIES = 46


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report() -> data.ReportData:
    return data.load_report()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/report and data/external/cities_2013.csv under tmp_path/data."""
    root = tmp_path / "data"
    shutil.copytree(paths.REPORT_DATA, root / "report")
    (root / "external").mkdir()
    shutil.copyfile(paths.EXTERNAL_DATA / "cities_2013.csv", root / "external" / "cities_2013.csv")
    for f in root.rglob("*"):
        f.chmod(0o644 if f.is_file() else 0o755)
    return root


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines), encoding="utf-8")


def line_no(path: Path, startswith: str) -> int:
    """1-based number of the first line starting with ``startswith``."""
    for i, line in enumerate(lines_of(path), start=1):
        if line.startswith(startswith):
            return i
    raise AssertionError(f"no line starting with {startswith!r} in {path}")


def replace_line(path: Path, startswith: str, new: str) -> int:
    """Replace the first line starting with ``startswith`` by ``new``; returns its line number."""
    lines = lines_of(path)
    n = line_no(path, startswith)
    lines[n - 1] = new
    write_lines(path, lines)
    return n


def delete_lines(path: Path, predicate) -> list[int]:
    lines = lines_of(path)
    gone = [i for i, line in enumerate(lines, start=1) if i > 1 and predicate(line)]
    write_lines(path, [line for i, line in enumerate(lines, start=1) if i not in gone])
    return gone


def expect_error(fn, *args, file: Path, line: int | None, column: str | None, contains=(), **kw):
    """Call fn, expect DataValidationError; check file, line, column, fix and message fragments."""
    with pytest.raises(DataValidationError) as info:
        fn(*args, **kw)
    err = info.value
    msg = str(err)
    assert err.file == str(file), msg
    assert str(file) in msg
    assert err.row == line, msg
    if line is not None:
        assert f"line {line}" in msg
    if column is not None:
        assert err.column == column, msg
        assert repr(column) in msg
    assert err.fix, msg
    assert "Fix:" in msg
    for fragment in contains:
        assert fragment in msg, f"{fragment!r} not in: {msg}"
    return err


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------------------------------
# the bundled data
# --------------------------------------------------------------------------------------------------

def test_cities(report):
    c = data.load_cities()
    assert c.shape == (N_CITIES, 12)
    assert c.index.name == "city" and c.index.is_unique
    assert list(c.index) == list(c["city_zh"])
    assert list(c.columns) == list(data.SCHEMAS["cities"])
    assert c["is_capital_or_municipality"].dtype == bool
    assert c.loc["北京", "is_capital_or_municipality"] and not c.loc["深圳", "is_capital_or_municipality"]
    for col in ("lat", "lon", "gdp_2013_100m_cny", "population_2013_10k"):
        assert c[col].dtype == float
    assert c.loc["北京", "gdp_2013_100m_cny"] == pytest.approx(19500.56)
    # missing values stay missing: population is given for the municipalities only
    assert c.loc["北京", "population_2013_10k"] == 2115.0
    assert np.isnan(c.loc["广州", "population_2013_10k"])
    assert c["population_2013_10k"].notna().sum() == 4
    assert c.attrs["source"] == str(paths.EXTERNAL_DATA / "cities_2013.csv")
    pd.testing.assert_frame_equal(c, report.cities)


def test_domains_and_indicators(report):
    d = data.load_domains()
    assert list(d.index) == list(data.DOMAINS)
    assert d["stated_weight"].sum() == pytest.approx(1.0)
    assert d.loc["economic", "name_zh_alt"] == "经济"
    assert pd.isna(d.loc["social", "name_zh_alt"])
    ind = data.load_indicators()
    assert len(ind) == 17 and ind.index.is_unique and ind.index.name == "iCode"
    counts = ind.groupby("domain").size()
    assert counts.to_dict() == {"social": 5, "cultural": 3, "economic": 5, "political": 4}
    assert (counts.reindex(d.index) == d["n_indicators_text"]).all()
    assert set(ind["domain"]) == set(data.DOMAINS)


def test_figure02_sources(report):
    f = data.load_figure02_sources()
    assert set(f["city"]) == {"北京", "上海", "广州"}
    assert f["iCode"].dropna().isin(report.indicators.index).all()
    assert f["iCode"].isna().sum() == 2          # the printed 文化多元 rows have no indicator in 图表 1
    assert not f.duplicated(["city", "row"]).any()
    pd.testing.assert_frame_equal(f, report.figure02_sources)


def test_domain_scores(report):
    s = data.load_domain_scores()
    assert s.shape == (N_CITIES, 4)
    assert list(s.columns) == list(data.DOMAINS)
    assert s.index.name == "city"
    assert list(s.index) == list(report.cities.index)       # stable order: the cities file
    assert (s.dtypes == float).all()
    assert s.notna().all().all()
    assert ((s >= 0) & (s <= 100)).all().all()
    assert s.loc["北京", "social"] == pytest.approx(93.48)
    assert s.loc["武汉", "social"] == pytest.approx(66.69)
    long = data.load_domain_scores(wide=False)
    assert long.shape == (N_CITIES * 4, 5)
    assert list(long.columns) == ["figure", "position", "city", "domain", "score"]
    assert long["city"].nunique() == N_CITIES
    assert long.groupby("domain")["city"].nunique().eq(N_CITIES).all()
    pd.testing.assert_frame_equal(s, report.domain_scores)


def test_rankings(report):
    r = data.load_rankings()
    assert r.shape == (N_CITIES, 5)
    assert list(r.columns) == list(data.RANKINGS)
    assert (r.dtypes == "Int64").all()
    assert list(r.index) == list(report.cities.index)
    assert r.notna().all().all()
    assert r.loc["北京", "overall"] == 1 and r.loc["上海", "economic"] == 1
    # the social ranking prints rank 25 twice and no 24: kept as printed
    social = r["social"]
    assert (social == 25).sum() == 2
    assert set(social[social == 25].index) == {"太原", "南通"}
    assert 24 not in set(social)
    for other in ("overall", "cultural", "economic", "political"):
        assert sorted(r[other]) == list(range(1, N_CITIES + 1))
    long = data.load_rankings(wide=False)
    assert len(long) == N_CITIES * 5
    assert long.groupby("ranking")["city"].nunique().eq(N_CITIES).all()
    assert not long.duplicated(["ranking", "city"]).any()
    pd.testing.assert_frame_equal(r, report.rankings)


def test_text_top10_agrees_with_figures(report):
    t = data.load_text_top10()
    assert t.shape == (50, 4)
    assert t.groupby("ranking").size().eq(10).all()
    long = report.rankings_long.sort_values(["ranking", "position"])
    for name, group in t.groupby("ranking"):
        printed = list(long.loc[long["ranking"] == name, "city"])[:10]
        assert list(group.sort_values("position")["city"]) == printed, name


def test_clusters_as_printed(report):
    cl = data.load_clusters()
    assert list(cl.columns) == ["cluster", "position", "city"]
    assert len(cl) == 48                       # 46 cities, three listed twice, one omitted
    assert sorted(cl["cluster"].unique()) == ["1", "2", "3", "4", "5"]
    problems = data.cluster_list_problems(cl)
    dup = problems[problems["kind"] == "duplicate"]
    assert set(dup["city"]) == {"广州", "贵阳", "西宁"}
    assert dup.set_index("city").loc["广州", "clusters"] == ("2", "2")
    missing = problems[problems["kind"] == "missing"]
    assert list(missing["city"]) == ["秦皇岛"]
    assert missing["clusters"].iloc[0] == ()
    assert set(problems["kind"]) == {"duplicate", "missing"}
    assert set(cl["city"]) | set(missing["city"]) == set(report.cities.index)


def test_cluster_list_problems_unknown_city():
    cl = pd.DataFrame({"cluster": ["a", "a", "b"], "position": [1, 2, 1], "city": ["x", "y", "z"]})
    p = data.cluster_list_problems(cl, cities=["x", "y", "w"])
    assert p.set_index("city")["kind"].to_dict() == {"w": "missing", "z": "unknown"}


def test_correlations(report):
    long = data.load_correlations()
    assert len(long) == 16
    m = data.correlation_matrix(long)
    assert m.shape == (4, 4)
    assert list(m.index) == list(data.DOMAINS) == list(m.columns)
    np.testing.assert_allclose(m.to_numpy(), m.to_numpy().T)
    assert (np.diag(m) == 1).all()
    assert m.loc["social", "political"] == pytest.approx(0.748)
    # a lower triangle alone gives the same matrix
    lower = long[long["row_domain"].map(data.DOMAINS.index) > long["col_domain"].map(data.DOMAINS.index)]
    pd.testing.assert_frame_equal(data.correlation_matrix(lower), m)
    with pytest.raises(DataValidationError, match="no correlation for the pair"):
        data.correlation_matrix(lower.iloc[1:])


def test_gdp_regression(report):
    g = data.load_gdp_regression()
    assert list(g.index) == ["total", "political", "economic", "cultural", "social"]
    assert g.loc["total", "r"] == pytest.approx(0.847)
    # printed R² is the square of printed r, up to the rounding of r to 3 decimals
    assert np.abs(g["r"] ** 2 - g["r_squared"]).max() < 1e-3


def test_regions_partition_the_cities(report):
    reg = data.load_regions()
    assert list(reg.index) == list(report.cities.index)
    assert reg["region"].notna().all()
    assert set(reg["region"]) == set(data.REGIONS)
    assert reg.groupby("region").size().sum() == N_CITIES
    assert reg.loc["北京", "region"] == "north" and reg.loc["北京", "region_zh"] == "华北"
    assert reg.groupby("region")["region_zh"].nunique().eq(1).all()


def test_compass_lists(report):
    lists = data.load_compass_lists()
    assert list(lists) == ["east", "west", "north"]
    assert [len(v) for v in lists.values()] == [21, 16, 19]
    assert lists["east"][:2] == ["大连", "哈尔滨"]
    for name, cities in lists.items():
        assert len(set(cities)) == len(cities), name
        assert set(cities) <= set(report.cities.index)
    # the footnote leaves some cities out (e.g. 广州, 深圳): a published property, not an error
    listed = set().union(*map(set, lists.values()))
    assert {"广州", "深圳"} <= set(report.cities.index) - listed


def test_every_city_in_every_table(report):
    cities = set(report.cities.index)
    assert len(cities) == N_CITIES
    assert set(report.domain_scores.index) == cities
    assert set(report.domain_scores_long["city"]) == cities
    for name in data.RANKINGS:
        ranked = report.rankings_long.loc[report.rankings_long["ranking"] == name, "city"]
        assert ranked.is_unique and set(ranked) == cities, name
    assert set(report.regions.index) == cities
    assert set(report.clusters["city"]) <= cities
    assert set(report.text_top10["city"]) <= cities


def test_load_report(report, data_copy):
    assert dataclasses.is_dataclass(report)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.cities = None
    assert set(report.files) == set(data.FILES)
    assert all(p.is_file() for p in report.files.values())
    assert len(report.checksum) == 64
    assert report.checksum == data.data_checksum(report.files.values())
    assert report.city_names == list(report.cities.index)
    # the same data in another folder loads identically, with the same checksum
    other = data.load_report(data_copy)
    assert other.checksum == report.checksum
    pd.testing.assert_frame_equal(other.domain_scores, report.domain_scores)
    assert other.compass_lists == report.compass_lists


def test_data_checksum(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(b"x,y\n1,2\n")
    b.write_bytes(b"z\n3\n")
    h = data.data_checksum([a, b])
    assert h == data.data_checksum([b, a]) == data.data_checksum(tmp_path)
    assert len(h) == 64 and h != data.data_checksum([a])
    b.write_bytes(b"z\n4\n")
    assert data.data_checksum([a, b]) != h
    with pytest.raises(DataValidationError, match="does not exist"):
        data.data_checksum(tmp_path / "nope.csv")


def test_loading_never_writes_into_data(report):
    before = tree_digest(paths.DATA)
    data.load_report()
    data.load_cities(), data.load_domains(), data.load_indicators(), data.load_figure02_sources()
    data.load_domain_scores(), data.load_domain_scores(wide=False), data.load_rankings()
    data.load_rankings(wide=False), data.load_text_top10(), data.load_clusters(), data.load_correlations()
    data.load_gdp_regression(), data.load_regions(), data.load_compass_lists()
    data.cluster_list_problems(data.load_clusters())
    data.data_checksum(paths.DATA)
    assert tree_digest(paths.DATA) == before


def test_path_may_be_a_folder_or_a_file(report, data_copy):
    by_report_folder = data.load_domain_scores(data_copy / "report")
    by_data_folder = data.load_domain_scores(data_copy)
    by_file = data.load_domain_scores(data_copy / "report" / "domain_scores.csv")
    for df in (by_report_folder, by_data_folder, by_file):
        pd.testing.assert_frame_equal(df, report.domain_scores)
    pd.testing.assert_frame_equal(data.load_cities(data_copy), report.cities)
    with pytest.raises(DataValidationError, match="has no domain_scores.csv"):
        data.load_domain_scores(data_copy / "external")


def test_own_small_dataset(tmp_path):
    """Bring your own data: a three-city universe with its own scores and regions."""
    cities = tmp_path / "cities.csv"
    cities.write_text(
        "city_zh,city_en,province_zh,province_en,admin_level,is_capital_or_municipality,lat,lon,"
        "gdp_2013_100m_cny,population_2013_10k,gdp_source,notes\n"
        "甲,Jia,省,Prov,地级市,no,30,110,,,,\n"
        "乙,Yi,省,Prov,地级市,yes,31,111,100.5,,src,\"note with, comma\nand a line break\"\n"
        "丙,Bing,省,Prov,地级市,no,,,,,,\n", encoding="utf-8")
    c = data.load_cities(cities)
    assert list(c.index) == ["甲", "乙", "丙"]
    assert np.isnan(c.loc["丙", "lat"]) and c.loc["乙", "gdp_2013_100m_cny"] == 100.5
    assert c.loc["乙", "notes"] == "note with, comma\nand a line break"
    scores = tmp_path / "domain_scores.csv"
    rows = [f"F,{p},{city},{d},{10 * p + k}" for p, city in enumerate(["乙", "甲", "丙"], start=1)
            for k, d in enumerate(data.DOMAINS)]
    scores.write_text("figure,position,city_zh,domain,score\n" + "\n".join(rows) + "\n", encoding="utf-8")
    for universe in (cities, c, ["甲", "乙", "丙"]):
        s = data.load_domain_scores(scores, cities=universe)
        assert list(s.index) == ["甲", "乙", "丙"]          # order of the universe, not of the file
        assert s.loc["丙", "political"] == 33
    # the bundled universe does not know these cities
    expect_error(data.load_domain_scores, scores, file=scores, line=2, column="city_zh",
                 contains=["unknown city '乙'", "cities file"])
    # a line after a quoted multi-line value is still numbered correctly
    cities.write_text(cities.read_text(encoding="utf-8").replace("丙,Bing,省,Prov,地级市,no",
                                                                 "丙,Bing,省,Prov,地级市,maybe"),
                      encoding="utf-8")
    expect_error(data.load_cities, cities, file=cities, line=5, column="is_capital_or_municipality",
                 contains=["'maybe'", "yes or no"])


# --------------------------------------------------------------------------------------------------
# bad inputs: one kind per test
# --------------------------------------------------------------------------------------------------

def test_unknown_city_suggests_close_match(data_copy):
    f = data_copy / "report" / "domain_scores.csv"
    old = next(line for line in lines_of(f) if ",呼和浩特,social," in line)
    n = replace_line(f, old, old.replace("呼和浩特", "呼和浩"))
    expect_error(data.load_domain_scores, f, file=f, line=n, column="city_zh",
                 contains=["unknown city '呼和浩'", "did you mean 呼和浩特?", "add a row for it to the cities file",
                           "cities_2013.csv"])


@pytest.mark.parametrize("typed, meant", [("Wuhan", "武汉"), ("武汉市", "武汉"), ("武漢", "武汉"),
                                          ("廣州", "广州?"), ("烏魯木齊", "乌鲁木齐?")])
def test_unknown_city_variants(data_copy, typed, meant):
    f = data_copy / "report" / "regions.csv"
    n = replace_line(f, "central,华中,1,武汉", f"central,华中,1,{typed}")
    expect_error(data.load_regions, f, file=f, line=n, column="city_zh",
                 contains=[f"unknown city {typed!r}", f"did you mean {meant}"])


def test_unknown_city_in_clusters_is_still_an_error(data_copy):
    f = data_copy / "report" / "clusters.csv"
    n = replace_line(f, "5,4,拉萨", "5,4,拉沙")
    expect_error(data.load_clusters, f, file=f, line=n, column="city_zh",
                 contains=["unknown city '拉沙' — did you mean ", "拉萨?"])


def test_duplicate_city_in_ranking(data_copy):
    f = data_copy / "report" / "rankings.csv"
    first = line_no(f, "图表 5,cultural,1,北京,")
    n = replace_line(f, "图表 5,cultural,2,上海,", "图表 5,cultural,2,北京,2")
    err = expect_error(data.load_rankings, f, file=f, line=n, column="city_zh",
                       contains=["duplicate city 北京", f"lines {first} and {n}", "cultural"])
    assert "once per ranking" in err.fix


def test_duplicate_city_in_scores_and_cities(data_copy):
    f = data_copy / "report" / "domain_scores.csv"
    lines = lines_of(f)
    target = next(i for i, line in enumerate(lines, 1) if ",北京,social," in line)
    lines.insert(len(lines) - 1 if lines[-1] == "" else len(lines), lines[target - 1])
    write_lines(f, lines)
    dup_line = len(lines) - (1 if lines[-1] == "" else 0)
    expect_error(data.load_domain_scores, f, file=f, line=dup_line, column="city_zh",
                 contains=["duplicate city 北京", f"lines {target} and {dup_line}"])
    c = data_copy / "external" / "cities_2013.csv"
    lines = lines_of(c)
    lines.insert(3, lines[1])
    write_lines(c, lines)
    expect_error(data.load_cities, c, file=c, line=4, column="city_zh",
                 contains=["duplicate city 北京", "lines 2 and 4", "exactly one row"])


def test_city_missing_from_a_table(data_copy):
    f = data_copy / "report" / "domain_scores.csv"
    delete_lines(f, lambda line: ",秦皇岛," in line)
    err = expect_error(data.load_domain_scores, f, file=f, line=None, column="city_zh",
                       contains=["missing from this table", "秦皇岛", "domain_scores.csv"])
    assert "add the missing row" in err.fix
    # one domain missing for one city
    shutil.copyfile(paths.REPORT_DATA / "domain_scores.csv", f)
    delete_lines(f, lambda line: ",秦皇岛,political," in line)
    expect_error(data.load_domain_scores, f, file=f, line=None, column="domain",
                 contains=["秦皇岛 has no political score"])
    # missing from one ranking
    r = data_copy / "report" / "rankings.csv"
    delete_lines(r, lambda line: line.startswith("图表 6,economic,") and ",秦皇岛," in line)
    expect_error(data.load_rankings, r, file=r, line=None, column="city_zh",
                 contains=["秦皇岛", "ranking economic"])


def test_new_city_in_cities_file_must_appear_everywhere(data_copy):
    c = data_copy / "external" / "cities_2013.csv"
    with c.open("a", encoding="utf-8") as fh:
        fh.write("苏州,Suzhou,江苏省,Jiangsu,地级市 prefecture-level,no,31.3,120.62,,,,\n")
    f = data_copy / "report" / "domain_scores.csv"
    expect_error(data.load_report, data_copy, file=f, line=None, column="city_zh", contains=["苏州"])


@pytest.mark.parametrize("bad, shown", [('"93,48"', "'93,48'"), ("93.48a", "'93.48a'"), ("nan", "'nan'"),
                                        ("", "empty")])
def test_non_numeric_score(data_copy, bad, shown):
    f = data_copy / "report" / "domain_scores.csv"
    old = next(line for line in lines_of(f) if ",北京,social," in line)
    n = replace_line(f, old, old.rsplit(",", 1)[0] + "," + bad)
    expect_error(data.load_domain_scores, f, file=f, line=n, column="score", contains=[shown])


@pytest.mark.parametrize("bad", ["100.5", "-0.01", "1e3"])
def test_out_of_range_score(data_copy, bad):
    f = data_copy / "report" / "domain_scores.csv"
    old = next(line for line in lines_of(f) if ",武汉,economic," in line)
    n = replace_line(f, old, old.rsplit(",", 1)[0] + "," + bad)
    expect_error(data.load_domain_scores, f, file=f, line=n, column="score",
                 contains=[repr(bad), "outside the valid range 0..100"])


@pytest.mark.parametrize("bad, fragment", [("47", "outside the valid range 1..46"),
                                           ("0", "outside the valid range 1..46"),
                                           ("25.5", "not a whole number"), ("x", "not a whole number"),
                                           ("", "empty")])
def test_bad_rank(data_copy, bad, fragment):
    f = data_copy / "report" / "rankings.csv"
    n = replace_line(f, "图表 7,political,3,", f"图表 7,political,3,杭州,{bad}")
    expect_error(data.load_rankings, f, file=f, line=n, column="rank", contains=[fragment])


def test_several_bad_rows_are_counted(data_copy):
    f = data_copy / "report" / "rankings.csv"
    lines = lines_of(f)
    bad = [i for i, line in enumerate(lines) if line.startswith("图表 3,overall,")][:3]
    for i in bad:
        lines[i] = lines[i].rsplit(",", 1)[0] + ",99"
    write_lines(f, lines)
    expect_error(data.load_rankings, f, file=f, line=bad[0] + 1, column="rank",
                 contains=["2 more line(s)", f"{bad[1] + 1}, {bad[2] + 1}"])


def test_city_in_two_regions(data_copy):
    f = data_copy / "report" / "regions.csv"
    first = line_no(f, "north,华北,1,北京")
    lines = lines_of(f)
    at = line_no(f, "east,华东,14,南通")
    lines.insert(at, "east,华东,15,北京")
    write_lines(f, lines)
    err = expect_error(data.load_regions, f, file=f, line=at + 1, column="city_zh",
                       contains=["北京", f"north (line {first})", f"east (line {at + 1})"])
    assert "exactly one region" in err.fix


def test_city_in_no_region(data_copy):
    f = data_copy / "report" / "regions.csv"
    delete_lines(f, lambda line: line.endswith(",秦皇岛"))
    expect_error(data.load_regions, f, file=f, line=None, column="city_zh",
                 contains=["秦皇岛", "in no region"])


def test_wrong_encoding_gbk(data_copy):
    f = data_copy / "report" / "regions.csv"
    text = f.read_text(encoding="utf-8")
    f.write_bytes(text.encode("gbk"))
    raw = f.read_bytes()
    first_bad = next(i for i, b in enumerate(raw) if b >= 0x80)
    expected_line = raw[:first_bad].count(b"\n") + 1
    err = expect_error(data.load_regions, f, file=f, line=expected_line, column="region_zh",
                       contains=["not valid UTF-8", f"byte offset {first_bad}", "GBK"])
    assert f"iconv -f GB18030 -t UTF-8 {f} > regions.utf8.csv" in err.fix


def test_wrong_encoding_late_in_file(data_copy):
    """Only one line is GBK: the error points at it, not at line 1."""
    f = data_copy / "report" / "clusters.csv"
    lines = lines_of(f)
    n = line_no(f, "4,5,呼和浩特")
    raw = ("\n".join(lines[: n - 1]) + "\n").encode("utf-8") + lines[n - 1].encode("gbk") + b"\n" + \
        ("\n".join(lines[n:])).encode("utf-8")
    f.write_bytes(raw)
    expect_error(data.load_clusters, f, file=f, line=n, column="city_zh", contains=["呼和浩特", "GBK", "mixes encodings"])


def test_utf8_bom_is_read(data_copy):
    """Excel's 'CSV UTF-8' starts with a byte-order mark: read as if it had none (vitality.tables)."""
    f = data_copy / "report" / "domains.csv"
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    pd.testing.assert_frame_equal(data.load_domains(f), data.load_domains())


def test_spaces_around_a_city_are_stripped(data_copy):
    f = data_copy / "report" / "regions.csv"
    replace_line(f, "central,华中,1,武汉", "central,华中,1, 武汉\u3000")
    assert data.load_regions(f).loc["武汉", "region"] == "central"


def test_renamed_column(data_copy):
    f = data_copy / "report" / "domain_scores.csv"
    replace_line(f, "figure,position,city_zh,domain,score", "figure,position,City,domain,score")
    err = expect_error(data.load_domain_scores, f, file=f, line=1, column="City",
                       contains=['column "City" — did you mean "city_zh"?',
                                 "Expected: figure,position,city_zh,domain,score",
                                 "Found: figure,position,City,domain,score"])
    assert "figure,position,city_zh,domain,score" in err.fix


def test_missing_column(data_copy):
    f = data_copy / "report" / "compass_lists.csv"
    write_lines(f, [",".join(line.split(",")[::2]) for line in lines_of(f)])     # keep list, city_zh
    expect_error(data.load_compass_lists, f, file=f, line=1, column="position",
                 contains=["missing column(s) position", "Expected: list,position,city_zh",
                           "Found: list,city_zh"])


def test_extra_column(data_copy):
    f = data_copy / "report" / "gdp_regression.csv"
    write_lines(f, [line + (",comment" if i == 0 else ",x") if line else line
                    for i, line in enumerate(lines_of(f))])
    err = expect_error(data.load_gdp_regression, f, file=f, line=1, column="comment",
                       contains=["unexpected column(s) comment"])
    assert "delete the unexpected column(s) comment" in err.fix


def test_duplicate_column_and_missing_header(data_copy):
    f = data_copy / "report" / "clusters.csv"
    replace_line(f, "cluster,position,city_zh", "cluster,position,position")
    expect_error(data.load_clusters, f, file=f, line=1, column="position", contains=["appears 2 times"])
    lines = lines_of(paths.REPORT_DATA / "clusters.csv")[1:]
    write_lines(f, lines)
    expect_error(data.load_clusters, f, file=f, line=1, column=None, contains=["header row missing"])


def test_unknown_domain_code(data_copy):
    f = data_copy / "report" / "domain_scores.csv"
    old = next(line for line in lines_of(f) if ",北京,social," in line)
    n = replace_line(f, old, old.replace(",social,", ",Social,"))
    expect_error(data.load_domain_scores, f, file=f, line=n, column="domain",
                 contains=["unknown domain code 'Social'", "did you mean 'social'",
                           "social, cultural, economic, political"])
    g = data_copy / "report" / "indicators.csv"
    n = replace_line(g, "odi,economic,", "odi,economy,5,对外直接投资,Outward direct investment,,,")
    expect_error(data.load_indicators, g, file=g, line=n, column="domain",
                 contains=["unknown domain code 'economy'", "did you mean 'economic'"])


def test_unknown_indicator_code(data_copy):
    f = data_copy / "report" / "figure02_sources.csv"
    old = next(line for line in lines_of(f) if line.startswith("北京,2,"))
    n = replace_line(f, old, old.replace("intl_flights", "intl_flight"))
    err = expect_error(data.load_figure02_sources, f, file=f, line=n, column="iCode",
                       contains=["unknown indicator code 'intl_flight'", "did you mean 'intl_flights'",
                                 "国际航班数量"])
    assert "indicators.csv" in err.fix


def test_unknown_ranking_and_list_names(data_copy):
    f = data_copy / "report" / "text_top10.csv"
    n = replace_line(f, "overall,1,北京", "total,1,北京,四(一)")
    expect_error(data.load_text_top10, f, file=f, line=n, column="ranking", contains=["unknown ranking 'total'"])
    g = data_copy / "report" / "compass_lists.csv"
    n = replace_line(g, "west,1,武汉", "West,1,武汉")
    expect_error(data.load_compass_lists, g, file=g, line=n, column="list",
                 contains=["unknown list name 'West'", "did you mean 'west'"])


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_file(data_copy, content):
    f = data_copy / "report" / "rankings.csv"
    f.write_bytes(content)
    err = expect_error(data.load_rankings, f, file=f, line=None, column=None, contains=["empty"])
    assert "figure,ranking,position,city_zh,rank" in err.fix


def test_header_only(data_copy):
    f = data_copy / "report" / "correlations.csv"
    write_lines(f, lines_of(f)[:1] + [""])
    expect_error(data.load_correlations, f, file=f, line=2, column=None, contains=["no data rows"])


def test_missing_file(tmp_path):
    f = tmp_path / "regions.csv"
    expect_error(data.load_regions, f, file=f, line=None, column=None, contains=["does not exist"])


def test_wrong_number_of_values(data_copy):
    f = data_copy / "report" / "clusters.csv"
    n = replace_line(f, "3,5,南京", "3,5,南京,extra")
    expect_error(data.load_clusters, f, file=f, line=n, column=None, contains=["has 4 values", "header has 3"])
    shutil.copyfile(paths.REPORT_DATA / "clusters.csv", f)
    n = replace_line(f, "3,5,南京", "3,南京")
    expect_error(data.load_clusters, f, file=f, line=n, column=None, contains=["has 2 values"])


def test_blank_lines_keep_line_numbers(data_copy):
    f = data_copy / "report" / "regions.csv"
    lines = lines_of(f)
    lines.insert(3, "")
    lines.insert(3, "")
    write_lines(f, lines)
    assert data.load_regions(f).shape == (N_CITIES, 3)          # blank lines carry no data
    n = replace_line(f, "south,华南,2,海口", "south,华南,two,海口")
    expect_error(data.load_regions, f, file=f, line=n, column="position", contains=["'two'"])


def test_bad_quoting(data_copy):
    f = data_copy / "report" / "clusters.csv"
    n = replace_line(f, "3,5,南京", '3,5,"南京"x')
    expect_error(data.load_clusters, f, file=f, line=n, column=None, contains=["not valid CSV"])


def test_duplicate_within_compass_list_but_omissions_allowed(data_copy):
    f = data_copy / "report" / "compass_lists.csv"
    delete_lines(f, lambda line: line.startswith("west,16,"))          # leaving a city out is fine
    assert len(data.load_compass_lists(f)["west"]) == 15
    first = line_no(f, "west,1,武汉")
    n = replace_line(f, "west,2,长沙", "west,2,武汉")
    expect_error(data.load_compass_lists, f, file=f, line=n, column="city_zh",
                 contains=["duplicate city 武汉 in the west list", f"lines {first} and {n}"])


def test_inconsistent_figure_position(data_copy):
    f = data_copy / "report" / "domain_scores.csv"
    first = line_no(f, next(line for line in lines_of(f) if ",北京," in line))
    old = next(line for line in lines_of(f) if ",北京,economic," in line)
    parts = old.split(",")
    parts[1] = "9"
    n = replace_line(f, old, ",".join(parts))
    expect_error(data.load_domain_scores, f, file=f, line=n, column="position",
                 contains=[f"city 北京 has position '1' on line {first} but '9' here"])
    r = data_copy / "report" / "regions.csv"
    n = replace_line(r, "east,华东,3,杭州", "east,华北,3,杭州")
    expect_error(data.load_regions, r, file=r, line=n, column="region_zh",
                 contains=["region east has region_zh '华东' on line"])


def test_correlation_table_checks(data_copy):
    f = data_copy / "report" / "correlations.csv"
    n = replace_line(f, "economic,social,", "economic,social,0.641,.641**,**,.000,46")
    expect_error(data.load_correlations, f, file=f, line=line_no(f, "social,economic,"), column="r",
                 contains=["mirrored pair has 0.641"])
    shutil.copyfile(paths.REPORT_DATA / "correlations.csv", f)
    n = replace_line(f, "social,cultural,", "social,cultural,1.649,.649**,**,.000,46")
    expect_error(data.load_correlations, f, file=f, line=n, column="r", contains=["'1.649'", "-1..1"])


def test_cities_file_checks(data_copy):
    c = data_copy / "external" / "cities_2013.csv"
    n = replace_line(c, "武汉,Wuhan,", "武汉,Wuhan,湖北省,Hubei,副省级,Yes,30.59,114.31,9051.27,,src,")
    expect_error(data.load_cities, c, file=c, line=n, column="is_capital_or_municipality",
                 contains=["'Yes'", "yes or no"])
    shutil.copyfile(paths.EXTERNAL_DATA / "cities_2013.csv", c)
    n = replace_line(c, "武汉,Wuhan,", "武汉,Wuhan,湖北省,Hubei,副省级,yes,30°35',114.31,9051.27,,src,")
    expect_error(data.load_cities, c, file=c, line=n, column="lat", contains=["latitude \"30°35'\""])


def test_report_cross_validation(data_copy):
    d = data_copy / "report" / "domains.csv"
    lines = lines_of(d)
    lines[1] = lines[1].replace("social,社会,,Social,1,5,", "social,社会,,Social,1,6,")
    write_lines(d, lines)
    with pytest.raises(DataValidationError, match="states 6 indicators but indicators.csv lists 5"):
        data.load_report(data_copy)


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=N_CITIES * 4 - 1), st.sampled_from(["abc", "101", "-5", "1,0"]))
def test_reported_line_is_the_corrupted_line(row, bad):
    """Whatever row is corrupted, the error points at exactly that line (header = line 1)."""
    lines = lines_of(paths.REPORT_DATA / "domain_scores.csv")
    lines[row + 1] = lines[row + 1].rsplit(",", 1)[0] + f',"{bad}"'
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "domain_scores.csv"
        write_lines(f, lines)
        with pytest.raises(DataValidationError) as info:
            data.load_domain_scores(f)
    assert info.value.row == row + 2
    assert info.value.column == "score"


def test_crlf_line_endings_and_no_final_newline(data_copy, report):
    f = data_copy / "report" / "domain_scores.csv"
    text = f.read_text(encoding="utf-8").rstrip("\n")
    f.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    pd.testing.assert_frame_equal(data.load_domain_scores(f), report.domain_scores)
    old = next(line for line in lines_of(f) if ",武汉,social," in line).rstrip("\r")
    n = line_no(f, old)
    f.write_bytes(f.read_bytes().replace(old.encode(), old.rsplit(",", 1)[0].encode() + b",abc"))
    expect_error(data.load_domain_scores, f, file=f, line=n, column="score", contains=["'abc'"])


def test_missing_data_folder(tmp_path):
    with pytest.raises(DataValidationError, match="data folder does not exist"):
        data.load_report(tmp_path / "nope")
