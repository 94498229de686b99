"""The README's "your own data" recipe, end to end (issue #11).

``cp -r data ~/vitality-2024``, edit values, ``python -m vitality reproduce -p data_dir ~/vitality-2024``: an
edited score, a dropped city and a new city must run through the notebooks; errata rows whose printed
value is gone are said once to be not applicable, and skipped. Notebook runs are marked ``notebooks``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from vitality.siis import data as rdata
from vitality.siis import errata, paths

PY = sys.executable


def copy_data(dest: Path) -> Path:
    """``cp -r data dest`` (as the README says)."""
    shutil.copytree(paths.DATA, dest)
    for f in dest.rglob("*"):
        f.chmod(0o644 if f.is_file() else 0o755)
    return dest


def edit_score(root: Path, city: str, domain: str, value: str) -> None:
    f = root / "report" / "domain_scores.csv"
    lines = f.read_text(encoding="utf-8").split("\n")
    for i, ln in enumerate(lines):
        parts = ln.split(",")
        if len(parts) == 5 and parts[2] == city and parts[3] == domain:
            parts[4] = value
            lines[i] = ",".join(parts)
    f.write_text("\n".join(lines), encoding="utf-8")


def _rewrite(path: Path, fn) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(df).to_csv(path, index=False, lineterminator="\n")


def drop_city(root: Path, city: str) -> None:
    """Remove a city from every table; ranks of the others are renumbered 1..n-1 (ties kept)."""
    for f in (root / "report").glob("*.csv"):
        cols = pd.read_csv(f, nrows=0).columns
        if "city_zh" in cols:
            _rewrite(f, lambda d: d[d["city_zh"] != city])
    _rewrite(root / "external" / "cities_2013.csv", lambda d: d[d["city_zh"] != city])

    def rerank(d):
        d = d.copy()
        r = pd.to_numeric(d["rank"])
        d["rank"] = r.groupby(d["ranking"]).rank(method="min").astype(int).astype(str)
        pos = pd.to_numeric(d["position"])
        d["position"] = pos.groupby(d["ranking"]).rank(method="first").astype(int).astype(str)
        return d

    _rewrite(root / "report" / "rankings.csv", rerank)


def add_city(root: Path, city: str = "新城", en: str = "Xincheng", scores=(50.0, 40.0, 30.0, 20.0),
             position: str = "47") -> None:
    """A 47th city: in the cities file, with four domain scores, last in every ranking, in one region."""
    def cities(d):
        row = {c: "" for c in d.columns}
        row.update(city_zh=city, city_en=en, province_zh="新省", province_en="Xin", admin_level="地级市 prefecture",
                   is_capital_or_municipality="no")
        return pd.concat([d, pd.DataFrame([row])], ignore_index=True)

    _rewrite(root / "external" / "cities_2013.csv", cities)

    def scores_(d):
        rows = [{"figure": "图表 19", "position": "99", "city_zh": city, "domain": dom, "score": f"{s:g}"}
                for dom, s in zip(rdata.DOMAINS, scores)]
        return pd.concat([d, pd.DataFrame(rows)], ignore_index=True)

    _rewrite(root / "report" / "domain_scores.csv", scores_)

    def ranks(d):
        rows = [{"figure": d.loc[d["ranking"] == r, "figure"].iloc[0], "ranking": r, "position": position,
                 "city_zh": city, "rank": position} for r in rdata.RANKINGS]
        return pd.concat([d, pd.DataFrame(rows)], ignore_index=True)

    _rewrite(root / "report" / "rankings.csv", ranks)

    def regions(d):
        row = {"region": "northwest", "region_zh": d.loc[d["region"] == "northwest", "region_zh"].iloc[0],
               "position": "99", "city_zh": city}
        return pd.concat([d, pd.DataFrame([row])], ignore_index=True)

    _rewrite(root / "report" / "regions.csv", regions)


# ------------------------------------------------------------------------------ fast: the tables and errata
def test_edited_copy_loads_and_errata_rows_are_not_applicable(tmp_path, capsys):
    root = copy_data(tmp_path / "vitality-2024")
    edit_score(root, "南宁", "political", "60.0")
    rep = rdata.load_report(root)
    assert rep.domain_scores.at["南宁", "political"] == 60.0
    table = errata.errata_for(root, cities=rep.cities)
    s, r, applied = errata.apply_errata(rep.domain_scores, rep.rankings, table)
    na = applied.attrs["not_applicable"]
    assert "E01" in set(na["id"]) and "E01" not in set(applied["id"])
    assert s.at["南宁", "political"] == 60.0
    err = capsys.readouterr().err
    assert err.count("not applicable to this data") == 1 and "E01: 南宁 political is 60.0, not 66.47" in err
    errata.apply_errata(rep.domain_scores, rep.rankings, table)            # said once only
    assert "not applicable" not in capsys.readouterr().err
    # the bundled data: every default row applies, nothing is said
    full = rdata.load_report()
    _, _, applied = errata.apply_errata(full.domain_scores, full.rankings, errata.errata_for(None))
    assert applied.attrs["not_applicable"].empty


def test_dropped_and_new_city_tables_load(tmp_path):
    a = copy_data(tmp_path / "dropped")
    drop_city(a, "西宁")
    rep = rdata.load_report(a)
    assert "西宁" not in rep.city_names and len(rep.city_names) == 45
    _, _, applied = errata.apply_errata(rep.domain_scores, rep.rankings, errata.errata_for(a, cities=rep.cities))
    b = copy_data(tmp_path / "new")
    add_city(b)
    rep = rdata.load_report(b)
    assert rep.city_names[-1] == "新城" and rep.domain_scores.loc["新城"].tolist() == [50, 40, 30, 20]


# ------------------------------------------------------------------------------ the recipe, with notebooks
def reproduce(args, cwd: Path, timeout=1200) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([PY, "-m", "vitality", "reproduce", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


@pytest.mark.notebooks
def test_readme_recipe_edited_score(tmp_path):
    """README: copy data/, change 南宁's political score, reproduce with -p data_dir (relative to the cwd)."""
    copy_data(tmp_path / "vitality-2024")
    edit_score(tmp_path / "vitality-2024", "南宁", "political", "60.0")
    res = reproduce(["-p", "data_dir", "vitality-2024", "--out", "results", "--only", "01", "04"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr + res.stdout
    out = tmp_path / "results"
    assert not (out / "INCOMPLETE").exists()
    nb = (out / "notebooks" / "01_rankings.ipynb").read_text(encoding="utf-8")
    assert nb.count("not applicable to this data") == 1
    assert not any((tmp_path / "vitality-2024").rglob("*.ipynb"))          # nothing written into the data


@pytest.mark.notebooks
def test_every_notebook_with_a_dropped_and_a_new_city(tmp_path):
    """One run of all seven notebooks on a copy with 西宁 dropped and a new city 新城 added (one run, not two,
    to keep the suite short; each change alone was run the same way when this test was written)."""
    root = copy_data(tmp_path / "mydata")
    drop_city(root, "西宁")
    add_city(root, position="46")
    res = reproduce(["-p", "data_dir", root, "--out", tmp_path / "results"], cwd=tmp_path, timeout=1800)
    assert res.returncode == 0, res.stderr[-3000:] + res.stdout[-2000:]
    assert not (tmp_path / "results" / "INCOMPLETE").exists()
    assert len(list((tmp_path / "results" / "notebooks").glob("*.ipynb"))) == 7
    tables = "".join(f.read_text(encoding="utf-8") for f in (tmp_path / "results" / "tables").glob("01_*.csv"))
    assert "新城" in tables and "西宁" not in tables


# ------------------------------------------------------------------------------ interruptions
def _sigint_as_in_a_terminal() -> None:
    """Child set-up: SIGINT at its default disposition, as for a command typed at a terminal.

    A process started in the background by a non-interactive shell (``pytest ... &``, some CI runners)
    inherits SIGINT *ignored*, and Python then leaves it ignored in its children, so Ctrl-C would never
    reach the command under test and the run would simply finish (exit 0) or go on (no exit)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _popen(args, cwd) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_sigint_as_in_a_terminal)


def _communicate(proc: subprocess.Popen, timeout: float) -> tuple[str, str]:
    """Output of ``proc``; on a timeout the process is killed (never left running) and the test fails."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate()
        pytest.fail(f"no exit within {timeout} s of the signal; stderr: {stderr[-2000:]}")


def _wait_for(path: Path, seconds: float) -> None:
    end = time.time() + seconds
    while time.time() < end and not path.exists():
        time.sleep(0.2)


@pytest.mark.notebooks
@pytest.mark.parametrize("sig, code, name", [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")])
def test_interrupted_reproduce_says_so(tmp_path, sig, code, name):
    out = tmp_path / "results"
    proc = _popen([PY, "-m", "vitality", "reproduce", "--only", "01", "--out", str(out)], cwd=tmp_path)
    _wait_for(out / "notebooks" / "01_rankings.ipynb", 120)      # papermill has written the first copy
    time.sleep(3)
    proc.send_signal(sig)
    stdout, stderr = _communicate(proc, 120)
    assert proc.returncode == code, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert lines[-1] == (f"interrupted ({name}) during 01_rankings; the outputs in {out} are incomplete "
                         f"({out / 'INCOMPLETE'} says so)."), stderr
    assert "Traceback" not in stderr
    assert (out / "INCOMPLETE").exists() and "interrupted" in (out / "INCOMPLETE").read_text(encoding="utf-8")
    nb = json.loads((out / "notebooks" / "01_rankings.ipynb").read_text(encoding="utf-8"))
    assert "interrupted" in "".join(nb["cells"][0]["source"])
    for cell in nb["cells"][1:]:
        pm = cell.get("metadata", {}).get("papermill", {})
        if pm and pm.get("start_time") is None:
            assert pm["status"] == "pending" and not cell.get("outputs")


def test_interrupted_uncertainty(tmp_path):
    import numpy as np
    meta = tmp_path / "m.csv"
    meta.write_text("iCode,Level,Parent,Direction,Weight,Type\n" + "".join(
        f"i{j},1,Index,1,1,Indicator\n" for j in range(30)) + "Index,2,,,1,Aggregate\n", encoding="utf-8")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.random((400, 30)) + 0.1, columns=[f"i{j}" for j in range(30)])
    df.insert(0, "uCode", [f"U{i}" for i in range(400)])
    df.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "o"
    proc = _popen([PY, "-m", "vitality", "uncertainty", "--data", "d.csv", "--meta", "m.csv", "--n", "1000000",
                   "--sa-n", "0", "--out", str(out)], cwd=tmp_path)
    time.sleep(6)
    proc.send_signal(signal.SIGINT)
    _, stderr = _communicate(proc, 60)
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted (Ctrl-C) during ")
    assert "Traceback" not in stderr
    assert not (out / "rank_stats.csv").exists()
