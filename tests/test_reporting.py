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
    assert reporting.verdict(t, what="scores").startswith("**Reproduces.** All 1 scores")
    t = reporting.compare_values(pd.Series({"a": 1.0, "b": 2.0}), pd.Series({"a": 1.0, "b": 2.5}))
    v = reporting.verdict(t, what="scores", cause="a typo")
    assert "1 of 2 scores reproduce" in v and "b" in v and "0.5" in v and "a typo" in v


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
    assert first.startswith("city,v\n北京,0.3\n上海,\n".encode("utf-8"))   # rounded as a person reads it
    s = reporting.stamp({"w": 1}, [p1], tmp_path, "t")
    rec = json.loads(s.read_text(encoding="utf-8"))
    assert rec["parameters"] == {"w": 1} and len(rec["data_sha256"]["t.csv"]) == 64


def test_per_value_tolerance_from_printed_precision():
    pub = pd.Series({"a": 0.75, "b": 0.847, "c": 20.0})
    tol = reporting.printed_tolerance(pub)
    assert tol.to_dict() == {"a": 0.005, "b": 0.0005, "c": 0.5}
    t = reporting.compare_values(pub, pd.Series({"a": 0.7511, "b": 0.8481, "c": 20.4}), tol=tol)
    assert t["status"].tolist() == ["match", "differs", "match"]   # 0.7511 rounds to 0.75; 0.8481 not to 0.847
    assert t["tol"].tolist() == [0.005, 0.0005, 0.5]
    v = reporting.verdict(t, what="values", tol="half a unit of each printed value's last decimal")
    assert "(half a unit of each printed value's last decimal)" in v and "b" in v
    frame = pd.DataFrame({"r": [0.75]}, index=["x"])
    t2 = reporting.compare_values(frame, frame + 0.004, tol=reporting.printed_tolerance(frame))
    assert t2["status"].tolist() == ["match"]


def test_rankings_verdict_names_the_best_weighting_only_when_unique():
    from vitality.siis import rankings

    rows = {"overall: a": {"figure": "图表 3", "n": 4, "exact": 3, "consistent": 4, "unexplained": 0, "within_1": 4,
                           "spearman": 0.9, "kendall": 0.8, "max_shift": 1, "max_shift_cities": "x"},
            "overall: b": {"figure": "图表 3", "n": 4, "exact": 1, "consistent": 1, "unexplained": 3, "within_1": 2,
                           "spearman": 0.5, "kendall": 0.3, "max_shift": 2, "max_shift_cities": "y"}}
    text = rankings.verdict_lines(pd.DataFrame.from_dict(rows, orient="index"))
    assert "**a** gives the most" in text and "answered by the weight space" in text
    assert "**consistent with** the scores" in text and "**differs**" in text
    rows["overall: b"].update(exact=3, consistent=4)
    text = rankings.verdict_lines(pd.DataFrame.from_dict(rows, orient="index"))
    assert "It ties with another scheme" in text
