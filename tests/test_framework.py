"""Framework: reading COINr and vitality metadata, every refused kind of bad metadata, weight matrices."""

import numpy as np
import pandas as pd
import pytest
from repo import DATA, EXTERNAL_DATA

from vitality.errors import ConfigError
from vitality.framework import Framework
from vitality.index import read_meta_csv

ASEM_DIR = EXTERNAL_DATA / "asem"
if not (ASEM_DIR / "input_ASEM_iMeta.csv").exists():  # colleague's copy not there yet: the shared original
    from pathlib import Path
    ASEM_DIR = Path("/work/shared/data/asem")
SIIS_META = DATA / "framework" / "siis_meta.csv"
SIIS_DOMAINS_META = DATA / "framework" / "siis_domains_meta.csv"


def small_meta(changes=None):
    """A 3-level framework: i1, i2 -> A; i3 -> B; A, B -> T (vitality layout)."""
    rows = [
        dict(code="i1", level=1, parent="A", direction=1, weight=1, type="Indicator"),
        dict(code="i2", level=1, parent="A", direction=-1, weight=3, type="Indicator"),
        dict(code="i3", level=1, parent="B", direction=1, weight=1, type="Indicator"),
        dict(code="A", level=2, parent="T", direction=1, weight=1, type="Aggregate"),
        dict(code="B", level=2, parent="T", direction=1, weight=3, type="Aggregate"),
        dict(code="T", level=3, parent=None, direction=1, weight=1, type="Aggregate"),
    ]
    df = pd.DataFrame(rows)
    for (code, col), val in (changes or {}).items():
        df.loc[df.code == code, col] = val
    return df


def test_reads_coinr_asem_metadata_as_is():
    meta = read_meta_csv(ASEM_DIR / "input_ASEM_iMeta.csv")
    fw = Framework.from_meta(meta)
    assert fw.top == "Index" and fw.n_levels == 4
    assert len(fw.indicators) == 49 and fw.indicators[:3] == ["LPI", "Flights", "Ship"]
    assert fw.codes_at(2) == ["Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social", "SusEcFin"]
    assert fw.codes_at(3) == ["Conn", "Sust"]
    assert fw.children("Conn") == ["Physical", "ConEcFin", "Political", "Instit", "P2P"]
    assert fw.parent["Tariff"] == "Instit" and fw.levels["Tariff"] == 1
    assert fw.direction["Tariff"] == -1 and fw.direction["LPI"] == 1
    assert set(fw.extra_columns) == {"GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group", "Area", "Energy",
                                     "GDP", "Population"}
    assert fw.targets["LPI"] == pytest.approx(4.11803135)
    data = pd.read_csv(ASEM_DIR / "input_ASEM_iData.csv")
    fw.check_data_columns(data.columns)  # uName, uCode, Time reserved; groups and denominators declared


def test_reads_siis_frameworks():
    fw = Framework.from_meta(read_meta_csv(SIIS_META))
    assert fw.top == "vitality" and fw.codes_at(2) == ["social", "cultural", "economic", "political"]
    assert [len(fw.children(d)) for d in fw.codes_at(2)] == [5, 3, 5, 4]
    assert fw.names("zh")["intl_exhibitions"] == "国际会展数"
    # equal per domain (the report's stated scheme): 0.25 per domain, then equal within
    ew = fw.effective_weights()
    assert ew["passports"] == pytest.approx(0.25 / 5) and ew["sister_cities"] == pytest.approx(0.25 / 4)
    assert ew["foreign_language"] == pytest.approx(0.25 / 3) and ew.sum() == pytest.approx(1.0)
    fd = Framework.from_meta(read_meta_csv(SIIS_DOMAINS_META))
    assert fd.indicators == ["social", "cultural", "economic", "political"] and fd.top == "vitality"


def test_levels_and_types_inferred_when_absent():
    fw = Framework.from_meta(small_meta().drop(columns=["level", "type"]))
    assert fw.levels == {"i1": 1, "i2": 1, "i3": 1, "A": 2, "B": 2, "T": 3}


def test_effective_weights_hand_computed():
    fw = Framework.from_meta(small_meta())
    ew = fw.effective_weights()
    # A has 1/4 of T, B 3/4; in A: i1 1/4, i2 3/4
    assert ew.to_dict() == pytest.approx({"i1": 1 / 16, "i2": 3 / 16, "i3": 3 / 4})
    ew2 = fw.effective_weights({"B": 1})
    assert ew2.to_dict() == pytest.approx({"i1": 1 / 8, "i2": 3 / 8, "i3": 1 / 2})


def test_level_matrix_and_membership():
    fw = Framework.from_meta(small_meta())
    lm = fw.level_matrix(1)
    assert lm.rows == ["i1", "i2", "i3"] and lm.cols == ["A", "B"]
    np.testing.assert_allclose(lm.matrix, [[0.25, 0], [0.75, 0], [0, 1]])
    np.testing.assert_allclose(fw.level_matrix(2).matrix, [[0.25], [0.75]])
    B = fw.membership(1).matrix
    # vectorised many-weight-sets recipe from the docstring
    W = np.array([[1.0, 3.0, 1.0], [1.0, 1.0, 1.0]])
    M = W[:, :, None] * B / (W @ B)[:, None, :]
    np.testing.assert_allclose(M[0], lm.matrix)
    np.testing.assert_allclose(M[1], [[0.5, 0], [0.5, 0], [0, 1]])
    with pytest.raises(ConfigError, match="level"):
        fw.level_matrix(3)


def test_deeper_hierarchy():
    rows = [("x1", "d1"), ("x2", "d1"), ("x3", "d2"), ("d1", "s1"), ("d2", "s1"), ("s1", "p"), ("s2", "p"),
            ("x4", "d3"), ("d3", "s2"), ("p", None)]
    fw = Framework.from_meta(pd.DataFrame(rows, columns=["code", "parent"]))
    assert fw.n_levels == 4 and fw.top == "p" and fw.codes_at(3) == ["s1", "s2"]
    assert fw.descendants("s1") == ["x1", "x2", "x3"]
    assert fw.effective_weights().to_dict() == pytest.approx({"x1": 0.125, "x2": 0.125, "x3": 0.25, "x4": 0.5})


# ---------------------------------------------------------------- refused metadata
@pytest.mark.parametrize("meta, match", [
    (small_meta({("i3", "parent"): "C"}), "unknown parent 'C'"),
    (small_meta({("i3", "parent"): "i"}), "unknown parent"),
    (pd.concat([small_meta(), small_meta().iloc[[0]]]), "duplicate code"),
    (small_meta({("A", "parent"): "A"}), "its own parent"),
    (small_meta({("i2", "direction"): 0}), "Direction"),
    (small_meta({("i2", "direction"): np.nan}), "Direction"),
    (small_meta({("i2", "direction"): 2}), "Direction"),
    (small_meta({("i2", "weight"): -1}), "negative weight"),
    (small_meta({("i2", "weight"): np.nan}), "missing"),
    (small_meta({("i1", "weight"): 0, ("i2", "weight"): 0}), "all weights in the group of 'A' are zero"),
    (small_meta({("A", "weight"): 0, ("B", "weight"): 0}), "group of 'T'"),
    (small_meta({("i1", "level"): 2}), "Level"),
    (small_meta({("i1", "type"): "Indikator"}), "valid types"),
], ids=["unknown-parent", "unknown-parent-typo", "duplicate", "self-parent", "direction-0", "direction-nan",
        "direction-2", "negative-weight", "nan-weight", "zero-group", "zero-group-top", "level", "type"])
def test_bad_metadata_refused(meta, match):
    with pytest.raises(ConfigError, match=match):
        Framework.from_meta(meta)


def test_cycle_refused():
    meta = small_meta({("T", "parent"): "A", ("A", "level"): np.nan})
    meta["level"] = np.nan
    with pytest.raises(ConfigError, match="cycle"):
        Framework.from_meta(meta)


def test_orphans_refused():
    extra = pd.DataFrame([dict(code="i4", level=1, parent=None, direction=1, weight=1, type="Indicator")])
    with pytest.raises(ConfigError, match="orphan node.*'i4'"):
        Framework.from_meta(pd.concat([small_meta(), extra]))
    empty = pd.DataFrame([dict(code="C", level=2, parent="T", direction=1, weight=1, type="Aggregate")])
    with pytest.raises(ConfigError, match="orphan aggregate.*'C'"):
        Framework.from_meta(pd.concat([small_meta(), empty]))


def test_suggests_close_code():
    with pytest.raises(ConfigError, match="did you mean 'A'"):
        Framework.from_meta(small_meta({("i3", "parent"): "a"}))


def test_data_columns_checked_both_ways():
    meta = small_meta()
    with pytest.raises(ConfigError, match="'i3'.*no data column"):
        Framework.from_meta(meta, data_columns=["i1", "i2"])
    with pytest.raises(ConfigError, match="'extra'.*no metadata row"):
        Framework.from_meta(meta, data_columns=["i1", "i2", "i3", "extra"])
    with pytest.raises(ConfigError, match="aggregate codes"):
        Framework.from_meta(meta, data_columns=["i1", "i2", "i3", "A"])
    Framework.from_meta(meta, data_columns=["uCode", "uName", "Time", "i1", "i2", "i3"])


def test_missing_columns_refused():
    with pytest.raises(ConfigError, match="code column"):
        Framework.from_meta(pd.DataFrame({"parent": ["x"]}))
    with pytest.raises(ConfigError, match="Parent"):
        Framework.from_meta(pd.DataFrame({"iCode": ["x"]}))


def test_to_meta_round_trip():
    fw = Framework.from_meta(read_meta_csv(SIIS_META))
    again = Framework.from_meta(fw.to_meta())
    assert again.codes == fw.codes and again.effective_weights().equals(fw.effective_weights())
    assert again.names("zh").equals(fw.names("zh"))


def test_named_weight_sets():
    fw = Framework.from_meta(small_meta())
    fw.add_weight_set("heavy_B", {"B": 9})
    assert fw.weight_sets["heavy_B"]["B"] == 9 and fw.weight_sets["heavy_B"]["i2"] == 3
    assert "meta" in fw.weight_sets
