"""Benchmark of the weight explorer's update, the part the kernel does for every slider move.

Run from the repository root::

    python benchmarks/bench_explorer.py            # 15 updates per language
    python benchmarks/bench_explorer.py --quick    # 5

One update = re-score and re-rank the 46 cities for new weights through the suite's one route
(``siis.model.score``, beside the published and the nominal rank) and draw the chart into the PNG the
widget shows (``explorer.render_chart_png``). The browser test (``tests/siis/test_browser.py``) prints
the whole round trip seen in Chromium; this one isolates the kernel's share. Target: the whole update
within 0.5 s on a 2-core machine, so the kernel's share well under it. Prints medians, wall and CPU,
with the load average; exit code 1 if the median wall time misses the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vitality import style  # noqa: E402
from vitality.siis import data, explorer  # noqa: E402

TARGET_S = 0.5


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n = 5 if args.quick else 15
    scores, published = data.load_domain_scores(), data.load_rankings()["overall"]
    missed = False
    for lang in ("zh", "en"):
        lang = style.setup(lang, quiet=True)
        walls, cpus = [], []
        for i in range(n + 1):
            w = {"social": 1 + i % 3, "cultural": 1, "economic": 1 + (i % 2), "political": 1}
            t0, c0 = time.perf_counter(), time.process_time()
            table = explorer.rank_with_weights(scores, w, published, nominal=explorer.EQUAL_PER_INDICATOR)
            explorer.render_chart_png(table, weights=w, lang=lang)
            if i:                                   # the first call warms caches (fonts, framework)
                walls.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
        med = statistics.median(walls)
        missed |= med > TARGET_S
        print(f"explorer update ({lang}): median wall {med * 1000:.0f} ms, CPU {statistics.median(cpus) * 1000:.0f} ms "
              f"over {n} updates (target <= {TARGET_S * 1000:.0f} ms; load {os.getloadavg()[0]:.1f})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
