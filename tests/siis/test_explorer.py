"""The domain-weight explorer (vitality.explorer): headless core, chart, widgets."""

from __future__ import annotations

import matplotlib


import numpy as np
import pandas as pd
import pytest

from vitality.siis import data, explorer
from vitality.errors import ConfigError
from vitality.index import build_index, read_meta_csv
from vitality.siis.paths import DATA

EQUAL = {"social": 1, "cultural": 1, "economic": 1, "political": 1}


@pytest.fixture(scope="module")
def scores():
    return data.load_domain_scores()


@pytest.fixture(scope="module")
def published():
    return data.load_rankings()["overall"]


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
    labels = [x.get_text() for x in ax.get_yticklabels()]
    assert len(labels) == 46 and len(ax.patches) == 46
    first = t.index[0] if lang == "zh" else data.load_cities().loc[t.index[0], "city_en"]
    assert labels[0].startswith(str(first))
    assert "0.50" in ax.get_title()                      # economic share 3/6
    matplotlib.pyplot.close(ax.figure)


def test_headless_explorer_returns_the_table(scores, published, monkeypatch):
    monkeypatch.setenv("VITALITY_HEADLESS", "1")
    assert not explorer.frontend_available()
    out = explorer.weight_explorer(scores, published, weights={**EQUAL, "political": 2}, lang="en")
    assert out.widget is None and isinstance(out.table, pd.DataFrame)
    assert out.table.equals(explorer.rank_with_weights(scores, {**EQUAL, "political": 2}, published))
    assert out._ipython_display_() is None                 # already shown: no second copy


def test_frontend_not_available_outside_a_kernel(monkeypatch):
    monkeypatch.delenv("VITALITY_HEADLESS", raising=False)
    assert not explorer.frontend_available()


def test_widgets_rerank_on_change(scores, published):
    pytest.importorskip("ipywidgets")
    state = explorer.weight_explorer(scores, published, lang="zh", interactive=True)
    row1, row2, info, out = state.widget.children
    sliders = list(row1.children) + list(row2.children)
    assert [s.description for s in sliders] == ["社会", "文化", "经贸", "政治"]
    shares = info.children[0]
    assert shares.value.count("25%") == 4
    sliders[2].value = 0.75                               # economic up: re-rendered
    assert "经贸 50%" in shares.value
    assert state.weights["economic"] == 0.75
    assert state.table.equals(explorer.rank_with_weights(scores, state.weights, published))
    info.children[1].click()                              # reset to equal weights
    assert shares.value.count("25%") == 4
    matplotlib.pyplot.close("all")


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
