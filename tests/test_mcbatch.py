"""The batched kernel (vitality.mcbatch): the same ranks as the exact engine, rounding doubts found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from repo import EXTERNAL_DATA

from vitality.index import read_data_csv, read_meta_csv
from vitality.mcbatch import batch_scores, decades, doubtful, rank_batch, rank_rows
from vitality.normalise import TIES, rank_asc
from vitality.ranking import round_significant
from vitality.robustness import Choices, RobustnessModel


@pytest.fixture(scope="module")
def asem():
    return (read_data_csv(EXTERNAL_DATA / "asem" / "input_ASEM_iData.csv"),
            read_meta_csv(EXTERNAL_DATA / "asem" / "input_ASEM_iMeta.csv"))


@pytest.mark.parametrize("ties", TIES)
@pytest.mark.parametrize("units", [37, 1500])          # short rows: one scatter; long rows: a scatter per row
def test_rank_rows_equals_rank_asc_of_rounded(ties, units):
    rng = np.random.default_rng(1)
    S = rng.normal(size=(300, units)) * 10.0 ** rng.integers(-3, 4, (300, 1))
    S[::4, :10] = np.round(S[::4, :10] * 4) / 4              # ties
    S[1::7, 3] = 0.0
    S[2::5, 5] = np.nan
    S[3, :] = np.nan
    S[5, 6] = S[5, 7] * (1 + 1e-14)                             # equal at 12 digits
    ref = rank_asc(-round_significant(S.T, 12), ties).T
    got = rank_rows(S, 12, ties)
    assert np.array_equal(got, ref, equal_nan=True)


def test_decades_give_the_grid_of_round_significant():
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.lognormal(0, 15, 20000), -rng.lognormal(0, 3, 2000), rng.uniform(1, 100, 2000),
                        10.0 ** np.arange(0, 16), np.nextafter(10.0 ** np.arange(0, 16), 0)])
    for part in (x, x[-2032:-2000]):                        # many powers of ten, and a few
        scale = decades(part)[0]
        assert np.array_equal(np.rint(part * scale) / scale, round_significant(part))
    # below 1 and past 1e15 powers of ten are not floats: the last bit can differ there, and rank_rows leaves such rows
    # (with a value within an ulp or so of such a power) to round_significant
    assert rank_rows(np.array([[1e-5, 2e-5, 3.0]])) is None
    assert rank_rows(np.array([[1.5e-5, 2e-5 * 1.01, 3.0]])) is not None


@pytest.mark.parametrize("gmean", [False, True])
def test_not_doubtful_means_the_exact_score_rounds_the_same(asem, gmean):
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("zscore",), aggregate=("gmean" if gmean else "amean",)),
                        missing="renormalise")
    s = m.sample(400, seed=4)
    key = m._keys[0]
    X, logX = m._mats[key]
    P0 = ~np.isnan(X)
    V0 = logX if gmean else np.where(P0, X, 0.0)
    W = [s.weights[:, m._level_slices[lv]] for lv in range(1, m.framework.n_levels)]
    S, B = batch_scores(m._level_groups, V0, P0, W, gmean=gmean)
    exact = m.scores(s).transpose(2, 0, 1)
    assert np.array_equal(np.isnan(S), np.isnan(exact))
    ok = ~np.isnan(S)
    assert (np.abs(S - exact)[ok] <= B[ok]).all()             # the bound holds
    d = doubtful(S, B)
    assert d.any()                                             # doubts occur: the exact recomputation is needed
    sure = ok & ~d
    assert np.array_equal(round_significant(S[sure]), round_significant(exact[sure]))


def test_batched_ranks_equal_exact_engine(asem):
    """Drops, min_share, several normalisers and tie policies, Dirichlet weights, half ranks."""
    data, meta = asem
    for ch, kw in [(Choices(normalise=("minmax", "zscore", "rank"), ties=("min", "average"),
                            aggregate=("amean", "gmean"), drop=True), dict(min_share=0.6)),
                   (Choices(normalise=("rank", "minmax"), aggregate=("gmean", "amean"), weights="dirichlet",
                            concentration=20), dict(rank_ties="average"))]:
        m = RobustnessModel(data, meta, ch, missing="renormalise", **kw)
        s = m.sample(300, seed=11)
        S = m.scores(s)                                        # the exact engine
        assert np.array_equal(m.ranks(s), m._rank(S), equal_nan=True)


def test_batched_ranks_with_ties_and_near_ties_equal_exact_engine(asem):
    """Units that tie (copies) or nearly tie at the 12th digit: only they are recomputed exactly."""
    data, meta = asem
    data = data.copy()
    data.attrs = {}                                             # provenance of the file read: not this frame's
    ind = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    twins = data.iloc[[0, 5, 9]].copy()
    twins["uCode"] = [f"{u}_copy" for u in twins["uCode"]]
    near = data.iloc[[3, 7]].copy()
    near["uCode"] = [f"{u}_near" for u in near["uCode"]]
    col = data[ind].notna().all().idxmax()                     # an indicator every unit reports
    near[col] = near[col] * (1 + 3e-13)                         # equal to 12 digits or one unit of the last apart
    data = pd.concat([data, twins, near], ignore_index=True)
    for ch in (Choices(normalise=("minmax", "zscore"), aggregate=("amean", "gmean")),
               Choices(normalise=("rank",), ties=("min", "average"), aggregate=("amean",), drop=True)):
        m = RobustnessModel(data, meta, ch, missing="renormalise")
        s = m.sample(200, seed=3)
        assert np.array_equal(m.ranks(s), m._rank(m.scores(s)), equal_nan=True)
        assert 0 < m.n_exact < 200 * m.n_units / 4              # the ties' pairs (the 5 added and a few others)


@pytest.mark.parametrize("ties", TIES)
def test_rank_batch_recomputes_near_ties_and_keeps_the_rest(ties):
    """rank_batch with a stand-in for the exact engine: fast scores within their bound of the exact ones,
    exact ties, ties only after rounding, values straddling a rounding boundary and near powers of ten."""
    rng = np.random.default_rng(5)
    nA, R, n = 3, 400, 40
    E = rng.uniform(1, 9, (nA, R, n))
    E[:, :, 1] = E[:, :, 0]                                    # exact ties
    E[:, ::3, 2] = E[:, ::3, 3] * (1 + 2e-13)                  # equal or one unit apart at 12 digits
    base = np.round(E[:, :, 4] * 1e11) / 1e11
    E[:, :, 4] = base + 0.5e-11 - 1e-16                        # just below a rounding boundary ...
    E[:, :, 5] = base + 0.5e-11 + 1e-16                        # ... and just above it
    E[:, ::5, 6] = np.nextafter(10.0, 0)                       # near a power of ten
    E[:, ::5, 7] = 10.0
    E[:, ::7, 8] = np.nan
    B = np.full(E.shape, 4e-15)
    S = E + rng.uniform(-1, 1, E.shape) * 4e-15                 # the fast values, within the bound
    S[np.isnan(E)] = np.nan
    calls = []

    def exact(r, u):
        calls.append(len(r))
        return E[:, r, u].T

    ranks, k = rank_batch(S.copy(), B, exact, 12, ties)
    ref = rank_rows(E.reshape(-1, n), 12, ties).reshape(nA, R, n)
    assert np.array_equal(ranks, ref, equal_nan=True)
    assert k == sum(calls) and 0 < k < R * 12                  # the tied and special units, not all 40


def test_relative_bound_of_non_negative_means_covers_every_bound(asem):
    """bounds=False relies on amean_relative_bound: every computed bound is within it, S is the same."""
    from vitality.mcbatch import amean_relative_bound
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("minmax", "rank"), aggregate=("amean",), drop=True),
                        missing="renormalise", min_share=0.5)
    s = m.sample(300, seed=8)
    for key in m._keys:
        X, _ = m._mats[key]
        P0 = ~np.isnan(X)
        V0 = np.where(P0, X, 0.0)
        keep = np.ones((len(s), m.n_ind), dtype=bool)
        d = s.drop >= 0
        keep[np.flatnonzero(d), s.drop[d]] = False
        W = [s.weights[:, m._level_slices[lv]] for lv in range(1, m.framework.n_levels)]
        S, B = batch_scores(m._level_groups, V0, P0, W, keep=keep, min_share=0.5)
        S2, none = batch_scores(m._level_groups, V0, P0, W, keep=keep, min_share=0.5, bounds=False)
        assert none is None and np.array_equal(S, S2, equal_nan=True)
        ok = ~np.isnan(S)
        rel = amean_relative_bound(m._level_groups)
        assert (B[ok] <= rel * np.abs(S[ok]) * (1 + 1e-9)).all() and rel < 1e-13
    with pytest.raises(ValueError, match="non-negative"):
        batch_scores(m._level_groups, -V0, P0, W, bounds=False)
    with pytest.raises(ValueError, match="non-negative"):
        batch_scores(m._level_groups, -V0, P0, W, gmean=True, bounds=False)


@pytest.mark.parametrize("scale", [(1, 100), (1, 1e6)])
def test_relative_bound_of_geometric_means_of_values_from_one_covers_every_bound(asem, scale):
    """bounds=False for gmean relies on gmean_relative_bound: every bound computed in full (indicators left
    out, missing parents, values up to 1e6) is within it, the scores are the same; logs below 0 are refused."""
    from vitality.mcbatch import gmean_relative_bound
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("minmax", "rank"), aggregate=("gmean",), drop=True,
                                            normalise_params={"minmax": {"range": scale}}),
                        missing="renormalise", min_share=0.5)
    s = m.sample(300, seed=9)
    worst = 0.0
    for key in m._keys:
        X, logX = m._mats[key]
        P0 = ~np.isnan(X)
        keep = np.ones((len(s), m.n_ind), dtype=bool)
        d = s.drop >= 0
        keep[np.flatnonzero(d), s.drop[d]] = False
        W = [s.weights[:, m._level_slices[lv]] for lv in range(1, m.framework.n_levels)]
        S, B = batch_scores(m._level_groups, logX, P0, W, keep=keep, gmean=True, min_share=0.5)
        S2, none = batch_scores(m._level_groups, logX, P0, W, keep=keep, gmean=True, min_share=0.5, bounds=False)
        assert none is None and np.array_equal(S, S2, equal_nan=True)
        ok = ~np.isnan(S)
        assert ok.sum() > 0.9 * ok.size
        rel = gmean_relative_bound(m._level_groups, float(logX.max()))
        assert (B[ok] <= rel * S[ok]).all() and rel < 1e-12
        worst = max(worst, float((B[ok] / S[ok]).max() / rel))
    assert worst > 0.7                                  # the bound is not loose (0.8-0.85 on ASEM)
    with pytest.raises(ValueError, match="non-negative"):
        batch_scores(m._level_groups, logX - 1.0, P0, W, gmean=True, bounds=False)


def test_a_missing_child_adds_nothing_to_its_parents_bound():
    """A missing parent with a large weight and a large value: its bound does not reach the top's (it enters
    the fast mean as 0, its weight not in the denominator), so the top's bound stays within
    gmean_relative_bound -- and the fast score is the exact one's within it."""
    from vitality.mcbatch import gmean_relative_bound
    groups = [[np.array([0, 1, 2]), np.array([3])], [np.array([0, 1])]]
    X = np.array([[1e6, np.nan, np.nan, 1.0], [3.0, 2.0, 5.0, 7.0]])
    P0 = ~np.isnan(X)
    V0 = np.log(np.where(P0, X, 1.0))
    W = [np.ones((1, 4)), np.array([[1000.0, 1.0]])]
    S, B = batch_scores(groups, V0, P0, W, gmean=True, min_share=0.5)
    assert np.isnan(S[0, 0, 0]) and S[2, 0, 0] == 1.0         # A missing for the first unit; the top = B's 1
    rel = gmean_relative_bound(groups, float(V0.max()))
    ok = ~np.isnan(S)
    assert (B[ok] <= rel * S[ok]).all()
    top = np.exp((1000 * np.log(30.0) / 3 + np.log(7.0)) / 1001)   # the second unit, exactly enough
    assert abs(S[2, 0, 1] - top) <= 2 * rel * top


@pytest.mark.parametrize("scale, cheap", [((1, 100), True), ((1e-3, 1e-2), False)])
def test_the_model_skips_the_bounds_of_geometric_means_only_of_values_from_one(asem, monkeypatch, scale, cheap):
    """The Monte Carlo passes bounds=False for gmean exactly when every log is >= 0 (values >= 1), and ranks
    as the exact engine's scores rank either way; the fast scores are the exact ones within the bound."""
    import vitality.robustness_model as rm
    from vitality.mcbatch import gmean_relative_bound
    seen = []

    def spy(*args, **kw):
        seen.append(kw["bounds"])
        return batch_scores(*args, **kw)

    monkeypatch.setattr(rm, "batch_scores", spy)
    data, meta = asem
    m = RobustnessModel(data, meta, Choices(normalise=("minmax",), aggregate=("gmean",),
                                            normalise_params={"minmax": {"range": scale}}), missing="renormalise")
    s = m.sample(200, seed=3)
    exact = m.scores(s)
    assert np.array_equal(m.ranks(s), m._rank(exact), equal_nan=True)
    assert seen and all(b is (not cheap) for b in seen)
    if cheap:
        X, logX = m._mats[m._keys[0]]
        W = [s.weights[:, m._level_slices[lv]] for lv in range(1, m.framework.n_levels)]
        S, _ = batch_scores(m._level_groups, logX, ~np.isnan(X), W, gmean=True, bounds=False)
        E = exact.transpose(2, 0, 1)
        ok = ~np.isnan(E)
        rel = gmean_relative_bound(m._level_groups, float(logX.max()))
        assert np.array_equal(ok, ~np.isnan(S)) and (np.abs(S - E)[ok] <= 2 * rel * E[ok]).all()


def test_no_replication_gives_empty_scores():
    S, B = batch_scores([[np.array([0, 1])]], np.ones((3, 2)), np.array([[True, False]] * 3), [np.ones((0, 2))])
    assert S.shape == B.shape == (1, 0, 3)


@pytest.mark.parametrize("bounds", [True, False])
def test_rank_batch_leaves_unfit_keys_to_the_caller_with_the_doubtful_scores_exact(bounds):
    """A near tie at a power of ten below 1 (12-digit keys do not fit there): None, and every score in doubt
    is exact, so the caller's round_significant ranks are the exact engine's -- with or without bounds."""
    E = np.array([[[1e-5, 1e-5, 3.0, 0.25]], [[2.0, 1.0, np.nan, 0.5]]])
    S = E * (1 + np.array([0.0, 1e-13, 2e-15, -2e-15]))
    B = np.abs(S) * 1e-14 if bounds else None
    ranks, k = rank_batch(S, B, lambda r, u: E[:, r, u].T)
    assert ranks is None and k >= 2
    got = rank_asc(-round_significant(S.reshape(-1, 4).T, 12), "min").T
    assert np.array_equal(got, rank_asc(-round_significant(E.reshape(-1, 4).T, 12), "min").T, equal_nan=True)
    S = E.copy()
    S[0, 0, 2] = np.inf
    assert rank_batch(S, B, lambda r, u: E[:, r, u].T)[0] is None                 # infinite: left to the caller
