"""A/B: the same in-process measurements with an older checkout and this one, alternated (CPU time).

    git worktree add /tmp/ref be7e445
    python benchmarks/ab.py /tmp/ref [ROUNDS]

CPU time of this process (``time.process_time``), so that the comparison holds under the load of a
shared machine; both versions run in turn in fresh interpreters.  The synthetic 3,000 x 60 case needs
about 5.5 GB of memory with be7e445 (its units x units rank histograms).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
CODE = r'''
import time, json, sys, os, numpy as np
ROOT, SYN = os.environ['AB_ROOT'], os.environ['AB_SYN']
from vitality.index import read_data_csv, read_meta_csv, build_index
from vitality.robustness import Choices, RobustnessModel, uncertainty_analysis, sensitivity_analysis
d = read_data_csv(ROOT + "/data/external/asem/input_ASEM_iData.csv"); m = read_meta_csv(ROOT + "/data/external/asem/input_ASEM_iMeta.csv")
ch = Choices(normalise=("minmax","zscore","rank"), normalise_params={"minmax":{"range":(1,100)},"zscore":{"mean_sd":(100,10)}}, aggregate=("amean","gmean"))
model = RobustnessModel(d, m, ch, missing="renormalise")
out = {}
def cpu(fn):
    fn(); c = time.process_time(); fn(); return time.process_time() - c
out["ua_ms_per_rep"] = cpu(lambda: uncertainty_analysis(model, 10000, 1)) / 10000 * 1e3
sa = sensitivity_analysis(model, 256, 1)
out["sa_ms_per_run"] = cpu(lambda: sensitivity_analysis(model, 256, 1)) / sa.spec["n_runs"] * 1e3
kw = dict(normalise="minmax", normalise_params={"range": (1, 100)}, aggregate="amean", missing="renormalise")
out["build_ms"] = cpu(lambda: [build_index(d, m, **kw) for _ in range(100)]) / 100 * 1e3
sd, sm = read_data_csv(SYN + "/d.csv"), read_meta_csv(SYN + "/m.csv")
ch2 = Choices(normalise=("minmax","rank"), aggregate=("amean","gmean"), normalise_params={"minmax":{"range":(1,100)}})
m2 = RobustnessModel(sd, sm, ch2, missing="renormalise")
out["ua3000_ms_per_rep"] = cpu(lambda: uncertainty_analysis(m2, 100, 1)) / 100 * 1e3
print(json.dumps(out))
'''
def main():
    ref = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    from run import write_synthetic
    with tempfile.TemporaryDirectory() as syn:
        d, m = write_synthetic(Path(syn), 3000, 0.02)
        os.rename(d, Path(syn) / "d.csv")
        os.rename(m, Path(syn) / "m.csv")
        res = {"reference": [], "this": []}
        for _ in range(rounds):
            for name, path in (("reference", ref), ("this", str(ROOT))):
                env = {**os.environ, "PYTHONPATH": path, "AB_ROOT": str(ROOT), "AB_SYN": syn}
                p = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env)
                if p.returncode:
                    sys.exit(p.stderr[-2000:])
                res[name].append(json.loads(p.stdout.strip().splitlines()[-1]))
                print(name, res[name][-1], "load", open("/proc/loadavg").read().split()[0], flush=True)
    for k in res["this"][0]:
        a = statistics.median(r[k] for r in res["reference"])
        b = statistics.median(r[k] for r in res["this"])
        print(f"{k:22} reference {a:.4f} ms  this {b:.4f} ms  speed-up {a / b:.2f}x")


if __name__ == "__main__":
    main()
