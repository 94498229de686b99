"""The domain-weight explorer (vitality.explorer): headless core, chart, widgets."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from vitality.errors import ConfigError
from vitality.index import build_index, read_meta_csv
from vitality.siis import data as io
from vitality.siis import explorer, explorer_chart
from vitality.siis.paths import DATA

EQUAL = {"social": 1, "cultural": 1, "economic": 1, "political": 1}


@pytest.fixture(scope="module", autouse=True)
def font():
    from vitality import style as plotting
    return plotting.setup("zh", quiet=True)


@pytest.fixture(scope="module")
def scores():
    return io.load_domain_scores()


@pytest.fixture(scope="module")
def published():
    return io.load_rankings()["overall"]


def test_equal_weights_equal_build_index(scores, published):
    t = explorer.rank_with_weights(scores, EQUAL, published)
    ref = build_index(scores, read_meta_csv(DATA / "framework" / "siis_domains_meta.csv"), normalise="none")
    assert np.array_equal(t["score"].to_numpy(), ref.scores["vitality"].reindex(t.index).to_numpy())
    assert np.array_equal(t["rank"].to_numpy(), ref.ranks["vitality"].reindex(t.index).to_numpy())
    # only the ratios matter
    t2 = explorer.rank_with_weights(scores, {k: 0.25 for k in EQUAL}, published)
    assert t2["rank"].equals(t["rank"])


def test_table_layout_and_shift(scores, published):
    t = explorer.rank_with_weights(scores, {"social": 0, "cultural": 0, "economic": 1, "political": 0}, published)
    assert list(t.columns) == ["score", "rank", "published_rank", "shift"]
    assert len(t) == 46 and t.index.name == "city"
    assert list(t["rank"]) == sorted(t["rank"])            # sorted best first
    assert (t["shift"] == t["published_rank"] - t["rank"]).all()
    # economic weight only: the ranking is the economic-domain ranking of the scores
    econ = scores["economic"].rank(ascending=False, method="min")
    assert (t["rank"] == econ.reindex(t.index)).all()
    assert t.index[0] == scores["economic"].idxmax()
    # no published ranks: no shift columns
    assert list(explorer.rank_with_weights(scores, EQUAL).columns) == ["score", "rank"]


def test_bad_weights_are_refused(scores, published):
    with pytest.raises(ConfigError, match="missing"):
        explorer.rank_with_weights(scores, {"social": 1, "cultural": 1, "economic": 1}, published)
    with pytest.raises(ConfigError, match="are zero"):
        explorer.rank_with_weights(scores, {k: 0 for k in EQUAL}, published)
    with pytest.raises(ConfigError, match=">= 0"):
        explorer.rank_with_weights(scores, {**EQUAL, "social": -1}, published)
    with pytest.raises(ConfigError, match="published rank"):
        explorer.rank_with_weights(scores, EQUAL, published.drop(published.index[0]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart(scores, published, lang):
    t = explorer.rank_with_weights(scores, {**EQUAL, "economic": 3}, published)
    ax = explorer.plot_weighted_ranking(t, weights={**EQUAL, "economic": 3}, lang=lang)
    labels = [x.get_text() for x in ax.texts if x.get_gid() != "vitality-weights-line"]
    line = [x.get_text() for x in ax.texts if x.get_gid() == "vitality-weights-line"]
    assert len(labels) == 46 and len(ax.collections[0].get_paths()) == 46
    first = t.index[0] if lang == "zh" else io.load_cities().loc[t.index[0], "city_en"]
    assert labels[0].startswith(f"{first}  1 (")
    assert ax.get_title() and len(line) == 1 and "50%" in line[0]   # economic share 3/6
    # the shift is in the label (readable without colour) and agrees with the table
    moved = t.index.get_loc(t.index[(t["shift"] != 0).to_numpy()][0])
    s = int(t["shift"].iloc[moved])
    assert labels[moved].endswith(f"{'+' if s > 0 else '−'}{abs(s)}")
    plt.close(ax.figure)


def test_chart_png_has_a_fixed_size_and_is_not_blank(scores, published):
    import io as _io

    from PIL import Image

    sizes = set()
    for w in (EQUAL, {**EQUAL, "economic": 3}, {"social": 0, "cultural": 0, "economic": 0, "political": 1}):
        png = explorer.render_chart_png(explorer.rank_with_weights(scores, w, published), weights=w, lang="en")
        im = Image.open(_io.BytesIO(png)).convert("L")
        sizes.add(im.size)
        dark = (np.asarray(im) < 200).mean()
        assert dark > 0.05, "the chart is (nearly) white"
    assert sizes == {(750, 990)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kept_chart_draws_what_matplotlib_draws(scores, published, lang):
    """The explorer's chart (one figure kept, static parts restored, labels from cached glyph bitmaps) is the
    chart matplotlib draws afresh: the same pixels outside the texts, the texts within a pixel."""
    import io as _io

    from PIL import Image

    cities = io.load_cities()
    xmax = explorer.chart_xmax(scores)
    for w in ({**EQUAL, "social": 2}, explorer.STATED, {"social": 0, "cultural": 1, "economic": 0, "political": 0}):
        t = explorer.rank_with_weights(scores, w, published)
        png = explorer.render_chart_png(t, weights=w, lang=lang, cities=cities, xmax=xmax)
        fast = np.asarray(Image.open(_io.BytesIO(png)).convert("RGB")).astype(int)
        ref = explorer_chart._draw_plain(t, w, lang, cities, explorer.CHART_SIZE, explorer.CHART_DPI, xmax).astype(int)
        assert fast.shape == ref.shape == (990, 750, 3)
        diff = np.abs(fast - ref).max(axis=2)
        assert (diff > 64).mean() < 0.03, "the kept chart differs from matplotlib's drawing"
        # the ink of each label sits where matplotlib puts it (within a pixel)
        ink_f, ink_r = 255 - fast[:, :140].mean(axis=2), 255 - ref[:, :140].mean(axis=2)
        yy, xx = np.mgrid[0:990, 0:140]
        centres = explorer_chart._chart_for(t, lang, cities, explorer.CHART_SIZE, explorer.CHART_DPI, xmax).row_y
        for i, yc in enumerate(centres):
            rows = slice(int(yc) - 9, int(yc) + 9)
            for grid in (yy, xx):
                a, b = ink_r[rows], ink_f[rows]
                assert abs((b * grid[rows]).sum() / b.sum() - (a * grid[rows]).sum() / a.sum()) < 1.0, (lang, i)
        # outside the labels and the weights line (the bars, axes, legend, title): the same pixels
        same = diff.copy()
        same[:, :145] = 0
        same[25:62] = 0
        assert (same > 0).mean() < 1e-3
        # and a rerun gives the same bytes, whatever was drawn in between
        assert explorer.render_chart_png(t, weights=w, lang=lang, cities=cities, xmax=xmax) == png


def test_png_bytes_round_trip():
    import io as _io

    from PIL import Image

    rgb = (np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3) * 7)
    png = explorer.png_bytes(np.concatenate([rgb, np.zeros((5, 7, 1), np.uint8)], axis=2)[..., :3], {"k": "v"})
    im = Image.open(_io.BytesIO(png))
    assert im.mode == "RGB" and np.array_equal(np.asarray(im), rgb) and im.text == {"k": "v"}
    with pytest.raises(ValueError, match="uint8"):
        explorer.png_bytes(rgb.astype(float))


def test_nominal_reference_and_presets(scores, published):
    assert explorer.EQUAL_PER_INDICATOR == pytest.approx({"social": 5 / 17, "cultural": 3 / 17,
                                                          "economic": 5 / 17, "political": 4 / 17})
    assert explorer.PRESETS[explorer.NOMINAL] is explorer.EQUAL_PER_INDICATOR
    t = explorer.rank_with_weights(scores, explorer.STATED, published, nominal=explorer.EQUAL_PER_INDICATOR)
    assert list(t.columns) == ["score", "rank", "published_rank", "shift", "nominal_rank", "nominal_shift"]
    nom = explorer.rank_with_weights(scores, {"social": 5, "cultural": 3, "economic": 5, "political": 4})
    assert (t["nominal_rank"] == nom["rank"].reindex(t.index)).all()
    assert (t["nominal_shift"] == t["nominal_rank"] - t["rank"]).all()
    assert (t["nominal_shift"] != 0).any()                 # the two weightings do differ
    assert explorer.shares_text(explorer.EQUAL_PER_INDICATOR, "en") == \
        "Social 29.4% · Cultural 17.6% · Economic 29.4% · Political 23.5%"


def test_headless_explorer_returns_the_table(scores, published, monkeypatch):
    monkeypatch.setenv("VITALITY_HEADLESS", "1")
    assert not explorer.frontend_available()
    out = explorer.weight_explorer(scores, published, weights={**EQUAL, "political": 2}, lang="en")
    assert out.widget is None and isinstance(out.table, pd.DataFrame)
    ref = explorer.rank_with_weights(scores, {**EQUAL, "political": 2}, published, nominal=explorer.EQUAL_PER_INDICATOR)
    assert out.table.equals(ref)
    assert out._ipython_display_() is None                 # already shown: no second copy


def test_frontend_not_available_outside_a_kernel(monkeypatch):
    monkeypatch.delenv("VITALITY_HEADLESS", raising=False)
    assert not explorer.frontend_available()


def _table_cities(view):
    import re
    return re.findall(r'<tr data-city="([^"]+)"', view.value)


@pytest.mark.parametrize("background", [False, True])
def test_widgets_rerank_on_change(scores, published, background):
    pytest.importorskip("ipywidgets")
    state = explorer.weight_explorer(scores, published, lang="zh", interactive=True, background=background)
    sliders = list(state.sliders.values())
    assert [s.description for s in sliders] == ["社会", "文化", "经贸", "政治"]
    # starts at the nominal model, equal per indicator (5:3:5:4)
    assert "社会 29.4% · 文化 17.6% · 经贸 29.4% · 政治 23.5%</span>" in state.shares.value
    assert (state.table["nominal_shift"] == 0).all()
    first_png = state.chart.value
    sliders[2].value = 0.75                               # economic up: re-rendered
    assert state.wait()
    assert state.weights["economic"] == 0.75
    assert "经贸 51.5%" in state.shares.value              # 0.75 / (5/17 + 3/17 + 0.75 + 4/17)
    assert state.table.equals(explorer.rank_with_weights(scores, state.weights, published,
                                                         nominal=explorer.EQUAL_PER_INDICATOR))
    assert _table_cities(state.table_view) == list(state.table.index)
    assert state.chart.value != first_png
    state.presets["stated (4 × 0.25)"].click()
    assert state.wait() and state.shares.value.count("25%") == 4
    # all zero: a message, and the weights line, the table and the chart all say there is no ranking
    shown = state.chart.value
    for s in sliders:
        s.value = 0.0
    assert state.wait()
    assert "所有权重都为 0" in state.status.value
    assert "社会 0 · 文化 0 · 经贸 0 · 政治 0" in state.shares.value and "无法排名" in state.shares.value
    assert _table_cities(state.table_view) == [] and "没有排名" in state.table_view.value
    assert state.chart.value != shown and state.table is None
    sliders[3].value = 1.0                                # one domain only
    assert state.wait()
    assert "政治 100%" in state.shares.value and "只有政治" in state.status.value
    pol = scores["political"].rank(ascending=False, method="min")
    assert (state.table["rank"] == pol.reindex(state.table.index)).all()
    state.reset.click()                                   # back to the nominal model
    assert state.wait() and "社会 29.4%" in state.shares.value and state.status.value == ""
    assert max(state.timings) < 5


def test_burst_of_moves_draws_the_last_weights(scores, published):
    pytest.importorskip("ipywidgets")
    state = explorer.weight_explorer(scores, published, lang="en", interactive=True)
    n0 = len(state.timings)
    for v in np.linspace(0.3, 0.9, 13):
        state.sliders["cultural"].value = float(v)
    assert state.wait()
    assert state.weights["cultural"] == pytest.approx(0.9)
    assert len(state.timings) - n0 < 13                   # stale moves were skipped, not queued
    assert "Cultural" in state.shares.value and state.table["rank"].is_monotonic_increasing


def test_degenerate_start_is_refused(scores, published):
    with pytest.raises(ConfigError, match="are zero"):
        explorer.weight_explorer(scores, published, weights={k: 0 for k in EQUAL}, interactive=False)
    with pytest.raises(ConfigError, match="nominal"):
        explorer.weight_explorer(scores, published, nominal="nope", interactive=False)


def test_frontend_detection(monkeypatch):
    import IPython

    class FakeShell:
        kernel = object()

    monkeypatch.delenv("VITALITY_HEADLESS", raising=False)
    monkeypatch.setattr(IPython, "get_ipython", lambda: FakeShell())
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/01_rankings.ipynb")       # started by JupyterLab
    monkeypatch.setattr(explorer, "_parent_cmdline", lambda: "/usr/bin/python -m jupyter lab")
    assert explorer.frontend_available()
    monkeypatch.setattr(explorer, "_parent_cmdline", lambda: "/usr/bin/python -m vitality reproduce --out o")
    assert not explorer.frontend_available()                                    # papermill run: headless
    monkeypatch.setattr(explorer, "_parent_cmdline", lambda: "")
    monkeypatch.setenv("VITALITY_HEADLESS", "1")
    assert not explorer.frontend_available()
    monkeypatch.delenv("VITALITY_HEADLESS")
    monkeypatch.delenv("JPY_SESSION_NAME")
    assert not explorer.frontend_available()                                    # unknown front end


# --- python -m vitality explore (the page itself is driven in tests/test_browser.py) ---------------------------

def test_explore_command_is_registered_and_safe_by_default():
    from vitality import cli
    from vitality.siis import explore_app

    args = cli.build_parser().parse_args(["explore"])
    assert args.func is explore_app._run and args.host == "127.0.0.1" and args.token is None
    assert explore_app.check_options("127.0.0.1", 8866, None, None) is None          # loopback: no token needed
    token = explore_app.check_options("0.0.0.0", 8866, None, None)                 # network: a token, always
    assert token and len(token) >= 24
    assert explore_app.check_options("0.0.0.0", 8866, "my-secret-token", None) == "my-secret-token"
    argv = explore_app.voila_argv("x.ipynb", host="0.0.0.0", port=9000, token=token)
    assert f"--token={token}" in argv and "--Voila.ip=0.0.0.0" in argv and "--no-browser" in argv
    assert not any(a.startswith("--token") for a in explore_app.voila_argv("x.ipynb", host="127.0.0.1", port=1,
                                                                            token=None))
    with pytest.raises(ConfigError, match="at least 8"):
        explore_app.check_options("0.0.0.0", 8866, "short", None)
    with pytest.raises(ConfigError, match="not a folder"):
        explore_app.check_options("127.0.0.1", 8866, None, "/no/such/folder")
    with pytest.raises(ConfigError, match="port"):
        explore_app.check_options("127.0.0.1", 70000, None, None)


def test_explore_page_notebook_calls_the_same_explorer(tmp_path, monkeypatch):
    """The page's notebook runs (here in-process) and shows the interactive explorer of weight_explorer."""
    from vitality.siis import explore_app

    nb = explore_app.explorer_notebook("en")
    code = "".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "explorer.weight_explorer(" in code and "interactive=True" in code
    calls = []
    monkeypatch.setattr(explorer, "weight_explorer", lambda *a, **k: calls.append(k))
    monkeypatch.setenv(explore_app.ENV_LANG, "en")
    exec(compile(code, "explorer.ipynb", "exec"), {})
    assert calls and calls[0]["interactive"] is True and calls[0]["lang"] == "en"
    assert set(calls[0]["presets"]) == {"stated (4 × 0.25)", "equal per indicator"}
