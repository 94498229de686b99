"""The weight explorer in a real browser: JupyterLab and ``python -m vitality explore`` in headless Chromium.

JupyterLab runs on 127.0.0.1 (free port, token) over a temporary copy of the notebooks; Debian's Chromium is
driven by selenium through Debian's chromedriver (nothing is downloaded).  In ``01_rankings`` and
``07_robustness`` every cell is run, then the sliders are moved every way a reader moves them (arrow keys on a
focused slider, a value typed into the readout, a drag, a burst of quick key presses, the preset and reset
buttons, all weights 0, one domain only).  After each move the test checks that the weights line, the table
and the chart show the same weights; that the table equals an independent pandas recomputation (weighted
mean of ``data/report/domain_scores.csv``, ranks descending, ties "min"); that the chart is a new, non-blank
image of the same size in the same element, with no frame without a picture and no layout shift; and how
long the update took.  At the end the Log Console and the browser console are empty; the notebook is saved,
its kernel shut down and the saved notebook reopened: the static view and its "run the notebook" line show.
The standalone page gets the same checks.  Screenshots of each state go to the pytest tmp dir and once to
``/tmp/browser-shots/``.

Skipped (with the reason) only when chromium or chromedriver is missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vitality.siis import paths

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; "
                              ".ci/run installs them)"),
]
selenium = pytest.importorskip("selenium", reason="needs selenium (pip install -e '.[test]')")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

SHOTS_COPY = Path("/tmp/browser-shots")
DOMAINS = ("social", "cultural", "economic", "political")
NOMINAL = {"social": 5, "cultural": 3, "economic": 5, "political": 4}  # equal per indicator (5:3:5:4 over 17)
#: an update (move -> weights line, table and chart all new and decoded in the page) lands within this many
#: seconds (median over the moves) on a 2-core machine that is not overloaded
UPDATE_BUDGET = 0.5
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


# --- the independent reference -------------------------------------------------------------------------

def _wide_scores() -> pd.DataFrame:
    long = pd.read_csv(paths.REPORT_DATA / "domain_scores.csv")
    return long.pivot(index="city_zh", columns="domain", values="score")[list(DOMAINS)].astype(float)


def _published() -> pd.Series:
    pub = pd.read_csv(paths.REPORT_DATA / "rankings.csv")
    return pub.query("ranking == 'overall'").set_index("city_zh")["rank"].astype(int)


def expected_ranking(weights: dict) -> pd.DataFrame:
    """Weighted arithmetic mean of the four domain scores and its rank (descending, ties 'min'), plain pandas."""
    wide = _wide_scores()
    w = pd.Series(weights, dtype=float)[list(DOMAINS)]
    score = (wide * w).sum(axis=1) / w.sum()
    rank = (-score.round(9)).rank(method="min").astype(int)
    n = pd.Series(NOMINAL, dtype=float)
    nominal = (-((wide * n).sum(axis=1) / n.sum()).round(9)).rank(method="min").astype(int)
    pub = _published().reindex(wide.index)
    return pd.DataFrame({"score": score, "rank": rank, "published_rank": pub, "shift": pub - rank,
                         "nominal_rank": nominal, "nominal_shift": nominal - rank})


# --- processes -------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} within {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen | None) -> None:
    """Stop a server started in its own process group, with everything it started (kernels)."""
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _env(home: Path) -> dict:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "IPYTHONDIR": str(home / "ipython"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "PYTHONUNBUFFERED": "1"}
    for k in ("VITALITY_HEADLESS", "JPY_SESSION_NAME"):
        env.pop(k, None)
    return env


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-shots")
    yield folder
    SHOTS_COPY.mkdir(parents=True, exist_ok=True)
    for png in sorted(folder.glob("*.png")):
        shutil.copy2(png, SHOTS_COPY / png.name)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 (free port, token) over a temporary copy of the notebooks."""
    root = tmp_path_factory.mktemp("lab")
    home = root / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "jupyter_server_config.py").write_text(
        "c.LabApp.news_url = None\n"
        "c.LabApp.check_for_updates_class = 'jupyterlab.NeverCheckForUpdate'\n"
        "c.LabApp.extension_manager = 'readonly'\n", encoding="utf-8")
    (home / "config" / "labconfig").mkdir()
    (home / "config" / "labconfig" / "page_config.json").write_text(json.dumps(  # no "news?" toast over the page
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}), encoding="utf-8")
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")  # every cell in the page
    work = root / "work"
    # the notebooks without their jupytext twins: the copy of 07 is edited below, and JupyterLab's jupytext
    # extension would refuse a paired notebook whose text twin is older than the edit
    shutil.copytree(paths.ROOT / "notebooks", work / "notebooks", ignore=shutil.ignore_patterns("*.py"))
    # keep the robustness notebook quick: fewer Monte Carlo and Sobol' replications (the explorer is the same)
    nb07 = work / "notebooks" / "07_robustness.ipynb"
    text = nb07.read_text(encoding="utf-8")
    text = re.sub(r"n = 10_000 ", "n = 500    ", text).replace("sa_n = 1024 ", "sa_n = 64   ")
    nb07.write_text(text, encoding="utf-8")
    token = base64.b32encode(os.urandom(15)).decode().lower()
    port = _free_port()
    log = root / "jupyterlab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--ServerApp.root_dir=.",
           "--ServerApp.disable_check_xsrf=False"]
    # (the root folder is given as "." : a kernel whose parent's command line mentions "pytest" would take
    # itself for a batch run, see explorer.frontend_available)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers run as root
    proc = None
    with open(log, "wb") as fh:
        try:
            proc = subprocess.Popen(cmd, cwd=work, env=_env(home), stdout=fh, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            base = f"http://127.0.0.1:{port}"
            _wait_http(f"{base}/api/status?token={token}", 60, proc, log)
            yield {"base": base, "token": token, "root": work, "log": log}
        finally:
            _stop(proc)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1500",
                "--lang=zh-CN"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(profile.parent / "chromedriver.log"))
    drv = None
    try:
        drv = webdriver.Chrome(options=opts, service=service)
        drv.set_page_load_timeout(60)
        drv.set_script_timeout(30)
        yield drv
    finally:
        if drv is not None:
            try:
                drv.quit()
            except Exception:  # noqa: BLE001 - the driver may already be gone; make sure the process is
                pass
        proc = getattr(service, "process", None)
        if proc is not None and proc.poll() is None:
            proc.kill()


# --- reading and driving the explorer --------------------------------------------------------------------

STATE_JS = """
const root = document.querySelector(arguments[0]);
if (!root) return null;
const q = s => root.querySelector(s);
const line = q('.vitality-weights'), lw = line && line.querySelector('[data-weights]');
const tab = q('.vitality-table table'), img = q('img.vitality-chart'), view = q('.vitality-table');
const rows = tab ? [...tab.querySelectorAll('tbody tr')].map(tr => {
  const r = {city: tr.dataset.city};
  tr.querySelectorAll('td').forEach(td => { r[td.dataset.col] = td.dataset.value; });
  return r; }) : [];
const box = img && img.getBoundingClientRect();
return {line: line ? line.textContent : null, lineWeights: lw ? lw.dataset.weights : null,
        kernelMs: lw && lw.dataset.ms ? Number(lw.dataset.ms) : null,
        tableWeights: tab ? tab.dataset.weights : null, noRanking: !!q('.vitality-no-ranking'), rows,
        src: img ? img.src : null, natural: img ? [img.naturalWidth, img.naturalHeight] : null,
        box: box ? [Math.round(box.width), Math.round(box.height)] : null,
        status: (q('.vitality-status') || {}).textContent || '',
        readouts: [...root.querySelectorAll('.widget-readout')].map(r => r.textContent.trim()),
        tableHeight: view ? Math.round(view.getBoundingClientRect().height) : null};
"""

PNG_JS = """
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {
  const u = new Uint8Array(b); let s = '';
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000));
  done(btoa(s)); }).catch(e => done('ERROR ' + e));
"""

# every animation frame: is there a decoded picture, in the same element, at the same place and size?
SAMPLER_JS = """
const root = document.querySelector(arguments[0]);
const img = root.querySelector('img.vitality-chart'), view = root.querySelector('.vitality-table');
window.__vimg = img; window.__vsamples = []; window.__vrun = true;
const f = () => {
  const now = root.querySelector('img.vitality-chart'), b = now.getBoundingClientRect();
  const back = root.querySelector('img.vitality-chart-backdrop');
  window.__vsamples.push([now === window.__vimg, Math.max(now.naturalWidth, back ? back.naturalWidth : 0),
                          Math.round(b.top),
                          Math.round(b.height), Math.round(view.getBoundingClientRect().height),
                          Math.round(view.getBoundingClientRect().top)]);
  if (window.__vrun) requestAnimationFrame(f); };
requestAnimationFrame(f);
"""


def state(drv, root):
    return drv.execute_script(STATE_JS, root)


def png_of(drv, src) -> bytes:
    data = drv.execute_async_script(PNG_JS, src)
    assert not data.startswith("ERROR"), data
    return base64.b64decode(data)


def check_view(drv, root, st, expect: dict | None = None, *, lang="zh"):
    """The weights line, the table and the chart agree, the table equals the independent ranking, the
    chart is a non-blank PNG of the fixed size.  Returns the weights shown (shares)."""
    from PIL import Image

    png = png_of(drv, st["src"])
    im = Image.open(io.BytesIO(png))
    chart_w = json.loads(im.text["vitality-weights"])
    line_w = json.loads(st["lineWeights"])
    table_w = json.loads(st["tableWeights"]) if st["tableWeights"] else None
    assert im.size == (750, 990) and tuple(st["natural"]) == (750, 990) and tuple(st["box"]) == (750, 990)
    if expect is None or sum(expect.values()) > 0:
        assert line_w is not None and table_w is not None and chart_w is not None, st
        assert line_w == pytest.approx(table_w, abs=1e-12) and line_w == pytest.approx(chart_w, abs=1e-12)
        if expect is not None:
            total = sum(expect.values())
            assert line_w == pytest.approx({d: expect[d] / total for d in DOMAINS}, abs=1e-9), (line_w, expect)
        # the line reads the same shares
        for d, share in line_w.items():
            assert f"{100 * share:.1f}".rstrip("0").rstrip(".") + "%" in st["line"]
        # the table: every city, equal to the independent pandas ranking
        ref = expected_ranking(line_w)
        got = pd.DataFrame(st["rows"]).set_index("city")
        assert sorted(got.index) == sorted(ref.index) and len(got) == 46
        for col in ("rank", "published_rank", "shift", "nominal_rank", "nominal_shift"):
            assert (got[col].astype(int) == ref.loc[got.index, col]).all(), col
        assert np.allclose(got["score"].astype(float), ref.loc[got.index, "score"], atol=1e-9, rtol=0)
        assert got["rank"].astype(int).is_monotonic_increasing
        # not a near-white picture
        grey = np.asarray(im.convert("L"), dtype=float)
        assert (grey < 200).mean() > 0.05, "the chart is (nearly) blank"
        return line_w
    # all weights 0: the three say "no ranking"
    assert line_w is None and chart_w is None and st["noRanking"] and not st["rows"], st
    assert st["status"].strip(), "no message for all-zero weights"
    return None


# The latency is taken in the page, on its own clock (performance.now()): the time of the last input event
# (a key press, a pointer release, a click) before the view changed, and the time at which the weights line,
# the table and the chart all show the new state, the new chart decoded.  A MutationObserver and the chart's
# load event note each completed view, so the test's own polling (cheap, every 50 ms) does not set the time.
WATCH_JS = """
const root = document.querySelector(arguments[0]);
const q = s => root.querySelector(s);
const snap = () => {
  const img = q('img.vitality-chart'), lw = q('.vitality-weights [data-weights]'), tab = q('.vitality-table table');
  return {src: img ? img.src : null, ok: !!(img && img.complete && img.naturalWidth > 0),
          line: lw ? lw.dataset.weights : null, table: tab ? tab.dataset.weights : null,
          none: !!q('.vitality-no-ranking')}; };
const w = window.__vw = {events: [], views: [], last: snap()};
const check = () => {
  const s = snap();
  if (s.ok && s.src !== w.last.src && s.line !== w.last.line
      && (s.line === s.table || (s.line === 'null' && s.none))) {
    w.views.push([performance.now(), s.line, s.src]); w.last = s; } };
new MutationObserver(check).observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
q('img.vitality-chart').addEventListener('load', check);
for (const type of ['keydown', 'pointerup', 'click'])
  root.addEventListener(type, () => w.events.push(performance.now()), true);
"""

VIEWS_JS = "return window.__vw ? window.__vw.views.length : -1;"

LATENCY_JS = """
const w = window.__vw, k = arguments[0];
const t = w.views[k][0], before = w.events.filter(e => e <= t);
return before.length ? (t - before[before.length - 1]) / 1000 : null;
"""


def wait_update(drv, root, before, t0, n_views, timeout=60.0):
    """Wait until the page notes a new complete view (line, table and chart new and agreeing); return
    (state, seconds from the last input event to that view, on the page's clock)."""
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        n = drv.execute_script(VIEWS_JS)
        if n > n_views:
            st = state(drv, root)
            assert st["src"] != before["src"] and st["natural"][0] > 0, "the chart did not change"
            assert st["lineWeights"] == st["tableWeights"] or (st["lineWeights"] == "null" and st["noRanking"]), st
            return st, drv.execute_script(LATENCY_JS, n - 1)
        time.sleep(0.05)
    st = state(drv, root)
    raise AssertionError(f"no complete update within {timeout}s: {before and before['line']!r} -> {st and st['line']!r}")


def slider(drv, root, domain):
    return drv.find_element(By.CSS_SELECTOR, f"{root} .vitality-slider-{domain}")


def readout_values(st):
    return [float(v) for v in st["readouts"]]


def type_value(drv, root, domain, value: str):
    readout = slider(drv, root, domain).find_element(By.CSS_SELECTOR, ".widget-readout")
    readout.click()
    ActionChains(drv).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(value).send_keys(
        Keys.ENTER).perform()


def press(drv, root, domain, key, times=1):
    handle = slider(drv, root, domain).find_element(By.CSS_SELECTOR, ".noUi-handle")
    drv.execute_script("arguments[0].focus({preventScroll: true});", handle)
    chain = ActionChains(drv)
    for _ in range(times):
        chain.send_keys(key)
    chain.perform()


def drag(drv, root, domain, dx):
    handle = slider(drv, root, domain).find_element(By.CSS_SELECTOR, ".noUi-handle")
    ActionChains(drv).click_and_hold(handle).move_by_offset(dx // 2, 0).move_by_offset(dx - dx // 2, 0).release().perform()


def click_button(drv, root, css, text=None):
    for b in drv.find_elements(By.CSS_SELECTOR, f"{root} {css}"):
        if text is None or text in b.text:
            b.click()
            return
    raise AssertionError(f"no button {css} {text!r}")


def exercise(drv, root, shots, tag, lang="zh"):
    """Every kind of move; returns the update timings (seconds)."""
    timings, kernel_ms = {}, []
    st = state(drv, root)
    check_view(drv, root, st, NOMINAL, lang=lang)  # starts at the nominal model
    assert readout_values(st) == pytest.approx([0.29, 0.18, 0.29, 0.24], abs=0.006)
    drv.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
                       f"{root} .vitality-explorer")
    time.sleep(0.3)
    drv.save_screenshot(str(shots / f"{tag}-1-start.png"))
    drv.execute_script(SAMPLER_JS, root)

    drv.execute_script(WATCH_JS, root)

    def step(name, action, expect=None, check_readouts=True):
        nonlocal st
        before = st
        n_views = drv.execute_script(VIEWS_JS)
        t0 = time.monotonic()
        action()
        st, dt = wait_update(drv, root, before, t0, n_views)
        assert time.monotonic() - t0 < HANG_LIMIT
        timings[name] = dt
        kernel_ms.append(st["kernelMs"])
        w = check_view(drv, root, st, expect, lang=lang)
        if check_readouts and w is not None:
            r = np.array(readout_values(st))
            assert np.allclose(r / r.sum(), [w[d] for d in DOMAINS], atol=0.02), (st["readouts"], w)
        return w

    w0 = json.loads(st["lineWeights"])
    w = step("arrow key", lambda: press(drv, root, "economic", Keys.ARROW_RIGHT))
    assert w["economic"] > w0["economic"]
    drv.save_screenshot(str(shots / f"{tag}-2-after-arrow-key.png"))
    step("typed value", lambda: type_value(drv, root, "cultural", "0.7"))
    assert readout_values(st)[1] == pytest.approx(0.7)
    before = readout_values(st)[3]
    step("drag", lambda: drag(drv, root, "political", 60))
    assert readout_values(st)[3] > before
    # a burst: six presses as fast as the driver sends them; the view must settle on the last one
    before = readout_values(st)[0]
    old = st
    press(drv, root, "social", Keys.ARROW_RIGHT, 6)
    t0 = time.monotonic()

    def settled():
        now = state(drv, root)
        r = np.array(readout_values(now))
        if (now["src"] == old["src"] or not now["natural"][0] or now["lineWeights"] != now["tableWeights"]
                or r[0] < before + 0.055):
            return None
        w = json.loads(now["lineWeights"])
        return now if np.allclose(r / r.sum(), [w[d] for d in DOMAINS], atol=1e-3) else None
    st = wait_for(drv, settled, 30, "the burst's last press to be shown")
    assert time.monotonic() - t0 < HANG_LIMIT
    shown = drv.execute_script("return window.__vw.views.map(v => v[2]);")
    assert st["src"] in shown, "the burst's last view was not noted by the page"
    # from the last press to the view of the last press
    timings["burst of 6 key presses (to the last)"] = drv.execute_script(LATENCY_JS, shown.index(st["src"]))
    assert readout_values(st)[0] == pytest.approx(before + 0.06, abs=0.011)
    check_view(drv, root, st, None, lang=lang)
    time.sleep(1.0)  # nothing stale lands afterwards
    assert state(drv, root)["src"] == st["src"], "a stale redraw replaced the last one"
    step("preset: stated 4 x 0.25", lambda: click_button(drv, root, ".vitality-preset", "4 × 0.25"),
         {d: 1 for d in DOMAINS})
    drv.save_screenshot(str(shots / f"{tag}-3-preset-stated.png"))
    for d in DOMAINS[:3]:
        step(f"typed 0 ({d})", lambda d=d: type_value(drv, root, d, "0"))
    step("all weights 0", lambda: type_value(drv, root, "political", "0"), {d: 0 for d in DOMAINS})
    assert "0" in st["line"] and st["status"]
    drv.save_screenshot(str(shots / f"{tag}-4-all-zero.png"))
    step("one domain only", lambda: type_value(drv, root, "political", "1"),
         {"social": 0, "cultural": 0, "economic": 0, "political": 1})
    assert st["status"].strip(), "no message for a single-domain weighting"
    step("reset", lambda: click_button(drv, root, ".vitality-reset"), NOMINAL)
    assert st["status"].strip() == ""
    drv.execute_script("window.__vrun = false;")
    samples = drv.execute_script("return window.__vsamples;")
    assert len(samples) > 20, "the frame sampler did not run"
    assert all(s[0] for s in samples), "the chart element was replaced (flicker)"
    # a frame in which neither the chart nor the previous chart behind it has a decoded picture is a flicker
    blank = [i for i, s in enumerate(samples) if s[1] != 750]
    assert not blank, f"{len(blank)} of {len(samples)} frames without a decoded chart (flicker): {blank[:40]}"
    assert len({(s[2], s[3], s[4], s[5]) for s in samples}) == 1, "the chart or table moved or resized (page jump)"
    return timings, kernel_ms


def assert_timings(timings, where, kernel_ms):
    values = np.array(list(timings.values()))
    msg = (f"{where}: update times in the browser (s): " + ", ".join(f"{k} {v:.3f}" for k, v in timings.items())
           + f"; median {np.median(values):.3f}, max {values.max():.3f}; kernel share (ms): {kernel_ms}; "
           f"load {os.getloadavg()[0]:.1f} (target: median <= {UPDATE_BUDGET} s)")
    print("\n" + msg)
    TIMINGS.append(msg)
    # Every update arrived (no move was lost) within a generous hang limit, always.
    assert values.max() < HANG_LIMIT, msg
    # The target, 0.5 s from the move to the table, the chart and the weights line all new in the page, is
    # asserted on the median only when the machine is not overloaded: with more runnable processes than
    # cores, wall time says more about the other jobs than about the explorer.
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > cores:
        print(f"{where}: median {np.median(values):.3f} s; the {UPDATE_BUDGET} s target is not asserted: "
              f"load {load:.1f} > {cores} cores")
    else:
        assert np.median(values) <= UPDATE_BUDGET, msg


#: an update that takes longer than this (s) is a hang, not slowness
HANG_LIMIT = 60.0


TIMINGS: list[str] = []


def browser_errors(drv):
    return [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]


# --- JupyterLab ------------------------------------------------------------------------------------------

def close_dialogs(drv) -> list[str]:
    """Close any JupyterLab dialog open over the page (it would take the next click), by its accept button.

    A dialog can open when a notebook opens on a loaded machine (seen once in a fresh-clone run: a modal
    ``jp-Dialog`` took the click on the Run menu). Its text is printed, so the run log says what it asked;
    accepting takes JupyterLab's default (e.g. the notebook's own kernel), and a kernel that then does not
    run fails the test's later checks anyway."""
    seen = []
    for _ in range(3):
        dialogs = [d for d in drv.find_elements(By.CSS_SELECTOR, "dialog.jp-Dialog") if d.is_displayed()]
        if not dialogs:
            break
        for d in dialogs:
            text = " | ".join(t for t in d.text.splitlines() if t.strip())
            seen.append(text)
            print(f"a JupyterLab dialog was open before a menu click and was accepted: {text[:300]!r}")
            buttons = d.find_elements(By.CSS_SELECTOR, ".jp-Dialog-button.jp-mod-accept")
            if buttons:
                buttons[0].click()
            else:
                ActionChains(drv).send_keys(Keys.ESCAPE).perform()
        time.sleep(0.5)
    return seen


def menu(drv, label, command):
    from selenium.common.exceptions import ElementClickInterceptedException

    for attempt in range(5):
        close_dialogs(drv)
        bar = [m for m in drv.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item") if m.text.strip() == label]
        assert bar, f"no menu {label!r}"
        try:
            bar[0].click()
            break
        except ElementClickInterceptedException:
            # a dialog opened between the check and the click (seen on a fresh clone): close it and click again
            time.sleep(1.0)
    else:
        raise AssertionError(f"the {label!r} menu stayed covered after 5 attempts")
    item = wait_for(drv, lambda: drv.find_element(By.CSS_SELECTOR, f'.lm-Menu-item[data-command="{command}"]'), 10)
    item.click()


def wait_for(drv, fn, timeout, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - element not there yet
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}: {last}")


KERNEL_IDLE_JS = """
const p = document.querySelector(arguments[0]);
if (!p) return 'no panel';
const prompts = [...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim());
const busy = prompts.some(t => t.includes('*'));
const done = prompts.filter(t => /\\[\\d+\\]/.test(t)).length;
return JSON.stringify({n: prompts.length, done, busy});
"""


def run_all(drv, timeout):
    wait_for(drv, lambda: drv.find_elements(By.CSS_SELECTOR, f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]'),
             90, "an idle kernel")
    def started():
        s = json.loads(drv.execute_script(KERNEL_IDLE_JS, PANEL))
        return s["busy"] or s["done"] > 0

    for attempt in range(3):  # a "run all" sent while the kernel is still connecting can be lost: send again
        menu(drv, "Run", "runmenu:run-all")
        try:
            wait_for(drv, started, 20, "the first cell to start")
            break
        except AssertionError:
            if attempt == 2:
                raise

    def finished():
        s = json.loads(drv.execute_script(KERNEL_IDLE_JS, PANEL))
        finished.last = s
        return s["n"] > 0 and not s["busy"] and s["done"] == s["n"]
    try:
        wait_for(drv, finished, timeout, "all cells to run")
    except AssertionError:
        drv.save_screenshot(str(Path(os.environ.get("TMPDIR", "/tmp")) / "vitality-run-all-failed.png"))
        raise AssertionError(f"cells did not all run: {finished.last}")
    errors = drv.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' .jp-OutputArea-output')]"
        ".map(e => e.textContent).filter(t => t.includes('Traceback'));", PANEL)
    assert not errors, errors[0][:2000]


def log_console_entries(drv):
    menu(drv, "View", "logconsole:open")
    wait_for(drv, lambda: drv.find_element(By.CSS_SELECTOR, ".jp-LogConsolePanel"), 10, "the log console")
    time.sleep(0.5)
    entries = drv.execute_script(
        "return [...document.querySelectorAll('.jp-LogConsolePanel .jp-OutputArea-child')].map(e => e.textContent);")
    return entries


def api(lab, method, path):
    req = urllib.request.Request(f"{lab['base']}{path}", method=method,
                                 headers={"Authorization": f"token {lab['token']}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
    return json.loads(body) if body else None


@pytest.mark.parametrize("name", ["01_rankings", "07_robustness"])
def test_explorer_in_jupyterlab(lab, driver, shots, name):
    drv = driver
    # ?reset: a fresh workspace, so no other notebook (with a dead widget) is reopened beside this one
    drv.get(f"{lab['base']}/lab/tree/notebooks/{name}.ipynb?reset&token={lab['token']}")
    wait_for(drv, lambda: drv.find_element(By.CSS_SELECTOR, f"{PANEL} .jp-Notebook"), 60, "the notebook")
    drv.get_log("browser")  # start the console check from an opened notebook
    run_all(drv, 900)
    wait_for(drv, lambda: state(drv, PANEL) and state(drv, PANEL)["src"], 30, "the explorer")
    # the static copy is in the page but hidden while the widget lives
    hidden = drv.execute_script(
        "const s = document.querySelector(arguments[0] + ' .vitality-static');"
        "return s && getComputedStyle(s).display;", PANEL)
    assert hidden == "none", f"static fallback visible beside the live explorer: {hidden}"
    timings, kernel_ms = exercise(drv, PANEL, shots, name)
    assert_timings(timings, name, kernel_ms)
    entries = log_console_entries(drv)
    assert entries == [], f"the Log Console is not empty: {entries[:3]}"
    errors = browser_errors(drv)
    assert not errors, "\n".join(e["message"] for e in errors[:5])

    # save, shut the kernel down, reopen the saved notebook: the static view, not "model not found" alone
    menu(drv, "File", "docmanager:save")
    saved = lab["root"] / "notebooks" / f"{name}.ipynb"
    wait_for(drv, lambda: "vitality-static" in saved.read_text(encoding="utf-8"), 20, "the saved outputs")
    for s in api(lab, "GET", "/api/sessions"):
        api(lab, "DELETE", f"/api/sessions/{s['id']}")
    wait_for(drv, lambda: not api(lab, "GET", "/api/kernels"), 20, "the kernel to stop")
    drv.get(f"{lab['base']}/lab/tree/notebooks/{name}.ipynb?reset&token={lab['token']}")
    wait_for(drv, lambda: drv.find_element(By.CSS_SELECTOR, f"{PANEL} .vitality-static"), 60, "the reopened notebook")
    # no explorer is alive: whatever happens to the widget view, the static view shows
    for s in api(lab, "GET", "/api/sessions"):
        api(lab, "DELETE", f"/api/sessions/{s['id']}")
    time.sleep(1.0)
    static = drv.find_element(By.CSS_SELECTOR, f"{PANEL} .vitality-static")
    drv.execute_script("arguments[0].scrollIntoView({block: 'start'});", static)
    time.sleep(0.3)
    assert static.is_displayed()
    assert "run the notebook to move the weights" in static.text
    img = static.find_element(By.CSS_SELECTOR, "img.vitality-static-chart")
    assert drv.execute_script("return arguments[0].complete && arguments[0].naturalWidth;", img) == 750
    rows = static.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == {"01_rankings": 12, "07_robustness": 15}[name]
    ref = expected_ranking(NOMINAL).sort_values(["rank", "published_rank"])
    assert [r.get_attribute("data-city") for r in rows] == list(ref.index[:len(rows)])
    drv.save_screenshot(str(shots / f"{name}-5-reopened-without-kernel.png"))
    # the only complaints allowed: the saved widget view whose model died with the kernel, and the page's
    # calls to the session and kernel this test deleted under it (404s, and the widget manager finding no kernel)
    def provoked(msg: str) -> bool:
        m = msg.lower()
        return ("model not found" in m or (("/api/sessions/" in m or "/api/kernels/" in m) and "404" in m)
                or ("jupyterlab-manager" in m and "reading 'kernel'" in m))
    errors = [e["message"] for e in browser_errors(drv) if not provoked(e["message"])]
    assert not errors, "\n".join(errors[:5])


# --- the standalone page ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """``python -m vitality explore`` on a free port, with a token."""
    root = tmp_path_factory.mktemp("explore")
    home = root / "home"
    home.mkdir()
    port, token = _free_port(), "test-" + base64.b32encode(os.urandom(10)).decode().lower()
    log = root / "explore.log"
    proc = None
    with open(log, "wb") as fh:
        try:
            proc = subprocess.Popen([sys.executable, "-m", "vitality", "explore", "--port", str(port), "--token", token],
                                    cwd=root, env=_env(home), stdout=fh, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            base = f"http://127.0.0.1:{port}"
            _wait_http(f"{base}/?token={token}", 60, proc, log)
            yield {"base": base, "token": token, "log": log}
        finally:
            _stop(proc)


def test_standalone_explore_page(page, driver, shots):
    from vitality.siis import data as vio

    before = vio.data_checksum(paths.DATA)
    drv = driver
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    with pytest.raises(urllib.error.HTTPError) as refused:  # without the token: the login page, not the explorer
        urllib.request.build_opener(NoRedirect).open(f"{page['base']}/", timeout=30)
    assert refused.value.code in (302, 401, 403) and "login" in (refused.value.headers.get("Location") or "login")
    drv.get_log("browser")
    drv.get(f"{page['base']}/?token={page['token']}")
    root = "body"
    wait_for(drv, lambda: state(drv, root) and state(drv, root)["src"], 90, "the explorer page")
    timings, kernel_ms = exercise(drv, root, shots, "explore-page")
    assert_timings(timings, "explore page", kernel_ms)
    drv.save_screenshot(str(shots / "explore-page-6-after-reset.png"))
    errors = browser_errors(drv)
    assert not errors, "\n".join(e["message"] for e in errors[:5])
    assert vio.data_checksum(paths.DATA) == before, "the page wrote into data/"
