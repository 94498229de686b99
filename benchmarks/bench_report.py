"""The main command's slow parts (issue #12, "stays fast"), measured in process: not a test.

    python benchmarks/bench_report.py            # median of 3 of each, with the load average

Each line prints the median CPU time (``time.process_time``, so that the other users of a shared machine
count less than in wall time), the wall time, and the 1-minute load average at the time.

* ``save_figure``: 图表 5 (46 bars, Chinese labels; no layout engine) and 图表 8's scatter on four panels
  (constrained layout, labels placed to avoid each other), PNG 300 dpi + SVG. The figure is laid out once and
  rendered once per format (``tests/test_plotting.py`` counts the draws).
* ``within_groups_linkage``: SPSS's within-groups average linkage of the 46 cities (squared Euclidean).
* ``audit_report``: notebook 06's audit of the printed tables (its linkage scan is most of it; 06 runs it
  twice, before and after the errata).
* ``simplex_scan``: notebook 01's weight-space scan of the 4-simplex at step 0.01 (176,851 weightings).
* ``inline image``: a notebook's inline PNG of 图表 5 after ``save_figure``, through IPython's printer (a measuring
  draw, then the render) and through ``style.inline_png`` (the crop measured on the frozen layout: one render).

Measured on the 2-core shared machine, 1-minute load 4.3-5.2, the code before this benchmark was added ->
after (median CPU of 3): save_figure 图表 5 1.71 -> 1.26 s, 图表 8 domains 6.31 -> 3.24 s; within_groups_linkage
0.078 -> 0.004 s; audit_report 3.40 -> 1.07 s; simplex_scan 1.62 -> 1.11 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(fn, repeat: int = 3) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def line(name: str, fn, repeat: int = 3) -> None:
    cpu, wall = measure(fn, repeat)
    print(f"{name:<42} cpu {cpu:7.3f} s  wall {wall:7.3f} s  load {os.getloadavg()[0]:.2f}", flush=True)


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.spatial.distance import pdist

    from vitality import style
    from vitality.cluster import within_groups_linkage
    from vitality.siis import audit, gdp_regression, notebook, report_figures
    from vitality.siis import model as report_model  # noqa: F401  (the notebooks import it; its cost is not timed)
    from vitality.weightspace import simplex_scan

    tmp = Path(tempfile.mkdtemp())
    nb = notebook.start("bench", out_dir=str(tmp), fig_dir=str(tmp / "figures"), lang="zh")
    scores, report = nb.scores, nb.report
    gdp = report.cities["gdp_2013_100m_cny"].astype(float).reindex(scores.index)

    def save(make):
        def run():
            fig = make()
            style.save_figure(fig, "bench", tmp / "figures")
            plt.close(fig)
        return run

    line("save_figure 图表 5 (cultural ranking)", save(lambda: report_figures.domain_ranking_figure(
        scores, report.rankings, "cultural", cities=report.cities, lang=nb.lang)))
    line("save_figure 图表 8 domains (constrained)", save(lambda: gdp_regression.gdp_scatter_domains(
        scores, gdp, labels=nb.city_label, lang=nb.lang)))
    d = pdist(scores.to_numpy(dtype=float), "sqeuclidean")
    line("within_groups_linkage, 46 cities", lambda: within_groups_linkage(d), repeat=5)
    line("audit_report (printed tables)", lambda: audit.audit_report(report))
    line("simplex_scan, step 0.01", lambda: simplex_scan(nb.printed_scores, nb.printed_ranks["overall"], step=0.01))
    # a notebook's inline image of a saved figure: IPython's printer (a measuring draw, then the render) and
    # style.inline_png (the crop measured on the frozen layout, one render); the same bytes
    import functools

    from IPython.core.pylabtools import print_figure

    printer = functools.partial(print_figure, fmt="png", base64=True, bbox_inches="tight")
    fig = report_figures.domain_ranking_figure(scores, report.rankings, "cultural", cities=report.cities,
                                               lang=nb.lang)
    style.save_figure(fig, "bench", tmp / "figures")
    assert style.inline_png(fig, printer) == printer(fig)
    line("inline image 图表 5, IPython's printer", lambda: printer(fig))
    line("inline image 图表 5, style.inline_png", lambda: style.inline_png(fig, printer))
    plt.close(fig)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
