"""Rank statistics from the stored rank codes (vitality.rankstats): identical files to the histogram
computation of be7e445, and the same numbers as a brute-force numpy computation on the rank matrix."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vitality.rankstats import RankStore, rank_codes, rank_histogram, rank_statistics
from vitality.robustness import rank_quantiles_from_counts

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "robustness_be7e445"


def _make():
    spec = importlib.util.spec_from_file_location("make_ref", FIXTURES / "make.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("case", ["cities", "asem"])
def test_files_identical_to_be7e445(case, tmp_path):
    """rank_stats.csv, replications.csv, sensitivity.csv, summary.json: byte for byte as written by be7e445."""
    mod = _make()
    mod.run(case, tmp_path)
    ref = FIXTURES / case
    names = sorted(p.name for p in ref.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (tmp_path / name).read_bytes() == (ref / name).read_bytes(), name


def _brute_force(R: np.ndarray, nominal: np.ndarray, band: int, top: int) -> dict:
    """Statistics straight from the rank matrix (N x units, NaN = missing), unit by unit with numpy."""
    N, U = R.shape
    out = {k: np.full(U, np.nan) for k in ("q05", "median", "q95", "min", "max", "mean", "p_nominal", "p_top")}
    out["n"] = np.zeros(U, dtype=int)
    for u in range(U):
        x = R[:, u][~np.isnan(R[:, u])]
        out["n"][u] = len(x)
        if not len(x):
            continue
        out["q05"][u], out["median"][u], out["q95"][u] = np.quantile(x, [0.05, 0.5, 0.95])
        out["min"][u], out["max"][u] = x.min(), x.max()
        out["mean"][u] = x.mean()
        out["p_nominal"][u] = np.mean(x == nominal[u])
        out["p_top"][u] = np.mean(x <= top)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["within"] = ((out["q05"] >= out["median"] - band - 1e-9)
                         & (out["q95"] <= out["median"] + band + 1e-9)).astype(int)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_statistics_equal_brute_force_and_histograms(seed):
    rng = np.random.default_rng(seed)
    N, U, A = 257, 23, 3
    R = np.empty((A, N, U))
    for a in range(A):
        # ties averaged in some replications (half ranks), missing units in others
        scores = np.round(rng.normal(size=(N, U)), 1)
        R[a] = pd.DataFrame(-scores.T).rank(method="average" if a == 1 else "min").to_numpy().T
    R[0, rng.random((N, U)) < 0.1] = np.nan
    R[2, :, 5] = np.nan                                              # a unit never ranked
    nominal = np.stack([R[a, 0] for a in range(A)], axis=1)          # U x A
    codes = np.stack([rank_codes(R[a]).T for a in range(A)])         # A x U x N
    st = rank_statistics(codes.astype(np.int16), nominal, band=2, top=5, memory_mb=0.01)   # blocks of units
    for a in range(A):
        ref = _brute_force(R[a], nominal[:, a], 2, 5)
        got = {"q05": st["q"][:, a, 0], "median": st["q"][:, a, 1], "q95": st["q"][:, a, 2], "min": st["min"][:, a],
               "max": st["max"][:, a], "mean": st["mean"][:, a], "p_nominal": st["p_nominal"][:, a],
               "p_top": st["p_top"][:, a], "within": st["within"][:, a], "n": st["n"][:, a]}
        for k, v in ref.items():
            assert np.allclose(got[k], v, equal_nan=True, rtol=0, atol=1e-12), (a, k)
        # and bit for bit as the histogram computation (rank_quantiles_from_counts) of earlier versions
        h = rank_histogram(codes[a])[:, 1:]
        vals = np.arange(1, h.shape[1] + 1) / 2.0
        qs = rank_quantiles_from_counts(h, vals, [0.05, 0.5, 0.95])
        assert np.array_equal(qs, st["q"][:, a], equal_nan=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (h * vals).sum(axis=-1) / h.sum(axis=-1)
        assert np.array_equal(mean, st["mean"][:, a], equal_nan=True)


@pytest.mark.parametrize("seed", [0, 1])
def test_counted_statistics_equal_sorted_ones_bit_for_bit(seed):
    """Many replications of few units (8 (2U + 1) <= N) are counted, not sorted: the same numbers, bit for bit,
    with half ranks, missing ranks, a unit never ranked and a top beyond the last rank."""
    rng = np.random.default_rng(seed)
    N, U, A = 3000, 23, 3
    R = np.empty((A, N, U))
    for a in range(A):
        scores = np.round(rng.normal(size=(N, U)), 1)
        R[a] = pd.DataFrame(-scores.T).rank(method="average" if a == 1 else "min").to_numpy().T
    R[0, rng.random((N, U)) < 0.1] = np.nan
    R[2, :, 5] = np.nan
    nominal = np.stack([R[a, 0] for a in range(A)], axis=1)
    nominal[3, 1] = np.nan                                           # a unit without a nominal rank
    codes = np.stack([rank_codes(R[a]).T for a in range(A)]).astype(np.int16)
    for top in (5, 40):
        counted = rank_statistics(codes, nominal, band=2, top=top)
        sorted_ = rank_statistics(codes, nominal, band=2, top=top, memory_mb=0.01)    # too small to count
        for k in counted:
            assert counted[k].dtype == sorted_[k].dtype, k
            assert np.array_equal(counted[k], sorted_[k], equal_nan=True), k
        ref = _brute_force(R[0], nominal[:, 0], 2, top)
        assert np.array_equal(counted["q"][:, 0, 1], ref["median"], equal_nan=True)


def test_store_on_disk_gives_the_same_statistics():
    rng = np.random.default_rng(4)
    R = rng.permuted(np.tile(np.arange(1.0, 41.0), (300, 1)), axis=1)      # N x U
    mem, disk = RankStore(1, 40, 300), RankStore(1, 40, 300, memory_mb=0.001)
    assert not mem.on_disk and disk.on_disk
    for s in (mem, disk):
        s.put(np.arange(0, 100), R[:100, :, None])
        s.put(np.arange(100, 300), R[100:, :, None])
    nominal = np.arange(1.0, 41.0)[:, None]
    a, b = rank_statistics(mem.codes, nominal), rank_statistics(disk.codes, nominal)
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k
    path = disk._file
    disk.close()
    assert not Path(path).exists()


def test_codes_are_small_ints():
    assert RankStore(3, 63, 10).codes.dtype == np.int8                 # 2 x 63 = 126 <= 127
    assert RankStore(3, 64, 10).codes.dtype == np.int16
    assert RankStore(3, 16_000, 10).codes.dtype == np.int16
    assert RankStore(3, 20_000, 10).codes.dtype == np.int32


def test_vectorised_sobol_equals_salib_bit_for_bit():
    """vitality.sobolfast gives SALib's numbers exactly, output by output (constant outputs included)."""
    from SALib.analyze import sobol as sobol_analyze

    from vitality.sobolfast import sobol_first_total
    rng = np.random.default_rng(0)
    D, N = 4, 64
    Y = rng.normal(size=(6, N * (D + 2)))
    Y[1] = np.round(Y[1])                      # ties
    Y[2, :] = 3.0                              # constant: SALib returns zeros
    Y[3] = rng.integers(0, 3, Y.shape[1])      # few distinct values (ranks that rarely move)
    got = sobol_first_total(Y, D, num_resamples=50, conf_level=0.95, seed=7)
    problem = {"num_vars": D, "names": [f"x{j}" for j in range(D)], "bounds": [[0, 1]] * D}
    for k in range(len(Y)):
        if np.ptp(Y[k]) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sobol_analyze.analyze(problem, Y[k], calc_second_order=False, num_resamples=50, conf_level=0.95,
                                        seed=7, print_to_console=False)
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            assert np.array_equal(np.asarray(ref[key], dtype=float), got[key][k]), (k, key)


def test_round_significant_unchanged_bit_for_bit():
    """The in-place, table-driven round_significant gives the numbers of the plain formula."""
    from vitality.ranking import round_significant

    def plain(A, digits):
        A = np.asarray(A, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            mag = np.floor(np.log10(np.abs(A)))
            mag = np.where(np.isfinite(mag), mag, 0.0)
            scale = 10.0 ** (digits - 1 - mag)
            R = np.round(A * scale) / scale
        return np.where(np.isfinite(R), R, A)

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=20000) * 10.0 ** rng.integers(-320, 308, 20000), rng.random(20000) * 100,
                        [0.0, -0.0, np.nan, np.inf, -np.inf, 1e308, 5e-324, 1e-310, 99.99999999999999, 100.0,
                         0.1 + 0.2, 5.1000000000000005]])
    for d in range(1, 18):
        a, b = plain(x, d), round_significant(x, d)
        assert np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b)), d


@pytest.mark.parametrize("k", list(range(1, 20)) + [33, 64])
def test_sorting_network_sorts_as_numpy(k):
    """vitality.sortsum.sort_last_axis leaves the array C.sort(axis=-1) leaves: values, layout and sums."""
    from vitality.sortsum import sort_last_axis
    rng = np.random.default_rng(k)
    base = rng.normal(size=(4, 7, 3, k)) * 10.0 ** rng.integers(-3, 3, (4, 7, 3, k))
    base[0] = 0.0
    base[1, :, :, : k // 2] = 0.0
    base[2] = np.round(base[2])
    base[3, 0, 0, 0] = np.inf
    for C in (base.copy(), np.moveaxis(np.ascontiguousarray(np.moveaxis(base, 3, 1)), 1, 3)):   # two layouts
        ref = C.copy(order="K")
        ref.sort(axis=-1)
        sort_last_axis(C)
        assert np.array_equal(C, ref) and C.strides == ref.strides
        assert np.array_equal(C.sum(axis=-1), ref.sum(axis=-1))
    C = base.copy()
    C[0, 0, 0, 0] = np.nan                                           # NaN: numpy's own sort
    ref = C.copy()
    ref.sort(axis=-1)
    sort_last_axis(C)
    assert np.array_equal(C, ref, equal_nan=True)


def test_counts_of_the_compiled_loop_equal_numpy_and_bad_codes_are_refused(monkeypatch):
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 2 * 9 + 1, (9, 5000)).astype(np.int16)
    monkeypatch.setenv("VITALITY_JIT", "0")
    ref = rank_histogram(codes)
    monkeypatch.setenv("VITALITY_JIT", "1")
    assert np.array_equal(rank_histogram(codes), ref)
    assert np.array_equal(rank_histogram(codes[:, ::3]), np.stack([np.bincount(c, minlength=19) for c in codes[:, ::3]]))
    bad = codes.copy()
    bad[4, 17] = 19                                            # beyond 2 x 9 units
    with pytest.raises(ValueError, match="rank codes must lie in 0 .. 18"):
        rank_histogram(bad)
