"""The typing of a read table's cells: the quick path (plain numbers) gives what the full number rules give."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vitality.index import read_data_csv
from vitality.tables import NA_TOKENS, read_table, to_numbers

COLUMNS = {
    "uCode": ["NA", "B", "C", "D", "E"],
    "plain": ["1.5", " 2 ", "", "NA", "-0"],
    "fullwidth": ["２．５", "1", "2", "3", "4"],
    "thousands": ["1,234", "5", "6", "7", "1,000,000.5"],
    "text": ["L", "XL", "", "M", "S"],
    "digits_then_text": ["1", "2", "3", "4 kg", "5"],
    "all_missing": ["NA", "", "N/A", "null", "None"],
    "awkward": ["12345678901234567890", "9007199254740993", "1e-300", "0.1000000000000000055511151231257827", "1e400"],
}


def _write(path, quoted: bool):
    q = '"' if quoted else ""
    def cell(v):
        return f'"{v}"' if quoted or "," in v else v
    lines = [",".join(f"{q}{c}{q}" for c in COLUMNS)]
    lines += [",".join(cell(COLUMNS[c][i]) for c in COLUMNS) for i in range(5)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_quick_typing_matches_the_full_rules(tmp_path):
    for quoted in (True, False):
        p = tmp_path / f"d{int(quoted)}.csv"
        _write(p, quoted)
        df = read_data_csv(p)
        raw = read_table(p).df                                   # every cell as text, stripped
        assert df["uCode"].tolist() == COLUMNS["uCode"] and df["uCode"].dtype == object
        for c in list(COLUMNS)[1:]:
            s = raw[c]
            na = s.isin(NA_TOKENS)
            num, bad = to_numbers(s.where(~na, ""))
            if bad.any() or na.all():                             # text: kept as written, missing cells NaN
                assert df[c].dtype == object, c
                assert [v for v in df[c] if isinstance(v, str)] == [v for v, m in zip(s, na) if not m], c
            else:
                got = df[c].to_numpy()
                assert df[c].dtype == np.float64, c
                assert np.array_equal(got, num.to_numpy(), equal_nan=True), c
                assert np.array_equal(np.signbit(got), np.signbit(num.to_numpy())), c
        assert df["text"].dtype == object and df["digits_then_text"].dtype == object
        assert df["fullwidth"].tolist()[0] == 2.5 and df["thousands"].tolist()[-1] == 1000000.5
        assert pd.isna(df["plain"].iloc[3]) and str(df["plain"].iloc[4]) == "-0.0"
