"""Property tests of the uncertainty ranks kernel (vitality.mcbatch.rank_batch and RobustnessModel.ranks):
the ranks equal, exactly, ranking the exact engine's scores -- over random small indices (ties, copies of
units, values differing in the 11th-13th digit, negative z-scores, geometric means, drops, min_share, every
tie policy, 3..13 digits, scores at powers of ten below 1) and, directly, over rank_batch, rank_rows and the
bit-pattern sort with a stand-in exact engine (fast = exact + noise within the bound).  The tests at the
end are counterexamples found this way (minimal cases), kept as regression tests of their fixes."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vitality.jit import load
from vitality.mcbatch import _float_order, _key_bits, _near, _near_threshold, _put_sorted, rank_batch, rank_rows
from vitality.normalise import TIES, rank_asc
from vitality.ranking import round_significant
from vitality.rankstats import rank_codes
from vitality.robustness import Choices, RobustnessModel

FAST = settings(max_examples=int(os.environ.get("VITALITY_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.too_slow])


JIT = load()               # numba is in the test extra: the compiled loops are tested beside the numpy passes


def test_the_compiled_loops_are_here_to_be_tested():
    assert JIT is not None, ("numba did not import: it is part of the test extra (pip install -e '.[test]'), so that "
                             "the compiled loops of vitality.jitloops are tested beside numpy's passes")


def _reference(S, digits, ties):
    """Rows (rows x units) ranked as the exact engine ranks them: rank_asc of the negated rounded values."""
    return rank_asc(-round_significant(S.T, digits), ties).T


# ---------------------------------------------------------------- random small indices
@st.composite
def indices(draw):
    n_ind = draw(st.integers(2, 7))
    n_units = draw(st.integers(2, 14))
    levels = draw(st.sampled_from([2, 3]))
    codes = [f"i{j}" for j in range(n_ind)]
    if levels == 3:
        n_grp = draw(st.integers(1, min(3, n_ind)))
        par = [f"G{j % n_grp}" for j in range(n_ind)]
        meta = pd.DataFrame({"iCode": codes + [f"G{g}" for g in range(n_grp)] + ["I"],
                             "Level": [1] * n_ind + [2] * n_grp + [3],
                             "Parent": par + ["I"] * n_grp + [None],
                             "Type": ["Indicator"] * n_ind + ["Aggregate"] * (n_grp + 1)})
    else:
        meta = pd.DataFrame({"iCode": codes + ["I"], "Level": [1] * n_ind + [2],
                             "Parent": ["I"] * n_ind + [None], "Type": ["Indicator"] * n_ind + ["Aggregate"]})
    kind = draw(st.sampled_from(["int", "copies", "near", "float"]))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    if kind == "int":
        X = rng.integers(0, draw(st.integers(1, 4)) + 1, (n_units, n_ind)).astype(float)
    elif kind == "copies":
        X = rng.uniform(0, 10, (n_units, n_ind))
        src = rng.integers(0, n_units, n_units // 2)
        X[rng.permutation(n_units)[:len(src)]] = X[src]
    elif kind == "near":
        base = rng.uniform(1, 10, (1, n_ind))
        X = base * (1 + rng.integers(-3, 4, (n_units, n_ind)) * 10.0 ** -draw(st.integers(10, 13)))
    else:
        X = rng.uniform(0, 1, (n_units, n_ind))
    # every indicator must vary (min-max and z-scores refuse constant columns)
    for j in range(n_ind):
        if np.ptp(X[:, j]) == 0:
            X[0, j] += 1.0
    missing = draw(st.booleans())
    if missing:
        holes = rng.random(X.shape) < 0.15
        holes[:, :] &= np.arange(n_units)[:, None] > 1          # two units with every value, so columns vary
        for j in range(n_ind):
            if np.ptp(X[~holes[:, j], j]) == 0:
                holes[:, j] = False
        X = np.where(holes, np.nan, X)
    data = pd.DataFrame(X, columns=codes)
    data.insert(0, "uCode", [f"u{k}" for k in range(n_units)])
    return data, meta, missing


NORMS = {  # method -> params; the flag: values > 0 (geometric means possible)
    "minmax01": ("minmax", {"range": (0.0, 1.0)}, False),
    "minmax": ("minmax", {"range": (1.0, 100.0)}, True),
    "minmax_small": ("minmax", {"range": (1e-3, 1e-2)}, True),
    "zscore0": ("zscore", {"mean_sd": (0.0, 1.0)}, False),
    "zscore": ("zscore", {"mean_sd": (100.0, 10.0)}, True),
    "rank": ("rank", {}, True),
    "none": ("none", {}, False),
}


@st.composite
def models(draw):
    data, meta, missing = draw(indices())
    names = draw(st.lists(st.sampled_from(sorted(NORMS)), min_size=1, max_size=3, unique=True))
    methods = tuple(dict.fromkeys(NORMS[k][0] for k in names))
    params = {}
    for k in names:                                    # one parameter set per method (the first drawn)
        params.setdefault(NORMS[k][0], NORMS[k][1])
    positive = all(NORMS[k][2] for k in names if params[NORMS[k][0]] is NORMS[k][1])
    if "none" in methods:
        positive = positive and bool((data.iloc[:, 1:].fillna(1.0).to_numpy() > 0).all())
    aggs = draw(st.sampled_from([("amean",), ("gmean",), ("amean", "gmean")] if positive else [("amean",)]))
    ch = Choices(normalise=methods, normalise_params=params, ties=tuple(draw(st.lists(
        st.sampled_from(TIES), min_size=1, max_size=2, unique=True))), aggregate=aggs,
        weights=draw(st.sampled_from(["uniform", "dirichlet", "fixed"])), drop=draw(st.booleans()))
    min_share = draw(st.sampled_from([None, 0.5, 0.75])) if missing else None
    m = RobustnessModel(data, meta, ch, missing="renormalise" if missing else "error", min_share=min_share,
                        rank_ties=draw(st.sampled_from(TIES)), rank_digits=draw(st.integers(3, 13)))
    return m, draw(st.integers(0, 2 ** 16))


@FAST
@given(models())
def test_model_ranks_equal_ranks_of_exact_scores(ms):
    m, seed = ms
    s = m.sample(40, seed=seed)
    ref = m._rank(m.scores(s))
    assert np.array_equal(m.ranks(s), ref, equal_nan=True)
    # the rank codes of the uncertainty analysis, and the top-only ranks
    codes = np.empty((len(m.aggregates), len(s), m.n_units), dtype=np.int16)
    for rows, C in m._iter_ranks(s, codes=np.int16):
        codes[:, rows] = C
    assert np.array_equal(codes, rank_codes(ref.transpose(2, 0, 1), np.int16))
    top = np.empty((1, len(s), m.n_units))
    for rows, T in m._iter_ranks(s, top_only=True):
        top[:, rows] = T
    assert np.array_equal(top[0], ref[:, :, -1], equal_nan=True)


# ---------------------------------------------------------------- rank_batch with a stand-in exact engine
def _values(rng, kind, shape, digits):
    """Scores (``shape``) of one kind: ties, near ties, rounding boundaries, powers of ten, signs, tiny, huge."""
    if kind == "ints":
        return rng.integers(0, 4, shape).astype(float)
    if kind == "near":                                  # differing in the 10th..14th digit
        base = rng.uniform(1, 10, shape[:-1] + (1,))
        return base * (1 + rng.integers(-3, 4, shape) * 10.0 ** -rng.integers(10, 15, shape))
    if kind == "boundary":                              # either side of a rounding boundary of `digits` digits
        m = rng.integers(10 ** (digits - 1), 10 ** digits, shape[:-1] + (1,)).astype(float)
        x = (m + 0.5) * 10.0 ** -(digits - 1)
        return x * (1 + rng.integers(-2, 3, shape) * 2.0 ** -52)
    if kind == "pow10":                                 # at powers of ten, from 1e-6 to 1e6, a few ulps away
        p = 10.0 ** rng.integers(-6, 7, shape[:-1] + (1,))
        out = p.copy() * np.ones(shape)
        steps = rng.integers(-3, 4, shape)
        for k in range(1, 4):
            out = np.where(steps >= k, np.nextafter(out, np.inf), out)
            out = np.where(steps <= -k, np.nextafter(out, -np.inf), out)
        return out
    if kind == "signed":                                # negative and positive, zeros of both signs
        x = rng.choice([-2.0, -1.0, -1e-12, -0.0, 0.0, 1e-12, 1.0, 2.0], shape)
        return x * (1 + rng.integers(-1, 2, shape) * 1e-13)
    if kind == "tiny":                                  # subnormals and values where rounding overflows its scale
        return rng.choice([5e-324, 1e-320, 2.5e-310, 1e-300, 1.0000000000001e-300, 3e-298, 1e-290, 0.0], shape)
    if kind == "huge":
        return rng.choice([1e300, 1.0000000000001e300, 3e305, 1e15, 1e16, 9.999999999999e15], shape)
    if kind == "uppow":                                 # equal to a power of ten at `digits` digits, from either side
        p = 10.0 ** rng.integers(-8, 16, shape[:-1] + (1,))
        return p * (1 + rng.integers(-4, 5, shape) * 10.0 ** -(digits + 1))
    return rng.uniform(0, 1, shape) * 10.0 ** rng.integers(-3, 4, shape[:-1] + (1,))


KINDS = ["ints", "near", "boundary", "pow10", "signed", "tiny", "huge", "uniform"]


@FAST
@given(st.integers(0, 2 ** 32 - 1), st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
       st.integers(1, 3), st.integers(1, 12), st.integers(1, 40), st.integers(1, 13), st.sampled_from(TIES),
       st.sampled_from(["none", "realistic", "mixed", "large", "cheap"]), st.booleans())
def test_rank_batch_equals_ranks_of_exact(seed, kinds, nA, R, n, digits, ties, bound, codes):
    _check_rank_batch(seed, kinds, nA, R, n, digits, ties, bound, codes)


@FAST
@given(st.integers(0, 2 ** 32 - 1), st.lists(st.sampled_from(KINDS), max_size=2),
       st.integers(1, 3), st.integers(1, 12), st.integers(1, 40), st.sampled_from([12, 13]), st.sampled_from(TIES),
       st.sampled_from(["none", "realistic", "mixed", "large", "cheap"]))
def test_rank_batch_at_powers_of_ten_with_12_or_13_digits(seed, kinds, nA, R, n, digits, ties, bound):
    _check_rank_batch(seed, kinds + ["uppow"], nA, R, n, digits, ties, bound, False)


def _check_rank_batch(seed, kinds, nA, R, n, digits, ties, bound, codes):
    rng = np.random.default_rng(seed)
    shape = (nA, R, n)
    E = np.empty(shape)
    pick = rng.integers(0, len(kinds), (1, 1, n)) * np.ones(shape, dtype=int)
    for i, k in enumerate(kinds):
        E = np.where(pick == i, _values(rng, k, shape, digits), E)
    E[rng.random(shape) < 0.05] = np.nan
    a = np.abs(E)
    if bound == "cheap":                                # B None: every bound within 10**-digits of its score
        B = None
        S = E + a * 10.0 ** -digits * rng.uniform(-1.9, 1.9, shape)
        bad = ~(np.abs(S - E) <= 2 * 10.0 ** -digits * np.abs(S))
    else:
        # bounds as batch_scores computes them (at most 1e-10 of the score) or large ones (more than
        # 10**-digits of it: recomputed); bounds in between, see test_rank_batch_fallback_with_a_loose_bound
        realistic = a * 10.0 ** rng.uniform(-18, -10, shape)
        large = a * 10.0 ** (rng.uniform(0, 3, shape) - digits) * 1.01
        B = {"none": np.zeros(shape), "realistic": realistic, "large": large}.get(bound)
        if bound == "mixed":
            B = np.where(rng.random(shape) < 0.1, large, realistic)
        with np.errstate(invalid="ignore"):
            S = E + 2 * B * rng.uniform(-1, 1, shape)
            bad = ~(np.abs(S - E) <= 2 * B)
    S = np.where(bad | np.isnan(E), E, S)              # within the bound exactly (the addition may round past it)
    calls = []

    def exact(r, u):
        r, u = np.asarray(r), np.asarray(u)
        assert len(r) == len(u) and len(np.unique(r * n + u)) == len(r)     # each pair once per call
        calls.append(len(r))
        return E[:, r, u].T

    S0 = S.copy()
    # the compiled loops (vitality.jit) on a copy: the same ranks, the same pairs recomputed
    S1, calls1 = S.copy(), []
    ranks1, k1 = rank_batch(S1, None if B is None else B.copy(),
                            lambda r, u: (calls1.append(len(r)), E[:, np.asarray(r), np.asarray(u)].T)[1], digits,
                            ties, codes=np.int32 if codes else None, jit=JIT)
    ranks, k = rank_batch(S, B, exact, digits, ties, codes=np.int32 if codes else None)
    assert k1 == k and calls1 == calls
    assert (ranks1 is None) == (ranks is None) and np.array_equal(S1, S, equal_nan=True)
    if ranks is not None:
        assert np.array_equal(ranks1, ranks, equal_nan=True)
    ref = _reference(E.reshape(-1, n), digits, ties).reshape(shape)
    assert k == sum(calls) and k <= R * n
    if ranks is None:                                   # left to the caller: S exact wherever in doubt
        got = _reference(S.reshape(-1, n), digits, ties).reshape(shape)
        assert np.array_equal(got, ref, equal_nan=True)
    elif codes:
        assert np.array_equal(ranks, rank_codes(ref, np.int32))
    else:
        assert np.array_equal(ranks, ref, equal_nan=True)
    changed = ~((S == S0) | (np.isnan(S) & np.isnan(S0)))
    assert ((S == E) | np.isnan(E))[changed].all()      # only overwritten with exact scores


@FAST
@given(st.integers(0, 2 ** 32 - 1), st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
       st.integers(1, 60), st.integers(1, 13), st.sampled_from(TIES))
def test_rank_rows_equals_rank_asc_of_rounded(seed, kinds, n, digits, ties):
    _check_rank_rows(seed, kinds, n, digits, ties)


@FAST
@given(st.integers(0, 2 ** 32 - 1), st.lists(st.sampled_from(KINDS), max_size=2), st.integers(1, 60),
       st.sampled_from([12, 13]), st.sampled_from(TIES))
def test_rank_rows_at_powers_of_ten_with_12_or_13_digits(seed, kinds, n, digits, ties):
    """Scores equal to a power of ten (1e-8 .. 1e15) after rounding, from below and from above; with fewer
    digits see test_rank_rows_ties_values_that_round_to_different_floats."""
    _check_rank_rows(seed, kinds + ["uppow"], n, digits, ties)


def _mixed_rows(rng, kinds, rows, n, digits):
    """rows x n scores, each of a kind drawn from ``kinds`` (see _values), 5 % missing; C-contiguous."""
    shape = (1, rows, n)
    S = np.empty(shape)
    pick = rng.integers(0, len(kinds), shape)
    for i, k in enumerate(kinds):
        S = np.where(pick == i, _values(rng, k, shape, digits), S)
    S = np.ascontiguousarray(S.reshape(rows, n))
    S[rng.random(S.shape) < 0.05] = np.nan
    return S


def _check_rank_rows(seed, kinds, n, digits, ties):
    rng = np.random.default_rng(seed)
    S = _mixed_rows(rng, kinds, 6, n, digits)
    got = rank_rows(S, digits, ties)
    if got is not None:
        assert np.array_equal(got, _reference(S, digits, ties), equal_nan=True)


@FAST
@given(st.integers(0, 2 ** 32 - 1), st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
       st.integers(1, 300), st.integers(1, 13))
def test_float_order_sorts_and_near_finds_every_close_pair(seed, kinds, n, digits):
    """The bit-pattern sort orders every float (-0.0, subnormals, NaN last) up to its low bits; neighbours not
    reported near are in strict order and further apart than 10**(2 - digits) of the smaller magnitude, or of opposite signs."""
    rng = np.random.default_rng(seed)
    S = _mixed_rows(rng, kinds, 5, n, digits)
    K, bits, nan_lo = _float_order(S.copy())
    idx = K & ((1 << bits) - 1)
    assert (np.sort(idx, axis=1) == np.arange(n)).all()       # every unit once per row
    V = np.take_along_axis(S, idx, axis=1)
    nan = np.isnan(V)
    assert np.array_equal(nan, np.zeros(K.shape, bool) if nan_lo is None else K >= nan_lo)
    assert not (nan[:, :-1] & ~nan[:, 1:]).any()        # missing last
    a, b = V[:, :-1], V[:, 1:]
    both = ~np.isnan(a) & ~np.isnan(b)
    r, u = _near(K, bits, nan_lo, digits)
    flagged = np.zeros(S.shape, dtype=bool)
    flagged[r, u] = True
    F = np.take_along_axis(flagged, idx, axis=1)
    pair = F[:, :-1] & F[:, 1:]
    same = np.sign(a) == np.sign(b)
    with np.errstate(invalid="ignore"):
        far = np.abs(a - b) > 10.0 ** (2 - digits) * np.minimum(np.abs(a), np.abs(b))
    # an unflagged pair of equal or near-equal values would be a miss; the order is exact outside near pairs
    assert (~both | pair | far | ~same).all()
    assert (~both | pair | (a > b)).all()
    # the compiled loops: the same keys, the same codes scattered, the rows holding a near pair
    K1 = np.empty(S.shape, dtype=np.int64)
    JIT.order_keys(S, _key_bits(n), K1)
    K1.sort(axis=1)
    assert np.array_equal(K1, K)
    base = np.arange(len(K), dtype=np.int64) * n
    T0, T1 = np.full(S.size, -1, np.int32), np.full(S.size, -1, np.int32)
    vals = np.arange(2, 2 * n + 2, 2, dtype=np.int32)
    _put_sorted(T0, K, bits, base, 1, vals, nan_lo, 0)
    flags = np.empty(len(K), dtype=bool)
    any_near = JIT.scatter_near(K, bits, base, np.int64(1), vals, np.int32(0), _near_threshold(bits, digits), T1, flags)
    assert np.array_equal(T1, T0)
    assert np.array_equal(np.flatnonzero(flags), np.unique(r)) and any_near == bool(len(r))


# ---------------------------------------------------------------- uncertainty_analysis: the exact engine's rank codes
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_uncertainty_analysis_codes_are_those_of_the_exact_engine(ms):
    from vitality.robustness import uncertainty_analysis
    m, seed = ms
    ua = uncertainty_analysis(m, 30, seed=seed, top=2, progress=False)
    ref = m._rank(m.scores(m.sample(30, seed=seed)))            # R x U x A
    assert np.array_equal(ua.rank_codes, rank_codes(ref.transpose(2, 1, 0), ua.rank_codes.dtype))


# ---------------------------------------------------------------- counterexamples, fixed
def test_rank_rows_ties_values_that_round_to_different_floats():
    """round_significant(99999000.0, 3) is 100000000.00000001, not 1e8 (the scale 1e-5 is inexact), so the exact
    engine ranks 99999000 above 1e8; rank_rows' keys (a value rounding up to the next power given that power's
    key) tied them. Fixed: a row with such a value and an inexact scale is left to round_significant."""
    S = np.array([[99999000.0, 1e8, 5.0]])
    assert round_significant(S, 3)[0, 0] != round_significant(S, 3)[0, 1]
    assert rank_rows(S, 3) is None                        # was [1, 1, 3] (engine [1, 2, 3]): left to the caller
    S = np.array([[99999000.0, 1e8, 5.0]]) / 1e6          # exact scales (1 <= e <= 22): ranked, as the engine
    assert np.array_equal(rank_rows(S, 3), _reference(S, 3, "min"))


def test_model_ranks_with_3_digits_near_1e8_equal_the_exact_engine():
    """The same through RobustnessModel.ranks: raw data (normalise 'none'), two units at 99999000 and 1e8."""
    meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Level": [1, 1, 2], "Parent": ["I", "I", None],
                         "Type": ["Indicator", "Indicator", "Aggregate"]})
    data = pd.DataFrame({"uCode": ["A", "B", "C"], "a": [99999000.0, 1e8, 5.0], "b": [99999000.0, 1e8, 5.0]})
    m = RobustnessModel(data, meta, Choices(normalise=("none",)), rank_digits=3)
    s = m.sample(5, seed=1)
    assert np.array_equal(m.ranks(s), m._rank(m.scores(s)), equal_nan=True)    # kernel [1, 1, 3], engine [1, 2, 3]


def test_rank_batch_fallback_with_a_loose_bound():
    """The fallback (keys that do not fit 64 bits) recomputes what doubtful() flags; its power-of-ten test used a
    fixed 1e-9 margin, so with a bound up to 10**-digits of the score (accepted as small) a fast 9.9999e-23
    (B = 2e-27, exact 1e-22) was not in doubt and rounded to 9.999999999999999e-23 at 3 digits, the exact value
    to 1e-22. Fixed: a score within its bound of a power of ten is in doubt."""
    E = np.array([[[1e-22, 1e-22]]])
    S = np.array([[[1e-22 * (1 - 1e-5), 5e-22]]])        # the second: a large bound, recomputed
    B = np.array([[[2e-27, 4e-22]]])
    assert (np.abs(S - E) <= B).all()
    ranks, _ = rank_batch(S, B, lambda r, u: E[:, r, u].T, 3)
    assert ranks is None                                  # left to the caller, who rounds S
    assert np.array_equal(_reference(S[0], 3, "min"), _reference(E[0], 3, "min"))   # got [2, 1], engine [1, 1]
