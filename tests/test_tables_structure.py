"""The structure scan of a CSV file (vitality.tables) against its plain definition, and the reader's
line numbers on the fast path."""

from __future__ import annotations

import re

import numpy as np
import pytest

from vitality.errors import DataValidationError
from vitality.index import read_data_csv
from vitality.tables import _clean_structure


def _plain(data: bytes, sep: bytes) -> bool:
    """Clean = no blank line (only spaces, tabs, separators) and as many separators in all as the header's
    times the lines (a line with too many then implies one with too few: the parser finds it)."""
    body = data[:-1] if data.endswith(b"\n") else data
    lines = body.split(b"\n")
    blank = any(not ln.strip(b" \t" + sep) for ln in lines)
    return not blank and body.count(sep) == lines[0].count(sep) * len(lines)


@pytest.mark.parametrize("sep", [b",", b";", b"\t"])
def test_clean_structure_is_the_plain_definition(sep):
    rng = np.random.default_rng(2)
    pieces = [b"a", b"1.5", b"", b" ", b"\t", b"x y", b"NA"]
    for _ in range(400):
        n_lines, width = int(rng.integers(1, 7)), int(rng.integers(1, 4))
        lines = [sep.join(pieces[int(j)] for j in rng.integers(0, len(pieces), width + int(rng.random() < 0.1)))
                 for _ in range(n_lines)]
        data = b"\n".join(lines) + (b"\n" if rng.random() < 0.5 else b"")
        end = len(data) - 1 if data.endswith(b"\n") else len(data)
        fast, first_nl, n_breaks = _clean_structure(data, end, sep)
        assert fast == _plain(data, sep), data
        assert first_nl == data.find(b"\n", 0, end) and n_breaks == data.count(b"\n", 0, end)


def test_a_wide_line_on_the_fast_path_is_named_by_its_file_line(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("uCode,x1,x2\nA,1,2\nB,3\nC,4,5,6\nD,7,8\n")    # separators add up: the fast path
    with pytest.raises(DataValidationError, match=re.escape("line 4: this line has 4 values")):
        read_data_csv(f)


def test_fast_path_reads_the_same_rows_with_and_without_a_last_line_break(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("uCode,x1\nA,1\nB,2.5\nC,\n")
    b.write_text("uCode,x1\nA,1\nB,2.5\nC,")
    da, db = read_data_csv(a), read_data_csv(b)
    assert da.equals(db) and da["uCode"].tolist() == ["A", "B", "C"] and np.isnan(da["x1"].iloc[2])
    assert da.attrs["lines"].tolist() == [2, 3, 4]
