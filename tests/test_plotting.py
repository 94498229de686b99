"""plotting: CJK font discovery, English fallback with a hint, reproducible files."""


import matplotlib.pyplot as plt
import pytest

from vitality import style
from vitality.errors import ConfigError


def test_setup_rejects_unknown_language():
    with pytest.raises(ConfigError, match="zh"):
        style.setup("fr")


def test_fallback_to_english_with_one_line_hint(monkeypatch, capsys):
    monkeypatch.setattr(style, "find_cjk_font", lambda **kw: None)
    assert style.setup("zh") == "en"
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "fonts-noto-cjk" in out[0]
    assert style.setup("en") == "en"
    assert capsys.readouterr().out == ""


def test_cjk_font_renders_chinese_when_installed(recwarn):
    font = style.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed on this machine (CI installs fonts-noto-cjk)")
    assert style.setup("zh") == "zh"
    fig, ax = plt.subplots()
    ax.set_title("城市对外交往活力指数 北京 上海")
    fig.canvas.draw()
    missing = [w for w in recwarn if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    plt.close(fig)
    assert not missing, [str(w.message) for w in missing]


def test_save_figure_writes_png_and_svg_identically(tmp_path):
    style.setup("en", quiet=True)
    written = []
    for _ in range(2):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [1, 0])
        paths = style.save_figure(fig, "fig00-test", tmp_path)
        plt.close(fig)
        written.append([p.read_bytes() for p in paths])
    assert [p.name for p in paths] == ["fig00-test.png", "fig00-test.svg"]
    assert written[0] == written[1]
    assert b"<dc:date>" not in written[0][1]


def test_save_figure_renders_each_format_once_and_later_draws_change_nothing(tmp_path, monkeypatch):
    """A constrained layout with a colorbar and a source note: save_figure draws the figure once to lay it out
    (rasterising nothing) and once per format; drawing it again afterwards, as a notebook's inline display
    does, and saving again writes the same bytes (the layout no longer moves with the number of draws)."""
    import numpy as np
    from matplotlib.figure import Figure

    style.setup("en", quiet=True)
    fig, axes = plt.subplots(1, 2, figsize=(6, 3), constrained_layout=True)
    im = axes[0].imshow(np.arange(12.0).reshape(3, 4))
    fig.colorbar(im, ax=list(axes))
    axes[1].plot([0, 1], [1, 0])
    fig.suptitle("a title the layout makes room for")
    calls = []
    draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (calls.append(type(renderer).__name__),
                                                                draw(self, renderer))[1])
    first = [p.read_bytes() for p in style.save_figure(fig, "fig00-layout", tmp_path, source="Source: test")]
    assert len(calls) == 3, calls                     # the layout pass, the PNG, the SVG
    assert fig.get_layout_engine() is None
    for _ in range(3):
        fig.canvas.draw()
    again = [p.read_bytes() for p in style.save_figure(fig, "fig00-layout", tmp_path, source="Source: test")]
    plt.close(fig)
    assert again == first


def test_scatter_labels_do_not_overlap_after_saving(tmp_path):
    """A crowded labelled scatter on a 1 × 2 constrained layout: after save_figure (the final layout, with
    the source note) no two labels overlap and none covers a point."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from vitality import plots, style

    rng = np.random.default_rng(3)
    units = [f"city-{i:02d}" for i in range(40)]
    x = pd.Series(np.r_[rng.uniform(0, 2, 30), rng.uniform(0, 20, 10)], index=units)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    for k, ax in enumerate(axes.flat):
        y = pd.Series(x.to_numpy() * (k + 1) + rng.normal(0, 1, 40), index=units)
        plots.scatter_fit(y, x, lang="en", ax=ax, title=f"panel {k}", fontsize=6.5)
    style.save_figure(fig, "crowded", tmp_path, source="Source: test", lang="en", formats=("png",))
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = [t.get_window_extent(r) for t in ax.texts if t.get_text().startswith("city-")]
        assert len(boxes) == 40
        pts = ax.transData.transform(np.column_stack([ax.collections[0].get_offsets()]))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not (min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5)
            inside = (pts[:, 0] > a.x0 + 0.5) & (pts[:, 0] < a.x1 - 0.5) & (pts[:, 1] > a.y0 + 0.5) & (pts[:, 1] < a.y1 - 0.5)
            assert not inside.any()
    plt.close(fig)


def test_save_figure_records_titles_at_every_position(tmp_path):
    """index.html captions a figure by the titles save_figure records; a title set with loc='left' (as the report
    figures 1 and 4-7 do) counts too, so no figure is captioned by its file name alone."""
    import json

    style.setup("en", quiet=True)
    fig, (a, b) = plt.subplots(1, 2, figsize=(4, 2))
    a.set_title("Left title", loc="left")
    b.set_title("Centre title")
    fig.suptitle("Overall")
    style.save_figure(fig, "fig00-titles", tmp_path, formats=("png",))
    plt.close(fig)
    meta = json.loads((tmp_path / ".meta" / "fig00-titles.json").read_text(encoding="utf-8"))
    assert meta["titles"] == ["Overall", "Left title", "Centre title"]


def test_inline_png_of_a_saved_figure_is_identical_and_skips_the_measuring_draw(tmp_path, monkeypatch):
    """A notebook's inline image of a figure save_figure has laid out: IPython's printer draws it twice (a
    measuring draw for the tight crop, then the render); through style.inline_png once, with the same bytes;
    likewise a figure without a layout engine after add_source_note. A figure that was not saved keeps
    IPython's two draws."""
    import functools

    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    style.setup("en", quiet=True)
    printer = functools.partial(print_figure, fmt="png", base64=True, bbox_inches="tight")
    calls = []
    draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (calls.append(1), draw(self, renderer))[1])

    def make():
        fig, ax = plt.subplots(figsize=(4, 3), constrained_layout=True)
        ax.plot([0, 1, 2], [2, 0, 1])
        ax.set_title("a title")
        fig.suptitle("a suptitle")
        return fig

    fig = make()
    style.save_figure(fig, "fig00-inline", tmp_path, source="Source: test")
    calls.clear()
    ipython = printer(fig)
    assert len(calls) == 2
    calls.clear()
    ours = style.inline_png(fig, printer)
    assert len(calls) == 1
    assert ours == ipython
    plt.close(fig)
    noted, ax = plt.subplots(figsize=(4, 3))      # no layout engine: tight_layout once, then the source note
    ax.plot([0, 1], [1, 0])
    ax.legend(["a line"], loc="upper center", bbox_to_anchor=(0.5, -0.15))
    noted.tight_layout()
    style.add_source_note(noted, "Source: test")
    calls.clear()
    ipython = printer(noted)
    calls.clear()
    assert style.inline_png(noted, printer) == ipython and len(calls) == 1
    plt.close(noted)
    unsaved = make()
    calls.clear()
    style.inline_png(unsaved, printer)
    assert len(calls) == 2                      # not laid out by save_figure: measured by matplotlib as before
    plt.close(unsaved)


def test_save_figure_routes_a_kernels_png_formatter_through_inline_png(tmp_path, monkeypatch):
    """In a shell whose PNG formatter prints figures (the inline backend's), save_figure wraps that printer once
    with style.inline_png; the formatter's output for the saved figure is unchanged."""
    import functools
    import types

    import IPython
    from IPython.core.formatters import PNGFormatter
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    png = PNGFormatter()
    printer = functools.partial(print_figure, fmt="png", base64=True, bbox_inches="tight")
    png.for_type(Figure, printer)
    shell = types.SimpleNamespace(display_formatter=types.SimpleNamespace(formatters={"image/png": png}))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    style.setup("en", quiet=True)
    fig, ax = plt.subplots(figsize=(3, 2), constrained_layout=True)
    ax.plot([0, 1], [1, 0])
    style.save_figure(fig, "fig00-hook", tmp_path, source="Source: test")
    style.save_figure(fig, "fig00-hook", tmp_path, source="Source: test")
    wrapped = png.lookup_by_type(Figure)
    assert wrapped.func is style.inline_png and wrapped.keywords["printer"] is printer   # wrapped once
    assert png(fig) == printer(fig)
    plt.close(fig)


def test_inline_png_keeps_the_measuring_draw_for_a_table(tmp_path, monkeypatch):
    """A matplotlib Table lays its cells out anew at every draw, so its inline image keeps IPython's measuring
    draw (and IPython's bytes; a table like notebook 05's 图表 8 came out one pixel column different without it)."""
    import functools

    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    style.setup("en", quiet=True)
    printer = functools.partial(print_figure, fmt="png", base64=True, bbox_inches="tight")
    figs = []
    for _ in range(2):
        fig, ax = plt.subplots(figsize=(7.6, 2.0))
        ax.axis("off")
        tab = ax.table(cellText=[["Overall", "0.874", "0.8743"], ["Social", "0.72", "0.7111"]],
                       colLabels=["Index", "r\n(printed)", "r\n(recomputed)"], cellLoc="center",
                       bbox=[0, 0.16, 1, 0.84])
        tab.auto_set_font_size(False)
        tab.set_fontsize(9.5)
        for (i, _), cell in tab.get_celld().items():
            cell.set_height(cell.get_height() * (2.0 if i == 0 else 1.0))
        ax.set_title("a table", fontsize=10)
        style.save_figure(fig, "fig08-table", tmp_path, source="Source: test")
        figs.append(fig)
    calls = []
    draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (calls.append(1), draw(self, renderer))[1])
    ours = style.inline_png(figs[0], printer)
    assert len(calls) == 2
    assert ours == printer(figs[1])
    for fig in figs:
        plt.close(fig)
