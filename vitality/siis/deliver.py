"""What the main command does after the notebooks: the results a researcher can hand on.

:func:`deliver` writes, in order (each step says what it wrote and how long it took):

1. the master table ``cities.csv`` / ``vitality-results.xlsx`` / ``cities.geojson`` / ``data-dictionary.csv``
   (:mod:`vitality.siis.handoff`);
2. the maps ``extra-map-*`` (:mod:`vitality.siis.maps`; a one-line note when the ``maps`` extra is missing);
3. the 46 city pages ``profiles/*.html`` (:mod:`vitality.siis.profiles`), in parallel kernels while the maps
   and the notebooks' pages ``html/*.html`` are drawn and rendered (:mod:`vitality.siis.render`);
4. ``index.html``, which links them all;
5. ``provenance.json``: one record of the whole run, with every step's time.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from . import paths

__all__ = ['output_dirs', 'deliver']


def output_dirs(out) -> tuple[Path, Path]:
    """``(out_dir, fig_dir)`` as :func:`vitality.siis.reproduce.reproduce` lays them out."""
    if out is None:
        return paths.OUTPUT, paths.FIGURES
    out_dir = Path(out).resolve()
    return out_dir, out_dir / "figures"


def deliver(out=None, *, runs=None, params: dict | None = None, lang: str = "zh", show_code: bool = False,
            profiles: bool = True, jobs: int | None = None, progress: bool = True, data_dir=None,
            profile_cities=None) -> dict:
    """Write the hand-on products into the output folder of a finished ``reproduce`` run; return their paths."""
    from .. import style
    from . import handoff, maps, render
    from . import profiles as prof

    out_dir, fig_dir = output_dirs(out)
    lang = style.setup(lang, quiet=True)
    timings: dict[str, float] = {}
    result: dict = {}

    def step(name, fn, *a, **kw):
        t = time.perf_counter()
        value = fn(*a, **kw)
        timings[name] = round(time.perf_counter() - t, 1)
        if progress:
            print(f"  {name}: {timings[name]:.1f} s", flush=True)
        return value

    if progress:
        print("Hand-on results (master table, map, city profiles, report) ...", flush=True)
    result["handoff"] = step("master table", handoff.write_handoff, out_dir, params=params, runs=runs,
                             data_dir=data_dir, progress=progress)
    pages: dict = {}
    errors: list = []
    worker = None
    if profiles:
        def run():
            try:
                pages.update(prof.run_profiles(out_dir, cities=profile_cities, lang=lang, jobs=jobs, data_dir=data_dir,
                                              progress=progress))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                errors.append(exc)

        t_prof = time.perf_counter()
        worker = threading.Thread(target=run, name="city-profiles")
        worker.start()
    result["maps"] = step("maps", maps.write_maps, out_dir, fig_dir, lang=lang, progress=progress)
    # the notebooks' pages need nothing from the profiles: rendered while the profile kernels run
    step("notebook pages", render.render_notebooks, out_dir, lang=lang, show_code=show_code)
    if worker is not None:
        worker.join()
        timings["city profiles"] = round(time.perf_counter() - t_prof, 1)
        if errors:
            raise errors[0]
    result["profiles"] = pages
    result["index"] = step("rendered report", render.render_report, out_dir, fig_dir, lang=lang,
                           show_code=show_code, profiles=pages, maps=result["maps"], progress=progress,
                           notebooks=False)
    # one provenance record for the whole run, now with every step's time
    pj = out_dir / "provenance.json"
    try:
        rec = json.loads(pj.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        rec = {}
    rec["steps_seconds"] = timings
    rec["lang"] = lang
    rec["cpu_count"] = os.cpu_count()
    try:
        rec["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    pj.write_text(json.dumps(rec, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    if progress:
        print(f"Open {result['index']}")
    return result
