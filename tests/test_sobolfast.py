"""vitality.sobolfast: SALib's Sobol' sample and estimators, bit for bit, without importing SALib."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from repo import ROOT

from vitality import sobolfast
from vitality.sobolfast import sobol_first_total, sobol_sample


def _salib_problem(groups):
    names = [f"x{j}" for j in range(len(groups))]
    problem = {"num_vars": len(groups), "names": names, "bounds": [[0.0, 1.0]] * len(groups), "groups": groups}
    if len(set(groups)) == len(groups):        # as vitality.robustness.sensitivity_analysis builds it
        problem["names"] = list(groups)
        del problem["groups"]
    return problem


@pytest.mark.parametrize("groups, n, seed", [
    (["a", "b", "c"], 8, 1),
    (["x", "x", "y", "y", "y", "z"], 64, 5),
    (["normalise", "aggregate"] + ["weights_L1"] * 49 + ["weights_L2"] * 8 + ["weights_L3"] * 2, 1024, 1),
    ([f"v{j}" for j in range(40)], 256, 2015),
    (["a", "b"], 2, 0),
    (["w", "n", "w", "a"], 32, 123456789),
])
def test_sample_equals_salib_bit_for_bit(groups, n, seed):
    from SALib.sample import sobol as salib_sample
    ref = salib_sample.sample(_salib_problem(groups), n, calc_second_order=False, scramble=True, seed=seed)
    got = sobol_sample(groups, n, seed)
    assert got.shape == ref.shape and np.array_equal(got, ref)


def test_sample_of_one_group_swaps_it_whole():
    # SALib ignores a single group (one AB row per variable, which its analysis then refuses): one AB row here
    X = sobol_sample(["w"] * 3, 16, seed=2).reshape(16, 3, 3)
    assert np.array_equal(X[:, 1], X[:, 2])           # AB of the group = B
    assert not np.array_equal(X[:, 0], X[:, 2])


def _salib_analyze(Y, D, R, seed):
    from SALib.analyze import sobol as salib_analyze
    problem = {"num_vars": D, "names": [f"x{j}" for j in range(D)], "bounds": [[0, 1]] * D}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return salib_analyze.analyze(problem, Y, calc_second_order=False, num_resamples=R, conf_level=0.9,
                                     seed=seed, print_to_console=False)


@pytest.mark.parametrize("D, N, R", [(1, 32, 2), (3, 16, 3), (5, 128, 100)])
def test_estimators_in_small_blocks_equal_salib(monkeypatch, D, N, R):
    """Blocks of outputs, of columns and of resampled rows (tiny buffers here) change no number."""
    rng = np.random.default_rng(3)
    Y = rng.normal(size=(7, N * (D + 2)))
    Y[1] = np.round(Y[1])
    Y[2] = rng.integers(0, 3, Y.shape[1])
    whole = sobol_first_total(Y, D, num_resamples=R, conf_level=0.9, seed=11)
    monkeypatch.setattr(sobolfast, "_ROW_BYTES", 8)
    monkeypatch.setattr(sobolfast, "_BLOCK_BYTES", 8)
    small = sobol_first_total(Y, D, num_resamples=R, conf_level=0.9, seed=11, block_bytes=1)
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        assert np.array_equal(whole[key], small[key], equal_nan=True), key
    for k in range(len(Y)):
        ref = _salib_analyze(Y[k], D, R, 11)
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            assert np.array_equal(np.asarray(ref[key], dtype=float), small[key][k], equal_nan=True), (k, key)


def test_sensitivity_imports_neither_salib_nor_scipy_stats():
    code = ("import sys, pandas as pd\n"
            "from vitality.robustness import Choices, RobustnessModel, sensitivity_analysis\n"
            "data = pd.DataFrame({'uCode': list('ABCDE'), 'x': [1.0, 2, 3, 4, 5], 'y': [4.0, 1, 3, 2, 5]})\n"
            "meta = pd.DataFrame({'iCode': ['x', 'y', 'I'], 'Level': [1, 1, 2], 'Parent': ['I', 'I', None],\n"
            "                     'Type': ['Indicator'] * 2 + ['Aggregate']})\n"
            "m = RobustnessModel(data, meta, Choices(aggregate=('amean', 'gmean')))\n"
            "sa = sensitivity_analysis(m, 32, seed=1)\n"
            "print(len(sa.table), sorted(k for k in sys.modules if k.startswith(('SALib', 'scipy.stats'))))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["12", "[]"]
