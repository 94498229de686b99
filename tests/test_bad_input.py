"""Every kind of real-world input file, fed to every command that reads tables (issue #11).

``build`` and ``uncertainty`` run through :func:`vitality.cli.main`; each case asserts the exit code and the
first line of stderr, and that no traceback is printed.  The report loader gets the same files in
``test_report_loader_cases``; the reading rules are in ``data/README.md`` and :mod:`vitality.tables`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from vitality import cli, tables
from vitality.errors import DataValidationError
from vitality.index import read_data_csv
from vitality.siis import data as rdata
from vitality.siis import paths

META = """iCode,iName,Level,Parent,Direction,Weight,Type
x1,X1,1,A,1,1,Indicator
x2,X2,1,A,1,1,Indicator
x3,X3,1,B,-1,1,Indicator
A,A,2,Index,,1,Aggregate
B,B,2,Index,,1,Aggregate
Index,Index,3,,,1,Aggregate
"""
ROWS = [["uCode", "uName", "x1", "x2", "x3"],
        ["AA", "北京", "1.5", "10", "3"],
        ["BB", "Beta", "2.5", "20", "4"],
        ["CC", "Gamma", "3.5", "15", "1"],
        ["DD", "Delta", "0.5", "12", "2"],
        ["EE", "Eps", "4.5", "11", "5"],
        ["FF", "Zeta", "2.0", "19", "6"]]


def csv_text(rows, sep=",", nl="\n") -> str:
    return nl.join(sep.join(r) for r in rows) + nl


CLEAN = csv_text(ROWS)


def edit(row: int, col: int, value: str):
    rows = [list(r) for r in ROWS]
    rows[row][col] = value
    return csv_text(rows)


def xlsx(path: Path, sheets: dict) -> None:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append([float(v) if v.replace(".", "").isdigit() and i > 1 else v for i, v in enumerate(r)])
    wb.save(path)


#: name -> (how to write the data file, file name, exit code, start of the first stderr line or '' for none,
#:          and for exit 0 whether the result equals the clean file's)
CASES = {
    "clean": (CLEAN, "d.csv", 0, "", True),
    "utf8 BOM (Excel CSV UTF-8)": (b"\xef\xbb\xbf" + CLEAN.encode(), "d.csv", 0, "", True),
    "CRLF line ends": (csv_text(ROWS, nl="\r\n"), "d.csv", 0, "", True),
    "blank lines, also before the header": ("\n\n" + CLEAN.replace("\nCC", "\n\n  \nCC"), "d.csv", 0, "", True),
    "all-empty row ,,,,": (CLEAN.replace("\nCC", "\n,,,,\nCC"), "d.csv", 0, "", True),
    "trailing space in a unit code": (edit(2, 0, "BB "), "d.csv", 0, "", True),
    "spaces around the header names": (CLEAN.replace("uCode,uName,x1", " uCode , uName ,x1 "), "d.csv", 0, "", True),
    "full-width digits": (edit(1, 2, "１．５"), "d.csv", 0, "", True),
    "thousands separators (quoted)": (csv_text([r[:3] + [f'"{r[3]},000"' if i else r[3]] + r[4:]
                                                for i, r in enumerate(ROWS)]), "d.csv", 0, "", True),
    "semicolon separator, decimal commas": (csv_text([[v.replace(".", ",") for v in r] for r in ROWS], sep=";"),
                                            "d.csv", 0, "note: ", True),
    "tab separator": (csv_text(ROWS, sep="\t"), "d.tsv", 0, "note: ", True),
    "R's NA for a missing value": (edit(3, 3, "NA"), "d.csv", 2, "error: indicator", False),
    "GB18030/GBK file": (CLEAN.encode("gb18030"), "d.csv", 2, "error: file ", False),
    "UTF-16 file": (CLEAN.encode("utf-16"), "d.csv", 2, "error: file ", False),
    "xls workbook": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "d.xls", 2, "error: file ", False),
    "ods spreadsheet": (b"PK\x03\x04", "d.ods", 2, "error: file ", False),
    "binary file": (b"\x00\x01\x02garbage\x00", "d.csv", 2, "error: file ", False),
    "empty file": (b"", "d.csv", 2, "error: file ", False),
    "header only": (csv_text(ROWS[:1]), "d.csv", 2, "error: file ", False),
    "a line with too many values": (CLEAN.replace("\nCC,Gamma,3.5,15,1", "\nCC,Gamma,3.5,15,1,9"), "d.csv", 2,
                                    "error: file ", False),
    "a line with too few values": (CLEAN.replace("\nCC,Gamma,3.5,15,1", "\nCC,Gamma,3.5,15"), "d.csv", 2,
                                   "error: file ", False),
    "unterminated quote": (CLEAN.replace("Gamma", '"Gamma'), "d.csv", 2, "error: file ", False),
    "decimal comma in a comma file": (edit(1, 2, '"1,5"'), "d.csv", 2, "error: file ", False),
    "text in a number column": (edit(4, 3, "12a"), "d.csv", 2, "error: file ", False),
    "percent sign": (edit(4, 3, "12%"), "d.csv", 2, "error: file ", False),
    "duplicate unit code": (edit(3, 0, "AA"), "d.csv", 2, "error: file ", False),
    "empty unit code": (edit(3, 0, ""), "d.csv", 2, "error: file ", False),
    "duplicate column": (CLEAN.replace("uName,x1,x2", "uName,x1,x1"), "d.csv", 2, "error: file ", False),
    "a header with one value too many": (CLEAN.replace("x3\n", "x3,\n").replace("1.5,10,3", "1.5,10,3,7"),
                                         "d.csv", 2, "error: file ", False),
    "Excel's trailing empty column": (CLEAN.replace("\n", ",\n"), "d.csv", 0, "", True),
    "values under an unnamed column": (csv_text([r + ["7" if i else ""] for i, r in enumerate(ROWS)]), "d.csv", 2,
                                       "error: file ", False),
    "missing file": (None, "nope.csv", 2, "error: file ", False),
}


def _write(tmp: Path, content, name: str) -> Path:
    f = tmp / name
    if content is None:
        return f
    f.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return f


def run(capsys, argv):
    try:
        rc = cli.main([str(a) for a in argv])
    except SystemExit as exc:          # argparse, or an interruption
        rc = exc.code
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err, cap.err
    return rc, cap.out, cap.err


def first_line(err: str) -> str:
    return err.splitlines()[0] if err.strip() else ""


COMMANDS = {
    "build": lambda d, m, o: ["build", "--data", d, "--meta", m, "--normalise", "rank", "--aggregate", "amean",
                              "--out", o],
    "uncertainty": lambda d, m, o: ["uncertainty", "--data", d, "--meta", m, "--n", "20", "--sa-n", "0",
                                    "--quiet", "--out", o],
}


@pytest.fixture(scope="module")
def clean_result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clean")
    m = _write(tmp, META, "m.csv")
    d = _write(tmp, CLEAN, "d.csv")
    assert cli.main(["build", "--data", str(d), "--meta", str(m), "--normalise", "rank", "--aggregate", "amean",
                     "--out", str(tmp / "out")]) == 0
    return pd.read_csv(tmp / "out" / "scores.csv", index_col=0)


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(CASES))
def test_every_case_every_command(tmp_path, capsys, clean_result, case, command):
    content, name, code, first, same = CASES[case]
    m = _write(tmp_path, META, "m.csv")
    d = _write(tmp_path, content, name)
    out = tmp_path / "out"
    rc, _, err = run(capsys, COMMANDS[command](d, m, out))
    if case == "R's NA for a missing value":      # missing data is a modelling choice, not a reading problem
        code, first = (2, "error: ") if command == "build" else (0, "")
    assert rc == code, err
    if first:
        assert first_line(err).startswith(first), err
        if code:
            assert "Fix:" in err, err
    else:
        assert err == "", err
    if rc == 0 and same and command == "build":
        got = pd.read_csv(out / "scores.csv", index_col=0)
        pd.testing.assert_frame_equal(got, clean_result)
    if rc != 0:
        assert not (out / "scores.csv").exists() and not (out / "rank_stats.csv").exists()


def test_messages_name_line_column_and_fix(tmp_path):
    """The first line says where: file, line, column; and the fix."""
    expect = {
        "GB18030/GBK file": (2, "uName", "iconv -f GB18030 -t UTF-8"),
        "a line with too many values": (4, None, "double quotes"),
        "unterminated quote": (4, None, "double quotes"),
        "values under an unnamed column": (2, None, "name"),
        "text in a number column": (5, "x2", "numbers"),
        "decimal comma in a comma file": (2, "x1", "numbers"),
        "duplicate unit code": (4, "uCode", "unique"),
        "empty unit code": (4, "uCode", "code"),
    }
    for case, (line, column, fix) in expect.items():
        content, name, *_ = CASES[case]
        d = _write(tmp_path, content, name)
        with pytest.raises(DataValidationError) as info:
            df = read_data_csv(d)
            tables.require_numeric(df, ["x1", "x2", "x3"])
        e = info.value
        assert (e.file, e.row, e.column) == (str(d), line, column), (case, str(e))
        assert fix in e.fix, (case, e.fix)
    content = CASES["decimal comma in a comma file"][0]
    d = _write(tmp_path, content, "d.csv")
    with pytest.raises(DataValidationError, match="decimal comma"):
        tables.require_numeric(read_data_csv(d), ["x1"])


def test_xlsx_sheets(tmp_path, capsys, clean_result):
    one = tmp_path / "one.xlsx"
    xlsx(one, {"data": ROWS})
    m = _write(tmp_path, META, "m.csv")
    rc, _, err = run(capsys, COMMANDS["build"](one, m, tmp_path / "o1"))
    assert rc == 0, err
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "o1" / "scores.csv", index_col=0), clean_result)
    book = tmp_path / "book.xlsx"
    xlsx(book, {"data": ROWS, "meta": [ln.split(",") for ln in META.strip().split("\n")]})
    rc, _, err = run(capsys, COMMANDS["build"](book, m, tmp_path / "o2"))
    assert rc == 2 and first_line(err).startswith(f"error: file {book}: the workbook has 2 sheets (data, meta)")
    assert f"{book}#data" in err
    rc, _, err = run(capsys, COMMANDS["uncertainty"](f"{book}#data", f"{book}#meta", tmp_path / "o3"))
    assert rc == 0, err
    rc, _, err = run(capsys, COMMANDS["build"](f"{book}#nope", m, tmp_path / "o4"))
    assert rc == 2 and "has no sheet 'nope'" in first_line(err)


def test_data_folder_is_never_written(tmp_path, capsys):
    m = _write(tmp_path, META, "m.csv")
    d = _write(tmp_path, CLEAN, "d.csv")
    for command, make in COMMANDS.items():
        for out in (paths.DATA / "out", paths.DATA / "report" / "x", paths.DATA, paths.DATA / ".." / "data" / "y"):
            rc, _, err = run(capsys, make(d, m, out))
            assert rc == 2 and "read-only input and never written" in first_line(err), (command, out, err)
            assert not Path(out).exists() or Path(out).resolve() == paths.DATA.resolve()
    assert not (paths.DATA / "out").exists() and not (paths.DATA / "report" / "x").exists()


def test_reproduce_refuses_data_folders(tmp_path, capsys):
    own = tmp_path / "mydata"
    shutil.copytree(paths.DATA, own)
    for out in (paths.DATA, paths.DATA / "tables", own / "results"):
        rc, _, err = run(capsys, ["reproduce", "--only", "04", "-p", "data_dir", own, "--out", out])
        assert rc == 2 and "read-only input and never written" in first_line(err), err
    assert not (own / "results").exists()
    rc, _, err = run(capsys, ["reproduce", "--only", "04", "-p", "data_dir", tmp_path / "nowhere", "--out",
                              tmp_path / "r"])
    assert rc == 2 and first_line(err).startswith("error: data_dir") and "is not a folder" in err


def test_tiny_index_is_warned(tmp_path, capsys):
    m = _write(tmp_path, META, "m.csv")
    d = _write(tmp_path, csv_text(ROWS[:3]), "d.csv")
    rc, out, err = run(capsys, COMMANDS["build"](d, m, tmp_path / "o"))
    assert rc == 0 and first_line(err).startswith(f"warning: {d} has only 2 unit(s)")


def test_min_share_drops_are_listed(tmp_path, capsys):
    m = _write(tmp_path, META, "m.csv")
    rows = [list(r) for r in ROWS]
    rows[3][2] = rows[3][3] = ""                         # CC: no x1, x2 -> no A
    d = _write(tmp_path, csv_text(rows), "d.csv")
    for command, make in COMMANDS.items():
        argv = make(d, m, tmp_path / command) + ["--missing", "renormalise", "--min-share", "1"]
        rc, _, err = run(capsys, argv)
        assert rc == 0, err
        assert first_line(err).startswith("note: 1 unit(s) have no 'Index' score") and "CC" in err, err
        summary = tmp_path / command / ("spec.json" if command == "build" else "summary.json")
        assert json.loads(summary.read_text(encoding="utf-8"))["units_without_index"] == ["CC"]


def test_gmean_fix_is_computed_from_the_data(tmp_path, capsys):
    """Default uncertainty settings on skewed data: the fix names a --mean-sd that works, not the one used."""
    m = _write(tmp_path, META, "m.csv")
    rows = [list(r) for r in ROWS] + [[f"U{i}", f"u{i}", "1", "1", "1"] for i in range(300)] + \
        [["ZZ", "outlier", "-100000", "1", "1"]]          # |z| up to (n - 1) / sqrt(n): 17 here
    d = _write(tmp_path, csv_text(rows), "d.csv")
    rc, _, err = run(capsys, ["uncertainty", "--data", d, "--meta", m, "--n", "10", "--sa-n", "0", "--normalise",
                              "zscore", "--out", tmp_path / "o"])
    assert rc == 2 and "--mean-sd 100 10 gives values <= 0" in err
    suggested = err.split("Fix: --mean-sd ")[1].split()[:2]
    assert suggested != ["100", "10"]
    rc, _, err = run(capsys, ["uncertainty", "--data", d, "--meta", m, "--n", "10", "--sa-n", "0", "--normalise",
                              "zscore", "--mean-sd", *suggested, "--quiet", "--out", tmp_path / "o"])
    assert rc == 0, err


# ------------------------------------------------------------------------------------------ report loader
REPORT_CASES = {
    # name: (table, transform of the file's text or bytes, None = loads as the original | error fragment)
    "BOM": ("domain_scores", lambda b: b"\xef\xbb\xbf" + b, None),
    "CRLF": ("domain_scores", lambda b: b.replace(b"\n", b"\r\n"), None),
    "trailing space in a city": ("domain_scores", lambda b: b.replace(",南宁,".encode(), ",南宁 ,".encode()), None),
    ",,,, row": ("domain_scores", lambda b: b.replace(b"\n", b"\n,,,,\n", 3), None),
    "semicolons": ("domain_scores", lambda b: b.replace(b",", b";"), None),
    "full-width digits": ("domain_scores", lambda b: b.replace(b",66.47\n", ",６６．４７\n".encode()), None),
    "GBK": ("domain_scores", lambda b: b.decode().encode("gb18030"), "iconv -f GB18030 -t UTF-8"),
    "traditional characters": ("domain_scores", lambda b: b.replace("广州".encode(), "廣州".encode()),
                               "did you mean 广州?"),
    "decimal comma": ("domain_scores", lambda b: b.replace(b",66.47\n", b',"66,47"\n'), "decimal comma"),
    "xls": ("domain_scores", lambda b: b"\xd0\xcf\x11\xe0" + b"\0" * 50, "Excel 97-2003"),
}


@pytest.mark.parametrize("case", list(REPORT_CASES))
def test_report_loader_cases(tmp_path, case):
    table, transform, expect = REPORT_CASES[case]
    root = tmp_path / "data"
    shutil.copytree(paths.DATA, root)
    f = root / "report" / f"{table}.csv"
    raw = f.read_bytes()
    f.write_bytes(transform(raw))
    if expect is None:
        got = rdata.load_report(root)
        pd.testing.assert_frame_equal(got.domain_scores, rdata.load_report().domain_scores)
    else:
        with pytest.raises(DataValidationError) as info:
            rdata.load_report(root)
        assert expect in str(info.value) and str(f) in str(info.value)


def test_k_bounds_agree():
    """k = 0 and k = n + 1 give the same message from every function that takes k; k = 1 works."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage

    from vitality import cluster
    from vitality.errors import ConfigError
    Z = linkage(np.arange(12.0).reshape(6, 2), "ward")
    for fn in (cluster.cut_tree_k, cluster.cut_height):
        for k in (0, 7):
            with pytest.raises(ConfigError, match=r"k must be an integer between 1 and 6"):
                fn(Z, k)
    assert len(set(cluster.cut_tree_k(Z, 1))) == 1 and cluster.cut_height(Z, 1) > Z[-1, 2]


def test_report_table_as_xlsx(tmp_path):
    """A report table saved from Excel as .xlsx (and the .csv removed) is read like the CSV."""
    root = tmp_path / "data"
    shutil.copytree(paths.DATA, root)
    f = root / "report" / "domain_scores.csv"
    rows = [ln.split(",") for ln in f.read_text(encoding="utf-8").strip().split("\n")]
    import openpyxl
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(root / "report" / "domain_scores.xlsx")
    f.unlink()
    got = rdata.load_report(root)
    pd.testing.assert_frame_equal(got.domain_scores, rdata.load_report().domain_scores)
    assert got.files["domain_scores"].suffix == ".xlsx"


@pytest.mark.parametrize("case", ["GBK", "traditional characters", "decimal comma"])
def test_reproduce_stops_on_a_bad_table_before_any_notebook(tmp_path, capsys, case):
    table, transform, expect = REPORT_CASES[case]
    root = tmp_path / "mydata"
    shutil.copytree(paths.DATA, root)
    f = root / "report" / f"{table}.csv"
    f.write_bytes(transform(f.read_bytes()))
    rc, out, err = run(capsys, ["reproduce", "-p", "data_dir", root, "--out", tmp_path / "results"])
    assert rc == 2 and first_line(err).startswith(f"error: file {f}, line ") and expect in err, err
    assert not (tmp_path / "results" / "notebooks").exists() or not any((tmp_path / "results").rglob("*.ipynb"))


def test_undefined_correlations_are_named():
    """04 on a constant domain, or on fewer than 3 cities: 'r is undefined', never a number or 'Differs' alone."""
    from vitality import reporting
    from vitality.siis import correlations
    rep = rdata.load_report()
    cols = list(rdata.DOMAINS)
    s = rep.domain_scores.copy()
    s["political"] = 50.0
    t = correlations.correlation_table(s, rep.correlations, columns=cols)
    und = t["r_undefined"].ne("")
    assert und.sum() == 3 and t.loc[und, "r_reproduced"].isna().all()
    assert set(t.loc[und, "r_undefined"]) == {"r is undefined: the political scores are constant (every city has 50)"}
    _, v_r, _ = correlations.correlation_verdict(t)
    assert (v_r.loc[und[und].index, "status"] == "undefined").all()
    cause = correlations.correlation_cause(v_r, 0.0)
    assert cause.startswith("r is undefined for social–political, cultural–political, economic–political: "
                            "the political scores are constant")
    headline = reporting.verdict(v_r, what="correlations", cause=cause)
    assert headline.startswith("**Cannot be checked** for 3 of 6 correlations: r is undefined: the political "
                               "scores are constant"), headline
    assert "Of the other 3: **Differs.** 1 of 3 correlations reproduce" in headline
    assert "3 of 6 correlations cannot be computed" in correlations.correlation_plain_verdict(t)
    two = rep.domain_scores.iloc[:2]
    t2 = correlations.correlation_table(two, rep.correlations, columns=cols)
    assert t2["r_undefined"].str.contains("n < 3").all() and t2["r_reproduced"].isna().all()
    assert "6 of 6 correlations cannot be computed" in correlations.correlation_plain_verdict(t2)
