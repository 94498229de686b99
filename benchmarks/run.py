"""Benchmarks of issue #14 ("Scale and speed"): every figure beside its target, in one command.

    python benchmarks/run.py                 # everything, median of 3 (about 10-15 min on 2 cores)
    python benchmarks/run.py --quick         # 1 run each, scaling series up to 10,000 units
    python benchmarks/run.py --only asem     # one group: asem, sobol, scaling, build

Not a test (pytest never collects it).  Each line prints the median, the target, the verdict and the
load average (``/proc/loadavg``, 1 min) at the time of the measurement: the machine is shared, and
a figure measured under a load above the number of cores is slower than the code.

What is measured
----------------
* ``asem``: COINr's ASEM example (51 units x 49 indicators, 4 levels) -- the whole
  ``python -m vitality uncertainty`` process at N = 10 and 10,000 (default flags); the time per
  replication in process (normalisation minmax/zscore/rank x aggregation amean/gmean x weights
  ±25 % at every level) beside a plain vectorised numpy computation of the same
  replications (one matrix product per parent, ranks by argsort, no error bound and no exact
  recomputation; its ranks compared with the engine's) and beside COINr;
  one warm ``build_index`` beside a numpy floor (two matrix products).
* ``sobol``: Sobol' sensitivity (n_base = 1,024) per model run in process; the whole process with
  ``--sa-n 1024``.
* ``scaling``: synthetic units x 60 indicators (12 sub-pillars, 3 pillars, 2 % missing), N = 1,000,
  ``--normalise minmax rank --aggregate amean gmean --sa-n 0`` at 1,000 / 3,000 / 10,000 / 30,000
  units: wall time and peak memory (``getrusage(RUSAGE_CHILDREN)`` of a wrapper around the
  subprocess) and the fitted exponent of time ~ units^b; 10,000 units with ``--sa-n 512``.
* ``build``: ``python -m vitality build --normalise minmax --aggregate amean`` on the same synthetic
  data without missing values at 1,000 ... 100,000 units (time, memory, exponent).

COINr figures are not measured here (no R on this machine): COINr 1.1.14 on the same pipeline as
ours (normalisation x weights ±25 % x aggregation, no denomination, imputation or winsorisation)
took 20.3 ms per replication quiet and 36.5 ms under load, 21 ms per build and 24 ms per Sobol'
model run, measured on this 2-core machine by an earlier session (issue #14).  COINr's own
example index *with* denomination, imputation and winsorisation took 188 ms per replication; that
pipeline does more than ours and is not the yardstick.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ASEM_DATA = ROOT / "data" / "external" / "asem" / "input_ASEM_iData.csv"
ASEM_META = ROOT / "data" / "external" / "asem" / "input_ASEM_iMeta.csv"
#: COINr 1.1.14 on this machine, same pipeline as ours (an earlier session; see the module docstring)
COINR_MS_PER_REP = (20.3, 36.5)
COINR_MS_BUILD = 21.0
COINR_MS_SOBOL_RUN = 24.0
#: ms per replication of ``numpy_replications`` on the machine of the 2 December measurements
#: (docs/robustness.md): how fast this machine is, compared with that one, on the same plain numpy code
NUMPY_REF_MS = 0.0344

ROWS: list = []
LAST_CPU = [float("nan")]      # CPU time (user + sys) of the last measurement: less sensitive to load


def cpu_note() -> str:
    return f"cpu {LAST_CPU[0]:.3g} s"


def load() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:  # pragma: no cover
        return float("nan")


def report(name: str, value: float, unit: str, target: float | None, note: str = "", *, fmt: str = "{:.3g}"):
    ok = None if target is None else value <= target
    ROWS.append(dict(name=name, value=value, unit=unit, target=target, ok=ok, load=load(), note=note))
    t = "-" if target is None else f"<= {fmt.format(target)} {unit}"
    v = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:<62} {fmt.format(value):>9} {unit:<4} {t:>14}  {v:<6} load {ROWS[-1]['load']:.2f}  {note}",
          flush=True)


def median_time(fn, repeat: int) -> float:
    """Median wall time of ``fn()``; the median CPU time of this process goes to LAST_CPU."""
    times, cpus = [], []
    for _ in range(repeat):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    LAST_CPU[0] = statistics.median(cpus)
    return statistics.median(times)


def run_process(args: list, repeat: int = 1) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MiB) of ``python -m vitality ARGS`` in fresh processes."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.perf_counter(); p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "wall = time.perf_counter() - t\n"
               "if p.returncode: sys.stderr.write(p.stderr); sys.exit(p.returncode)\n"
               "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "print(wall, u.ru_maxrss, u.ru_utime + u.ru_stime)\n")
    walls, rss, cpus = [], [], []
    for _ in range(repeat):
        p = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "vitality", *map(str, args)],
                           cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        if p.returncode:
            raise SystemExit(f"failed: vitality {' '.join(map(str, args))}\n{p.stderr}")
        w, r, c = p.stdout.split()
        walls.append(float(w))
        rss.append(int(r) / 1024.0)
        cpus.append(float(c))
    LAST_CPU[0] = statistics.median(cpus)
    return statistics.median(walls), max(rss)


# ---------------------------------------------------------------------------- synthetic data
def synthetic(n_units: int, n_ind: int = 60, *, missing: float = 0.02, seed: int = 1):
    """units x 60 indicators in 12 sub-pillars of 5, 3 pillars of 4, one index (as bench_engine)."""
    rng = np.random.default_rng(seed)
    codes = [f"i{j:02d}" for j in range(n_ind)]
    rows = [dict(iCode=c, Level=1, Parent=f"sp{j // 5:02d}", Direction=(-1 if j % 7 == 0 else 1),
                 Weight=1 + j % 3, Type="Indicator") for j, c in enumerate(codes)]
    rows += [dict(iCode=f"sp{k:02d}", Level=2, Parent=f"p{k // 4}", Direction=1, Weight=1, Type="Aggregate")
             for k in range(n_ind // 5)]
    rows += [dict(iCode=f"p{k}", Level=3, Parent="Index", Direction=1, Weight=1, Type="Aggregate")
             for k in range(n_ind // 20)]
    rows += [dict(iCode="Index", Level=4, Parent=None, Direction=1, Weight=1, Type="Aggregate")]
    X = rng.lognormal(2, 1, (n_units, n_ind))
    if missing:
        X[rng.random(X.shape) < missing] = np.nan
    data = pd.DataFrame(X, columns=codes)
    data.insert(0, "uCode", [f"u{i:06d}" for i in range(n_units)])
    return data, pd.DataFrame(rows)


def write_synthetic(tmp: Path, n_units: int, missing: float) -> tuple[Path, Path]:
    d = tmp / f"data_{n_units}_{'m' if missing else 'f'}.csv"
    m = tmp / "meta60.csv"
    if not d.exists():
        data, meta = synthetic(n_units, missing=missing)
        data.to_csv(d, index=False)
        meta.to_csv(m, index=False)
    return d, m


def exponent(xs, ys) -> float:
    x, y = np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float))
    return float(np.polyfit(x, y, 1)[0])


# ---------------------------------------------------------------------------- numpy references
def numpy_replications(model, sample):
    """Ranks (R x units x aggregates) of the replications in ``sample``, computed as plainly as numpy
    allows -- the plain reference the engine is compared with: per combination of normalisation and aggregation,
    level 1 as one matrix product per parent (the weights of every replication times the children's
    values; the weights of the children present, for the re-normalisation, as a second product),
    higher levels as weighted sums of the children's (R x units) arrays, geometric means in the log
    domain, then ranks (ties "min") of the scores rounded to 12 significant digits by one argsort.
    No error bound and no exact recomputation: where a score's 12th digit is in doubt its rank can
    differ from the engine's (counted and printed)."""
    from vitality.ranking import round_significant
    fw = model.framework
    ch = model.choices
    R, n = len(sample), model.n_units
    nA = len(model.aggregates)
    out = np.empty((nA, R, n))
    gid = model._key_id[sample.normalise, sample.ties] * len(ch.aggregate) + sample.aggregate
    groups = []
    for lv in range(1, fw.n_levels):
        kids = fw.codes_at(lv)
        groups.append([[kids.index(c) for c in fw.children(p)] for p in fw.codes_at(lv + 1)])
    for g in np.unique(gid):
        rows = np.flatnonzero(gid == g)
        kk, a = divmod(int(g), len(ch.aggregate))
        X, logX = model._mats[model._keys[kk]]
        gmean = ch.aggregate[a] == "gmean"
        W = sample.weights[rows]
        P = (~np.isnan(X)).astype(float)
        V = np.where(P > 0, logX if gmean else X, 0.0)
        col = 0
        vals = None
        for lv in range(1, fw.n_levels):
            w = W[:, model._level_slices[lv]]
            new = []
            for C in groups[lv - 1]:
                with np.errstate(divide="ignore", invalid="ignore"):
                    if lv == 1:
                        res = (w[:, C] @ V[:, C].T) / (w[:, C] @ P[:, C].T)
                    else:
                        ok = [~np.isnan(vals[i]) for i in C]
                        num = sum(w[:, [i]] * np.where(o, vals[i], 0.0) for i, o in zip(C, ok))
                        res = num / sum(w[:, [i]] * o for i, o in zip(C, ok))
                out[col, rows] = res
                col += 1
                new.append(res)
            vals = new
        if gmean:
            out[:, rows] = np.exp(out[:, rows])
    # ranks, 1 = best, ties "min", of scores rounded to 12 significant digits
    T = -round_significant(out.reshape(-1, n), 12)
    miss = np.isnan(T)
    T[miss] = np.inf
    order = np.argsort(T, axis=1)
    S = np.take_along_axis(T, order, axis=1)
    new = np.ones(S.shape, dtype=bool)
    new[:, 1:] = S[:, 1:] != S[:, :-1]
    pos = np.arange(1, n + 1, dtype=float)
    lo = np.maximum.accumulate(np.where(new, pos, 0.0), axis=1)
    Rk = np.empty_like(T)
    np.put_along_axis(Rk, order, lo, axis=1)
    Rk[miss] = np.nan
    return Rk.reshape(nA, R, n).transpose(1, 2, 0)


def bench_asem(repeat: int):
    from vitality.index import build_index, read_data_csv, read_meta_csv
    from vitality.robustness import Choices, RobustnessModel, uncertainty_analysis

    print("\n# COINr's ASEM example (51 units x 49 indicators)")
    with tempfile.TemporaryDirectory() as tmp:
        for n, target in ((10, 1.0), (10_000, 1.0)):
            run_process(["uncertainty", "--data", ASEM_DATA, "--meta", ASEM_META, "--n", n, "--seed", 1,
                         "--out", Path(tmp) / "warm", "--quiet"])             # warm the file cache
            wall, rss = run_process(["uncertainty", "--data", ASEM_DATA, "--meta", ASEM_META, "--n", n, "--seed", 1,
                                     "--out", Path(tmp) / f"n{n}", "--quiet"], repeat)
            report(f"ASEM uncertainty, N = {n:,}, whole process, default flags", wall, "s", target,
                   f"{cpu_note()}; peak {rss:.0f} MiB (was 2.3-4.4 s at N=10, 3.0-3.5 s at N=10,000)")
    data, meta = read_data_csv(ASEM_DATA), read_meta_csv(ASEM_META)
    ch = Choices(normalise=("minmax", "zscore", "rank"), aggregate=("amean", "gmean"),
                 normalise_params={"minmax": {"range": (1, 100)}, "zscore": {"mean_sd": (100, 10)}})
    model = RobustnessModel(data, meta, ch, missing="renormalise")
    N = 10_000
    from vitality import jit
    from vitality.parallel import available_cores
    from vitality.robustness import THREAD_UNITS
    threads = available_cores() if model.n_units >= THREAD_UNITS else 1   # uncertainty_analysis's default
    sample = model.sample(N, 1)
    ref = numpy_replications(model, sample)
    t_np = median_time(lambda: numpy_replications(model, sample), repeat)
    cpu_np = LAST_CPU[0] / N * 1e3
    floor = (f"plain numpy {t_np / N * 1e3:.4f} ms (cpu {cpu_np:.4f}; this machine at {NUMPY_REF_MS / (t_np / N * 1e3):.2f}x "
             f"the speed of the one of 2 Dec, where it took {NUMPY_REF_MS} ms")
    # the default: numpy's passes; then the compiled loops (VITALITY_JIT=1 or vitality.jit.load(), numba installed)
    modes = [("0", "numpy passes, the default")]
    if jit.load() is not None:
        modes.append(("1", "compiled loops (VITALITY_JIT=1 or vitality.jit.load(); numba, the jit extra)"))
    else:
        print("  (numba not installed: no row for the compiled loops; pip install -e '.[jit]')")
    for mode, what in modes:
        os.environ["VITALITY_JIT"] = mode
        uncertainty_analysis(model, 1000, seed=1)                    # warm (and, with 1, load the loops)
        model.n_exact = 0
        t = median_time(lambda: uncertainty_analysis(model, N, seed=1), repeat)
        cpu_rep = LAST_CPU[0] / N * 1e3
        share_exact = model.n_exact / (repeat * N * model.n_units)
        ours = model.ranks(sample)
        differ = int((~((ours == ref) | (np.isnan(ours) & np.isnan(ref)))).sum())
        report(f"ASEM per replication, in process, {'numpy passes' if mode == '0' else 'compiled loops'}",
               t / N * 1e3, "ms", 0.010,
               f"{what}; cpu {cpu_rep:.4f} ms ({threads} thread{'s' if threads > 1 else ''}); {floor}; "
               f"{'same ranks' if not differ else f'{differ} of {ref.size:,} ranks differ where the 12th digit is in doubt'}); "
               f"{share_exact:.1%} of (replication, unit) pairs recomputed exactly; "
               f"COINr {COINR_MS_PER_REP[0]}-{COINR_MS_PER_REP[1]} ms -> "
               f"{COINR_MS_PER_REP[0] / (t / N * 1e3):,.0f}-{COINR_MS_PER_REP[1] / (t / N * 1e3):,.0f}x less",
               fmt="{:.4f}")
    os.environ.pop("VITALITY_JIT")
    # one warm build
    kw = dict(normalise="minmax", normalise_params={"range": (1, 100)}, aggregate="amean", missing="renormalise")
    build_index(data, meta, **kw)
    reps = 200
    t_b = median_time(lambda: [build_index(data, meta, **kw) for _ in range(reps)], repeat) / reps
    cpu_b = LAST_CPU[0] / reps
    X = model._mats[model._keys[0]][0]
    X0 = np.nan_to_num(X)
    Wm = np.abs(np.random.default_rng(0).random((X.shape[1], 8)))
    t_f = median_time(lambda: [((X0 @ Wm) @ Wm[:8, :2]) for _ in range(reps)], repeat) / reps
    report("ASEM one build_index, in process (warm)", t_b * 1e3, "ms", 0.5,
           f"cpu {cpu_b * 1e3:.3f} ms; numpy floor {t_f * 1e3:.3f} ms; COINr {COINR_MS_BUILD:.0f} ms", fmt="{:.3f}")


def bench_sobol(repeat: int):
    from vitality.index import read_data_csv, read_meta_csv
    from vitality.robustness import Choices, RobustnessModel, sensitivity_analysis

    print("\n# Sobol' sensitivity (ASEM)")
    data, meta = read_data_csv(ASEM_DATA), read_meta_csv(ASEM_META)
    ch = Choices(normalise=("minmax", "zscore", "rank"), aggregate=("amean", "gmean"),
                 normalise_params={"minmax": {"range": (1, 100)}, "zscore": {"mean_sd": (100, 10)}})
    model = RobustnessModel(data, meta, ch, missing="renormalise")
    sensitivity_analysis(model, 64, seed=1)
    sa = sensitivity_analysis(model, 1024, seed=1)
    t = median_time(lambda: sensitivity_analysis(model, 1024, seed=1), repeat)
    runs = sa.spec["n_runs"]
    cpu_run = LAST_CPU[0] / runs * 1e3
    report("Sobol' per model run, n_base 1,024, in process", t / runs * 1e3, "ms", 0.02,
           f"cpu {cpu_run:.4f} ms; {runs:,} runs + {model.n_units + 1} outputs analysed; COINr {COINR_MS_SOBOL_RUN:.0f} ms", fmt="{:.4f}")
    with tempfile.TemporaryDirectory() as tmp:
        wall, rss = run_process(["uncertainty", "--data", ASEM_DATA, "--meta", ASEM_META, "--n", 10, "--seed", 1,
                                 "--sa-n", 1024, "--out", Path(tmp) / "sa", "--quiet"], repeat)
    report("ASEM --sa-n 1024 (N = 10), whole process", wall, "s", 2.0, f"{cpu_note()}; peak {rss:.0f} MiB")


def bench_scaling(repeat: int, sizes, tmp: Path, full: bool):
    print("\n# uncertainty, synthetic units x 60, N = 1,000, --normalise minmax rank --aggregate amean gmean")
    times, mems = [], []
    for u in sizes:
        d, m = write_synthetic(tmp, u, 0.02)
        wall, rss = run_process(["uncertainty", "--data", d, "--meta", m, "--normalise", "minmax", "rank",
                                 "--aggregate", "amean", "gmean", "--n", 1000, "--seed", 1, "--sa-n", 0,
                                 "--out", tmp / f"ua{u}", "--quiet"], 1 if u >= 10_000 else repeat)
        times.append(wall)
        mems.append(rss)
        target = {3000: 10.0, 10_000: 20.0}.get(u)
        mt = {3000: 1024.0, 10_000: 2048.0}.get(u)
        report(f"uncertainty {u:,} units, N = 1,000, --sa-n 0", wall, "s", target, f"{cpu_note()}; peak {rss:.0f} MiB")
        if mt is not None:
            report(f"  peak memory, {u:,} units", rss, "MiB", mt, fmt="{:.0f}")
    if len(sizes) > 1:
        report("  fitted exponent, time ~ units^b", exponent(sizes, times), "", None,
               f"memory ~ units^{exponent(sizes, mems):.2f} (start-up included)", fmt="{:.2f}")
    if full and 10_000 in sizes:
        d, m = write_synthetic(tmp, 10_000, 0.02)
        wall, rss = run_process(["uncertainty", "--data", d, "--meta", m, "--normalise", "minmax", "rank",
                                 "--aggregate", "amean", "gmean", "--n", 1000, "--seed", 1, "--sa-n", 512,
                                 "--out", tmp / "ua10ksa", "--quiet"], 1)
        report("uncertainty 10,000 units, N = 1,000, --sa-n 512", wall, "s", 60.0, f"{cpu_note()}; peak {rss:.0f} MiB")


def bench_build(repeat: int, sizes, tmp: Path):
    print("\n# build --normalise minmax --aggregate amean, synthetic units x 60 (no missing values)")
    times, mems = [], []
    for u in sizes:
        d, m = write_synthetic(tmp, u, 0.0)
        wall, rss = run_process(["build", "--data", d, "--meta", m, "--normalise", "minmax", "--aggregate", "amean",
                                 "--out", tmp / f"b{u}"], repeat)
        times.append(wall)
        mems.append(rss)
        report(f"build {u:,} units, whole process", wall, "s", 5.0 if u == 100_000 else None,
               f"{cpu_note()}; peak {rss:.0f} MiB")
        if u == 100_000:
            report("  peak memory, 100,000 units", rss, "MiB", 1024.0, fmt="{:.0f}")
    if len(sizes) > 1:
        report("  fitted exponent, time ~ units^b", exponent(sizes, times), "", None,
               f"memory ~ units^{exponent(sizes, mems):.2f} (start-up included)", fmt="{:.2f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    ap.add_argument("--quick", action="store_true", help="1 run each; scaling up to 10,000 units, build to 30,000")
    ap.add_argument("--only", nargs="+", choices=["asem", "sobol", "scaling", "build"], default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    groups = args.only or ["asem", "sobol", "scaling", "build"]
    ua_sizes = [1000, 3000, 10_000] if args.quick else [1000, 3000, 10_000, 30_000]
    build_sizes = [1000, 3000, 10_000, 30_000] if args.quick else [1000, 3000, 10_000, 30_000, 100_000]
    print(f"vitality benchmarks (issue #14): median of {repeat}; {os.cpu_count()} CPUs; Python "
          f"{sys.version.split()[0]}; numpy {np.__version__}; pandas {pd.__version__}; load {load():.2f}")
    print(f"{'measurement':<62} {'median':>9} {'':<4} {'target':>14}  verdict")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        if "asem" in groups:
            bench_asem(repeat)
        if "sobol" in groups:
            bench_sobol(repeat)
        if "scaling" in groups:
            bench_scaling(repeat, ua_sizes, tmp, full=not args.quick)
        if "build" in groups:
            bench_build(repeat, build_sizes, tmp)
    missed = [r["name"] for r in ROWS if r["ok"] is False]
    print("\nall targets met" if not missed else f"\n{len(missed)} target(s) missed: " + "; ".join(missed))
    if args.json:
        args.json.write_text(json.dumps(ROWS, indent=1, default=lambda x: None if x != x else x) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
