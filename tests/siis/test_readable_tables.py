"""Numbers in saved tables read as a person writes them (issue #12): no float noise, printed decimals kept,
computed values to six significant digits; value labels round half up on the printed text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vitality import reporting
from vitality.plots import fmt_half_up


def test_float_noise_goes_and_printed_decimals_stay(tmp_path):
    df = pd.DataFrame({"score": [91.05000000000001, 20.0, 98.55], "rank": [1.0, 2.0, np.nan],
                       "r": [0.1 + 0.2, 57.35294117647059, 1e-7 / 3], "name": ["a", "b", "c"]})
    text = reporting.save_table(df, "t", tmp_path, index=False).read_text(encoding="utf-8")
    assert text.splitlines() == ["score,rank,r,name", "91.05,1,0.3,a", "20.00,2,57.3529,b", "98.55,,3.33333e-08,c"]


def test_save_table_is_deterministic_and_leaves_the_frame_alone(tmp_path):
    df = pd.DataFrame({"x": [1 / 3, -0.0000001]})
    a = reporting.save_table(df, "a", tmp_path).read_bytes()
    b = reporting.save_table(df, "a", tmp_path).read_bytes()
    assert a == b and df["x"].iloc[0] == 1 / 3


def test_readable_decimals():
    assert reporting.readable_decimals([91.05000000000001, 3.1]) == 2
    assert reporting.readable_decimals([1.0, 46.0]) == 0
    assert reporting.readable_decimals([1 / 3]) is None


def test_value_labels_round_half_up_on_the_printed_text():
    assert fmt_half_up(98.55, 1) == "98.6"        # round(98.55, 1) == 98.5 in Python
    assert fmt_half_up(0.125, 2) == "0.13"        # round-half-even gives 0.12
    assert fmt_half_up(2.675, 2) == "2.68"        # the binary float is 2.67499999…
    assert fmt_half_up(-0.004, 2) == "0.00"
    assert fmt_half_up(float("nan")) == "—"
