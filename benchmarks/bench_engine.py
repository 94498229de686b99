"""Benchmarks of the index engine (plain timeit, medians).

Run from the repository root::

    python benchmarks/bench_engine.py            # all cases, about 20 s
    python benchmarks/bench_engine.py --quick    # fewer repeats

Each case times one full ``vitality.build_index`` call (metadata checks, normalisation, weights,
aggregation at every level, ranks, spec with sha256 of data and metadata) and prints, per call, the
median wall time (judged against the target), the minimum wall time, and the median CPU time of this
process (the engine's own cost, which other processes competing for the cores do not inflate as much).
"warm" = repeated builds with the same metadata, whose checked framework is memoised on the metadata's
sha256 (the usual situation in sensitivity runs); "cold" = that memo cleared before every call.
Targets (2-core machine): ASEM <= 3 ms, 3,000 x 60 <= 100 ms.  The exit code is 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import timeit
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vitality import index as engine  # noqa: E402
from vitality.index import build_index, read_data_csv, read_meta_csv  # noqa: E402
from vitality.siis.paths import DATA, EXTERNAL_DATA  # noqa: E402


def asem_inputs():
    d = EXTERNAL_DATA / "asem"
    if not (d / "input_ASEM_iData.csv").exists():
        d = Path("/work/shared/data/asem")
    return read_data_csv(d / "input_ASEM_iData.csv"), read_meta_csv(d / "input_ASEM_iMeta.csv")


def siis_inputs(seed=2015):
    meta = read_meta_csv(DATA / "framework" / "siis_meta.csv")
    codes = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(rng.poisson(5, (46, len(codes))).astype(float), columns=codes)
    data.insert(0, "city", [f"city{i:02d}" for i in range(46)])
    return data, meta


def synthetic_inputs(n_units=3000, n_ind=60, seed=1):
    """3,000 units x 60 indicators in 12 sub-pillars of 5, 3 pillars of 4, one index; 2% missing."""
    rng = np.random.default_rng(seed)
    codes = [f"i{j:02d}" for j in range(n_ind)]
    rows = [dict(iCode=c, Level=1, Parent=f"sp{j // 5:02d}", Direction=(-1 if j % 7 == 0 else 1),
                 Weight=1 + j % 3, Type="Indicator") for j, c in enumerate(codes)]
    rows += [dict(iCode=f"sp{k:02d}", Level=2, Parent=f"p{k // 4}", Direction=1, Weight=1, Type="Aggregate")
             for k in range(n_ind // 5)]
    rows += [dict(iCode=f"p{k}", Level=3, Parent="Index", Direction=1, Weight=1, Type="Aggregate")
             for k in range(n_ind // 20)]
    rows += [dict(iCode="Index", Level=4, Parent=None, Direction=1, Weight=1, Type="Aggregate")]
    meta = pd.DataFrame(rows)
    X = rng.lognormal(2, 1, (n_units, n_ind))
    X[rng.random(X.shape) < 0.02] = np.nan
    data = pd.DataFrame(X, columns=codes)
    data.insert(0, "uCode", [f"u{i:05d}" for i in range(n_units)])
    return data, meta


def time_ms(fn, *, repeat: int, min_time: float = 0.05) -> tuple[float, float, float]:
    """Milliseconds per call over ``repeat`` timeit rounds of about ``min_time`` s each:
    (median wall time, minimum wall time, median CPU time of this process)."""
    fn()  # warm-up (imports, memo)
    number = max(1, int(min_time / max(timeit.timeit(fn, number=1), 1e-6)))
    wall = [t / number * 1e3 for t in timeit.repeat(fn, number=number, repeat=repeat)]
    cpu = [t / number * 1e3 for t in timeit.repeat(fn, number=number, repeat=repeat, timer=time.process_time)]
    return statistics.median(wall), min(wall), statistics.median(cpu)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args(argv)
    repeat = 7 if args.quick else 25

    asem_d, asem_m = asem_inputs()
    siis_d, siis_m = siis_inputs()
    syn_d, syn_m = synthetic_inputs()

    def cold(fn):
        def run():
            engine.clear_cache()
            return fn()
        return run

    cases = [
        ("46-city SIIS, rank_score + amean (report's method)",
         lambda: build_index(siis_d, siis_m, unit_col="city"), None),
        ("ASEM 51 x 49, minmax 0-100 + amean, warm",
         lambda: build_index(asem_d, asem_m, normalise="minmax", missing="renormalise"), 3.0),
        ("ASEM 51 x 49, minmax 0-100 + amean, cold",
         cold(lambda: build_index(asem_d, asem_m, normalise="minmax", missing="renormalise")), 3.0),
        ("ASEM 51 x 49, rank + gmean, warm",
         lambda: build_index(asem_d, asem_m, normalise="rank", aggregate="gmean", missing="renormalise"), 3.0),
        ("synthetic 3000 x 60, minmax + amean, warm",
         lambda: build_index(syn_d, syn_m, normalise="minmax", missing="renormalise"), 100.0),
        ("synthetic 3000 x 60, rank_score + gmean, cold",
         cold(lambda: build_index(syn_d, syn_m, normalise="rank_score", aggregate="gmean", missing="renormalise")),
         100.0),
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} CPU(s), load average {load:.2f}; {repeat} repeats per case")
    width = max(len(c[0]) for c in cases)
    print(f"  {'case':<{width}}  {'median wall':>12}  {'(min wall)':>10}  {'median CPU':>10}")
    ok = True
    for name, fn, target in cases:
        ms, best, cpu = time_ms(fn, repeat=repeat)
        if target is None:
            verdict = "(no target)"
        else:
            met = ms <= target
            ok &= met
            verdict = f"target <= {target:g} ms  {'OK' if met else 'MISSED'}"
        print(f"  {name:<{width}}  {ms:9.3f} ms  ({best:8.3f})  {cpu:7.3f} ms   {verdict}")
    if load > 1.0:
        print(f"note: load average {load:.2f} on {os.cpu_count()} CPU(s): other processes compete; rerun when idle.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
