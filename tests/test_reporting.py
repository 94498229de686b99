"""reporting: side-by-side comparisons, rank agreement and verdict wording, on hand-made cases."""

import json

import numpy as np
import pandas as pd
import pytest

from vitality import reporting
from vitality.errors import ConfigError


def test_compare_values_flags_each_kind_and_keeps_every_label():
    pub = pd.Series({"a": 1.00, "b": 2.00, "c": 3.00})
    rep = pd.Series({"a": 1.004, "b": 2.02, "d": 4.0})
    t = reporting.compare_values(pub, rep, tol=0.005)
    assert list(t.index) == ["a", "b", "c", "d"]
    assert t.loc["a", "status"] == "match"
    assert t.loc["b", "status"] == "differs"
    assert t.loc["b", "difference"] == pytest.approx(0.02)
    assert t.loc["c", "status"] == "missing reproduced"
    assert t.loc["d", "status"] == "missing published"


def test_compare_values_on_frames_stacks_cells():
    pub = pd.DataFrame({"x": [1.0, 2.0]}, index=["p", "q"])
    rep = pd.DataFrame({"x": [1.0, 2.5]}, index=["p", "q"])
    t = reporting.compare_values(pub, rep)
    assert t.loc[("q", "x"), "status"] == "differs"
    assert t.loc[("p", "x"), "status"] == "match"


def test_verdict_wording_match_and_differ():
    t = reporting.compare_values(pd.Series({"a": 1.0}), pd.Series({"a": 1.0}))
    assert reporting.verdict(t, what="scores").startswith("**Matches.** All 1 scores")
    t = reporting.compare_values(pd.Series({"a": 1.0, "b": 2.0}), pd.Series({"a": 1.0, "b": 2.5}))
    v = reporting.verdict(t, what="scores", cause="a typo")
    assert "1 of 2 scores match" in v and "b" in v and "0.5" in v and "a typo" in v


def test_rank_agreement_hand_computed():
    pub = pd.Series({"a": 1, "b": 2, "c": 3, "d": 4})
    rep = pd.Series({"a": 1, "b": 3, "c": 2, "d": 4})
    a = reporting.rank_agreement(pub, rep)
    assert a.exact == 2 and a.within_1 == 4 and a.max_shift == 1
    assert set(a.max_shift_units) == {"b", "c"}
    # Spearman: d^2 = 0+1+1+0 = 2 -> 1 - 6*2/(4*15) = 0.8; Kendall: 5 concordant, 1 discordant -> 4/6
    assert a.spearman == pytest.approx(0.8)
    assert a.kendall == pytest.approx(4 / 6)
    assert "2 of 4" in reporting.rank_verdict(a, what="ranks")


def test_rank_agreement_refuses_different_units():
    with pytest.raises(ConfigError, match="same units"):
        reporting.rank_agreement(pd.Series({"a": 1}), pd.Series({"b": 1}))


def test_save_table_and_stamp_are_reproducible(tmp_path):
    df = pd.DataFrame({"v": [0.1 + 0.2, np.nan]}, index=pd.Index(["北京", "上海"], name="city"))
    p1 = reporting.save_table(df, "t", tmp_path)
    first = p1.read_bytes()
    reporting.save_table(df, "t", tmp_path)
    assert p1.read_bytes() == first
    assert first.startswith("city,v\n北京,0.30000000000000004\n".encode("utf-8"))
    s = reporting.stamp({"w": 1}, [p1], tmp_path, "t")
    rec = json.loads(s.read_text(encoding="utf-8"))
    assert rec["parameters"] == {"w": 1} and len(rec["data_sha256"]["t.csv"]) == 64
