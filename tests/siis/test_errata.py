"""errata: validation names file/line/column; apply_errata works on copies; data/errata.csv is complete."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from vitality import checks
from vitality.errors import ConfigError, DataValidationError
from vitality.siis import audit, data, errata, model

CITIES = ["北京", "上海", "南宁", "武汉"]


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(errata.ERRATA_COLUMNS), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: "" for c in errata.ERRATA_COLUMNS} | r)
    return path


def _row(**kw):
    base = dict(id="E1", location="图表 17", item="score", city="南宁", domain="political", printed_value="66.47",
                proposed_value="64.67", kind="off-grid score", severity="high", evidence="m not an integer",
                status="proposed")
    return base | kw


@pytest.fixture
def tables():
    scores = pd.DataFrame({"social": [90.0, 80.0, 30.0, 66.69], "cultural": [1.0, 2.0, 3.0, 4.0],
                           "economic": [1.0, 2.0, 3.0, 4.0], "political": [99.0, 97.0, 66.47, 56.52]},
                          index=pd.Index(CITIES, name="city"))
    ranks = pd.DataFrame({"overall": [1, 2, 4, 3], "social": [1, 2, 4, 3], "cultural": [4, 3, 2, 1],
                          "economic": [4, 3, 2, 1], "political": [1, 2, 3, 4]},
                         index=pd.Index(CITIES, name="city")).astype("Int64")
    return scores, ranks


# --- validation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, column, message", [
    (dict(city="南京市"), "city", "unknown city"),
    (dict(domain="trade"), "domain", "unknown domain"),
    (dict(kind="typo"), "kind", "kind 'typo' is not one of"),
    (dict(severity="urgent"), "severity", "severity"),
    (dict(status="done"), "status", "status"),
    (dict(evidence=""), "evidence", "evidence is empty"),
    (dict(proposed_value="sixty"), "proposed_value", "not a number"),
    (dict(proposed_value="164.67"), "proposed_value", "0..100"),
    (dict(kind="rank inconsistency", proposed_value="2.5", printed_value="6"), "proposed_value", "integer"),
    (dict(kind="text contradiction", city="", domain="", proposed_value=""), "status", "status 'proposed' is for"),
])
def test_invalid_rows_name_file_line_column(tmp_path, bad, column, message):
    path = _write(tmp_path / "errata.csv", [_row(id="E0"), _row(id="E1") | bad])
    with pytest.raises(DataValidationError, match=message) as info:
        errata.load_errata(path, cities=CITIES)
    err = info.value
    assert err.file == str(path) and err.row == 3 and err.column == column


def test_duplicated_id_and_bad_header(tmp_path):
    path = _write(tmp_path / "e.csv", [_row(id="E7"), _row(id="E7", city="武汉")])
    with pytest.raises(DataValidationError, match="id E7 is used twice") as info:
        errata.load_errata(path, cities=CITIES)
    assert info.value.row == 3 and info.value.column == "id"
    bad = tmp_path / "h.csv"
    bad.write_text("id,where\nE1,x\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="missing column") as info:
        errata.load_errata(bad, cities=CITIES)
    assert info.value.row == 1


# --- applying -------------------------------------------------------------------------------------

def test_apply_returns_copies_and_what_was_applied(tmp_path, tables):
    scores, ranks = tables
    before_s, before_r = scores.copy(), ranks.copy()
    path = _write(tmp_path / "e.csv", [
        _row(id="S1"),
        _row(id="R1", kind="rank inconsistency", item="rank", city="武汉", domain="social", printed_value="3",
             proposed_value="4"),
        _row(id="X1", kind="text contradiction", city="", domain="", printed_value="2.38", proposed_value="",
             status="applied-by-default: no"),
        _row(id="U1", city="武汉", domain="social", printed_value="66.69", proposed_value="66.96",
             status="applied-by-default: no"),
    ])
    e = errata.load_errata(path, cities=CITIES)
    s, r, applied = errata.apply_errata(scores, ranks, e)
    pd.testing.assert_frame_equal(scores, before_s)                  # inputs untouched
    pd.testing.assert_frame_equal(ranks, before_r)
    assert s.at["南宁", "political"] == 64.67 and r.at["武汉", "social"] == 4
    assert s.at["武汉", "social"] == 66.69                            # not applied by default
    assert list(applied["id"]) == ["S1", "R1"]
    assert "南宁 political score 66.47 → 64.67 (S1)" in errata.describe_applied(applied)
    s2, _, applied2 = errata.apply_errata(scores, ranks, e, ids=["U1"])
    assert s2.at["武汉", "social"] == 66.96 and list(applied2["id"]) == ["U1"]
    with pytest.raises(ConfigError, match="correct no data cell"):
        errata.apply_errata(scores, ranks, e, ids=["X1"])
    with pytest.raises(ConfigError, match="not in"):
        errata.apply_errata(scores, ranks, e, ids=["nope"])
    with pytest.raises(DataValidationError, match="already applied"):
        errata.apply_errata(s, r, e, on_mismatch="error")             # printed value no longer there
    with pytest.raises(DataValidationError, match="already applied"):
        errata.apply_errata(s, r, e, ids=["S1"])                      # asked for by name: refused
    s3, r3, applied3 = errata.apply_errata(s, r, e)                   # default: not applicable, skipped
    pd.testing.assert_frame_equal(s3, s)
    assert applied3.empty and list(applied3.attrs["not_applicable"]["id"]) == ["S1", "R1"]
    assert "not applicable to this data" in errata.describe_applied(applied3)
    assert errata.describe_applied(applied.iloc[0:0]).startswith("**No errata applied**")


# --- the bundled errata file ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    rep = data.load_report()
    return rep, errata.load_errata()


def test_bundled_errata_valid_and_every_row_has_evidence(bundled):
    _, e = bundled
    assert e["id"].is_unique
    assert (e["evidence"].str.len() > 40).all()
    assert (e.loc[e["kind"] == "text contradiction", "proposed_value"] == "").all()
    assert set(e["status"]) == set(errata.STATUSES)


def test_bundled_errata_and_audit_agree(bundled):
    rep, e = bundled
    res = audit.audit_report(rep, stated_linkage=("average", "sqeuclidean"))
    rec = errata.reconcile(res.findings, e)
    assert (rec["status"] == "both").all(), rec[rec["status"] != "both"]


def test_bundled_errata_make_the_report_consistent(bundled):
    rep, e = bundled
    s, r, applied = errata.apply_errata(rep.domain_scores, rep.rankings, e)
    assert set(applied["target"]) == {"score", "rank"}
    for d in errata.DOMAINS:
        chk = checks.check_ranking(s[d], r[d], ties="min")
        assert set(chk["status"]) <= {"match", "tie handling"}, (d, chk[chk.status.isin(["unexplained"])])
        assert checks.rank_sequence_problems(r[d], ties="min").empty
    k = {"social": 5, "cultural": 3, "economic": 5, "political": 4}
    w = checks.weighting_scheme_test(s, r["overall"], model.plausible_schemes(k))
    assert w.at["equal indicators", "consistent"] == 46
    assert w.at["equal domains", "consistent"] == 13
    assert checks.off_grid(s.drop(index=["大连"]), n=46, k=k).empty     # only the unresolved 大连 stays off-grid


# --- summaries of the errata table (notebook 06) -----------------------------------------------------

def _small_errata():
    return pd.DataFrame([
        _row(id="E1", severity="high"),
        _row(id="E2", kind="rank inconsistency", severity="low", item="rank", printed_value="3", proposed_value="4"),
        _row(id="E3", kind="text contradiction", severity="high", item="worked example", city="", domain="",
             printed_value="", proposed_value=""),
    ]).assign(line=[2, 3, 4])


def test_severity_counts_by_kind_with_totals():
    counts = errata.severity_counts(_small_errata())
    assert list(counts.columns) == ["high", "low", "total"]           # SEVERITIES order, only those present
    assert counts.loc["off-grid score"].tolist() == [1, 0, 1]
    assert counts.loc["text contradiction"].tolist() == [1, 0, 1]
    assert counts.loc["total"].tolist() == [2, 1, 3]


def test_describe_high_lists_high_rows_with_arrow_only_when_proposed():
    text = errata.describe_high(_small_errata())
    lines = text.splitlines()
    assert lines[0].startswith("**High-severity findings**")
    assert lines[2:] == ["- E1 · 图表 17 · score 南宁 political: printed 66.47 → 64.67",
                         "- E3 · 图表 17 · worked example  : printed —"]


def test_with_audit_status_marks_text_rows_and_drops_line():
    rec = pd.DataFrame({"id": ["E1", "E2"], "status": ["both", "errata only"]})
    shown = errata.with_audit_status(_small_errata(), rec)
    assert "line" not in shown.columns
    assert shown["audit"].tolist() == ["both", "errata only", "text (not machine-detectable)"]
    assert shown["id"].tolist() == ["E1", "E2", "E3"]


def test_errata_for_a_data_folder(tmp_path):
    from vitality.siis import errata as er

    assert len(er.errata_for(None)) == len(er.load_errata())          # the bundled data: the bundled errata
    assert er.errata_file(None) == er.ERRATA_FILE
    empty = er.errata_for(tmp_path)                                     # your own data without errata.csv
    assert empty.empty and list(empty.columns) == list(er.ERRATA_COLUMNS)
    assert "does not exist" in empty.attrs["source"]
    (tmp_path / "errata.csv").write_bytes(er.ERRATA_FILE.read_bytes())
    assert len(er.errata_for(tmp_path)) == len(er.load_errata())
