"""``python -m vitality build``: the exact command form, outputs, errors and exit codes."""

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from repo import DATA, EXTERNAL_DATA, ROOT

from vitality.index import build_index, read_data_csv, read_meta_csv, rebuild
from vitality.index_cli import add_cli_parser, main

ASEM_DIR = EXTERNAL_DATA / "asem"
if not (ASEM_DIR / "input_ASEM_iData.csv").exists():
    ASEM_DIR = Path("/work/shared/data/asem")
ASEM_DATA, ASEM_META = ASEM_DIR / "input_ASEM_iData.csv", ASEM_DIR / "input_ASEM_iMeta.csv"
SIIS_META = DATA / "framework" / "siis_meta.csv"


def run(argv):
    return main(["build", *map(str, argv)])


def test_parser_registers_build_with_exact_form():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    add_cli_parser(sub)
    args = parser.parse_args(["build", "--data", "d.csv", "--meta", "m.csv", "--normalise", "minmax",
                              "--range", "1", "100", "--aggregate", "gmean", "--out", "o"])
    assert args.range == [1.0, 100.0] and args.aggregate == "gmean" and callable(args.func)
    args = parser.parse_args(["build", "--data", "d.csv", "--meta", "m.csv", "--normalise", "zscore",
                              "--mean-sd", "10", "2", "--aggregate", "amean", "--out", "o"])
    assert args.mean_sd == [10.0, 2.0]
    for method in ("rank", "prank", "minmax", "zscore", "rank_score", "dist_max", "dist_target", "none"):
        parser.parse_args(["build", "--data", "d", "--meta", "m", "--normalise", method, "--aggregate", "amean",
                           "--out", "o"])


def test_asem_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "asem"
    rc = run(["--data", ASEM_DATA, "--meta", ASEM_META, "--normalise", "minmax", "--range", 1, 100,
              "--aggregate", "gmean", "--missing", "renormalise", "--out", out])
    assert rc == 0
    scores = pd.read_csv(out / "scores.csv", index_col="uCode")
    ranks = pd.read_csv(out / "ranks.csv", index_col="uCode")
    spec = json.loads((out / "spec.json").read_text(encoding="utf-8"))
    assert scores.shape == (51, 49 + 8 + 2 + 1) and list(scores.columns[-3:]) == ["Conn", "Sust", "Index"]
    assert ranks.shape == scores.shape and ranks["Index"].min() == 1
    # same as in Python, and unrounded (round-trip exact)
    data, meta = read_data_csv(ASEM_DATA), read_meta_csv(ASEM_META)
    res = build_index(data, meta, normalise="minmax", normalise_params={"range": (1, 100)}, aggregate="gmean",
                      missing="renormalise")
    np.testing.assert_array_equal(scores.to_numpy(), res.scores.to_numpy())
    np.testing.assert_array_equal(ranks.fillna(-1).to_numpy(), res.ranks.fillna(-1).to_numpy())
    # the spec rebuilds the same output
    again = rebuild(spec, data, meta)
    np.testing.assert_array_equal(again.scores.to_numpy(), scores.to_numpy())
    assert spec["files"]["data"]["sha256"] and spec["command"].startswith("python -m vitality build")
    assert "wrote" in capsys.readouterr().out


def test_siis_on_the_command_line_with_weights_file(tmp_path):
    rng = np.random.default_rng(5)
    meta = read_meta_csv(SIIS_META)
    codes = meta.loc[meta.Type == "Indicator", "iCode"].tolist()
    data = pd.DataFrame(rng.poisson(4, (46, 17)), columns=codes)
    data.insert(0, "city", [f"c{i}" for i in range(46)])
    data.to_csv(tmp_path / "data.csv", index=False)
    (tmp_path / "w.json").write_text(json.dumps({"economic": 2}))
    rc = run(["--data", tmp_path / "data.csv", "--meta", SIIS_META, "--normalise", "rank_score", "--rank-n", 46,
              "--aggregate", "amean", "--unit-col", "city", "--weights", tmp_path / "w.json", "--out", tmp_path / "o"])
    assert rc == 0
    spec = json.loads((tmp_path / "o" / "spec.json").read_text())
    assert spec["weights"] == {"economic": 2} and spec["normalise_params"]["n"] == 46.0
    scores = pd.read_csv(tmp_path / "o" / "scores.csv", index_col="city")
    assert scores.index[0] == "c0" and "vitality" in scores


def test_weights_csv_keyed_by_code(tmp_path):
    pd.DataFrame({"iCode": ["Sust", "LPI"], "Weight": [3, 0.5]}).to_csv(tmp_path / "w.csv", index=False)
    rc = run(["--data", ASEM_DATA, "--meta", ASEM_META, "--normalise", "rank", "--aggregate", "amean",
              "--missing", "renormalise", "--weights", tmp_path / "w.csv", "--out", tmp_path / "o"])
    assert rc == 0
    spec = json.loads((tmp_path / "o" / "spec.json").read_text())
    assert spec["weights"] == {"Sust": 3.0, "LPI": 0.5}
    assert spec["resolved_weights"]["Sust"] == 3.0 and spec["resolved_weights"]["Conn"] == 1.0


def test_errors_exit_2_with_the_fix(tmp_path, capsys):
    rc = run(["--data", ASEM_DATA, "--meta", ASEM_META, "--normalise", "minmax", "--aggregate", "gmean",
              "--missing", "renormalise", "--out", tmp_path])
    err = capsys.readouterr().err
    assert rc == 2 and "--range 1 100" in err
    rc = run(["--data", ASEM_DATA, "--meta", ASEM_META, "--normalise", "minmax", "--aggregate", "amean",
              "--out", tmp_path])
    assert rc == 2 and "missing='renormalise'" in capsys.readouterr().err
    rc = run(["--data", ASEM_DATA, "--meta", ASEM_META, "--normalise", "rank", "--range", 0, 1,
              "--aggregate", "amean", "--out", tmp_path])
    assert rc == 2 and "--range applies to --normalise minmax" in capsys.readouterr().err
    rc = run(["--data", tmp_path / "nope.csv", "--meta", ASEM_META, "--normalise", "rank", "--aggregate", "amean",
              "--out", tmp_path])
    assert rc == 2 and "not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(["--data", ASEM_DATA, "--meta", ASEM_META, "--normalise", "minmaxx", "--aggregate", "amean",
             "--out", tmp_path])


def test_bad_metadata_file_reported(tmp_path, capsys):
    meta = read_meta_csv(ASEM_META)
    meta.loc[meta.iCode == "LPI", "Parent"] = "Physcial"
    meta.to_csv(tmp_path / "meta.csv", index=False)
    rc = run(["--data", ASEM_DATA, "--meta", tmp_path / "meta.csv", "--normalise", "rank", "--aggregate", "amean",
              "--missing", "renormalise", "--out", tmp_path / "o"])
    err = capsys.readouterr().err
    assert rc == 2 and "unknown parent 'Physcial'" in err and "did you mean 'Physical'" in err


def _main_cli_available() -> bool:
    try:
        importlib.import_module("vitality.cli").build_parser()
        return True
    except (ImportError, AttributeError):
        return False


@pytest.mark.skipif(not _main_cli_available(), reason="vitality.cli cannot assemble its subcommands yet")
def test_python_m_vitality_build(tmp_path):
    out = tmp_path / "o"
    proc = subprocess.run([sys.executable, "-m", "vitality", "build", "--data", str(ASEM_DATA), "--meta",
                           str(ASEM_META), "--normalise", "zscore", "--mean-sd", "10", "2", "--aggregate", "amean",
                           "--missing", "renormalise", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (out / "scores.csv").exists() and (out / "ranks.csv").exists() and (out / "spec.json").exists()


# ---------------------------------------------------------------------------- fast reading and writing
def _read_careful(path, unit_col=None, monkeypatch=None):
    """An independent, cell-by-cell reading (the stdlib csv module and float()): numbers become floats, the NA
    tokens missing (a column of nothing but missing values is a float column of NaN), a column with any other
    text stays text; the unit codes (uCode) are always text."""
    import csv

    from vitality.tables import NA_TOKENS

    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [[c.strip() for c in r] for r in csv.reader(fh)]
    header, body = rows[0], rows[1:]
    out = {}
    for j, name in enumerate(header):
        cells = [r[j] for r in body]
        na = [c in NA_TOKENS for c in cells]
        if name != (unit_col or "uCode"):
            try:
                out[name] = pd.Series([np.nan if m else float(c) for c, m in zip(cells, na)], dtype=float)
                continue
            except ValueError:
                pass
        out[name] = pd.Series([None if (m and name != (unit_col or "uCode")) else c for c, m in zip(cells, na)],
                              dtype=object)
    return pd.DataFrame(out)


@pytest.mark.parametrize("text", [
    "uCode,a,b\nNA,1.5,NA\nFR,,2\n007,0.1,3e-5\n",                              # codes NA and 007 stay text
    "uCode,a,b\nx, 1.25 ,n/a\ny,2,N/A\n",                                     # padded numbers
    "uCode,a,b,c\nx,1,NULL,\ny,2,null,\n",                                    # an empty column
    "uCode,name,a\nx,Paris,1\ny,Rome,2\n",                                    # a text column: careful path
    "\ufeffuCode,a\nx,0.30000000000000004\ny,123456789.123456789012\n",          # BOM, long digits
    "city,a\nx,1\ny,NA\n",                                                    # no uCode: first column text
    "uCode,a\nx,1\ny,abc\n",                                                  # a stray text cell
])
def test_fast_reading_gives_the_careful_frame(tmp_path, monkeypatch, text):
    from vitality.index import read_data_csv
    p = tmp_path / "d.csv"
    p.write_text(text, encoding="utf-8")
    fast = read_data_csv(p)
    careful = _read_careful(p, monkeypatch=monkeypatch)
    pd.testing.assert_frame_equal(fast, careful, check_exact=True)
    for c in fast.columns:
        if fast[c].dtype == float:
            assert np.array_equal(fast[c].to_numpy(), careful[c].to_numpy(), equal_nan=True)


def test_fast_reading_many_random_digits(tmp_path, monkeypatch):
    from vitality.index import read_data_csv
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 5)) * 10.0 ** rng.integers(-12, 12, (400, 5))
    lines = ["uCode," + ",".join(f"i{j}" for j in range(5))]
    for i, row in enumerate(x):
        lines.append(f"u{i}," + ",".join(f"{v:.{int(rng.integers(1, 22))}g}" for v in row))
    p = tmp_path / "d.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast, careful = read_data_csv(p), _read_careful(p, monkeypatch=monkeypatch)
    pd.testing.assert_frame_equal(fast, careful, check_exact=True)
