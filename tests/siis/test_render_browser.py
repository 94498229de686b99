"""The rendered report opens from disk in a real browser: the page loads, every link resolves, no image is
missing, and nothing is fetched from the network (issue #12).

The fixture runs one fast notebook (04) and then the main command's hand-on step (master table, map, a few
city profiles, notebook HTML, index.html). The browser is Debian's headless Chromium through selenium; the
test is skipped, saying why, only when chromium or chromedriver is not installed (``.ci/run`` installs both).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from vitality.siis import deliver, render, reproduce

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    runs = reproduce.reproduce(out, only=["04"], progress=False)
    result = deliver.deliver(out, runs=runs, lang="zh", profile_cities=["武汉", "Lhasa"], jobs=1, progress=False)
    return out, result


def _browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    binary = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    driver_bin = shutil.which("chromedriver")
    if not binary or not driver_bin:
        pytest.skip("no chromium/chromedriver installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = binary
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1400,2000"):
        opts.add_argument(a)
    opts.add_argument(f"--user-data-dir={Path(shutil.os.environ.get('TMPDIR', '/tmp')) / 'vitality-chromium'}-{shutil.os.getpid()}")
    return webdriver.Chrome(service=Service(driver_bin), options=opts)


def test_index_links_every_section_figure_table_and_profile(report):
    out, result = report
    index = out / "index.html"
    text = index.read_text(encoding="utf-8")
    assert "04_correlations" in text and "cities.csv" in text and "vitality-results.xlsx" in text
    assert "profiles/wuhan.html" in text and "profiles/lhasa.html" in text
    assert "extra-correlation-heatmap.png" in text
    from vitality.siis.handoff import SECTIONS

    for en, zh in SECTIONS.values():
        assert zh in text        # the headline lists every section, run or not


def test_nothing_is_loaded_from_the_network(report):
    out, _ = report
    pages = [out / "index.html", *sorted((out / "html").glob("*.html")), *sorted((out / "profiles").glob("*.html"))]
    assert len(pages) >= 4
    for page in pages:
        assert render.remote_resources(page.read_text(encoding="utf-8")) == [], page.name


def test_show_code_is_on_request(report, tmp_path):
    out, _ = report
    nb = out / "notebooks" / "04_correlations.ipynb"
    hidden = render.notebook_html(nb, tmp_path / "hidden.html").read_text(encoding="utf-8")
    shown = render.notebook_html(nb, tmp_path / "shown.html", show_code=True).read_text(encoding="utf-8")
    assert "hl-ipython3" not in hidden and "hl-ipython3" in shown
    assert "stats.pearson_matrix(" in shown.replace('<span class="o">.</span>', ".").replace(
        '<span class="n">', "").replace('<span class="p">', "").replace("</span>", "")


def test_in_a_real_browser_links_resolve_and_images_load(report):
    out, _ = report
    driver = _browser()
    try:
        for page in [out / "index.html", out / "html" / "04_correlations.html", out / "profiles" / "wuhan.html"]:
            driver.get(page.resolve().as_uri())
            assert driver.execute_script("return document.readyState") == "complete"
            assert driver.title, page.name
            hrefs = driver.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
            for href in hrefs:
                u = urlparse(href)
                assert u.scheme in ("file", ""), f"{page.name} links off the disk: {href}"
                target = Path(unquote(u.path))
                assert target.exists(), f"{page.name}: broken link {href}"
            # the figure cards load lazily (loading="lazy"): ask for every image now and give each time to
            # decode (a check right after readyState raced the last few on a loaded machine); a missing or
            # undecodable file never completes with a width and fails after the wait
            driver.execute_script("Array.from(document.images).forEach(i => { i.loading = 'eager'; });")
            deadline = time.monotonic() + 30
            while True:
                broken = driver.execute_script(
                    "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
                    ".map(i => i.src.slice(0, 80))")
                if not broken or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert broken == [], f"{page.name}: images not loaded {broken}"
            # nothing requested beyond the disk (data: URIs are inline images)
            fetched = driver.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                ".filter(n => !n.startsWith('file:') && !n.startsWith('data:'))")
            assert fetched == [], f"{page.name} fetched {fetched}"
    finally:
        driver.quit()


def test_map_is_skipped_with_one_line_without_the_extra(report, monkeypatch, capsys):
    from vitality.siis import maps

    out, _ = report
    monkeypatch.setattr(maps, "available", lambda: False)
    assert maps.write_maps(out, out / "figures-nomap") == []
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    assert len(lines) == 1 and "pip install" in lines[0]
