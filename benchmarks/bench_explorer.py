"""Benchmark of the weight explorer's update, the part the kernel does for every slider move.

Run from the repository root::

    python benchmarks/bench_explorer.py            # 15 updates per language
    python benchmarks/bench_explorer.py --quick    # 5

One update is what the live explorer does for a slider move (``explorer.weight_explorer`` with its
widgets, driven here without a browser): re-score and re-rank the 46 cities through the suite's one route
(``siis.model.score``), beside the published and the nominal rank; draw the chart into the PNG the widget
shows (the kept figure, ``explorer.render_chart_png``); build the table's HTML; set the widgets. The moves
alternate small steps and large jumps (a preset-like change of every weight). Also printed: the first
draw (it builds the kept figure) and the sizes of the two large widget messages (PNG, table HTML).

The browser's share (message, decode, layout) is measured by ``tests/siis/test_browser.py``, which prints
the whole round trip in Chromium per kind of move. Target: the whole update within 0.5 s on a 2-core
machine, so the kernel's share well under it. Prints medians, wall and CPU, with the load average; exit
code 1 if the median wall time misses the target.
"""

from __future__ import annotations

import argparse
import contextlib
import io
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
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # display() outside a kernel prints a repr
            ex = explorer.weight_explorer(scores, published, lang=lang, interactive=True, background=False,
                                          fallback=False)
        first = time.perf_counter() - t0
        walls, cpus = [], []
        for i in range(n):
            move = ({"economic": 0.30 + 0.01 * i} if i % 2 else
                    {"social": 0.2 + 0.05 * (i % 5), "cultural": 0.7 - 0.05 * (i % 4), "political": 0.1 + 0.1 * (i % 3)})
            c0 = time.process_time()
            k0 = len(ex.timings)
            for d, v in move.items():
                ex.sliders[d].value = v      # each set is one redraw, as one move in the browser
            walls.extend(ex.timings[k0:])
            cpus.append((time.process_time() - c0) / max(1, len(ex.timings) - k0))
        med = statistics.median(walls)
        missed |= med > TARGET_S
        print(f"explorer update ({lang}): median wall {med * 1000:.0f} ms, CPU {statistics.median(cpus) * 1000:.0f} ms, "
              f"max {max(walls) * 1000:.0f} ms over {len(walls)} updates; first draw {first * 1000:.0f} ms; "
              f"messages: PNG {len(ex.chart.value) / 1024:.0f} kB, table {len(ex.table_view.value) / 1024:.0f} kB "
              f"(target <= {TARGET_S * 1000:.0f} ms per update in the browser; load {os.getloadavg()[0]:.1f})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
